package config

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/dns/dnsmessage"
)

// localDNS serves A and AAAA answers from names on a loopback UDP socket and
// points the package resolver at it, so hostname tests send nothing off the
// machine.
func localDNS(t *testing.T, names map[string][]netip.Addr) {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	go serveDNS(pc, names)
	old := resolver
	resolver = &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "udp", pc.LocalAddr().String())
	}}
	t.Cleanup(func() { resolver = old })
}

func serveDNS(pc net.PacketConn, names map[string][]netip.Addr) {
	buf := make([]byte, 1500)
	for {
		n, from, err := pc.ReadFrom(buf)
		if err != nil {
			return
		}
		var m dnsmessage.Message
		if m.Unpack(buf[:n]) != nil || len(m.Questions) != 1 {
			continue
		}
		q := m.Questions[0]
		m.Response, m.Authoritative, m.RecursionAvailable = true, true, true
		addrs, ok := names[strings.ToLower(q.Name.String())]
		if !ok {
			m.RCode = dnsmessage.RCodeNameError
		}
		for _, a := range addrs {
			h := dnsmessage.ResourceHeader{Name: q.Name, Class: dnsmessage.ClassINET, TTL: 60}
			switch {
			case q.Type == dnsmessage.TypeA && a.Is4():
				h.Type = dnsmessage.TypeA
				m.Answers = append(m.Answers, dnsmessage.Resource{Header: h, Body: &dnsmessage.AResource{A: a.As4()}})
			case q.Type == dnsmessage.TypeAAAA && a.Is6():
				h.Type = dnsmessage.TypeAAAA
				m.Answers = append(m.Answers, dnsmessage.Resource{Header: h, Body: &dnsmessage.AAAAResource{AAAA: a.As16()}})
			}
		}
		if out, err := m.Pack(); err == nil {
			pc.WriteTo(out, from)
		}
	}
}

func TestResolveEndpoint(t *testing.T) {
	localDNS(t, map[string][]netip.Addr{
		"vpn.example.test.": {netip.MustParseAddr("192.0.2.7")},
		"v6.example.test.":  {netip.MustParseAddr("2001:db8::7")},
	})
	tests := []struct{ ep, want, err string }{
		{"192.0.2.1:51820", "192.0.2.1:51820", ""},
		{"[2001:db8::1]:443", "[2001:db8::1]:443", ""},
		{"[::ffff:192.0.2.1]:1", "192.0.2.1:1", ""},
		{"[fe80::1%lo]:51820", "[fe80::1%lo]:51820", ""},
		{"vpn.example.test:51820", "192.0.2.7:51820", ""},
		{"V6.Example.Test:4500", "[2001:db8::7]:4500", ""},
		{"192.0.2.1:0", "", "port 0"},
		{"192.0.2.1", "", "missing port"},
		{"vpn.example.test:http", "", "not a number"},
		{"missing.example.test:1", "", "no such host"},
	}
	for _, tt := range tests {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		got, err := ResolveEndpointContext(ctx, tt.ep)
		cancel()
		if (err == nil) != (tt.err == "") || (err != nil && !strings.Contains(err.Error(), tt.err)) || (err == nil && got.String() != tt.want) {
			t.Errorf("ResolveEndpoint(%q) = %v, %v; want %s, %q", tt.ep, got, err, tt.want, tt.err)
		}
	}
	var dnsErr *net.DNSError
	if _, err := ResolveEndpoint("missing.example.test:1"); !errors.As(err, &dnsErr) || !dnsErr.IsNotFound {
		t.Errorf("a missing name should be a not-found *net.DNSError, got %v", err)
	}
}
