package noise

import (
	"net/netip"
	"testing"
)

// Every parser must reject arbitrary input without panicking. The seeds are
// real messages, so the fuzzer starts from inputs that pass the early checks.

func fuzzPair(f *testing.F) (*pair, []byte, []byte, *Keypair) {
	p := newPair(f, PresharedKey{})
	init := p.initiation(f, testEpoch, 1)
	resp, kp, err := p.respond(f, init, testEpoch, 2)
	if err != nil {
		f.Fatal(err)
	}
	return p, init, resp, kp
}

func FuzzConsumeInitiation(f *testing.F) {
	p, init, resp, _ := fuzzPair(f)
	f.Add(init)
	f.Add(resp)
	f.Fuzz(func(t *testing.T, b []byte) {
		in, err := p.rStatic.ConsumeInitiation(b)
		if err == nil {
			p.rh.AcceptInitiation(in, testEpoch)
		}
	})
}

func FuzzConsumeResponse(f *testing.F) {
	p, _, resp, _ := fuzzPair(f)
	f.Add(resp)
	f.Fuzz(func(t *testing.T, b []byte) {
		p.ih.CreateInitiation(testEpoch, 1, nil)
		p.igen.AddMACs(b, testEpoch) // valid mac1, so the fuzzer reaches the crypto
		p.ih.ConsumeResponse(b, testEpoch)
	})
}

func FuzzConsumeCookieReply(f *testing.F) {
	p, init, _, _ := fuzzPair(f)
	checker := NewCookieChecker(p.rStatic.Public)
	reply, err := checker.CreateReply(init, 1, netip.MustParseAddrPort("127.0.0.1:1"), testEpoch, nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(reply)
	f.Fuzz(func(t *testing.T, b []byte) {
		p.igen.AddMACs(init, testEpoch)
		p.igen.ConsumeReply(b, testEpoch)
		checker.CheckMAC1(b)
		checker.CheckMAC2(b, netip.MustParseAddrPort("127.0.0.1:1"), testEpoch)
	})
}

func FuzzMessageHeaders(f *testing.F) {
	_, init, resp, kp := fuzzPair(f)
	f.Add(init)
	f.Add(resp)
	f.Add(transportMsg(kp, 3, []byte("data")))
	f.Fuzz(func(t *testing.T, b []byte) {
		typ, ok := MessageType(b)
		ReceiverIndex(b)
		_, _, tok := ParseTransportHeader(b)
		if tok != (ok && typ == MessageTransportType) {
			t.Fatalf("ParseTransportHeader disagrees with MessageType on %x", b)
		}
	})
}

func FuzzOpenTransport(f *testing.F) {
	p, _, resp, rkp := fuzzPair(f)
	ikp, err := p.ih.ConsumeResponse(resp, testEpoch)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(transportMsg(rkp, 3, []byte("data")), uint64(3))
	f.Fuzz(func(t *testing.T, b []byte, counter uint64) {
		OpenTransport(ikp, counter, b)
	})
}
