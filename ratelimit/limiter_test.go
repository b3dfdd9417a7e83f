package ratelimit

import (
	"math/rand/v2"
	"net/netip"
	"testing"
	"time"
)

var t0 = time.Unix(1700000000, 0)

func TestBucket(t *testing.T) {
	l := New(20, 5, 16)
	ip := netip.MustParseAddr("192.0.2.1")
	steps := []struct {
		at   time.Duration
		want bool
	}{
		{0, true}, {0, true}, {0, true}, {0, true}, {0, true}, // the burst
		{0, false},
		{49 * time.Millisecond, false}, // 1/20 s not yet passed
		{50 * time.Millisecond, true},
		{50 * time.Millisecond, false},
		{time.Hour, true}, // refilled to the burst, not beyond
		{time.Hour, true}, {time.Hour, true}, {time.Hour, true}, {time.Hour, true},
		{time.Hour, false},
		{time.Hour - time.Second, false}, // the clock went back: no credit
	}
	for i, s := range steps {
		if got := l.Allow(ip, t0.Add(s.at)); got != s.want {
			t.Fatalf("step %d at %v: Allow = %v, want %v", i, s.at, got, s.want)
		}
	}
}

func TestSourcesAreIndependentAndGrouped(t *testing.T) {
	tests := []struct {
		name     string
		a, b     string
		separate bool
	}{
		{"IPv4 neighbours", "192.0.2.1", "192.0.2.2", true},
		{"IPv4 and its mapped form", "192.0.2.1", "::ffff:192.0.2.1", false},
		{"same IPv6 /64", "2001:db8:1:2::1", "2001:db8:1:2:ffff::9", false},
		{"neighbouring /64s", "2001:db8:1:2::1", "2001:db8:1:3::1", true},
		{"IPv4 vs IPv6 with equal bits", "0.0.0.1", "::1", true},
	}
	for _, tc := range tests {
		l := New(1, 1, 16)
		if !l.Allow(netip.MustParseAddr(tc.a), t0) {
			t.Fatalf("%s: first packet refused", tc.name)
		}
		if got := l.Allow(netip.MustParseAddr(tc.b), t0); got != tc.separate {
			t.Errorf("%s: second source allowed = %v, want %v", tc.name, got, tc.separate)
		}
	}
}

func randomAddr(r *rand.Rand) netip.Addr {
	if r.IntN(2) == 0 {
		return netip.AddrFrom4([4]byte{byte(r.Uint32()), byte(r.Uint32()), byte(r.Uint32()), byte(r.Uint32())})
	}
	var a [16]byte
	for i := range a {
		a[i] = byte(r.Uint32())
	}
	return netip.AddrFrom16(a)
}

// A flood from 100k sources keeps the table bounded, lets through at most
// one burst per entry plus the overflow bucket, and a source known before the
// flood keeps its own bucket.
func TestFloodStaysBounded(t *testing.T) {
	const maxEntries = 4096
	l := New(20, 5, maxEntries)
	known := netip.MustParseAddr("198.51.100.7")
	for i := 0; i < 5; i++ {
		l.Allow(known, t0) // its burst spent: busy, so never reclaimed
	}
	r := rand.New(rand.NewPCG(7, 8))
	allowed := 0
	now := t0
	for i := 0; i < 100000; i++ {
		now = now.Add(time.Microsecond) // the flood lasts 0.1s
		if l.Allow(randomAddr(r), now) {
			allowed++
		}
		if l.Len() > maxEntries {
			t.Fatalf("table grew to %d entries", l.Len())
		}
	}
	if l.Len() != maxEntries {
		t.Fatalf("table holds %d entries after the flood, want it full (%d)", l.Len(), maxEntries)
	}
	// Each new entry takes a burst, the overflow bucket one more burst and
	// its refill over 0.1s at 20/s.
	if limit := (maxEntries-1)*5 + 5 + 2; allowed > limit {
		t.Fatalf("%d packets from the flood allowed, bound is %d", allowed, limit)
	}
	// The known source kept its own bucket: 0.1s at 20/s refilled two tokens,
	// where a fresh entry would have had five.
	got := 0
	for i := 0; i < 5; i++ {
		if l.Allow(known, now) {
			got++
		}
	}
	if got != 2 {
		t.Fatalf("known source got %d packets after the flood, want its own 2", got)
	}
	// Once the flood stops, idle entries are collected as traffic goes on.
	later := now.Add(time.Minute)
	for i := 0; i < maxEntries; i++ {
		l.Allow(known, later)
	}
	if n := l.Len(); n > 1 {
		t.Fatalf("%d entries left after the flood went idle", n)
	}
}

// TestTableInvariants drives a small table through constant churn (200
// sources, 64 entries, removals by collection) and checks after every step
// that each entry is reachable by probing and the counts agree.
func TestTableInvariants(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for round := 0; round < 5; round++ {
		l := New(1, 1, 64)
		addrs := make([]netip.Addr, 200)
		for i := range addrs {
			addrs[i] = netip.AddrFrom4([4]byte{10, 0, byte(i >> 8), byte(i)})
		}
		now := t0
		for i := 0; i < 20000; i++ {
			now = now.Add(time.Millisecond * time.Duration(1+r.IntN(20)))
			l.Allow(addrs[r.IntN(len(addrs))], now)
			checkTable(t, &l.table)
		}
	}
}

// checkTable verifies that every entry in the LRU list is findable by probing
// and that the counts agree.
func checkTable(t *testing.T, tb *table) {
	t.Helper()
	n := 0
	for idx := tb.head; idx >= 0; idx = tb.entries[idx].next {
		e := &tb.entries[idx]
		found := false
		for i := e.hash & tb.mask; tb.slots[i] != 0; i = (i + 1) & tb.mask {
			if tb.slots[i] == idx+1 {
				found = true
				break
			}
		}
		if !found {
			t.Fatalf("entry %d unreachable by probing", idx)
		}
		n++
	}
	slots := 0
	for _, s := range tb.slots {
		if s != 0 {
			slots++
		}
	}
	if n != tb.used || slots != tb.used {
		t.Fatalf("list %d, slots %d, used %d", n, slots, tb.used)
	}
}

func TestAllowDoesNotAllocate(t *testing.T) {
	l := New(20, 5, 1024)
	r := rand.New(rand.NewPCG(1, 1))
	addrs := make([]netip.Addr, 5000)
	for i := range addrs {
		addrs[i] = randomAddr(r)
	}
	now, i := t0, 0
	n := testing.AllocsPerRun(20000, func() {
		now = now.Add(time.Microsecond)
		l.Allow(addrs[i%len(addrs)], now)
		i++
	})
	if n != 0 {
		t.Fatalf("Allow: %v allocations", n)
	}
}

func TestBadParametersAreRaised(t *testing.T) {
	l := New(0, 0, 0)
	if !l.Allow(netip.MustParseAddr("192.0.2.1"), t0) {
		t.Fatal("a burst of at least one is allowed")
	}
	if !l.Allow(netip.MustParseAddr("192.0.2.2"), t0) {
		t.Fatal("the one entry is busy: want the overflow bucket's one token")
	}
	if l.Allow(netip.MustParseAddr("192.0.2.3"), t0) {
		t.Fatal("the entry and the overflow bucket are busy: want refused")
	}
}

func BenchmarkAllow(b *testing.B) {
	l := New(20, 5, 4096)
	r := rand.New(rand.NewPCG(1, 1))
	addrs := make([]netip.Addr, 1000)
	for i := range addrs {
		addrs[i] = randomAddr(r)
	}
	now := t0
	for i := 0; b.Loop(); i++ {
		now = now.Add(time.Microsecond)
		l.Allow(addrs[i%len(addrs)], now)
	}
}
