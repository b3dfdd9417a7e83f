package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strconv"
	"time"
)

// dialSOCKS5 opens a TCP connection to target through a SOCKS5 proxy with
// no authentication (RFC 1928, CONNECT only).
func dialSOCKS5(proxy, target string) (net.Conn, error) {
	req, err := connectRequest(target)
	if err != nil {
		return nil, err
	}
	c, err := net.DialTimeout("tcp", proxy, 5*time.Second)
	if err != nil {
		return nil, fmt.Errorf("dial proxy %s: %w", proxy, err)
	}
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	if err := handshake(c, req); err != nil {
		c.Close()
		return nil, fmt.Errorf("socks5 connect %s via %s: %w", target, proxy, err)
	}
	_ = c.SetDeadline(time.Time{})
	return c, nil
}

func connectRequest(target string) ([]byte, error) {
	host, portStr, err := net.SplitHostPort(target)
	if err != nil {
		return nil, fmt.Errorf("target %q: %w", target, err)
	}
	port, err := strconv.ParseUint(portStr, 10, 16)
	if err != nil {
		return nil, fmt.Errorf("target port %q: %w", portStr, err)
	}
	req := []byte{5, 1, 0}
	if ip, err := netip.ParseAddr(host); err == nil {
		if ip.Is4() {
			req = append(req, 1)
		} else {
			req = append(req, 4)
		}
		req = append(req, ip.AsSlice()...)
	} else {
		if len(host) > 255 {
			return nil, errors.New("target host name longer than 255 bytes")
		}
		req = append(req, 3, byte(len(host)))
		req = append(req, host...)
	}
	return binary.BigEndian.AppendUint16(req, uint16(port)), nil
}

func handshake(c net.Conn, req []byte) error {
	if _, err := c.Write([]byte{5, 1, 0}); err != nil {
		return err
	}
	var hello [2]byte
	if _, err := io.ReadFull(c, hello[:]); err != nil {
		return fmt.Errorf("method reply: %w", err)
	}
	if hello[0] != 5 || hello[1] != 0 {
		return fmt.Errorf("proxy refused no-auth method (reply %v)", hello)
	}
	if _, err := c.Write(req); err != nil {
		return err
	}
	var head [4]byte
	if _, err := io.ReadFull(c, head[:]); err != nil {
		return fmt.Errorf("connect reply: %w", err)
	}
	if head[1] != 0 {
		return fmt.Errorf("proxy reply code %d", head[1])
	}
	var skip int
	switch head[3] {
	case 1:
		skip = 4
	case 4:
		skip = 16
	case 3:
		var l [1]byte
		if _, err := io.ReadFull(c, l[:]); err != nil {
			return err
		}
		skip = int(l[0])
	default:
		return fmt.Errorf("bad address type %d in reply", head[3])
	}
	_, err := io.ReadFull(c, make([]byte, skip+2)) // bound address and port
	return err
}
