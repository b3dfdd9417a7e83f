package allowedips

import (
	"net/netip"
	"testing"
)

// FuzzLookupPacket checks that any bytes are safe, and that a packet lookup
// agrees with a lookup of the address parsed the slow way.
func FuzzLookupPacket(f *testing.F) {
	f.Add(v4Packet("10.1.2.3", "192.168.1.1"))
	f.Add(v6Packet("fd00::1", "2001:db8::1"))
	f.Add([]byte{0x45})
	f.Add([]byte{0x60, 0, 0})
	f.Add([]byte{})
	var tb Table[int]
	for i, s := range []string{"0.0.0.0/0", "10.0.0.0/8", "10.1.0.0/16", "192.168.1.0/24", "::/0", "fd00::/8", "2001:db8::/32"} {
		tb.Insert(netip.MustParsePrefix(s), i+1)
	}
	f.Fuzz(func(t *testing.T, pkt []byte) {
		for _, dst := range []bool{false, true} {
			got, ok := tb.LookupPacket(pkt, dst)
			a, valid := slowAddr(pkt, dst)
			if !valid {
				if ok {
					t.Fatalf("malformed packet matched %d", got)
				}
				continue
			}
			want, wok := tb.Lookup(a)
			if got != want || ok != wok {
				t.Fatalf("LookupPacket = %d, %v; Lookup(%s) = %d, %v", got, ok, a, want, wok)
			}
		}
	})
}

func slowAddr(pkt []byte, dst bool) (netip.Addr, bool) {
	switch {
	case len(pkt) >= 20 && pkt[0]>>4 == 4 && pkt[0]&15 >= 5:
		off := map[bool]int{false: 12, true: 16}[dst]
		a, _ := netip.AddrFromSlice(pkt[off : off+4])
		return a, true
	case len(pkt) >= 40 && pkt[0]>>4 == 6:
		off := map[bool]int{false: 8, true: 24}[dst]
		a, _ := netip.AddrFromSlice(pkt[off : off+16])
		return a, true
	}
	return netip.Addr{}, false
}
