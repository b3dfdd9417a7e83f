//go:build linux

package netcfg_test

import (
	"encoding/json"
	"net"
	"net/netip"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/tuntap/tuntap/internal/netns"
	"github.com/tuntap/tuntap/netcfg"
	"github.com/tuntap/tuntap/tun"
)

func TestMain(m *testing.M) {
	// Keep other goroutines off the main thread: netns.NS.Do retires the
	// thread it ran on, and the main thread cannot be retired.
	runtime.LockOSThread()
	os.Exit(m.Run())
}

// device opens a device of kind inside a fresh namespace.
func device(t *testing.T, kind tun.Kind) (*netns.NS, string) {
	t.Helper()
	ns := netns.New(t)
	var dev *tun.Iface
	if err := ns.Do(func() (err error) { dev, err = tun.Open(tun.Config{Kind: kind}); return err }); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dev.Close() })
	return ns, dev.Name()
}

func do(t *testing.T, ns *netns.NS, f func() error) {
	t.Helper()
	if err := ns.Do(f); err != nil {
		t.Fatal(err)
	}
}

type ipLink struct {
	Ifindex int      `json:"ifindex"`
	Flags   []string `json:"flags"`
	MTU     int      `json:"mtu"`
	Master  string   `json:"master"`
	Address string   `json:"address"`
	Info    struct {
		Kind string `json:"info_kind"`
	} `json:"linkinfo"`
}

// ipJSON runs `ip -j args...` in ns and decodes its output into v.
func ipJSON(t *testing.T, ns *netns.NS, v any, args ...string) {
	t.Helper()
	out := ns.MustRun(t, "ip", append([]string{"-j"}, args...)...)
	if err := json.Unmarshal([]byte(out), v); err != nil {
		t.Fatalf("ip -j %v: %v: %s", args, err, out)
	}
}

func showLink(t *testing.T, ns *netns.NS, name string) ipLink {
	t.Helper()
	var links []ipLink
	ipJSON(t, ns, &links, "-d", "link", "show", "dev", name)
	if len(links) != 1 {
		t.Fatalf("ip link show %s: %d links", name, len(links))
	}
	return links[0]
}

func TestLinkSettings(t *testing.T) {
	ns, tap := device(t, tun.TAP)
	mac := net.HardwareAddr{0x02, 0x96, 0, 0, 0, 1}
	var index int
	var gotMAC net.HardwareAddr
	do(t, ns, func() (err error) {
		if err = netcfg.SetMTU(tap, 1400); err == nil {
			err = netcfg.SetHardwareAddr(tap, mac)
		}
		if err == nil {
			err = netcfg.SetUp(tap)
		}
		if err == nil {
			index, err = netcfg.Index(tap)
		}
		if err == nil {
			gotMAC, err = netcfg.HardwareAddr(tap)
		}
		return err
	})
	l := showLink(t, ns, tap)
	if l.MTU != 1400 || l.Address != mac.String() || l.Ifindex != index || !slices.Contains(l.Flags, "UP") {
		t.Fatalf("ip link: mtu %d address %s index %d flags %v; want 1400 %s %d UP", l.MTU, l.Address, l.Ifindex, l.Flags, mac, index)
	}
	if gotMAC.String() != mac.String() {
		t.Fatalf("HardwareAddr = %s, want %s", gotMAC, mac)
	}
	do(t, ns, func() error { return netcfg.SetDown(tap) })
	if l := showLink(t, ns, tap); slices.Contains(l.Flags, "UP") {
		t.Fatalf("still up after SetDown: %v", l.Flags)
	}
}

func TestBridge(t *testing.T) {
	ns, tap := device(t, tun.TAP)
	do(t, ns, func() error {
		if err := netcfg.AddBridge("br0"); err != nil {
			return err
		}
		return netcfg.SetMaster(tap, "br0")
	})
	if br := showLink(t, ns, "br0"); br.Info.Kind != "bridge" {
		t.Fatalf("br0 kind %q, want bridge", br.Info.Kind)
	}
	if l := showLink(t, ns, tap); l.Master != "br0" {
		t.Fatalf("%s master %q, want br0", tap, l.Master)
	}
	do(t, ns, func() error { return netcfg.ClearMaster(tap) })
	if l := showLink(t, ns, tap); l.Master != "" {
		t.Fatalf("%s master %q after ClearMaster", tap, l.Master)
	}
	do(t, ns, func() error { return netcfg.DelLink("br0") })
	if out, err := ns.Run("ip", "link", "show", "br0"); err == nil {
		t.Fatalf("br0 still exists:\n%s", out)
	}
}

func TestAddrs(t *testing.T) {
	ns, dev := device(t, tun.TUN)
	want := []netip.Prefix{netip.MustParsePrefix("10.96.0.1/24"), netip.MustParsePrefix("fd00:96::1/64")}
	var got []netip.Prefix
	do(t, ns, func() (err error) {
		for _, p := range want {
			if err := netcfg.AddAddr(dev, p); err != nil {
				return err
			}
		}
		got, err = netcfg.Addrs(dev)
		return err
	})
	fromIP := ipAddrs(t, ns, dev)
	for _, p := range want {
		if !slices.Contains(got, p) || !slices.Contains(fromIP, p) {
			t.Errorf("%s: Addrs %v, ip %v", p, got, fromIP)
		}
	}
	do(t, ns, func() (err error) {
		for _, p := range want {
			if err := netcfg.DelAddr(dev, p); err != nil {
				return err
			}
		}
		got, err = netcfg.Addrs(dev)
		return err
	})
	if fromIP := ipAddrs(t, ns, dev); len(got) != 0 || len(fromIP) != 0 {
		t.Errorf("after DelAddr: Addrs %v, ip %v", got, fromIP)
	}
}

func ipAddrs(t *testing.T, ns *netns.NS, dev string) []netip.Prefix {
	var ifs []struct {
		AddrInfo []struct {
			Local     string `json:"local"`
			Prefixlen int    `json:"prefixlen"`
		} `json:"addr_info"`
	}
	ipJSON(t, ns, &ifs, "addr", "show", "dev", dev)
	var out []netip.Prefix
	for _, i := range ifs {
		for _, a := range i.AddrInfo {
			out = append(out, netip.PrefixFrom(netip.MustParseAddr(a.Local), a.Prefixlen))
		}
	}
	return out
}

func TestRoutes(t *testing.T) {
	ns, dev := device(t, tun.TUN)
	do(t, ns, func() error { return netcfg.SetUp(dev) })
	for _, tc := range []struct {
		dst   string
		table int
	}{
		{"10.97.1.0/24", 0},
		{"10.97.2.0/24", 100},
		{"fd00:97::/48", 0},
		{"fd00:98::/48", 100},
	} {
		dst := netip.MustParsePrefix(tc.dst)
		do(t, ns, func() error { return netcfg.AddRoute(dev, dst, tc.table) })
		if !hasRoute(t, ns, dev, dst, tc.table) {
			t.Errorf("ip route lacks %s table %d", dst, tc.table)
		}
		do(t, ns, func() error { return netcfg.DelRoute(dev, dst, tc.table) })
		if hasRoute(t, ns, dev, dst, tc.table) {
			t.Errorf("ip route still has %s table %d after DelRoute", dst, tc.table)
		}
	}
}

func hasRoute(t *testing.T, ns *netns.NS, dev string, dst netip.Prefix, table int) bool {
	t.Helper()
	fam, tbl := "-4", "main"
	if dst.Addr().Is6() {
		fam = "-6"
	}
	if table != 0 {
		tbl = strconv.Itoa(table)
	}
	var routes []struct {
		Dst string `json:"dst"`
		Dev string `json:"dev"`
	}
	ipJSON(t, ns, &routes, fam, "route", "show", "table", tbl)
	for _, r := range routes {
		if r.Dst == dst.String() && r.Dev == dev {
			return true
		}
	}
	return false
}

func TestUnknownInterface(t *testing.T) {
	ns := netns.New(t)
	err := ns.Do(func() error { return netcfg.SetUp("nosuch0") })
	if err == nil || !strings.Contains(err.Error(), "nosuch0") {
		t.Fatalf("SetUp of a missing interface: %v, want an error naming it", err)
	}
}
