//go:build linux

package netcfg_test

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/tuntap/tuntap/internal/netns"
	"github.com/tuntap/tuntap/netcfg"
	"github.com/tuntap/tuntap/tun"
)

// TestFullTunnelRules adds wg-quick's two rules per family, checks them
// against `ip rule`, and removes them leaving the rule list as it was.
func TestFullTunnelRules(t *testing.T) {
	ns := netns.New(t)
	for _, v6 := range []bool{false, true} {
		fam := "-4"
		if v6 {
			fam = "-6"
		}
		before := ns.MustRun(t, "ip", fam, "rule")
		rules := []netcfg.Rule{netcfg.NotMarkRule(v6, 0xca6c, 51820), netcfg.SuppressDefaultRule(v6)}
		do(t, ns, func() error {
			for _, r := range rules {
				if err := netcfg.AddRule(r); err != nil {
					return err
				}
			}
			return nil
		})
		out := ns.MustRun(t, "ip", fam, "rule")
		for _, want := range []string{"not from all fwmark 0xca6c lookup 51820", "from all lookup main suppress_prefixlength 0"} {
			if !strings.Contains(out, want) {
				t.Errorf("ip %s rule lacks %q:\n%s", fam, want, out)
			}
		}
		var listed []netcfg.Rule
		do(t, ns, func() (err error) { listed, err = netcfg.Rules(v6); return err })
		for _, r := range rules {
			if !slices.Contains(listed, r) {
				t.Errorf("Rules(%v) = %v, lacks %v", v6, listed, r)
			}
		}
		do(t, ns, func() error {
			for _, r := range rules {
				if err := netcfg.DelRule(r); err != nil {
					return err
				}
			}
			return nil
		})
		if after := ns.MustRun(t, "ip", fam, "rule"); after != before {
			t.Errorf("ip %s rule after delete:\n%s\nwant:\n%s", fam, after, before)
		}
	}
}

// TestFreeTable skips tables holding routes of either family.
func TestFreeTable(t *testing.T) {
	ns, dev := device(t, tun.TUN)
	ns.MustRun(t, "ip", "link", "set", dev, "up")
	get := func() int {
		var n int
		do(t, ns, func() (err error) { n, err = netcfg.FreeTable(51820); return err })
		return n
	}
	if n := get(); n != 51820 {
		t.Fatalf("FreeTable in an empty namespace = %d, want 51820", n)
	}
	ns.MustRun(t, "ip", "-4", "route", "add", "0/0", "dev", dev, "table", "51820")
	ns.MustRun(t, "ip", "-6", "route", "add", "::/0", "dev", dev, "table", "51821")
	if n := get(); n != 51822 {
		t.Fatalf("FreeTable with tables 51820 (v4) and 51821 (v6) used = %d, want 51822", n)
	}
}

// TestRouteMTUAndDev: the path MTU is the route's mtu when it has one, else
// its device's; RouteDev honours a firewall mark as policy rules do.
func TestRouteMTUAndDev(t *testing.T) {
	x, y := netns.New(t), netns.New(t)
	netns.Veth(t, x, "vx", y, "vy")
	x.MustRun(t, "ip", "link", "set", "vx", "mtu", "1400")
	x.MustRun(t, "ip", "addr", "add", "192.0.2.1/24", "dev", "vx")
	x.MustRun(t, "ip", "addr", "add", "2001:db8::1/64", "dev", "vx", "nodad")
	x.MustRun(t, "ip", "route", "add", "198.51.100.0/24", "via", "192.0.2.2", "mtu", "1300")
	x.MustRun(t, "ip", "tuntap", "add", "dev", "tn0", "mode", "tun")
	x.MustRun(t, "ip", "link", "set", "tn0", "up")
	x.MustRun(t, "ip", "route", "add", "203.0.113.0/24", "dev", "tn0", "table", "9")
	x.MustRun(t, "ip", "route", "add", "203.0.113.0/24", "via", "192.0.2.2")
	x.MustRun(t, "ip", "rule", "add", "fwmark", "9", "table", "9")
	for _, c := range []struct {
		dst  string
		want int
	}{{"192.0.2.2", 1400}, {"2001:db8::2", 1400}, {"198.51.100.7", 1300}} {
		var got int
		do(t, x, func() (err error) { got, err = netcfg.RouteMTU(netip.MustParseAddr(c.dst)); return err })
		if got != c.want {
			t.Errorf("RouteMTU(%s) = %d, want %d", c.dst, got, c.want)
		}
	}
	for _, c := range []struct {
		mark uint32
		want string
	}{{0, "vx"}, {9, "tn0"}} {
		var got string
		do(t, x, func() (err error) { got, err = netcfg.RouteDev(netip.MustParseAddr("203.0.113.5"), c.mark); return err })
		if got != c.want {
			t.Errorf("RouteDev(203.0.113.5, mark %d) = %q, want %q", c.mark, got, c.want)
		}
	}
	do(t, x, func() error { return netcfg.SetSysctl("net.ipv4.conf.all.src_valid_mark", "1") })
	if out := x.MustRun(t, "sysctl", "-n", "net.ipv4.conf.all.src_valid_mark"); strings.TrimSpace(out) != "1" {
		t.Errorf("src_valid_mark in the namespace = %q, want 1", out)
	}
	if err := netcfg.SetSysctl("../../etc/passwd", "x"); err == nil {
		t.Error("SetSysctl accepted a path-like key")
	}
}
