package noise

import (
	"bytes"
	"hash"
	"testing"

	"golang.org/x/crypto/blake2s"
	"golang.org/x/crypto/chacha20poly1305"
)

// The package's own keyed BLAKE2s-128 and stack AEADs, checked against
// x/crypto's heap versions on the same inputs.

func newBlake2s() hash.Hash {
	d, _ := blake2s.New256(nil)
	return d
}

func refMAC(key, data []byte) []byte {
	d, err := blake2s.New128(key)
	if err != nil {
		panic(err)
	}
	d.Write(data)
	return d.Sum(nil)
}

func TestMACMatchesXCrypto(t *testing.T) {
	data := make([]byte, 300)
	newDetRand("mac data").Read(data)
	key := make([]byte, 32)
	newDetRand("mac key").Read(key)
	tests := []struct {
		name            string
		keyLen, dataLen int
	}{
		{"empty data", 32, 0},
		{"one byte", 32, 1},
		{"cookie of an address", 32, 18},
		{"one block", 32, 64},
		{"block plus one", 32, 65},
		{"response mac1", 32, 60},
		{"response mac2", 16, 76},
		{"initiation mac1", 32, 116},
		{"initiation mac2", 16, 132},
		{"two blocks", 16, 128},
		{"long", 32, 300},
		{"one-byte key", 1, 100},
		{"one-byte key, empty data", 1, 0},
	}
	for _, tc := range tests {
		var got [16]byte
		mac(&got, key[:tc.keyLen], data[:tc.dataLen])
		if want := refMAC(key[:tc.keyLen], data[:tc.dataLen]); !bytes.Equal(got[:], want) {
			t.Errorf("%s: mac = %x, blake2s.New128 = %x", tc.name, got, want)
		}
	}
}

func FuzzMACMatchesXCrypto(f *testing.F) {
	f.Add([]byte("k"), []byte(""))
	f.Add(bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 116))
	f.Add(bytes.Repeat([]byte{3}, 16), bytes.Repeat([]byte{4}, 128))
	f.Fuzz(func(t *testing.T, key, data []byte) {
		if len(key) == 0 || len(key) > 32 {
			return
		}
		var got [16]byte
		mac(&got, key, data)
		if want := refMAC(key, data); !bytes.Equal(got[:], want) {
			t.Fatalf("mac(%x, %x) = %x, blake2s.New128 = %x", key, data, got, want)
		}
	})
}

// checkAEAD seals with both implementations, compares, then opens the result
// and a tampered copy with ours.
func checkAEAD(t *testing.T, key *[32]byte, nonce, plain, ad []byte) {
	t.Helper()
	var ref []byte
	if len(nonce) == nonceSizeX {
		a, _ := chacha20poly1305.NewX(key[:])
		ref = a.Seal([]byte("prefix"), nonce, plain, ad)
	} else {
		a, _ := chacha20poly1305.New(key[:])
		ref = a.Seal([]byte("prefix"), nonce, plain, ad)
	}
	got := aeadSeal([]byte("prefix"), key, nonce, plain, ad)
	if !bytes.Equal(got, ref) {
		t.Fatalf("nonce %d bytes, plain %d, ad %d: seal = %x, x/crypto = %x", len(nonce), len(plain), len(ad), got, ref)
	}
	out, err := aeadOpen([]byte("p"), key, nonce, got[6:], ad)
	if err != nil || !bytes.Equal(out, append([]byte("p"), plain...)) {
		t.Fatalf("open = %x, %v; want %x", out, err, plain)
	}
	for i := range got[6:] {
		bad := bytes.Clone(got[6:])
		bad[i] ^= 0x80
		if _, err := aeadOpen(nil, key, nonce, bad, ad); err != ErrDecrypt {
			t.Fatalf("tampered byte %d: open error %v", i, err)
		}
	}
}

func TestAEADMatchesXCrypto(t *testing.T) {
	var key [32]byte
	newDetRand("aead key").Read(key[:])
	buf := make([]byte, 200)
	newDetRand("aead data").Read(buf)
	tests := []struct {
		name                string
		nonce, plain, adLen int
	}{
		{"empty response", nonceSize, 0, 32},
		{"static key", nonceSize, 32, 32},
		{"timestamp", nonceSize, 12, 32},
		{"cookie reply", nonceSizeX, 16, 16},
		{"no ad", nonceSize, 17, 0},
		{"long", nonceSizeX, 150, 47},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			nonce := buf[150 : 150+tc.nonce]
			checkAEAD(t, &key, nonce, buf[:tc.plain], buf[100:100+tc.adLen])
		})
	}
	if _, err := aeadOpen(nil, &key, buf[:nonceSize], buf[:15], nil); err != ErrDecrypt {
		t.Errorf("short ciphertext: %v", err)
	}
}

func FuzzAEADMatchesXCrypto(f *testing.F) {
	f.Add([]byte("key"), false, []byte("plain"), []byte("ad"))
	f.Add([]byte("key"), true, make([]byte, 16), make([]byte, 16))
	f.Fuzz(func(t *testing.T, seed []byte, x bool, plain, ad []byte) {
		key := blake2s.Sum256(seed)
		nonce := key[:nonceSize]
		if x {
			nonce = key[:nonceSizeX]
		}
		checkAEAD(t, &key, bytes.Clone(nonce), plain, ad)
	})
}
