// Package ratelimit limits handshake initiations per source address with token
// buckets, in a table of fixed size, so that a flood from many addresses can
// neither exhaust memory nor the CPU that handshakes cost.
//
// Sources are IPv4 addresses, or IPv6 /64 prefixes: one IPv6 host commonly
// owns a whole /64, so per-address buckets would be no limit at all.
//
// When the table is full, the least recently used entry is reclaimed if its
// bucket has refilled (forgetting it loses nothing: a new entry starts full).
// If even that entry is busy, the new source shares one overflow bucket with
// every other source that found no room. So sources already known keep their
// own buckets under a flood, and the total rate let through stays bounded
// (maxEntries buckets plus one); the cost is that new sources compete for the
// overflow bucket while the flood lasts. Idle entries are collected a few at a
// time on each Allow, with no timer of its own: the clock is the caller's.
package ratelimit

import (
	"net/netip"
	"sync"
	"time"
)

// Limiter is safe for concurrent use. Allow does not allocate.
type Limiter struct {
	mu     sync.Mutex
	cost   int64 // nanoseconds of credit one packet costs: 1s / rate
	max    int64 // a full bucket: burst * cost
	table  table
	shared bucket
}

type bucket struct {
	tokens int64 // credit in nanoseconds
	last   int64 // when tokens was computed, Unix nanoseconds
}

// collectPerAllow bounds the work each Allow spends reclaiming idle entries.
const collectPerAllow = 2

// New returns a limiter letting each source through at rate packets per
// second on average, in bursts of up to burst, tracking at most maxEntries
// sources. Values below the minimum (a rate of one per 1e9 s, a burst of 1,
// one entry) are raised to it.
func New(rate float64, burst, maxEntries int) *Limiter {
	if !(rate >= 1e-9) {
		rate = 1e-9
	}
	burst, maxEntries = max(burst, 1), max(maxEntries, 1)
	cost := int64(float64(time.Second) / rate)
	l := &Limiter{cost: cost, max: cost * int64(burst)}
	l.table.init(maxEntries)
	l.shared.tokens = l.max
	return l
}

// Allow reports whether a packet from ip may go on, and takes a token for it.
func (l *Limiter) Allow(ip netip.Addr, now time.Time) bool {
	t := now.UnixNano()
	k := keyOf(ip)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.collect(t) // after it, a full table's oldest entry is busy
	e := l.table.lookup(k)
	if e == nil {
		e = l.table.insert(k, l.max, t)
	}
	if e == nil {
		return l.take(&l.shared, t)
	}
	return l.take(&e.bucket, t)
}

// Len is how many sources the table holds now.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.table.used
}

func (l *Limiter) take(b *bucket, now int64) bool {
	b.tokens = l.refill(b, now)
	b.last = now
	if b.tokens < l.cost {
		return false
	}
	b.tokens -= l.cost
	return true
}

// refill is the credit of b at now, capped at a full bucket. A clock that
// went back adds nothing.
func (l *Limiter) refill(b *bucket, now int64) int64 {
	elapsed := now - b.last
	if elapsed <= 0 {
		return b.tokens
	}
	if elapsed >= l.max-b.tokens {
		return l.max
	}
	return b.tokens + elapsed
}

// collect drops idle entries from the least recently used end.
func (l *Limiter) collect(now int64) {
	for i := 0; i < collectPerAllow; i++ {
		idx := l.table.oldest()
		if idx < 0 || l.refill(&l.table.entries[idx].bucket, now) < l.max {
			return
		}
		l.table.remove(idx)
	}
}

// key is a source: an IPv4 address, or the first 64 bits of an IPv6 one.
type key struct {
	bits uint64
	v6   bool
}

func keyOf(ip netip.Addr) key {
	ip = ip.Unmap()
	if ip.Is4() {
		a := ip.As4()
		return key{bits: uint64(a[0])<<24 | uint64(a[1])<<16 | uint64(a[2])<<8 | uint64(a[3])}
	}
	a := ip.As16()
	var hi uint64
	for _, b := range a[:8] {
		hi = hi<<8 | uint64(b)
	}
	return key{bits: hi, v6: true}
}
