//go:build linux

package paths

import (
	"net"
	"testing"
	"time"
)

// paddingCases pair an underlay with the tunnel MTU that fills it exactly.
// Neither MTU is a multiple of 16, so rounding the plaintext of the largest
// packets up to 16 bytes would overshoot the path MTU by up to 12 bytes if
// padding were not capped at the tunnel MTU.
var paddingCases = []struct {
	family        string
	underlay, mtu int
}{
	{"6", 1500, 1420}, // the default MTU: its worst case is IPv6 outer
	{"4", 1490, 1430},
}

// TestPaddingFitsPathMTU (catalog 21): inner packets of every size from
// MTU-40 to the MTU, IPv4 and IPv6, one at a time (each answered) and in
// bursts, never make either side fragment an outer packet, although the
// largest outer packets fill the underlay to the byte. A control proves the
// check sensitive: one byte less of underlay MTU and the same traffic is
// fragmented.
func TestPaddingFitsPathMTU(t *testing.T) {
	for _, c := range paddingCases {
		t.Run("outer"+c.family, func(t *testing.T) {
			p := newPair(t, c.family, c.mtu, c.underlay)
			if got := tightMTU(c.family, c.underlay); got != c.mtu {
				t.Fatalf("case error: MTU %d does not fill the underlay (want %d)", c.mtu, got)
			}
			a0, b0 := fragCreates(t, p.a, c.family), fragCreates(t, p.b, c.family)
			for _, in := range inners {
				for n := c.mtu - 40; n <= c.mtu; n++ {
					if ok, out := ping(p.a, in.addr, n-in.header, 2); !ok {
						t.Fatalf("%s %d-byte ping: no reply\n%s", in.name, n, out)
					}
				}
				burst(t, p, in, c.mtu)
			}
			checkWorstCase(t, p, c.mtu)
			if a1, b1 := fragCreates(t, p.a, c.family), fragCreates(t, p.b, c.family); a1 != a0 || b1 != b0 {
				t.Errorf("outer IPv%s packets were fragmented: a created %d fragments, b %d", c.family, a1-a0, b1-b0)
			}
			// Control: with the underlay one byte smaller the largest outer
			// packets no longer fit and the counter must move.
			p.setLinkMTU(t, c.underlay-1)
			before := fragCreates(t, p.a, c.family)
			if ok, out := ping(p.a, "10.75.0.2", c.mtu-28, 3); !ok {
				t.Errorf("control: MTU-sized ping over an underlay of %d: no reply\n%s", c.underlay-1, out)
			}
			if fragCreates(t, p.a, c.family) == before {
				t.Errorf("control: a %d-byte outer packet over a %d-byte underlay did not count as fragmented: the check is blind",
					c.underlay, c.underlay-1)
			}
		})
	}
}

// burst sends UDP datagrams making inner packets of every size from MTU-40
// to the MTU, back to back, five rounds, from a to b, so that tuntap sends
// them in batches. Some may be dropped; most must arrive.
func burst(t *testing.T, p *pair, in inner, mtu int) {
	t.Helper()
	const rounds = 5
	hostPort := net.JoinHostPort(in.addr, "9000")
	var ln *net.UDPConn
	if err := p.b.Do(func() error {
		addr, err := net.ResolveUDPAddr("udp", hostPort)
		if err == nil {
			ln, err = net.ListenUDP("udp", addr)
		}
		return err
	}); err != nil {
		t.Fatalf("listen %s in b: %v", hostPort, err)
	}
	defer ln.Close()
	ln.SetReadBuffer(4 << 20)
	var c net.Conn
	if err := p.a.Do(func() (err error) { c, err = net.Dial("udp", hostPort); return }); err != nil {
		t.Fatalf("dial %s in a: %v", hostPort, err)
	}
	defer c.Close()
	buf := make([]byte, mtu)
	sent := 0
	for r := 0; r < rounds; r++ {
		for n := mtu - 40; n <= mtu; n++ {
			// The UDP header is 8 of in.header's bytes, as ICMP's is.
			if _, err := c.Write(buf[:n-in.header]); err != nil {
				t.Fatalf("send a %d-byte inner packet: %v", n, err)
			}
			sent++
		}
	}
	got := 0
	ln.SetReadDeadline(time.Now().Add(3 * time.Second))
	for got < sent {
		if _, err := ln.Read(buf); err != nil {
			break
		}
		got++
	}
	t.Logf("%s burst: %d of %d datagrams arrived", in.name, got, sent)
	if got < sent/2 {
		t.Errorf("%s burst: only %d of %d datagrams arrived", in.name, got, sent)
	}
}

// checkWorstCase pings with an inner packet 3 bytes under the MTU, whose
// plaintext rounded up to 16 would pass the MTU: a's transmit counter must
// grow by exactly one message with its padding capped at the MTU (16 bytes
// of header, MTU bytes of plaintext, 16 of tag), an outer packet that fills
// the underlay to the byte.
func checkWorstCase(t *testing.T, p *pair, mtu int) {
	t.Helper()
	if (mtu-3+15)&^15 <= mtu {
		t.Fatalf("case error: MTU %d leaves no room for padding to overshoot", mtu)
	}
	before := p.na.peer(t, p.kb.Pub).TxBytes
	if ok, out := ping(p.a, "10.75.0.2", mtu-3-28, 2); !ok {
		t.Fatalf("%d-byte ping: no reply\n%s", mtu-3, out)
	}
	if d := p.na.peer(t, p.kb.Pub).TxBytes - before; d != uint64(32+mtu) {
		t.Errorf("one %d-byte inner packet sent %d bytes, want %d (16 header + %d padded + 16 tag)",
			mtu-3, d, 32+mtu, mtu)
	}
}
