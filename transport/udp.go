package transport

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
)

// The methods below are the same on every OS; the socket itself, Send and
// RecvLocal are in udp_linux.go (batched, offloads) and udp_others.go.

// BatchSize is the most datagrams one Recv returns.
func (u *UDP) BatchSize() int { return u.batch }

// Port is the bound UDP port.
func (u *UDP) Port() uint16 { return u.port }

// Stats returns the receive drop counters.
func (u *UDP) Stats() Stats { return Stats{Truncated: u.truncated.Load()} }

// Close closes the socket; a blocked Recv returns net.ErrClosed.
func (u *UDP) Close() error {
	if u.closed.Swap(true) {
		return nil
	}
	return u.conn.Close()
}

// ioError maps errors after Close to net.ErrClosed and wraps the others.
func (u *UDP) ioError(op string, err error) error {
	if u.closed.Load() || errors.Is(err, net.ErrClosed) {
		return net.ErrClosed
	}
	return fmt.Errorf("udp %s on port %d: %w", op, u.port, err)
}

// Recv implements Transport.
func (u *UDP) Recv(bufs [][]byte, sizes []int, eps []netip.AddrPort) (int, error) {
	return u.RecvLocal(bufs, sizes, eps, nil)
}
