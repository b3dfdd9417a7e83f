// Package noise is the WireGuard handshake (Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s),
// its messages, cookies and keys: pure code with no I/O, the clock passed in.
package noise

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"

	"golang.org/x/crypto/curve25519"
)

// KeySize is the size of every key: private, public, preshared.
const KeySize = 32

type (
	PrivateKey   [KeySize]byte
	PublicKey    [KeySize]byte
	PresharedKey [KeySize]byte
)

// GeneratePrivateKey returns a new clamped Curve25519 private key.
func GeneratePrivateKey() (PrivateKey, error) {
	var k PrivateKey
	if _, err := rand.Read(k[:]); err != nil {
		return k, fmt.Errorf("generate key: %w", err)
	}
	k.clamp()
	return k, nil
}

// GeneratePresharedKey returns 32 random bytes.
func GeneratePresharedKey() (PresharedKey, error) {
	var k PresharedKey
	if _, err := rand.Read(k[:]); err != nil {
		return k, fmt.Errorf("generate preshared key: %w", err)
	}
	return k, nil
}

func (k *PrivateKey) clamp() {
	k[0] &= 248
	k[31] = (k[31] & 127) | 64
}

// Public returns the public key of k.
func (k PrivateKey) Public() PublicKey {
	var pub PublicKey
	// X25519 with the base point never fails for a 32-byte scalar.
	out, _ := curve25519.X25519(k[:], curve25519.Basepoint)
	copy(pub[:], out)
	return pub
}

// IsZero reports whether k is all zero, in constant time.
func (k PrivateKey) IsZero() bool   { return isZero(k[:]) }
func (k PublicKey) IsZero() bool    { return isZero(k[:]) }
func (k PresharedKey) IsZero() bool { return isZero(k[:]) }

// Equal compares in constant time.
func (k PublicKey) Equal(o PublicKey) bool { return subtle.ConstantTimeCompare(k[:], o[:]) == 1 }

func isZero(b []byte) bool {
	var zero [KeySize]byte
	return subtle.ConstantTimeCompare(b, zero[:]) == 1
}

// String returns the base64 form that wg uses. PrivateKey and PresharedKey have
// no String method on purpose, so that a key never lands in a log by %v.
func (k PublicKey) String() string { return base64.StdEncoding.EncodeToString(k[:]) }

// Base64 returns the base64 form of the secret key, for config files and wg's
// output only.
func (k PrivateKey) Base64() string   { return base64.StdEncoding.EncodeToString(k[:]) }
func (k PresharedKey) Base64() string { return base64.StdEncoding.EncodeToString(k[:]) }

// Hex forms are what the UAPI speaks.
func (k PrivateKey) Hex() string   { return fmt.Sprintf("%x", k[:]) }
func (k PublicKey) Hex() string    { return fmt.Sprintf("%x", k[:]) }
func (k PresharedKey) Hex() string { return fmt.Sprintf("%x", k[:]) }

func decodeKey(s string, enc func(dst, src []byte) (int, error), want int) ([KeySize]byte, error) {
	var k [KeySize]byte
	if len(s) != want {
		return k, fmt.Errorf("key must be %d characters, got %d", want, len(s))
	}
	buf := make([]byte, KeySize+2)
	n, err := enc(buf, []byte(s))
	if err != nil || n != KeySize {
		return k, fmt.Errorf("key is not valid")
	}
	copy(k[:], buf[:KeySize])
	return k, nil
}

func b64dec(dst, src []byte) (int, error) { return base64.StdEncoding.Decode(dst, src) }
func hexdec(dst, src []byte) (int, error) {
	if len(src)%2 != 0 {
		return 0, fmt.Errorf("odd length")
	}
	for i := 0; i < len(src)/2; i++ {
		hi, ok1 := fromHex(src[2*i])
		lo, ok2 := fromHex(src[2*i+1])
		if !ok1 || !ok2 {
			return 0, fmt.Errorf("not hex")
		}
		dst[i] = hi<<4 | lo
	}
	return len(src) / 2, nil
}

func fromHex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// ParsePrivateKey, ParsePublicKey and ParsePresharedKey read wg's base64 form.
func ParsePrivateKey(s string) (PrivateKey, error) { k, err := decodeKey(s, b64dec, 44); return k, err }
func ParsePublicKey(s string) (PublicKey, error)   { k, err := decodeKey(s, b64dec, 44); return k, err }
func ParsePresharedKey(s string) (PresharedKey, error) {
	k, err := decodeKey(s, b64dec, 44)
	return k, err
}

// The Hex parsers read the UAPI's form.
func ParsePrivateKeyHex(s string) (PrivateKey, error) {
	k, err := decodeKey(s, hexdec, 64)
	return k, err
}
func ParsePublicKeyHex(s string) (PublicKey, error) {
	k, err := decodeKey(s, hexdec, 64)
	return k, err
}
func ParsePresharedKeyHex(s string) (PresharedKey, error) {
	k, err := decodeKey(s, hexdec, 64)
	return k, err
}
