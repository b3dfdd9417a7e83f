//go:build linux

package paths

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tuntap/tuntap/internal/e2etest"
)

// inner is an inner address family: the peer's tunnel address and the IP
// plus ICMP header bytes ping adds to its payload.
type inner struct {
	name, addr string
	header     int
}

var inners = []inner{{"inner4", "10.75.0.2", 28}, {"inner6", "fd75::2", 48}}

// tightMTU makes the largest outer packet exactly fill an underlay of MTU
// underlay: minus the IP header, UDP (8) and the transport header and tag
// (32).
func tightMTU(family string, underlay int) int {
	if family == "6" {
		return underlay - 40 - 8 - 32
	}
	return underlay - 20 - 8 - 32
}

// TestMTUSizedPackets (catalog 20): over an IPv4-only and an IPv6-only
// underlay, an inner IPv4 and IPv6 packet of exactly the tunnel MTU with DF
// set crosses the tunnel and is answered, and one byte more is refused
// locally with "message too long" rather than lost silently. The tunnel MTU
// is chosen so the largest outer packet is exactly 1500 bytes.
func TestMTUSizedPackets(t *testing.T) {
	for _, family := range []string{"4", "6"} {
		t.Run("outer"+family, func(t *testing.T) {
			mtu := tightMTU(family, 1500)
			p := newPair(t, family, mtu, 1500)
			for _, in := range inners {
				t.Run(in.name, func(t *testing.T) {
					if ok, out := ping(p.a, in.addr, mtu-in.header, 2); !ok {
						t.Errorf("%d-byte packet (the MTU) with DF: no reply\n%s", mtu, out)
					}
					ok, out := ping(p.a, in.addr, mtu+1-in.header, 2)
					if ok {
						t.Fatalf("%d-byte packet (MTU+1) with DF was answered\n%s", mtu+1, out)
					}
					// ping prints "local error: message too long, mtu=1420"
					// (IPv6: "mtu: 1420"): the kernel refused the send.
					low := strings.ToLower(out)
					if !strings.Contains(low, "message too long") || !strings.Contains(low, strconv.Itoa(mtu)) {
						t.Errorf("%d-byte packet (MTU+1) with DF: want a local \"message too long\" error naming MTU %d, got\n%s", mtu+1, mtu, out)
					}
				})
			}
		})
	}
}

// TestOuterFragmentation (catalog 20): a tunnel MTU of 4000 over a
// 1500-byte underlay makes every big inner packet an outer packet the
// kernel must fragment and reassemble. A 3900-byte ping (inner DF set, so
// only the outer packet is split) is answered over IPv4 and IPv6 underlays,
// and the sender's fragment counter shows the outer fragmentation happened.
func TestOuterFragmentation(t *testing.T) {
	for _, family := range []string{"4", "6"} {
		t.Run("outer"+family, func(t *testing.T) {
			p := newPair(t, family, 4000, 1500)
			for _, in := range inners {
				t.Run(in.name, func(t *testing.T) {
					before := fragCreates(t, p.a, family)
					if ok, out := ping(p.a, in.addr, 3900, 3); !ok {
						t.Fatalf("%d-byte ping through a 4000-MTU tunnel: no reply\n%s", 3900+in.header, out)
					}
					if after := fragCreates(t, p.a, family); after == before {
						t.Errorf("IPv%s FragCreates stayed at %d: the outer packet was not fragmented", family, before)
					} else {
						t.Logf("outer IPv%s fragments created by a: %d", family, after-before)
					}
				})
			}
			// A size sweep around the underlay MTU, where the outer packet
			// goes from one piece to two.
			for size := 1400; size <= 1520; size += 8 {
				if ok, out := ping(p.a, "10.75.0.2", size, 3); !ok {
					t.Errorf("%d-byte inner IPv4 ping through a 4000-MTU tunnel: no reply\n%s", size+28, out)
				}
			}
		})
	}
}

// TestMTUFollowsLink: an MTU raised with ip link after up (what wg-quick
// does to tuntap as its wireguard-go, and what users do) is followed at
// once: a packet of the new MTU, far larger than the buffers sized at start,
// crosses the tunnel both ways, and nothing is dropped as too big.
func TestMTUFollowsLink(t *testing.T) {
	p := newPair(t, "4", 1400, 9000)
	if ok, out := ping(p.a, "10.75.0.2", 1400-28, 2); !ok {
		t.Fatalf("1400-byte ping at the start MTU: no reply\n%s", out)
	}
	const raised = 8000
	for _, n := range []*ttNode{p.na, p.nb} {
		n.NS.MustRun(t, "ip", "link", "set", "dev", n.Name, "mtu", strconv.Itoa(raised))
	}
	// Each reader regrows its buffers at its next batch, so the first big
	// packet through each of the four (device and socket, both ends) may
	// be dropped: a few one-second pings.
	for _, in := range inners {
		var out string
		ok := e2etest.WaitFor(15*time.Second, func() bool {
			var ok bool
			ok, out = ping(p.a, in.addr, raised-in.header, 1)
			return ok
		})
		if !ok {
			t.Fatalf("%s: %d-byte ping with DF after raising the MTU to %d: no reply\n%s", in.name, raised, raised, out)
		}
	}
	// Packets read into buffers sized before the change may be dropped
	// (counted too_big) while it happens; after it, none.
	before := []uint64{p.na.Show(t).Counters["drop_too_big"], p.nb.Show(t).Counters["drop_too_big"]}
	for _, in := range inners {
		if ok, out := ping(p.a, in.addr, raised-in.header, 2); !ok {
			t.Errorf("%s: %d-byte ping after the change: no reply\n%s", in.name, raised, out)
		}
	}
	for i, n := range []*ttNode{p.na, p.nb} {
		if drops := n.Show(t).Counters["drop_too_big"]; drops != before[i] {
			t.Errorf("%s: drop_too_big went from %d to %d after the MTU change", n.Name, before[i], drops)
		}
	}
}
