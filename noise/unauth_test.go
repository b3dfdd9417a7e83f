package noise

import (
	"errors"
	"net/netip"
	"testing"
	"time"
)

// Everything here runs on packets anyone can send (anyone who knows our public
// key can make a valid mac1), so none of it may allocate.

// dosFixture holds such packets, each built once and consumed many times.
type dosFixture struct {
	p         *pair
	checker   *CookieChecker
	src       netip.AddrPort
	init      []byte // valid initiation from the known peer, accepted once
	stranger  []byte // valid initiation (mac1 too) from a key the responder does not know
	junk      []byte // mac1-valid initiation whose body does not decrypt
	lowOrder  []byte // mac1-valid initiation with a low-order ephemeral
	forgedRsp []byte // mac1-valid response with a bad tag, to p.ih's outstanding initiation
	last      []byte // the initiator's last initiation, with MACs
	reply     []byte // cookie reply answering last
}

func newDosFixture(t testing.TB) *dosFixture {
	t.Helper()
	p := newPair(t, PresharedKey{})
	f := &dosFixture{p: p, checker: NewCookieChecker(p.rStatic.Public), src: netip.MustParseAddrPort("192.0.2.7:51820")}
	f.init = p.initiation(t, testEpoch, 1)
	if _, _, err := p.respond(t, f.init, testEpoch, 2); err != nil {
		t.Fatal(err)
	}
	stranger, err := NewHandshake(NewStatic(fixedKey(t, "stranger")), p.rStatic.Public, PresharedKey{})
	if err != nil {
		t.Fatal(err)
	}
	stranger.rand = newDetRand("stranger ephemeral")
	if f.stranger, err = stranger.CreateInitiation(testEpoch, 7, nil); err != nil {
		t.Fatal(err)
	}
	p.igen.AddMACs(f.stranger, testEpoch)
	f.junk = randomMessage(p.igen, MessageInitiationType, MessageInitiationSize, "junk")
	f.lowOrder = randomMessage(p.igen, MessageInitiationType, MessageInitiationSize, "low order")
	clear(f.lowOrder[8:40])
	p.igen.AddMACs(f.lowOrder, testEpoch)

	f.last = p.initiation(t, testEpoch, 9) // outstanding: the forged response answers it
	f.forgedRsp = randomMessage(p.rgen, MessageResponseType, MessageResponseSize, "forged response")
	le.PutUint32(f.forgedRsp[8:], 9)
	p.rgen.AddMACs(f.forgedRsp, testEpoch)
	if f.reply, err = f.checker.CreateReply(f.last, 9, f.src, testEpoch, nil); err != nil {
		t.Fatal(err)
	}
	return f
}

// randomMessage is a message of the given type and size with random contents
// and a valid mac1 from gen.
func randomMessage(gen *CookieGenerator, typ byte, size int, label string) []byte {
	b := make([]byte, size)
	newDetRand(label).Read(b)
	b[0], b[1], b[2], b[3] = typ, 0, 0, 0
	gen.AddMACs(b, testEpoch)
	return b
}

// strangerRejected is what the engine does with an initiation from a key it
// does not know: decrypt it (successfully), look the key up, drop it.
func (f *dosFixture) strangerRejected() error {
	in, err := f.p.rStatic.ConsumeInitiation(f.stranger)
	if err != nil {
		return err
	}
	known := in.RemoteStatic == f.p.iStatic.Public
	in.Zero()
	if known {
		return errors.New("stranger taken for the peer")
	}
	return nil
}

// accept consumes and accepts msg from the known peer at now.
func (f *dosFixture) accept(msg []byte, now time.Time) error {
	in, err := f.p.rStatic.ConsumeInitiation(msg)
	if err != nil {
		return err
	}
	return f.p.rh.AcceptInitiation(in, now)
}

func TestUnauthenticatedPathsDoNotAllocate(t *testing.T) {
	f := newDosFixture(t)
	now := testEpoch.Add(time.Second)
	replyDst := make([]byte, 0, MessageCookieReplySize)
	errFalse := errors.New("false")
	check := func(ok bool) error {
		if !ok {
			return errFalse
		}
		return nil
	}
	// A peer holding a cookie from f.checker, whose messages carry mac2.
	withCookie := NewCookieGenerator(f.p.rStatic.Public)
	mac2Msg := append([]byte(nil), f.last...)
	withCookie.AddMACs(mac2Msg, testEpoch)
	if err := withCookie.ConsumeReply(f.reply, testEpoch); err != nil {
		t.Fatal(err)
	}
	withCookie.AddMACs(mac2Msg, testEpoch)
	badMAC1 := append([]byte(nil), f.init...)
	badMAC1[120] ^= 1
	badRspMAC1 := append([]byte(nil), f.forgedRsp...)
	badRspMAC1[70] ^= 1
	wrongIndex := append([]byte(nil), f.forgedRsp...)
	wrongIndex[8] ^= 1
	f.p.rgen.AddMACs(wrongIndex, testEpoch)
	forgedReply := append([]byte(nil), f.reply...)
	forgedReply[40] ^= 1
	resend := append([]byte(nil), f.last...)

	tests := []struct {
		name string
		run  func() error
		want error // nil: success
	}{
		{"CheckMAC1", func() error { return check(f.checker.CheckMAC1(f.init)) }, nil},
		{"CheckMAC2 without cookie", func() error { return check(f.checker.CheckMAC2(f.init, f.src, testEpoch)) }, errFalse},
		{"CheckMAC2 with cookie", func() error { return check(f.checker.CheckMAC2(mac2Msg, f.src, testEpoch)) }, nil},
		{"CreateReply", func() error { _, err := f.checker.CreateReply(f.init, 1, f.src, testEpoch, replyDst); return err }, nil},
		{"ConsumeInitiation short", func() error { _, err := f.p.rStatic.ConsumeInitiation(f.init[:100]); return err }, ErrInvalidMessage},
		{"ConsumeInitiation bad mac1", func() error { _, err := f.p.rStatic.ConsumeInitiation(badMAC1); return err }, ErrInvalidMAC1},
		{"ConsumeInitiation junk", func() error { _, err := f.p.rStatic.ConsumeInitiation(f.junk); return err }, ErrDecrypt},
		{"ConsumeInitiation low-order ephemeral", func() error { _, err := f.p.rStatic.ConsumeInitiation(f.lowOrder); return err }, ErrLowOrderKey},
		{"ConsumeInitiation unknown key", f.strangerRejected, nil},
		{"ConsumeInitiation replayed", func() error { return f.accept(f.init, now) }, ErrStaleTimestamp},
		{"ConsumeInitiation accepted", func() error {
			f.p.rh.lastTimestamp, f.p.rh.lastInitiation = TAI64N{}, time.Time{} // the replay check passes every time
			return f.accept(f.init, now)
		}, nil},
		{"ConsumeResponse bad mac1", func() error { _, err := f.p.ih.ConsumeResponse(badRspMAC1, testEpoch); return err }, ErrInvalidMAC1},
		{"ConsumeResponse wrong index", func() error { _, err := f.p.ih.ConsumeResponse(wrongIndex, testEpoch); return err }, ErrUnexpectedResponse},
		{"ConsumeResponse forged", func() error { _, err := f.p.ih.ConsumeResponse(f.forgedRsp, testEpoch); return err }, ErrDecrypt},
		{"ConsumeReply forged", func() error { return f.p.igen.ConsumeReply(forgedReply, testEpoch) }, ErrDecrypt},
		{"ConsumeReply valid", func() error {
			f.p.igen.AddMACs(resend, testEpoch) // a reply answers one message
			return f.p.igen.ConsumeReply(f.reply, testEpoch)
		}, nil},
		{"ConsumeReply unexpected", func() error { return f.p.igen.ConsumeReply(f.reply, testEpoch) }, ErrUnexpectedCookie},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.run(); !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			if n := testing.AllocsPerRun(50, func() { tc.run() }); n != 0 {
				t.Errorf("%v allocations per call", n)
			}
		})
	}
}

func BenchmarkConsumeInitiation(b *testing.B) {
	f := newDosFixture(b)
	now := testEpoch.Add(time.Second)
	cases := []struct {
		name string
		run  func() error
		ok   bool
	}{
		{"UnknownKey", f.strangerRejected, true},
		{"Replay", func() error { return f.accept(f.init, now) }, false},
		{"Junk", func() error { _, err := f.p.rStatic.ConsumeInitiation(f.junk); return err }, false},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := c.run(); (err == nil) != c.ok {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCookieReply is a responder under load answering an initiation
// that lacks mac2: check mac1 and mac2, then make the reply.
func BenchmarkCookieReply(b *testing.B) {
	f := newDosFixture(b)
	dst := make([]byte, 0, MessageCookieReplySize)
	b.ReportAllocs()
	for b.Loop() {
		if !f.checker.CheckMAC1(f.init) || f.checker.CheckMAC2(f.init, f.src, testEpoch) {
			b.Fatal("wrong MACs")
		}
		if _, err := f.checker.CreateReply(f.init, 1, f.src, testEpoch, dst); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCheckMAC1(b *testing.B) {
	f := newDosFixture(b)
	b.ReportAllocs()
	for b.Loop() {
		if !f.checker.CheckMAC1(f.init) {
			b.Fatal("mac1 refused")
		}
	}
}

func BenchmarkConsumeForgedResponse(b *testing.B) {
	f := newDosFixture(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.p.ih.ConsumeResponse(f.forgedRsp, testEpoch); err == nil {
			b.Fatal("forged response accepted")
		}
	}
}

func BenchmarkConsumeReply(b *testing.B) {
	f := newDosFixture(b)
	b.Run("Forged", func(b *testing.B) {
		forged := append([]byte(nil), f.reply...)
		forged[40] ^= 1
		b.ReportAllocs()
		for b.Loop() {
			if f.p.igen.ConsumeReply(forged, testEpoch) == nil {
				b.Fatal("forged reply accepted")
			}
		}
	})
	b.Run("Valid", func(b *testing.B) {
		msg := append([]byte(nil), f.last...)
		b.ReportAllocs()
		for b.Loop() {
			f.p.igen.AddMACs(msg, testEpoch) // a reply answers one message
			if err := f.p.igen.ConsumeReply(f.reply, testEpoch); err != nil {
				b.Fatal(err)
			}
		}
	})
}
