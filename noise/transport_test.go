package noise

import (
	"bytes"
	"testing"
)

func TestTransportRoundTripAndTampering(t *testing.T) {
	p := newPair(t, PresharedKey{})
	ikp, rkp := p.handshake(t, testEpoch)
	payload := bytes.Repeat([]byte{0xab}, 48)
	msg := transportMsg(ikp, 42, payload)
	recv, counter, ok := ParseTransportHeader(msg)
	if !ok || recv != rkp.LocalIndex || counter != 42 || len(msg) != 16+48+16 {
		t.Fatalf("header: receiver %x counter %d ok %v len %d", recv, counter, ok, len(msg))
	}
	tests := []struct {
		name    string
		counter uint64
		mutate  func([]byte)
		kp      *Keypair
		ok      bool
	}{
		{"intact", 42, nil, rkp, true},
		{"wrong counter", 43, nil, rkp, false},
		{"flipped tag", 42, func(m []byte) { m[len(m)-1] ^= 1 }, rkp, false},
		{"flipped payload", 42, func(m []byte) { m[20] ^= 1 }, rkp, false},
		{"own key (reflection)", 42, nil, ikp, false},
		{"truncated", 42, func(m []byte) {}, rkp, false},
	}
	for _, tc := range tests {
		m := bytes.Clone(msg)
		if tc.mutate != nil {
			tc.mutate(m)
		}
		if tc.name == "truncated" {
			m = m[:MessageTransportMinSize-1]
		}
		got, err := OpenTransport(tc.kp, tc.counter, m)
		if tc.ok != (err == nil) || tc.ok && !bytes.Equal(got, payload) {
			t.Errorf("%s: got %x, %v", tc.name, got, err)
		}
		if len(m) >= 16 && !bytes.Equal(m[:16], msg[:16]) {
			t.Errorf("%s: header changed", tc.name)
		}
	}
}

func TestKeepalive(t *testing.T) {
	p := newPair(t, PresharedKey{})
	ikp, rkp := p.handshake(t, testEpoch)
	msg := transportMsg(rkp, 0, nil)
	if len(msg) != MessageTransportMinSize {
		t.Fatalf("keepalive is %d bytes", len(msg))
	}
	got, err := OpenTransport(ikp, 0, msg)
	if err != nil || len(got) != 0 {
		t.Fatalf("keepalive: %x %v", got, err)
	}
}

func TestSealGrowsShortBuffer(t *testing.T) {
	p := newPair(t, PresharedKey{})
	ikp, rkp := p.handshake(t, testEpoch)
	buf := append(make([]byte, 16), "no room for tag!"...)
	msg := SealTransport(ikp, 1, buf[:len(buf):len(buf)], 16)
	got, err := OpenTransport(rkp, 1, msg)
	if err != nil || string(got) != "no room for tag!" {
		t.Fatalf("%q %v", got, err)
	}
}

func TestTransportDoesNotAllocate(t *testing.T) {
	p := newPair(t, PresharedKey{})
	ikp, rkp := p.handshake(t, testEpoch)
	buf := make([]byte, 16+1420+TagSize)
	var counter uint64
	n := testing.AllocsPerRun(200, func() {
		counter++
		msg := SealTransport(ikp, counter, buf[:16+1420], 1420)
		if _, err := OpenTransport(rkp, counter, msg); err != nil {
			t.Fatal(err)
		}
	})
	if n != 0 {
		t.Fatalf("%v allocations per seal+open", n)
	}
}

func TestPaddedLen(t *testing.T) {
	tests := []struct{ n, mtu, want int }{
		{0, 1420, 0},
		{1, 1420, 16},
		{16, 1420, 16},
		{17, 1420, 32},
		{1408, 1420, 1408},
		{1409, 1420, 1420}, // 1424 would pass the MTU
		{1419, 1420, 1420},
		{1420, 1420, 1420},
		{1500, 1420, 1500}, // already too big: not made bigger
		{17, 0, 32},        // no MTU known
		{17, 20, 20},
	}
	for _, tc := range tests {
		if got := PaddedLen(tc.n, tc.mtu); got != tc.want {
			t.Errorf("PaddedLen(%d, %d) = %d, want %d", tc.n, tc.mtu, got, tc.want)
		}
	}
}

func TestMessageTypeAndReceiverIndex(t *testing.T) {
	msg := func(typ byte, n int) []byte {
		b := make([]byte, n)
		b[0] = typ
		for i := 4; i < min(n, 12); i++ {
			b[i] = byte(i)
		}
		return b
	}
	tests := []struct {
		name     string
		b        []byte
		typ      uint8
		ok       bool
		receiver uint32
	}{
		{"empty", nil, 0, false, 0},
		{"initiation", msg(1, 148), 1, true, 0},
		{"initiation short", msg(1, 147), 0, false, 0},
		{"initiation long", msg(1, 149), 0, false, 0},
		{"response", msg(2, 92), 2, true, 0x0b0a0908},
		{"cookie reply", msg(3, 64), 3, true, 0x07060504},
		{"transport keepalive", msg(4, 32), 4, true, 0x07060504},
		{"transport short", msg(4, 31), 0, false, 0},
		{"transport big", msg(4, 9000), 4, true, 0x07060504},
		{"unknown type", msg(5, 148), 0, false, 0},
		{"reserved set", append([]byte{4, 0, 1, 0}, make([]byte, 28)...), 0, false, 0},
	}
	for _, tc := range tests {
		typ, ok := MessageType(tc.b)
		if typ != tc.typ || ok != tc.ok || ReceiverIndex(tc.b) != tc.receiver {
			t.Errorf("%s: type %d ok %v receiver %x", tc.name, typ, ok, ReceiverIndex(tc.b))
		}
	}
}
