package transport

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"syscall"
)

// UDP is a Transport over one UDP socket. On Linux it moves datagrams with
// recvmmsg/sendmmsg through preallocated message arrays, so steady-state
// Recv and Send allocate nothing, and it uses UDP GSO (one send of many
// equal-size datagrams) and UDP GRO (one receive of many) when the kernel
// has them.
//
// Recv calls are serialized with each other and Send calls with each other;
// one Recv and one Send may run at the same time.
type UDP struct {
	conn   *net.UDPConn
	rc     syscall.RawConn
	v6     bool // AF_INET6 dual-stack socket, else AF_INET
	port   uint16
	batch  int
	log    *slog.Logger
	closed atomic.Bool

	gso       atomic.Bool // cleared if the kernel refuses it at run time
	gro       bool
	truncated atomic.Uint64

	rmu sync.Mutex
	r   recvState
	smu sync.Mutex
	s   sendState
}

// Listen opens a socket as ListenUDP does, tuned by opts.
func Listen(opts Options) (*UDP, error) {
	conn, v6, err := listenDualStack(opts.Port)
	if err != nil {
		return nil, err
	}
	u := &UDP{conn: conn, v6: v6, batch: opts.batchSize(), log: opts.logger()}
	u.port = uint16(conn.LocalAddr().(*net.UDPAddr).Port)
	if u.rc, err = conn.SyscallConn(); err != nil {
		conn.Close()
		return nil, fmt.Errorf("udp port %d: %w", u.port, err)
	}
	if err := u.setup(opts); err != nil {
		conn.Close()
		return nil, fmt.Errorf("udp port %d: %w", u.port, err)
	}
	u.r.init(u)
	u.s.init(u)
	return u, nil
}

// listenDualStack binds [::]:port with IPV6_V6ONLY off, or 0.0.0.0:port when
// the host has no IPv6.
func listenDualStack(port uint16) (*net.UDPConn, bool, error) {
	lc := net.ListenConfig{Control: func(network, _ string, c syscall.RawConn) error {
		if network != "udp6" {
			return nil
		}
		var serr error
		err := c.Control(func(fd uintptr) {
			serr = syscall.SetsockoptInt(int(fd), syscall.IPPROTO_IPV6, syscall.IPV6_V6ONLY, 0)
		})
		return errors.Join(err, serr)
	}}
	pc, err := lc.ListenPacket(context.Background(), "udp6", fmt.Sprintf("[::]:%d", port))
	if err == nil {
		return pc.(*net.UDPConn), true, nil
	}
	if !noIPv6(err) {
		return nil, false, fmt.Errorf("listen udp [::]:%d: %w", port, err)
	}
	pc, err = lc.ListenPacket(context.Background(), "udp4", fmt.Sprintf("0.0.0.0:%d", port))
	if err != nil {
		return nil, false, fmt.Errorf("listen udp 0.0.0.0:%d: %w", port, err)
	}
	return pc.(*net.UDPConn), false, nil
}

func noIPv6(err error) bool {
	return errors.Is(err, syscall.EAFNOSUPPORT) || errors.Is(err, syscall.EPROTONOSUPPORT) ||
		errors.Is(err, syscall.EADDRNOTAVAIL)
}

// Offloads reports whether UDP GSO and GRO are in use.
func (u *UDP) Offloads() (gso, gro bool) { return u.gso.Load(), u.gro }

// Send implements Transport.
func (u *UDP) Send(bufs [][]byte, ep netip.AddrPort) error {
	return u.SendFrom(bufs, ep, netip.Addr{})
}
