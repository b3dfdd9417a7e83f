package noise_test

import (
	"net/netip"
	"testing"
	"time"

	"github.com/tuntap/tuntap/noise"
	"golang.zx2c4.com/wireguard/tun/tuntest"
)

func newUs(t *testing.T) *noise.Static {
	t.Helper()
	priv, err := noise.GeneratePrivateKey()
	if err != nil {
		t.Fatal(err)
	}
	return noise.NewStatic(priv)
}

// We initiate; wireguard-go responds; packets flow both ways.
func TestInteropWeInitiate(t *testing.T) {
	us, psk := newUs(t), noise.PresharedKey{42}
	sock := listenLoopback(t)
	w := startWG(t, us.Public, psk, netip.AddrPort{})
	h, err := noise.NewHandshake(us, w.pub, psk)
	if err != nil {
		t.Fatal(err)
	}
	gen, checker := noise.NewCookieGenerator(w.pub), noise.NewCookieChecker(us.Public)

	now := time.Now()
	msg, err := h.CreateInitiation(now, 0xabcd0001, nil)
	if err != nil {
		t.Fatal(err)
	}
	gen.AddMACs(msg, now)
	send(t, sock, w.addr, msg)
	resp, _ := recvType(t, sock, noise.MessageResponseType)
	if !checker.CheckMAC1(resp) {
		t.Fatal("wireguard-go's response fails our mac1 check")
	}
	kp, err := h.ConsumeResponse(resp, time.Now())
	if err != nil {
		t.Fatalf("consume wireguard-go's response: %v", err)
	}

	ping := tuntest.Ping(wgAddr, ourAddr)
	send(t, sock, w.addr, sealPacket(kp, 0, ping))
	expectTUN(t, w, ping)

	back := tuntest.Ping(ourAddr, wgAddr)
	injectTUN(t, w, back)
	got, _ := recvType(t, sock, noise.MessageTransportType)
	if p := openPacket(t, kp, got); string(p) != string(back) {
		t.Fatalf("decrypted %x, want %x", p, back)
	}
	// A replayed initiation is ignored: no second response.
	send(t, sock, w.addr, msg)
	sock.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	buf := make([]byte, 2048)
	if n, _, err := sock.ReadFromUDPAddrPort(buf); err == nil {
		if typ, _ := noise.MessageType(buf[:n]); typ == noise.MessageResponseType {
			t.Fatal("wireguard-go answered a replayed initiation")
		}
	}
}

// wireguard-go initiates because it has a packet for us; we respond.
func TestInteropTheyInitiate(t *testing.T) {
	us, psk := newUs(t), noise.PresharedKey{}
	sock := listenLoopback(t)
	w := startWG(t, us.Public, psk, sock.LocalAddr().(interface{ AddrPort() netip.AddrPort }).AddrPort())
	h, err := noise.NewHandshake(us, w.pub, psk)
	if err != nil {
		t.Fatal(err)
	}
	gen, checker := noise.NewCookieGenerator(w.pub), noise.NewCookieChecker(us.Public)

	ping := tuntest.Ping(ourAddr, wgAddr)
	injectTUN(t, w, ping)
	msg, from := recvType(t, sock, noise.MessageInitiationType)
	if !checker.CheckMAC1(msg) {
		t.Fatal("wireguard-go's initiation fails our mac1 check")
	}
	in, err := us.ConsumeInitiation(msg)
	if err != nil {
		t.Fatalf("consume wireguard-go's initiation: %v", err)
	}
	if in.RemoteStatic != w.pub {
		t.Fatal("initiation decrypted to the wrong static key")
	}
	now := time.Now()
	if err := h.AcceptInitiation(in, now); err != nil {
		t.Fatal(err)
	}
	resp, kp, err := h.CreateResponse(0x5eed, now, nil)
	if err != nil {
		t.Fatal(err)
	}
	gen.AddMACs(resp, now)
	send(t, sock, from, resp)

	got, _ := recvType(t, sock, noise.MessageTransportType)
	if p := openPacket(t, kp, got); string(p) != string(ping) {
		t.Fatalf("decrypted %x, want %x", p, ping)
	}
	reply := tuntest.Ping(wgAddr, ourAddr)
	send(t, sock, from, sealPacket(kp, 0, reply))
	expectTUN(t, w, reply)
}
