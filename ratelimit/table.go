package ratelimit

import "hash/maphash"

// table is a fixed-size hash table (open addressing, linear probing) of
// entries kept in least-recently-used order. Everything is allocated up front,
// so no packet can make it allocate or grow.
type table struct {
	entries []entry
	slots   []int32 // entry index + 1; 0 is empty. At most half full.
	mask    uint64
	seed    maphash.Seed // secret, so sources cannot be picked to collide
	used    int
	free    int32 // free list through next; -1 when empty
	head    int32 // most recently used; -1 when empty
	tail    int32 // least recently used
}

type entry struct {
	bucket
	key        key
	hash       uint64
	prev, next int32
}

func (t *table) init(n int) {
	t.entries = make([]entry, n)
	size := 1
	for size < 2*n {
		size <<= 1
	}
	t.slots = make([]int32, size)
	t.mask = uint64(size - 1)
	t.seed = maphash.MakeSeed()
	t.head, t.tail = -1, -1
	for i := range t.entries {
		t.entries[i].next = int32(i + 1)
	}
	t.entries[n-1].next = -1
	t.free = 0
}

func (t *table) hash(k key) uint64 {
	var b [9]byte
	for i := 0; i < 8; i++ {
		b[i] = byte(k.bits >> (8 * i))
	}
	if k.v6 {
		b[8] = 1
	}
	return maphash.Bytes(t.seed, b[:])
}

// lookup finds k and marks it most recently used.
func (t *table) lookup(k key) *entry {
	h := t.hash(k)
	for i := h & t.mask; t.slots[i] != 0; i = (i + 1) & t.mask {
		idx := t.slots[i] - 1
		if e := &t.entries[idx]; e.hash == h && e.key == k {
			t.unlink(idx)
			t.pushFront(idx)
			return e
		}
	}
	return nil
}

// insert adds k with a full bucket, or returns nil when the table is full.
func (t *table) insert(k key, full, now int64) *entry {
	if t.free < 0 {
		return nil
	}
	idx := t.free
	e := &t.entries[idx]
	t.free = e.next
	*e = entry{bucket: bucket{tokens: full, last: now}, key: k, hash: t.hash(k)}
	i := e.hash & t.mask
	for t.slots[i] != 0 {
		i = (i + 1) & t.mask
	}
	t.slots[i] = idx + 1
	t.pushFront(idx)
	t.used++
	return e
}

// oldest is the least recently used entry's index, -1 if there is none.
func (t *table) oldest() int32 { return t.tail }

// remove deletes e, shifting back the entries probed past its slot so that
// every probe sequence stays unbroken (no tombstones to pile up).
func (t *table) remove(idx int32) {
	e := &t.entries[idx]
	i := e.hash & t.mask
	for t.slots[i] != idx+1 {
		i = (i + 1) & t.mask
	}
	for j := (i + 1) & t.mask; t.slots[j] != 0; j = (j + 1) & t.mask {
		home := t.entries[t.slots[j]-1].hash & t.mask
		// Move slot j back to i unless its home lies cyclically in (i, j].
		if (j-home)&t.mask >= (j-i)&t.mask {
			t.slots[i] = t.slots[j]
			i = j
		}
	}
	t.slots[i] = 0
	t.unlink(idx)
	e.next = t.free
	t.free = idx
	t.used--
}

func (t *table) unlink(idx int32) {
	e := &t.entries[idx]
	if e.prev >= 0 {
		t.entries[e.prev].next = e.next
	} else {
		t.head = e.next
	}
	if e.next >= 0 {
		t.entries[e.next].prev = e.prev
	} else {
		t.tail = e.prev
	}
}

func (t *table) pushFront(idx int32) {
	e := &t.entries[idx]
	e.prev, e.next = -1, t.head
	if t.head >= 0 {
		t.entries[t.head].prev = idx
	} else {
		t.tail = idx
	}
	t.head = idx
}
