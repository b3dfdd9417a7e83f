package l2switch

import "sync/atomic"

type counters struct {
	learn    [numResults]atomic.Uint64 // Refreshed is not counted: it is every frame
	expired  atomic.Uint64
	flooded  atomic.Uint64
	filtered atomic.Uint64
}

// Counters is a snapshot of the switch's event counts, one per reason, so an
// operator can tell a spoofing peer (RefusedNotAllowed) from a MAC flood
// (RefusedCap) from a full table.
type Counters struct {
	Learned            uint64
	Moved              uint64
	Expired            uint64 // entries aged out, by Expire or replaced when stale
	RefusedGroup       uint64
	RefusedZero        uint64
	RefusedCap         uint64
	RefusedTableFull   uint64
	RefusedNotAllowed  uint64
	RefusedUnknownPort uint64
	Flooded            uint64 // frames sent to every port but their own
	Filtered           uint64 // frames whose destination is behind the port they came in on
	MACs               int    // entries now held, stale ones included until Expire
	Ports              int
}

// Counters returns the counts so far.
func (s *Switch[P]) Counters() Counters {
	c := &s.c
	return Counters{
		Learned:            c.learn[Learned].Load(),
		Moved:              c.learn[Moved].Load(),
		Expired:            c.expired.Load(),
		RefusedGroup:       c.learn[RefusedGroup].Load(),
		RefusedZero:        c.learn[RefusedZero].Load(),
		RefusedCap:         c.learn[RefusedCap].Load(),
		RefusedTableFull:   c.learn[RefusedTableFull].Load(),
		RefusedNotAllowed:  c.learn[RefusedNotAllowed].Load(),
		RefusedUnknownPort: c.learn[RefusedUnknownPort].Load(),
		Flooded:            c.flooded.Load(),
		Filtered:           c.filtered.Load(),
		MACs:               int(s.total.Load()),
		Ports:              len(s.ports.Load().list),
	}
}
