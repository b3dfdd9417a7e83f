package allowedips

import (
	"math/rand/v2"
	"net/netip"
	"slices"
	"testing"
)

// reference is the slow, obviously correct table: a map and a linear scan.
type reference map[netip.Prefix]int

func (r reference) lookup(a netip.Addr) (int, bool) {
	best, bits, ok := 0, -1, false
	for p, v := range r {
		if p.Bits() > bits && p.Contains(a) {
			best, bits, ok = v, p.Bits(), true
		}
	}
	return best, ok
}

func (r reference) prefixes(v int) []netip.Prefix {
	var ps []netip.Prefix
	for p, o := range r {
		if o == v {
			ps = append(ps, p)
		}
	}
	slices.SortFunc(ps, comparePrefix)
	return ps
}

// randAddr draws from a small neighbourhood so prefixes overlap and nest
// often, which is where tries go wrong.
func randAddr(rng *rand.Rand, v6 bool) netip.Addr {
	if !v6 {
		b := [4]byte{10, byte(rng.IntN(4)), byte(rng.IntN(256)), byte(rng.IntN(256))}
		if rng.IntN(16) == 0 {
			b[0] = byte(rng.IntN(256))
		}
		return netip.AddrFrom4(b)
	}
	var b [16]byte
	b[0], b[1] = 0xfd, byte(rng.IntN(4))
	for _, i := range []int{7, 8, 14, 15} {
		b[i] = byte(rng.IntN(256))
	}
	if rng.IntN(16) == 0 {
		for i := range b {
			b[i] = byte(rng.IntN(256))
		}
	}
	return netip.AddrFrom16(b)
}

func randPrefix(rng *rand.Rand, v6 bool) netip.Prefix {
	a := randAddr(rng, v6)
	p, _ := a.Prefix(rng.IntN(a.BitLen() + 1))
	return p
}

func TestAgainstReference(t *testing.T) {
	for _, v6 := range []bool{false, true} {
		name := map[bool]string{false: "v4", true: "v6"}[v6]
		t.Run(name, func(t *testing.T) { differential(t, v6, 10000) })
	}
}

func differential(t *testing.T, v6 bool, ops int) {
	rng := rand.New(rand.NewPCG(1, map[bool]uint64{false: 4, true: 6}[v6]))
	var tb Table[int]
	ref := reference{}
	var live []netip.Prefix
	for i := range ops {
		switch op := rng.IntN(100); {
		case op < 55:
			p, v := randPrefix(rng, v6), 1+rng.IntN(16)
			tb.Insert(p, v)
			ref[p] = v
			live = append(live, p)
		case op < 90 && len(live) > 0:
			p := live[rng.IntN(len(live))]
			tb.Remove(p)
			delete(ref, p)
		case op < 92:
			v := 1 + rng.IntN(16)
			tb.RemoveValue(v)
			for p, o := range ref {
				if o == v {
					delete(ref, p)
				}
			}
		default:
			p := randPrefix(rng, v6) // most likely absent
			tb.Remove(p)
			delete(ref, p)
		}
		for range 4 {
			a := randAddr(rng, v6)
			got, ok := tb.Lookup(a)
			want, wok := ref.lookup(a)
			if got != want || ok != wok {
				t.Fatalf("op %d: Lookup(%s) = %d, %v; reference %d, %v", i, a, got, ok, want, wok)
			}
		}
		if i%500 == 0 {
			checkSame(t, &tb, ref)
		}
	}
	checkSame(t, &tb, ref)
}

func checkSame(t *testing.T, tb *Table[int], ref reference) {
	t.Helper()
	checkTrie(t, tb)
	if tb.Len() != len(ref) {
		t.Fatalf("Len = %d, reference %d", tb.Len(), len(ref))
	}
	for v := 1; v <= 16; v++ {
		if got, want := tb.Prefixes(v), ref.prefixes(v); !slices.Equal(got, want) {
			t.Fatalf("Prefixes(%d) = %v, reference %v", v, got, want)
		}
	}
	n := 0
	r := tb.load()
	walk(r.v4, func(*node[int]) { n++ })
	walk(r.v6, func(*node[int]) { n++ })
	if n != len(ref) {
		t.Fatalf("trie holds %d prefixes, reference %d", n, len(ref))
	}
}
