package noise_test

import (
	"crypto/rand"
	"net/netip"
	"testing"
	"time"

	"github.com/tuntap/tuntap/noise"
)

// Push wireguard-go under load with a burst of junk initiations (valid mac1,
// undecryptable bodies) so that it answers our initiation with a cookie reply;
// our CookieGenerator must consume it and the mac2 it then adds must pass.
func TestInteropCookieReply(t *testing.T) {
	us := newUs(t)
	sock, junk := listenLoopback(t), listenLoopback(t)
	w := startWG(t, us.Public, noise.PresharedKey{}, netip.AddrPort{})
	h, err := noise.NewHandshake(us, w.pub, noise.PresharedKey{})
	if err != nil {
		t.Fatal(err)
	}
	gen := noise.NewCookieGenerator(w.pub)
	junkGen := noise.NewCookieGenerator(w.pub)

	reply := func() []byte {
		buf := make([]byte, 2048)
		sock.SetReadDeadline(time.Now().Add(time.Second))
		for {
			n, _, err := sock.ReadFromUDPAddrPort(buf)
			if err != nil {
				return nil
			}
			if typ, ok := noise.MessageType(buf[:n]); ok && (typ == noise.MessageCookieReplyType || typ == noise.MessageResponseType) {
				return buf[:n]
			}
		}
	}
	var cookie []byte
	for round := 0; round < 5 && cookie == nil; round++ {
		for i := 0; i < 3000; i++ {
			msg := make([]byte, noise.MessageInitiationSize)
			rand.Read(msg[4:116])
			msg[0], msg[1], msg[2], msg[3] = noise.MessageInitiationType, 0, 0, 0
			junkGen.AddMACs(msg, time.Now())
			send(t, junk, w.addr, msg)
		}
		now := time.Now()
		msg, err := h.CreateInitiation(now, uint32(round+1), nil)
		if err != nil {
			t.Fatal(err)
		}
		gen.AddMACs(msg, now)
		send(t, sock, w.addr, msg)
		if r := reply(); r != nil && r[0] == noise.MessageCookieReplyType {
			cookie = r
		}
	}
	if cookie == nil {
		t.Skip("could not push wireguard-go under load on this machine")
	}
	if err := gen.ConsumeReply(cookie, time.Now()); err != nil {
		t.Fatalf("consume wireguard-go's cookie reply: %v", err)
	}
	// Still under load (it lasts a second): only a valid mac2 gets through.
	time.Sleep(20 * time.Millisecond) // a timestamp newer than the last initiation's
	now := time.Now()
	msg, err := h.CreateInitiation(now, 99, nil)
	if err != nil {
		t.Fatal(err)
	}
	gen.AddMACs(msg, now)
	send(t, sock, w.addr, msg)
	r := reply()
	for r != nil && noise.ReceiverIndex(r) != 99 { // a late answer to an earlier round
		r = reply()
	}
	if r == nil || r[0] != noise.MessageResponseType {
		t.Fatalf("no response to an initiation with mac2 (got %x)", r)
	}
	if _, err := h.ConsumeResponse(r, time.Now()); err != nil {
		t.Fatal(err)
	}
}
