package gso

import (
	"bytes"
	"encoding/binary"
)

// parseSegment says whether pkt is a TCP segment Coalesce may merge, and
// what it needs to know about it. verify checks the TCP checksum.
func parseSegment(pkt []byte, l2, verify bool) (segInfo, bool) {
	var s segInfo
	lo, err := parseLayout(pkt, l2, protoTCP, 0)
	if err != nil {
		return s, false
	}
	ip := pkt[lo.l3:]
	if lo.v6 {
		if lo.l4 != lo.l3+ipv6HdrLen || int(binary.BigEndian.Uint16(ip[4:])) != len(ip)-ipv6HdrLen {
			return s, false
		}
	} else {
		if lo.l4 != lo.l3+ipv4MinLen || int(binary.BigEndian.Uint16(ip[2:])) != len(ip) ||
			Checksum(ip[:ipv4MinLen], 0) != 0xffff {
			return s, false
		}
		s.id = binary.BigEndian.Uint16(ip[4:])
	}
	tcp := pkt[lo.l4:]
	flags := tcp[13]
	if flags&^tcpFlagPSH != tcpFlagACK || len(pkt) == lo.payload {
		return s, false
	}
	if verify && !validL4Checksum(pkt, tcp, &lo) {
		return s, false
	}
	s.lo = lo
	s.seq = binary.BigEndian.Uint32(tcp[4:])
	s.psh = flags&tcpFlagPSH != 0
	s.payLen = len(pkt) - lo.payload
	return s, true
}

// sameFlow compares every header byte that must be equal for a merge: all
// but lengths, IPv4 id and checksum, TCP sequence number, flags and checksum.
// a and b have the same layout lo.
func sameFlow(a, b []byte, lo *layout) bool {
	if !bytes.Equal(a[:lo.l3], b[:lo.l3]) {
		return false
	}
	ia, ib := a[lo.l3:lo.l4], b[lo.l3:lo.l4]
	if lo.v6 {
		if !bytes.Equal(ia[:4], ib[:4]) || !bytes.Equal(ia[6:], ib[6:]) {
			return false
		}
	} else if !bytes.Equal(ia[:2], ib[:2]) || !bytes.Equal(ia[6:10], ib[6:10]) || !bytes.Equal(ia[12:], ib[12:]) {
		return false
	}
	ta, tb := a[lo.l4:lo.payload], b[lo.l4:lo.payload]
	return bytes.Equal(ta[:4], tb[:4]) && bytes.Equal(ta[8:13], tb[8:13]) &&
		bytes.Equal(ta[14:16], tb[14:16]) && bytes.Equal(ta[18:], tb[18:])
}

func validL4Checksum(pkt, l4 []byte, lo *layout) bool {
	src, dst := lo.addrs(pkt)
	return Checksum(l4, uint64(PseudoHeaderChecksum(lo.proto, src, dst, uint16(len(l4))))) == 0xffff
}
