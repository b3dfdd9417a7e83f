//go:build linux

package userspace

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"time"
)

// creds is a SOCKS5 username and password (RFC 1929); nil for none.
type creds struct{ user, pass string }

// socksUDP is a minimal SOCKS5 UDP ASSOCIATE client (RFC 1928 section 7):
// it sends each payload to target through the proxy's relay and wants it
// back unchanged, from target, in the same order.
func socksUDP(proxyAddr string, auth *creds, target netip.AddrPort, payloads [][]byte) error {
	ctl, err := net.DialTimeout("tcp", proxyAddr, 5*time.Second)
	if err != nil {
		return err
	}
	defer ctl.Close()
	ctl.SetDeadline(time.Now().Add(30 * time.Second))
	if err := socksHello(ctl, auth); err != nil {
		return err
	}
	// UDP ASSOCIATE with an unspecified client address.
	if _, err := ctl.Write([]byte{5, 3, 0, 1, 0, 0, 0, 0, 0, 0}); err != nil {
		return err
	}
	relay, err := socksReply(ctl)
	if err != nil {
		return fmt.Errorf("udp associate: %w", err)
	}
	if relay.Addr().IsUnspecified() {
		relay = netip.AddrPortFrom(netip.MustParseAddrPort(proxyAddr).Addr(), relay.Port())
	}
	uc, err := net.DialUDP("udp", nil, net.UDPAddrFromAddrPort(relay))
	if err != nil {
		return err
	}
	defer uc.Close()
	for i, p := range payloads {
		if err := socksUDPRoundTrip(uc, target, p); err != nil {
			return fmt.Errorf("datagram %d (%d bytes) via relay %s: %w", i, len(p), relay, err)
		}
	}
	return nil
}

// socksUDPRoundTrip sends one datagram and waits for its echo; a lost
// datagram is sent again, up to five times.
func socksUDPRoundTrip(uc *net.UDPConn, target netip.AddrPort, p []byte) error {
	a := target.Addr().As4()
	msg := append([]byte{0, 0, 0, 1}, a[:]...)
	msg = binary.BigEndian.AppendUint16(msg, target.Port())
	msg = append(msg, p...)
	buf := make([]byte, 65535)
	for range 5 {
		if _, err := uc.Write(msg); err != nil {
			return err
		}
		uc.SetReadDeadline(time.Now().Add(2 * time.Second))
		n, err := uc.Read(buf)
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			continue
		}
		if err != nil {
			return err
		}
		if n < 10 || buf[2] != 0 || buf[3] != 1 {
			return fmt.Errorf("bad relay header % x", buf[:min(n, 10)])
		}
		from := netip.AddrPortFrom(netip.AddrFrom4([4]byte(buf[4:8])), binary.BigEndian.Uint16(buf[8:10]))
		if from != target {
			return fmt.Errorf("reply from %s, want %s", from, target)
		}
		if !bytes.Equal(buf[10:n], p) {
			return fmt.Errorf("reply of %d bytes differs from the %d sent", n-10, len(p))
		}
		return nil
	}
	return errors.New("no reply after 5 tries")
}

// socksHello offers no authentication, or username/password if auth is set.
func socksHello(c net.Conn, auth *creds) error {
	method := byte(0)
	if auth != nil {
		method = 2
	}
	if _, err := c.Write([]byte{5, 1, method}); err != nil {
		return err
	}
	var b [2]byte
	if _, err := io.ReadFull(c, b[:]); err != nil {
		return fmt.Errorf("method selection: %w", err)
	}
	if b[0] != 5 || b[1] != method {
		return fmt.Errorf("proxy chose method %#x, want %#x", b[1], method)
	}
	if auth == nil {
		return nil
	}
	req := append([]byte{1, byte(len(auth.user))}, auth.user...)
	req = append(append(req, byte(len(auth.pass))), auth.pass...)
	if _, err := c.Write(req); err != nil {
		return err
	}
	if _, err := io.ReadFull(c, b[:]); err != nil {
		return fmt.Errorf("authentication: %w", err)
	}
	if b[1] != 0 {
		return fmt.Errorf("authentication refused (status %d)", b[1])
	}
	return nil
}

// socksReply reads VER REP RSV ATYP ADDR PORT and returns the bound address.
func socksReply(c net.Conn) (netip.AddrPort, error) {
	var h [4]byte
	if _, err := io.ReadFull(c, h[:]); err != nil {
		return netip.AddrPort{}, err
	}
	if h[1] != 0 {
		return netip.AddrPort{}, fmt.Errorf("proxy replied %d", h[1])
	}
	var n int
	switch h[3] {
	case 1:
		n = 4
	case 4:
		n = 16
	default:
		return netip.AddrPort{}, fmt.Errorf("bound address type %d", h[3])
	}
	b := make([]byte, n+2)
	if _, err := io.ReadFull(c, b); err != nil {
		return netip.AddrPort{}, err
	}
	addr, _ := netip.AddrFromSlice(b[:n])
	return netip.AddrPortFrom(addr.Unmap(), binary.BigEndian.Uint16(b[n:])), nil
}
