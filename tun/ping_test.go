//go:build linux

package tun_test

import (
	"net"
	"net/netip"
	"testing"

	"github.com/tuntap/tuntap/internal/netns"
	"github.com/tuntap/tuntap/internal/testenv"
	"github.com/tuntap/tuntap/tun"
)

// The kernel pings an address routed into a TUN device; the test plays the
// far end and answers each echo request.
func TestTUNPing(t *testing.T) {
	testenv.RequireTool(t, "ping")
	for _, tc := range []struct {
		name, addr, peer string
	}{
		{"v4", "10.91.0.1/24", "10.91.0.2"},
		{"v6", "fd00:91::1/64", "fd00:91::2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ns := netns.New(t)
			dev := openIn(t, ns, tun.Config{Name: "tt0", MTU: 1420})
			if dev.Name() != "tt0" || dev.Kind() != tun.TUN || dev.MTU() != 1420 || dev.Index() <= 0 {
				t.Fatalf("device: name %q kind %v mtu %d index %d", dev.Name(), dev.Kind(), dev.MTU(), dev.Index())
			}
			upWith(t, ns, dev.Name(), tc.addr)
			serve(t, dev, answerEcho)
			pingOK(t, ns, tc.peer)
		})
	}
}

// The kernel resolves the far end of a TAP device with ARP and neighbour
// solicitation, then pings it; the test answers all of it with its own MAC.
func TestTAPPing(t *testing.T) {
	testenv.RequireTool(t, "ping")
	ns := netns.New(t)
	dev := openIn(t, ns, tun.Config{Kind: tun.TAP})
	if dev.Kind() != tun.TAP || dev.Name() != "tap0" {
		t.Fatalf("kind %v name %q, want tap tap0", dev.Kind(), dev.Name())
	}
	ns.MustRun(t, "ip", "-6", "addr", "add", "fd00:92::1/64", "dev", dev.Name(), "nodad")
	upWith(t, ns, dev.Name(), "10.92.0.1/24")
	r := &l2Responder{
		mac: net.HardwareAddr{0x02, 0, 0, 0, 0x92, 2},
		ip4: netip.MustParseAddr("10.92.0.2"),
		ip6: netip.MustParseAddr("fd00:92::2"),
	}
	serve(t, dev, r.reply)
	pingOK(t, ns, r.ip4.String())
	pingOK(t, ns, r.ip6.String())
	neigh := ns.MustRun(t, "ip", "neigh", "show", "dev", dev.Name())
	for _, ip := range []netip.Addr{r.ip4, r.ip6} {
		if !containsLine(neigh, ip.String(), r.mac.String()) {
			t.Errorf("neighbour table lacks %s lladdr %s:\n%s", ip, r.mac, neigh)
		}
	}
}
