//go:build !linux

package transport

import (
	"fmt"
	"net"
	"net/netip"
	"sync/atomic"
)

// UDP is a Transport over one UDP socket. Outside Linux it moves one
// datagram per system call: simple and portable, without offloads.
type UDP struct {
	conn      *net.UDPConn
	port      uint16
	batch     int
	closed    atomic.Bool
	truncated atomic.Uint64
}

// Listen opens a socket as ListenUDP does, tuned by opts (the offload
// switches have nothing to switch here).
func Listen(opts Options) (*UDP, error) {
	conn, err := net.ListenUDP("udp", &net.UDPAddr{Port: int(opts.Port)})
	if err != nil {
		return nil, fmt.Errorf("listen udp :%d: %w", opts.Port, err)
	}
	return &UDP{conn: conn, port: uint16(conn.LocalAddr().(*net.UDPAddr).Port), batch: opts.batchSize()}, nil
}

// Offloads reports false, false: UDP GSO and GRO are Linux features.
func (u *UDP) Offloads() (gso, gro bool) { return false, false }

// RecvLocal is Recv; the local address is not reported here (locals[0] is
// set to the zero Addr).
func (u *UDP) RecvLocal(bufs [][]byte, sizes []int, eps []netip.AddrPort, locals []netip.Addr) (int, error) {
	if len(bufs) == 0 || len(sizes) == 0 || len(eps) == 0 || (locals != nil && len(locals) == 0) {
		return 0, errNoBuffers
	}
	n, ep, err := u.conn.ReadFromUDPAddrPort(bufs[0])
	if err != nil {
		return 0, u.ioError("recv", err)
	}
	sizes[0], eps[0] = n, netip.AddrPortFrom(ep.Addr().Unmap(), ep.Port())
	if locals != nil {
		locals[0] = netip.Addr{}
	}
	return 1, nil
}

// Send implements Transport, one datagram per call.
func (u *UDP) Send(bufs [][]byte, ep netip.AddrPort) error {
	return u.SendFrom(bufs, ep, netip.Addr{})
}

// SendFrom is Send; choosing the source address is not supported here and
// src is ignored.
func (u *UDP) SendFrom(bufs [][]byte, ep netip.AddrPort, _ netip.Addr) error {
	for _, b := range bufs {
		if _, err := u.conn.WriteToUDPAddrPort(b, ep); err != nil {
			return u.ioError("send", err)
		}
	}
	return nil
}
