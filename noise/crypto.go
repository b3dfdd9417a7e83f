package noise

import (
	"crypto/subtle"
	"encoding/binary"
	"io"

	"golang.org/x/crypto/blake2s"
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

// The hashes below run on the stack, over buffers sized for their callers'
// short, fixed-size inputs: blake2s.New256 and hmac.New allocate, and they run
// on every MAC1-valid handshake message, which anyone who knows our public
// key can send. A longer input is a bug in this package, hence the panics.

// mixHash sets h = HASH(h || data); data is at most 64 bytes (the longest
// is an encrypted static key, 48).
func mixHash(h *[32]byte, data []byte) {
	var buf [32 + 64]byte
	if len(data) > len(buf)-32 {
		panic("noise: mixHash input longer than 64 bytes")
	}
	copy(buf[:32], h[:])
	n := 32 + copy(buf[32:], data)
	*h = blake2s.Sum256(buf[:n])
	wipe(buf[:n])
}

// labelHash is HASH(label || key): the MAC1 and cookie keys of a public key.
// It runs once per key, so it may allocate.
func labelHash(label string, key []byte) [32]byte {
	d, _ := blake2s.New256(nil)
	d.Write([]byte(label))
	d.Write(key)
	var out [32]byte
	d.Sum(out[:0])
	return out
}

// hmacSum sets out = HMAC-BLAKE2s(key, a || b) per RFC 2104 with BLAKE2s's
// 64-byte block: the 32-byte key needs no hashing, only zero padding. a and b
// together are at most 64 bytes (KDF inputs are 32, then 33).
func hmacSum(out, key *[32]byte, a, b []byte) {
	var buf [64 + 64]byte
	if len(a)+len(b) > 64 {
		panic("noise: HMAC input longer than 64 bytes") // callers pass fixed sizes
	}
	copy(buf[:32], key[:])
	for i := range 64 {
		buf[i] ^= 0x36 // ipad
	}
	n := 64 + copy(buf[64:], a)
	n += copy(buf[n:], b)
	inner := blake2s.Sum256(buf[:n])
	for i := range 64 {
		buf[i] ^= 0x36 ^ 0x5c // ipad off, opad on
	}
	copy(buf[64:], inner[:])
	*out = blake2s.Sum256(buf[:64+32])
	wipe(buf[:])
	wipe(inner[:])
}

// kdf is the paper's KDF_n: HKDF with HMAC-BLAKE2s, the chaining key as salt,
// input as key material and an empty info, filling len(outs) 32-byte outputs
// (at most 3, the paper's largest n).
func kdf(key *[32]byte, input []byte, outs ...*[32]byte) {
	var prk, prev [32]byte
	hmacSum(&prk, key, input, nil)
	for i, out := range outs {
		n := [1]byte{byte(i + 1)}
		if i == 0 {
			hmacSum(&prev, &prk, n[:], nil)
		} else {
			hmacSum(&prev, &prk, prev[:], n[:])
		}
		*out = prev
	}
	wipe(prk[:])
	wipe(prev[:])
}

// dh is X25519; it fails for a low-order point (an all-zero shared secret),
// which the paper requires us to reject. pub is 32 bytes.
func dh(priv *PrivateKey, pub []byte) ([32]byte, error) {
	var ss [32]byte
	if !x25519(&ss, (*[32]byte)(priv), (*[32]byte)(pub)) {
		return ss, ErrLowOrderKey
	}
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
	var nonce [nonceSize]byte
	return aeadSeal(dst, key, nonce[:], plain, ad)
}

func open(dst []byte, key *[32]byte, ct, ad []byte) ([]byte, error) {
	var nonce [nonceSize]byte
	return aeadOpen(dst, key, nonce[:], ct, ad)
}

func wipe(b []byte) {
	for i := range b {
		b[i] = 0
	}
}

func macEqual(a, b []byte) bool { return subtle.ConstantTimeCompare(a, b) == 1 }

var le = binary.LittleEndian
