//go:build linux

package taptest

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tuntap/tuntap/internal/e2etest"
	"github.com/tuntap/tuntap/internal/netns"
)

// twoSites is a pair of tap-mode interfaces over one veth, with the MACs
// that the hooks give them.
func twoSites(t *testing.T, mtu int, upArgs ...string) (a, b *site) {
	t.Helper()
	na, nb := netns.New(t), netns.New(t)
	netns.Veth(t, na, "eth0", nb, "eth0")
	na.MustRun(t, "ip", "addr", "add", "10.212.0.1/24", "dev", "eth0")
	nb.MustRun(t, "ip", "addr", "add", "10.212.0.2/24", "dev", "eth0")
	noDAD(t, na)
	noDAD(t, nb)
	ka, kb := e2etest.NewKey(t), e2etest.NewKey(t)
	ca := e2etest.Conf{Key: ka, Port: 51820, MTU: mtu, Addrs: []string{"10.213.0.1/24", "fd13::1/64"},
		PostUp: []string{"ip link set dev %i address 02:13:00:00:00:01"}, Peers: []e2etest.Peer{{Pub: kb.Pub}}}
	cb := e2etest.Conf{Key: kb, Port: 51820, MTU: mtu, Addrs: []string{"10.213.0.2/24", "fd13::2/64"},
		PostUp: []string{"ip link set dev %i address 02:13:00:00:00:02"}, Peers: []e2etest.Peer{{Pub: ka.Pub, Endpoint: "10.212.0.1:51820", Keepalive: 5}}}
	a, b = startSite(t, "a", na, ca, upArgs...), startSite(t, "b", nb, cb, upArgs...)
	a.waitUp(t)
	b.waitUp(t)
	return a, b
}

// TestFrameMTUChange raises both TAP devices' MTU after up: the tunnel
// follows the links, so 3000-byte frames cross whole (with and without
// segmentation offload) and nothing is dropped as too big; lowered again,
// the old MTU holds.
func TestFrameMTUChange(t *testing.T) {
	for _, mode := range []struct {
		name string
		args []string
	}{{"offload", nil}, {"no-offload", []string{"--no-offload"}}} {
		t.Run(mode.name, func(t *testing.T) {
			a, b := twoSites(t, 1500, mode.args...)
			ping(t, a.NS, b.v4())
			for _, s := range []*site{a, b} {
				s.NS.MustRun(t, "ip", "link", "set", "dev", ifName, "mtu", "4000")
			}
			in := openRaw(t, b.NS, ifName)
			var out string
			ok := e2etest.WaitFor(15*time.Second, func() bool {
				var err error
				out, err = a.NS.Run("ping", "-n", "-c", "1", "-W", "1", "-s", "3000", "-M", "do", b.v4())
				return err == nil
			})
			if !ok {
				t.Fatalf("a 3000-byte ping with DF after raising both MTUs to 4000: no reply\n%s", out)
			}
			// Frames read into buffers sized before the change may be
			// dropped (counted too_big) while it happens; after it, none.
			before := []uint64{a.Show(t).Counters["drop_too_big"], b.Show(t).Counters["drop_too_big"]}
			if out, err := a.NS.Run("ping", "-n", "-c", "3", "-i", "0.2", "-W", "1", "-s", "3000", "-M", "do", b.v4()); err != nil || !strings.Contains(out, " 0% packet loss") {
				t.Errorf("3000-byte pings after the change: %v\n%s", err, out)
			}
			big := in.collect(time.Second, func(f []byte) bool { return len(f) > 3000 && bytes.Equal(f[6:12], a.mac) })
			if len(big) == 0 {
				t.Errorf("B received no 3000-byte frame from A")
			}
			for i, s := range []*site{a, b} {
				if n := s.Show(t).Counters["drop_too_big"]; n != before[i] {
					t.Errorf("%s: drop_too_big went from %d to %d after the MTU change", s.NS.Name, before[i], n)
				}
			}
			for _, s := range []*site{a, b} {
				s.NS.MustRun(t, "ip", "link", "set", "dev", ifName, "mtu", fmt.Sprint(1500))
			}
			ping(t, a.NS, b.v4(), "-s", "1400", "-M", "do")
			if out, err := a.NS.Run("ping", "-n", "-c", "1", "-W", "1", "-s", "3000", "-M", "do", b.v4()); err == nil {
				t.Errorf("a 3000-byte DF ping passed after lowering the MTU back to 1500:\n%s", out)
			}
		})
	}
}
