//go:build linux

package userspace

import (
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tuntap/tuntap/internal/e2etest"
	"github.com/tuntap/tuntap/internal/netns"
	"github.com/tuntap/tuntap/internal/testenv"
)

// The two namespaces: A runs tuntap on the user-space stack, B its peer
// with a kernel interface. Underlay 192.168.98.0/24, tunnel 10.98.0.0/24.
const (
	underA, underB      = "192.168.98.1", "192.168.98.2"
	stackAddr, peerAddr = "10.98.0.1", "10.98.0.2"
	stackPort, peerPort = 51820, 51821
	httpPort, echoPort  = 8080, 7007
	testHost            = "files.tunnel.test"
	blobSize            = 4 << 20
)

// Local ports in A: the proxies, forwards, and the local services the
// stack exposes to the tunnel.
const (
	socksAddr     = "127.0.0.1:1080"
	httpProxyAddr = "127.0.0.1:3128"
	fwdTCPAddr    = "127.0.0.1:8081"
	fwdUDPAddr    = "127.0.0.1:7008"
	exposeTCPPort = 9090
	exposeUDPPort = 9092
	localHTTPAddr = "127.0.0.1:9091"
	localUDPAddr  = "127.0.0.1:9093"
	nobody        = 65534
)

// topo is the two namespaces, the services in them, and the programs.
type topo struct {
	a, b   *netns.NS
	dir    string // configs and control sockets, enterable by nobody
	ka, kb e2etest.Key
	name   string // the stack side's interface: its config file's name
	blob   []byte
	sum    [32]byte
	dns    *atomic.Int64 // questions B's DNS server answered
	stack  *e2etest.Proc
}

// newTopo builds both namespaces and starts B's HTTP, UDP echo and DNS
// servers and A's local services; no tuntap runs yet.
func newTopo(t *testing.T) *topo {
	t.Helper()
	tp := &topo{a: netns.New(t), b: netns.New(t), dir: testenv.SharedDir(t), ka: e2etest.NewKey(t), kb: e2etest.NewKey(t),
		name: e2etest.UniqueName("us"), blob: make([]byte, blobSize)}
	rand.Read(tp.blob)
	tp.sum = sha256.Sum256(tp.blob)
	netns.Veth(t, tp.a, "ub", tp.b, "ua")
	tp.a.MustRun(t, "ip", "addr", "add", underA+"/24", "dev", "ub")
	tp.b.MustRun(t, "ip", "addr", "add", underB+"/24", "dev", "ua")
	serveHTTP(t, tp.b, fmt.Sprintf(":%d", httpPort), tp.blob, "hello from B\n")
	serveUDPEcho(t, tp.b, fmt.Sprintf(":%d", echoPort))
	tp.dns = serveDNS(t, tp.b, ":53", testHost, peerAddr)
	serveHTTP(t, tp.a, localHTTPAddr, nil, "exposed service in A\n")
	serveUDPEcho(t, tp.a, localUDPAddr)
	return tp
}

// writeFile writes a config with mode 0600 into the shared directory.
func (tp *topo) writeFile(t *testing.T, name, text string) string {
	t.Helper()
	return e2etest.WriteConf(t, tp.dir, name, text)
}

// stackConf is the user-space side's config; extra are more [Interface]
// lines (SOCKS5 = ..., Forward = ...).
func (tp *topo) stackConf(t *testing.T, extra ...string) string {
	t.Helper()
	text := fmt.Sprintf("[Interface]\nPrivateKey = %s\nListenPort = %d\nAddress = %s/24\nDNS = %s\n%s\n"+
		"[Peer]\nPublicKey = %s\nAllowedIPs = %s/32\nEndpoint = %s:%d\n",
		tp.ka.Priv.Base64(), stackPort, stackAddr, peerAddr, strings.Join(extra, "\n"),
		tp.kb.Pub, peerAddr, underB, peerPort)
	return tp.writeFile(t, tp.name+".conf", text)
}

// How the stack side is run.
type runner int

const (
	noTUN  runner = iota // root, in a mount namespace where /dev/net is an empty tmpfs
	asUser               // user nobody with no capabilities at all
)

// startStack runs `tuntap up FLAGS... CONF` in A and waits for its
// "interface up" line.
func (tp *topo) startStack(t *testing.T, how runner, env []string, conf string, flags ...string) *e2etest.Proc {
	t.Helper()
	argv := append(append([]string{"up", "--log-level", "debug"}, flags...), conf)
	var cmd *exec.Cmd
	switch how {
	case noTUN:
		// $0 and "$@" carry the argv through sh without quoting.
		cmd = tp.a.Command("unshare", append([]string{"--mount", "sh", "-c",
			`mount -t tmpfs tmpfs /dev/net && exec "$0" "$@"`, e2etest.Bin(t)}, argv...)...)
	case asUser:
		cmd = tp.a.Command("setpriv", append([]string{fmt.Sprintf("--reuid=%d", nobody), fmt.Sprintf("--regid=%d", nobody),
			"--clear-groups", "--inh-caps=-all", "--bounding-set=-all", e2etest.Bin(t)}, argv...)...)
	}
	cmd.Env = append(os.Environ(), env...)
	tp.stack = e2etest.StartCmd(t, "tuntap-userspace-"+tp.name, cmd)
	tp.stack.WaitLog(t, `msg="interface up"`, 20*time.Second)
	return tp.stack
}

// startPeerTuntap runs tuntap in kernel (TUN) mode in B.
func (tp *topo) startPeerTuntap(t *testing.T) {
	t.Helper()
	name := e2etest.UniqueName("tk")
	conf := tp.writeFile(t, name+".conf", fmt.Sprintf(
		"[Interface]\nPrivateKey = %s\nListenPort = %d\nAddress = %s/24\n\n[Peer]\nPublicKey = %s\nAllowedIPs = %s/32\nEndpoint = %s:%d\n",
		tp.kb.Priv.Base64(), peerPort, peerAddr, tp.ka.Pub, stackAddr, underA, stackPort))
	sockDir := filepath.Join(tp.dir, "peer-sock")
	p := e2etest.StartCmd(t, "tuntap-kernel-"+name, tp.b.Command(e2etest.Bin(t), "up", "--log-level", "debug", "--socket-dir", sockDir, conf))
	p.WaitLog(t, `msg="interface up"`, 20*time.Second)
	if !strings.Contains(p.Output(), "userspace=false") {
		t.Fatalf("the peer in B should use a TUN device:\n%s", p.Output())
	}
}

// startPeerWireguardGo runs wireguard-go in B, configured with wg and ip.
func (tp *topo) startPeerWireguardGo(t *testing.T) {
	t.Helper()
	name := e2etest.UniqueName("wgu")
	e2etest.StartWireguardGo(t, tp.b, name)
	conf := tp.writeFile(t, name+".wg", fmt.Sprintf(
		"[Interface]\nPrivateKey = %s\nListenPort = %d\n\n[Peer]\nPublicKey = %s\nAllowedIPs = %s/32\nEndpoint = %s:%d\n",
		tp.kb.Priv.Base64(), peerPort, tp.ka.Pub, stackAddr, underA, stackPort))
	tp.b.MustRun(t, "wg", "setconf", name, conf)
	tp.b.MustRun(t, "ip", "addr", "add", peerAddr+"/24", "dev", name)
	tp.b.MustRun(t, "ip", "link", "set", "dev", name, "mtu", "1420", "up")
}

func netipPort(addr string, port int) netip.AddrPort {
	return netip.AddrPortFrom(netip.MustParseAddr(addr), uint16(port))
}
