package allowedips

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"testing"
)

// benchTable fills a table with n random prefixes of realistic lengths
// (/16../32 for IPv4, /32../128 for IPv6) over 100 owners, and returns
// addresses inside them to look up.
func benchTable(n int, v6 bool) (*Table[int], []netip.Addr) {
	rng := rand.New(rand.NewPCG(7, uint64(n)))
	tb := new(Table[int])
	addrs := make([]netip.Addr, 0, 1024)
	for i := range n {
		var a netip.Addr
		var bits int
		if v6 {
			var b [16]byte
			b[0] = 0xfd
			for j := 1; j < 16; j++ {
				b[j] = byte(rng.Uint32())
			}
			a, bits = netip.AddrFrom16(b), 32+rng.IntN(97)
		} else {
			a, bits = netip.AddrFrom4([4]byte{byte(rng.Uint32()), byte(rng.Uint32()), byte(rng.Uint32()), byte(rng.Uint32())}), 16+rng.IntN(17)
		}
		tb.Insert(netip.PrefixFrom(a, bits), i%100)
		if len(addrs) < cap(addrs) {
			addrs = append(addrs, a)
		}
	}
	return tb, addrs
}

func BenchmarkLookup(b *testing.B) {
	for _, fam := range []string{"v4", "v6"} {
		for _, n := range []int{10000, 100000} {
			b.Run(fmt.Sprintf("%s/%dk", fam, n/1000), func(b *testing.B) {
				tb, addrs := benchTable(n, fam == "v6")
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; b.Loop(); i++ {
					tb.Lookup(addrs[i%len(addrs)])
				}
			})
		}
	}
}

func BenchmarkLookupPacket(b *testing.B) {
	for _, fam := range []string{"v4", "v6"} {
		for _, n := range []int{10000, 100000} {
			b.Run(fmt.Sprintf("%s/%dk", fam, n/1000), func(b *testing.B) {
				tb, addrs := benchTable(n, fam == "v6")
				pkts := make([][]byte, len(addrs))
				for i, a := range addrs {
					if fam == "v6" {
						pkts[i] = v6Packet("::1", a.String())
					} else {
						pkts[i] = v4Packet("1.1.1.1", a.String())
					}
				}
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; b.Loop(); i++ {
					tb.LookupPacket(pkts[i%len(pkts)], true)
				}
			})
		}
	}
}

// BenchmarkInsert measures the copy-on-write cost of building a table.
func BenchmarkInsert100k(b *testing.B) {
	ps := hugePrefixes(100000)
	b.ReportAllocs()
	for b.Loop() {
		var tb Table[int]
		for i, p := range ps {
			tb.Insert(p, i%1000)
		}
	}
}
