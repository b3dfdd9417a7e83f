package l2switch

import (
	"time"

	"github.com/tuntap/tuntap/ether"
)

// LearnResult says what Learn did with a source MAC. Drop reports which
// results mean the frame itself must be dropped.
type LearnResult uint8

const (
	// Learned: a new entry. Forward the frame.
	Learned LearnResult = iota
	// Refreshed: the MAC was already known on this port. Forward the frame.
	Refreshed
	// Moved: the MAC was known on another port and now belongs to this one,
	// as when a VM migrates or a laptop changes peer. Forward the frame.
	Moved
	// RefusedGroup: the source has the group bit set (multicast or
	// broadcast). No station sends from a group address; drop the frame.
	RefusedGroup
	// RefusedZero: the source is 00:00:00:00:00:00, which is no station's
	// address; drop the frame.
	RefusedZero
	// RefusedCap: the port already has its quota of MACs. Like a hardware
	// switch at its limit, forward the frame (unknown destinations flood) but
	// do not learn. If the MAC was learned on another port, that entry is
	// forgotten, since the MAC is evidently no longer there.
	RefusedCap
	// RefusedTableFull: the whole table is at Config.MaxMACs. Forward the
	// frame, do not learn.
	RefusedTableFull
	// RefusedNotAllowed: the port has an AllowedMACs list without this
	// source. The frame is spoofed; drop it.
	RefusedNotAllowed
	// RefusedUnknownPort: the port was never added or has been removed;
	// drop the frame.
	RefusedUnknownPort

	numResults
)

var resultNames = [numResults]string{
	"learned", "refreshed", "moved", "refused-group", "refused-zero",
	"refused-cap", "refused-table-full", "refused-not-allowed", "refused-unknown-port",
}

func (r LearnResult) String() string {
	if r < numResults {
		return resultNames[r]
	}
	return "invalid"
}

// Drop reports whether the frame whose source was offered to Learn must be
// dropped rather than forwarded.
func (r LearnResult) Drop() bool {
	switch r {
	case RefusedGroup, RefusedZero, RefusedNotAllowed, RefusedUnknownPort:
		return true
	}
	return false
}

// Learn records that src was seen as a source on port at now. It is safe
// for concurrent use, and allocates nothing when src is already known on
// port.
func (s *Switch[P]) Learn(port P, src [6]byte, now time.Time) LearnResult {
	r := s.learn(port, src, now.UnixNano())
	if r != Refreshed { // the common case stays off the shared counters
		s.c.learn[r].Add(1)
	}
	return r
}

func (s *Switch[P]) learn(port P, src [6]byte, now int64) LearnResult {
	if ether.IsZero(src) {
		return RefusedZero
	}
	if ether.IsMulticast(src) {
		return RefusedGroup
	}
	ps := s.ports.Load().byPort[port]
	if ps == nil {
		return RefusedUnknownPort
	}
	if !ps.allows(src) {
		return RefusedNotAllowed
	}
	sh := s.shardOf(src)
	sh.mu.RLock()
	e := sh.m[src]
	if e != nil && e.ps == ps && s.fresh(e, now) {
		s.touch(e, now)
		sh.mu.RUnlock()
		return Refreshed
	}
	sh.mu.RUnlock()
	if e == nil {
		// A MAC flood is refused without the write lock, so it does not
		// stall other ports' traffic on the shard.
		if ps.macs.Load() >= ps.limit.Load() {
			return RefusedCap
		}
		if s.total.Load() >= int64(s.cfg.MaxMACs) {
			return RefusedTableFull
		}
	}
	return s.learnLocked(sh, port, ps, src, now)
}

// learnLocked handles a new, stale or moving source under the shard's write
// lock. Port removal and AllowedMACs changes are re-checked here so that an
// entry can never be inserted after the sweep that should have removed it.
func (s *Switch[P]) learnLocked(sh *shard[P], port P, ps *portState, src [6]byte, now int64) LearnResult {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if ps.removed.Load() {
		return RefusedUnknownPort
	}
	if !ps.allows(src) {
		return RefusedNotAllowed
	}
	e := sh.m[src]
	if e != nil && !s.fresh(e, now) {
		s.deleteLocked(sh, src, e)
		s.c.expired.Add(1)
		e = nil
	}
	switch {
	case e != nil && e.ps == ps: // another goroutine learned it first
		s.touch(e, now)
		return Refreshed
	case e != nil:
		if !tryInc(&ps.macs, ps.limit.Load()) {
			s.deleteLocked(sh, src, e)
			return RefusedCap
		}
		e.ps.macs.Add(-1)
		e.port, e.ps = port, ps
		e.seen.Store(now)
		return Moved
	}
	if !tryInc(&ps.macs, ps.limit.Load()) {
		return RefusedCap
	}
	if !tryInc(&s.total, int64(s.cfg.MaxMACs)) {
		ps.macs.Add(-1)
		return RefusedTableFull
	}
	e = &entry[P]{port: port, ps: ps}
	e.seen.Store(now)
	sh.m[src] = e
	return Learned
}

// touch moves e's last-seen time forward. Stores are skipped within
// refreshEvery so that busy sources do not bounce the cache line between
// cores on every frame; ageing is coarse anyway.
func (s *Switch[P]) touch(e *entry[P], now int64) {
	if now-e.seen.Load() >= s.refreshEvery {
		e.seen.Store(now)
	}
}

func (ps *portState) allows(src [6]byte) bool {
	a := ps.allowed.Load()
	if a == nil {
		return true
	}
	_, ok := (*a)[src]
	return ok
}
