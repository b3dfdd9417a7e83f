package chachapoly

import (
	"bytes"
	"math/rand/v2"
	"strconv"
	"testing"
)

// edgeLengths straddle the boundaries of every layer: Poly1305 blocks (16),
// the IFMA group (128) and threshold (256), ChaCha20 blocks (64) and batches
// (256, 512, 1024, 2048 with block 0), and Open's stack path (2048).
var edgeLengths = []int{
	0, 1, 15, 16, 17, 63, 64, 65, 127, 128, 129, 239, 240, 255, 256, 257,
	447, 448, 449, 511, 512, 513, 959, 960, 961, 1023, 1024, 1025,
	1983, 1984, 1985, 2031, 2032, 2033, 2047, 2048, 2049, 2064, 2065,
	3007, 3008, 3009, 4095, 4096, 4097, 65535, 65536 + 7,
}

// TestEdgesAgainstXCrypto covers what TestAgainstXCrypto does not: long
// additional data (the AD alone reaches the vector MAC), messages beyond
// Open's stack path, and sub-slices at every alignment of 0-7.
func TestEdgesAgainstXCrypto(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	key, nonce := make([]byte, KeySize), make([]byte, NonceSize)
	for _, adLen := range []int{0, 13, 255, 256, 257, 1024, 2049, 4099} {
		for i, n := range edgeLengths {
			fill(rng, key)
			fill(rng, nonce)
			ours, ref := pair(t, key)
			off := i % 8
			pt := make([]byte, n+off)[off:]
			ad := make([]byte, adLen+7-off)[7-off:]
			fill(rng, pt)
			fill(rng, ad)
			want := ref.Seal(nil, nonce, pt, ad)
			if got := ours.Seal(nil, nonce, pt, ad); !bytes.Equal(got, want) {
				t.Fatalf("len %d ad %d off %d: Seal differs from x/crypto", n, adLen, off)
			}
			// Misaligned in-place Seal and Open inside a larger buffer,
			// with a canary on both sides.
			buf := bytes.Repeat([]byte{0xa5}, n+Overhead+2*16)
			mid := buf[16-off : 16-off+n+Overhead]
			copy(mid, pt)
			sealed := ours.Seal(mid[:0], nonce, mid[:n], ad)
			if !bytes.Equal(sealed, want) {
				t.Fatalf("len %d ad %d off %d: in-place Seal differs", n, adLen, off)
			}
			back, err := ours.Open(sealed[:0], nonce, sealed, ad)
			if err != nil || !bytes.Equal(back, pt) {
				t.Fatalf("len %d ad %d off %d: in-place Open = %v", n, adLen, off, err)
			}
			checkCanary(t, buf[:16-off], buf[16-off+n+Overhead:])
			// Out of place into a dst with leftover capacity.
			dst := make([]byte, 3, 3+n+1)
			got, err := ours.Open(dst, nonce, want, ad)
			if err != nil || !bytes.Equal(got[3:], pt) {
				t.Fatalf("len %d ad %d: Open into dst = %v", n, adLen, err)
			}
		}
	}
}

func checkCanary(t *testing.T, parts ...[]byte) {
	t.Helper()
	for _, p := range parts {
		for i, b := range p {
			if b != 0xa5 {
				t.Fatalf("byte %d of a canary overwritten", i)
			}
		}
	}
}

// TestAdversarialMAC makes the Poly1305 input all ones, the largest limbs the
// radix-2^44 code can meet: ciphertext chosen as keystream XOR 0xff, and AD
// of 0xff. A carry lost anywhere changes the tag.
func TestAdversarialMAC(t *testing.T) {
	for _, fillByte := range []byte{0xff, 0xfe, 0x00} {
		for _, n := range []int{256, 1024, 1424, 2048, 2064, 4096, 16384 + 16} {
			for _, adLen := range []int{0, 256, 2048} {
				key := bytes.Repeat([]byte{byte(n)}, KeySize)
				nonce := make([]byte, NonceSize)
				ours, ref := pair(t, key)
				ks := ref.Seal(nil, nonce, make([]byte, n), nil)[:n]
				pt := make([]byte, n)
				for i := range pt {
					pt[i] = ks[i] ^ fillByte
				}
				ad := bytes.Repeat([]byte{fillByte}, adLen)
				want := ref.Seal(nil, nonce, pt, ad)
				if !bytes.Equal(want[:n], bytes.Repeat([]byte{fillByte}, n)) {
					t.Fatal("test setup: ciphertext is not the fill byte")
				}
				if got := ours.Seal(nil, nonce, pt, ad); !bytes.Equal(got, want) {
					t.Fatalf("fill %#x len %d ad %d: tag %x, want %x", fillByte, n, adLen, got[n:], want[n:])
				}
				if _, err := ours.Open(nil, nonce, want, ad); err != nil {
					t.Fatalf("fill %#x len %d ad %d: Open: %v", fillByte, n, adLen, err)
				}
			}
		}
	}
}

// TestOpenFailureLeavesDst covers both Open paths (stack and two-pass): a
// forged message must leave dst, and an in-place ciphertext, untouched.
func TestOpenFailureLeavesDst(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	key, nonce := make([]byte, KeySize), make([]byte, NonceSize)
	fill(rng, key)
	ours, _ := pair(t, key)
	for _, n := range []int{0, 1, 2047, 2048, 2049, 5000} {
		pt := make([]byte, n)
		fill(rng, pt)
		sealed := ours.Seal(nil, nonce, pt, []byte("ad"))
		for _, flip := range []int{0, n / 2, n + Overhead - 1} {
			if flip >= len(sealed) {
				continue
			}
			bad := bytes.Clone(sealed)
			bad[flip] ^= 0x80
			orig := bytes.Clone(bad)
			dst := bytes.Repeat([]byte{0xa5}, n+1)[:1]
			if _, err := ours.Open(dst, nonce, bad, []byte("ad")); err == nil {
				t.Fatalf("len %d flip %d: forgery accepted", n, flip)
			}
			checkCanary(t, dst[:cap(dst)])
			if _, err := ours.Open(bad[:0], nonce, bad, []byte("ad")); err == nil {
				t.Fatalf("len %d flip %d: in-place forgery accepted", n, flip)
			}
			if !bytes.Equal(bad, orig) {
				t.Fatalf("len %d flip %d: failed in-place Open modified the ciphertext", n, flip)
			}
		}
	}
}

// TestOverlapPanics pins crypto/cipher's aliasing contract: exact overlap
// works (the tests above), shifted overlap panics.
func TestOverlapPanics(t *testing.T) {
	ours, _ := pair(t, make([]byte, KeySize))
	nonce := make([]byte, NonceSize)
	buf := make([]byte, 4200)
	sealed := ours.Seal(nil, nonce, buf[:3000], nil)
	copy(buf, sealed)
	for _, shift := range []int{1, 16, 64} {
		mustPanic(t, "Seal shifted "+strconv.Itoa(shift), func() {
			ours.Seal(buf[shift:shift], nonce, buf[:100], nil)
		})
		mustPanic(t, "Open shifted "+strconv.Itoa(shift), func() {
			ours.Open(buf[shift:shift], nonce, buf[:len(sealed)], nil)
		})
	}
}

func mustPanic(t *testing.T, name string, f func()) {
	t.Helper()
	defer func() {
		if recover() == nil {
			t.Errorf("%s: no panic", name)
		}
	}()
	f()
}
