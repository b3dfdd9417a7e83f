package l2switch

import (
	"bytes"
	"slices"
	"time"

	"github.com/tuntap/tuntap/ether"
)

// Forward decides where a frame received on port from, addressed to dstMAC,
// goes, and appends those ports to dst (pass out[:0] of a reused slice: no
// allocation once it has room for every port).
//
// A destination learned on another port gives that one port. A destination
// learned on from itself gives none: the frame is already on its segment, and
// sending it back (hairpinning) would duplicate it. Broadcast, multicast and
// unknown or stale destinations flood to every port but from (split horizon),
// with flooded true so the caller can send through its bounded flood queue.
func (s *Switch[P]) Forward(from P, dstMAC [6]byte, now time.Time, dst []P) (out []P, flooded bool) {
	if !ether.IsMulticast(dstMAC) {
		if port, ok := s.lookup(dstMAC, now.UnixNano()); ok {
			if port == from {
				s.c.filtered.Add(1)
				return dst, false
			}
			return append(dst, port), false
		}
	}
	s.c.flooded.Add(1)
	for _, p := range s.ports.Load().list {
		if p != from {
			dst = append(dst, p)
		}
	}
	return dst, true
}

// Lookup returns the port mac was learned on, if that entry is fresh at now.
func (s *Switch[P]) Lookup(mac [6]byte, now time.Time) (port P, ok bool) {
	return s.lookup(mac, now.UnixNano())
}

func (s *Switch[P]) lookup(mac [6]byte, now int64) (port P, ok bool) {
	sh := s.shardOf(mac)
	sh.mu.RLock()
	if e := sh.m[mac]; e != nil && s.fresh(e, now) {
		port, ok = e.port, true
	}
	sh.mu.RUnlock()
	return port, ok
}

// Expire forgets entries not seen for longer than Config.Ageing and returns
// how many. Forward already ignores them; Expire frees their memory and their
// place under the per-port and total caps, so run it every few seconds.
func (s *Switch[P]) Expire(now time.Time) int {
	t := now.UnixNano()
	n := s.sweep(func(e *entry[P], _ [6]byte) bool { return !s.fresh(e, t) })
	s.c.expired.Add(uint64(n))
	return n
}

// Entry is one learned MAC, as `tuntap show` prints it.
type Entry[P comparable] struct {
	MAC  [6]byte
	Port P
	Age  time.Duration // since the MAC was last seen as a source
}

// Table returns the fresh entries at now, sorted by MAC.
func (s *Switch[P]) Table(now time.Time) []Entry[P] {
	t := now.UnixNano()
	out := make([]Entry[P], 0, s.total.Load())
	for i := range s.shards {
		sh := &s.shards[i]
		sh.mu.RLock()
		for mac, e := range sh.m {
			if s.fresh(e, t) {
				age := max(0, time.Duration(t-e.seen.Load()))
				out = append(out, Entry[P]{MAC: mac, Port: e.port, Age: age})
			}
		}
		sh.mu.RUnlock()
	}
	slices.SortFunc(out, func(a, b Entry[P]) int { return bytes.Compare(a.MAC[:], b.MAC[:]) })
	return out
}
