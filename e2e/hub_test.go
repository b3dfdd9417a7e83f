//go:build linux

package e2e

import (
	"fmt"
	"testing"
	"time"

	"github.com/tuntap/tuntap/internal/e2etest"
	"github.com/tuntap/tuntap/internal/netns"
)

// TestHubAndSpoke: two tuntap clients reach each other through a tuntap hub
// whose kernel forwards between its peers. Each client's only peer is the
// hub, allowed the whole tunnel subnet; the hub allows each client its /32.
func TestHubAndSpoke(t *testing.T) {
	hub, c1, c2 := netns.New(t), netns.New(t), netns.New(t)
	kh, k1, k2 := e2etest.NewKey(t), e2etest.NewKey(t), e2etest.NewKey(t)
	netns.Veth(t, hub, "u1", c1, "uh")
	netns.Veth(t, hub, "u2", c2, "uh")
	hub.MustRun(t, "ip", "addr", "add", "192.168.81.1/24", "dev", "u1")
	hub.MustRun(t, "ip", "addr", "add", "192.168.82.1/24", "dev", "u2")
	c1.MustRun(t, "ip", "addr", "add", "192.168.81.2/24", "dev", "uh")
	c2.MustRun(t, "ip", "addr", "add", "192.168.82.2/24", "dev", "uh")
	hub.MustRun(t, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1")

	sockDir := t.TempDir()
	startTuntap(t, hub, e2etest.UniqueName("hub"), sockDir, e2etest.Conf{Key: kh, Port: ttPort, Mode: "tun", Addrs: []string{"10.80.0.1/24"},
		Peers: []e2etest.Peer{
			{Pub: k1.Pub, AllowedIPs: []string{"10.80.0.2/32"}},
			{Pub: k2.Pub, AllowedIPs: []string{"10.80.0.3/32"}},
		}})
	var clients []*e2etest.Node
	for i, c := range []struct {
		ns *netns.NS
		k  e2etest.Key
	}{{c1, k1}, {c2, k2}} {
		clients = append(clients, startTuntap(t, c.ns, e2etest.UniqueName("cl"), sockDir, e2etest.Conf{Key: c.k, Port: ttPort,
			Addrs: []string{fmt.Sprintf("10.80.0.%d/24", i+2)},
			Peers: []e2etest.Peer{{Pub: kh.Pub, AllowedIPs: []string{"10.80.0.0/24"},
				Endpoint: fmt.Sprintf("192.168.8%d.1:51820", i+1), Keepalive: 25}}}))
	}
	// Client 2 must have a session with the hub before client 1's packets
	// can be forwarded to it (the hub knows its endpoint only then).
	e2etest.WaitPing(t, c2, "10.80.0.1", 15*time.Second)
	e2etest.WaitPing(t, c1, "10.80.0.3", 15*time.Second)
	e2etest.WaitPing(t, c2, "10.80.0.2", 10*time.Second)
	sent, recv := pingSeries(t, c1, "10.80.0.3", 10, "0.2", 1000)
	if recv != sent {
		t.Errorf("client1 -> client2 through the hub: %d of %d answered", recv, sent)
	}
	transfer{size: 20 << 20, timeout: 120 * time.Second}.run(t, c1, c2, "10.80.0.3", 5003)
	// The hub forwarded: client 1 saw only the hub as a peer, with traffic.
	pe, _ := clients[0].Show(t).Peer(kh.Pub)
	if pe.TxBytes < 20<<20 {
		t.Errorf("client1's hub peer: tx %d bytes after a 20 MB transfer", pe.TxBytes)
	}
}
