//go:build linux

package paths

import (
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tuntap/tuntap/internal/e2etest"
	"github.com/tuntap/tuntap/internal/netns"
	"github.com/tuntap/tuntap/internal/testenv"
)

// natTimeout is the router's UDP conntrack timeout in seconds. natIdle is
// how long after the last data packet the server speaks: long past the
// mapping's expiry, and before passiveKeepalive, when the client answers
// the last data it received with a keepalive of its own (which would reopen
// the mapping in the control case).
const (
	natTimeout       = 3
	natIdle          = 8 * time.Second
	passiveKeepalive = 10 * time.Second
)

// natPath is client -- router -- server. The router masquerades the
// client's LAN (10.90.1.0/24) behind its WAN address 10.90.2.1; the server
// (10.90.2.2) has no route back to the LAN, so it reaches the client only
// through the router's NAT mapping. Tunnel: client 10.91.0.2, server
// 10.91.0.1; the server does not know the client's endpoint.
type natPath struct {
	client, router, server *netns.NS
	kc, ks                 e2etest.Key
	nc, nsrv               *ttNode
}

func newNATPath(t *testing.T, keepalive int) *natPath {
	t.Helper()
	testenv.RequireRoot(t)
	if _, err := exec.LookPath("nft"); err != nil {
		testenv.Skip(t, "nft not installed (the test command installs nftables)")
	}
	n := &natPath{client: netns.New(t), router: netns.New(t), server: netns.New(t), kc: e2etest.NewKey(t), ks: e2etest.NewKey(t)}
	netns.Veth(t, n.client, "lan", n.router, "lan")
	netns.Veth(t, n.router, "wan", n.server, "wan")
	n.client.MustRun(t, "ip", "addr", "add", "10.90.1.2/24", "dev", "lan")
	n.client.MustRun(t, "ip", "route", "add", "default", "via", "10.90.1.1")
	n.router.MustRun(t, "ip", "addr", "add", "10.90.1.1/24", "dev", "lan")
	n.router.MustRun(t, "ip", "addr", "add", "10.90.2.1/24", "dev", "wan")
	n.router.MustRun(t, "sysctl", "-qw", "net.ipv4.ip_forward=1")
	n.server.MustRun(t, "ip", "addr", "add", "10.90.2.2/24", "dev", "wan")
	n.masquerade(t)
	dir := t.TempDir()
	n.nsrv = startTuntap(t, n.server, e2etest.UniqueName("ns"), dir, e2etest.Conf{Key: n.ks, Port: portA, Addrs: []string{"10.91.0.1/24"},
		Peers: []e2etest.Peer{{Pub: n.kc.Pub, AllowedIPs: []string{"10.91.0.2/32"}}}})
	n.nc = startTuntap(t, n.client, e2etest.UniqueName("nc"), dir, e2etest.Conf{Key: n.kc, Port: portA, Addrs: []string{"10.91.0.2/24"},
		Peers: []e2etest.Peer{{Pub: n.ks.Pub, AllowedIPs: []string{"10.91.0.1/32"}, Endpoint: "10.90.2.2:" + strconv.Itoa(portA), Keepalive: keepalive}}})
	return n
}

// masquerade sets up source NAT on the router's WAN and shortens its UDP
// conntrack timeouts. Conntrack exists in the namespace only once the NAT
// table pulls it in, so the sysctls come second; they are per namespace.
func (n *natPath) masquerade(t *testing.T) {
	t.Helper()
	n.router.MustRun(t, "nft", "add", "table", "ip", "nat")
	n.router.MustRun(t, "nft", "add", "chain", "ip", "nat", "post", "{ type nat hook postrouting priority 100; }")
	n.router.MustRun(t, "nft", "add", "rule", "ip", "nat", "post", "oifname", "wan", "masquerade")
	to := strconv.Itoa(natTimeout)
	if out, err := n.router.Run("sysctl", "-w", "net.netfilter.nf_conntrack_udp_timeout="+to,
		"net.netfilter.nf_conntrack_udp_timeout_stream="+to); err != nil {
		testenv.Skip(t, "conntrack UDP timeouts not settable in a network namespace: "+out)
	}
	// The host's own values must be untouched: the sysctls are per namespace.
	for _, k := range []string{"net.netfilter.nf_conntrack_udp_timeout", "net.netfilter.nf_conntrack_udp_timeout_stream"} {
		if v := strings.TrimSpace(n.router.MustRun(t, "sysctl", "-n", k)); v != to {
			t.Fatalf("router %s = %s after setting %s", k, v, to)
		}
	}
}

// handshake has the client reach the server, then checks that the server
// learned the client's translated endpoint (the router's WAN address). It
// returns when the last packet crossed (just before the check).
func (n *natPath) handshake(t *testing.T) time.Time {
	t.Helper()
	mustPing(t, n.client, "10.91.0.1", 15*time.Second)
	last := time.Now()
	if ep := n.nsrv.peer(t, n.kc.Pub).Endpoint; !strings.HasPrefix(ep, "10.90.2.1:") {
		t.Fatalf("server's endpoint for the client is %q, want the router's WAN address 10.90.2.1:PORT", ep)
	}
	return last
}

// TestNATKeepalive (catalog 16): behind a masquerading router whose UDP
// mappings expire after 3 s, a client with PersistentKeepalive = 1 stays
// reachable: 8 s after the last data packet the server, which
// cannot reach the client by itself, pings it and is answered. The control,
// the same without a keepalive, shows the mapping does expire then, so it
// is the keepalive that kept the path open.
func TestNATKeepalive(t *testing.T) {
	for _, c := range []struct {
		name      string
		keepalive int
		want      bool
	}{
		{"keepalive", 1, true},
		{"control-no-keepalive", 0, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			n := newNATPath(t, c.keepalive)
			last := n.handshake(t)
			tx0 := n.nc.peer(t, n.ks.Pub).TxBytes
			from := time.Now()
			// Read the client's counter a second before the server speaks
			// (`tuntap show` can take that long with a race-built binary).
			time.Sleep(time.Until(last.Add(natIdle - time.Second)))
			window := time.Since(from)
			idleTx := n.nc.peer(t, n.ks.Pub).TxBytes - tx0
			time.Sleep(time.Until(last.Add(natIdle)))
			if idle := time.Since(last); idle > passiveKeepalive-time.Second {
				t.Fatalf("the idle period overran to %s, too close to the client's passive keepalive at %s: machine too slow for this test",
					idle.Round(time.Millisecond), passiveKeepalive)
			}
			// A keepalive is a 32-byte transport message: one a second with
			// the keepalive (allow one missed at each end of the window),
			// none at all without (so nothing else kept the mapping alive in
			// the control).
			t.Logf("client sent %d bytes (%d keepalives) in %s of idle", idleTx, idleTx/32, window.Round(time.Millisecond))
			if want := uint64(window/time.Second) - 1; c.keepalive != 0 && idleTx < want*32 {
				t.Errorf("client sent %d bytes in %s of idle with PersistentKeepalive = 1, want at least %d keepalives",
					idleTx, window.Round(time.Millisecond), want)
			}
			if c.keepalive == 0 && idleTx != 0 {
				t.Errorf("client sent %d bytes while idle without keepalive, want none", idleTx)
			}
			// One request: a retry could meet the client's passive keepalive
			// (10 s after the last data it received), which reopens the
			// mapping.
			ok, out := ping(n.server, "10.91.0.2", 56, 2)
			switch {
			case c.want && !ok:
				t.Fatalf("server -> client after %s idle with PersistentKeepalive = %d: no reply\n%s", natIdle, c.keepalive, out)
			case !c.want && ok:
				t.Fatalf("control: server -> client after %s idle without keepalive was answered: the NAT mapping did not expire, so the test cannot show the keepalive matters\n%s", natIdle, out)
			}
			if c.want {
				return
			}
			// Once the client speaks again the mapping is back.
			mustPing(t, n.client, "10.91.0.1", 10*time.Second)
			if ok, out := ping(n.server, "10.91.0.2", 56, 2); !ok {
				t.Errorf("server -> client right after the client spoke again: no reply\n%s", out)
			}
		})
	}
}
