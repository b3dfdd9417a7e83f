package netstack

import (
	"fmt"

	"github.com/tuntap/tuntap/tun"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv6"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
)

// Kind is tun.TUN: the stack speaks bare IP packets.
func (s *Stack) Kind() tun.Kind { return tun.TUN }

// Name is fixed: there is no kernel interface behind the stack.
func (s *Stack) Name() string { return "netstack" }

// MTU is the configured tunnel MTU.
func (s *Stack) MTU() int { return s.mtu }

// BatchSize is the most packets one Read returns.
func (s *Stack) BatchSize() int { return DefaultBatchSize }

// Read blocks for the first outbound packet, then takes whatever else is
// already queued, up to len(bufs), without blocking again.
func (s *Stack) Read(bufs [][]byte, sizes []int, offset int) (int, error) {
	if err := checkArgs(len(bufs), offset); err != nil {
		return 0, err
	}
	if len(sizes) < len(bufs) {
		bufs = bufs[:len(sizes)]
	}
	for {
		select {
		case <-s.closed:
			return 0, tun.ErrClosed
		default:
		}
		var first *stack.PacketBuffer
		select {
		case first = <-s.link.queue:
		case <-s.closed:
			return 0, tun.ErrClosed
		}
		if n := s.fill(bufs, sizes, offset, first); n > 0 {
			return n, nil
		}
		// Every packet was too big for its buffer; they were counted.
	}
}

func (s *Stack) fill(bufs [][]byte, sizes []int, offset int, first *stack.PacketBuffer) int {
	n := s.put(bufs, sizes, offset, 0, first)
	for n < len(bufs) {
		select {
		case pkt := <-s.link.queue:
			n = s.put(bufs, sizes, offset, n, pkt)
		default:
			return n
		}
	}
	return n
}

// put copies pkt into bufs[n] and returns the new count.
func (s *Stack) put(bufs [][]byte, sizes []int, offset, n int, pkt *stack.PacketBuffer) int {
	defer pkt.DecRef()
	size, ok := copyPacket(bufs[n][offset:], pkt)
	if !ok {
		s.dropShortBuffer.Add(1)
		return n
	}
	sizes[n] = size
	return n + 1
}

// Write hands inbound packets to the stack. A packet that is not IPv4 or IPv6
// is dropped and counted, not reported: one bad packet must not fail a batch.
// The stack copies each packet, so bufs may be reused when Write returns.
func (s *Stack) Write(bufs [][]byte, offset int) (int, error) {
	if err := checkArgs(len(bufs), offset); err != nil {
		return 0, err
	}
	s.writeMu.RLock()
	defer s.writeMu.RUnlock()
	select {
	case <-s.closed:
		return 0, tun.ErrClosed
	default:
	}
	for _, b := range bufs {
		pkt := b[offset:]
		switch {
		case len(pkt) >= 20 && pkt[0]>>4 == 4:
			s.link.inject(ipv4.ProtocolNumber, pkt)
		case len(pkt) >= 40 && pkt[0]>>4 == 6:
			s.link.inject(ipv6.ProtocolNumber, pkt)
		default:
			s.dropBadPacket.Add(1)
		}
	}
	return len(bufs), nil
}

func checkArgs(n, offset int) error {
	if offset < tun.Headroom {
		return fmt.Errorf("netstack: offset %d is less than tun.Headroom (%d)", offset, tun.Headroom)
	}
	if n == 0 {
		return fmt.Errorf("netstack: no buffers")
	}
	return nil
}

// Close stops the stack: blocked Reads return tun.ErrClosed at once, open
// connections are reset, and later calls return tun.ErrClosed. It is
// idempotent and always returns nil.
func (s *Stack) Close() error {
	s.closeOnce.Do(func() {
		close(s.closed)
		s.writeMu.Lock() // wait for Writes inside the stack
		s.writeMu.Unlock()
		s.stack.Close()
		s.stack.RemoveNIC(nicID)
		s.stack.Wait()
		s.link.drain()
	})
	return nil
}
