package gso

import (
	"encoding/binary"
)

// refChecksum is the slow textbook RFC 1071 sum the fast one is checked
// against, and that the packet builders below use.
func refChecksum(b []byte, initial uint32) uint16 {
	sum := initial
	for i := 0; i+1 < len(b); i += 2 {
		sum += uint32(b[i])<<8 | uint32(b[i+1])
		sum = sum&0xffff + sum>>16
	}
	if len(b)%2 == 1 {
		sum += uint32(b[len(b)-1]) << 8
	}
	for sum > 0xffff {
		sum = sum&0xffff + sum>>16
	}
	return uint16(sum)
}

func refPseudo(proto uint8, src, dst []byte, l4len int) uint32 {
	var sum uint32
	sum += uint32(refChecksum(src, 0))
	sum += uint32(refChecksum(dst, 0))
	sum += uint32(proto) + uint32(l4len)
	return sum
}

// pktSpec describes a test packet.
type pktSpec struct {
	v6, l2, vlan bool
	udp          bool
	seq, ack     uint32
	id           uint16
	flags        uint8
	tsOption     bool // 12 bytes of TCP options (NOP NOP timestamp)
	payload      []byte
}

var (
	src4 = []byte{192, 0, 2, 1}
	dst4 = []byte{198, 51, 100, 7}
	src6 = []byte{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}
	dst6 = []byte{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2}
)

// build makes a packet with valid lengths and checksums, using only the
// reference checksum.
func (s pktSpec) build() []byte {
	var b []byte
	if s.l2 {
		b = append(b, 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2)
		if s.vlan {
			b = append(b, 0x81, 0x00, 0x00, 0x2a)
		}
		if s.v6 {
			b = append(b, 0x86, 0xdd)
		} else {
			b = append(b, 0x08, 0x00)
		}
	}
	l3 := len(b)
	proto := uint8(protoTCP)
	if s.udp {
		proto = protoUDP
	}
	if s.v6 {
		b = append(b, 0x60, 0x01, 0x23, 0x45, 0, 0, proto, 64)
		b = append(b, src6...)
		b = append(b, dst6...)
	} else {
		b = append(b, 0x45, 0, 0, 0, byte(s.id>>8), byte(s.id), 0x40, 0, 64, proto, 0, 0)
		b = append(b, src4...)
		b = append(b, dst4...)
	}
	l4 := len(b)
	if s.udp {
		b = append(b, 0x30, 0x39, 0x01, 0xbb, 0, 0, 0, 0)
	} else {
		doff := byte(5)
		if s.tsOption {
			doff = 8
		}
		b = append(b, 0x30, 0x39, 0x01, 0xbb, 0, 0, 0, 0, 0, 0, 0, 0, doff<<4, s.flags, 0xff, 0xff, 0, 0, 0, 0)
		binary.BigEndian.PutUint32(b[l4+4:], s.seq)
		binary.BigEndian.PutUint32(b[l4+8:], s.ack)
		if s.tsOption {
			b = append(b, 1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2)
		}
	}
	b = append(b, s.payload...)
	if s.v6 {
		binary.BigEndian.PutUint16(b[l3+4:], uint16(len(b)-l3-40))
	} else {
		binary.BigEndian.PutUint16(b[l3+2:], uint16(len(b)-l3))
		binary.BigEndian.PutUint16(b[l3+10:], ^refChecksum(b[l3:l3+20], 0))
	}
	srcA, dstA := src4, dst4
	if s.v6 {
		srcA, dstA = src6, dst6
	}
	field := l4 + 16
	if s.udp {
		field = l4 + 6
		binary.BigEndian.PutUint16(b[l4+4:], uint16(len(b)-l4))
	}
	c := ^refChecksum(b[l4:], refPseudo(proto, srcA, dstA, len(b)-l4))
	if c == 0 && s.udp {
		c = 0xffff
	}
	binary.BigEndian.PutUint16(b[field:], c)
	return b
}

// l4Offset returns where the transport header of a built packet starts.
func (s pktSpec) l4Offset() int {
	off := 0
	if s.l2 {
		off = 14
		if s.vlan {
			off += 4
		}
	}
	if s.v6 {
		return off + 40
	}
	return off + 20
}

// superPacket builds what the kernel hands up for spec: the whole payload
// in one packet, with the checksum field holding the pseudo-header sum.
func (s pktSpec) superPacket(mss int) ([]byte, VirtioNetHdr) {
	b := s.build()
	l4 := s.l4Offset()
	srcA, dstA := src4, dst4
	if s.v6 {
		srcA, dstA = src6, dst6
	}
	h := VirtioNetHdr{Flags: FlagNeedsCsum, GSOSize: uint16(mss), CsumStart: uint16(l4), CsumOffset: 16}
	proto := uint8(protoTCP)
	hl := l4 + 20
	switch {
	case s.udp:
		h.GSOType, h.CsumOffset, proto, hl = GSOUDPL4, 6, protoUDP, l4+8
	case s.v6:
		h.GSOType = GSOTCPv6
	default:
		h.GSOType = GSOTCPv4
	}
	if s.tsOption && !s.udp {
		hl += 12
	}
	h.HdrLen = uint16(hl)
	ps := refChecksum(nil, refPseudo(proto, srcA, dstA, len(b)-l4))
	binary.BigEndian.PutUint16(b[l4+int(h.CsumOffset):], ps)
	return b, h
}

// segments is what the kernel's GSO would make of spec with mss.
func (s pktSpec) segments(mss int) [][]byte {
	var out [][]byte
	p := s.payload
	for i := 0; i == 0 || len(p) > 0; i++ {
		n := min(mss, len(p))
		seg := s
		seg.payload = p[:n]
		p = p[n:]
		seg.id = s.id + uint16(i)
		seg.seq = s.seq + uint32(i*mss)
		if len(p) > 0 {
			seg.flags &^= tcpFlagFIN | tcpFlagPSH
		}
		if i > 0 {
			seg.flags &^= tcpFlagCWR
		}
		out = append(out, seg.build())
	}
	return out
}

func makeBufs(n, size int) ([][]byte, []int) {
	bufs := make([][]byte, n)
	for i := range bufs {
		bufs[i] = make([]byte, size)
	}
	return bufs, make([]int, n)
}

func payload(n int, seed byte) []byte {
	p := make([]byte, n)
	for i := range p {
		p[i] = byte(i*7) + seed
	}
	return p
}
