package allowedips

import (
	"fmt"
	"net/netip"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
)

// TestConcurrentLookup runs readers against a writer that churns prefixes
// nested inside a stable one. Readers must always find an owner, and only
// one of the two legal ones; -race checks the publication.
func TestConcurrentLookup(t *testing.T) {
	var tb Table[int]
	tb.Insert(mustPrefix(t, "10.0.0.0/8"), 1)
	tb.Insert(mustPrefix(t, "fd00::/8"), 1)
	var stop atomic.Bool
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for r := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pkt := v4Packet("10.0.0.1", "10.0.0.1")
			for i := 0; !stop.Load(); i++ {
				a := netip.AddrFrom4([4]byte{10, byte(i), byte(r), 1})
				v, ok := tb.Lookup(a)
				a6 := netip.AddrFrom16([16]byte{0xfd, byte(i), 15: byte(r)})
				v6, ok6 := tb.Lookup(a6)
				pkt[17] = byte(i)
				vp, okp := tb.LookupPacket(pkt, true)
				if !ok || !ok6 || !okp || v < 1 || v > 2 || v6 < 1 || v6 > 2 || vp < 1 || vp > 2 {
					errs <- fmt.Errorf("reader saw %d %v, %d %v, %d %v", v, ok, v6, ok6, vp, okp)
					return
				}
			}
		}()
	}
	for i := range 10000 {
		p4 := netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(i)}), 16)
		p6 := netip.PrefixFrom(netip.AddrFrom16([16]byte{0xfd, byte(i)}), 16)
		switch i % 3 {
		case 0, 1:
			tb.Insert(p4, 2)
			tb.Insert(p6, 2)
		default:
			tb.Remove(p4)
			tb.Remove(p6)
		}
		if i%1000 == 999 {
			tb.RemoveValue(2)
			runtime.Gosched()
		}
	}
	stop.Store(true)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := tb.Prefixes(1); len(got) != 2 {
		t.Errorf("stable prefixes = %v", got)
	}
}

func hugePrefixes(n int) []netip.Prefix {
	ps := make([]netip.Prefix, 0, n)
	for i := range n / 2 {
		a := netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)})
		ps = append(ps, netip.PrefixFrom(a, 32))
		b := netip.AddrFrom16([16]byte{0xfd, 0, 1, byte(i >> 16), byte(i >> 8), byte(i)})
		ps = append(ps, netip.PrefixFrom(b, 48))
	}
	return ps
}

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestHugeTable loads 100k prefixes over 1000 owners, then removes every owner
// and checks that the trie and its memory are released.
func TestHugeTable(t *testing.T) {
	if testing.Short() {
		t.Skip("big table")
	}
	const n, owners = 100000, 1000
	ps := hugePrefixes(n)
	before := heapInUse()
	tb := new(Table[int])
	for i, p := range ps {
		tb.Insert(p, i%owners)
	}
	loaded := heapInUse()
	if tb.Len() != n {
		t.Fatalf("Len = %d, want %d", tb.Len(), n)
	}
	for i := 0; i < n; i += 997 {
		if v, ok := tb.Lookup(ps[i].Addr()); !ok || v != i%owners {
			t.Fatalf("Lookup(%s) = %d, %v; want %d", ps[i].Addr(), v, ok, i%owners)
		}
	}
	for v := range owners {
		tb.RemoveValue(v)
		if v == owners/2-1 {
			checkTrie(t, tb)
			if got := tb.Len(); got != n/2 {
				t.Fatalf("after removing half the owners Len = %d", got)
			}
		}
	}
	if tb.Len() != 0 {
		t.Fatalf("Len = %d after removing every owner", tb.Len())
	}
	if r := tb.load(); r.v4 != nil || r.v6 != nil || len(tb.byValue) != 0 {
		t.Fatal("trie not empty after removing every owner")
	}
	freed := heapInUse()
	t.Logf("heap: %d KiB before, %d KiB loaded, %d KiB after RemoveValue", before>>10, loaded>>10, freed>>10)
	if grown := loaded - before; freed > before+grown/10 {
		t.Errorf("heap still holds %d KiB of a %d KiB table", (freed-before)>>10, grown>>10)
	}
	runtime.KeepAlive(tb)
	runtime.KeepAlive(ps)
}
