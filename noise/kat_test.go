package noise

import (
	"bytes"
	"crypto/hkdf"
	"encoding/hex"
	"testing"
)

// Known-answer vectors. They were computed by this package and pin it; the
// differential tests against wireguard-go (interop_test.go) are what show the
// values are the protocol's, and the KDF is also checked against the
// standard library's HKDF below.

func TestConstructionHashes(t *testing.T) {
	if got := hex.EncodeToString(initialChainKey[:]); got != "60e26daef327efc02ec335e2a025d2d016eb4206f87277f52d38d1988b78cd36" {
		t.Errorf("HASH(construction) = %s", got)
	}
	if got := hex.EncodeToString(initialHash[:]); got != "2211b361081ac566691243db458ad5322d9c6c662293e8b70ee19c65ba079ef3" {
		t.Errorf("HASH(HASH(construction) || identifier) = %s", got)
	}
}

func TestKDFVector(t *testing.T) {
	var key, a, b, c [32]byte
	for i := range key {
		key[i] = byte(i)
	}
	kdf(&key, []byte("input"), &a, &b, &c)
	want := "87b7f70b24183c6db5dc4f6d9f4c47cdb203321aa2a0bef714896adb3107a040" +
		"538a02e1eb2e31b7e4d4b82476d1fe2acf50085d3fb584537279195f5d1f5824" +
		"9ad858025593be88de0f9442a589cfe84a88dc19e4753d93684d1c5efc4837f9"
	if got := hex.EncodeToString(bytes.Join([][]byte{a[:], b[:], c[:]}, nil)); got != want {
		t.Errorf("KDF3 = %s", got)
	}
	// The paper's KDF is HKDF with the chaining key as salt and no info.
	ref, err := hkdf.Key(newBlake2s, []byte("input"), key[:], "", 96)
	if err != nil || hex.EncodeToString(ref) != want {
		t.Errorf("HKDF reference = %x, %v", ref, err)
	}
}

func TestTimestampVector(t *testing.T) {
	ts := Timestamp(testEpoch)
	if got := hex.EncodeToString(ts[:]); got != "400000006553f10a07000000" {
		t.Errorf("Timestamp = %s", got)
	}
	if !Timestamp(testEpoch.Add(17e6)).After(ts) || ts.After(ts) {
		t.Error("After is not a strict order")
	}
}

// TestHandshakeVector fixes static keys, ephemerals (detRand), indices, the
// preshared key and the clock: every byte on the wire is then determined.
func TestHandshakeVector(t *testing.T) {
	p := newPair(t, PresharedKey{7})
	const (
		wantInit = "01000000111111113de30ee113bacf8ff851dbb4aec91c127d515a003b2d1dbb49c6b6e38aa6582e" +
			"45fff71b6cf51254c5009c9bc45af31528140dbc052011a55437f329c9858a4f46c759c8427f53ed11" +
			"1811a7b917e455801a514e9b436dde1b545175b2f453b91d64e25337ff6705c21aded2666266e30241" +
			"e83dbe1fb2a9e0327dd200000000000000000000000000000000"
		wantResp = "02000000222222221111111199d23e1dbc9f7003693da7a8e5745b3bacaabcadfc1327fbc51d8e94" +
			"608bf05a4bfad97e8103e286ace2c0a29fa90ca9231b2a899f94b2ffbf20da72ec62666000000000" +
			"000000000000000000000000"
		wantPing = "04000000222222220100000000000000de8af2c8e21e3fdc14b5b496963d17835f2d853e"
		wantPong = "04000000111111110200000000000000e6885b72c2672116d7a23dd4deb944beb74cea94"
	)
	init := p.initiation(t, testEpoch, 0x11111111)
	if got := hex.EncodeToString(init); got != wantInit {
		t.Errorf("initiation =\n%s", got)
	}
	resp, rkp, err := p.respond(t, init, testEpoch, 0x22222222)
	if err != nil {
		t.Fatal(err)
	}
	if got := hex.EncodeToString(resp); got != wantResp {
		t.Errorf("response =\n%s", got)
	}
	ikp, err := p.ih.ConsumeResponse(resp, testEpoch)
	if err != nil {
		t.Fatal(err)
	}
	if got := hex.EncodeToString(transportMsg(ikp, 1, []byte("ping"))); got != wantPing {
		t.Errorf("initiator's transport = %s", got)
	}
	if got := hex.EncodeToString(transportMsg(rkp, 2, []byte("pong"))); got != wantPong {
		t.Errorf("responder's transport = %s", got)
	}
	// mac1 is the 16 bytes before mac2: pinned as part of wantInit; check it
	// is HASH("mac1----" || responder key)-keyed MAC of the body.
	var m [16]byte
	key := labelHash(labelMAC1, p.rStatic.Public[:])
	mac(&m, key[:], init[:116])
	if !bytes.Equal(m[:], init[116:132]) {
		t.Error("mac1 is not MAC(HASH(label || key), body)")
	}
}
