package engine

import (
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/tuntap/tuntap/internal/chandev"
	"github.com/tuntap/tuntap/noise"
	"github.com/tuntap/tuntap/transport"
	"github.com/tuntap/tuntap/tun"
)

// flow keeps sending a's packets to b and draining b until stopped.
func flow(a, b *node) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		pkt := udp4(a.addr, b.addr, make([]byte, 200))
		for {
			select {
			case <-done:
				return
			case a.dev.In <- pkt:
				time.Sleep(50 * time.Microsecond)
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

func drain(d *chandev.Device) {
	for {
		select {
		case <-d.Out:
		default:
			return
		}
	}
}

// A private-key change under traffic (run with -race): nothing crashes, and
// the new key handshakes at once so traffic resumes.
func TestPrivateKeyChangeUnderTraffic(t *testing.T) {
	a, b := newNode(t, "10.0.0.1"), newNode(t, "10.0.0.2")
	connect(t, a, b, true, false)
	stop := flow(a, b)
	defer stop()
	recvPacket(t, b.dev, 5*time.Second)
	for i := 0; i < 20; i++ {
		k, _ := noise.GeneratePrivateKey()
		// b learns a's next key first, as an operator would roll it out.
		if _, err := b.e.UpsertPeer(k.Public(), PeerConfig{AllowedIPs: []netip.Prefix{netip.PrefixFrom(a.addr, 32)}}); err != nil {
			t.Fatal(err)
		}
		a.e.SetPrivateKey(k)
		b.e.RemovePeer(a.priv.Public())
		a.priv = k
		drain(b.dev)
		select {
		case <-b.dev.Out:
		case <-time.After(5 * time.Second):
			t.Fatalf("round %d: no packet after the key change; a drops %v, b drops %v", i, a.e.Counters.Map(), b.e.Counters.Map())
		}
	}
}

// wg syncconf sends the key the interface already has: sessions survive.
func TestSameKeyKeepsSessions(t *testing.T) {
	a, b := newNode(t, "10.0.0.1"), newNode(t, "10.0.0.2")
	connect(t, a, b, true, false)
	a.dev.In <- udp4(a.addr, b.addr, []byte("hs"))
	recvPacket(t, b.dev, 5*time.Second)
	p := a.e.Peer(b.priv.Public())
	before := p.cur.Load()
	a.e.SetPrivateKey(a.priv)
	if after := p.cur.Load(); after != before || before == nil {
		t.Fatalf("session replaced by setting the same key: before %p after %p", before, after)
	}
}

// The responder sends what it queued before the handshake once the
// initiator confirms the session.
func TestResponderFlushesStaged(t *testing.T) {
	a, b := newNode(t, "10.0.0.1"), newNode(t, "10.0.0.2")
	connect(t, a, b, true, true)
	pb := b.e.Peer(a.priv.Public())
	pb.SetEndpoint(netip.MustParseAddrPort("127.0.0.1:9")) // b's own initiations go nowhere
	staged := udp4(b.addr, a.addr, []byte("staged on b"))
	b.dev.In <- staged
	waitCounter(t, b.e, DropNoEndpoint, 0)
	time.Sleep(100 * time.Millisecond)
	a.dev.In <- udp4(a.addr, b.addr, []byte("from a"))
	recvPacket(t, b.dev, 5*time.Second)
	got := recvPacket(t, a.dev, 5*time.Second)
	if string(got[28:]) != "staged on b" {
		t.Fatalf("a got %q, want b's staged packet", got[28:])
	}
}

// Concurrent control-socket clients adding and removing one peer never
// crash, and leave a consistent state.
func TestUpsertRemoveRace(t *testing.T) {
	a, b := newNode(t, "10.0.0.1"), newNode(t, "10.0.0.2")
	psk := noise.PresharedKey{1}
	for i := 0; i < 500; i++ {
		var wg sync.WaitGroup
		wg.Add(2)
		go func() {
			defer wg.Done()
			a.e.UpsertPeer(b.priv.Public(), PeerConfig{PresharedKey: &psk, AllowedIPs: []netip.Prefix{netip.MustParsePrefix("10.0.0.2/32")}})
		}()
		go func() { defer wg.Done(); a.e.RemovePeer(b.priv.Public()) }()
		wg.Wait()
	}
	a.e.RemovePeer(b.priv.Public())
	if n := len(a.e.Snapshot()); n != 0 {
		t.Fatalf("%d peers left after removal", n)
	}
	a.dev.In <- udp4(a.addr, b.addr, []byte("x"))
	waitCounter(t, a.e, DropNoRoute, 1) // no route left behind to a removed peer
}

// An engine without a private key (wireguard-go mode before wg setconf)
// neither reports a key nor answers handshakes.
func TestKeylessEngineIsSilent(t *testing.T) {
	dev := chandev.New("test", tun.TUN, 1420)
	e, err := New(Config{Devices: []tun.Device{dev}, Listen: func(uint16) (transport.Transport, error) { return transport.ListenUDP(0) }})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if !e.PrivateKey().IsZero() {
		t.Fatal("keyless engine reports a private key")
	}
	keyless := &node{e: e, dev: dev, addr: netip.MustParseAddr("10.0.0.2")}
	a := newNode(t, "10.0.0.1")
	ep := keyless.endpoint()
	if _, err := a.e.UpsertPeer(e.PublicKey(), PeerConfig{Endpoint: &ep, AllowedIPs: []netip.Prefix{netip.MustParsePrefix("10.0.0.2/32")}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.UpsertPeer(a.priv.Public(), PeerConfig{}); err != nil {
		t.Fatal(err)
	}
	a.dev.In <- udp4(a.addr, keyless.addr, []byte("x"))
	waitCounter(t, e, DropHandshakeFailed, 1)
	if st := a.e.Snapshot(); !st[0].LastHandshake.IsZero() {
		t.Fatal("a keyless engine completed a handshake")
	}
}
