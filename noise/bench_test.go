package noise

import (
	"fmt"
	"testing"
)

func BenchmarkTransport(b *testing.B) {
	p := newPair(b, PresharedKey{})
	ikp, rkp := p.handshake(b, testEpoch)
	for _, size := range []int{64, 1420, 8192} {
		buf := make([]byte, MessageTransportHeaderSize+size+TagSize)
		b.Run(fmt.Sprintf("Seal/%d", size), func(b *testing.B) {
			b.SetBytes(int64(size))
			for i := 0; b.Loop(); i++ {
				SealTransport(ikp, uint64(i), buf[:16+size], size)
			}
		})
		// The bare AEAD on the same bytes: the floor SealTransport adds to.
		b.Run(fmt.Sprintf("RawAEAD/%d", size), func(b *testing.B) {
			nonce := make([]byte, 12)
			b.SetBytes(int64(size))
			for b.Loop() {
				ikp.Send.Seal(buf[16:16], nonce, buf[16:16+size], nil)
			}
		})
		b.Run(fmt.Sprintf("Open/%d", size), func(b *testing.B) {
			msg := SealTransport(ikp, 0, buf[:16+size], size)
			sealed := append([]byte(nil), msg...)
			b.SetBytes(int64(size))
			for b.Loop() {
				copy(msg, sealed) // Open works in place
				if _, err := OpenTransport(rkp, 0, msg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkHandshake is one whole handshake: initiation, response, and the
// initiator consuming it, with MACs, as the two engines would do it.
func BenchmarkHandshake(b *testing.B) {
	p := newPair(b, PresharedKey{})
	now := testEpoch
	for b.Loop() {
		now = now.Add(HandshakeInitationRate)
		p.handshake(b, now)
	}
}
