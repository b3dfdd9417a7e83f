package engine

import (
	"encoding/binary"
	"net/netip"
	"testing"
)

// loopUDP4 builds an IPv4 UDP packet (or a fragment of one) from sport to dst.
func loopUDP4(sport uint16, dst netip.AddrPort, fragOff uint16, proto byte) []byte {
	b := make([]byte, 20+8+16)
	b[0] = 0x45
	binary.BigEndian.PutUint16(b[2:], uint16(len(b)))
	binary.BigEndian.PutUint16(b[6:], fragOff)
	b[8], b[9] = 64, proto
	copy(b[12:16], []byte{10, 9, 0, 2})
	a := dst.Addr().As4()
	copy(b[16:20], a[:])
	binary.BigEndian.PutUint16(b[20:], sport)
	binary.BigEndian.PutUint16(b[22:], dst.Port())
	return b
}

// loopUDP6 builds an IPv6 UDP packet, with a fragment header at offset off
// (in 8-byte units) when frag is set.
func loopUDP6(sport uint16, dst netip.AddrPort, frag bool, off uint16) []byte {
	b := make([]byte, 40, 40+8+8+16)
	b[0] = 0x60
	b[6], b[7] = protoUDP, 64
	a := dst.Addr().As16()
	copy(b[24:40], a[:])
	if frag {
		b[6] = ipv6FragHdr
		fh := make([]byte, 8)
		fh[0] = protoUDP
		binary.BigEndian.PutUint16(fh[2:], off<<3|1)
		b = append(b, fh...)
	}
	u := make([]byte, 8+16)
	binary.BigEndian.PutUint16(u[0:], sport)
	binary.BigEndian.PutUint16(u[2:], dst.Port())
	b = append(b, u...)
	binary.BigEndian.PutUint16(b[4:], uint16(len(b)-40))
	return b
}

func TestUDPDest(t *testing.T) {
	ep4 := netip.MustParseAddrPort("198.51.100.2:51820")
	ep6 := netip.MustParseAddrPort("[2001:db8::2]:51820")
	const port = 40000
	for _, c := range []struct {
		name string
		pkt  []byte
		want netip.AddrPort
		ok   bool
	}{
		{"ipv4 own datagram", loopUDP4(port, ep4, 0, protoUDP), ep4, true},
		{"ipv4 first fragment", loopUDP4(port, ep4, 0x2000, protoUDP), ep4, true},
		{"ipv4 later fragment", loopUDP4(port, ep4, 0x2000|185, protoUDP), netip.AddrPort{}, false},
		{"ipv4 other source port", loopUDP4(port+1, ep4, 0, protoUDP), netip.AddrPort{}, false},
		{"ipv4 tcp", loopUDP4(port, ep4, 0, 6), netip.AddrPort{}, false},
		{"ipv6 own datagram", loopUDP6(port, ep6, false, 0), ep6, true},
		{"ipv6 first fragment", loopUDP6(port, ep6, true, 0), ep6, true},
		{"ipv6 later fragment", loopUDP6(port, ep6, true, 100), netip.AddrPort{}, false},
		{"ipv6 other source port", loopUDP6(port+1, ep6, false, 0), netip.AddrPort{}, false},
		{"truncated ipv4", loopUDP4(port, ep4, 0, protoUDP)[:24], netip.AddrPort{}, false},
		{"truncated ipv6", loopUDP6(port, ep6, true, 0)[:44], netip.AddrPort{}, false},
		{"bad ihl", func() []byte { b := loopUDP4(port, ep4, 0, protoUDP); b[0] = 0x41; return b }(), netip.AddrPort{}, false},
		{"empty", nil, netip.AddrPort{}, false},
		{"ethernet-ish", []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, netip.AddrPort{}, false},
	} {
		got, ok := udpDest(c.pkt, port)
		if ok != c.ok || got != c.want {
			t.Errorf("%s: udpDest = %v, %v; want %v, %v", c.name, got, ok, c.want, c.ok)
		}
	}
}

func TestUDPDestAllocs(t *testing.T) {
	pkt := loopUDP6(40000, netip.MustParseAddrPort("[2001:db8::2]:51820"), true, 0)
	if n := testing.AllocsPerRun(100, func() { udpDest(pkt, 40000) }); n != 0 {
		t.Fatalf("udpDest allocates %v times per packet", n)
	}
}

func FuzzUDPDest(f *testing.F) {
	f.Add(loopUDP4(40000, netip.MustParseAddrPort("198.51.100.2:51820"), 0, protoUDP), uint16(40000))
	f.Add(loopUDP6(40000, netip.MustParseAddrPort("[2001:db8::2]:51820"), true, 0), uint16(40000))
	f.Fuzz(func(t *testing.T, pkt []byte, port uint16) {
		dst, ok := udpDest(pkt, port)
		if ok && !dst.IsValid() {
			t.Fatalf("ok with an invalid destination")
		}
	})
}
