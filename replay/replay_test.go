package replay

import (
	"math/rand/v2"
	"testing"
)

const noLimit = ^uint64(0)

func TestFilterSequences(t *testing.T) {
	type step struct {
		counter uint64
		want    Result
	}
	tests := []struct {
		name  string
		limit uint64
		steps []step
	}{
		{"in order", noLimit, []step{{0, OK}, {1, OK}, {2, OK}, {3, OK}}},
		{"duplicates", noLimit, []step{{0, OK}, {0, Duplicate}, {5, OK}, {5, Duplicate}, {0, Duplicate}}},
		{"out of order in window", noLimit, []step{{10, OK}, {3, OK}, {7, OK}, {3, Duplicate}, {9, OK}, {11, OK}}},
		{"window edge", noLimit, []step{
			{WindowSize + 10, OK},
			{10, OK},              // exactly WindowSize behind: still in
			{9, TooOld},           // one further: out
			{10, Duplicate},       // and the edge remembers
			{WindowSize + 11, OK}, // moving by one pushes 10 out
			{10, TooOld},
		}},
		{"big jump clears the ring", noLimit, []step{
			{1, OK}, {2, OK}, {1 << 40, OK}, {1<<40 - 1, OK}, {1<<40 - WindowSize, OK}, {2, TooOld},
		}},
		{"jump exactly one ring", noLimit, []step{
			{5, OK}, {5 + blocks*blockBits, OK}, {5 + blocks*blockBits - WindowSize, OK},
		}},
		{"limit", 100, []step{{98, OK}, {99, OK}, {100, Limit}, {101, Limit}, {97, OK}}},
		{"limit at the top", noLimit, []step{{noLimit - 1, OK}, {noLimit, Limit}, {noLimit - 2, OK}, {noLimit - 1, Duplicate}}},
	}
	for _, tc := range tests {
		var f Filter
		for i, s := range tc.steps {
			check := f.Check(s.counter)
			if got := f.Accept(s.counter, tc.limit); got != s.want {
				t.Errorf("%s: step %d: Accept(%d) = %v, want %v", tc.name, i, s.counter, got, s.want)
			}
			if s.want != Limit && check != s.want {
				t.Errorf("%s: step %d: Check(%d) = %v, want %v", tc.name, i, s.counter, check, s.want)
			}
		}
	}
}

func TestCheckDoesNotRecord(t *testing.T) {
	var f Filter
	for i := 0; i < 3; i++ {
		if f.Check(7) != OK {
			t.Fatal("Check changed the window")
		}
	}
	f.Accept(7, noLimit)
	f.Reset()
	if f.Accept(7, noLimit) != OK {
		t.Fatal("Reset did not forget")
	}
}

// TestAgainstReference compares the bitmap with a map of every counter seen,
// on random walks with reordering, replays and jumps.
func TestAgainstReference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for walk := 0; walk < 20; walk++ {
		var f Filter
		seen := map[uint64]bool{}
		var newest uint64
		base := uint64(0)
		for i := 0; i < 20000; i++ {
			switch r.IntN(10) {
			case 0:
				base += uint64(r.IntN(3 * WindowSize))
			default:
				base += uint64(r.IntN(4))
			}
			c := base
			if off := uint64(r.IntN(WindowSize + 200)); off <= c {
				c -= off
			}
			want := OK
			switch {
			case newest >= c && newest-c > WindowSize && len(seen) > 0:
				want = TooOld
			case seen[c]:
				want = Duplicate
			}
			if got := f.Accept(c, noLimit); got != want {
				t.Fatalf("walk %d step %d: Accept(%d) = %v, want %v (newest %d)", walk, i, c, got, want, newest)
			}
			if want == OK {
				seen[c] = true
				newest = max(newest, c)
			}
		}
	}
}

func TestWindowIsLargeEnough(t *testing.T) {
	if WindowSize < 2000 {
		t.Fatalf("window %d is smaller than the 2000 the protocol asks", WindowSize)
	}
}

func FuzzFilter(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 255, 0, 9})
	f.Fuzz(func(t *testing.T, steps []byte) {
		var flt Filter
		var c uint64
		for _, s := range steps {
			c += uint64(s) * 97
			c -= uint64(s&7) * 1000
			r := flt.Accept(c, noLimit)
			if r == OK && flt.Accept(c, noLimit) != Duplicate {
				t.Fatalf("counter %d accepted twice", c)
			}
		}
	})
}

func BenchmarkAcceptInOrder(b *testing.B) {
	var f Filter
	for i := 0; b.Loop(); i++ {
		f.Accept(uint64(i), noLimit)
	}
}
