package proxy

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strconv"
)

// SOCKS5 wire constants (RFC 1928, RFC 1929).
const (
	socksVersion    = 5
	authVersion     = 1
	methodNone      = 0x00
	methodPassword  = 0x02
	methodRejected  = 0xff
	cmdConnect      = 0x01
	cmdBind         = 0x02
	cmdUDPAssociate = 0x03
	atypIPv4        = 0x01
	atypDomain      = 0x03
	atypIPv6        = 0x04
)

// Reply codes.
const (
	repSuccess         = 0x00
	repFailure         = 0x01
	repNetUnreachable  = 0x03
	repHostUnreachable = 0x04
	repRefused         = 0x05
	repCmdUnsupported  = 0x07
	repAddrUnsupported = 0x08
)

// socksError is a malformed request and the reply code that says why.
type socksError struct {
	code byte
	msg  string
}

func (e *socksError) Error() string { return "socks5: " + e.msg }

func badRequest(code byte, format string, args ...any) error {
	return &socksError{code: code, msg: fmt.Sprintf(format, args...)}
}

// readGreeting reads VER NMETHODS METHODS and returns the methods offered.
func readGreeting(r io.Reader, buf *[256]byte) ([]byte, error) {
	if _, err := io.ReadFull(r, buf[:2]); err != nil {
		return nil, fmt.Errorf("socks5 greeting: %w", err)
	}
	if buf[0] != socksVersion {
		return nil, badRequest(repFailure, "version %d, want 5", buf[0])
	}
	n := int(buf[1])
	if n == 0 {
		return nil, badRequest(repFailure, "no authentication methods offered")
	}
	if _, err := io.ReadFull(r, buf[:n]); err != nil {
		return nil, fmt.Errorf("socks5 greeting: %w", err)
	}
	return buf[:n], nil
}

// readUserPass reads the RFC 1929 sub-negotiation.
func readUserPass(r io.Reader) (user, pass string, err error) {
	var buf [256]byte
	if _, err := io.ReadFull(r, buf[:2]); err != nil {
		return "", "", fmt.Errorf("socks5 auth: %w", err)
	}
	if buf[0] != authVersion {
		return "", "", badRequest(repFailure, "auth version %d, want 1", buf[0])
	}
	if user, err = readString(r, &buf, int(buf[1])); err != nil {
		return "", "", err
	}
	if _, err := io.ReadFull(r, buf[:1]); err != nil {
		return "", "", fmt.Errorf("socks5 auth: %w", err)
	}
	if pass, err = readString(r, &buf, int(buf[0])); err != nil {
		return "", "", err
	}
	return user, pass, nil
}

func readString(r io.Reader, buf *[256]byte, n int) (string, error) {
	if _, err := io.ReadFull(r, buf[:n]); err != nil {
		return "", fmt.Errorf("socks5: %w", err)
	}
	return string(buf[:n]), nil
}

// socksRequest is VER CMD RSV ATYP DST.ADDR DST.PORT; addr is host:port.
type socksRequest struct {
	cmd  byte
	addr string
}

func readRequest(r io.Reader) (socksRequest, error) {
	var buf [4]byte
	if _, err := io.ReadFull(r, buf[:]); err != nil {
		return socksRequest{}, fmt.Errorf("socks5 request: %w", err)
	}
	if buf[0] != socksVersion {
		return socksRequest{}, badRequest(repFailure, "request version %d, want 5", buf[0])
	}
	addr, err := readAddr(r, buf[3])
	if err != nil {
		return socksRequest{}, err
	}
	switch buf[1] {
	case cmdConnect, cmdUDPAssociate:
		return socksRequest{cmd: buf[1], addr: addr}, nil
	}
	return socksRequest{}, badRequest(repCmdUnsupported, "command %d not supported", buf[1])
}

// readAddr reads ATYP-typed DST.ADDR and DST.PORT.
func readAddr(r io.Reader, atyp byte) (string, error) {
	var buf [256 + 2]byte
	var n int
	switch atyp {
	case atypIPv4:
		n = 4
	case atypIPv6:
		n = 16
	case atypDomain:
		if _, err := io.ReadFull(r, buf[:1]); err != nil {
			return "", fmt.Errorf("socks5 address: %w", err)
		}
		n = int(buf[0])
	default:
		return "", badRequest(repAddrUnsupported, "address type %d not supported", atyp)
	}
	if _, err := io.ReadFull(r, buf[:n+2]); err != nil {
		return "", fmt.Errorf("socks5 address: %w", err)
	}
	return formatAddr(atyp, buf[:n], binary.BigEndian.Uint16(buf[n:]))
}

func formatAddr(atyp byte, host []byte, port uint16) (string, error) {
	if atyp != atypDomain {
		a, _ := netip.AddrFromSlice(host)
		return netip.AddrPortFrom(a.Unmap(), port).String(), nil
	}
	if !validHost(string(host)) {
		return "", badRequest(repHostUnreachable, "invalid domain name %q", host)
	}
	return net.JoinHostPort(string(host), strconv.Itoa(int(port))), nil
}

// parseUDPHeader splits a client datagram: RSV(2) FRAG ATYP DST.ADDR DST.PORT DATA.
func parseUDPHeader(b []byte) (addr string, payload []byte, err error) {
	if len(b) < 4 {
		return "", nil, errors.New("socks5 udp: short header")
	}
	if b[0] != 0 || b[1] != 0 {
		return "", nil, errors.New("socks5 udp: reserved bytes not zero")
	}
	if b[2] != 0 {
		return "", nil, errors.New("socks5 udp: fragments not supported")
	}
	var n, off int
	switch b[3] {
	case atypIPv4:
		n, off = 4, 4
	case atypIPv6:
		n, off = 16, 4
	case atypDomain:
		if len(b) < 5 {
			return "", nil, errors.New("socks5 udp: short header")
		}
		n, off = int(b[4]), 5
	default:
		return "", nil, fmt.Errorf("socks5 udp: address type %d not supported", b[3])
	}
	if len(b) < off+n+2 {
		return "", nil, errors.New("socks5 udp: short header")
	}
	addr, err = formatAddr(b[3], b[off:off+n], binary.BigEndian.Uint16(b[off+n:]))
	if err != nil {
		return "", nil, err
	}
	return addr, b[off+n+2:], nil
}

// appendAddr appends ATYP DST.ADDR DST.PORT for an IP address.
func appendAddr(b []byte, ap netip.AddrPort) []byte {
	a := ap.Addr().Unmap()
	if a.Is4() {
		b = append(b, atypIPv4)
	} else {
		b = append(b, atypIPv6)
	}
	b = append(b, a.AsSlice()...)
	return binary.BigEndian.AppendUint16(b, ap.Port())
}

// writeReply sends VER REP RSV BND.ADDR BND.PORT.
func writeReply(w io.Writer, code byte, bind netip.AddrPort) error {
	if !bind.Addr().IsValid() {
		bind = netip.AddrPortFrom(netip.IPv4Unspecified(), 0)
	}
	b := appendAddr(append(make([]byte, 0, 22), socksVersion, code, 0), bind)
	_, err := w.Write(b)
	return err
}

// addrPortOf extracts an IP and port from a net.Addr of any Go stack.
func addrPortOf(a net.Addr) netip.AddrPort {
	switch a := a.(type) {
	case *net.TCPAddr:
		return a.AddrPort()
	case *net.UDPAddr:
		return a.AddrPort()
	}
	if a == nil {
		return netip.AddrPort{}
	}
	ap, _ := netip.ParseAddrPort(a.String())
	return ap
}
