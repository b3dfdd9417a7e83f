//go:build !amd64 || purego

package chacha

// HasAVX512 reports whether the assembly path runs on this machine; it never
// does on this GOARCH (or with the purego tag).
var HasAVX512 bool

func keyStreamAVX512(dst, src []byte, key *[32]byte, nonce *[12]byte, polyKey *[32]byte) {
	keyStreamGeneric(dst, src, key, nonce, polyKey)
}
