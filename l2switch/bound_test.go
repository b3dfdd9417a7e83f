package l2switch

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// randomMAC returns a random locally administered unicast address.
func randomMAC(r *rand.Rand) [6]byte {
	var m [6]byte
	x := r.Uint64()
	for i := range m {
		m[i] = byte(x >> (8 * i))
	}
	m[0] = m[0]&^0x01 | 0x02
	return m
}

// A peer sending frames from 100k random source MACs (macof) must not grow
// the table past its quota, nor stop the switch from forwarding or other
// ports from learning.
func TestPerPortCapUnderMACFlood(t *testing.T) {
	const flood = 100_000
	s := newSwitch(t, Config{}, "tap", "evil", "good")
	r := rand.New(rand.NewPCG(1, 2))
	seen := map[[6]byte]bool{}
	for range flood {
		m := randomMAC(r)
		seen[m] = true
		if res := s.Learn("evil", m, t0); res.Drop() {
			t.Fatalf("frame dropped: %v", res)
		}
		if c := s.Counters(); c.MACs > DefaultMaxMACsPerPort {
			t.Fatalf("table grew to %d", c.MACs)
		}
	}
	c := s.Counters()
	if c.MACs != DefaultMaxMACsPerPort || c.Learned != DefaultMaxMACsPerPort {
		t.Fatalf("MACs %d learned %d, want %d", c.MACs, c.Learned, DefaultMaxMACsPerPort)
	}
	if want := uint64(len(seen) - DefaultMaxMACsPerPort); c.RefusedCap != want {
		t.Fatalf("RefusedCap = %d, want %d", c.RefusedCap, want)
	}
	if r := s.Learn("good", mac(1), t0); r != Learned {
		t.Fatalf("another port starved: %v", r)
	}
	if got, _ := fwd(s, "tap", mac(1), t0); !slices.Equal(got, []string{"good"}) {
		t.Fatalf("Forward = %v", got)
	}
}

func TestTotalTableBound(t *testing.T) {
	s := newSwitch(t, Config{MaxMACs: 1000, MaxMACsPerPort: 600}, "a", "b", "c")
	r := rand.New(rand.NewPCG(3, 4))
	count := map[string]int{}
	for _, p := range []string{"a", "b", "c"} {
		for range 1000 {
			if s.Learn(p, randomMAC(r), t0) == Learned {
				count[p]++
			}
		}
	}
	c := s.Counters()
	if c.MACs != 1000 || count["a"] != 600 || count["b"] != 400 || count["c"] != 0 {
		t.Fatalf("MACs %d, learned per port %v", c.MACs, count)
	}
	if c.RefusedCap != 400 || c.RefusedTableFull != 600+1000 {
		t.Fatalf("RefusedCap %d RefusedTableFull %d", c.RefusedCap, c.RefusedTableFull)
	}
	if n := len(s.Table(t0)); n != 1000 {
		t.Fatalf("Table has %d entries", n)
	}
}
