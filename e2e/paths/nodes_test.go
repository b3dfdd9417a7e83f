//go:build linux

package paths

import (
	"testing"

	"github.com/tuntap/tuntap/internal/e2etest"
	"github.com/tuntap/tuntap/internal/netns"
	"github.com/tuntap/tuntap/noise"
)

// ttNode is a `tuntap up` process, which must exit 0 on SIGTERM.
type ttNode struct{ *e2etest.Node }

// startTuntap runs `tuntap up` with config c as interface name in ns, its
// control socket in sockDir.
func startTuntap(t *testing.T, ns *netns.NS, name, sockDir string, c e2etest.Conf) *ttNode {
	t.Helper()
	return &ttNode{e2etest.Up(t, ns, name, sockDir, c)}
}

// peer runs `tuntap show --json` for the node's interface and returns its
// peer pub, failing the test if it is missing.
func (n *ttNode) peer(t testing.TB, pub noise.PublicKey) e2etest.ShowPeer {
	t.Helper()
	st := n.Show(t)
	p, ok := st.Peer(pub)
	if !ok {
		t.Fatalf("tuntap show --json %s: no peer %s in %+v", n.Name, pub, st)
	}
	return p
}
