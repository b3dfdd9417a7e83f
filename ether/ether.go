// Package ether reads Ethernet II headers, with up to two VLAN tags (802.1Q,
// and 802.1ad Q-in-Q), from frames that a TAP device or a peer hands over.
// It is pure code with no I/O and allocates nothing: the layer-2 switch calls
// it once per frame on the hot path.
//
// It never filters by EtherType: a TAP-mode VPN carries whatever the bridge
// carries (IPv4, IPv6, ARP, LLDP, 802.3 length-field frames), byte for byte.
package ether

import "errors"

// Sizes of the wire format.
const (
	MACLen    = 6
	HeaderLen = 14 // destination, source, EtherType
	TagLen    = 4  // TPID and TCI of one VLAN tag
	// MaxTags is how many VLAN tags Parse strips. A third tag is left in the
	// payload and its TPID reported as the EtherType, so such frames still
	// pass unchanged.
	MaxTags = 2
)

// Tag protocol identifiers that Parse recognises as VLAN tags.
const (
	TypeVLAN     = 0x8100 // 802.1Q customer tag
	TypeQinQ     = 0x88A8 // 802.1ad service (outer) tag
	TypeQinQ9100 = 0x9100 // pre-standard outer tag still sent by some gear
)

// ErrShort is returned for a frame shorter than its header, including a VLAN
// tag cut off before its end. Callers drop such frames and count them.
var ErrShort = errors.New("ether: frame too short")

// Tag is one VLAN tag as it is on the wire.
type Tag struct {
	TPID uint16 // TypeVLAN, TypeQinQ or TypeQinQ9100
	TCI  uint16 // priority (3 bits), drop eligible (1 bit), VLAN ID (12 bits)
}

// VID is the 12-bit VLAN ID.
func (t Tag) VID() uint16 { return t.TCI & 0x0fff }

// PCP is the 3-bit priority code point.
func (t Tag) PCP() uint8 { return uint8(t.TCI >> 13) }

// DEI reports the drop-eligible bit.
func (t Tag) DEI() bool { return t.TCI&0x1000 != 0 }

// Header is a parsed Ethernet header. It is a plain value, so parsing it
// costs no allocation; the payload stays in the caller's frame at
// PayloadOffset.
type Header struct {
	Dst, Src [MACLen]byte
	// Tags holds NumTags tags, outermost first.
	Tags    [MaxTags]Tag
	NumTags int
	// EtherType follows the last tag. Values below 0x0600 are 802.3 length
	// fields; they are reported, not interpreted.
	EtherType     uint16
	PayloadOffset int
}

// VLAN returns the innermost VLAN ID (the customer VLAN of a Q-in-Q frame),
// or ok false for an untagged frame.
func (h *Header) VLAN() (vid uint16, ok bool) {
	if h.NumTags == 0 {
		return 0, false
	}
	return h.Tags[h.NumTags-1].VID(), true
}

// OuterVLAN returns the outermost VLAN ID (the service VLAN of a Q-in-Q
// frame, or the only VLAN), or ok false for an untagged frame.
func (h *Header) OuterVLAN() (vid uint16, ok bool) {
	if h.NumTags == 0 {
		return 0, false
	}
	return h.Tags[0].VID(), true
}

// Parse reads the header of frame. It fails only with ErrShort.
func Parse(frame []byte) (Header, error) {
	var h Header
	if len(frame) < HeaderLen {
		return h, ErrShort
	}
	copy(h.Dst[:], frame[0:6])
	copy(h.Src[:], frame[6:12])
	off := 12
	typ := be16(frame[off:])
	for h.NumTags < MaxTags && isTPID(typ) {
		// A tag needs its TCI plus the next 2-byte type field.
		if len(frame) < off+TagLen+2 {
			return Header{}, ErrShort
		}
		h.Tags[h.NumTags] = Tag{TPID: typ, TCI: be16(frame[off+2:])}
		h.NumTags++
		off += TagLen
		typ = be16(frame[off:])
	}
	h.EtherType = typ
	h.PayloadOffset = off + 2
	return h, nil
}

func isTPID(t uint16) bool {
	return t == TypeVLAN || t == TypeQinQ || t == TypeQinQ9100
}

func be16(b []byte) uint16 { return uint16(b[0])<<8 | uint16(b[1]) }

// IsBroadcast reports whether m is ff:ff:ff:ff:ff:ff.
func IsBroadcast(m [MACLen]byte) bool {
	return m == [MACLen]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
}

// IsMulticast reports whether the group bit of m is set. Broadcast is a
// group address too, so it is multicast here; a frame with a group source
// address is invalid on the wire.
func IsMulticast(m [MACLen]byte) bool { return m[0]&0x01 != 0 }

// IsZero reports whether m is 00:00:00:00:00:00, which no station may use.
func IsZero(m [MACLen]byte) bool { return m == [MACLen]byte{} }
