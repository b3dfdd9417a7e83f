package gso

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// ErrMalformed is matched (errors.Is) by every error about a packet that
// cannot be what its header claims.
var ErrMalformed = errors.New("gso: malformed packet")

// ErrTooFewBuffers is returned by Split when the packet needs more segments
// than there are output buffers, or a buffer is too short for a segment.
var ErrTooFewBuffers = errors.New("gso: too few or too small output buffers")

// Errors are preallocated so that rejecting a packet allocates nothing.
var (
	errShort      = fmt.Errorf("%w: shorter than its headers", ErrMalformed)
	errEthertype  = fmt.Errorf("%w: not IPv4 or IPv6", ErrMalformed)
	errIPVersion  = fmt.Errorf("%w: IP version does not match the GSO type", ErrMalformed)
	errIPHeader   = fmt.Errorf("%w: bad IP header length", ErrMalformed)
	errProto      = fmt.Errorf("%w: L4 protocol does not match the GSO type", ErrMalformed)
	errCsumRange  = fmt.Errorf("%w: checksum offsets outside the packet", ErrMalformed)
	errTCPHeader  = fmt.Errorf("%w: bad TCP data offset", ErrMalformed)
	errGSOSize    = fmt.Errorf("%w: zero GSO size", ErrMalformed)
	errGSOType    = fmt.Errorf("%w: unsupported GSO type", ErrMalformed)
	errFragmented = fmt.Errorf("%w: IPv4 fragment", ErrMalformed)
	errTooBig     = fmt.Errorf("%w: segment longer than 64 KB", ErrMalformed)
)

const (
	etherHdrLen = 14
	ipv4MinLen  = 20
	ipv6HdrLen  = 40
	tcpMinLen   = 20
	udpHdrLen   = 8
	protoTCP    = 6
	protoUDP    = 17

	tcpFlagFIN = 0x01
	tcpFlagPSH = 0x08
	tcpFlagACK = 0x10
	tcpFlagCWR = 0x80
)

// l3Offset returns where the IP header starts and the IP version (4 or 6).
// On TAP it skips the Ethernet header and up to two VLAN tags.
func l3Offset(pkt []byte, l2 bool) (int, int, error) {
	off := 0
	if l2 {
		off = etherHdrLen
		if len(pkt) < off {
			return 0, 0, errShort
		}
		et := binary.BigEndian.Uint16(pkt[12:])
		for tags := 0; (et == 0x8100 || et == 0x88a8) && tags < 2; tags++ {
			if len(pkt) < off+4 {
				return 0, 0, errShort
			}
			et = binary.BigEndian.Uint16(pkt[off+2:])
			off += 4
		}
		switch et {
		case 0x0800, 0x86dd:
		default:
			return 0, 0, errEthertype
		}
	}
	if len(pkt) <= off {
		return 0, 0, errShort
	}
	v := int(pkt[off] >> 4)
	if v != 4 && v != 6 {
		return 0, 0, errEthertype
	}
	return off, v, nil
}

// layout locates the headers of a TCP or UDP packet.
type layout struct {
	l3, l4, payload int // offsets of the IP header, L4 header, payload
	v6              bool
	proto           uint8
}

// addrs returns the source and destination address bytes.
func (lo *layout) addrs(pkt []byte) (src, dst []byte) {
	if lo.v6 {
		return pkt[lo.l3+8 : lo.l3+24], pkt[lo.l3+24 : lo.l3+40]
	}
	return pkt[lo.l3+12 : lo.l3+16], pkt[lo.l3+16 : lo.l3+20]
}

// parseLayout finds the headers of pkt for protocol proto. l4Hint, when not
// zero, is the L4 offset the kernel gave (csum_start); it lets IPv6
// extension headers pass without parsing them.
func parseLayout(pkt []byte, l2 bool, proto uint8, l4Hint int) (layout, error) {
	var lo layout
	l3, v, err := l3Offset(pkt, l2)
	if err != nil {
		return lo, err
	}
	lo.l3, lo.v6, lo.proto = l3, v == 6, proto
	if lo.v6 {
		err = lo.parseIPv6(pkt, l4Hint)
	} else {
		err = lo.parseIPv4(pkt, l4Hint)
	}
	if err != nil {
		return lo, err
	}
	return lo, lo.parseL4(pkt)
}

func (lo *layout) parseIPv4(pkt []byte, l4Hint int) error {
	if len(pkt) < lo.l3+ipv4MinLen {
		return errShort
	}
	ihl := int(pkt[lo.l3]&0x0f) * 4
	if ihl < ipv4MinLen || len(pkt) < lo.l3+ihl {
		return errIPHeader
	}
	if l4Hint != 0 && l4Hint != lo.l3+ihl {
		return errIPHeader
	}
	if pkt[lo.l3+9] != lo.proto {
		return errProto
	}
	if binary.BigEndian.Uint16(pkt[lo.l3+6:])&0x3fff != 0 {
		return errFragmented
	}
	lo.l4 = lo.l3 + ihl
	return nil
}

func (lo *layout) parseIPv6(pkt []byte, l4Hint int) error {
	if len(pkt) < lo.l3+ipv6HdrLen {
		return errShort
	}
	lo.l4 = lo.l3 + ipv6HdrLen
	if l4Hint == 0 || l4Hint == lo.l4 {
		if pkt[lo.l3+6] != lo.proto {
			return errProto
		}
		return nil
	}
	if l4Hint < lo.l4 {
		return errIPHeader
	}
	lo.l4 = l4Hint
	return nil
}

func (lo *layout) parseL4(pkt []byte) error {
	if lo.proto == protoUDP {
		lo.payload = lo.l4 + udpHdrLen
		if len(pkt) < lo.payload {
			return errShort
		}
		return nil
	}
	if len(pkt) < lo.l4+tcpMinLen {
		return errShort
	}
	doff := int(pkt[lo.l4+12]>>4) * 4
	if doff < tcpMinLen {
		return errTCPHeader
	}
	lo.payload = lo.l4 + doff
	if len(pkt) < lo.payload {
		return errShort
	}
	return nil
}

// ipv4HeaderChecksum recomputes the IPv4 header checksum in place.
func ipv4HeaderChecksum(ip []byte) {
	ihl := int(ip[0]&0x0f) * 4
	ip[10], ip[11] = 0, 0
	binary.BigEndian.PutUint16(ip[10:], ^Checksum(ip[:ihl], 0))
}
