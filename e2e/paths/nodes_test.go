//go:build linux

package paths

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

// ttNode is a `tuntap up` process.
type ttNode struct {
	ns      *netns.NS
	name    string
	sockDir string
	proc    *proc
}

// startTuntap runs `tuntap up` with config c as interface name in ns, its
// control socket in sockDir.
func startTuntap(t *testing.T, ns *netns.NS, name, sockDir string, c ifConf) *ttNode {
	t.Helper()
	conf := filepath.Join(t.TempDir(), name+".conf")
	if err := os.WriteFile(conf, []byte(c.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	n := &ttNode{ns: ns, name: name, sockDir: sockDir}
	n.proc = startProc(t, ns, "tuntap-"+name, tuntap(t), "up", "--log-level", "debug", "--socket-dir", sockDir, conf)
	waitSocket(t, n.proc, uapi.SocketPath(sockDir, name))
	return n
}

// showPeer and showIface mirror `tuntap show --json`.
type showPeer struct {
	PublicKey       string `json:"public_key"`
	Endpoint        string `json:"endpoint"`
	LatestHandshake int64  `json:"latest_handshake"`
	RxBytes         uint64 `json:"rx_bytes"`
	TxBytes         uint64 `json:"tx_bytes"`
}

type showIface struct {
	Name  string     `json:"name"`
	Peers []showPeer `json:"peers"`
}

// peer runs `tuntap show --json` for the node's interface and returns its
// peer pub, failing the test if it is missing.
func (n *ttNode) peer(t testing.TB, pub noise.PublicKey) showPeer {
	t.Helper()
	out, err := exec.Command(tuntap(t), "show", "--json", "--socket-dir", n.sockDir, n.name).Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = strings.TrimSpace(string(ee.Stderr))
		}
		t.Fatalf("tuntap show --json %s: %v (%s)", n.name, err, stderr)
	}
	var all []showIface
	if err := json.Unmarshal(out, &all); err != nil {
		t.Fatalf("tuntap show --json: %v\n%s", err, out)
	}
	if len(all) != 1 || all[0].Name != n.name {
		t.Fatalf("tuntap show --json %s: want one interface %s, got %s", n.name, n.name, out)
	}
	for _, p := range all[0].Peers {
		if p.PublicKey == pub.String() {
			return p
		}
	}
	t.Fatalf("tuntap show --json %s: no peer %s in %s", n.name, pub, out)
	return showPeer{}
}
