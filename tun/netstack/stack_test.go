package netstack_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"io"
	"net"
	"net/netip"
	"syscall"
	"testing"
	"time"

	"github.com/tuntap/tuntap/tun/netstack"
	nt "github.com/tuntap/tuntap/tun/netstack/netstacktest"
)

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// serveSum accepts one connection, reads to EOF and answers with the SHA-256.
func serveSum(t *testing.T, ln net.Listener) {
	c, err := ln.Accept()
	if err != nil {
		t.Errorf("accept: %v", err)
		return
	}
	defer c.Close()
	h := sha256.New()
	if _, err := io.Copy(h, c); err != nil {
		t.Errorf("server read: %v", err)
		return
	}
	c.Write(h.Sum(nil))
}

func TestTCPTransfer(t *testing.T) {
	const size = 8 << 20
	data := make([]byte, size)
	rand.Read(data)
	want := sha256.Sum256(data)
	for _, tc := range []struct {
		name string
		addr netip.Addr
	}{{"ipv4", nt.Far4}, {"ipv6", nt.Far6}} {
		t.Run(tc.name, func(t *testing.T) {
			near, far := nt.Pair(t)
			ln, err := far.ListenTCP(netip.AddrPortFrom(netip.Addr{}, 8080))
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			done := make(chan struct{})
			go func() { defer close(done); serveSum(t, ln) }()

			c, err := near.DialContext(testCtx(t), "tcp", netip.AddrPortFrom(tc.addr, 8080).String())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if _, err := c.Write(data); err != nil {
				t.Fatal(err)
			}
			c.(interface{ CloseWrite() error }).CloseWrite()
			got, err := io.ReadAll(c)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want[:]) {
				t.Fatalf("checksum mismatch after %d bytes", size)
			}
			<-done
		})
	}
}

func udpEcho(pc net.PacketConn) {
	buf := make([]byte, 65535)
	for {
		n, from, err := pc.ReadFrom(buf)
		if err != nil {
			return
		}
		pc.WriteTo(buf[:n], from)
	}
}

func TestUDPRoundTrip(t *testing.T) {
	near, far := nt.Pair(t)
	pc, err := far.ListenUDP(netip.AddrPortFrom(netip.Addr{}, 9000))
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	go udpEcho(pc)
	for _, dst := range []netip.Addr{nt.Far4, nt.Far6} {
		c, err := near.DialContext(testCtx(t), "udp", netip.AddrPortFrom(dst, 9000).String())
		if err != nil {
			t.Fatal(err)
		}
		msg := []byte("hello over " + dst.String())
		c.SetDeadline(time.Now().Add(5 * time.Second))
		if _, err := c.Write(msg); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 100)
		n, err := c.Read(buf)
		if err != nil {
			t.Fatalf("%v: %v", dst, err)
		}
		if !bytes.Equal(buf[:n], msg) {
			t.Fatalf("%v: echo %q, want %q", dst, buf[:n], msg)
		}
		c.Close()
	}
}

func TestPing(t *testing.T) {
	near, far := nt.Pair(t)
	for _, tc := range []struct {
		name string
		from *netstack.Stack
		dst  netip.Addr
	}{
		{"near to far v4", near, nt.Far4},
		{"near to far v6", near, nt.Far6},
		{"far to near v4", far, nt.Near4},
		{"far to near v6", far, nt.Near6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for seq := 1; seq <= 3; seq++ {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				rtt, err := tc.from.Ping(ctx, tc.dst, seq)
				cancel()
				if err != nil {
					t.Fatal(err)
				}
				if rtt <= 0 {
					t.Fatalf("rtt %v", rtt)
				}
			}
		})
	}
}

func TestPingUnreachableTimesOut(t *testing.T) {
	near, _ := nt.Pair(t)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, err := near.Ping(ctx, netip.MustParseAddr("10.99.0.77"), 1); err == nil {
		t.Fatal("ping of an absent host succeeded")
	}
}

func TestDNS(t *testing.T) {
	near, far := nt.Pair(t)
	dns, err := far.ListenUDP(netip.AddrPortFrom(netip.Addr{}, 53))
	if err != nil {
		t.Fatal(err)
	}
	defer dns.Close()
	go nt.ServeDNS(t, dns, map[string][]netip.Addr{"far.example": {nt.Far4, nt.Far6}})

	got, err := near.LookupHost(testCtx(t), "FAR.example", true, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0] != nt.Far4 || got[1] != nt.Far6 {
		t.Fatalf("LookupHost = %v, want [%v %v]", got, nt.Far4, nt.Far6)
	}
	if _, err := near.LookupHost(testCtx(t), "missing.example", true, true); err == nil {
		t.Fatal("NXDOMAIN name resolved")
	}

	ln, err := far.ListenTCP(netip.AddrPortFrom(netip.Addr{}, 80))
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		if c, err := ln.Accept(); err == nil {
			c.Write([]byte("hi"))
			c.Close()
		}
	}()
	c, err := near.DialContext(testCtx(t), "tcp6", "far.example:http")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if ra := c.RemoteAddr().String(); ra != "[fd99::2]:80" {
		t.Fatalf("dialed %s, want [fd99::2]:80", ra)
	}
	if b, _ := io.ReadAll(c); string(b) != "hi" {
		t.Fatalf("read %q", b)
	}
}

func TestNoDNSConfigured(t *testing.T) {
	_, far := nt.Pair(t)
	if _, err := far.DialContext(testCtx(t), "tcp", "far.example:80"); err == nil {
		t.Fatal("hostname dial without DNS servers succeeded")
	}
}

func TestDialRefusedAndTimeout(t *testing.T) {
	near, _ := nt.Pair(t)
	_, err := near.DialContext(testCtx(t), "tcp", "10.99.0.2:1")
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("dial closed port: %v, want ECONNREFUSED", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, err := near.DialContext(ctx, "tcp", "10.99.0.77:80"); err == nil {
		t.Fatal("dial of an absent host succeeded")
	}
}

func TestDialErrors(t *testing.T) {
	near, _ := nt.Pair(t)
	for _, tc := range []struct{ network, addr string }{
		{"ip", "10.99.0.2:1"},
		{"tcp", "10.99.0.2"},
		{"tcp4", "[fd99::2]:80"},
		{"tcp", "10.99.0.2:99999"},
	} {
		if c, err := near.DialContext(testCtx(t), tc.network, tc.addr); err == nil {
			c.Close()
			t.Errorf("DialContext(%q, %q) succeeded", tc.network, tc.addr)
		}
	}
}
