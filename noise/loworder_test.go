package noise

import (
	"encoding/hex"
	"testing"
)

// lowOrderPoints are the Curve25519 points of small order (0, 1, the two of
// order 8, and p-1, p, p+1): DH with any of them gives an all-zero secret.
var lowOrderPoints = []string{
	"0000000000000000000000000000000000000000000000000000000000000000",
	"0100000000000000000000000000000000000000000000000000000000000000",
	"e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
	"5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
	"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	// The same points with bit 255 set, which X25519 ignores (RFC 7748).
	"0000000000000000000000000000000000000000000000000000000000000080",
	"0100000000000000000000000000000000000000000000000000000000000080",
	"e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b880",
	"5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f11d7",
	"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
	"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
	"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
}

func lowOrderKey(t *testing.T, s string) PublicKey {
	var k PublicKey
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	copy(k[:], b)
	return k
}

func TestLowOrderRemoteKeysRefused(t *testing.T) {
	local := NewStatic(fixedKey(t, "local"))
	for _, s := range lowOrderPoints {
		_, err := NewHandshake(local, lowOrderKey(t, s), PresharedKey{})
		wantErr(t, err, ErrLowOrderKey)
	}
}

// An initiation or response whose ephemeral is a low-order point is refused
// before any state changes.
func TestLowOrderEphemeralsRefused(t *testing.T) {
	for _, s := range lowOrderPoints {
		p := newPair(t, PresharedKey{})
		msg := p.initiation(t, testEpoch, 1)
		resp, _, err := p.respond(t, msg, testEpoch, 2)
		if err != nil {
			t.Fatal(err)
		}
		k := lowOrderKey(t, s)
		copy(msg[8:40], k[:])
		p.igen.AddMACs(msg, testEpoch)
		_, err = p.rStatic.ConsumeInitiation(msg)
		wantErr(t, err, ErrLowOrderKey)

		copy(resp[12:44], k[:])
		p.rgen.AddMACs(resp, testEpoch)
		_, err = p.ih.ConsumeResponse(resp, testEpoch)
		wantErr(t, err, ErrLowOrderKey)
	}
}
