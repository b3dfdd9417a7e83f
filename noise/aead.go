package noise

import (
	"crypto/subtle"
	"encoding/binary"

	"golang.org/x/crypto/chacha20"
	"golang.org/x/crypto/poly1305"
)

// The handshake and cookie AEADs, ChaCha20-Poly1305 (RFC 8439, section 2.8)
// and its XChaCha20 form, built from x/crypto's chacha20 and poly1305 rather
// than chacha20poly1305: that package only hands out a cipher.AEAD, a heap
// object per key, and each handshake key encrypts exactly one thing, so every
// MAC1-valid packet from anyone would allocate. chacha20.Cipher and
// poly1305.MAC stay on the stack here (go build -gcflags=-m ./noise), and the
// interop and known-answer tests pin the bytes.

const (
	nonceSize  = 12 // ChaCha20-Poly1305
	nonceSizeX = 24 // XChaCha20-Poly1305
)

// aeadSeal appends to dst the encryption of plain and its tag. nonce is 12
// bytes, or 24 for XChaCha20-Poly1305. dst must not overlap plain or ad.
func aeadSeal(dst []byte, key *[32]byte, nonce, plain, ad []byte) []byte {
	ret, out := sliceForAppend(dst, len(plain)+poly1305.TagSize)
	ct := out[:len(plain)]
	var polyKey [32]byte
	var c chacha20.Cipher
	newStream(&c, key, nonce, &polyKey)
	c.XORKeyStream(ct, plain)
	c = chacha20.Cipher{} // it holds the key
	var tag [poly1305.TagSize]byte
	aeadTag(&tag, &polyKey, ad, ct)
	copy(out[len(plain):], tag[:])
	return ret
}

// aeadOpen appends to dst the decryption of ct (ciphertext and tag), or
// fails with ErrDecrypt, having decrypted nothing.
func aeadOpen(dst []byte, key *[32]byte, nonce, ct, ad []byte) ([]byte, error) {
	if len(ct) < poly1305.TagSize {
		return nil, ErrDecrypt
	}
	body, got := ct[:len(ct)-poly1305.TagSize], ct[len(ct)-poly1305.TagSize:]
	var polyKey [32]byte
	var c chacha20.Cipher
	newStream(&c, key, nonce, &polyKey)
	defer func() { c = chacha20.Cipher{} }()
	var want [poly1305.TagSize]byte
	aeadTag(&want, &polyKey, ad, body)
	if subtle.ConstantTimeCompare(want[:], got) != 1 {
		return nil, ErrDecrypt
	}
	ret, out := sliceForAppend(dst, len(body))
	c.XORKeyStream(out, body)
	return ret, nil
}

// newStream sets polyKey from keystream block 0 and c to the cipher
// positioned at block 1, as RFC 8439 section 2.8 lays out the stream. c is
// the caller's, so that it stays on the stack.
func newStream(c *chacha20.Cipher, key *[32]byte, nonce []byte, polyKey *[32]byte) {
	s, err := chacha20.NewUnauthenticatedCipher(key[:], nonce)
	if err != nil {
		panic("noise: AEAD nonce must be 12 or 24 bytes") // callers pass constants
	}
	s.XORKeyStream(polyKey[:], polyKey[:])
	s.SetCounter(1)
	*c = *s
	*s = chacha20.Cipher{}
}

// aeadTag is Poly1305 of ad and ct, each padded to 16 bytes, then both
// lengths; it wipes polyKey, which must never authenticate a second message.
func aeadTag(tag *[poly1305.TagSize]byte, polyKey *[32]byte, ad, ct []byte) {
	var pad [16]byte
	p := poly1305.New(polyKey)
	p.Write(ad)
	p.Write(pad[:(16-len(ad)%16)%16])
	p.Write(ct)
	p.Write(pad[:(16-len(ct)%16)%16])
	binary.LittleEndian.PutUint64(pad[:8], uint64(len(ad)))
	binary.LittleEndian.PutUint64(pad[8:], uint64(len(ct)))
	p.Write(pad[:])
	p.Sum(tag[:0])
	wipe(polyKey[:])
}

// sliceForAppend extends in by n bytes, reallocating only when its capacity
// is short, and returns the whole and the new part.
func sliceForAppend(in []byte, n int) (whole, tail []byte) {
	if total := len(in) + n; cap(in) >= total {
		whole = in[:total]
	} else {
		whole = make([]byte, total)
		copy(whole, in)
	}
	return whole, whole[len(in):]
}
