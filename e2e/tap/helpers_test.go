//go:build linux

package taptest

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tuntap/tuntap/internal/netns"
	"github.com/tuntap/tuntap/noise"
	"github.com/tuntap/tuntap/uapi"
)

// proc is a long-running program in a namespace; its output goes to a file
// that is printed when the test fails.
type proc struct {
	name string
	cmd  *exec.Cmd
	log  string
	done chan struct{}
	err  error
}

func startProc(t *testing.T, ns *netns.NS, label string, name string, args ...string) *proc {
	t.Helper()
	logPath := filepath.Join(t.TempDir(), label+".log")
	f, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	p := &proc{name: label, log: logPath, done: make(chan struct{})}
	p.cmd = ns.Command(name, args...)
	p.cmd.Stdout, p.cmd.Stderr = f, f
	if err := p.cmd.Start(); err != nil {
		f.Close()
		t.Fatalf("start %s: %v", label, err)
	}
	go func() {
		p.err = p.cmd.Wait()
		f.Close()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.stop(5 * time.Second)
		if t.Failed() {
			p.dump(t)
		}
	})
	return p
}

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// stop sends SIGTERM, then SIGKILL after grace, and returns the exit error.
func (p *proc) stop(grace time.Duration) error {
	if !p.exited() {
		p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(grace):
			p.cmd.Process.Kill()
			<-p.done
		}
	}
	return p.err
}

func (p *proc) dump(t *testing.T) {
	t.Helper()
	b, err := os.ReadFile(p.log)
	if err != nil {
		t.Logf("%s log: %v", p.name, err)
		return
	}
	const max = 48 << 10
	if len(b) > max {
		b = append([]byte("...(truncated)...\n"), b[len(b)-max:]...)
	}
	t.Logf("---- %s log ----\n%s", p.name, b)
}

// waitFor polls cond every 100 ms until it holds or d passes.
func waitFor(d time.Duration, cond func() bool) bool {
	end := time.Now().Add(d)
	for {
		if cond() {
			return true
		}
		if time.Now().After(end) {
			return false
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitFile waits up to 20 s for path, failing if p exits first.
func waitFile(t *testing.T, p *proc, path string) {
	t.Helper()
	ok := waitFor(20*time.Second, func() bool {
		if p.exited() {
			return true
		}
		_, err := os.Stat(path)
		return err == nil
	})
	if p.exited() {
		t.Fatalf("%s exited during start-up: %v", p.name, p.err)
	}
	if !ok {
		t.Fatalf("%s: %s did not appear in 20s", p.name, path)
	}
}

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

// tapPeer is one [Peer] of a tap-mode config: no AllowedIPs.
type tapPeer struct {
	pub         noise.PublicKey
	endpoint    string
	keepalive   int
	allowedMACs []string
}

// tapConf is a tap-mode config file.
type tapConf struct {
	key    key
	port   int
	addrs  []string
	mtu    int
	bridge string
	postUp []string
	peers  []tapPeer
}

func (c tapConf) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "[Interface]\nMode = tap\nPrivateKey = %s\n", c.key.priv.Base64())
	if c.port != 0 {
		fmt.Fprintf(&b, "ListenPort = %d\n", c.port)
	}
	if len(c.addrs) > 0 {
		fmt.Fprintf(&b, "Address = %s\n", strings.Join(c.addrs, ", "))
	}
	if c.mtu != 0 {
		fmt.Fprintf(&b, "MTU = %d\n", c.mtu)
	}
	if c.bridge != "" {
		fmt.Fprintf(&b, "Bridge = %s\n", c.bridge)
	}
	for _, h := range c.postUp {
		fmt.Fprintf(&b, "PostUp = %s\n", h)
	}
	for _, p := range c.peers {
		fmt.Fprintf(&b, "\n[Peer]\nPublicKey = %s\n", p.pub)
		if p.endpoint != "" {
			fmt.Fprintf(&b, "Endpoint = %s\n", p.endpoint)
		}
		if p.keepalive != 0 {
			fmt.Fprintf(&b, "PersistentKeepalive = %d\n", p.keepalive)
		}
		if len(p.allowedMACs) > 0 {
			fmt.Fprintf(&b, "AllowedMACs = %s\n", strings.Join(p.allowedMACs, ", "))
		}
	}
	return b.String()
}

func writeConf(t testing.TB, name string, c tapConf) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name+".conf")
	if err := os.WriteFile(path, []byte(c.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// site is a namespace running `tuntap up` with a tap-mode config.
type site struct {
	label   string
	ns      *netns.NS
	name    string // interface name (from the config file's name)
	sockDir string
	cfg     tapConf
	proc    *proc
	mac     net.HardwareAddr
}

const ifName = "tap0"

func startSite(t *testing.T, label string, ns *netns.NS, c tapConf, upArgs ...string) *site {
	t.Helper()
	s := &site{label: label, ns: ns, name: ifName, sockDir: filepath.Join(t.TempDir(), "run"), cfg: c}
	conf := writeConf(t, s.name, c)
	args := append([]string{"up", "--log-level", "debug", "--socket-dir", s.sockDir}, upArgs...)
	s.proc = startProc(t, ns, "tuntap-"+label, tuntap(t), append(args, conf)...)
	waitFile(t, s.proc, uapi.SocketPath(s.sockDir, s.name))
	s.mac = linkMAC(t, ns, s.name)
	return s
}

// linkMAC is the hardware address of dev in ns.
func linkMAC(t testing.TB, ns *netns.NS, dev string) net.HardwareAddr {
	t.Helper()
	var mac net.HardwareAddr
	err := ns.Do(func() error {
		ifc, err := net.InterfaceByName(dev)
		if err != nil {
			return err
		}
		mac = ifc.HardwareAddr
		return nil
	})
	if err != nil {
		t.Fatalf("MAC of %s in %s: %v", dev, ns.Name, err)
	}
	return mac
}

// macEntry and showIface mirror `tuntap show --json`.
type macEntry struct {
	MAC        string `json:"mac"`
	Port       string `json:"port"`
	AgeSeconds int64  `json:"age_seconds"`
}

type showIface struct {
	Name     string            `json:"name"`
	Peers    []json.RawMessage `json:"peers"`
	Counters map[string]uint64 `json:"counters"`
	MACTable []macEntry        `json:"mac_table"`
}

func (s *site) show(t testing.TB) showIface {
	t.Helper()
	out, err := exec.Command(tuntap(t), "show", "--json", "--socket-dir", s.sockDir, s.name).Output()
	if err != nil {
		t.Fatalf("tuntap show --json %s: %v", s.label, err)
	}
	var all []showIface
	if err := json.Unmarshal(out, &all); err != nil || len(all) != 1 {
		t.Fatalf("tuntap show --json %s: %v\n%s", s.label, err, out)
	}
	return all[0]
}

func (s *site) showText(t testing.TB) string {
	t.Helper()
	out, err := exec.Command(tuntap(t), "show", "--socket-dir", s.sockDir, s.name).Output()
	if err != nil {
		t.Fatalf("tuntap show %s: %v", s.label, err)
	}
	return string(out)
}

// ping pings addr from ns: single pings until one answers (ARP and the
// handshake happen on the first), then count more that must all answer.
func ping(t *testing.T, ns *netns.NS, addr string, args ...string) {
	t.Helper()
	base := append([]string{"-n", "-W", "2"}, args...)
	var out string
	var err error
	ok := waitFor(20*time.Second, func() bool {
		out, err = ns.Run("ping", append(append([]string{"-c", "1"}, base...), addr)...)
		return err == nil
	})
	if !ok {
		t.Fatalf("ping %s from %s: no answer in 20s: %v\n%s", addr, ns.Name, err, out)
	}
	if out, err = ns.Run("ping", append(append([]string{"-c", "3", "-i", "0.2"}, base...), addr)...); err != nil {
		t.Fatalf("ping %s from %s: %v\n%s", addr, ns.Name, err, out)
	}
}

// noDAD makes IPv6 addresses usable at once in ns (no duplicate address
// detection), so that tests need not wait for it.
func noDAD(t testing.TB, ns *netns.NS) {
	t.Helper()
	for _, k := range []string{"net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0"} {
		ns.MustRun(t, "sysctl", "-qw", k)
	}
}
