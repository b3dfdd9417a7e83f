//go:build linux

package tun_test

import (
	"encoding/binary"
	"errors"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tuntap/tuntap/internal/netns"
	"github.com/tuntap/tuntap/tun"
)

// flowSockets creates n UDP sockets inside ns, each connected to dst on its
// own destination port (and bound to its own source port): n flows that the
// kernel hashes onto the queues of a multi-queue device.
func flowSockets(t testing.TB, ns *netns.NS, dst netip.Addr, n int) []*net.UDPConn {
	t.Helper()
	conns := make([]*net.UDPConn, 0, n)
	err := ns.Do(func() error {
		for i := range n {
			c, err := net.DialUDP("udp4", nil, net.UDPAddrFromAddrPort(netip.AddrPortFrom(dst, uint16(9000+i))))
			if err != nil {
				return err
			}
			conns = append(conns, c)
		}
		return nil
	})
	for _, c := range conns {
		t.Cleanup(func() { c.Close() })
	}
	if err != nil {
		t.Fatal(err)
	}
	return conns
}

// isUDP4To reports whether p is an IPv4 UDP packet to dst.
func isUDP4To(p []byte, dst netip.Addr) bool {
	a := dst.As4()
	return len(p) >= 28 && p[0]>>4 == 4 && p[9] == 17 && [4]byte(p[16:20]) == a
}

// drain reads UDP packets to dst from every queue, one goroutine per queue,
// calling got(queue) for each, until stop is closed or the queue is closed.
func drain(qs []*tun.Queue, dst netip.Addr, got func(int)) (wait func()) {
	var wg sync.WaitGroup
	for i, q := range qs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			bufs, sizes := makeBufs(q.BatchSize(), 2048), make([]int, q.BatchSize())
			for {
				n, err := q.Read(bufs, sizes, tun.Headroom)
				if err != nil {
					return
				}
				for j := range n {
					if isUDP4To(bufs[j][tun.Headroom:tun.Headroom+sizes[j]], dst) {
						got(i)
					}
				}
			}
		}()
	}
	return wg.Wait
}

func TestMultiQueueSpreadsFlows(t *testing.T) {
	ns := netns.New(t)
	dev := openIn(t, ns, tun.Config{Name: "tm0", Queues: 4})
	if n := len(dev.Queues()); n != 4 {
		t.Fatalf("%d queues, want 4", n)
	}
	upWith(t, ns, dev.Name(), "10.93.0.1/24")
	dst := netip.MustParseAddr("10.93.0.2")
	const flows, each = 32, 4
	var perQueue [4]atomic.Int64
	var total atomic.Int64
	wait := drain(dev.Queues(), dst, func(q int) { perQueue[q].Add(1); total.Add(1) })
	msg := make([]byte, 64)
	for _, c := range flowSockets(t, ns, dst, flows) {
		for range each {
			if _, err := c.Write(msg); err != nil {
				t.Fatal(err)
			}
		}
	}
	for deadline := time.Now().Add(3 * time.Second); total.Load() < flows*each && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	dev.Close()
	wait()
	used := 0
	for i := range perQueue {
		if perQueue[i].Load() > 0 {
			used++
		}
		t.Logf("queue %d: %d packets", i, perQueue[i].Load())
	}
	if total.Load() != flows*each {
		t.Fatalf("read %d packets, sent %d", total.Load(), flows*each)
	}
	if used < 2 {
		t.Fatalf("%d flows all arrived on one queue", flows)
	}
}

// echoRequest builds an ICMP echo request from src to dst.
func echoRequest(src, dst netip.Addr, id uint16) []byte {
	p := make([]byte, 20+8+32)
	p[0], p[8], p[9] = 0x45, 64, protoICMP
	binary.BigEndian.PutUint16(p[2:], uint16(len(p)))
	s, d := src.As4(), dst.As4()
	copy(p[12:], s[:])
	copy(p[16:], d[:])
	binary.BigEndian.PutUint16(p[10:], checksum(p[:20], 0))
	icmp := p[20:]
	icmp[0] = 8
	binary.BigEndian.PutUint16(icmp[4:], id)
	binary.BigEndian.PutUint16(icmp[2:], checksum(icmp, 0))
	return p
}

// echoDevice opens a TUN device whose kernel side (local) answers the echo
// requests that the test writes from peer: a round trip through the kernel
// with no socket involved.
func echoDevice(t testing.TB, queues int) (dev *tun.Iface, req []byte) {
	ns := netns.New(t)
	dev = openIn(t, ns, tun.Config{Name: "te0", Queues: queues})
	// No IPv6 on the device, so nothing but the echo replies comes out.
	ns.MustRun(t, "sysctl", "-qw", "net.ipv6.conf.te0.disable_ipv6=1")
	upWith(t, ns, dev.Name(), "10.94.0.1/24")
	return dev, echoRequest(netip.MustParseAddr("10.94.0.2"), netip.MustParseAddr("10.94.0.1"), 1)
}

func addr(s string) netip.Addr { return netip.MustParseAddr(s) }

var errNotReply = errors.New("not an echo reply")

// roundTrip writes req and reads the kernel's reply.
func roundTrip(q *tun.Queue, req, buf []byte) error {
	if _, err := q.WritePacket(req); err != nil {
		return err
	}
	n, err := q.ReadPacket(buf)
	if err != nil {
		return err
	}
	if n != len(req) || buf[20] != 0 {
		return errNotReply
	}
	return nil
}
