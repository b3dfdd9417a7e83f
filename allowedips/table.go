// Package allowedips is WireGuard's cryptokey routing table: which peer owns
// the longest prefix matching an address. It is generic over the owner type so
// it knows nothing of the engine, and does no I/O.
//
// Readers (Lookup, LookupPacket) are lock-free: the tries are immutable and
// published through an atomic pointer; writers copy the nodes on the path they
// change under a mutex and publish a new root. A reader therefore sees either
// the table before or after a write, never a half-made one.
package allowedips

import (
	"cmp"
	"encoding/binary"
	"net/netip"
	"slices"
	"sync"
	"sync/atomic"
)

type roots[T comparable] struct{ v4, v6 *node[T] }

// Table maps prefixes to owners. The zero value is an empty table ready to
// use. A Table must not be copied after first use.
type Table[T comparable] struct {
	cur atomic.Pointer[roots[T]]

	mu      sync.Mutex                      // serialises writers
	byValue map[T]map[netip.Prefix]struct{} // owner -> its prefixes, for RemoveValue and Prefixes
	n       int
}

func (t *Table[T]) load() *roots[T] {
	if r := t.cur.Load(); r != nil {
		return r
	}
	return &roots[T]{}
}

// Lookup returns the owner of the longest prefix containing ip.
func (t *Table[T]) Lookup(ip netip.Addr) (T, bool) {
	r := t.cur.Load()
	if r == nil {
		var zero T
		return zero, false
	}
	var n *node[T]
	switch {
	case ip.Is4():
		a := ip.As4()
		n = lookup(r.v4, key{hi: uint64(binary.BigEndian.Uint32(a[:])) << 32})
	case ip.Is6():
		a := ip.As16()
		n = lookup(r.v6, key{binary.BigEndian.Uint64(a[:8]), binary.BigEndian.Uint64(a[8:])})
	}
	if n == nil {
		var zero T
		return zero, false
	}
	return n.val, true
}

// Insert makes v the owner of p (masked), replacing any previous owner of
// exactly p. An invalid prefix is ignored.
func (t *Table[T]) Insert(p netip.Prefix, v T) {
	if !p.IsValid() {
		return
	}
	p = p.Masked()
	t.mu.Lock()
	defer t.mu.Unlock()
	r := *t.load()
	root, k, plen := r.family(p)
	if old := lookupExact(*root, k, plen); old != nil {
		t.unindex(p, old.val)
	}
	*root, _ = insert(*root, k, plen, v)
	t.index(p, v)
	t.cur.Store(&r)
}

// Remove drops p (masked) from the table, if present.
func (t *Table[T]) Remove(p netip.Prefix) {
	if !p.IsValid() {
		return
	}
	p = p.Masked()
	t.mu.Lock()
	defer t.mu.Unlock()
	r := *t.load()
	root, k, plen := r.family(p)
	old := lookupExact(*root, k, plen)
	if old == nil {
		return
	}
	t.unindex(p, old.val)
	*root, _ = remove(*root, k, plen)
	t.cur.Store(&r)
}

// RemoveValue drops every prefix owned by v, as when a peer is removed.
func (t *Table[T]) RemoveValue(v T) {
	t.mu.Lock()
	defer t.mu.Unlock()
	set := t.byValue[v]
	if len(set) == 0 {
		return
	}
	r := *t.load()
	// A few prefixes: remove them one by one (cost ~ prefixes x depth). Many:
	// one pass over the whole trie is cheaper (cost ~ table size).
	if len(set)*64 < t.n {
		for p := range set {
			root, k, plen := r.family(p)
			*root, _ = remove(*root, k, plen)
		}
	} else {
		r.v4, _ = removeValue(r.v4, v)
		r.v6, _ = removeValue(r.v6, v)
	}
	t.n -= len(set)
	delete(t.byValue, v)
	t.cur.Store(&r)
}

// Prefixes returns the prefixes owned by v, IPv4 first, in address order.
func (t *Table[T]) Prefixes(v T) []netip.Prefix {
	t.mu.Lock()
	ps := make([]netip.Prefix, 0, len(t.byValue[v]))
	for p := range t.byValue[v] {
		ps = append(ps, p)
	}
	t.mu.Unlock()
	slices.SortFunc(ps, comparePrefix)
	return ps
}

// Len returns the number of prefixes in the table.
func (t *Table[T]) Len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.n
}

func comparePrefix(a, b netip.Prefix) int {
	if c := a.Addr().Compare(b.Addr()); c != 0 {
		return c
	}
	return cmp.Compare(a.Bits(), b.Bits())
}

func (t *Table[T]) index(p netip.Prefix, v T) {
	if t.byValue == nil {
		t.byValue = make(map[T]map[netip.Prefix]struct{})
	}
	set := t.byValue[v]
	if set == nil {
		set = make(map[netip.Prefix]struct{})
		t.byValue[v] = set
	}
	set[p] = struct{}{}
	t.n++
}

func (t *Table[T]) unindex(p netip.Prefix, v T) {
	set := t.byValue[v]
	delete(set, p)
	if len(set) == 0 {
		delete(t.byValue, v)
	}
	t.n--
}

// family picks the root for p's address family and converts p to a trie key.
func (r *roots[T]) family(p netip.Prefix) (**node[T], key, uint8) {
	a := p.Addr()
	if a.Is4() {
		b := a.As4()
		return &r.v4, key{hi: uint64(binary.BigEndian.Uint32(b[:])) << 32}, uint8(p.Bits())
	}
	b := a.As16()
	return &r.v6, key{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])}, uint8(p.Bits())
}

// lookupExact returns the node owning exactly k/plen, or nil.
func lookupExact[T comparable](n *node[T], k key, plen uint8) *node[T] {
	for n != nil && n.bits <= plen && common(n.k, k, n.bits) == n.bits {
		if n.bits == plen {
			if n.has {
				return n
			}
			return nil
		}
		n = n.child[k.bit(n.bits)]
	}
	return nil
}
