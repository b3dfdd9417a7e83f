package allowedips

import "math/bits"

// key is an address as a 128-bit big-endian number. IPv4 addresses sit in the
// top 32 bits of hi, so one trie implementation serves both families (each
// family still has its own root).
type key struct{ hi, lo uint64 }

// node is immutable once published: writers copy every node on the path they
// change, so a reader holding an old root sees a consistent old table.
//
// Path compression: a node exists only if it owns a prefix or has two
// children; its children differ from it at bit position bits.
type node[T comparable] struct {
	child [2]*node[T]
	k     key   // masked to bits
	mask  key   // the netmask for bits, kept to make Lookup a pair of ANDs
	bits  uint8 // prefix length
	has   bool  // owns a value (false for a pure branching node)
	val   T     // the owner, when has
}

func maskOf(n uint8) key {
	switch {
	case n == 0:
		return key{}
	case n <= 64:
		return key{hi: ^uint64(0) << (64 - n)}
	default:
		return key{hi: ^uint64(0), lo: ^uint64(0) << (128 - uint(n))}
	}
}

func (k key) and(m key) key { return key{k.hi & m.hi, k.lo & m.lo} }

// bit returns bit i of k (0 is the most significant).
func (k key) bit(i uint8) int {
	if i < 64 {
		return int(k.hi>>(63-i)) & 1
	}
	return int(k.lo>>(127-uint(i))) & 1
}

// common returns the number of leading bits a and b share, at most limit.
func common(a, b key, limit uint8) uint8 {
	var n int
	if x := a.hi ^ b.hi; x != 0 {
		n = bits.LeadingZeros64(x)
	} else {
		n = 64 + bits.LeadingZeros64(a.lo^b.lo)
	}
	if n > int(limit) {
		return limit
	}
	return uint8(n)
}

func newLeaf[T comparable](k key, n uint8, v T) *node[T] {
	m := maskOf(n)
	return &node[T]{k: k.and(m), mask: m, bits: n, has: true, val: v}
}

func (n *node[T]) clone() *node[T] {
	c := *n
	return &c
}

// lookup walks from the root, remembering the deepest node that owns a value.
func lookup[T comparable](n *node[T], k key) *node[T] {
	var best *node[T]
	for n != nil {
		if (k.hi^n.k.hi)&n.mask.hi != 0 || (k.lo^n.k.lo)&n.mask.lo != 0 {
			break
		}
		if n.has {
			best = n
		}
		if n.bits == 128 {
			break
		}
		n = n.child[k.bit(n.bits)]
	}
	return best
}

// insert returns the new subtree root and whether the prefix was new. The old
// subtree is left untouched.
func insert[T comparable](n *node[T], k key, plen uint8, v T) (*node[T], bool) {
	if n == nil {
		return newLeaf(k, plen, v), true
	}
	c := common(n.k, k, min(n.bits, plen))
	switch {
	case c == n.bits && c == plen: // same prefix: replace the owner
		nn := n.clone()
		nn.has, nn.val = true, v
		return nn, !n.has
	case c == n.bits: // n covers k: descend
		nn := n.clone()
		b := k.bit(n.bits)
		var added bool
		nn.child[b], added = insert(n.child[b], k, plen, v)
		return nn, added
	case c == plen: // k covers n: the new node goes above n
		nn := newLeaf(k, plen, v)
		nn.child[n.k.bit(plen)] = n
		return nn, true
	default: // they part at bit c: a branching node holds both
		m := maskOf(c)
		g := &node[T]{k: k.and(m), mask: m, bits: c}
		g.child[k.bit(c)] = newLeaf(k, plen, v)
		g.child[n.k.bit(c)] = n
		return g, true
	}
}

// remove returns the new subtree root and whether the prefix was present.
func remove[T comparable](n *node[T], k key, plen uint8) (*node[T], bool) {
	if n == nil || n.bits > plen || common(n.k, k, n.bits) < n.bits {
		return n, false
	}
	if n.bits == plen {
		if !n.has {
			return n, false
		}
		nn := n.clone()
		var zero T
		nn.has, nn.val = false, zero
		return compact(nn), true
	}
	b := k.bit(n.bits)
	ch, ok := remove(n.child[b], k, plen)
	if !ok {
		return n, false
	}
	nn := n.clone()
	nn.child[b] = ch
	return compact(nn), true
}

// removeValue drops every prefix owned by v in one pass, sharing every
// subtree that does not change. It returns the number removed.
func removeValue[T comparable](n *node[T], v T) (*node[T], int) {
	if n == nil {
		return nil, 0
	}
	l, nl := removeValue(n.child[0], v)
	r, nr := removeValue(n.child[1], v)
	removed := nl + nr
	owned := n.has && n.val == v
	if !owned && removed == 0 {
		return n, 0
	}
	nn := n.clone()
	nn.child[0], nn.child[1] = l, r
	if owned {
		var zero T
		nn.has, nn.val = false, zero
		removed++
	}
	return compact(nn), removed
}

// compact restores path compression after a node lost its value or a child.
// n must be a fresh copy, not a published node.
func compact[T comparable](n *node[T]) *node[T] {
	if n.has {
		return n
	}
	switch {
	case n.child[0] == nil:
		return n.child[1]
	case n.child[1] == nil:
		return n.child[0]
	}
	return n
}

// walk calls fn for every node owning a value, in address order.
func walk[T comparable](n *node[T], fn func(*node[T])) {
	if n == nil {
		return
	}
	if n.has {
		fn(n)
	}
	walk(n.child[0], fn)
	walk(n.child[1], fn)
}
