package netstack

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"syscall"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/adapters/gonet"
)

// DialContext connects through the tunnel, like net.Dialer.DialContext.
// network is tcp, tcp4, tcp6, udp, udp4 or udp6. A hostname is resolved by
// the Config.DNS servers, queried through the tunnel, so names resolve as
// they would on the far side; each address is tried in turn.
func (s *Stack) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	if s.isClosed() {
		return nil, opError("dial", network, address, net.ErrClosed)
	}
	want4, want6, tcpNet, err := parseNetwork(network)
	if err != nil {
		return nil, opError("dial", network, address, err)
	}
	host, portStr, err := net.SplitHostPort(address)
	if err != nil {
		return nil, opError("dial", network, address, err)
	}
	port, err := net.DefaultResolver.LookupPort(ctx, network, portStr)
	if err != nil {
		return nil, opError("dial", network, address, err)
	}
	addrs, err := s.resolve(ctx, host, want4, want6)
	if err != nil {
		return nil, opError("dial", network, address, err)
	}
	var errs []error
	for _, a := range addrs {
		c, err := s.dialAddr(ctx, tcpNet, netip.AddrPortFrom(a, uint16(port)))
		if err == nil {
			return c, nil
		}
		errs = append(errs, err)
		if ctx.Err() != nil {
			break
		}
	}
	return nil, opError("dial", network, address, errors.Join(errs...))
}

func (s *Stack) dialAddr(ctx context.Context, tcpNet bool, ap netip.AddrPort) (net.Conn, error) {
	fa, proto := fullAddr(ap)
	var c net.Conn
	var err error
	if tcpNet {
		c, err = gonet.DialContextTCP(ctx, s.stack, fa, proto)
	} else {
		c, err = gonet.DialUDP(s.stack, nil, &fa, proto)
	}
	if err != nil {
		return nil, withErrno(err)
	}
	return c, nil
}

// errnos maps gVisor's error texts (gonet passes only the text on) to the
// errno a kernel socket would give, so callers can use errors.Is as usual.
var errnos = map[string]syscall.Errno{
	(&tcpip.ErrConnectionRefused{}).String():  syscall.ECONNREFUSED,
	(&tcpip.ErrConnectionReset{}).String():    syscall.ECONNRESET,
	(&tcpip.ErrNetworkUnreachable{}).String(): syscall.ENETUNREACH,
	(&tcpip.ErrHostUnreachable{}).String():    syscall.EHOSTUNREACH,
	(&tcpip.ErrTimeout{}).String():            syscall.ETIMEDOUT,
}

func withErrno(err error) error {
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Err != nil {
		if errno, ok := errnos[oe.Err.Error()]; ok {
			oe.Err = errno
		}
	}
	return err
}

// resolve turns host into addresses of the wanted families, literal or by DNS.
func (s *Stack) resolve(ctx context.Context, host string, want4, want6 bool) ([]netip.Addr, error) {
	if a, err := netip.ParseAddr(host); err == nil {
		a = a.WithZone("").Unmap()
		if (a.Is4() && !want4) || (a.Is6() && !want6) {
			return nil, fmt.Errorf("address %v: wrong address family", a)
		}
		return []netip.Addr{a}, nil
	}
	return s.LookupHost(ctx, host, want4 && s.has4, want6 && s.has6)
}

// ListenTCP listens on the stack. An unspecified address (or the zero
// AddrPort) listens on all of the stack's addresses; :: and the zero value
// accept IPv4 too.
func (s *Stack) ListenTCP(addr netip.AddrPort) (net.Listener, error) {
	if s.isClosed() {
		return nil, opError("listen", "tcp", addr.String(), net.ErrClosed)
	}
	fa, proto := listenAddr(addr)
	l, err := gonet.ListenTCP(s.stack, fa, proto)
	if err != nil {
		return nil, opError("listen", "tcp", addr.String(), err)
	}
	return l, nil
}

// ListenUDP opens an unconnected UDP socket on the stack (see ListenTCP for
// the address rules).
func (s *Stack) ListenUDP(addr netip.AddrPort) (net.PacketConn, error) {
	if s.isClosed() {
		return nil, opError("listen", "udp", addr.String(), net.ErrClosed)
	}
	fa, proto := listenAddr(addr)
	c, err := gonet.DialUDP(s.stack, &fa, nil, proto)
	if err != nil {
		return nil, opError("listen", "udp", addr.String(), err)
	}
	return c, nil
}

func (s *Stack) isClosed() bool {
	select {
	case <-s.closed:
		return true
	default:
		return false
	}
}

func parseNetwork(network string) (want4, want6, tcpNet bool, err error) {
	switch network {
	case "tcp", "udp":
		return true, true, network == "tcp", nil
	case "tcp4", "udp4":
		return true, false, network == "tcp4", nil
	case "tcp6", "udp6":
		return false, true, network == "tcp6", nil
	}
	return false, false, false, net.UnknownNetworkError(network)
}

func fullAddr(ap netip.AddrPort) (tcpip.FullAddress, tcpip.NetworkProtocolNumber) {
	a := ap.Addr().Unmap()
	return tcpip.FullAddress{NIC: nicID, Addr: tcpip.AddrFromSlice(a.AsSlice()), Port: ap.Port()}, protoOf(a)
}

func listenAddr(ap netip.AddrPort) (tcpip.FullAddress, tcpip.NetworkProtocolNumber) {
	a := ap.Addr().Unmap()
	if !a.IsValid() || a.IsUnspecified() {
		proto := protoOf(netip.IPv6Unspecified())
		if a.Is4() {
			proto = protoOf(a)
		}
		return tcpip.FullAddress{Port: ap.Port()}, proto
	}
	return fullAddr(netip.AddrPortFrom(a, ap.Port()))
}

func opError(op, network, address string, err error) error {
	return &net.OpError{Op: op, Net: network, Addr: stringAddr(address), Err: err}
}

// stringAddr lets net.OpError print an address that may be a hostname.
type stringAddr string

func (a stringAddr) Network() string { return "" }
func (a stringAddr) String() string  { return string(a) }
