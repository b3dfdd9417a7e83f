package l2switch

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/tuntap/tuntap/ether"
)

// refSwitch is the obvious, slow learning switch: one map, no locks. The
// real one must agree with it on every result.
type refSwitch struct {
	ageing  time.Duration
	limit   int
	max     int
	ports   []int
	allowed map[int]map[[6]byte]bool
	table   map[[6]byte]refEntry
}

type refEntry struct {
	port int
	seen time.Time
}

func (r *refSwitch) fresh(e refEntry, now time.Time) bool { return now.Sub(e.seen) <= r.ageing }

func (r *refSwitch) owned(p int) (n int) {
	for _, e := range r.table {
		if e.port == p {
			n++
		}
	}
	return n
}

func (r *refSwitch) learn(p int, src [6]byte, now time.Time) LearnResult {
	switch {
	case ether.IsZero(src):
		return RefusedZero
	case ether.IsMulticast(src):
		return RefusedGroup
	case !slices.Contains(r.ports, p):
		return RefusedUnknownPort
	case r.allowed[p] != nil && !r.allowed[p][src]:
		return RefusedNotAllowed
	}
	e, ok := r.table[src]
	if ok && !r.fresh(e, now) {
		delete(r.table, src)
		ok = false
	}
	switch {
	case ok && e.port == p:
		r.table[src] = refEntry{p, now}
		return Refreshed
	case ok && r.owned(p) >= r.limit:
		delete(r.table, src)
		return RefusedCap
	case ok:
		r.table[src] = refEntry{p, now}
		return Moved
	case r.owned(p) >= r.limit:
		return RefusedCap
	case len(r.table) >= r.max:
		return RefusedTableFull
	}
	r.table[src] = refEntry{p, now}
	return Learned
}

func (r *refSwitch) forward(from int, dst [6]byte, now time.Time) ([]int, bool) {
	if e, ok := r.table[dst]; ok && !ether.IsMulticast(dst) && r.fresh(e, now) {
		if e.port == from {
			return nil, false
		}
		return []int{e.port}, false
	}
	var out []int
	for _, p := range r.ports {
		if p != from {
			out = append(out, p)
		}
	}
	return out, true
}

func (r *refSwitch) remove(p int) {
	r.ports = slices.DeleteFunc(r.ports, func(q int) bool { return q == p })
	delete(r.allowed, p)
	for m, e := range r.table {
		if e.port == p {
			delete(r.table, m)
		}
	}
}

func (r *refSwitch) expire(now time.Time) (n int) {
	for m, e := range r.table {
		if !r.fresh(e, now) {
			delete(r.table, m)
			n++
		}
	}
	return n
}

// TestAgainstReference drives both switches with the same random operations
// over a small MAC and port space, so moves, caps, ageing and removals
// collide often.
func TestAgainstReference(t *testing.T) {
	const ageing = 10 * time.Second
	rnd := rand.New(rand.NewPCG(5, 6))
	s := New[int](Config{Ageing: ageing, MaxMACsPerPort: 8, MaxMACs: 20})
	ref := &refSwitch{ageing: ageing, limit: 8, max: 20, allowed: map[int]map[[6]byte]bool{},
		table: map[[6]byte]refEntry{}}
	macs := make([][6]byte, 40)
	for i := range macs {
		macs[i] = [6]byte{0x02, 0, 0, 0, 0, byte(i)}
	}
	macs = append(macs, bcast, mcast, [6]byte{})
	now := t0
	for i := range 200_000 {
		// Whole seconds keep the switch's coarse refresh exact.
		now = now.Add(time.Duration(rnd.IntN(3)) * time.Second * time.Duration(rnd.IntN(2)))
		p := rnd.IntN(6)
		m := macs[rnd.IntN(len(macs))]
		switch op := rnd.IntN(100); {
		case op < 45:
			if got, want := s.Learn(p, m, now), ref.learn(p, m, now); got != want {
				t.Fatalf("op %d: Learn(%d, %v) = %v, reference %v", i, p, m, got, want)
			}
		case op < 90:
			got, gf := s.Forward(p, m, now, nil)
			want, wf := ref.forward(p, m, now)
			if !slices.Equal(got, want) || gf != wf {
				t.Fatalf("op %d: Forward(%d, %v) = %v %v, reference %v %v", i, p, m, got, gf, want, wf)
			}
		case op < 93:
			s.AddPort(p)
			if !slices.Contains(ref.ports, p) {
				ref.ports = append(ref.ports, p)
			}
		case op < 95:
			s.RemovePort(p)
			ref.remove(p)
		case op < 97:
			allowed := [][6]byte{macs[rnd.IntN(len(macs))], macs[rnd.IntN(len(macs))]}
			if s.SetAllowedMACs(p, allowed) == nil {
				ref.allowed[p] = map[[6]byte]bool{allowed[0]: true, allowed[1]: true}
				for mm, e := range ref.table {
					if e.port == p && !ref.allowed[p][mm] {
						delete(ref.table, mm)
					}
				}
			}
		case op < 98:
			if s.SetAllowedMACs(p, nil) == nil {
				delete(ref.allowed, p)
			}
		default:
			if got, want := s.Expire(now), ref.expire(now); got != want {
				t.Fatalf("op %d: Expire = %d, reference %d", i, got, want)
			}
		}
		if c := s.Counters(); c.MACs != len(ref.table) {
			t.Fatalf("op %d: %d MACs, reference %d", i, c.MACs, len(ref.table))
		}
	}
}
