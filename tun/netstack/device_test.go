package netstack_test

import (
	"errors"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/tuntap/tuntap/tun"
	"github.com/tuntap/tuntap/tun/netstack"
	nt "github.com/tuntap/tuntap/tun/netstack/netstacktest"
)

func newStack(t *testing.T) *netstack.Stack {
	t.Helper()
	s, err := netstack.New(netstack.Config{Addresses: []netip.Prefix{netip.MustParsePrefix("10.98.0.1/24")}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func bufs(n, size int) ([][]byte, []int) {
	b := make([][]byte, n)
	for i := range b {
		b[i] = make([]byte, tun.Headroom+size)
	}
	return b, make([]int, n)
}

func TestDeviceProperties(t *testing.T) {
	var d tun.Device = newStack(t)
	if d.Kind() != tun.TUN || d.MTU() != netstack.DefaultMTU || d.BatchSize() < 1 || d.Name() == "" {
		t.Fatalf("kind %v mtu %d batch %d name %q", d.Kind(), d.MTU(), d.BatchSize(), d.Name())
	}
}

func TestCloseUnblocksRead(t *testing.T) {
	s := newStack(t)
	b, sizes := bufs(s.BatchSize(), s.MTU())
	errc := make(chan error, 1)
	go func() {
		for {
			// Skip anything the stack sends on its own at start-up.
			if _, err := s.Read(b, sizes, tun.Headroom); err != nil {
				errc <- err
				return
			}
		}
	}()
	time.Sleep(20 * time.Millisecond) // let Read block
	start := time.Now()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-errc:
		if !errors.Is(err, tun.ErrClosed) {
			t.Fatalf("Read after Close: %v, want ErrClosed", err)
		}
		if d := time.Since(start); d > 100*time.Millisecond {
			t.Fatalf("Read returned %v after Close", d)
		}
	case <-time.After(time.Second):
		t.Fatal("Read still blocked 1s after Close")
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := s.Read(b, sizes, tun.Headroom); !errors.Is(err, tun.ErrClosed) {
		t.Fatalf("Read after Close: %v", err)
	}
	if _, err := s.Write(b[:1], tun.Headroom); !errors.Is(err, tun.ErrClosed) {
		t.Fatalf("Write after Close: %v", err)
	}
	if _, err := s.ListenTCP(netip.MustParseAddrPort("10.98.0.1:1")); err == nil {
		t.Fatal("ListenTCP after Close succeeded")
	}
}

func TestWriteDropsBadPackets(t *testing.T) {
	s := newStack(t)
	bad := [][]byte{
		make([]byte, tun.Headroom),                               // empty
		append(make([]byte, tun.Headroom), 0x45, 0, 0),           // short IPv4
		append(make([]byte, tun.Headroom), make([]byte, 60)...),  // version 0
		append(make([]byte, tun.Headroom), 0x60, 1, 2, 3, 4, 5),  // short IPv6
		append(make([]byte, tun.Headroom), make([]byte, 100)...), // version 0 again
	}
	bad[2][tun.Headroom] = 0x70
	n, err := s.Write(bad, tun.Headroom)
	if err != nil || n != len(bad) {
		t.Fatalf("Write = %d, %v", n, err)
	}
	if got := s.Stats().DropBadPacket; got != uint64(len(bad)) {
		t.Fatalf("DropBadPacket = %d, want %d", got, len(bad))
	}
}

func TestOffsetBelowHeadroom(t *testing.T) {
	s := newStack(t)
	b, sizes := bufs(1, 100)
	if _, err := s.Read(b, sizes, tun.Headroom-1); err == nil {
		t.Fatal("Read accepted offset < Headroom")
	}
	if _, err := s.Write(b, 0); err == nil {
		t.Fatal("Write accepted offset < Headroom")
	}
}

func TestConfigValidation(t *testing.T) {
	p4 := netip.MustParsePrefix("10.0.0.1/24")
	p6 := netip.MustParsePrefix("fd00::1/64")
	for _, tc := range []struct {
		name string
		cfg  netstack.Config
		ok   bool
	}{
		{"v4", netstack.Config{Addresses: []netip.Prefix{p4}}, true},
		{"dual", netstack.Config{Addresses: []netip.Prefix{p4, p6}, MTU: 1280}, true},
		{"no addresses", netstack.Config{}, false},
		{"zero prefix", netstack.Config{Addresses: []netip.Prefix{{}}}, false},
		{"mtu too small", netstack.Config{Addresses: []netip.Prefix{p4}, MTU: 100}, false},
		{"mtu too big", netstack.Config{Addresses: []netip.Prefix{p4}, MTU: 70000}, false},
		{"v6 needs 1280", netstack.Config{Addresses: []netip.Prefix{p6}, MTU: 1000}, false},
		{"bad dns", netstack.Config{Addresses: []netip.Prefix{p4}, DNS: []netip.Addr{{}}}, false},
		{"duplicate address", netstack.Config{Addresses: []netip.Prefix{p4, p4}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := netstack.New(tc.cfg)
			if (err == nil) != tc.ok {
				t.Fatalf("New: err = %v, want ok=%v", err, tc.ok)
			}
			if s != nil {
				s.Close()
			}
		})
	}
}

// TestCloseEndsConnections: closing the stack fails blocked socket reads
// promptly, as unplugging a NIC and closing its sockets would.
func TestCloseEndsConnections(t *testing.T) {
	near, far := nt.Pair(t)
	ln, err := far.ListenTCP(netip.AddrPortFrom(netip.Addr{}, 80))
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		if c, err := ln.Accept(); err == nil {
			defer c.Close()
			c.Read(make([]byte, 1))
		}
	}()
	c, err := near.DialContext(testCtx(t), "tcp", "10.99.0.2:80")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	errc := make(chan error, 1)
	go func() {
		_, err := c.Read(make([]byte, 1))
		errc <- err
	}()
	time.Sleep(20 * time.Millisecond)
	near.Close()
	select {
	case err := <-errc:
		if err == nil {
			t.Fatal("Read succeeded after stack Close")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("connection Read still blocked 5s after stack Close")
	}
	if _, err := near.DialContext(testCtx(t), "tcp", "10.99.0.2:80"); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("DialContext after Close: %v, want net.ErrClosed", err)
	}
}
