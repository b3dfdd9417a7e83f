// Package chacha produces the ChaCha20 keystream (RFC 8439) in exactly the
// shape ChaCha20-Poly1305 consumes it: the Poly1305 one-time key from block 0
// and the data keystream from block 1 on, in a single pass. Doing both in one
// call lets the AVX-512 path put block 0 in the same 16-block batch as the
// first data blocks instead of paying for a separate narrow computation.
package chacha

import "unsafe"

// maxLen is the most data one nonce can cover: the 32-bit block counter
// starts data at block 1 and must not wrap.
const maxLen = (1<<32 - 1) * 64

// KeyStream runs ChaCha20 with key and nonce from block counter 0: the first
// 32 bytes of block 0's keystream go to polyKey, and src is XORed with the
// keystream of blocks 1, 2, ... into dst. len(dst) must equal len(src); dst
// and src must be the same slice or not overlap at all (both panic otherwise,
// like crypto/cipher). It touches no memory outside the slices and never
// allocates.
func KeyStream(dst, src []byte, key *[32]byte, nonce *[12]byte, polyKey *[32]byte) {
	if len(dst) != len(src) {
		panic("chacha: dst and src lengths differ")
	}
	if uint64(len(src)) > maxLen {
		panic("chacha: data too long for one nonce")
	}
	if inexactOverlap(dst, src) {
		panic("chacha: invalid buffer overlap")
	}
	if HasAVX512 {
		keyStreamAVX512(dst, src, key, nonce, polyKey)
		return
	}
	keyStreamGeneric(dst, src, key, nonce, polyKey)
}

// inexactOverlap reports whether x and y share memory other than starting at
// the same address; in-place use is fine, a shifted alias would read bytes the
// XOR already overwrote.
func inexactOverlap(x, y []byte) bool {
	if len(x) == 0 || len(y) == 0 {
		return false
	}
	xs := uintptr(unsafe.Pointer(&x[0]))
	ys := uintptr(unsafe.Pointer(&y[0]))
	if xs == ys {
		return false
	}
	return xs < ys+uintptr(len(y)) && ys < xs+uintptr(len(x))
}
