package proxy_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/netip"
	"testing"
	"time"

	"github.com/tuntap/tuntap/proxy"
	"github.com/tuntap/tuntap/tun/netstack"
	nt "github.com/tuntap/tuntap/tun/netstack/netstacktest"
)

const blobSize = 6 << 20

// blob is deterministic test data served by the far side.
var blob = func() []byte {
	b := make([]byte, blobSize)
	r := rand.NewChaCha8([32]byte{1})
	r.Read(b)
	return b
}()

var blobSum = sha256.Sum256(blob)

// far is the other end of a tunnel: an HTTP server on :80 serving /blob,
// a UDP echo on :7 and DNS on :53 answering far.test.
type far struct {
	near, far *netstack.Stack
}

func newFar(t testing.TB) *far {
	near, fs := nt.Pair(t)
	ln, err := fs.ListenTCP(netip.AddrPortFrom(netip.Addr{}, 80))
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.ServeContent(w, r, "blob", time.Time{}, bytes.NewReader(blob))
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	echo := listenUDP(t, fs, 7)
	go udpEcho(echo)
	dns := listenUDP(t, fs, 53)
	go nt.ServeDNS(t, dns, map[string][]netip.Addr{"far.test": {nt.Far4}})
	return &far{near: near, far: fs}
}

func listenUDP(t testing.TB, s *netstack.Stack, port uint16) net.PacketConn {
	pc, err := s.ListenUDP(netip.AddrPortFrom(netip.Addr{}, port))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	return pc
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

func localListener(t testing.TB) net.Listener {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

// run starts fn in the background and, at cleanup, cancels it and checks
// that it returns promptly and without error.
func run(t testing.TB, fn func(ctx context.Context) error) {
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- fn(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-errc:
			if err != nil {
				t.Errorf("server returned %v", err)
			}
		case <-time.After(5 * time.Second):
			t.Errorf("server still running 5s after cancel")
		}
	})
}

func quiet() *proxy.Options {
	return &proxy.Options{Stats: new(proxy.Stats)}
}

// checkBlob reads r to the end and compares it with blob.
func checkBlob(t testing.TB, r io.Reader) {
	t.Helper()
	h := sha256.New()
	n, err := io.Copy(h, r)
	if err != nil {
		t.Fatalf("after %d bytes: %v", n, err)
	}
	if n != blobSize || !bytes.Equal(h.Sum(nil), blobSum[:]) {
		t.Fatalf("got %d bytes, checksum mismatch (want %d)", n, blobSize)
	}
}

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// discardServer reads and drops everything sent to port 5001 of s, and
// returns that address.
func discardServer(tb testing.TB, s *netstack.Stack) string {
	ln, err := s.ListenTCP(netip.AddrPortFrom(netip.Addr{}, 5001))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { io.Copy(io.Discard, c); c.Close() }()
		}
	}()
	return netip.AddrPortFrom(nt.Far4, 5001).String()
}
