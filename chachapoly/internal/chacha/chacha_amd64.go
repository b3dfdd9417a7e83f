//go:build amd64 && !purego

package chacha

import "golang.org/x/sys/cpu"

// HasAVX512 reports whether the assembly path runs on this machine. BMI2 is
// required too (BZHI builds the tail mask), and AVX2 (the ymm tail is
// VEX-encoded); every AVX-512 CPU has both, but a hypervisor may mask
// CPUID bits one by one. x/sys/cpu's AVX-512 flags include the OS check
// (XCR0 opmask and ZMM state). Tests and benchmarks may clear it to force
// the portable path.
var HasAVX512 = cpu.X86.HasAVX512F && cpu.X86.HasAVX512VL &&
	cpu.X86.HasAVX512BW && cpu.X86.HasBMI2 && cpu.X86.HasAVX2

// xorKeyStreamAVX512 is KeyStream after argument checks.
//
//go:noescape
func xorKeyStreamAVX512(dst, src []byte, key *[32]byte, nonce *[12]byte, polyKey *[32]byte)

func keyStreamAVX512(dst, src []byte, key *[32]byte, nonce *[12]byte, polyKey *[32]byte) {
	xorKeyStreamAVX512(dst, src, key, nonce, polyKey)
}
