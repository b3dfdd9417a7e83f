package poly

import (
	"strconv"
	"testing"

	"golang.org/x/crypto/poly1305" //lint:ignore SA1019 the x/crypto anchor
)

var benchSizes = []int{64, 256, 1408, 8192}

// BenchmarkMAC measures a whole per-packet MAC (Init+Blocks+Sum), which
// includes computing r^2..r^8 on the IFMA path.
func BenchmarkMAC(b *testing.B) {
	key := new([32]byte)
	for i := range key {
		key[i] = byte(i * 7)
	}
	var tag [16]byte
	for _, n := range benchSizes {
		msg := make([]byte, n)
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			b.Run("xcrypto", func(b *testing.B) {
				b.SetBytes(int64(n))
				for b.Loop() {
					poly1305.Sum(&tag, msg, key)
				}
			})
			for _, vec := range []bool{false, true} {
				if vec && !HasIFMA {
					continue
				}
				name := map[bool]string{false: "scalar", true: "ifma"}[vec]
				b.Run(name, func(b *testing.B) {
					defer func(old bool) { useVector = old }(useVector)
					useVector = vec
					b.SetBytes(int64(n))
					for b.Loop() {
						var m MAC
						m.Init(key)
						m.Blocks(msg)
						m.Sum(&tag)
					}
				})
			}
		})
	}
}
