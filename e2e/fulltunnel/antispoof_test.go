//go:build linux

package fulltunnel

import (
	"testing"

	"github.com/tuntap/tuntap/internal/netns"
)

// TestAntiSpoof: with the full tunnel's nftables rules, a host on another
// link (namespace C, routed to the tunnel's addresses through A's veth)
// gets no answer from them, while traffic through the tunnel still flows,
// even under strict reverse-path filtering: the tunnel's UDP replies get the
// socket's mark back from conntrack. Deleting the table shows both come
// from the rules: C is answered and the tunnel's replies are filtered out.
func TestAntiSpoof(t *testing.T) {
	w := newWorld(t)
	c := netns.New(t)
	netns.Veth(t, w.a, "vc", c, "vx")
	for _, cmd := range [][]string{
		{"addr", "add", "192.0.3.1/24", "dev", "vc"},
		{"addr", "add", "2001:db8:3::1/64", "dev", "vc", "nodad"},
	} {
		w.a.MustRun(t, "ip", cmd...)
	}
	for _, cmd := range [][]string{
		{"addr", "add", "192.0.3.2/24", "dev", "vx"},
		{"addr", "add", "2001:db8:3::2/64", "dev", "vx", "nodad"},
		{"route", "add", "10.9.0.0/24", "via", "192.0.3.1"},
		{"-6", "route", "add", "fd09::/64", "via", "2001:db8:3::1"},
	} {
		c.MustRun(t, "ip", cmd...)
	}
	cl := up(t, w.a, w.aKey, w.client(""))
	// Only now: a handshake that the device's first packets start before
	// the rules exist gets its answer unmarked, and strict filtering would
	// delay the tunnel by a handshake retry (5 s).
	w.a.MustRun(t, "sysctl", "-w", "net.ipv4.conf.all.rp_filter=1")

	tunnelled := func() error {
		if _, err := w.a.Run("ping", "-n", "-c", "2", "-i", "0.2", "-W", "2", w.v4Net); err != nil {
			return err
		}
		_, err := w.a.Run("ping", "-6", "-n", "-c", "2", "-i", "0.2", "-W", "2", w.v6Net)
		return err
	}
	if err := tunnelled(); err != nil {
		t.Fatalf("ping through the tunnel with the rules in place: %v", err)
	}
	for _, dst := range []string{"10.9.0.2", "fd09::2"} {
		if out, err := c.Run("ping", "-n", "-c", "2", "-i", "0.2", "-W", "1", dst); err == nil {
			t.Errorf("%s answered a ping from another link:\n%s", dst, out)
		}
	}

	delNftTable(t, w.a, "tuntap-"+cl.name)
	for _, dst := range []string{"10.9.0.2", "fd09::2"} {
		if _, err := c.Run("ping", "-n", "-c", "2", "-i", "0.2", "-W", "2", dst); err != nil {
			t.Errorf("without the table %s still does not answer C, so the rule was not what dropped it: %v", dst, err)
		}
	}
	if out, err := w.a.Run("ping", "-n", "-c", "2", "-i", "0.2", "-W", "1", w.v4Net); err == nil {
		t.Errorf("without the table, replies through the tunnel still pass strict rp_filter, so the mark rules were not needed:\n%s", out)
	}
}
