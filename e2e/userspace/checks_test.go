//go:build linux

package userspace

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/tuntap/tuntap/internal/e2etest"
	"github.com/tuntap/tuntap/internal/netns"
)

// proxyFlags and proxyKeys configure the same proxies, forwards and
// exposed ports, once as flags of tuntap up and once as config keys.
var proxyFlags = []string{
	"--socks5", socksAddr, "--http-proxy", httpProxyAddr,
	"--forward", fmt.Sprintf("tcp:%s=%s:%d", fwdTCPAddr, peerAddr, httpPort),
	"--forward", fmt.Sprintf("udp:%s=%s:%d", fwdUDPAddr, peerAddr, echoPort),
	"--expose", fmt.Sprintf("tcp:%d=%s", exposeTCPPort, localHTTPAddr),
	"--expose", fmt.Sprintf("udp:%d=%s", exposeUDPPort, localUDPAddr),
}

var proxyKeys = []string{
	"SOCKS5 = " + socksAddr,
	"HTTPProxy = " + httpProxyAddr,
	fmt.Sprintf("Forward = tcp:%s=%s:%d, udp:%s=%s:%d", fwdTCPAddr, peerAddr, httpPort, fwdUDPAddr, peerAddr, echoPort),
	fmt.Sprintf("Expose = tcp:%d=%s", exposeTCPPort, localHTTPAddr),
	fmt.Sprintf("Expose = udp:%d=%s", exposeUDPPort, localUDPAddr),
}

// curl runs curl in ns and returns what it wrote to stdout.
func curl(ns *netns.NS, args ...string) ([]byte, error) {
	cmd := ns.Command("curl", append([]string{"-sS", "--fail", "--max-time", "60"}, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("curl %s: %v: %s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.Bytes(), nil
}

// fetchBlob fetches B's file with curl in A and checks its SHA-256.
func (tp *topo) fetchBlob(t *testing.T, what string, args ...string) {
	t.Helper()
	start := time.Now()
	got, err := curl(tp.a, args...)
	if err != nil {
		t.Errorf("%s: %v", what, err)
		return
	}
	if sha256.Sum256(got) != tp.sum {
		t.Errorf("%s: got %d bytes with SHA-256 %x, want %d bytes with %x", what, len(got), sha256.Sum256(got), len(tp.blob), tp.sum)
		return
	}
	t.Logf("%s: %d bytes, SHA-256 matches, %.1f s", what, len(got), time.Since(start).Seconds())
}

// tuntapPing runs `tuntap ping` in A against B's tunnel address.
func (tp *topo) tuntapPing(t testing.TB, sockDir string, count int) (string, error) {
	args := []string{"ping", "-c", fmt.Sprint(count)}
	if sockDir != "" {
		args = append(args, "--socket-dir", sockDir)
	}
	out, err := tp.a.Command(e2etest.Bin(t), append(args, tp.name, peerAddr)...).CombinedOutput()
	return string(out), err
}

// waitTunnel waits until a ping from the stack crosses the tunnel (the
// first handshake), then wants every ping of a series answered.
func (tp *topo) waitTunnel(t *testing.T, sockDir string) {
	t.Helper()
	var out string
	if !e2etest.WaitFor(20*time.Second, func() bool {
		var err error
		out, err = tp.tuntapPing(t, sockDir, 1)
		return err == nil
	}) {
		t.Fatalf("tuntap ping %s from the stack: no reply within 20 s:\n%s", peerAddr, out)
	}
	out, err := tp.tuntapPing(t, sockDir, 3)
	if err != nil || !strings.Contains(out, "3 sent, 3 received") {
		t.Fatalf("tuntap ping -c 3 %s: %v\n%s", peerAddr, err, out)
	}
	t.Logf("tuntap ping from the stack:\n%s", out)
}

// kernelPing pings the stack's address with the kernel's ping from B.
func (tp *topo) kernelPing(t *testing.T) {
	t.Helper()
	out, err := tp.b.Run("ping", "-c", "3", "-i", "0.2", "-W", "2", stackAddr)
	if err != nil || !strings.Contains(out, " 0% packet loss") {
		t.Errorf("ping %s from B (kernel): %v\n%s", stackAddr, err, out)
	}
}

// udpEcho sends payload to addr from inside ns and wants it back.
func udpEcho(ns *netns.NS, addr string, payload []byte) error {
	return ns.Do(func() error {
		c, err := net.Dial("udp", addr)
		if err != nil {
			return err
		}
		defer c.Close()
		buf := make([]byte, 65535)
		for range 5 {
			if _, err := c.Write(payload); err != nil {
				return err
			}
			c.SetReadDeadline(time.Now().Add(2 * time.Second))
			n, err := c.Read(buf)
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			if err != nil {
				return err
			}
			if !bytes.Equal(buf[:n], payload) {
				return fmt.Errorf("echo of %d bytes differs from the %d sent", n, len(payload))
			}
			return nil
		}
		return fmt.Errorf("udp %s: no echo after 5 tries", addr)
	})
}

// exercise is everything a user of the user-space mode does, with the
// proxies of proxyFlags/proxyKeys: SOCKS5 (TCP by address and by name, UDP),
// the HTTP proxy, both forwards, both exposed ports, and ping both ways.
func (tp *topo) exercise(t *testing.T, sockDir string, auth *creds) {
	t.Helper()
	// The control: A's kernel has no route into the tunnel, so whatever
	// reaches B below went through the stack.
	if _, err := curl(tp.a, "--max-time", "3", fmt.Sprintf("http://%s:%d/", peerAddr, httpPort)); err == nil {
		t.Fatalf("A reaches %s without the stack: the test would prove nothing", peerAddr)
	}
	tp.waitTunnel(t, sockDir)
	tp.kernelPing(t)

	socks := []string{"--socks5-hostname", socksAddr}
	if auth != nil {
		socks = append(socks, "--proxy-user", auth.user+":"+auth.pass)
		if _, err := curl(tp.a, "--socks5-hostname", socksAddr, "--proxy-user", auth.user+":wrong",
			fmt.Sprintf("http://%s:%d/", peerAddr, httpPort)); err == nil {
			t.Errorf("SOCKS5 with a wrong password: curl succeeded")
		}
	}
	tp.fetchBlob(t, "SOCKS5 by address", append(socks, fmt.Sprintf("http://%s:%d/file", peerAddr, httpPort))...)
	before := tp.dns.Load()
	tp.fetchBlob(t, "SOCKS5 by name", append(socks, fmt.Sprintf("http://%s:%d/file", testHost, httpPort))...)
	if tp.dns.Load() == before {
		t.Errorf("SOCKS5 by name: B's DNS server at %s was not asked", peerAddr)
	}
	if _, err := curl(tp.a, append(socks, fmt.Sprintf("http://no-such-name.tunnel.test:%d/", httpPort))...); err == nil {
		t.Errorf("SOCKS5 to a name B's DNS server does not know: curl succeeded")
	}
	err := tp.a.Do(func() error {
		payloads := [][]byte{[]byte("x"), bytes.Repeat([]byte("udp "), 128), bytes.Repeat([]byte{0xa5}, 1200)}
		return socksUDP(socksAddr, auth, netipPort(peerAddr, echoPort), payloads)
	})
	if err != nil {
		t.Errorf("SOCKS5 UDP ASSOCIATE round trip: %v", err)
	}

	tp.fetchBlob(t, "HTTP proxy CONNECT by address", "-p", "-x", "http://"+httpProxyAddr, fmt.Sprintf("http://%s:%d/file", peerAddr, httpPort))
	tp.fetchBlob(t, "HTTP proxy CONNECT by name", "-p", "-x", "http://"+httpProxyAddr, fmt.Sprintf("http://%s:%d/file", testHost, httpPort))
	tp.fetchBlob(t, "HTTP proxy GET (no CONNECT)", "-x", "http://"+httpProxyAddr, fmt.Sprintf("http://%s:%d/file", testHost, httpPort))

	tp.fetchBlob(t, "forwarded TCP port", "http://"+fwdTCPAddr+"/file")
	if err := udpEcho(tp.a, fwdUDPAddr, []byte("through the UDP forward")); err != nil {
		t.Errorf("forwarded UDP port %s: %v", fwdUDPAddr, err)
	}

	got, err := curl(tp.b, fmt.Sprintf("http://%s:%d/", stackAddr, exposeTCPPort))
	if err != nil || string(got) != "exposed service in A\n" {
		t.Errorf("exposed TCP port from B: %q, %v", got, err)
	}
	if err := udpEcho(tp.b, fmt.Sprintf("%s:%d", stackAddr, exposeUDPPort), []byte("to the exposed UDP port")); err != nil {
		t.Errorf("exposed UDP port from B: %v", err)
	}
}

// mustFallBack checks the one log line of the automatic fallback.
func mustFallBack(t *testing.T, p *e2etest.Proc, cause string) {
	t.Helper()
	log := p.Output()
	for _, want := range []string{
		`level=WARN msg="no TUN device here: falling back to the user-space network stack"`,
		`cause="` + cause,
		`userspace=true`,
	} {
		if !strings.Contains(log, want) {
			t.Errorf("tuntap up log lacks %q:\n%s", want, log)
		}
	}
	if n := strings.Count(log, "falling back to the user-space"); n != 1 {
		t.Errorf("the fallback is logged %d times, want once", n)
	}
}
