package proxy_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"testing"
	"time"

	"github.com/tuntap/tuntap/proxy"
	xproxy "golang.org/x/net/proxy"
)

func startSOCKS(t testing.TB, f *far, auth *proxy.Credentials, o *proxy.Options) string {
	ln := localListener(t)
	run(t, func(ctx context.Context) error { return proxy.ServeSOCKS5(ctx, ln, f.near, auth, o) })
	return ln.Addr().String()
}

func socksHTTPClient(t testing.TB, addr string, auth *xproxy.Auth) *http.Client {
	d, err := xproxy.SOCKS5("tcp", addr, auth, &net.Dialer{})
	if err != nil {
		t.Fatal(err)
	}
	tr := &http.Transport{DialContext: d.(xproxy.ContextDialer).DialContext, DisableCompression: true}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

func TestSOCKS5Connect(t *testing.T) {
	f := newFar(t)
	addr := startSOCKS(t, f, nil, quiet())
	c := socksHTTPClient(t, addr, nil)
	for _, url := range []string{"http://10.99.0.2/blob", "http://far.test/blob", "http://[fd99::2]/blob"} {
		t.Run(url, func(t *testing.T) {
			resp, err := c.Get(url)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			checkBlob(t, resp.Body)
		})
	}
}

func TestSOCKS5Auth(t *testing.T) {
	f := newFar(t)
	o := quiet()
	addr := startSOCKS(t, f, &proxy.Credentials{Username: "alice", Password: "s3cret"}, o)
	for _, tc := range []struct {
		name string
		auth *xproxy.Auth
		ok   bool
	}{
		{"right password", &xproxy.Auth{User: "alice", Password: "s3cret"}, true},
		{"wrong password", &xproxy.Auth{User: "alice", Password: "guess"}, false},
		{"wrong user", &xproxy.Auth{User: "bob", Password: "s3cret"}, false},
		{"no credentials", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := socksHTTPClient(t, addr, tc.auth).Get("http://10.99.0.2/blob")
			if (err == nil) != tc.ok {
				t.Fatalf("Get: err = %v, want ok=%v", err, tc.ok)
			}
			if err == nil {
				checkBlob(t, resp.Body)
				resp.Body.Close()
			}
		})
	}
	if got := o.Stats.AuthFailed.Load(); got != 3 {
		t.Fatalf("AuthFailed = %d, want 3", got)
	}
}

func TestSOCKS5ErrorReplies(t *testing.T) {
	f := newFar(t)
	addr := startSOCKS(t, f, nil, quiet())
	for _, tc := range []struct {
		name    string
		request []byte // after the greeting
		rep     byte
	}{
		{"refused", connectReq(netip.MustParseAddrPort("10.99.0.2:1")), 5},
		{"bind unsupported", []byte{5, 2, 0, 1, 10, 99, 0, 2, 0, 80}, 7},
		{"bad address type", []byte{5, 1, 0, 9, 0, 0}, 8},
		{"unknown host", append([]byte{5, 1, 0, 3, 7}, "nx.test\x00\x50"...), 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := greet(t, addr)
			c.Write(tc.request)
			rep := make([]byte, 10)
			if _, err := io.ReadFull(c, rep); err != nil {
				t.Fatal(err)
			}
			if rep[1] != tc.rep {
				t.Fatalf("reply code %d, want %d", rep[1], tc.rep)
			}
		})
	}
}

// greet opens a control connection and negotiates "no authentication".
func greet(t testing.TB, addr string) net.Conn {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(10 * time.Second))
	c.Write([]byte{5, 1, 0})
	var m [2]byte
	if _, err := io.ReadFull(c, m[:]); err != nil || m != [2]byte{5, 0} {
		t.Fatalf("method reply %v, %v", m, err)
	}
	return c
}

func connectReq(ap netip.AddrPort) []byte { return socksReq(1, ap) }

func socksReq(cmd byte, ap netip.AddrPort) []byte {
	b := []byte{5, cmd, 0, 1}
	if ap.Addr().Is6() {
		b[3] = 4
	}
	b = append(b, ap.Addr().AsSlice()...)
	return binary.BigEndian.AppendUint16(b, ap.Port())
}

// associate performs UDP ASSOCIATE and returns the relay address.
func associate(t testing.TB, c net.Conn) netip.AddrPort {
	c.Write(socksReq(3, netip.MustParseAddrPort("0.0.0.0:0")))
	rep := make([]byte, 10)
	if _, err := io.ReadFull(c, rep); err != nil || rep[1] != 0 || rep[3] != 1 {
		t.Fatalf("associate reply %v, %v", rep, err)
	}
	a, _ := netip.AddrFromSlice(rep[4:8])
	return netip.AddrPortFrom(a, binary.BigEndian.Uint16(rep[8:]))
}

func udpHeader(host string, port uint16) []byte {
	b := []byte{0, 0, 0}
	if a, err := netip.ParseAddr(host); err == nil {
		b = append(b[:3], 1)
		if a.Is6() {
			b[3] = 4
		}
		b = append(b, a.AsSlice()...)
	} else {
		b = append(b, 3, byte(len(host)))
		b = append(b, host...)
	}
	return binary.BigEndian.AppendUint16(b, port)
}

func TestSOCKS5UDPAssociate(t *testing.T) {
	f := newFar(t)
	addr := startSOCKS(t, f, nil, quiet())
	c := greet(t, addr)
	relay := associate(t, c)
	u, err := net.DialUDP("udp", nil, net.UDPAddrFromAddrPort(relay))
	if err != nil {
		t.Fatal(err)
	}
	defer u.Close()
	for i, dst := range []struct {
		host string
		want string // source named in the reply header
	}{{"10.99.0.2", "10.99.0.2:7"}, {"far.test", "10.99.0.2:7"}, {"fd99::2", "[fd99::2]:7"}} {
		msg := []byte(fmt.Sprintf("datagram %d", i))
		u.SetDeadline(time.Now().Add(5 * time.Second))
		if _, err := u.Write(append(udpHeader(dst.host, 7), msg...)); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 1500)
		n, err := u.Read(buf)
		if err != nil {
			t.Fatalf("%s: %v", dst.host, err)
		}
		src, payload := parseReplyHeader(t, buf[:n])
		if src != dst.want || !bytes.Equal(payload, msg) {
			t.Fatalf("%s: reply from %s %q, want %s %q", dst.host, src, payload, dst.want, msg)
		}
	}
}

func parseReplyHeader(t testing.TB, b []byte) (string, []byte) {
	if len(b) < 10 || b[3] != 1 && b[3] != 4 {
		t.Fatalf("bad reply header % x", b)
	}
	n := 4
	if b[3] == 4 {
		n = 16
	}
	a, _ := netip.AddrFromSlice(b[4 : 4+n])
	return netip.AddrPortFrom(a, binary.BigEndian.Uint16(b[4+n:])).String(), b[6+n:]
}

func TestSOCKS5UDPEndsWithControlConnection(t *testing.T) {
	f := newFar(t)
	addr := startSOCKS(t, f, nil, quiet())
	c := greet(t, addr)
	relay := associate(t, c)
	c.Close()
	u, err := net.DialUDP("udp", nil, net.UDPAddrFromAddrPort(relay))
	if err != nil {
		t.Fatal(err)
	}
	defer u.Close()
	// Once the control connection is gone the relay socket closes; poll
	// until a datagram is no longer answered.
	for i := range 50 {
		u.SetDeadline(time.Now().Add(100 * time.Millisecond))
		u.Write(append(udpHeader("10.99.0.2", 7), "x"...))
		if _, err := u.Read(make([]byte, 100)); err != nil {
			return
		}
		if i == 49 {
			t.Fatal("relay still answering after the control connection closed")
		}
	}
}
