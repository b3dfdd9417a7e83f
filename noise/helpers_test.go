package noise

import (
	"encoding/hex"
	"errors"
	"io"
	"testing"
	"time"

	"golang.org/x/crypto/blake2s"
)

// detRand is a deterministic byte stream for tests only: BLAKE2s in counter
// mode over a label, so fixed ephemerals and cookie secrets repeat exactly.
type detRand struct {
	label string
	n     uint64
	buf   []byte
}

func newDetRand(label string) *detRand { return &detRand{label: label} }

func (r *detRand) Read(p []byte) (int, error) {
	for i := range p {
		if len(r.buf) == 0 {
			b := blake2s.Sum256(append([]byte(r.label), byte(r.n), byte(r.n>>8)))
			r.buf = b[:]
			r.n++
		}
		p[i], r.buf = r.buf[0], r.buf[1:]
	}
	return len(p), nil
}

var _ io.Reader = (*detRand)(nil)

func fixedKey(t testing.TB, label string) PrivateKey {
	t.Helper()
	var k PrivateKey
	newDetRand(label).Read(k[:])
	k.clamp()
	return k
}

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// pair is two nodes that know each other, with deterministic randomness.
type pair struct {
	iStatic, rStatic *Static
	ih, rh           *Handshake // ih: initiator's view of r; rh: responder's view of i
	igen, rgen       *CookieGenerator
}

var testEpoch = time.Unix(1700000000, 123456789)

func newPair(t testing.TB, psk PresharedKey) *pair {
	t.Helper()
	p := &pair{iStatic: NewStatic(fixedKey(t, "initiator")), rStatic: NewStatic(fixedKey(t, "responder"))}
	var err error
	if p.ih, err = NewHandshake(p.iStatic, p.rStatic.Public, psk); err != nil {
		t.Fatal(err)
	}
	if p.rh, err = NewHandshake(p.rStatic, p.iStatic.Public, psk); err != nil {
		t.Fatal(err)
	}
	p.ih.rand, p.rh.rand = newDetRand("initiator ephemeral"), newDetRand("responder ephemeral")
	p.igen, p.rgen = NewCookieGenerator(p.rStatic.Public), NewCookieGenerator(p.iStatic.Public)
	return p
}

func (p *pair) initiation(t testing.TB, now time.Time, idx uint32) []byte {
	t.Helper()
	msg, err := p.ih.CreateInitiation(now, idx, nil)
	if err != nil {
		t.Fatal(err)
	}
	p.igen.AddMACs(msg, now)
	return msg
}

// respond runs the responder on msg and returns its response and keys.
func (p *pair) respond(t testing.TB, msg []byte, now time.Time, idx uint32) ([]byte, *Keypair, error) {
	t.Helper()
	in, err := p.rStatic.ConsumeInitiation(msg)
	if err != nil {
		return nil, nil, err
	}
	if err := p.rh.AcceptInitiation(in, now); err != nil {
		return nil, nil, err
	}
	resp, kp, err := p.rh.CreateResponse(idx, now, nil)
	if err != nil {
		return nil, nil, err
	}
	p.rgen.AddMACs(resp, now)
	return resp, kp, nil
}

// handshake runs a whole handshake and returns both sides' keys.
func (p *pair) handshake(t testing.TB, now time.Time) (ikp, rkp *Keypair) {
	t.Helper()
	resp, rkp, err := p.respond(t, p.initiation(t, now, 0x11111111), now, 0x22222222)
	if err != nil {
		t.Fatal(err)
	}
	ikp, err = p.ih.ConsumeResponse(resp, now)
	if err != nil {
		t.Fatal(err)
	}
	return ikp, rkp
}

func wantErr(t testing.TB, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("got error %v, want %v", err, want)
	}
}

// transportMsg seals payload into a fresh buffer.
func transportMsg(kp *Keypair, counter uint64, payload []byte) []byte {
	buf := make([]byte, MessageTransportHeaderSize+len(payload), MessageTransportHeaderSize+len(payload)+TagSize)
	copy(buf[MessageTransportHeaderSize:], payload)
	return SealTransport(kp, counter, buf, len(payload))
}
