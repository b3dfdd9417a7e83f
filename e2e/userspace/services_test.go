//go:build linux

package userspace

import (
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tuntap/tuntap/internal/netns"
	"github.com/tuntap/tuntap/tun/netstack/netstacktest"
)

// listenIn opens a listener or packet socket inside ns; the socket stays
// in ns after Do returns.
func listenIn[T any](t *testing.T, ns *netns.NS, open func() (T, error)) T {
	t.Helper()
	var v T
	if err := ns.Do(func() (err error) { v, err = open(); return err }); err != nil {
		t.Fatalf("listen in %s: %v", ns.Name, err)
	}
	return v
}

// serveHTTP serves blob at /file and hello at / on addr in ns.
func serveHTTP(t *testing.T, ns *netns.NS, addr string, blob []byte, hello string) {
	t.Helper()
	ln := listenIn(t, ns, func() (net.Listener, error) { return net.Listen("tcp", addr) })
	mux := http.NewServeMux()
	mux.HandleFunc("/file", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(len(blob)))
		w.Write(blob)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(hello)) })
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
}

// serveUDPEcho sends every datagram back to its sender.
func serveUDPEcho(t *testing.T, ns *netns.NS, addr string) {
	t.Helper()
	pc := listenIn(t, ns, func() (net.PacketConn, error) { return net.ListenPacket("udp", addr) })
	t.Cleanup(func() { pc.Close() })
	go func() {
		buf := make([]byte, 65535)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			pc.WriteTo(buf[:n], from)
		}
	}()
}

// serveDNS answers A questions for host with addr, AAAA with no answer,
// anything else with NXDOMAIN. It counts the questions it got, which tells
// the test that names were resolved across the tunnel and not by the host.
func serveDNS(t *testing.T, ns *netns.NS, listen, host, addr string) *atomic.Int64 {
	t.Helper()
	pc := listenIn(t, ns, func() (net.PacketConn, error) { return net.ListenPacket("udp", listen) })
	t.Cleanup(func() { pc.Close() })
	cp := &countingConn{PacketConn: pc}
	go netstacktest.ServeDNS(t, cp, map[string][]netip.Addr{host: {netip.MustParseAddr(addr)}})
	return &cp.reads
}

// countingConn counts the datagrams read through it.
type countingConn struct {
	net.PacketConn
	reads atomic.Int64
}

func (c *countingConn) ReadFrom(b []byte) (int, net.Addr, error) {
	n, from, err := c.PacketConn.ReadFrom(b)
	if err == nil {
		c.reads.Add(1)
	}
	return n, from, err
}
