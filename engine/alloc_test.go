package engine

import (
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/tuntap/tuntap/noise"
	"github.com/tuntap/tuntap/tun"
)

// pipeline drives one packet through a's send path and b's receive path
// directly, with a's datagrams going to a socket nobody reads, so that the
// only work measured is the engine's own.
type pipeline struct {
	a, b      *node
	buf, rbuf []byte
	pkt       []byte
	ob        *outBatch
	ib        *inBatch
	off       int
	src       netip.AddrPort
	sink      *net.UDPConn
	delivered int
}

func newPipeline(tb testing.TB, size int) *pipeline {
	tb.Helper()
	a, b := newNodeTB(tb, "10.0.0.1"), newNodeTB(tb, "10.0.0.2")
	connectTB(tb, a, b)
	a.dev.In <- udp4(a.addr, b.addr, []byte("handshake"))
	select {
	case <-b.dev.Out:
	case <-time.After(5 * time.Second):
		tb.Fatal("no handshake")
	}
	sink, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { sink.Close() })
	sink.SetReadBuffer(1 << 16)
	a.e.Peer(b.priv.Public()).SetEndpoint(sink.LocalAddr().(*net.UDPAddr).AddrPort())
	return &pipeline{
		a: a, b: b,
		buf:  make([]byte, a.e.bufSize.Load()),
		rbuf: make([]byte, b.e.bufSize.Load()),
		pkt:  udp4(a.addr, b.addr, make([]byte, size-28)),
		ob:   &outBatch{msgs: make([][]byte, 0, 16)},
		ib:   &inBatch{write: make([][]byte, 0, 16)},
		off:  tun.Headroom - noise.MessageTransportHeaderSize,
		src:  a.endpoint(),
		sink: sink,
	}
}

func (p *pipeline) once() {
	now := time.Now()
	copy(p.buf[tun.Headroom:], p.pkt)
	p.a.e.route(p.ob, p.buf, len(p.pkt), now)
	msg := p.ob.msgs[0]
	n := copy(p.rbuf[p.off:], msg)
	p.a.e.flush(p.ob, now)
	p.b.e.receiveData(p.ib, p.rbuf[:p.off+n], p.off, p.src, netip.Addr{}, now)
	p.delivered += len(p.ib.write)
	p.ib.write = p.ib.write[:0]
}

// The data path allocates nothing per packet in steady state (seal, send,
// open, replay check, source filter, batch for the device).
func TestZeroAllocsPerPacket(t *testing.T) {
	p := newPipeline(t, 1420)
	p.once()
	allocs := testing.AllocsPerRun(2000, p.once)
	if allocs != 0 {
		t.Fatalf("%.2f allocations per packet, want 0", allocs)
	}
	if p.delivered < 2000 {
		t.Fatalf("delivered %d packets, want every one", p.delivered)
	}
}

func BenchmarkPacketPath(b *testing.B) {
	for _, size := range []int{64, 1420} {
		b.Run(sizeName(size), func(b *testing.B) {
			p := newPipeline(b, size)
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for b.Loop() {
				p.once()
			}
		})
	}
}

func sizeName(n int) string {
	return map[int]string{64: "64B", 1420: "1420B"}[n]
}
