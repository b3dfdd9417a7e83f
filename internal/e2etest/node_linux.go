//go:build linux

package e2etest

import (
	"fmt"
	"os"
	"testing"

	"github.com/tuntap/tuntap/internal/netns"
	"github.com/tuntap/tuntap/uapi"
)

// Node is a `tuntap up` process in a namespace. Fill in the fields, then
// Start it; Start again after Proc.Kill restarts it.
type Node struct {
	NS      *netns.NS
	Name    string   // the interface: tuntap names it after the config file
	Label   string   // names the log; Name if empty
	SockDir string   // the control socket's directory
	Conf    string   // the config file's path
	Args    []string // more flags of tuntap up
	// CleanExit: tuntap must exit 0 on SIGTERM (see Proc).
	CleanExit bool
	Proc      *Proc

	starts int
}

// Start runs `tuntap up --log-level debug --socket-dir SOCKDIR ARGS... CONF`
// and waits up to 20 s for its control socket.
func (n *Node) Start(t *testing.T) {
	t.Helper()
	n.starts++
	label := n.Label
	if label == "" {
		label = n.Name
	}
	label = "tuntap-" + label
	if n.starts > 1 {
		label = fmt.Sprintf("%s-%d", label, n.starts)
	}
	args := append([]string{Bin(t), "up", "--log-level", "debug", "--socket-dir", n.SockDir}, n.Args...)
	n.Proc = Start(t, n.NS, label, append(args, n.Conf)...)
	n.Proc.CleanExit = n.CleanExit
	n.Proc.WaitFile(t, n.Socket())
}

// Socket is the control socket's path.
func (n *Node) Socket() string { return uapi.SocketPath(n.SockDir, n.Name) }

// Show is `tuntap show --json` for the node's interface.
func (n *Node) Show(t testing.TB) Iface {
	t.Helper()
	return Show(t, Bin(t), n.SockDir, n.Name)
}

// StartWireguardGo runs the reference implementation, `wireguard -f name`,
// in ns with verbose logging and waits for its control socket in wg's
// default directory (removed at cleanup). The caller configures it with wg
// and ip.
func StartWireguardGo(t *testing.T, ns *netns.NS, name string) *Proc {
	t.Helper()
	wgGo := WireguardGo(t)
	sock := uapi.SocketPath(uapi.DefaultDir, name)
	t.Cleanup(func() { os.Remove(sock) })
	cmd := ns.Command(wgGo, "-f", name)
	cmd.Env = append(os.Environ(), "LOG_LEVEL=verbose")
	p := StartCmd(t, "wireguard-go-"+name, cmd)
	p.WaitFile(t, sock)
	return p
}

// Up writes c as name.conf in a fresh directory and starts `tuntap up` on
// it in ns (see Node.Start, with args as more flags). tuntap must exit 0 on
// SIGTERM.
func Up(t *testing.T, ns *netns.NS, name, sockDir string, c Conf, args ...string) *Node {
	t.Helper()
	conf := WriteConf(t, t.TempDir(), name+".conf", c.String())
	n := &Node{NS: ns, Name: name, SockDir: sockDir, Conf: conf, Args: args, CleanExit: true}
	n.Start(t)
	return n
}
