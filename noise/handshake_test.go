package noise

import (
	"bytes"
	"errors"
	"testing"
	"time"
)

func TestHandshakeBothSidesAgree(t *testing.T) {
	for _, psk := range []PresharedKey{{}, {1, 2, 3}} {
		p := newPair(t, psk)
		ikp, rkp := p.handshake(t, testEpoch)
		if ikp.LocalIndex != rkp.RemoteIndex || ikp.RemoteIndex != rkp.LocalIndex {
			t.Fatalf("indices: initiator %x/%x responder %x/%x", ikp.LocalIndex, ikp.RemoteIndex, rkp.LocalIndex, rkp.RemoteIndex)
		}
		if !ikp.Initiator || rkp.Initiator {
			t.Fatal("Initiator flags wrong")
		}
		for _, dir := range []struct{ from, to *Keypair }{{ikp, rkp}, {rkp, ikp}} {
			msg := transportMsg(dir.from, 7, []byte("sixteen bytes!!!"))
			got, err := OpenTransport(dir.to, 7, msg)
			if err != nil || string(got) != "sixteen bytes!!!" {
				t.Fatalf("open: %q, %v", got, err)
			}
		}
	}
}

func TestPresharedKeyMismatchFails(t *testing.T) {
	p := newPair(t, PresharedKey{1})
	p.rh.SetPresharedKey(PresharedKey{2})
	resp, _, err := p.respond(t, p.initiation(t, testEpoch, 1), testEpoch, 2)
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.ih.ConsumeResponse(resp, testEpoch)
	wantErr(t, err, ErrDecrypt)
}

func TestInitiationReplay(t *testing.T) {
	p := newPair(t, PresharedKey{})
	first := p.initiation(t, testEpoch, 1)
	older := p.initiation(t, testEpoch.Add(-time.Second), 2)
	later := p.initiation(t, testEpoch.Add(10*time.Millisecond+time.Second), 3)
	if _, _, err := p.respond(t, first, testEpoch, 10); err != nil {
		t.Fatal(err)
	}
	now := testEpoch.Add(time.Second)
	tests := []struct {
		name string
		msg  []byte
		now  time.Time
		want error
	}{
		{"equal timestamp (replay)", first, now, ErrStaleTimestamp},
		{"older timestamp", older, now, ErrStaleTimestamp},
		{"newer but too fast", later, testEpoch.Add(HandshakeInitationRate - time.Millisecond), ErrTooFast},
		{"newer, after the rate", later, testEpoch.Add(HandshakeInitationRate), nil},
		{"the newer one replayed", later, now.Add(time.Minute), ErrStaleTimestamp},
	}
	for _, tc := range tests {
		_, _, err := p.respond(t, tc.msg, tc.now, 11)
		if (tc.want == nil) != (err == nil) || tc.want != nil && !errors.Is(err, tc.want) {
			t.Fatalf("%s: got %v, want %v", tc.name, err, tc.want)
		}
	}
}

func TestDuplicateInitiationOneSession(t *testing.T) {
	p := newPair(t, PresharedKey{})
	msg := p.initiation(t, testEpoch, 1)
	sessions := 0
	for i := 0; i < 3; i++ {
		if _, kp, err := p.respond(t, msg, testEpoch.Add(time.Duration(i)*time.Second), uint32(10+i)); err == nil && kp != nil {
			sessions++
		}
	}
	if sessions != 1 {
		t.Fatalf("%d sessions from one initiation sent three times", sessions)
	}
	_, _, err := p.rh.CreateResponse(99, testEpoch, nil)
	wantErr(t, err, ErrNoInitiation)
}

func TestLateAndOrphanResponses(t *testing.T) {
	p := newPair(t, PresharedKey{})
	resp, _, err := p.respond(t, p.initiation(t, testEpoch, 1), testEpoch, 2)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.ih.ConsumeResponse(resp, testEpoch); err != nil {
		t.Fatal(err)
	}
	_, err = p.ih.ConsumeResponse(resp, testEpoch)
	wantErr(t, err, ErrUnexpectedResponse) // duplicate

	// A response to an initiation that a newer one replaced.
	old, _, err := p.respond(t, p.initiation(t, testEpoch.Add(time.Second), 3), testEpoch.Add(time.Second), 4)
	if err != nil {
		t.Fatal(err)
	}
	p.initiation(t, testEpoch.Add(2*time.Second), 5)
	_, err = p.ih.ConsumeResponse(old, testEpoch.Add(2*time.Second))
	wantErr(t, err, ErrUnexpectedResponse)

	// A node that never initiated.
	q := newPair(t, PresharedKey{})
	_, err = q.ih.ConsumeResponse(resp, testEpoch)
	wantErr(t, err, ErrUnexpectedResponse)
}

func TestForgedResponseKeepsInitiation(t *testing.T) {
	p := newPair(t, PresharedKey{})
	resp, _, err := p.respond(t, p.initiation(t, testEpoch, 1), testEpoch, 2)
	if err != nil {
		t.Fatal(err)
	}
	forged := bytes.Clone(resp)
	forged[50] ^= 1
	p.rgen.AddMACs(forged, testEpoch)
	_, err = p.ih.ConsumeResponse(forged, testEpoch)
	wantErr(t, err, ErrDecrypt)
	if _, err := p.ih.ConsumeResponse(resp, testEpoch); err != nil {
		t.Fatalf("real response after a forged one: %v", err)
	}
}

func TestNeverHandshakeWithSelf(t *testing.T) {
	s := NewStatic(fixedKey(t, "self"))
	_, err := NewHandshake(s, s.Public, PresharedKey{})
	wantErr(t, err, ErrSelf)

	// Forge an initiation from our own key, bypassing NewHandshake.
	ss, _ := dh(&s.Private, s.Public[:])
	h := &Handshake{local: s, remote: s.Public, ss: ss, rand: newDetRand("e")}
	msg, err := h.CreateInitiation(testEpoch, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	NewCookieGenerator(s.Public).AddMACs(msg, testEpoch)
	_, err = s.ConsumeInitiation(msg)
	wantErr(t, err, ErrSelf)
}

func TestInitiationForAnotherPeer(t *testing.T) {
	p := newPair(t, PresharedKey{})
	in, err := p.rStatic.ConsumeInitiation(p.initiation(t, testEpoch, 1))
	if err != nil {
		t.Fatal(err)
	}
	other, err := NewHandshake(p.rStatic, NewStatic(fixedKey(t, "other")).Public, PresharedKey{})
	if err != nil {
		t.Fatal(err)
	}
	wantErr(t, other.AcceptInitiation(in, testEpoch), ErrWrongPeer)
}

func TestSetLocalDropsHandshake(t *testing.T) {
	p := newPair(t, PresharedKey{})
	resp, _, err := p.respond(t, p.initiation(t, testEpoch, 1), testEpoch, 2)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.ih.SetLocal(NewStatic(fixedKey(t, "new initiator key"))); err != nil {
		t.Fatal(err)
	}
	// The response was made for the old key: its mac1 no longer matches,
	// and the initiation it answers is gone anyway.
	if _, err = p.ih.ConsumeResponse(resp, testEpoch); err == nil {
		t.Fatal("response to an initiation made with the old key accepted")
	}
	wantErr(t, p.ih.SetLocal(p.rStatic), ErrSelf)
}
