package proxy_test

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/netip"
	"testing"
	"time"

	"github.com/tuntap/tuntap/proxy"
	nt "github.com/tuntap/tuntap/tun/netstack/netstacktest"
)

// TestForwardTCP: a local port leads to the far side's HTTP server.
func TestForwardTCP(t *testing.T) {
	f := newFar(t)
	ln := localListener(t)
	run(t, func(ctx context.Context) error { return proxy.Forward(ctx, ln, f.near, "far.test:80", quiet()) })
	resp, err := http.Get("http://" + ln.Addr().String() + "/blob")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	checkBlob(t, resp.Body)
}

// TestExposeTCP: a port on the near stack leads to a server on this host's
// loopback; the far stack is the client.
func TestExposeTCP(t *testing.T) {
	f := newFar(t)
	local := localListener(t)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.ServeContent(w, r, "blob", time.Time{}, bytes.NewReader(blob))
	})}
	go srv.Serve(local)
	t.Cleanup(func() { srv.Close() })

	exposed, err := f.near.ListenTCP(netip.AddrPortFrom(netip.Addr{}, 8080))
	if err != nil {
		t.Fatal(err)
	}
	run(t, func(ctx context.Context) error { return proxy.Expose(ctx, exposed, local.Addr().String(), quiet()) })
	client := &http.Client{Transport: &http.Transport{DialContext: f.far.DialContext}}
	resp, err := client.Get("http://10.99.0.1:8080/blob")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	checkBlob(t, resp.Body)
}

func roundTrip(t testing.TB, c net.Conn, msg string) {
	t.Helper()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Write([]byte(msg)); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 1500)
	n, err := c.Read(buf)
	if err != nil {
		t.Fatal(err)
	}
	if string(buf[:n]) != msg {
		t.Fatalf("echo %q, want %q", buf[:n], msg)
	}
}

// TestForwardUDP: two local clients share a forward to the far UDP echo,
// each gets only its own replies.
func TestForwardUDP(t *testing.T) {
	f := newFar(t)
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	run(t, func(ctx context.Context) error { return proxy.ForwardUDP(ctx, pc, f.near, "10.99.0.2:7", quiet()) })
	for i := range 2 {
		c, err := net.Dial("udp", pc.LocalAddr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		roundTrip(t, c, "from client "+string(rune('A'+i)))
	}
}

// TestExposeUDP: a UDP port on the near stack leads to a loopback echo.
func TestExposeUDP(t *testing.T) {
	f := newFar(t)
	local, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer local.Close()
	go udpEcho(local)
	exposed, err := f.near.ListenUDP(netip.AddrPortFrom(netip.Addr{}, 5353))
	if err != nil {
		t.Fatal(err)
	}
	run(t, func(ctx context.Context) error {
		return proxy.ExposeUDP(ctx, exposed, local.LocalAddr().String(), quiet())
	})
	c, err := f.far.DialContext(ctxT(t), "udp", netip.AddrPortFrom(nt.Near4, 5353).String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	roundTrip(t, c, "through the tunnel and back")
}

// TestUDPSessionBoundAndIdle: beyond MaxUDPSessions new flows are dropped and
// counted; idle flows expire and make room again.
func TestUDPSessionBoundAndIdle(t *testing.T) {
	local, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer local.Close()
	go udpEcho(local)
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	o := quiet()
	o.MaxUDPSessions = 2
	o.UDPIdleTimeout = 300 * time.Millisecond
	run(t, func(ctx context.Context) error {
		return proxy.ForwardUDP(ctx, pc, &net.Dialer{}, local.LocalAddr().String(), o)
	})
	dial := func() net.Conn {
		c, err := net.Dial("udp", pc.LocalAddr().String())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	roundTrip(t, dial(), "one")
	roundTrip(t, dial(), "two")
	third := dial()
	third.SetDeadline(time.Now().Add(100 * time.Millisecond))
	third.Write([]byte("three"))
	if _, err := third.Read(make([]byte, 10)); err == nil {
		t.Fatal("third flow served beyond MaxUDPSessions")
	}
	if o.Stats.UDPDropped.Load() == 0 {
		t.Fatal("drop not counted")
	}
	// Once the first two flows idle out, the third gets a slot.
	buf := make([]byte, 100)
	for i := 0; ; i++ {
		third.SetDeadline(time.Now().Add(100 * time.Millisecond))
		third.Write([]byte("three again"))
		if n, err := third.Read(buf); err == nil && string(buf[:n]) == "three again" {
			return
		}
		if i == 100 {
			t.Fatal("no slot freed after the idle timeout")
		}
	}
}

// TestForwardTargetDown: a client of a forward whose target refuses is closed.
func TestForwardTargetDown(t *testing.T) {
	f := newFar(t)
	ln := localListener(t)
	o := quiet()
	run(t, func(ctx context.Context) error { return proxy.Forward(ctx, ln, f.near, "10.99.0.2:1", o) })
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.ReadAll(c); err != nil {
		t.Fatal(err)
	}
	if o.Stats.DialFailed.Load() != 1 {
		t.Fatalf("DialFailed = %d", o.Stats.DialFailed.Load())
	}
}
