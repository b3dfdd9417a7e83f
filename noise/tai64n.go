package noise

import (
	"bytes"
	"encoding/binary"
	"time"
)

// TAI64N is the initiation's timestamp: 8 bytes of TAI seconds and 4 bytes of
// nanoseconds, big endian, so that byte order is time order.
type TAI64N [12]byte

// tai64Base is the TAI64 label of the Unix epoch: 2^62 plus the 10 seconds TAI
// was ahead of UTC in 1970.
const tai64Base = 1<<62 + 10

// whiten clears the low bits of the nanoseconds. Responders only need order,
// and a precise clock reading would help an observer fingerprint the host.
const whiten = 1<<24 - 1

// Timestamp returns the TAI64N form of t, rounded down to about 16ms.
func Timestamp(t time.Time) TAI64N {
	var ts TAI64N
	binary.BigEndian.PutUint64(ts[:8], uint64(tai64Base+t.Unix()))
	binary.BigEndian.PutUint32(ts[8:], uint32(t.Nanosecond())&^whiten)
	return ts
}

// After reports whether a is strictly later than b.
func (a TAI64N) After(b TAI64N) bool { return bytes.Compare(a[:], b[:]) > 0 }
