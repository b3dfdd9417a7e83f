package proxy_test

import (
	"context"
	"net"
	"testing"

	"github.com/tuntap/tuntap/proxy"
	xproxy "golang.org/x/net/proxy"
)

// benchSink starts a discard server on the far stack and returns its address.
func benchSink(b *testing.B, f *far) string { return discardServer(b, f.far) }

func benchWrite(b *testing.B, c net.Conn) {
	chunk := make([]byte, 64<<10)
	b.SetBytes(int64(len(chunk)))
	b.ResetTimer()
	for range b.N {
		if _, err := c.Write(chunk); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStackDirect is the baseline for BenchmarkSOCKS5: the same stream
// dialed on the stack itself.
func BenchmarkStackDirect(b *testing.B) {
	f := newFar(b)
	c, err := f.near.DialContext(context.Background(), "tcp", benchSink(b, f))
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	benchWrite(b, c)
}

// BenchmarkSOCKS5 streams from a loopback client through the SOCKS5 server
// into the stack pair.
func BenchmarkSOCKS5(b *testing.B) {
	f := newFar(b)
	target := benchSink(b, f)
	ln := localListener(b)
	run(b, func(ctx context.Context) error { return proxy.ServeSOCKS5(ctx, ln, f.near, nil, quiet()) })
	d, err := xproxy.SOCKS5("tcp", ln.Addr().String(), nil, &net.Dialer{})
	if err != nil {
		b.Fatal(err)
	}
	c, err := d.Dial("tcp", target)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	benchWrite(b, c)
}
