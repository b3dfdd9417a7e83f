//go:build linux

package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/tuntap/tuntap/internal/e2etest"
	"github.com/tuntap/tuntap/internal/netns"
)

// With --queues 2 the device is multi-queue, the engine reads every queue,
// and traffic flows both ways.
func TestMultiQueue(t *testing.T) {
	a, b := netns.New(t), netns.New(t)
	ka, kb := e2etest.NewKey(t), e2etest.NewKey(t)
	netns.Veth(t, a, "ua", b, "ub")
	a.MustRun(t, "ip", "addr", "add", "192.168.83.1/24", "dev", "ua")
	b.MustRun(t, "ip", "addr", "add", "192.168.83.2/24", "dev", "ub")
	sockDir := t.TempDir()
	nameA, nameB := e2etest.UniqueName("mqa"), e2etest.UniqueName("mqb")
	e2etest.Up(t, a, nameA, sockDir, e2etest.Conf{Key: ka, Port: ttPort, Addrs: []string{"10.83.0.1/24"},
		Peers: []e2etest.Peer{{Pub: kb.Pub, AllowedIPs: []string{"10.83.0.2/32"}, Endpoint: "192.168.83.2:51820"}}}, "--queues", "2")
	e2etest.Up(t, b, nameB, sockDir, e2etest.Conf{Key: kb, Port: ttPort, Addrs: []string{"10.83.0.2/24"},
		Peers: []e2etest.Peer{{Pub: ka.Pub, AllowedIPs: []string{"10.83.0.1/32"}}}}, "--queues", "2")
	e2etest.WaitPing(t, a, "10.83.0.2", 15*time.Second)
	if out := a.MustRun(t, "ip", "-d", "link", "show", nameA); !strings.Contains(out, "multi_queue") {
		t.Fatalf("device is not multi-queue: %s", out)
	}
	transfer{size: 20 << 20, timeout: 120 * time.Second}.run(t, a, b, "10.83.0.2", 5004)
	transfer{size: 20 << 20, timeout: 120 * time.Second}.run(t, b, a, "10.83.0.1", 5005)
}
