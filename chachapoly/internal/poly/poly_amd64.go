//go:build amd64 && !purego

package poly

import "golang.org/x/sys/cpu"

// hasIFMA also wants AVX2: the lane fold uses VEX-encoded ymm instructions.
func hasIFMA() bool {
	return cpu.X86.HasAVX512F && cpu.X86.HasAVX512VL && cpu.X86.HasAVX512IFMA &&
		cpu.X86.HasAVX2
}

// powersIFMA writes r^16..r^1 (r given in radix-2^44 limbs) to pow in the
// vector kernel's lane order.
//
//go:noescape
func powersIFMA(pow *[48]uint64, r *[3]uint64)

// blocksIFMA absorbs p, a non-empty multiple of 128 bytes,, into h (radix-2^44
// limbs) using the powers from powersIFMA.
//
//go:noescape
func blocksIFMA(h *[3]uint64, pow *[48]uint64, p []byte)

func (m *MAC) blocksVector(p []byte) {
	if !m.powReady {
		r := toLimbs(&[3]uint64{m.r[0], m.r[1], 0})
		powersIFMA(&m.pow, &r)
		m.powReady = true
	}
	l := toLimbs(&m.h)
	blocksIFMA(&l, &m.pow, p)
	m.h = fromLimbs(&l)
}
