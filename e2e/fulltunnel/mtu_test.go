//go:build linux

package fulltunnel

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/tuntap/tuntap/engine"
	"github.com/tuntap/tuntap/internal/e2etest"
	"github.com/tuntap/tuntap/internal/netns"
)

var mtuField = regexp.MustCompile(` mtu (\d+) `)

func linkMTU(t *testing.T, ns *netns.NS, dev string) int {
	t.Helper()
	m := mtuField.FindStringSubmatch(ns.MustRun(t, "ip", "-o", "link", "show", "dev", dev))
	if m == nil {
		t.Fatalf("no mtu for %s", dev)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// TestAutoMTU: without an MTU key the interface's MTU follows the path to
// the endpoints, as wg-quick's `ip route get ENDPOINT`: an underlay of 1400
// gives 1400-80 for an IPv6 endpoint, 1400-60 when all are IPv4, and tap
// mode leaves room for its framing. With no endpoint it is 1420.
func TestAutoMTU(t *testing.T) {
	ns, other := netns.New(t), netns.New(t)
	netns.Veth(t, ns, "va", other, "vb")
	ns.MustRun(t, "ip", "link", "set", "va", "mtu", "1400")
	ns.MustRun(t, "ip", "addr", "add", "192.0.2.1/24", "dev", "va")
	ns.MustRun(t, "ip", "addr", "add", "2001:db8:1::1/64", "dev", "va", "nodad")
	// A route with its own mtu wins over its device's, as in ip route get.
	ns.MustRun(t, "ip", "route", "add", "198.51.100.0/24", "via", "192.0.2.2", "mtu", "1300")
	peerKey := e2etest.NewKey(t)
	for _, c := range []struct {
		name, endpoints, mode string
		want                  int
	}{
		{"ipv6 endpoint", "[2001:db8:1::2]:51820", "", 1320},
		{"ipv4 endpoint", "192.0.2.2:51820", "", 1340},
		{"route mtu", "198.51.100.9:51820", "", 1240},
		{"mixed families take the smallest path and the IPv6 overhead", "192.0.2.2:51820 198.51.100.9:51820 [2001:db8:1::2]:51820", "", 1220},
		{"tap", "[2001:db8:1::2]:51820", "tap", 1320 - engine.TAPOverhead},
		{"no endpoint", "", "", 1420},
	} {
		t.Run(c.name, func(t *testing.T) {
			text := "[Interface]\nPrivateKey = PRIVATE\n"
			if c.mode != "" {
				text += "Mode = " + c.mode + "\n"
			}
			eps := strings.Split(c.endpoints, " ")
			for i, ep := range eps {
				text += fmt.Sprintf("\n[Peer]\nPublicKey = %s\nAllowedIPs = 10.%d.0.0/24\n", otherKey(t, i, peerKey), 50+i)
				if ep != "" {
					text += "Endpoint = " + ep + "\n"
				}
			}
			n := up(t, ns, e2etest.NewKey(t), text)
			if got := linkMTU(t, ns, n.name); got != c.want {
				t.Errorf("MTU %d, want %d", got, c.want)
			}
			n.stop()
		})
	}
}

// otherKey gives each peer of one config a distinct key.
func otherKey(t *testing.T, i int, first e2etest.Key) string {
	if i == 0 {
		return first.Pub.String()
	}
	return e2etest.NewKey(t).Pub.String()
}
