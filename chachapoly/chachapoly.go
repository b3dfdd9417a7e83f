// Package chachapoly is the ChaCha20-Poly1305 AEAD of RFC 8439 with an
// AVX-512 path: the cipher is the largest single cost of a tunnel (about a
// third of the machine in a one-stream transfer) and golang.org/x/crypto
// stops at AVX2 with a scalar Poly1305. Where the AVX-512 path cannot run,
// New returns x/crypto's implementation, so callers never choose.
package chachapoly

import (
	"crypto/cipher"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"fmt"
	"unsafe"

	"golang.org/x/crypto/chacha20poly1305"

	"github.com/tuntap/tuntap/chachapoly/internal/chacha"
	"github.com/tuntap/tuntap/chachapoly/internal/poly"
)

const (
	KeySize   = 32
	NonceSize = 12
	Overhead  = 16
)

// Fast reports whether New returns the AVX-512 implementation here.
var Fast = chacha.HasAVX512 && poly.HasIFMA

// stackOpen is the largest message Open decrypts through its stack: a
// tunnel's packets (MTU 1420, or 1500 on a bridged LAN) fit.
const stackOpen = 2048

// maxData is the most plaintext one nonce covers (RFC 8439): the 32-bit
// block counter runs from 1 (block 0 is the Poly1305 key) to 2^32-1.
const maxData = (1<<32 - 1) * 64

// Impl names the implementation New returns here, for logs.
func Impl() string {
	if Fast {
		return "chacha20poly1305-avx512"
	}
	return "chacha20poly1305-xcrypto"
}

var errOpen = errors.New("chachapoly: message authentication failed")

// New returns the AEAD for a 32-byte key.
func New(key []byte) (cipher.AEAD, error) {
	if !Fast {
		return chacha20poly1305.New(key)
	}
	return newFast(key)
}

// aead is the AVX-512 implementation. It holds only the key: the per-message
// Poly1305 key and state live on the stack of Seal and Open.
type aead struct {
	key [KeySize]byte
}

func newFast(key []byte) (*aead, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("chachapoly: key is %d bytes, want %d", len(key), KeySize)
	}
	a := new(aead)
	copy(a.key[:], key)
	return a, nil
}

func (*aead) NonceSize() int { return NonceSize }
func (*aead) Overhead() int  { return Overhead }

func (a *aead) Seal(dst, nonce, plaintext, ad []byte) []byte {
	if len(nonce) != NonceSize {
		panic("chachapoly: bad nonce length passed to Seal")
	}
	// Checked before sliceForAppend: make would die unrecoverably first.
	if uint64(len(plaintext)) > maxData {
		panic("chachapoly: plaintext too large")
	}
	ret, out := sliceForAppend(dst, len(plaintext)+Overhead)
	if inexactOverlap(out, plaintext) {
		panic("chachapoly: invalid buffer overlap")
	}
	ct := out[:len(plaintext)]
	var polyKey [32]byte
	chacha.KeyStream(ct, plaintext, &a.key, (*[NonceSize]byte)(nonce), &polyKey)
	authenticate((*[Overhead]byte)(out[len(plaintext):]), &polyKey, ad, ct)
	return ret
}

func (a *aead) Open(dst, nonce, ciphertext, ad []byte) ([]byte, error) {
	if len(nonce) != NonceSize {
		panic("chachapoly: bad nonce length passed to Open")
	}
	// Too long for one nonce's counter: no valid sender made it, so fail
	// like a bad tag instead of panicking in KeyStream after a 256 GiB MAC.
	if len(ciphertext) < Overhead || uint64(len(ciphertext)) > maxData+Overhead {
		return nil, errOpen
	}
	ct := ciphertext[:len(ciphertext)-Overhead]
	tag := ciphertext[len(ct):]
	ret, out := sliceForAppend(dst, len(ct))
	if inexactOverlap(out, ct) {
		panic("chachapoly: invalid buffer overlap")
	}
	// Nothing reaches dst before the tag checks out. The MAC needs block 0's
	// key, and a KeyStream call for block 0 alone costs about as much as a
	// whole packet's keystream (one batch, latency-bound), so packets that
	// fit are decrypted into a stack buffer in the same call that yields the
	// key, authenticated, then copied out: a copy is far cheaper.
	var polyKey [32]byte
	var want [Overhead]byte
	if len(ct) <= stackOpen {
		var plain [stackOpen]byte
		chacha.KeyStream(plain[:len(ct)], ct, &a.key, (*[NonceSize]byte)(nonce), &polyKey)
		authenticate(&want, &polyKey, ad, ct)
		if subtle.ConstantTimeCompare(want[:], tag) != 1 {
			clear(plain[:len(ct)])
			return nil, errOpen
		}
		copy(out, plain[:len(ct)])
		return ret, nil
	}
	chacha.KeyStream(nil, nil, &a.key, (*[NonceSize]byte)(nonce), &polyKey)
	authenticate(&want, &polyKey, ad, ct)
	if subtle.ConstantTimeCompare(want[:], tag) != 1 {
		return nil, errOpen
	}
	chacha.KeyStream(out, ct, &a.key, (*[NonceSize]byte)(nonce), &polyKey)
	return ret, nil
}

// authenticate is RFC 8439's MAC input: ad and ciphertext each zero-padded
// to 16 bytes, then both lengths as little-endian 64-bit words.
func authenticate(tag *[Overhead]byte, polyKey *[32]byte, ad, ct []byte) {
	var m poly.MAC
	m.Init(polyKey)
	padded(&m, ad)
	// The ciphertext's whole blocks go in one call (the vector path works
	// per call); its padded tail and the lengths share the last one.
	full := len(ct) &^ 15
	if full > 0 {
		m.Blocks(ct[:full])
	}
	var last [32]byte
	n := copy(last[:], ct[full:])
	if n > 0 {
		n = 16
	}
	binary.LittleEndian.PutUint64(last[n:], uint64(len(ad)))
	binary.LittleEndian.PutUint64(last[n+8:], uint64(len(ct)))
	m.Blocks(last[:n+16])
	m.Sum(tag)
}

func padded(m *poly.MAC, p []byte) {
	full := len(p) &^ 15
	if full > 0 {
		m.Blocks(p[:full])
	}
	if rest := p[full:]; len(rest) > 0 {
		var last [16]byte
		copy(last[:], rest)
		m.Blocks(last[:])
	}
}

// sliceForAppend extends in by n bytes, reusing its capacity when it can:
// out is the new tail, head the whole slice.
func sliceForAppend(in []byte, n int) (head, out []byte) {
	if total := len(in) + n; cap(in) >= total {
		head = in[:total]
	} else {
		head = make([]byte, total)
		copy(head, in)
	}
	return head, head[len(in):]
}

// inexactOverlap reports whether x and y share memory other than starting
// at the same byte: in-place use is allowed, shifted overlap is not, as in
// crypto/cipher's contract.
func inexactOverlap(x, y []byte) bool {
	if len(x) == 0 || len(y) == 0 || &x[0] == &y[0] {
		return false
	}
	x0, x1 := uintptr(unsafe.Pointer(&x[0])), uintptr(unsafe.Pointer(&x[len(x)-1]))
	y0, y1 := uintptr(unsafe.Pointer(&y[0])), uintptr(unsafe.Pointer(&y[len(y)-1]))
	return x0 <= y1 && y0 <= x1
}
