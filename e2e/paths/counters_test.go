//go:build linux

package paths

import (
	"fmt"
	"testing"

	"github.com/tuntap/tuntap/internal/e2etest"
)

// wireSize is the size of the transport message that carries an inner
// packet of n bytes: 16 header + plaintext padded to 16 (never past the
// MTU) + 16 tag.
func wireSize(n, mtu int) uint64 {
	return uint64(32 + min((n+15)&^15, max(n, mtu)))
}

// TestTransferCountersTuntapBoth (catalog 23): with tuntap on both ends,
// 100 pings of a known size change all four byte counters (each side's rx
// and tx) by exactly 100 data messages each way. e2e's
// TestTransferCounters checks tuntap against wireguard-go; this one needs no
// reference implementation and checks that tuntap's receive counter agrees
// with tuntap's own sender, over 10x the packets.
func TestTransferCountersTuntapBoth(t *testing.T) {
	const mtu, n = 1420, 100
	p := newPair(t, "4", mtu, 1500)
	for _, c := range []struct {
		addr   string
		size   int // ICMP payload
		header int // IP + ICMP headers
	}{
		{"10.75.0.2", 56, 28},
		{"10.75.0.2", 1000, 28},
		{"fd75::2", 1372, 48}, // 1420 bytes: padding stops at the MTU
	} {
		t.Run(fmt.Sprintf("%s-%d", c.addr, c.size), func(t *testing.T) {
			want := n * wireSize(c.size+c.header, mtu)
			a0, b0 := p.na.peer(t, p.kb.Pub), p.nb.peer(t, p.ka.Pub)
			// Each request is answered before the next leaves and the series
			// (2 s) is far shorter than the 10 s keepalive timer, so no other
			// message crosses in the window.
			sent, recv, err := e2etest.PingCount(p.a, c.addr, n, "0.02", c.size)
			if err != nil {
				t.Fatal(err)
			}
			a1, b1 := p.na.peer(t, p.kb.Pub), p.nb.peer(t, p.ka.Pub)
			if sent != n || recv != n {
				t.Fatalf("ping: %d sent, %d received, want %d", sent, recv, n)
			}
			if a1.LatestHandshake != a0.LatestHandshake || b1.LatestHandshake != b0.LatestHandshake {
				t.Fatalf("unexpected handshake during the ping series")
			}
			for name, v := range map[string]uint64{
				"a tx": a1.TxBytes - a0.TxBytes, "a rx": a1.RxBytes - a0.RxBytes,
				"b tx": b1.TxBytes - b0.TxBytes, "b rx": b1.RxBytes - b0.RxBytes,
			} {
				if v != want {
					t.Errorf("%s: %d bytes for %d pings of %d bytes, want %d", name, v, n, c.size+c.header, want)
				}
			}
		})
	}
}
