//go:build linux

package paths

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/tuntap/tuntap/internal/netns"
)

// proc is a long-running program in a namespace whose output goes to a log
// file, shown when the test fails.
type proc struct {
	name string
	cmd  *exec.Cmd
	log  string
	done chan struct{}
	err  error // valid after done is closed
}

var nameSeq atomic.Int64

// uniqueName is an interface name no other test or test run uses.
func uniqueName(prefix string) string {
	return fmt.Sprintf("%s%d-%d", prefix, os.Getpid()%100000, nameSeq.Add(1))
}

// startProc starts name args... in ns. On cleanup it gets SIGTERM (SIGKILL
// after 5 s) and must have exited 0; its log is printed if the test failed.
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
		if err := p.stop(5 * time.Second); err != nil {
			t.Errorf("%s did not exit cleanly on SIGTERM: %v", p.name, err)
		}
		p.checkLog(t)
		if t.Failed() {
			p.dump(t)
		}
	})
	return p
}

// checkLog fails the test if the program's log shows a crash or a data race.
func (p *proc) checkLog(t *testing.T) {
	t.Helper()
	b, _ := os.ReadFile(p.log)
	for _, bad := range []string{"WARNING: DATA RACE", "panic: ", "fatal error: "} {
		if strings.Contains(string(b), bad) {
			t.Errorf("%s log shows %q", p.name, strings.TrimSpace(bad))
		}
	}
}

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// stop sends SIGTERM and waits up to grace, then kills. It returns the
// program's exit error (nil for a clean exit).
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
	const max = 64 << 10
	if len(b) > max {
		b = append([]byte("...(truncated)...\n"), b[len(b)-max:]...)
	}
	t.Logf("---- %s log (%s) ----\n%s", p.name, p.log, b)
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

// waitSocket waits until the control socket exists, failing the test if p
// exits first or it takes over 20 s.
func waitSocket(t *testing.T, p *proc, path string) {
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
		t.Fatalf("%s: control socket %s did not appear in 20s", p.name, path)
	}
}
