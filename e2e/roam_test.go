//go:build linux

package e2e

import (
	"testing"
	"time"

	"github.com/tuntap/tuntap/internal/e2etest"
	"github.com/tuntap/tuntap/internal/netns"
)

// ttPair is two tuntap nodes on a veth pair: underlay 192.168.74.0/24,
// tunnel 10.74.0.0/24. Only a knows b's endpoint; b learns a's.
type ttPair struct {
	a, b   *netns.NS
	ka, kb e2etest.Key
	na, nb *e2etest.Node
}

func newTTPair(t *testing.T) *ttPair {
	t.Helper()
	p := &ttPair{a: netns.New(t), b: netns.New(t), ka: e2etest.NewKey(t), kb: e2etest.NewKey(t)}
	netns.Veth(t, p.a, "ub", p.b, "ua")
	p.a.MustRun(t, "ip", "addr", "add", "192.168.74.1/24", "dev", "ub")
	p.b.MustRun(t, "ip", "addr", "add", "192.168.74.2/24", "dev", "ua")
	dir := t.TempDir()
	p.na = startTuntap(t, p.a, e2etest.UniqueName("ra"), dir, e2etest.Conf{Key: p.ka, Port: ttPort, Addrs: []string{"10.74.0.1/24"},
		Peers: []e2etest.Peer{{Pub: p.kb.Pub, AllowedIPs: []string{"10.74.0.2/32"}, Endpoint: "192.168.74.2:51821"}}})
	p.nb = startTuntap(t, p.b, e2etest.UniqueName("rb"), dir, e2etest.Conf{Key: p.kb, Port: wgPort, Addrs: []string{"10.74.0.2/24"},
		Peers: []e2etest.Peer{{Pub: p.ka.Pub, AllowedIPs: []string{"10.74.0.1/32"}}}})
	e2etest.WaitPing(t, p.a, "10.74.0.2", 15*time.Second)
	return p
}

// TestRoaming moves a's underlay address in the middle of a TCP transfer:
// the stream completes intact and b follows a to its new address.
func TestRoaming(t *testing.T) {
	p := newTTPair(t)
	if pe, _ := p.nb.Show(t).Peer(p.ka.Pub); pe.Endpoint != "192.168.74.1:51820" {
		t.Fatalf("b's endpoint for a before the move: %q", pe.Endpoint)
	}
	moved := make(chan error, 1)
	go func() {
		time.Sleep(time.Second)
		if _, err := p.a.Run("ip", "addr", "del", "192.168.74.1/24", "dev", "ub"); err != nil {
			moved <- err
			return
		}
		_, err := p.a.Run("ip", "addr", "add", "192.168.74.3/24", "dev", "ub")
		moved <- err
	}()
	// About 4 s long, paced, so the move happens mid-stream.
	transfer{size: 40 << 20, timeout: 60 * time.Second, pace: 25 * time.Millisecond}.run(t, p.a, p.b, "10.74.0.2", 5004)
	if err := <-moved; err != nil {
		t.Fatalf("move a's address: %v", err)
	}
	e2etest.WaitPing(t, p.b, "10.74.0.1", 10*time.Second)
	if pe, _ := p.nb.Show(t).Peer(p.ka.Pub); pe.Endpoint != "192.168.74.3:51820" {
		t.Errorf("b's endpoint for a after the move: %q, want 192.168.74.3:51820", pe.Endpoint)
	}
}

// TestRestart kills one side and starts it again: traffic resumes within
// 20 s. When the responder (b, which knows no endpoint) restarts, a must
// notice the silence and handshake again; when the initiator restarts, its
// first packet starts a handshake that b must accept.
func TestRestart(t *testing.T) {
	for _, side := range []string{"responder", "initiator"} {
		t.Run(side, func(t *testing.T) {
			p := newTTPair(t)
			n := p.nb
			if side == "initiator" {
				n = p.na
			}
			n.Proc.Kill()
			gone := time.Now()
			n.Start(t)
			start := time.Now()
			e2etest.WaitPing(t, p.a, "10.74.0.2", 20*time.Second)
			t.Logf("%s restarted (down %s): traffic back after %s", side, start.Sub(gone).Round(time.Millisecond),
				time.Since(start).Round(time.Millisecond))
			e2etest.WaitPing(t, p.b, "10.74.0.1", 5*time.Second)
			if pe, _ := p.nb.Show(t).Peer(p.ka.Pub); pe.Endpoint != "192.168.74.1:51820" || pe.LatestHandshake == 0 {
				t.Errorf("b's peer after restart: endpoint %q handshake %d", pe.Endpoint, pe.LatestHandshake)
			}
		})
	}
}
