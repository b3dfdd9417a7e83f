package proxy_test

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tuntap/tuntap/proxy"
)

func startHTTPProxy(t testing.TB, f *far) string {
	ln := localListener(t)
	run(t, func(ctx context.Context) error { return proxy.ServeHTTP(ctx, ln, f.near, quiet()) })
	return ln.Addr().String()
}

func proxiedClient(t testing.TB, proxyAddr string) *http.Client {
	u, _ := url.Parse("http://" + proxyAddr)
	tr := &http.Transport{Proxy: http.ProxyURL(u), DisableCompression: true}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

// TestHTTPProxyGet: Go's client sends absolute-URI GETs for http:// URLs.
func TestHTTPProxyGet(t *testing.T) {
	f := newFar(t)
	c := proxiedClient(t, startHTTPProxy(t, f))
	for _, u := range []string{"http://far.test/blob", "http://10.99.0.2:80/blob", "http://[fd99::2]/blob"} {
		resp, err := c.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		checkBlob(t, resp.Body)
		resp.Body.Close()
	}
}

// TestHTTPProxyConnect: a raw CONNECT, then HTTP inside the tunnel.
func TestHTTPProxyConnect(t *testing.T) {
	f := newFar(t)
	addr := startHTTPProxy(t, f)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(20 * time.Second))
	io.WriteString(c, "CONNECT far.test:80 HTTP/1.1\r\nHost: far.test:80\r\n\r\nGET /blob HTTP/1.1\r\nHost: far.test\r\n\r\n")
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("CONNECT: %v %v", resp, err)
	}
	resp, err = http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkBlob(t, resp.Body)
}

func TestHTTPProxyErrors(t *testing.T) {
	f := newFar(t)
	addr := startHTTPProxy(t, f)
	for _, tc := range []struct {
		name, req string
		status    int
	}{
		{"garbage", "hello\r\n\r\n", 400},
		{"origin form", "GET /blob HTTP/1.1\r\nHost: far.test\r\n\r\n", 400},
		{"connect without port", "CONNECT far.test HTTP/1.1\r\n\r\n", 400},
		{"connect port 0", "CONNECT far.test:0 HTTP/1.1\r\n\r\n", 400},
		{"refused", "CONNECT 10.99.0.2:1 HTTP/1.1\r\n\r\n", 502},
		{"unknown host", "CONNECT nx.test:80 HTTP/1.1\r\n\r\n", 502},
		{"huge header", "GET http://far.test/ HTTP/1.1\r\nX: " + strings.Repeat("a", 70<<10) + "\r\n\r\n", 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(10 * time.Second))
			go io.WriteString(c, tc.req)
			resp, err := http.ReadResponse(bufio.NewReader(c), nil)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.status)
			}
		})
	}
}
