package l2switch

import (
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestConcurrentChurn runs Learn and Forward from several goroutines while
// ports come and go, allowed lists change and entries expire, then checks
// that the counts the caps rely on match the table exactly. Run with -race.
func TestConcurrentChurn(t *testing.T) {
	const workers, frames = 4, 20_000
	s := New[int](Config{Ageing: 5 * time.Second, MaxMACsPerPort: 64, MaxMACs: 200})
	for p := range 4 {
		s.AddPort(p)
	}
	macs := make([][6]byte, 500)
	for i := range macs {
		macs[i] = [6]byte{0x02, 0, 0, 0, byte(i >> 8), byte(i)}
	}
	var clock atomic.Int64 // fake clock, in seconds after t0
	now := func() time.Time { return t0.Add(time.Duration(clock.Load()) * time.Second) }

	var wg sync.WaitGroup
	done := make(chan struct{})
	for w := range workers {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(w), 7))
			out := make([]int, 0, 8)
			for range frames {
				from := r.IntN(6)
				s.Learn(from, macs[r.IntN(len(macs))], now())
				out, _ = s.Forward(from, macs[r.IntN(len(macs))], now(), out[:0])
				if slices.Contains(out, from) {
					t.Errorf("frame from %d sent back to it", from)
					return
				}
			}
		})
	}
	var churn sync.WaitGroup
	churn.Go(func() {
		r := rand.New(rand.NewPCG(9, 9))
		for i := 0; ; i++ {
			select {
			case <-done:
				return
			default:
			}
			p := 4 + r.IntN(2)
			switch i % 4 {
			case 0:
				s.AddPort(p)
			case 1:
				s.RemovePort(p)
			case 2:
				_ = s.SetAllowedMACs(3, macs[:r.IntN(50)])
			case 3:
				clock.Add(1)
				s.Expire(now())
			}
			time.Sleep(50 * time.Microsecond)
		}
	})
	wg.Wait()
	close(done)
	churn.Wait()
	checkInvariants(t, s)
}

// checkInvariants recounts the table and compares with the counters that
// enforce the caps.
func checkInvariants(t *testing.T, s *Switch[int]) {
	t.Helper()
	per := map[*portState]int64{}
	total := 0
	for i := range s.shards {
		for _, e := range s.shards[i].m {
			if e.ps.removed.Load() {
				t.Errorf("entry left for a removed port %v", e.port)
			}
			per[e.ps]++
			total++
		}
	}
	if int64(total) != s.total.Load() || total > s.cfg.MaxMACs {
		t.Errorf("table holds %d entries, counter says %d, bound %d", total, s.total.Load(), s.cfg.MaxMACs)
	}
	for p, ps := range s.ports.Load().byPort {
		if got := ps.macs.Load(); got != per[ps] || got > ps.limit.Load() {
			t.Errorf("port %v: counter %d, entries %d, limit %d", p, got, per[ps], ps.limit.Load())
		}
	}
}

// Steady state is a known source and destination, or a flood: neither may
// allocate, or the per-frame path would feed the garbage collector.
func TestSteadyStateAllocatesNothing(t *testing.T) {
	s := New[int](Config{})
	for p := range 4 {
		s.AddPort(p)
	}
	s.Learn(1, mac(1), t0)
	s.Learn(2, mac(2), t0)
	out := make([]int, 0, 8)
	now := t0
	n := testing.AllocsPerRun(1000, func() {
		now = now.Add(time.Millisecond)
		if r := s.Learn(1, mac(1), now); r != Refreshed {
			t.Fatalf("Learn = %v", r)
		}
		out, _ = s.Forward(1, mac(2), now, out[:0])
		out, _ = s.Forward(1, bcast, now, out[:0])
		out, _ = s.Forward(1, mac(9), now, out[:0])
		s.Learn(1, bcast, now)
		s.Learn(1, mac(1), now)
	})
	if n != 0 {
		t.Fatalf("%v allocations per frame", n)
	}
}

func benchSwitch(b *testing.B, n int) (*Switch[int], [][6]byte) {
	const ports = 16
	s := New[int](Config{MaxMACs: n, MaxMACsPerPort: n})
	for p := range ports {
		s.AddPort(p)
	}
	r := rand.New(rand.NewPCG(1, 1))
	macs := make([][6]byte, n)
	for i := range macs {
		macs[i] = randomMAC(r)
		if res := s.Learn(i%ports, macs[i], t0); res != Learned {
			b.Fatalf("setup: %v", res)
		}
	}
	return s, macs
}

// BenchmarkLearnForward is one frame's switching work: learn its source,
// look up its destination, with the table at 1k and 64k MACs.
func BenchmarkLearnForward(b *testing.B) {
	for _, n := range []int{1 << 10, 1 << 16} {
		b.Run(sizeName(n), func(b *testing.B) {
			s, macs := benchSwitch(b, n)
			out := make([]int, 0, 16)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				src, dst := i%n, (i*7919+1)%n
				s.Learn(src%16, macs[src], t0)
				out, _ = s.Forward(src%16, macs[dst], t0, out[:0])
				i++
			}
		})
	}
}

// BenchmarkLearnForwardParallel is the same from every core at once, to show
// what the shard locks cost under contention.
func BenchmarkLearnForwardParallel(b *testing.B) {
	for _, n := range []int{1 << 10, 1 << 16} {
		b.Run(sizeName(n), func(b *testing.B) {
			s, macs := benchSwitch(b, n)
			var seed atomic.Uint64
			b.RunParallel(func(pb *testing.PB) {
				out := make([]int, 0, 16)
				i := int(seed.Add(1) * 104729)
				for pb.Next() {
					src, dst := i%n, (i*7919+1)%n
					s.Learn(src%16, macs[src], t0)
					out, _ = s.Forward(src%16, macs[dst], t0, out[:0])
					i++
				}
			})
		})
	}
}

func sizeName(n int) string {
	if n >= 1<<16 {
		return "64k"
	}
	return "1k"
}
