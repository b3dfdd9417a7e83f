//go:build linux

// Package fulltunnel tests `tuntap up` against what wg-quick does with the
// routing system: a default route through the tunnel with policy rules and
// a marked socket, Table = N and off, FwMark, DNS and the automatic MTU,
// and a tunnel deliberately routed into itself. Every test runs the built
// binary in network namespaces of its own.
package fulltunnel

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/tuntap/tuntap/internal/netns"
	"github.com/tuntap/tuntap/noise"
	"github.com/tuntap/tuntap/uapi"
)

var (
	tuntapBin string
	buildErr  error
)

// init keeps the main thread for the main goroutine (see e2e/main_test.go:
// netns.NS.Do must never leave the main thread in a namespace).
func init() { runtime.LockOSThread() }

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "tuntap-fulltunnel-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	tuntapBin = filepath.Join(dir, "tuntap")
	if out, err := exec.Command("go", "build", "-o", tuntapBin, "github.com/tuntap/tuntap/cmd/tuntap").CombinedOutput(); err != nil {
		buildErr = fmt.Errorf("go build ./cmd/tuntap: %v\n%s", err, out)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func tuntap(t testing.TB) string {
	t.Helper()
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return tuntapBin
}

var seq atomic.Int64

// ifName is an interface name unique across tests and parallel runs.
func ifName() string { return fmt.Sprintf("ft%d-%d", os.Getpid()%100000, seq.Add(1)) }

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
	return key{k, k.Public()}
}

// node is one `tuntap up` process in a namespace.
type node struct {
	ns      *netns.NS
	name    string
	sockDir string
	log     string
	cmd     *exec.Cmd
	done    chan struct{}
	err     error
}

// up writes text (with PRIVATE replaced by the key) as NAME.conf and runs
// `tuntap up` on it in ns, waiting for the control socket. env is added to
// the environment. Cleanup stops it (SIGTERM, then SIGKILL after 5 s) and
// shows its log if the test failed.
func up(t *testing.T, ns *netns.NS, k key, text string, env ...string) *node {
	t.Helper()
	dir := t.TempDir()
	n := &node{ns: ns, name: ifName(), sockDir: dir, log: filepath.Join(dir, "tuntap.log"), done: make(chan struct{})}
	conf := filepath.Join(dir, n.name+".conf")
	if err := os.WriteFile(conf, []byte(strings.ReplaceAll(text, "PRIVATE", k.priv.Base64())), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(n.log)
	if err != nil {
		t.Fatal(err)
	}
	n.cmd = ns.Command(tuntap(t), "up", "--log-level", "debug", "--socket-dir", dir, conf)
	n.cmd.Stdout, n.cmd.Stderr = f, f
	n.cmd.Env = append(os.Environ(), env...)
	if err := n.cmd.Start(); err != nil {
		f.Close()
		t.Fatal(err)
	}
	go func() { n.err = n.cmd.Wait(); f.Close(); close(n.done) }()
	t.Cleanup(func() {
		n.stop()
		if t.Failed() {
			b, _ := os.ReadFile(n.log)
			if len(b) > 32<<10 {
				b = b[len(b)-32<<10:]
			}
			t.Logf("---- %s log ----\n%s", n.name, b)
		}
	})
	// "interface up" is logged once routes and rules are in place.
	isUp := func() bool { b, _ := os.ReadFile(n.log); return strings.Contains(string(b), `msg="interface up"`) }
	if !waitFor(20*time.Second, func() bool { return isUp() || n.exited() }) || n.exited() {
		t.Fatalf("tuntap up %s did not come up: %v", n.name, n.err)
	}
	return n
}

func (n *node) exited() bool {
	select {
	case <-n.done:
		return true
	default:
		return false
	}
}

// stop sends SIGTERM and waits (SIGKILL after 5 s); it returns the exit error.
func (n *node) stop() error {
	if !n.exited() {
		n.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-n.done:
		case <-time.After(5 * time.Second):
			n.cmd.Process.Kill()
			<-n.done
		}
	}
	return n.err
}

func (n *node) logText(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(n.log)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func (n *node) state(t *testing.T) *uapi.State {
	t.Helper()
	st, err := uapi.Get(n.sockDir, n.name)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func waitFor(d time.Duration, cond func() bool) bool {
	end := time.Now().Add(d)
	for !cond() {
		if time.Now().After(end) {
			return false
		}
		time.Sleep(100 * time.Millisecond)
	}
	return true
}
