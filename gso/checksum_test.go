package gso

import (
	"math/rand/v2"
	"testing"
)

func TestChecksumMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	buf := make([]byte, 2100)
	for i := range buf {
		buf[i] = byte(r.Uint32())
	}
	for n := 0; n <= len(buf); n++ {
		for _, start := range []int{0, 1, 3} {
			if start+n > len(buf) {
				continue
			}
			b := buf[start : start+n]
			init := r.Uint32() & 0x1ffff
			got, want := Checksum(b, uint64(init)), refChecksum(b, init)
			if got != want {
				t.Fatalf("len %d start %d init %#x: got %#04x want %#04x", n, start, init, got, want)
			}
		}
	}
}

func TestChecksumKnownAnswer(t *testing.T) {
	// RFC 1071 section 3 example: words 0001 f203 f4f5 f6f7 sum to ddf2.
	b := []byte{0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7}
	if got := Checksum(b, 0); got != 0xddf2 {
		t.Fatalf("got %#04x, want 0xddf2", got)
	}
	for _, tc := range []struct {
		name string
		b    []byte
		want uint16
	}{
		{"empty", nil, 0},
		{"odd", []byte{0xab}, 0xab00},
		{"all ones", []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, 0xffff},
	} {
		if got := Checksum(tc.b, 0); got != tc.want {
			t.Errorf("%s: got %#04x want %#04x", tc.name, got, tc.want)
		}
	}
}

func TestPseudoHeaderChecksum(t *testing.T) {
	for _, a := range [][2][]byte{{src4, dst4}, {src6, dst6}} {
		got := PseudoHeaderChecksum(protoTCP, a[0], a[1], 1480)
		want := refChecksum(nil, refPseudo(protoTCP, a[0], a[1], 1480))
		if got != want {
			t.Errorf("len %d: got %#04x want %#04x", len(a[0]), got, want)
		}
	}
}
