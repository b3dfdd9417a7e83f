package proxy_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/netip"
	"runtime"
	"testing"
	"time"

	"github.com/tuntap/tuntap/proxy"
	nt "github.com/tuntap/tuntap/tun/netstack/netstacktest"
)

func TestMaxConns(t *testing.T) {
	f := newFar(t)
	o := quiet()
	o.MaxConns = 1
	addr := startSOCKS(t, f, nil, o)
	first := greet(t, addr) // holds the only slot
	second, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	second.Write([]byte{5, 1, 0})
	second.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	if _, err := second.Read(make([]byte, 2)); err == nil {
		t.Fatal("second client served while the first holds the only slot")
	}
	first.Close()
	second.SetReadDeadline(time.Now().Add(5 * time.Second))
	var m [2]byte
	if _, err := io.ReadFull(second, m[:]); err != nil || m != [2]byte{5, 0} {
		t.Fatalf("second client after slot freed: %v %v", m, err)
	}
}

func TestServeStopsOnCancel(t *testing.T) {
	f := newFar(t)
	ln := localListener(t)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- proxy.ServeSOCKS5(ctx, ln, f.near, nil, nil) }()
	c := greet(t, ln.Addr().String())
	c.Write(connectReq(netip.AddrPortFrom(nt.Far4, 80)))
	rep := make([]byte, 10)
	if _, err := io.ReadFull(c, rep); err != nil || rep[1] != 0 {
		t.Fatalf("connect: %v %v", rep, err)
	}
	cancel()
	select {
	case err := <-errc:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("ServeSOCKS5 did not return after cancel")
	}
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Read(rep); err == nil {
		t.Fatal("client connection still open after the server stopped")
	}
	if _, err := net.Dial("tcp", ln.Addr().String()); err == nil {
		t.Fatal("listener still accepting after the server stopped")
	}
}

// TestNoGoroutineLeak: after a server with live TCP and UDP sessions is
// cancelled, every goroutine it started is gone.
func TestNoGoroutineLeak(t *testing.T) {
	f := newFar(t)
	before := runtime.NumGoroutine()
	ln := localListener(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- proxy.ServeSOCKS5(ctx, ln, f.near, nil, quiet()) }()

	tcp := greet(t, ln.Addr().String())
	tcp.Write(connectReq(netip.AddrPortFrom(nt.Far4, 80)))
	io.ReadFull(tcp, make([]byte, 10))
	udp := greet(t, ln.Addr().String())
	relay := associate(t, udp)
	u, err := net.DialUDP("udp", nil, net.UDPAddrFromAddrPort(relay))
	if err != nil {
		t.Fatal(err)
	}
	defer u.Close()
	u.SetDeadline(time.Now().Add(5 * time.Second))
	u.Write(append(udpHeader("10.99.0.2", 7), "x"...))
	if _, err := u.Read(make([]byte, 100)); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	for i := 0; runtime.NumGoroutine() > before; i++ {
		if i == 100 {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines, %d before:\n%s", runtime.NumGoroutine(), before, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestGroup(t *testing.T) {
	f := newFar(t)
	g := proxy.NewGroup(context.Background())
	ln := localListener(t)
	g.Go(func(ctx context.Context) error { return proxy.Forward(ctx, ln, f.near, "10.99.0.2:80", nil) })
	boom := errors.New("boom")
	g.Go(func(ctx context.Context) error { return boom })
	done := make(chan error, 1)
	go func() { done <- g.Wait() }()
	select {
	case err := <-done:
		if !errors.Is(err, boom) {
			t.Fatalf("Wait = %v, want the first error", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("one server's error did not stop the group")
	}
	if _, err := net.Dial("tcp", ln.Addr().String()); err == nil {
		t.Fatal("forward still listening after the group stopped")
	}
}
