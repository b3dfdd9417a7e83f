//go:build linux

package e2e

import (
	"fmt"
	"testing"
	"time"

	"github.com/tuntap/tuntap/internal/e2etest"
)

// wireSize is the size of the transport message that carries an inner
// packet of n bytes: 16 header + plaintext padded to 16 (never past the
// MTU) + 16 tag.
func wireSize(n, mtu int) uint64 {
	padded := (n + 15) &^ 15
	if padded > mtu {
		padded = mtu
	}
	return uint64(32 + padded)
}

// TestTransferCounters: N pings of a known size change tuntap's rx/tx byte
// counters by exactly N data messages each way, and wireguard-go counts the
// same traffic identically from its side.
func TestTransferCounters(t *testing.T) {
	requireWG(t)
	p := newPair(t, "tuntap")
	e2etest.WaitPing(t, p.a, "10.71.0.2", 15*time.Second)
	e2etest.WaitPing(t, p.a, "fd71::2", 10*time.Second)
	const n = 10
	for _, c := range []struct {
		addr   string
		size   int // ICMP payload
		header int // IP + ICMP headers
	}{
		{"10.71.0.2", 56, 28},
		{"10.71.0.2", 1000, 28},
		{"10.71.0.2", 1392, 28}, // 1420 bytes: padding stops at the MTU
		{"fd71::2", 56, 48},
		{"fd71::2", 1372, 48}, // 1420 bytes
	} {
		t.Run(fmt.Sprintf("%s-%d", c.addr, c.size), func(t *testing.T) {
			want := n * wireSize(c.size+c.header, 1420)
			tt0, _ := p.tt.Show(t).Peer(p.kb.Pub)
			wg0 := wgDump(t, p.b, p.wg.name)[p.ka.Pub.String()]
			// Each request is answered before the next leaves, and the whole
			// series is far shorter than the 10 s keepalive timer, so no
			// other message crosses in the window.
			sent, recv := pingSeries(t, p.a, c.addr, n, "0.05", c.size)
			tt1, _ := p.tt.Show(t).Peer(p.kb.Pub)
			wg1 := wgDump(t, p.b, p.wg.name)[p.ka.Pub.String()]
			if sent != n || recv != n {
				t.Fatalf("ping: %d sent, %d received, want %d", sent, recv, n)
			}
			if tt1.LatestHandshake != tt0.LatestHandshake {
				t.Fatalf("unexpected handshake during a 1 s ping series (at %d, before %d)", tt1.LatestHandshake, tt0.LatestHandshake)
			}
			got := map[string]uint64{
				"tuntap tx":       tt1.TxBytes - tt0.TxBytes,
				"tuntap rx":       tt1.RxBytes - tt0.RxBytes,
				"wireguard-go rx": wg1.Rx - wg0.Rx,
				"wireguard-go tx": wg1.Tx - wg0.Tx,
			}
			for k, v := range got {
				if v != want {
					t.Errorf("%s: %d bytes for %d pings of %d bytes, want %d", k, v, n, c.size, want)
				}
			}
		})
	}
}
