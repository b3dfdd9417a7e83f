//go:build linux

package e2e

import (
	"fmt"
	"testing"
	"time"

	"github.com/tuntap/tuntap/internal/netns"
)

// TestHubAndSpoke: two tuntap clients reach each other through a tuntap hub
// whose kernel forwards between its peers. Each client's only peer is the
// hub, allowed the whole tunnel subnet; the hub allows each client its /32.
func TestHubAndSpoke(t *testing.T) {
	hub, c1, c2 := netns.New(t), netns.New(t), netns.New(t)
	kh, k1, k2 := newKey(t), newKey(t), newKey(t)
	netns.Veth(t, hub, "u1", c1, "uh")
	netns.Veth(t, hub, "u2", c2, "uh")
	hub.MustRun(t, "ip", "addr", "add", "192.168.81.1/24", "dev", "u1")
	hub.MustRun(t, "ip", "addr", "add", "192.168.82.1/24", "dev", "u2")
	c1.MustRun(t, "ip", "addr", "add", "192.168.81.2/24", "dev", "uh")
	c2.MustRun(t, "ip", "addr", "add", "192.168.82.2/24", "dev", "uh")
	hub.MustRun(t, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1")

	sockDir := t.TempDir()
	startTuntap(t, hub, uniqueName("hub"), sockDir, ifConf{key: kh, port: ttPort, mode: "tun", addrs: []string{"10.80.0.1/24"},
		peers: []peerConf{
			{pub: k1.pub, allowed: []string{"10.80.0.2/32"}},
			{pub: k2.pub, allowed: []string{"10.80.0.3/32"}},
		}})
	var clients []*ttNode
	for i, c := range []struct {
		ns *netns.NS
		k  key
	}{{c1, k1}, {c2, k2}} {
		clients = append(clients, startTuntap(t, c.ns, uniqueName("cl"), sockDir, ifConf{key: c.k, port: ttPort,
			addrs: []string{fmt.Sprintf("10.80.0.%d/24", i+2)},
			peers: []peerConf{{pub: kh.pub, allowed: []string{"10.80.0.0/24"},
				endpoint: fmt.Sprintf("192.168.8%d.1:51820", i+1), keepalive: 25}}}))
	}
	// Client 2 must have a session with the hub before client 1's packets
	// can be forwarded to it (the hub knows its endpoint only then).
	mustPing(t, c2, "10.80.0.1", 15*time.Second)
	mustPing(t, c1, "10.80.0.3", 15*time.Second)
	mustPing(t, c2, "10.80.0.2", 10*time.Second)
	sent, recv := pingSeries(t, c1, "10.80.0.3", 10, "0.2", 1000)
	if recv != sent {
		t.Errorf("client1 -> client2 through the hub: %d of %d answered", recv, sent)
	}
	transfer{size: 20 << 20, timeout: 120 * time.Second}.run(t, c1, c2, "10.80.0.3", 5003)
	// The hub forwarded: client 1 saw only the hub as a peer, with traffic.
	pe, _ := clients[0].show(t).peer(kh.pub)
	if pe.TxBytes < 20<<20 {
		t.Errorf("client1's hub peer: tx %d bytes after a 20 MB transfer", pe.TxBytes)
	}
}
