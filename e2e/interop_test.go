//go:build linux

package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/tuntap/tuntap/internal/e2etest"
	"github.com/tuntap/tuntap/internal/netns"
)

// pair is tuntap (namespace a) and wireguard-go (namespace b) joined by a
// veth pair: underlay 192.168.71.0/24, tunnel 10.71.0.0/24 and fd71::/64.
type pair struct {
	a, b   *netns.NS
	ka, kb e2etest.Key
	tt     *e2etest.Node
	wg     *wgNode
}

const (
	ttPort = 51820
	wgPort = 51821
)

// newPair starts both ends. initiator says which end knows the other's
// endpoint: "tuntap" or "wireguard-go" (only that end can start a handshake).
func newPair(t *testing.T, initiator string) *pair {
	t.Helper()
	p := &pair{a: netns.New(t), b: netns.New(t), ka: e2etest.NewKey(t), kb: e2etest.NewKey(t)}
	netns.Veth(t, p.a, "ub", p.b, "ua")
	p.a.MustRun(t, "ip", "addr", "add", "192.168.71.1/24", "dev", "ub")
	p.b.MustRun(t, "ip", "addr", "add", "192.168.71.2/24", "dev", "ua")

	peerB := e2etest.Peer{Pub: p.kb.Pub, AllowedIPs: []string{"10.71.0.2/32", "fd71::2/128"}}
	if initiator == "tuntap" {
		peerB.Endpoint = "192.168.71.2:51821"
	}
	p.tt = startTuntap(t, p.a, e2etest.UniqueName("tt"), "", e2etest.Conf{Key: p.ka, Port: ttPort, MTU: 1420,
		Addrs: []string{"10.71.0.1/24", "fd71::1/64"}, Peers: []e2etest.Peer{peerB}})
	p.wg = startWireguardGo(t, p.b, e2etest.UniqueName("wg"), p.kb, wgPort, "10.71.0.2/24", "fd71::2/64")
	ep := ""
	if initiator == "wireguard-go" {
		ep = "192.168.71.1:51820"
	}
	wgSetPeer(t, p.b, p.wg.name, p.ka.Pub, ep, "10.71.0.1/32", "fd71::1/128")
	return p
}

// TestInteropWireguardGo runs tuntap against the reference implementation:
// handshakes started by either side, ping both ways on IPv4 and IPv6, a
// 100 MB TCP stream with its SHA-256 checked, wg show against tuntap's
// socket, and a second peer added at run time with wg set.
func TestInteropWireguardGo(t *testing.T) {
	t.Run("tuntap-initiates", func(t *testing.T) {
		p := newPair(t, "tuntap")
		// Only tuntap knows an endpoint, so this handshake is tuntap's.
		e2etest.WaitPing(t, p.a, "10.71.0.2", 15*time.Second)
		if got := wgDump(t, p.b, p.wg.name)[p.ka.Pub.String()].Endpoint; got != "192.168.71.1:51820" {
			t.Fatalf("wireguard-go learned endpoint %q for tuntap, want 192.168.71.1:51820", got)
		}
		pingBothWays(t, p)

		transfer{size: 100 << 20, timeout: 240 * time.Second}.run(t, p.a, p.b, "10.71.0.2", 5001)

		checkWgShowOnTuntap(t, p)
		addSecondPeer(t, p)
	})
	t.Run("wireguard-go-initiates", func(t *testing.T) {
		p := newPair(t, "wireguard-go")
		if pe, _ := p.tt.Show(t).Peer(p.kb.Pub); pe.Endpoint != "" {
			t.Fatalf("tuntap has endpoint %q for a peer configured without one", pe.Endpoint)
		}
		e2etest.WaitPing(t, p.b, "10.71.0.1", 15*time.Second)
		if pe, _ := p.tt.Show(t).Peer(p.kb.Pub); pe.Endpoint != "192.168.71.2:51821" {
			t.Fatalf("tuntap learned endpoint %q, want 192.168.71.2:51821", pe.Endpoint)
		}
		pingBothWays(t, p)
		transfer{size: 100 << 20, timeout: 240 * time.Second}.run(t, p.b, p.a, "10.71.0.1", 5002)
	})
}

func pingBothWays(t *testing.T, p *pair) {
	t.Helper()
	for _, c := range []struct {
		ns   *netns.NS
		addr string
	}{{p.a, "10.71.0.2"}, {p.b, "10.71.0.1"}, {p.a, "fd71::2"}, {p.b, "fd71::1"}} {
		e2etest.WaitPing(t, c.ns, c.addr, 10*time.Second)
	}
}

// checkWgShowOnTuntap reads tuntap's state with the stock wg tool.
func checkWgShowOnTuntap(t *testing.T, p *pair) {
	t.Helper()
	out := p.a.MustRun(t, "wg", "show", p.tt.Name, "dump")
	head := strings.Split(strings.SplitN(out, "\n", 2)[0], "\t")
	if len(head) != 4 || head[1] != p.ka.Pub.String() || head[2] != "51820" {
		t.Fatalf("wg show %s dump: interface line %q, want public key %s and port 51820", p.tt.Name, head, p.ka.Pub)
	}
	pe, ok := wgDump(t, p.a, p.tt.Name)[p.kb.Pub.String()]
	if !ok {
		t.Fatalf("wg show %s dump lists no peer %s:\n%s", p.tt.Name, p.kb.Pub, out)
	}
	if age := time.Since(time.Unix(pe.Handshake, 0)); pe.Handshake == 0 || age > 2*time.Minute || age < -time.Minute {
		t.Errorf("wg show dump: latest handshake %d (%s ago), want a recent one", pe.Handshake, age)
	}
	if pe.Rx < 100<<20 && pe.Tx < 100<<20 || pe.Rx == 0 || pe.Tx == 0 {
		t.Errorf("wg show dump: rx %d tx %d after a 100 MB transfer", pe.Rx, pe.Tx)
	}
	if pe.Endpoint != "192.168.71.2:51821" || pe.AllowedIPs != "10.71.0.2/32,fd71::2/128" {
		t.Errorf("wg show dump: endpoint %q allowed-ips %q", pe.Endpoint, pe.AllowedIPs)
	}
	if pe.PSK != "(none)" {
		t.Errorf("wg show dump: preshared key %q, want (none)", pe.PSK)
	}
}

// addSecondPeer adds a second wireguard-go with `wg set` on tuntap's side
// while a ping series to the first peer runs, which must lose nothing.
func addSecondPeer(t *testing.T, p *pair) {
	t.Helper()
	c, kc := netns.New(t), e2etest.NewKey(t)
	netns.Veth(t, p.a, "uc", c, "ua")
	p.a.MustRun(t, "ip", "addr", "add", "192.168.72.1/24", "dev", "uc")
	c.MustRun(t, "ip", "addr", "add", "192.168.72.2/24", "dev", "ua")
	wc := startWireguardGo(t, c, e2etest.UniqueName("wg"), kc, wgPort, "10.71.0.3/24", "fd71::3/64")
	wgSetPeer(t, c, wc.name, p.ka.Pub, "", "10.71.0.1/32", "fd71::1/128")

	type series struct {
		sent, recv int
		err        error
	}
	done := make(chan series, 1)
	go func() {
		s, r, err := e2etest.PingCount(p.a, "10.71.0.2", 30, "0.2", 56)
		done <- series{s, r, err}
	}()
	time.Sleep(2 * time.Second)
	wgSetPeer(t, p.a, p.tt.Name, kc.Pub, "192.168.72.2:51821", "10.71.0.3/32", "fd71::3/128")
	e2etest.WaitPing(t, p.a, "10.71.0.3", 10*time.Second)
	e2etest.WaitPing(t, p.a, "fd71::3", 10*time.Second)
	e2etest.WaitPing(t, c, "10.71.0.1", 10*time.Second)
	s := <-done
	if s.err != nil {
		t.Fatal(s.err)
	}
	if s.sent != 30 || s.recv != s.sent {
		t.Errorf("ping series to the first peer while adding the second: %d sent, %d received", s.sent, s.recv)
	}
	e2etest.WaitPing(t, p.a, "10.71.0.2", 5*time.Second)
	peers := p.tt.Show(t).Peers
	if len(peers) != 2 {
		t.Errorf("tuntap show: %d peers after wg set, want 2", len(peers))
	}
}
