//go:build linux

package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tuntap/tuntap/internal/netns"
	"github.com/tuntap/tuntap/noise"
	"github.com/tuntap/tuntap/uapi"
)

type key struct {
	priv noise.PrivateKey
	pub  noise.PublicKey
}

func newKey(t testing.TB) key {
	t.Helper()
	k, err := noise.GeneratePrivateKey()
	if err != nil {
		t.Fatal(err)
	}
	return key{priv: k, pub: k.Public()}
}

// peerConf is one [Peer] section.
type peerConf struct {
	pub       noise.PublicKey
	allowed   []string
	endpoint  string // host:port, empty for none
	keepalive int
}

// ifConf is a wg-quick style config file.
type ifConf struct {
	key   key
	port  int
	addrs []string
	mtu   int
	mode  string // tuntap's own key: tun or tap
	peers []peerConf
}

func (c ifConf) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "[Interface]\nPrivateKey = %s\n", c.key.priv.Base64())
	if c.port != 0 {
		fmt.Fprintf(&b, "ListenPort = %d\n", c.port)
	}
	if len(c.addrs) > 0 {
		fmt.Fprintf(&b, "Address = %s\n", strings.Join(c.addrs, ", "))
	}
	if c.mtu != 0 {
		fmt.Fprintf(&b, "MTU = %d\n", c.mtu)
	}
	if c.mode != "" {
		fmt.Fprintf(&b, "Mode = %s\n", c.mode)
	}
	for _, p := range c.peers {
		fmt.Fprintf(&b, "\n[Peer]\nPublicKey = %s\nAllowedIPs = %s\n", p.pub, strings.Join(p.allowed, ", "))
		if p.endpoint != "" {
			fmt.Fprintf(&b, "Endpoint = %s\n", p.endpoint)
		}
		if p.keepalive != 0 {
			fmt.Fprintf(&b, "PersistentKeepalive = %d\n", p.keepalive)
		}
	}
	return b.String()
}

// writeConf writes c as dir/name.conf with mode 0600.
func writeConf(t testing.TB, name string, c ifConf) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name+".conf")
	if err := os.WriteFile(path, []byte(c.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// ttNode is a `tuntap up` process.
type ttNode struct {
	ns      *netns.NS
	name    string
	sockDir string
	conf    string
	cfg     ifConf
	proc    *proc
	starts  int
}

// startTuntap runs `tuntap up` with config c as interface name in ns. An
// empty sockDir means wg's default directory (so that wg can reach it).
func startTuntap(t *testing.T, ns *netns.NS, name, sockDir string, c ifConf) *ttNode {
	t.Helper()
	if sockDir == "" {
		sockDir = uapi.DefaultDir
		sock := uapi.SocketPath(sockDir, name)
		t.Cleanup(func() { os.Remove(sock) })
	}
	n := &ttNode{ns: ns, name: name, sockDir: sockDir, conf: writeConf(t, name, c), cfg: c}
	n.start(t)
	return n
}

func (n *ttNode) sock() string { return uapi.SocketPath(n.sockDir, n.name) }

func (n *ttNode) start(t *testing.T) {
	t.Helper()
	n.starts++
	label := fmt.Sprintf("tuntap-%s-%d", n.name, n.starts)
	n.proc = startProc(t, n.ns, label, nil, tuntap(t), "up", "--log-level", "debug", "--socket-dir", n.sockDir, n.conf)
	n.proc.clean = true
	waitSocket(t, n.proc, n.sock())
}

// showPeer and showIface mirror `tuntap show --json`.
type showPeer struct {
	PublicKey       string   `json:"public_key"`
	Endpoint        string   `json:"endpoint"`
	AllowedIPs      []string `json:"allowed_ips"`
	LatestHandshake int64    `json:"latest_handshake"`
	RxBytes         uint64   `json:"rx_bytes"`
	TxBytes         uint64   `json:"tx_bytes"`
}

type showIface struct {
	Name       string            `json:"name"`
	PublicKey  string            `json:"public_key"`
	ListenPort int               `json:"listen_port"`
	Peers      []showPeer        `json:"peers"`
	Counters   map[string]uint64 `json:"counters"`
}

func (s showIface) peer(pub noise.PublicKey) (showPeer, bool) {
	for _, p := range s.Peers {
		if p.PublicKey == pub.String() {
			return p, true
		}
	}
	return showPeer{}, false
}

// show runs `tuntap show --json` for the node's interface.
func (n *ttNode) show(t testing.TB) showIface {
	t.Helper()
	out, err := exec.Command(tuntap(t), "show", "--json", "--socket-dir", n.sockDir, n.name).Output()
	if err != nil {
		t.Fatalf("tuntap show --json %s: %v (%s)", n.name, err, exitStderr(err))
	}
	var all []showIface
	if err := json.Unmarshal(out, &all); err != nil {
		t.Fatalf("tuntap show --json: %v\n%s", err, out)
	}
	if len(all) != 1 || all[0].Name != n.name {
		t.Fatalf("tuntap show --json %s: want one interface %s, got %s", n.name, n.name, out)
	}
	return all[0]
}

func exitStderr(err error) string {
	if ee, ok := err.(*exec.ExitError); ok {
		return strings.TrimSpace(string(ee.Stderr))
	}
	return ""
}

// wgNode is wireguard-go in the foreground, configured with wg and ip as a
// user of the reference implementation would.
type wgNode struct {
	ns   *netns.NS
	name string
	key  key
	port int
	proc *proc
}

// startWireguardGo runs `wireguard -f name` in ns, gives it key and port,
// the addresses addrs, MTU 1420, and brings it up.
func startWireguardGo(t *testing.T, ns *netns.NS, name string, k key, port int, addrs ...string) *wgNode {
	t.Helper()
	requireWG(t)
	wgGo := wireguardGo(t)
	sock := uapi.SocketPath(uapi.DefaultDir, name)
	t.Cleanup(func() { os.Remove(sock) })
	n := &wgNode{ns: ns, name: name, key: k, port: port}
	n.proc = startProc(t, ns, "wireguard-go-"+name, []string{"LOG_LEVEL=verbose"}, wgGo, "-f", name)
	waitSocket(t, n.proc, sock)
	keyFile := filepath.Join(t.TempDir(), name+".key")
	if err := os.WriteFile(keyFile, []byte(k.priv.Base64()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ns.MustRun(t, "wg", "set", name, "private-key", keyFile, "listen-port", fmt.Sprint(port))
	for _, a := range addrs {
		ns.MustRun(t, "ip", "addr", "add", a, "dev", name)
	}
	ns.MustRun(t, "ip", "link", "set", "dev", name, "mtu", "1420", "up")
	return n
}

// addPeer runs wg set NAME peer ... on any interface wg can reach.
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
