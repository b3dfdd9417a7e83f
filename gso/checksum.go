package gso

import (
	"encoding/binary"
	"math/bits"
)

// Checksum returns the Internet checksum sum (RFC 1071) of b added to
// initial, folded to 16 bits but not complemented: store ^Checksum(...) in a
// header, or chain it as the initial value of a further call. An odd final
// byte is padded with zero, so only the last chunk of a chain may be odd.
//
// It adds 64 bits at a time with carries; the one's-complement sum of 16-bit
// words equals the folded one's-complement sum of wider words.
func Checksum(b []byte, initial uint64) uint16 {
	return fold(sum64(b, initial))
}

func sum64(b []byte, acc uint64) uint64 {
	var carry uint64
	for len(b) >= 32 {
		acc, carry = bits.Add64(acc, binary.BigEndian.Uint64(b), 0)
		acc, carry = bits.Add64(acc, binary.BigEndian.Uint64(b[8:]), carry)
		acc, carry = bits.Add64(acc, binary.BigEndian.Uint64(b[16:]), carry)
		acc, carry = bits.Add64(acc, binary.BigEndian.Uint64(b[24:]), carry)
		acc += carry
		b = b[32:]
	}
	for len(b) >= 8 {
		acc, carry = bits.Add64(acc, binary.BigEndian.Uint64(b), 0)
		acc += carry
		b = b[8:]
	}
	var tail uint64
	switch {
	case len(b) >= 4:
		tail = uint64(binary.BigEndian.Uint32(b)) << 32
		b = b[4:]
		if len(b) >= 2 {
			tail |= uint64(binary.BigEndian.Uint16(b)) << 16
			b = b[2:]
		}
		if len(b) == 1 {
			tail |= uint64(b[0]) << 8
		}
	case len(b) >= 2:
		tail = uint64(binary.BigEndian.Uint16(b)) << 48
		if len(b) == 3 {
			tail |= uint64(b[2]) << 40
		}
	case len(b) == 1:
		tail = uint64(b[0]) << 56
	}
	acc, carry = bits.Add64(acc, tail, 0)
	return acc + carry
}

func fold(acc uint64) uint16 {
	s := acc>>32 + acc&0xffffffff
	s = s>>32 + s&0xffffffff
	s = s>>16 + s&0xffff
	s = s>>16 + s&0xffff
	return uint16(s)
}

// PseudoHeaderChecksum returns the folded, uncomplemented sum of the TCP/UDP
// pseudo-header: src and dst are 4-byte (IPv4) or 16-byte (IPv6) addresses,
// length is the L4 length (header and payload). This is the value a packet
// marked FlagNeedsCsum carries in its checksum field.
func PseudoHeaderChecksum(proto uint8, src, dst []byte, length uint16) uint16 {
	acc := sum64(src, uint64(proto)+uint64(length))
	return fold(sum64(dst, acc))
}
