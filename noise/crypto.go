package noise

import (
	"crypto/hmac"
	"crypto/subtle"
	"encoding/binary"
	"hash"
	"io"

	"golang.org/x/crypto/blake2s"
	"golang.org/x/crypto/chacha20poly1305"
	"golang.org/x/crypto/curve25519"
)

// The names that seed the protocol's hashes (paper, section 5.4).
const (
	construction = "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s"
	identifier   = "WireGuard v1 zx2c4 Jason@zx2c4.com"
	labelMAC1    = "mac1----"
	labelCookie  = "cookie--"
)

// initialChainKey is HASH(construction) and initialHash is
// HASH(initialChainKey || identifier): every handshake starts from them.
var initialChainKey, initialHash = initialState()

func initialState() (ck, h [32]byte) {
	ck = blake2s.Sum256([]byte(construction))
	h = ck
	mixHash(&h, []byte(identifier))
	return ck, h
}

// mixHash sets h = HASH(h || data).
func mixHash(h *[32]byte, data []byte) {
	d, _ := blake2s.New256(nil)
	d.Write(h[:])
	d.Write(data)
	d.Sum(h[:0])
}

// labelHash is HASH(label || key): the MAC1 and cookie keys of a public key.
func labelHash(label string, key []byte) [32]byte {
	d, _ := blake2s.New256(nil)
	d.Write([]byte(label))
	d.Write(key)
	var out [32]byte
	d.Sum(out[:0])
	return out
}

// mac is keyed BLAKE2s with a 16-byte output, the paper's MAC.
func mac(out *[16]byte, key, data []byte) {
	d, _ := blake2s.New128(key)
	d.Write(data)
	d.Sum(out[:0])
}

func newBlake2s() hash.Hash {
	d, _ := blake2s.New256(nil)
	return d
}

func hmacSum(out *[32]byte, key []byte, data ...[]byte) {
	m := hmac.New(newBlake2s, key)
	for _, d := range data {
		m.Write(d)
	}
	m.Sum(out[:0])
}

// kdf is the paper's KDF_n: HKDF with HMAC-BLAKE2s, the chaining key as salt,
// input as key material and an empty info, filling len(outs) 32-byte outputs.
func kdf(key *[32]byte, input []byte, outs ...*[32]byte) {
	var prk, prev [32]byte
	hmacSum(&prk, key[:], input)
	for i, out := range outs {
		n := []byte{byte(i + 1)}
		if i == 0 {
			hmacSum(&prev, prk[:], n)
		} else {
			hmacSum(&prev, prk[:], prev[:], n)
		}
		*out = prev
	}
	wipe(prk[:])
	wipe(prev[:])
}

// dh is X25519; it fails for a low-order point (an all-zero shared secret),
// which the paper requires us to reject.
func dh(priv *PrivateKey, pub []byte) ([32]byte, error) {
	var ss [32]byte
	out, err := curve25519.X25519(priv[:], pub)
	if err != nil {
		return ss, ErrLowOrderKey
	}
	copy(ss[:], out)
	wipe(out)
	return ss, nil
}

// newEphemeral reads a clamped private key from r.
func newEphemeral(r io.Reader) (PrivateKey, error) {
	var k PrivateKey
	if _, err := io.ReadFull(r, k[:]); err != nil {
		return k, err
	}
	k.clamp()
	return k, nil
}

// seal and open are the handshake's AEAD, always with counter 0: each
// handshake key encrypts exactly one thing.
func seal(dst []byte, key *[32]byte, plain, ad []byte) []byte {
	var nonce [chacha20poly1305.NonceSize]byte
	a, _ := chacha20poly1305.New(key[:])
	return a.Seal(dst, nonce[:], plain, ad)
}

func open(dst []byte, key *[32]byte, ct, ad []byte) ([]byte, error) {
	var nonce [chacha20poly1305.NonceSize]byte
	a, _ := chacha20poly1305.New(key[:])
	out, err := a.Open(dst, nonce[:], ct, ad)
	if err != nil {
		return nil, ErrDecrypt
	}
	return out, nil
}

func wipe(b []byte) {
	for i := range b {
		b[i] = 0
	}
}

func macEqual(a, b []byte) bool { return subtle.ConstantTimeCompare(a, b) == 1 }

var le = binary.LittleEndian
