//go:build linux

package e2e

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/tuntap/tuntap/internal/e2etest"
	"github.com/tuntap/tuntap/internal/netns"
	"github.com/tuntap/tuntap/noise"
	"github.com/tuntap/tuntap/uapi"
)

// startTuntap runs `tuntap up` with config c as interface name in ns; it
// must exit 0 on SIGTERM. An empty sockDir means wg's default directory
// (so that wg can reach it).
func startTuntap(t *testing.T, ns *netns.NS, name, sockDir string, c e2etest.Conf) *e2etest.Node {
	t.Helper()
	if sockDir == "" {
		sockDir = uapi.DefaultDir
		sock := uapi.SocketPath(sockDir, name)
		t.Cleanup(func() { os.Remove(sock) })
	}
	return e2etest.Up(t, ns, name, sockDir, c)
}

// wgNode is wireguard-go in the foreground, configured with wg and ip as a
// user of the reference implementation would.
type wgNode struct {
	ns   *netns.NS
	name string
	key  e2etest.Key
	port int
	proc *e2etest.Proc
}

// startWireguardGo runs `wireguard -f name` in ns, gives it key and port,
// the addresses addrs, MTU 1420, and brings it up.
func startWireguardGo(t *testing.T, ns *netns.NS, name string, k e2etest.Key, port int, addrs ...string) *wgNode {
	t.Helper()
	requireWG(t)
	n := &wgNode{ns: ns, name: name, key: k, port: port}
	n.proc = e2etest.StartWireguardGo(t, ns, name)
	keyFile := e2etest.WriteConf(t, t.TempDir(), name+".key", k.Priv.Base64()+"\n")
	ns.MustRun(t, "wg", "set", name, "private-key", keyFile, "listen-port", fmt.Sprint(port))
	for _, a := range addrs {
		ns.MustRun(t, "ip", "addr", "add", a, "dev", name)
	}
	ns.MustRun(t, "ip", "link", "set", "dev", name, "mtu", "1420", "up")
	return n
}

// wgSetPeer runs wg set NAME peer ... on any interface wg can reach.
func wgSetPeer(t testing.TB, ns *netns.NS, name string, pub noise.PublicKey, endpoint string, allowed ...string) {
	t.Helper()
	args := []string{"set", name, "peer", pub.String(), "allowed-ips", strings.Join(allowed, ",")}
	if endpoint != "" {
		args = append(args, "endpoint", endpoint)
	}
	ns.MustRun(t, "wg", args...)
}

// dumpPeer is one peer line of `wg show NAME dump`.
type dumpPeer struct {
	PublicKey, PSK, Endpoint, AllowedIPs string
	Handshake                            int64
	Rx, Tx                               uint64
}

// wgDump runs `wg show NAME dump` and returns its peers by public key.
func wgDump(t testing.TB, ns *netns.NS, name string) map[string]dumpPeer {
	t.Helper()
	out := ns.MustRun(t, "wg", "show", name, "dump")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	peers := map[string]dumpPeer{}
	for _, l := range lines[1:] {
		f := strings.Split(l, "\t")
		if len(f) != 8 {
			t.Fatalf("wg show %s dump: bad peer line %q", name, l)
		}
		var p dumpPeer
		p.PublicKey, p.PSK, p.Endpoint, p.AllowedIPs = f[0], f[1], f[2], f[3]
		if _, err := fmt.Sscan(f[4], &p.Handshake); err != nil {
			t.Fatalf("wg dump handshake %q: %v", f[4], err)
		}
		if _, err := fmt.Sscan(f[5], &p.Rx); err != nil {
			t.Fatalf("wg dump rx %q: %v", f[5], err)
		}
		if _, err := fmt.Sscan(f[6], &p.Tx); err != nil {
			t.Fatalf("wg dump tx %q: %v", f[6], err)
		}
		peers[p.PublicKey] = p
	}
	return peers
}
