package engine

import (
	"net"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/tuntap/tuntap/internal/chandev"
	"github.com/tuntap/tuntap/noise"
	"github.com/tuntap/tuntap/transport"
	"github.com/tuntap/tuntap/tun"
)

// recorder wraps a transport and keeps a copy of every data message sent.
type recorder struct {
	transport.Transport
	mu   sync.Mutex
	data [][]byte
}

func (r *recorder) Send(bufs [][]byte, ep netip.AddrPort) error {
	r.mu.Lock()
	for _, b := range bufs {
		if typ, ok := noise.MessageType(b); ok && typ == noise.MessageTransportType && len(b) > 32 {
			r.data = append(r.data, append([]byte(nil), b...))
		}
	}
	r.mu.Unlock()
	return r.Transport.Send(bufs, ep)
}

func (r *recorder) last() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.data) == 0 {
		return nil
	}
	return r.data[len(r.data)-1]
}

func newRecordingNode(t *testing.T, addr string) (*node, *recorder) {
	t.Helper()
	priv, _ := noise.GeneratePrivateKey()
	dev := chandev.New("test", tun.TUN, 1420)
	rec := &recorder{}
	e, err := New(Config{
		PrivateKey: priv,
		Devices:    []tun.Device{dev},
		Listen: func(uint16) (transport.Transport, error) {
			u, err := transport.ListenUDP(0)
			rec.Transport = u
			return rec, err
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return &node{e: e, dev: dev, priv: priv, addr: netip.MustParseAddr(addr)}, rec
}

// TestReplayAndForgeryMoveNothing: a replayed data message and a forged one
// are dropped, counted apart, and neither moves the peer's endpoint.
func TestReplayAndForgeryMoveNothing(t *testing.T) {
	a, rec := newRecordingNode(t, "10.0.0.1")
	b := newNode(t, "10.0.0.2")
	connect(t, a, b, true, false)
	a.dev.In <- udp4(a.addr, b.addr, []byte("original"))
	recvPacket(t, b.dev, 5*time.Second)
	msg := rec.last()
	if msg == nil {
		t.Fatal("no data message recorded")
	}
	before := b.e.Peer(a.priv.Public()).Endpoint()

	attacker, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer attacker.Close()
	dst := net.UDPAddrFromAddrPort(b.endpoint())
	if _, err := attacker.WriteToUDP(msg, dst); err != nil {
		t.Fatal(err)
	}
	waitCounter(t, b.e, DropReplay, 1)

	forged := append([]byte(nil), msg...)
	forged[8]++ // a fresh counter, so only the tag can refuse it
	forged[len(forged)-1] ^= 0xff
	if _, err := attacker.WriteToUDP(forged, dst); err != nil {
		t.Fatal(err)
	}
	waitCounter(t, b.e, DropDecrypt, 1)
	if after := b.e.Peer(a.priv.Public()).Endpoint(); after != before {
		t.Fatalf("endpoint moved from %v to %v on unauthenticated packets", before, after)
	}
	select {
	case p := <-b.dev.Out:
		t.Fatalf("replayed or forged packet delivered: %x", p)
	default:
	}
}
