package engine

import (
	"fmt"
	"net/netip"
	"os"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/tuntap/tuntap/internal/chandev"
	"github.com/tuntap/tuntap/noise"
	"github.com/tuntap/tuntap/transport"
	"github.com/tuntap/tuntap/tun"
)

// fakeClock is an engine clock the test moves.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func newClockedNode(t *testing.T, addr string, clk *fakeClock) *node {
	t.Helper()
	priv, _ := noise.GeneratePrivateKey()
	dev := chandev.New("test", tun.TUN, 1420)
	e, err := New(Config{
		PrivateKey:   priv,
		Devices:      []tun.Device{dev},
		Listen:       func(uint16) (transport.Transport, error) { return transport.ListenUDP(0) },
		Now:          clk.Now,
		TickInterval: -1,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return &node{e: e, dev: dev, priv: priv, addr: netip.MustParseAddr(addr)}
}

// A session older than RejectAfterTime is never used to decrypt: the
// receiver's clock decides, and the packet is counted as key_expired.
func TestRejectAfterTime(t *testing.T) {
	ca := &fakeClock{now: time.Unix(1_000_000, 0)}
	cb := &fakeClock{now: time.Unix(1_000_000, 0)}
	a, b := newClockedNode(t, "10.0.0.1", ca), newClockedNode(t, "10.0.0.2", cb)
	connect(t, a, b, true, false)
	a.dev.In <- udp4(a.addr, b.addr, []byte("fresh"))
	recvPacket(t, b.dev, 5*time.Second)
	// Only b ages: a still believes its session is good and sends with it.
	cb.Advance(noise.RejectAfterTime)
	a.dev.In <- udp4(a.addr, b.addr, []byte("stale"))
	waitCounter(t, b.e, DropKeyExpired, 1)
	select {
	case p := <-b.dev.Out:
		t.Fatalf("packet on an expired session delivered: %x", p)
	default:
	}
	// The sender refuses its own session after RejectAfterTime too: it
	// stages the packet and starts a new handshake instead.
	ca.Advance(noise.RejectAfterTime)
	a.dev.In <- udp4(a.addr, b.addr, []byte("after rekey"))
	got := recvPacket(t, b.dev, 5*time.Second)
	if string(got[28:]) != "after rekey" {
		t.Fatalf("got %q after the new handshake", got[28:])
	}
}

func openFDs(t *testing.T) int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd")
	}
	return len(ents)
}

// Up/down churn leaves no goroutine and no descriptor behind.
func TestChurnLeavesNothing(t *testing.T) {
	settle := func() (int, int) {
		var g int
		for i := 0; i < 50; i++ {
			runtime.GC()
			g = runtime.NumGoroutine()
			time.Sleep(10 * time.Millisecond)
			if g2 := runtime.NumGoroutine(); g2 == g {
				break
			}
		}
		return g, openFDs(t)
	}
	g0, f0 := settle()
	for i := 0; i < 30; i++ {
		priv, _ := noise.GeneratePrivateKey()
		dev := chandev.New("churn", tun.TUN, 1420)
		e, err := New(Config{PrivateKey: priv, Devices: []tun.Device{dev},
			Listen: func(uint16) (transport.Transport, error) { return transport.ListenUDP(0) }})
		if err != nil {
			t.Fatal(err)
		}
		peer, _ := noise.GeneratePrivateKey()
		ep := netip.MustParseAddrPort("127.0.0.1:9")
		e.UpsertPeer(peer.Public(), PeerConfig{Endpoint: &ep, AllowedIPs: []netip.Prefix{netip.MustParsePrefix("10.9.0.0/24")}})
		dev.In <- udp4(netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("10.9.0.1"), []byte("x"))
		e.Close()
	}
	g1, f1 := settle()
	if g1 > g0 || f1 > f0 {
		t.Fatalf("after 30 up/down cycles: goroutines %d -> %d, descriptors %d -> %d", g0, g1, f0, f1)
	}
}

// A huge configuration (thousands of peers, tens of thousands of allowed
// IPs) loads, routes, and is freed.
func TestHugeConfiguration(t *testing.T) {
	a := newNode(t, "10.0.0.1")
	const peers, perPeer = 2000, 16
	keys := make([]noise.PublicKey, peers)
	for i := range keys {
		k, _ := noise.GeneratePrivateKey()
		keys[i] = k.Public()
		ips := make([]netip.Prefix, perPeer)
		for j := range ips {
			ips[j] = netip.MustParsePrefix(fmt.Sprintf("10.%d.%d.%d/32", 100+i/256, i%256, j))
		}
		if _, err := a.e.UpsertPeer(keys[i], PeerConfig{AllowedIPs: ips}); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(a.e.Snapshot()); n != peers {
		t.Fatalf("%d peers loaded, want %d", n, peers)
	}
	r := a.e.fwd.(*Routed)
	if p, ok := r.table.Lookup(netip.MustParseAddr("10.106.208.15")); !ok || p.pub != keys[6*256+208] {
		t.Fatal("lookup in the huge table found the wrong peer")
	}
	a.e.RemoveAllPeers()
	if n := r.table.Len(); n != 0 {
		t.Fatalf("%d allowed IPs left after removing every peer", n)
	}
}
