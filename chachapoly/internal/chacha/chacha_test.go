package chacha

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"testing"

	"golang.org/x/crypto/chacha20"
	"golang.org/x/crypto/chacha20poly1305"
)

// paths lists the implementations to check: the dispatching KeyStream (the
// assembly when HasAVX512) and the portable one forced.
var paths = []struct {
	name string
	fn   func(dst, src []byte, key *[32]byte, nonce *[12]byte, polyKey *[32]byte)
}{
	{"KeyStream", KeyStream},
	{"generic", keyStreamGeneric},
}

// reference is the slow, trusted answer: x/crypto's chacha20 run twice.
func reference(src []byte, key *[32]byte, nonce *[12]byte) (polyKey [32]byte, dst []byte) {
	c, err := chacha20.NewUnauthenticatedCipher(key[:], nonce[:])
	if err != nil {
		panic(err)
	}
	var block0 [64]byte
	c.XORKeyStream(block0[:], block0[:])
	copy(polyKey[:], block0[:])
	c, _ = chacha20.NewUnauthenticatedCipher(key[:], nonce[:])
	c.SetCounter(1)
	dst = make([]byte, len(src))
	c.XORKeyStream(dst, src)
	return polyKey, dst
}

func randInputs(r *rand.Rand, n int) (key [32]byte, nonce [12]byte, src []byte) {
	fill := func(b []byte) {
		for i := range b {
			b[i] = byte(r.Uint32())
		}
	}
	fill(key[:])
	fill(nonce[:])
	src = make([]byte, n)
	fill(src)
	return key, nonce, src
}

func checkLength(t *testing.T, r *rand.Rand, n int) {
	t.Helper()
	key, nonce, src := randInputs(r, n)
	wantPK, want := reference(src, &key, &nonce)
	for _, p := range paths {
		var pk [32]byte
		dst := make([]byte, n)
		p.fn(dst, src, &key, &nonce, &pk)
		if pk != wantPK || !bytes.Equal(dst, want) {
			t.Fatalf("%s: out of place, len %d: mismatch", p.name, n)
		}
		inPlace := bytes.Clone(src)
		pk = [32]byte{}
		p.fn(inPlace, inPlace, &key, &nonce, &pk)
		if pk != wantPK || !bytes.Equal(inPlace, want) {
			t.Fatalf("%s: in place, len %d: mismatch", p.name, n)
		}
	}
}

func TestMatchesXCrypto(t *testing.T) {
	t.Logf("HasAVX512 = %v", HasAVX512)
	r := rand.New(rand.NewPCG(1, 2))
	for n := 0; n <= 2200; n++ {
		checkLength(t, r, n)
	}
	for _, n := range []int{4095, 4096, 4097, 16383, 16384, 16385, 65535, 65536} {
		checkLength(t, r, n)
	}
}

// TestGenericForced runs the public entry point with the assembly disabled,
// as on a machine without AVX-512.
func TestGenericForced(t *testing.T) {
	saved := HasAVX512
	HasAVX512 = false
	defer func() { HasAVX512 = saved }()
	r := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{0, 1, 63, 64, 65, 1420, 2200} {
		checkLength(t, r, n)
	}
}

// TestCanary checks that bytes just outside dst are never written, for
// every length around each batch size and at odd alignments.
func TestCanary(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	const pad = 128
	for _, p := range paths {
		for n := 0; n <= 2200; n++ {
			key, nonce, src := randInputs(r, n)
			off := pad + n%7
			big := make([]byte, n+2*pad)
			for i := range big {
				big[i] = 0xa5
			}
			dst := big[off : off+n : off+n]
			var pk [32]byte
			p.fn(dst, src, &key, &nonce, &pk)
			for i, b := range big {
				if (i < off || i >= off+n) && b != 0xa5 {
					t.Fatalf("%s: len %d: byte %d outside dst overwritten", p.name, n, i-off)
				}
			}
			// In place inside the big buffer as well.
			copy(dst, src)
			p.fn(dst, dst, &key, &nonce, &pk)
			for i, b := range big {
				if (i < off || i >= off+n) && b != 0xa5 {
					t.Fatalf("%s: in place len %d: byte %d outside dst overwritten", p.name, n, i-off)
				}
			}
		}
	}
}

// TestRFC8439 is the encryption vector of RFC 8439 section 2.4.2, whose
// initial counter 1 is where KeyStream starts the data.
func TestRFC8439(t *testing.T) {
	var key [32]byte
	for i := range key {
		key[i] = byte(i)
	}
	nonce := [12]byte{7: 0x4a}
	plain := []byte("Ladies and Gentlemen of the class of '99: If I could offer you " +
		"only one tip for the future, sunscreen would be it.")
	want, _ := hex.DecodeString("" +
		"6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0b" +
		"f91b65c5524733ab8f593dabcd62b3571639d624e65152ab8f530c359f0861d8" +
		"07ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab7793736" +
		"5af90bbf74a35be6b40b8eedf2785e42874d")
	for _, p := range paths {
		var pk [32]byte
		dst := make([]byte, len(plain))
		p.fn(dst, plain, &key, &nonce, &pk)
		if !bytes.Equal(dst, want) {
			t.Errorf("%s: got %x\nwant %x", p.name, dst, want)
		}
	}
}

func TestPanics(t *testing.T) {
	var key [32]byte
	var nonce [12]byte
	var pk [32]byte
	buf := make([]byte, 100)
	cases := []struct {
		name     string
		dst, src []byte
	}{
		{"length mismatch", buf[:10], buf[50:61]},
		{"inexact overlap", buf[1:51], buf[:50]},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Fatal("no panic")
				}
			}()
			KeyStream(tc.dst, tc.src, &key, &nonce, &pk)
		})
	}
}

func TestNoAllocs(t *testing.T) {
	var key [32]byte
	var nonce [12]byte
	var pk [32]byte
	buf := make([]byte, 1420)
	for _, p := range paths {
		allocs := testing.AllocsPerRun(100, func() {
			p.fn(buf, buf, &key, &nonce, &pk)
		})
		if allocs != 0 {
			t.Errorf("%s: %v allocations per call, want 0", p.name, allocs)
		}
	}
}

func FuzzKeyStream(f *testing.F) {
	f.Add(make([]byte, 32), make([]byte, 12), []byte{})
	f.Add(make([]byte, 32), make([]byte, 12), make([]byte, 1420))
	f.Add(bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 12), make([]byte, 577))
	f.Fuzz(func(t *testing.T, k, n, src []byte) {
		var key [32]byte
		var nonce [12]byte
		copy(key[:], k)
		copy(nonce[:], n)
		var pk1, pk2 [32]byte
		got := make([]byte, len(src))
		want := make([]byte, len(src))
		KeyStream(got, src, &key, &nonce, &pk1)
		keyStreamGeneric(want, src, &key, &nonce, &pk2)
		if pk1 != pk2 || !bytes.Equal(got, want) {
			t.Fatalf("len %d: KeyStream and generic disagree", len(src))
		}
	})
}

var benchSizes = []int{64, 256, 1420, 8192}

func BenchmarkKeyStream(b *testing.B) {
	var key [32]byte
	var nonce [12]byte
	var pk [32]byte
	for _, n := range benchSizes {
		buf := make([]byte, n)
		for _, p := range paths {
			b.Run(fmt.Sprintf("%d/%s", n, p.name), func(b *testing.B) {
				b.SetBytes(int64(n))
				for b.Loop() {
					p.fn(buf, buf, &key, &nonce, &pk)
				}
			})
		}
		b.Run(fmt.Sprintf("%d/xcrypto-seal", n), func(b *testing.B) {
			aead, _ := chacha20poly1305.New(key[:])
			out := make([]byte, 0, n+aead.Overhead())
			b.SetBytes(int64(n))
			for b.Loop() {
				out = aead.Seal(out[:0], nonce[:], buf, nil)
			}
		})
	}
}
