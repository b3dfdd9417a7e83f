package allowedips

import (
	"encoding/binary"
)

const (
	ipv4HeaderLen = 20
	ipv6HeaderLen = 40
)

// LookupPacket looks up the destination (dst) or source address of an IP
// packet straight from its header bytes, so the hot path builds no netip.Addr.
// It reports false for a packet too short or of an unknown version.
func (t *Table[T]) LookupPacket(pkt []byte, dst bool) (T, bool) {
	var zero T
	r := t.cur.Load()
	if r == nil || len(pkt) == 0 {
		return zero, false
	}
	var n *node[T]
	switch pkt[0] >> 4 {
	case 4:
		if len(pkt) < ipv4HeaderLen || pkt[0]&0x0f < 5 {
			return zero, false
		}
		off := 12
		if dst {
			off = 16
		}
		n = lookup(r.v4, key{hi: uint64(binary.BigEndian.Uint32(pkt[off:])) << 32})
	case 6:
		if len(pkt) < ipv6HeaderLen {
			return zero, false
		}
		off := 8
		if dst {
			off = 24
		}
		n = lookup(r.v6, key{binary.BigEndian.Uint64(pkt[off:]), binary.BigEndian.Uint64(pkt[off+8:])})
	}
	if n == nil {
		return zero, false
	}
	return n.val, true
}
