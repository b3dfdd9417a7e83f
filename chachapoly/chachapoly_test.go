package chachapoly

import (
	"bytes"
	"crypto/cipher"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"testing"

	"golang.org/x/crypto/chacha20poly1305"
)

func mustHex(t testing.TB, s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func pair(t testing.TB, key []byte) (ours *aead, ref cipher.AEAD) {
	ours, err := newFast(key)
	if err != nil {
		t.Fatal(err)
	}
	ref, err = chacha20poly1305.New(key)
	if err != nil {
		t.Fatal(err)
	}
	return ours, ref
}

// RFC 8439 section 2.8.2: the sunscreen message with AAD.
func TestRFC8439Vector(t *testing.T) {
	key := mustHex(t, "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f")
	nonce := mustHex(t, "070000004041424344454647")
	ad := mustHex(t, "50515253c0c1c2c3c4c5c6c7")
	pt := []byte("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.")
	ours, ref := pair(t, key)
	got := ours.Seal(nil, nonce, pt, ad)
	if want := mustHex(t, "1ae10b594f09e26a7e902ecbd0600691"); !bytes.Equal(got[len(pt):], want) {
		t.Fatalf("tag %x, want %x", got[len(pt):], want)
	}
	if want := mustHex(t, "d31a8d34648e60db7b86afbc53ef7ec2"); !bytes.Equal(got[:16], want) {
		t.Fatalf("ciphertext starts %x, want %x", got[:16], want)
	}
	if want := ref.Seal(nil, nonce, pt, ad); !bytes.Equal(got, want) {
		t.Fatalf("differs from x/crypto:\n got %x\nwant %x", got, want)
	}
	back, err := ours.Open(nil, nonce, got, ad)
	if err != nil || !bytes.Equal(back, pt) {
		t.Fatalf("Open = %q, %v", back, err)
	}
}

// TestAgainstXCrypto checks every length a tunnel can produce, with and
// without additional data, in place and not.
func TestAgainstXCrypto(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	key := make([]byte, KeySize)
	nonce := make([]byte, NonceSize)
	for _, adLen := range []int{0, 1, 15, 16, 17, 40} {
		for n := 0; n <= 2100; n++ {
			fill(rng, key)
			fill(rng, nonce)
			ours, ref := pair(t, key)
			pt := make([]byte, n)
			fill(rng, pt)
			ad := make([]byte, adLen)
			fill(rng, ad)
			want := ref.Seal(nil, nonce, pt, ad)
			got := ours.Seal(nil, nonce, pt, ad)
			if !bytes.Equal(got, want) {
				t.Fatalf("len %d ad %d: Seal differs from x/crypto", n, adLen)
			}
			buf := make([]byte, n, n+Overhead)
			copy(buf, pt)
			if inPlace := ours.Seal(buf[:0], nonce, buf, ad); !bytes.Equal(inPlace, want) {
				t.Fatalf("len %d ad %d: in-place Seal differs", n, adLen)
			}
			back, err := ours.Open(want[:0], nonce, want, ad)
			if err != nil || !bytes.Equal(back, pt) {
				t.Fatalf("len %d ad %d: in-place Open = %v", n, adLen, err)
			}
		}
	}
}

func TestOpenRejectsTampering(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	key, nonce := make([]byte, KeySize), make([]byte, NonceSize)
	fill(rng, key)
	ours, _ := pair(t, key)
	pt := make([]byte, 1420)
	fill(rng, pt)
	sealed := ours.Seal(nil, nonce, pt, nil)
	for _, i := range []int{0, 700, 1419, 1420, 1435} {
		bad := bytes.Clone(sealed)
		bad[i] ^= 0x01
		dst := make([]byte, 0, len(bad))
		if _, err := ours.Open(dst, nonce, bad, nil); err == nil {
			t.Fatalf("flipped byte %d accepted", i)
		}
		if !bytes.Equal(dst[:cap(dst)], make([]byte, cap(dst))) {
			t.Fatalf("flipped byte %d: Open wrote plaintext before failing", i)
		}
	}
	if _, err := ours.Open(nil, nonce, sealed[:Overhead-1], nil); err == nil {
		t.Fatal("short ciphertext accepted")
	}
	if _, err := ours.Open(nil, []byte("other nonce!"), sealed, nil); err == nil {
		t.Fatal("wrong nonce accepted")
	}
	if _, err := ours.Open(nil, nonce, sealed, []byte("ad")); err == nil {
		t.Fatal("wrong additional data accepted")
	}
}

func TestNewErrors(t *testing.T) {
	for _, n := range []int{0, 16, 31, 33} {
		if _, err := New(make([]byte, n)); err == nil {
			t.Errorf("New with %d-byte key: no error", n)
		}
	}
}

// TestZeroAllocs pins the AVX-512 AEAD. Without that path (or with the
// purego tag) New returns x/crypto's, whose allocations are its own (its
// purego build allocates), and the fast type, never returned then, lets its
// stack buffers escape through the portable fallback.
func TestZeroAllocs(t *testing.T) {
	if !Fast {
		t.Skipf("New returns %s here", Impl())
	}
	a, err := New(make([]byte, KeySize))
	if err != nil {
		t.Fatal(err)
	}
	nonce := make([]byte, NonceSize)
	buf := make([]byte, 1420+Overhead)
	n := testing.AllocsPerRun(100, func() {
		sealed := a.Seal(buf[:0], nonce, buf[:1420], nil)
		if _, err := a.Open(sealed[:0], nonce, sealed, nil); err != nil {
			t.Fatal(err)
		}
	})
	if n != 0 {
		t.Fatalf("%v allocations per Seal+Open, want 0", n)
	}
}

func FuzzAgainstXCrypto(f *testing.F) {
	f.Add(make([]byte, 32), make([]byte, 12), []byte("hello"), []byte{})
	f.Add(make([]byte, 32), make([]byte, 12), make([]byte, 1420), []byte("ad"))
	f.Fuzz(func(t *testing.T, key, nonce, pt, ad []byte) {
		if len(key) != KeySize || len(nonce) != NonceSize {
			return
		}
		ours, ref := pair(t, key)
		want := ref.Seal(nil, nonce, pt, ad)
		if got := ours.Seal(nil, nonce, pt, ad); !bytes.Equal(got, want) {
			t.Fatalf("Seal differs from x/crypto")
		}
		// Arbitrary bytes as ciphertext: both must agree on accept/reject.
		_, errRef := ref.Open(nil, nonce, pt, ad)
		_, errOurs := ours.Open(nil, nonce, pt, ad)
		if (errRef == nil) != (errOurs == nil) {
			t.Fatalf("Open of arbitrary input: ours %v, x/crypto %v", errOurs, errRef)
		}
	})
}

func BenchmarkSeal(b *testing.B) { benchAEAD(b, true) }
func BenchmarkOpen(b *testing.B) { benchAEAD(b, false) }

func benchAEAD(b *testing.B, seal bool) {
	key := make([]byte, KeySize)
	ours, ref := pair(b, key)
	impls := []struct {
		name string
		a    cipher.AEAD
	}{{"chachapoly", ours}, {"xcrypto", ref}}
	for _, size := range []int{64, 512, 1420, 8192} {
		for _, impl := range impls {
			b.Run(fmt.Sprintf("%d/%s", size, impl.name), func(b *testing.B) {
				nonce := make([]byte, NonceSize)
				buf := make([]byte, size+Overhead)
				sealed := impl.a.Seal(nil, nonce, buf[:size], nil)
				b.SetBytes(int64(size))
				b.ReportAllocs()
				for b.Loop() {
					if seal {
						impl.a.Seal(buf[:0], nonce, buf[:size], nil)
						continue
					}
					// Open of an authentic message: the work a receiver does.
					copy(buf, sealed)
					if _, err := impl.a.Open(buf[:0], nonce, buf, nil); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

func fill(rng *rand.Rand, b []byte) {
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
}
