package proxy

import (
	"bufio"
	"bytes"
	"errors"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"testing"
)

func TestReadRequest(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []byte
		want socksRequest
		code byte // reply code for a socksError; 0: no socksError expected
		err  bool
	}{
		{"ipv4", []byte{5, 1, 0, 1, 10, 0, 0, 1, 0, 80}, socksRequest{cmdConnect, "10.0.0.1:80"}, 0, false},
		{"ipv6", append(append([]byte{5, 1, 0, 4}, netip.MustParseAddr("2001:db8::1").AsSlice()...), 1, 0), socksRequest{cmdConnect, "[2001:db8::1]:256"}, 0, false},
		{"mapped ipv6 shown as ipv4", append(append([]byte{5, 3, 0, 4}, netip.MustParseAddr("::ffff:1.2.3.4").AsSlice()...), 0, 0), socksRequest{cmdUDPAssociate, "1.2.3.4:0"}, 0, false},
		{"domain", append([]byte{5, 1, 0, 3, 7}, "a.b.com\x01\xbb"...), socksRequest{cmdConnect, "a.b.com:443"}, 0, false},
		{"bind", []byte{5, 2, 0, 1, 10, 0, 0, 1, 0, 80}, socksRequest{}, repCmdUnsupported, true},
		{"bad atyp", []byte{5, 1, 0, 2, 0}, socksRequest{}, repAddrUnsupported, true},
		{"empty domain", []byte{5, 1, 0, 3, 0, 0, 80}, socksRequest{}, repHostUnreachable, true},
		{"bracket in domain", append([]byte{5, 1, 0, 3, 3}, "[ab\x00\x50"...), socksRequest{}, repHostUnreachable, true},
		{"control char", append([]byte{5, 1, 0, 3, 3}, "a\nb\x00\x50"...), socksRequest{}, repHostUnreachable, true},
		{"version 4", []byte{4, 1, 0, 1, 10, 0, 0, 1, 0, 80}, socksRequest{}, repFailure, true},
		{"short", []byte{5, 1, 0, 1, 10, 0}, socksRequest{}, 0, true},
		{"empty", nil, socksRequest{}, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := readRequest(bytes.NewReader(tc.in))
			if (err != nil) != tc.err || got != tc.want {
				t.Fatalf("readRequest = %+v, %v; want %+v, err %v", got, err, tc.want, tc.err)
			}
			var se *socksError
			if errors.As(err, &se) != (tc.code != 0) || (se != nil && se.code != tc.code) {
				t.Fatalf("error %v, want reply code %d", err, tc.code)
			}
		})
	}
}

func TestParseUDPHeader(t *testing.T) {
	for _, tc := range []struct {
		name    string
		in      []byte
		addr    string
		payload string
		err     bool
	}{
		{"ipv4", []byte{0, 0, 0, 1, 1, 2, 3, 4, 0, 53, 'h', 'i'}, "1.2.3.4:53", "hi", false},
		{"domain", append([]byte{0, 0, 0, 3, 3}, "foo\x00\x07data"...), "foo:7", "data", false},
		{"empty payload", []byte{0, 0, 0, 1, 1, 2, 3, 4, 0, 53}, "1.2.3.4:53", "", false},
		{"fragment", []byte{0, 0, 1, 1, 1, 2, 3, 4, 0, 53}, "", "", true},
		{"reserved", []byte{0, 1, 0, 1, 1, 2, 3, 4, 0, 53}, "", "", true},
		{"short ipv6", []byte{0, 0, 0, 4, 1, 2, 3, 4, 0, 53}, "", "", true},
		{"short domain", []byte{0, 0, 0, 3, 9, 'a'}, "", "", true},
		{"no atyp", []byte{0, 0, 0}, "", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr, payload, err := parseUDPHeader(tc.in)
			if (err != nil) != tc.err || addr != tc.addr || string(payload) != tc.payload {
				t.Fatalf("parseUDPHeader = %q %q %v", addr, payload, err)
			}
		})
	}
}

func TestUDPHeaderRoundTrip(t *testing.T) {
	for _, s := range []string{"1.2.3.4:5", "[2001:db8::7]:65535", "0.0.0.0:0"} {
		ap := netip.MustParseAddrPort(s)
		b := append(appendAddr([]byte{0, 0, 0}, ap), "x"...)
		addr, payload, err := parseUDPHeader(b)
		if err != nil || addr != s || string(payload) != "x" {
			t.Fatalf("%s: %q %q %v", s, addr, payload, err)
		}
	}
}

func TestReadProxyRequest(t *testing.T) {
	for _, tc := range []struct {
		name, in, target string
		err              bool
	}{
		{"connect", "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n", "example.com:443", false},
		{"connect ipv6", "CONNECT [2001:db8::1]:22 HTTP/1.1\r\n\r\n", "[2001:db8::1]:22", false},
		{"get absolute", "GET http://example.com/x HTTP/1.1\r\nHost: example.com\r\n\r\n", "example.com:80", false},
		{"get with port", "GET http://example.com:8080/x HTTP/1.0\r\n\r\n", "example.com:8080", false},
		{"get ipv6 no port", "GET http://[2001:db8::1]/ HTTP/1.1\r\n\r\n", "[2001:db8::1]:80", false},
		{"https absolute", "GET https://example.com/ HTTP/1.1\r\n\r\n", "", true},
		{"origin form", "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n", "", true},
		{"connect no port", "CONNECT example.com HTTP/1.1\r\n\r\n", "", true},
		{"connect big port", "CONNECT example.com:70000 HTTP/1.1\r\n\r\n", "", true},
		{"connect userinfo", "CONNECT user@example.com:80 HTTP/1.1\r\n\r\n", "", true},
		{"bad line", "CONNECT\r\n\r\n", "", true},
		{"empty", "", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, target, err := readProxyRequest(bufio.NewReader(strings.NewReader(tc.in)))
			if (err != nil) != tc.err || target != tc.target {
				t.Fatalf("readProxyRequest = %q, %v; want %q, err %v", target, err, tc.target, tc.err)
			}
		})
	}
}

// validTarget checks what every parser promises about a dial target.
func validTarget(t *testing.T, target string) {
	host, port, err := net.SplitHostPort(target)
	if err != nil || host == "" {
		t.Fatalf("target %q: %v", target, err)
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		t.Fatalf("target %q: port %v", target, err)
	}
}

func FuzzSOCKSRequest(f *testing.F) {
	f.Add([]byte{5, 1, 0, 1, 10, 0, 0, 1, 0, 80})
	f.Add(append([]byte{5, 1, 0, 3, 7}, "a.b.com\x01\xbb"...))
	f.Add(append(append([]byte{5, 3, 0, 4}, make([]byte, 16)...), 0, 0))
	f.Add([]byte{5, 2, 0, 9})
	f.Fuzz(func(t *testing.T, in []byte) {
		req, err := readRequest(bytes.NewReader(in))
		if err == nil {
			validTarget(t, req.addr)
		}
	})
}

func FuzzSOCKSGreetingAndAuth(f *testing.F) {
	f.Add([]byte{5, 2, 0, 2, 1, 5, 'a', 'l', 'i', 'c', 'e', 2, 'p', 'w'})
	f.Add([]byte{5, 0})
	f.Add([]byte{5, 255})
	f.Fuzz(func(t *testing.T, in []byte) {
		r := bytes.NewReader(in)
		var buf [256]byte
		if methods, err := readGreeting(r, &buf); err != nil || len(methods) == 0 {
			return
		}
		user, pass, err := readUserPass(r)
		if err == nil && (len(user) > 255 || len(pass) > 255) {
			t.Fatal("over-long credentials accepted")
		}
	})
}

func FuzzSOCKSUDPHeader(f *testing.F) {
	f.Add([]byte{0, 0, 0, 1, 1, 2, 3, 4, 0, 53, 'h', 'i'})
	f.Add(append([]byte{0, 0, 0, 3, 3}, "foo\x00\x07data"...))
	f.Add(append(append([]byte{0, 0, 0, 4}, make([]byte, 16)...), 0, 1))
	f.Fuzz(func(t *testing.T, in []byte) {
		addr, payload, err := parseUDPHeader(in)
		if err != nil {
			return
		}
		validTarget(t, addr)
		if len(payload) > len(in)-7 {
			t.Fatalf("payload %d bytes from %d-byte datagram", len(payload), len(in))
		}
	})
}

func FuzzHTTPProxyRequest(f *testing.F) {
	f.Add("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n")
	f.Add("GET http://example.com/x HTTP/1.1\r\nHost: example.com\r\n\r\n")
	f.Add("GET http://[::1]/ HTTP/1.0\r\n\r\n")
	f.Fuzz(func(t *testing.T, in string) {
		req, target, err := readProxyRequest(bufio.NewReader(strings.NewReader(in)))
		if err != nil {
			return
		}
		if req == nil {
			t.Fatal("nil request without error")
		}
		validTarget(t, target)
	})
}
