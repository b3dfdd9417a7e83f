//go:build linux

package e2e

import (
	"crypto/rand"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tuntap/tuntap/internal/e2etest"
	"github.com/tuntap/tuntap/internal/netns"
	"github.com/tuntap/tuntap/noise"
)

// flooder sends handshake initiations from many source addresses and ports:
// garbage (right size and type, random bytes, no valid MAC1) and forgeries
// with a valid MAC1 (which cost the target a Diffie-Hellman unless it is
// under load and asks for cookies).
type flooder struct {
	conns  []*net.UDPConn
	msgs   [][]byte
	sent   atomic.Int64
	stop   chan struct{}
	halted sync.Once
	done   chan struct{}
	target *net.UDPAddr
}

// newFlooder opens sockets in ns on each of srcs, ports chosen by the kernel.
func newFlooder(t *testing.T, ns *netns.NS, srcs []string, portsPerAddr int, target string, targetKey noise.PublicKey) *flooder {
	t.Helper()
	f := &flooder{stop: make(chan struct{}), done: make(chan struct{})}
	var err error
	if f.target, err = net.ResolveUDPAddr("udp", target); err != nil {
		t.Fatal(err)
	}
	err = ns.Do(func() error {
		for _, s := range srcs {
			for range portsPerAddr {
				c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.ParseIP(s)})
				if err != nil {
					return err
				}
				f.conns = append(f.conns, c)
			}
		}
		return nil
	})
	t.Cleanup(func() {
		for _, c := range f.conns {
			c.Close()
		}
	})
	if err != nil {
		t.Fatalf("flood sockets: %v", err)
	}
	gen := noise.NewCookieGenerator(targetKey)
	for i := range 512 {
		m := make([]byte, noise.MessageInitiationSize)
		rand.Read(m)
		copy(m, []byte{noise.MessageInitiationType, 0, 0, 0})
		if i%2 == 0 {
			gen.AddMACs(m, time.Now())
		}
		f.msgs = append(f.msgs, m)
	}
	return f
}

func (f *flooder) start() {
	go func() {
		defer close(f.done)
		for i := 0; ; i++ {
			select {
			case <-f.stop:
				return
			default:
			}
			c := f.conns[i%len(f.conns)]
			if _, err := c.WriteToUDP(f.msgs[i%len(f.msgs)], f.target); err == nil {
				f.sent.Add(1)
			} else {
				time.Sleep(time.Millisecond) // socket buffer full
			}
		}
	}()
}

func (f *flooder) halt() int64 {
	f.halted.Do(func() { close(f.stop) })
	<-f.done
	return f.sent.Load()
}

// TestHandshakeFlood floods the responder with initiations from 40 source
// addresses and 320 ports while its legitimate peer transfers 50 MB and then
// restarts (so a fresh handshake must get through the flood). The transfer
// completes intact, the responder's memory stays bounded, and its counters
// name the drops.
func TestHandshakeFlood(t *testing.T) {
	p := newTTPair(t)
	c := netns.New(t)
	netns.Veth(t, p.b, "uc", c, "ub")
	p.b.MustRun(t, "ip", "addr", "add", "192.168.75.1/24", "dev", "uc")
	var srcs []string
	for i := 2; i < 42; i++ {
		s := fmt.Sprintf("192.168.75.%d", i)
		c.MustRun(t, "ip", "addr", "add", s+"/24", "dev", "ub")
		srcs = append(srcs, s)
	}
	rss0, err := p.nb.Proc.RSSKB()
	if err != nil {
		t.Fatal(err)
	}
	f := newFlooder(t, c, srcs, 8, "192.168.75.1:51821", p.kb.Pub)
	f.start()
	defer f.halt()
	maxRSS := rss0
	sample := func() {
		if r, err := p.nb.Proc.RSSKB(); err == nil && r > maxRSS {
			maxRSS = r
		}
	}
	floodStart := time.Now()
	time.Sleep(time.Second) // the flood in full swing before the transfer
	transfer{size: 50 << 20, timeout: 120 * time.Second}.run(t, p.a, p.b, "10.74.0.2", 5005)
	sample()
	// A new initiator: its handshake must pass the flood (with a cookie if
	// the responder is under load).
	p.na.Proc.Kill()
	p.na.Start(t)
	restarted := time.Now()
	e2etest.WaitPing(t, p.a, "10.74.0.2", 20*time.Second)
	t.Logf("handshake of the restarted initiator got through the flood in %s", time.Since(restarted).Round(time.Millisecond))
	sample()
	sent, recv := pingSeries(t, p.a, "10.74.0.2", 20, "0.1", 56)
	sample()
	n := f.halt()
	took := time.Since(floodStart)
	t.Logf("flood: %d initiations in %s (%.0f/s); responder RSS %d kB before, %d kB max",
		n, took.Round(time.Millisecond), float64(n)/took.Seconds(), rss0, maxRSS)
	if recv < sent-1 {
		t.Errorf("pings during the flood: %d of %d answered", recv, sent)
	}
	limit := 50 << 10
	if e2etest.RaceBuild() {
		limit *= 3 // the race detector's shadow memory grows with the heap
	}
	if maxRSS-rss0 > limit {
		t.Errorf("responder RSS grew by %d kB under the flood (limit %d kB)", maxRSS-rss0, limit)
	}
	ctr := p.nb.Show(t).Counters
	t.Logf("responder counters: %v", ctr)
	if ctr["drop_bad_mac1"] == 0 {
		t.Errorf("no drop_bad_mac1 after %d garbage initiations", n/2)
	}
	if ctr["drop_handshake_failed"]+ctr["cookie_replies"]+ctr["drop_rate_limited"]+ctr["drop_handshake_queue_full"] == 0 {
		t.Errorf("forged initiations with a valid MAC1 left no trace in the counters")
	}
}
