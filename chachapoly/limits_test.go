//go:build !race

// Not under -race: checkptr (which -race enables) rejects the deliberately
// over-long unsafe.Slice below.

package chachapoly

import (
	"testing"
	"unsafe"
)

// TestLengthLimits checks that lengths past one nonce's 2^32-1 data blocks
// are refused before any memory is touched (the slices below are far longer
// than their backing arrays: reading them would fault).
func TestLengthLimits(t *testing.T) {
	if unsafe.Sizeof(uintptr(0)) < 8 {
		t.Skip("lengths past 2^32 blocks need a 64-bit int")
	}
	ours, _ := pair(t, make([]byte, KeySize))
	nonce := make([]byte, NonceSize)
	var small [64]byte
	huge := func(n uint64) []byte { return unsafe.Slice(&small[0], int(n)) }
	mustPanic(t, "Seal of maxData+1", func() {
		ours.Seal(nil, nonce, huge(maxData+1), nil)
	})
	if _, err := ours.Open(nil, nonce, huge(maxData+Overhead+1), nil); err == nil {
		t.Fatal("Open of an over-long ciphertext succeeded")
	}
}
