package chacha

import "golang.org/x/crypto/chacha20"

// keyStreamGeneric is the portable path. x/crypto's constructor is written to
// inline so the Cipher stays on our stack (checked with -gcflags=-m).
func keyStreamGeneric(dst, src []byte, key *[32]byte, nonce *[12]byte, polyKey *[32]byte) {
	s, err := chacha20.NewUnauthenticatedCipher(key[:], nonce[:])
	if err != nil {
		panic("chacha: " + err.Error()) // unreachable: sizes are fixed by the types
	}
	*polyKey = [32]byte{}
	s.XORKeyStream(polyKey[:], polyKey[:])
	s.SetCounter(1)
	s.XORKeyStream(dst, src)
}
