// Package poly implements the Poly1305 one-time authenticator of RFC 8439
// for the ChaCha20-Poly1305 AEAD.
//
// The state is kept in radix 2^64 between calls so that the portable path
// (short inputs, remainders, machines without AVX-512 IFMA) is plain math/bits
// code. Long runs of blocks go through an 8-lane radix-2^44 IFMA kernel on
// amd64 when the CPU has it; see poly_amd64.go.
package poly

import (
	"encoding/binary"
	"math/bits"
)

// HasIFMA reports whether the AVX-512 IFMA path runs here (amd64 with
// AVX512F+VL+IFMA).
var HasIFMA = hasIFMA()

// useVector gates the vector path; tests switch it off to exercise the
// portable code on IFMA machines.
var useVector = HasIFMA

// vecThreshold is the shortest Blocks input, in bytes, handed to the vector
// kernel. Below it, computing r^2..r^16 costs more than it saves.
const vecThreshold = 16 * 16

const (
	mask44 = 1<<44 - 1
	mask42 = 1<<42 - 1
)

// MAC is a Poly1305 state. It holds no pointers, so it lives on the caller's
// stack. The zero value is unusable; call Init.
type MAC struct {
	h [3]uint64 // accumulator, radix 2^64, h[2] small (partially reduced)
	r [2]uint64 // clamped key half
	s [2]uint64 // final pad

	// pow holds r^16..r^1 in radix 2^44, limb-major, in the lane order
	// of the vector kernel. Filled lazily: an AEAD packet that never reaches
	// vecThreshold never pays for it.
	pow      [48]uint64
	powReady bool
}

// Init keys the MAC with a one-time key: r = key[:16] clamped per RFC 8439,
// s = key[16:].
func (m *MAC) Init(key *[32]byte) {
	m.h = [3]uint64{}
	m.r[0] = binary.LittleEndian.Uint64(key[0:8]) & 0x0ffffffc0fffffff
	m.r[1] = binary.LittleEndian.Uint64(key[8:16]) & 0x0ffffffc0ffffffc
	m.s[0] = binary.LittleEndian.Uint64(key[16:24])
	m.s[1] = binary.LittleEndian.Uint64(key[24:32])
	m.powReady = false
}

// Blocks absorbs len(p)/16 full 16-byte blocks, each with the 2^128 bit set.
// Splitting the input across calls gives the same result as one call. It
// panics if len(p) is not a multiple of 16: padding is the caller's job.
func (m *MAC) Blocks(p []byte) {
	if len(p)%16 != 0 {
		panic("poly: Blocks input length is not a multiple of 16")
	}
	if useVector && len(p) >= vecThreshold {
		n := len(p) &^ 127
		m.blocksVector(p[:n])
		p = p[n:]
	}
	blocksGeneric(&m.h, &m.r, p, 1)
}

// Sum writes the tag: h fully reduced mod 2^130-5, plus s, mod 2^128.
// It runs in constant time with respect to h and s.
func (m *MAC) Sum(tag *[16]byte) {
	h0, h1, h2 := m.h[0], m.h[1], m.h[2]
	// h < 2^130+2^128 < 2p, so one conditional subtraction of p (adding 5
	// and dropping 2^130) fully reduces it.
	g0, c := bits.Add64(h0, 5, 0)
	g1, c := bits.Add64(h1, 0, c)
	g2 := h2 + c
	sel := -(g2 >> 2) // all ones iff h >= p
	h0 ^= (h0 ^ g0) & sel
	h1 ^= (h1 ^ g1) & sel
	h0, c = bits.Add64(h0, m.s[0], 0)
	h1, _ = bits.Add64(h1, m.s[1], c)
	binary.LittleEndian.PutUint64(tag[0:8], h0)
	binary.LittleEndian.PutUint64(tag[8:16], h1)
}

// blocksGeneric is the portable radix-2^64 block loop; hibit is the bit
// added at 2^128 (1 for full blocks, 0 for the tests' padded final block).
// It relies on the clamp (r < 2^124, limbs < 2^60) and on h[2] staying
// below 8 so that the h2*r products fit in one word.
func blocksGeneric(h *[3]uint64, r *[2]uint64, p []byte, hibit uint64) {
	h0, h1, h2 := h[0], h[1], h[2]
	r0, r1 := r[0], r[1]
	for len(p) >= 16 {
		var c uint64
		h0, c = bits.Add64(h0, binary.LittleEndian.Uint64(p[0:8]), 0)
		h1, c = bits.Add64(h1, binary.LittleEndian.Uint64(p[8:16]), c)
		h2 += c + hibit
		p = p[16:]

		// t = h * r, a 256-bit product in t0..t3.
		hi00, lo00 := bits.Mul64(h0, r0)
		hi10, lo10 := bits.Mul64(h1, r0)
		hi01, lo01 := bits.Mul64(h0, r1)
		hi11, lo11 := bits.Mul64(h1, r1)
		t0 := lo00
		t1, c1 := bits.Add64(lo10, lo01, 0)
		t2, c2 := bits.Add64(hi10, hi01, c1)
		t1, c1 = bits.Add64(t1, hi00, 0)
		t2, c3 := bits.Add64(t2, lo11, c1)
		t2, c4 := bits.Add64(t2, h2*r0, 0)
		t3 := hi11 + h2*r1 + c2 + c3 + c4

		// h = t mod 2^130 + 5*(t >> 130), as (t & (2^130-1)) + 4k + k
		// with 4k = t &^ (2^130-1).
		k0, k1 := t2&^3, t3
		h0, c = bits.Add64(t0, k0, 0)
		h1, c = bits.Add64(t1, k1, c)
		h2 = t2&3 + c
		h0, c = bits.Add64(h0, k0>>2|k1<<62, 0)
		h1, c = bits.Add64(h1, k1>>2, c)
		h2 += c
	}
	h[0], h[1], h[2] = h0, h1, h2
}

// toLimbs converts a radix-2^64 value below 2^131 to radix 2^44.
func toLimbs(h *[3]uint64) [3]uint64 {
	return [3]uint64{
		h[0] & mask44,
		(h[0]>>44 | h[1]<<20) & mask44,
		h[1]>>24 | h[2]<<40,
	}
}

// fromLimbs carries radix-2^44 limbs (each below 2^60) and returns the value
// in radix 2^64, below 2^130+2^44, i.e. with h[2] <= 4.
func fromLimbs(l *[3]uint64) [3]uint64 {
	l0, l1, l2 := l[0], l[1], l[2]
	l1 += l0 >> 44
	l0 &= mask44
	l2 += l1 >> 44
	l1 &= mask44
	l0 += (l2 >> 42) * 5
	l2 &= mask42
	l1 += l0 >> 44
	l0 &= mask44
	l2 += l1 >> 44
	l1 &= mask44
	return [3]uint64{
		l0 | l1<<44,
		l1>>20 | l2<<24,
		l2 >> 40,
	}
}
