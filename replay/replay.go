// Package replay is the sliding window that drops replayed transport
// messages: a bitmap of recently seen counters, in the style of RFC 6479, so
// that packets reordered by the network are still accepted once each.
package replay

// Result says why a counter was accepted or refused, so that the engine can
// count each reason apart.
type Result uint8

const (
	OK        Result = iota
	Duplicate        // seen before
	TooOld           // fell out of the window: could be a replay, cannot tell
	Limit            // at or past the sender's limit of messages per key
)

func (r Result) String() string {
	switch r {
	case OK:
		return "ok"
	case Duplicate:
		return "duplicate"
	case TooOld:
		return "too old"
	case Limit:
		return "over limit"
	}
	return "unknown"
}

const (
	blockBits = 64
	blocks    = 128
	// WindowSize is how far behind the newest counter a counter may be and
	// still be accepted. One block of the ring is kept free, so that moving
	// the window forward never clears a bit still inside it.
	WindowSize = (blocks - 1) * blockBits
)

// Filter is one key's replay window. The zero value is ready (nothing seen).
// It is not safe for concurrent use: the engine serializes the calls per key.
type Filter struct {
	last uint64 // the newest accepted counter
	ring [blocks]uint64
}

// Reset forgets every counter, for a new key.
func (f *Filter) Reset() { *f = Filter{} }

// Check reports, without changing anything, what Accept would say of counter
// (without the limit). It is the cheap test before decryption.
func (f *Filter) Check(counter uint64) Result {
	if counter > f.last {
		return OK
	}
	if f.last-counter > WindowSize {
		return TooOld
	}
	if f.ring[(counter/blockBits)%blocks]&(1<<(counter%blockBits)) != 0 {
		return Duplicate
	}
	return OK
}

// Accept records counter once its message has been authenticated, and says
// whether to deliver the message. Counters at or above limit are refused.
func (f *Filter) Accept(counter, limit uint64) Result {
	if counter >= limit {
		return Limit
	}
	if r := f.Check(counter); r != OK {
		return r
	}
	if counter > f.last {
		f.advance(counter)
	}
	f.ring[(counter/blockBits)%blocks] |= 1 << (counter % blockBits)
	return OK
}

// advance moves the window so that counter is its newest, clearing the blocks
// it moves over.
func (f *Filter) advance(counter uint64) {
	cur, next := f.last/blockBits, counter/blockBits
	n := min(next-cur, blocks)
	for i := uint64(1); i <= n; i++ {
		f.ring[(cur+i)%blocks] = 0
	}
	f.last = counter
}
