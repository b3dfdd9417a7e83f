package noise

import (
	"bytes"
	"crypto/ecdh"
	"encoding/hex"
	"testing"
)

// refX25519 is crypto/ecdh's X25519, which x25519 replaces on the hot path.
func refX25519(scalar, point []byte) ([]byte, error) {
	priv, err := ecdh.X25519().NewPrivateKey(scalar)
	if err != nil {
		return nil, err
	}
	pub, err := ecdh.X25519().NewPublicKey(point)
	if err != nil {
		return nil, err
	}
	return priv.ECDH(pub)
}

func checkX25519(t *testing.T, scalar, point [32]byte) {
	t.Helper()
	var got [32]byte
	ok := x25519(&got, &scalar, &point)
	want, err := refX25519(scalar[:], point[:])
	if ok != (err == nil) {
		t.Fatalf("x25519(%x, %x): ok %v, crypto/ecdh error %v", scalar, point, ok, err)
	}
	if ok && !bytes.Equal(got[:], want) {
		t.Fatalf("x25519(%x, %x) = %x, crypto/ecdh = %x", scalar, point, got, want)
	}
}

func TestX25519MatchesECDH(t *testing.T) {
	// RFC 7748, section 5.2.
	tests := []struct{ scalar, point, want string }{
		{"a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
			"e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
			"c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"},
		{"4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
			"e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
			"95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957"},
	}
	for _, tc := range tests {
		var s, p, got [32]byte
		copy(s[:], unhex(t, tc.scalar))
		copy(p[:], unhex(t, tc.point))
		if !x25519(&got, &s, &p) || hex.EncodeToString(got[:]) != tc.want {
			t.Errorf("x25519(%s, %s) = %x, want %s", tc.scalar, tc.point, got, tc.want)
		}
		checkX25519(t, s, p)
	}
	var scalar, point [32]byte
	r := newDetRand("x25519")
	for range 64 {
		r.Read(scalar[:])
		r.Read(point[:])
		checkX25519(t, scalar, point)
	}
	for _, s := range lowOrderPoints {
		r.Read(scalar[:])
		copy(point[:], unhex(t, s))
		var got [32]byte
		if x25519(&got, &scalar, &point) {
			t.Errorf("low-order point %s accepted", s)
		}
		checkX25519(t, scalar, point)
	}
	point = [32]byte{9}
	checkX25519(t, scalar, point) // the base point
}

func FuzzX25519MatchesECDH(f *testing.F) {
	f.Add(make([]byte, 32), make([]byte, 32))
	f.Add(bytes.Repeat([]byte{0xff}, 32), bytes.Repeat([]byte{0xff}, 32))
	f.Fuzz(func(t *testing.T, scalar, point []byte) {
		if len(scalar) != 32 || len(point) != 32 {
			return
		}
		checkX25519(t, [32]byte(scalar), [32]byte(point))
	})
}
