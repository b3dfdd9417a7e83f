//go:build linux

// Package fulltunnel tests `tuntap up` against what wg-quick does with the
// routing system: a default route through the tunnel with policy rules and
// a marked socket, Table = N and off, FwMark, DNS and the automatic MTU,
// and a tunnel deliberately routed into itself. Every test runs the built
// binary in network namespaces of its own.
package fulltunnel

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tuntap/tuntap/internal/e2etest"
	"github.com/tuntap/tuntap/internal/netns"
	"github.com/tuntap/tuntap/uapi"
)

// TestMain builds the tuntap binary once (with -race when
// TUNTAP_E2E_RACE=1).
func TestMain(m *testing.M) { e2etest.Main(m) }

// node is one `tuntap up` process in a namespace.
type node struct {
	*e2etest.Proc
	ns      *netns.NS
	name    string
	sockDir string
}

// up writes text (with PRIVATE replaced by the key) as NAME.conf and runs
// `tuntap up` on it in ns, waiting for "interface up", which is logged once
// routes and rules are in place. env is added to the environment. Cleanup
// stops it (SIGTERM, then SIGKILL after 5 s) and shows its log if the test
// failed.
func up(t *testing.T, ns *netns.NS, k e2etest.Key, text string, env ...string) *node {
	t.Helper()
	dir := t.TempDir()
	n := &node{ns: ns, name: e2etest.UniqueName("ft"), sockDir: dir}
	conf := e2etest.WriteConf(t, dir, n.name+".conf", strings.ReplaceAll(text, "PRIVATE", k.Priv.Base64()))
	cmd := ns.Command(e2etest.Bin(t), "up", "--log-level", "debug", "--socket-dir", dir, conf)
	cmd.Env = append(os.Environ(), env...)
	n.Proc = e2etest.StartCmd(t, n.name, cmd)
	n.WaitLog(t, `msg="interface up"`, 20*time.Second)
	return n
}

// stop sends SIGTERM and waits (SIGKILL after 5 s); it returns the exit error.
func (n *node) stop() error { return n.Stop(5 * time.Second) }

func (n *node) state(t *testing.T) *uapi.State {
	t.Helper()
	st, err := uapi.Get(n.sockDir, n.name)
	if err != nil {
		t.Fatal(err)
	}
	return st
}
