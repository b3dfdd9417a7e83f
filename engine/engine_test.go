package engine

import (
	"bytes"
	"encoding/binary"
	"net/netip"
	"testing"
	"time"

	"github.com/tuntap/tuntap/internal/chandev"
	"github.com/tuntap/tuntap/noise"
	"github.com/tuntap/tuntap/transport"
	"github.com/tuntap/tuntap/tun"
)

// node is one engine over an in-memory device and a real loopback socket.
type node struct {
	e    *Engine
	dev  *chandev.Device
	priv noise.PrivateKey
	addr netip.Addr // tunnel address
}

func newNode(t *testing.T, addr string) *node { return newNodeTB(t, addr) }

func newNodeTB(t testing.TB, addr string) *node {
	t.Helper()
	priv, err := noise.GeneratePrivateKey()
	if err != nil {
		t.Fatal(err)
	}
	dev := chandev.New("test", tun.TUN, 1420)
	e, err := New(Config{
		PrivateKey: priv,
		Devices:    []tun.Device{dev},
		Listen:     func(uint16) (transport.Transport, error) { return transport.ListenUDP(0) },
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return &node{e: e, dev: dev, priv: priv, addr: netip.MustParseAddr(addr)}
}

func (n *node) endpoint() netip.AddrPort {
	return netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), n.e.Port())
}

func connectTB(t testing.TB, a, b *node) { connect(t, a, b, true, false) }

// connect makes a and b peers of each other; a knows b's endpoint.
func connect(t testing.TB, a, b *node, aKnowsB, bKnowsA bool) {
	t.Helper()
	for _, x := range []struct {
		from, to *node
		ep       bool
	}{{a, b, aKnowsB}, {b, a, bKnowsA}} {
		pc := PeerConfig{AllowedIPs: []netip.Prefix{netip.PrefixFrom(x.to.addr, x.to.addr.BitLen())}}
		if x.ep {
			ep := x.to.endpoint()
			pc.Endpoint = &ep
		}
		if _, err := x.from.e.UpsertPeer(x.to.priv.Public(), pc); err != nil {
			t.Fatal(err)
		}
	}
}

// udp4 builds an IPv4/UDP packet (checksums are not checked by the engine).
func udp4(src, dst netip.Addr, payload []byte) []byte {
	p := make([]byte, 28+len(payload))
	p[0] = 0x45
	binary.BigEndian.PutUint16(p[2:], uint16(len(p)))
	p[8], p[9] = 64, 17
	s, d := src.As4(), dst.As4()
	copy(p[12:], s[:])
	copy(p[16:], d[:])
	binary.BigEndian.PutUint16(p[20:], 1000)
	binary.BigEndian.PutUint16(p[22:], 2000)
	binary.BigEndian.PutUint16(p[24:], uint16(8+len(payload)))
	copy(p[28:], payload)
	return p
}

func recvPacket(t *testing.T, d *chandev.Device, within time.Duration) []byte {
	t.Helper()
	select {
	case p := <-d.Out:
		return p
	case <-time.After(within):
		t.Fatal("no packet delivered")
		return nil
	}
}

func TestHandshakeAndDataBothWays(t *testing.T) {
	a, b := newNode(t, "10.0.0.1"), newNode(t, "10.0.0.2")
	connect(t, a, b, true, false)
	pkt := udp4(a.addr, b.addr, []byte("hello through the tunnel"))
	a.dev.In <- pkt
	if got := recvPacket(t, b.dev, 5*time.Second); !bytes.Equal(got, pkt) {
		t.Fatalf("b got %x, want %x", got, pkt)
	}
	// b learned a's endpoint from the authenticated handshake: it can answer.
	back := udp4(b.addr, a.addr, []byte("and back"))
	b.dev.In <- back
	if got := recvPacket(t, a.dev, 5*time.Second); !bytes.Equal(got, back) {
		t.Fatalf("a got %x, want %x", got, back)
	}
	for _, n := range []*node{a, b} {
		st := n.e.Snapshot()
		if len(st) != 1 || st[0].LastHandshake.IsZero() || st[0].RxBytes == 0 || st[0].TxBytes == 0 {
			t.Fatalf("snapshot %+v: want a handshake and bytes both ways", st)
		}
	}
}

func TestInnerSourceFilter(t *testing.T) {
	a, b := newNode(t, "10.0.0.1"), newNode(t, "10.0.0.2")
	connect(t, a, b, true, false)
	a.dev.In <- udp4(a.addr, b.addr, []byte("ok"))
	recvPacket(t, b.dev, 5*time.Second)
	// A source address b does not allow for a: dropped and counted.
	a.dev.In <- udp4(netip.MustParseAddr("10.0.0.99"), b.addr, []byte("spoofed"))
	waitCounter(t, b.e, DropBadSource, 1)
	select {
	case p := <-b.dev.Out:
		t.Fatalf("spoofed packet delivered: %x", p)
	default:
	}
}

func TestNoRouteCounted(t *testing.T) {
	a, b := newNode(t, "10.0.0.1"), newNode(t, "10.0.0.2")
	connect(t, a, b, true, false)
	a.dev.In <- udp4(a.addr, netip.MustParseAddr("192.0.2.1"), []byte("nowhere"))
	waitCounter(t, a.e, DropNoRoute, 1)
}

func waitCounter(t *testing.T, e *Engine, d Drop, want uint64) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for e.Counters.Get(d) < want {
		if time.Now().After(deadline) {
			t.Fatalf("counter %s = %d, want >= %d (all: %v)", d, e.Counters.Get(d), want, e.Counters.Map())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestCloseIsPromptAndIdempotent(t *testing.T) {
	a := newNode(t, "10.0.0.1")
	done := make(chan struct{})
	go func() { a.e.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("Close did not return")
	}
	a.e.Close()
}

// A multi-homed server answers from the address the client contacted, so
// the client's view of its endpoint does not move (catalog 17). 127.0.0.2
// is a second address of the loopback device.
func TestRepliesLeaveFromContactedAddress(t *testing.T) {
	a, b := newNode(t, "10.0.0.1"), newNode(t, "10.0.0.2")
	connect(t, a, b, false, false)
	contacted := netip.AddrPortFrom(netip.MustParseAddr("127.0.0.2"), b.e.Port())
	a.e.Peer(b.priv.Public()).SetEndpoint(contacted)
	a.dev.In <- udp4(a.addr, b.addr, []byte("to the second address"))
	recvPacket(t, b.dev, 5*time.Second)
	b.dev.In <- udp4(b.addr, a.addr, []byte("reply"))
	recvPacket(t, a.dev, 5*time.Second)
	if got := a.e.Peer(b.priv.Public()).Endpoint(); got != contacted {
		t.Fatalf("a sees b at %v, want %v: b's reply left from another address", got, contacted)
	}
}
