//go:build linux

package userspace

import (
	"errors"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/net/dns/dnsmessage"

	"github.com/tuntap/tuntap/internal/netns"
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
	name := dnsmessage.MustNewName(host + ".")
	a := netip.MustParseAddr(addr).As4()
	var asked atomic.Int64
	go func() {
		buf := make([]byte, 1500)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			if reply, err := dnsAnswer(buf[:n], name, a); err == nil {
				asked.Add(1)
				pc.WriteTo(reply, from)
			}
		}
	}()
	return &asked
}

func dnsAnswer(msg []byte, name dnsmessage.Name, a [4]byte) ([]byte, error) {
	var p dnsmessage.Parser
	h, err := p.Start(msg)
	if err != nil {
		return nil, err
	}
	q, err := p.Question()
	if err != nil {
		return nil, err
	}
	if h.Response {
		return nil, errors.New("not a question")
	}
	rh := dnsmessage.Header{ID: h.ID, Response: true, Authoritative: true, RecursionDesired: h.RecursionDesired}
	if q.Name != name {
		rh.RCode = dnsmessage.RCodeNameError
	}
	b := dnsmessage.NewBuilder(nil, rh)
	b.EnableCompression()
	if err := b.StartQuestions(); err != nil {
		return nil, err
	}
	if err := b.Question(q); err != nil {
		return nil, err
	}
	if err := b.StartAnswers(); err != nil {
		return nil, err
	}
	if q.Name == name && q.Type == dnsmessage.TypeA {
		rr := dnsmessage.ResourceHeader{Name: name, Type: dnsmessage.TypeA, Class: dnsmessage.ClassINET, TTL: 60}
		if err := b.AResource(rr, dnsmessage.AResource{A: a}); err != nil {
			return nil, err
		}
	}
	return b.Finish()
}
