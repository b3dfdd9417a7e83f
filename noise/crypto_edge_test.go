package noise

import (
	"bytes"
	"crypto/hmac"
	"encoding/hex"
	"testing"

	"crypto/hkdf"
	"golang.org/x/crypto/blake2s"
)

// TestHMACMatchesStdlib checks hmacSum against crypto/hmac over BLAKE2s for
// every input length it accepts and every split of it into a and b, and
// with out aliasing the key or a (kdf relies on both).
func TestHMACMatchesStdlib(t *testing.T) {
	var key [32]byte
	newDetRand("hmac key").Read(key[:])
	data := make([]byte, 64)
	newDetRand("hmac data").Read(data)
	for n := 0; n <= 64; n++ {
		ref := hmac.New(newBlake2s, key[:])
		ref.Write(data[:n])
		want := ref.Sum(nil)
		for _, cut := range []int{0, n / 2, n} {
			var got [32]byte
			hmacSum(&got, &key, data[:cut], data[cut:n])
			if !bytes.Equal(got[:], want) {
				t.Fatalf("len %d cut %d: hmac %x, crypto/hmac %x", n, cut, got, want)
			}
		}
		if n <= 32 {
			k := key
			hmacSum(&k, &k, data[:n], nil)
			if !bytes.Equal(k[:], want) {
				t.Fatalf("len %d, out aliasing key: %x, want %x", n, k, want)
			}
			var a [32]byte
			copy(a[:], data[:n])
			hmacSum(&a, &key, a[:n], nil)
			if !bytes.Equal(a[:], want) {
				t.Fatalf("len %d, out aliasing input: %x, want %x", n, a, want)
			}
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("65-byte HMAC input did not panic")
		}
	}()
	var out [32]byte
	hmacSum(&out, &key, data, []byte{1})
}

// TestKDFAliasing runs kdf the way the handshake does, the chaining key being
// both the key and the first output, against HKDF for n = 1, 2, 3.
func TestKDFAliasing(t *testing.T) {
	var ck [32]byte
	newDetRand("kdf ck").Read(ck[:])
	input := make([]byte, 32)
	newDetRand("kdf input").Read(input)
	for n := 1; n <= 3; n++ {
		want, err := hkdf.Key(newBlake2s, input, ck[:], "", 32*n)
		if err != nil {
			t.Fatal(err)
		}
		c := ck
		var b, d [32]byte
		outs := []*[32]byte{&c, &b, &d}[:n]
		kdf(&c, input, outs...)
		if got := bytes.Join([][]byte{c[:], b[:], d[:]}[:n], nil); !bytes.Equal(got, want) {
			t.Errorf("KDF%d with out = key: %x, want %x", n, got, want)
		}
	}
	// KDF2 of an empty input: the transport keys (keypair.go).
	want, _ := hkdf.Key(newBlake2s, nil, ck[:], "", 64)
	var a, b [32]byte
	kdf(&ck, nil, &a, &b)
	if got := append(a[:], b[:]...); !bytes.Equal(got, want) {
		t.Errorf("KDF2 of empty input: %x, want %x", got, want)
	}
}

func TestMixHashMatchesXCrypto(t *testing.T) {
	data := make([]byte, 64)
	newDetRand("mixhash").Read(data)
	for n := 0; n <= 64; n++ {
		var h [32]byte
		newDetRand("mixhash h").Read(h[:])
		want := blake2s.Sum256(append(bytes.Clone(h[:]), data[:n]...))
		mixHash(&h, data[:n])
		if h != want {
			t.Fatalf("len %d: mixHash %x, want %x", n, h, want)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("65-byte mixHash input did not panic")
		}
	}()
	var h [32]byte
	mixHash(&h, make([]byte, 65))
}

// TestMACLongData covers data lengths at and around many block multiples,
// where the final-block flag and the byte counter matter most.
func TestMACLongData(t *testing.T) {
	data := make([]byte, 64*20+1)
	newDetRand("mac long").Read(data)
	for _, keyLen := range []int{16, 32} {
		for n := 0; n <= len(data); n++ {
			if n%64 > 1 && n%64 < 63 {
				continue
			}
			var got [16]byte
			mac(&got, data[:keyLen], data[:n])
			if want := refMAC(data[:keyLen], data[:n]); !bytes.Equal(got[:], want) {
				t.Fatalf("key %d len %d: mac %x, blake2s.New128 %x", keyLen, n, got, want)
			}
		}
	}
}

// TestX25519Iterated is RFC 7748 section 5.2's iteration (k, u) <- (X25519(k,
// u), k) for 1 and 1,000 rounds.
func TestX25519Iterated(t *testing.T) {
	k := [32]byte{9}
	u := [32]byte{9}
	for i := 1; i <= 1000; i++ {
		var r [32]byte
		if !x25519(&r, &k, &u) {
			t.Fatalf("round %d: zero output", i)
		}
		u, k = k, r
		var want string
		switch i {
		case 1:
			want = "422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079"
		case 1000:
			want = "684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51"
		default:
			continue
		}
		if got := hex.EncodeToString(k[:]); got != want {
			t.Fatalf("after %d rounds: %s, want %s", i, got, want)
		}
	}
}

// TestX25519NonCanonical feeds u-coordinates RFC 7748 says to accept: the top
// bit set (ignored) and values from p to 2^255-1 (reduced).
func TestX25519NonCanonical(t *testing.T) {
	var scalar [32]byte
	newDetRand("noncanonical").Read(scalar[:])
	p := unhex(t, "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")
	for _, delta := range []byte{0, 1, 2, 9, 18} {
		for _, top := range []byte{0, 0x80} {
			var point [32]byte
			copy(point[:], p)
			point[0] += delta // p+delta, no carry for these deltas
			point[31] |= top
			checkX25519(t, scalar, point)
			var got [32]byte
			ok := x25519(&got, &scalar, &point)
			// p+delta is delta mod p.
			small := [32]byte{delta}
			var want [32]byte
			okSmall := x25519(&want, &scalar, &small)
			if ok != okSmall || got != want {
				t.Errorf("u = p+%d (top %#x): %x, want %x as for u = %d", delta, top, got, want, delta)
			}
		}
	}
}
