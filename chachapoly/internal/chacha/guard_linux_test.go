package chacha

import (
	"bytes"
	"math/rand/v2"
	"syscall"
	"testing"
)

// guarded maps three pages and makes the first and last inaccessible: a
// slice starting or ending at a boundary faults on any access beyond it, so
// this catches over-reads that a canary cannot see.
func guarded(t *testing.T) (page []byte) {
	t.Helper()
	size := syscall.Getpagesize()
	mem, err := syscall.Mmap(-1, 0, 3*size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Skipf("mmap: %v", err)
	}
	t.Cleanup(func() { syscall.Munmap(mem) })
	for _, guard := range [][]byte{mem[:size], mem[2*size:]} {
		if err := syscall.Mprotect(guard, syscall.PROT_NONE); err != nil {
			t.Fatalf("mprotect: %v", err)
		}
	}
	return mem[size : 2*size : 2*size]
}

// TestGuardPage runs every length up to a page with src and dst ending right
// before an unmapped page, then starting right after one, out of place and
// in place: the masked tail must neither read nor write past the slices, and
// the cursors that start 64 bytes early must not touch those bytes.
func TestGuardPage(t *testing.T) {
	srcPage, dstPage := guarded(t), guarded(t)
	r := rand.New(rand.NewPCG(11, 12))
	for _, p := range paths {
		for n := 0; n <= len(srcPage); n++ {
			if n > 2200 && n%61 != 0 && n != len(srcPage) {
				continue
			}
			key, nonce, plain := randInputs(r, n)
			wantPK, want := reference(plain, &key, &nonce)
			for _, at := range []int{len(srcPage) - n, 0} {
				src, dst := srcPage[at:at+n], dstPage[at:at+n]
				copy(src, plain)
				var pk [32]byte
				p.fn(dst, src, &key, &nonce, &pk)
				if pk != wantPK || !bytes.Equal(dst, want) {
					t.Fatalf("%s: len %d at offset %d: mismatch", p.name, n, at)
				}
				p.fn(src, src, &key, &nonce, &pk)
				if !bytes.Equal(src, want) {
					t.Fatalf("%s: len %d in place at offset %d: mismatch", p.name, n, at)
				}
			}
		}
	}
}
