package noise

import (
	"bytes"
	"net/netip"
	"testing"
	"time"
)

func TestMAC1Required(t *testing.T) {
	p := newPair(t, PresharedKey{})
	checker := NewCookieChecker(p.rStatic.Public)
	msg := p.initiation(t, testEpoch, 1)
	if !checker.CheckMAC1(msg) {
		t.Fatal("valid mac1 refused")
	}
	tests := []struct {
		name   string
		mutate func([]byte)
	}{
		{"zero mac1", func(m []byte) { clear(m[116:132]) }},
		{"flipped mac1", func(m []byte) { m[120] ^= 1 }},
		{"flipped body", func(m []byte) { m[20] ^= 1 }},
	}
	for _, tc := range tests {
		bad := bytes.Clone(msg)
		tc.mutate(bad)
		if checker.CheckMAC1(bad) {
			t.Errorf("%s: CheckMAC1 accepted", tc.name)
		}
		_, err := p.rStatic.ConsumeInitiation(bad)
		wantErr(t, err, ErrInvalidMAC1)
	}
	// mac1 for another node's key.
	other := NewCookieGenerator(NewStatic(fixedKey(t, "other")).Public)
	other.AddMACs(msg, testEpoch)
	if checker.CheckMAC1(msg) {
		t.Error("mac1 keyed for another node accepted")
	}
}

func TestCookieRoundTrip(t *testing.T) {
	p := newPair(t, PresharedKey{})
	checker := NewCookieChecker(p.rStatic.Public)
	checker.rand = newDetRand("cookie secret")
	src := netip.MustParseAddrPort("192.0.2.7:51820")
	msg := p.initiation(t, testEpoch, 1)
	if checker.CheckMAC2(msg, src, testEpoch) {
		t.Fatal("mac2 accepted before any cookie was given")
	}
	reply, err := checker.CreateReply(msg, 1, src, testEpoch, nil)
	if err != nil {
		t.Fatal(err)
	}
	if typ, ok := MessageType(reply); !ok || typ != MessageCookieReplyType || ReceiverIndex(reply) != 1 {
		t.Fatalf("reply type %d ok %v receiver %d", typ, ok, ReceiverIndex(reply))
	}
	if err := p.igen.ConsumeReply(reply, testEpoch); err != nil {
		t.Fatal(err)
	}
	wantErr(t, p.igen.ConsumeReply(reply, testEpoch), ErrUnexpectedCookie) // one reply per message

	later := testEpoch.Add(time.Minute)
	msg = p.initiation(t, later, 2)
	if !checker.CheckMAC1(msg) || !checker.CheckMAC2(msg, src, later) {
		t.Fatal("mac2 from a fresh cookie refused")
	}
	tests := []struct {
		name string
		src  string
	}{
		{"other port", "192.0.2.7:51821"},
		{"other address", "192.0.2.8:51820"},
		{"IPv6", "[2001:db8::7]:51820"},
	}
	for _, tc := range tests {
		if checker.CheckMAC2(msg, netip.MustParseAddrPort(tc.src), later) {
			t.Errorf("%s: mac2 accepted", tc.name)
		}
	}
}

func TestCookieSecretRotation(t *testing.T) {
	p := newPair(t, PresharedKey{})
	checker := NewCookieChecker(p.rStatic.Public)
	src := netip.MustParseAddrPort("[2001:db8::1]:1000")
	getCookie := func(now time.Time) {
		msg := p.initiation(t, now, 1)
		reply, err := checker.CreateReply(msg, 1, src, now, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := p.igen.ConsumeReply(reply, now); err != nil {
			t.Fatal(err)
		}
	}
	getCookie(testEpoch)
	expired := testEpoch.Add(CookieRefreshTime + time.Second)
	msg := p.initiation(t, expired, 2)
	if !bytes.Equal(msg[132:], make([]byte, 16)) {
		t.Fatal("generator used a cookie older than CookieRefreshTime")
	}
	// A cookie taken just before the secret expires is refused once it has.
	getCookie(testEpoch.Add(CookieRefreshTime - time.Second))
	msg = p.initiation(t, expired, 3)
	if checker.CheckMAC2(msg, src, expired) {
		t.Fatal("mac2 under an expired secret accepted")
	}
	// A new reply rotates the secret, and its cookie works.
	getCookie(expired)
	msg = p.initiation(t, expired.Add(time.Second), 4)
	if !checker.CheckMAC2(msg, src, expired.Add(time.Second)) {
		t.Fatal("cookie from the rotated secret refused")
	}
}

func TestCookieReplyForgedOrMisdirected(t *testing.T) {
	p := newPair(t, PresharedKey{})
	checker := NewCookieChecker(p.rStatic.Public)
	src := netip.MustParseAddrPort("192.0.2.1:1")
	first := p.initiation(t, testEpoch, 1)
	reply, err := checker.CreateReply(first, 1, src, testEpoch, nil)
	if err != nil {
		t.Fatal(err)
	}
	forged := bytes.Clone(reply)
	forged[40] ^= 1
	wantErr(t, p.igen.ConsumeReply(forged, testEpoch), ErrDecrypt)
	// A reply to an earlier message does not decrypt against the newest one.
	p.initiation(t, testEpoch.Add(time.Second), 2)
	wantErr(t, p.igen.ConsumeReply(reply, testEpoch), ErrDecrypt)
	wantErr(t, p.igen.ConsumeReply(reply[:63], testEpoch), ErrInvalidMessage)
}

func TestCheckMAC1DoesNotAllocate(t *testing.T) {
	p := newPair(t, PresharedKey{})
	checker := NewCookieChecker(p.rStatic.Public)
	msg := p.initiation(t, testEpoch, 1)
	if n := testing.AllocsPerRun(100, func() { checker.CheckMAC1(msg) }); n != 0 {
		t.Fatalf("CheckMAC1: %v allocations", n)
	}
}
