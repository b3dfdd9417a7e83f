//go:build linux

package e2e

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"io"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/tuntap/tuntap/internal/e2etest"
	"github.com/tuntap/tuntap/internal/netns"
	"github.com/tuntap/tuntap/internal/testenv"
)

func requireWG(t testing.TB) {
	t.Helper()
	testenv.RequireTool(t, "wg")
}

// pingSeries runs ping -c count -i interval -s size and returns sent and
// received, failing the test if ping printed no statistics.
func pingSeries(t testing.TB, ns *netns.NS, addr string, count int, interval string, size int) (int, int) {
	t.Helper()
	sent, recv, err := e2etest.PingCount(ns, addr, count, interval, size)
	if err != nil {
		t.Fatal(err)
	}
	return sent, recv
}

// transfer is one TCP stream of a known size whose SHA-256 both ends compute.
type transfer struct {
	size    int64
	timeout time.Duration
	// pace, if set, sleeps between 256 KiB writes so the stream lasts a while.
	pace time.Duration
}

type recvResult struct {
	n   int64
	sum [32]byte
	err error
}

// run sends t.size bytes from ns `from` to addr:port, listening in ns `to`,
// and checks that the receiver saw exactly the bytes sent.
func (tr transfer) run(t testing.TB, from, to *netns.NS, addr string, port int) time.Duration {
	t.Helper()
	hostPort := net.JoinHostPort(addr, strconv.Itoa(port))
	var ln net.Listener
	if err := to.Do(func() (err error) { ln, err = net.Listen("tcp", hostPort); return }); err != nil {
		t.Fatalf("listen %s in %s: %v", hostPort, to.Name, err)
	}
	defer ln.Close()
	deadline := time.Now().Add(tr.timeout)
	res := make(chan recvResult, 1)
	go func() { res <- receive(ln, deadline) }()
	var c net.Conn
	if err := from.Do(func() (err error) {
		c, err = net.DialTimeout("tcp", hostPort, 10*time.Second)
		return
	}); err != nil {
		t.Fatalf("dial %s from %s: %v", hostPort, from.Name, err)
	}
	start := time.Now()
	sent, sum, err := tr.send(c, deadline)
	if err != nil {
		c.Close()
		t.Fatalf("send %d bytes to %s: %v after %d bytes", tr.size, hostPort, err, sent)
	}
	r := <-res
	took := time.Since(start)
	if r.err != nil {
		t.Fatalf("receive from %s: %v after %d of %d bytes", from.Name, r.err, r.n, tr.size)
	}
	if r.n != tr.size || r.sum != sum {
		t.Fatalf("transfer: received %d bytes sha256 %x, sent %d bytes sha256 %x", r.n, r.sum, sent, sum)
	}
	t.Logf("transfer %d MB %s -> %s verified (sha256 %x) in %s (%.0f Mbit/s)", tr.size>>20, from.Name, to.Name,
		sum[:8], took.Round(time.Millisecond), float64(tr.size)*8/took.Seconds()/1e6)
	return took
}

func receive(ln net.Listener, deadline time.Time) recvResult {
	if tl, ok := ln.(*net.TCPListener); ok {
		tl.SetDeadline(deadline)
	}
	c, err := ln.Accept()
	if err != nil {
		return recvResult{err: err}
	}
	defer c.Close()
	c.SetDeadline(deadline)
	h := sha256.New()
	n, err := io.CopyBuffer(h, c, make([]byte, 256<<10))
	var r recvResult
	r.n, r.err = n, err
	copy(r.sum[:], h.Sum(nil))
	return r
}

// send writes a random block over and over, each copy stamped with its
// sequence number, so a lost, repeated or reordered block changes the hash.
func (tr transfer) send(c net.Conn, deadline time.Time) (int64, [32]byte, error) {
	defer c.Close()
	c.SetDeadline(deadline)
	block := make([]byte, 256<<10)
	rand.Read(block)
	h := sha256.New()
	var sent int64
	for seq := uint64(0); sent < tr.size; seq++ {
		binary.BigEndian.PutUint64(block, seq)
		chunk := block
		if rest := tr.size - sent; rest < int64(len(chunk)) {
			chunk = chunk[:rest]
		}
		n, err := c.Write(chunk)
		h.Write(chunk[:n])
		sent += int64(n)
		if err != nil {
			var sum [32]byte
			return sent, sum, err
		}
		if tr.pace > 0 {
			time.Sleep(tr.pace)
		}
	}
	var sum [32]byte
	copy(sum[:], h.Sum(nil))
	if tc, ok := c.(*net.TCPConn); ok {
		tc.CloseWrite()
	}
	// Wait for the receiver to close, so the stream is complete before we
	// return (and the hash comparison is final).
	io.Copy(io.Discard, c)
	return sent, sum, nil
}
