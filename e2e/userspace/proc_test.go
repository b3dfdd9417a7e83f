//go:build linux

package userspace

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// proc is a long-running program whose output goes to a log file, shown
// when the test fails.
type proc struct {
	label string
	cmd   *exec.Cmd
	log   string
	done  chan struct{}
	err   error // valid after done is closed
}

// startProc starts cmd; on cleanup it gets SIGTERM, then SIGKILL after 5 s.
func startProc(t *testing.T, label string, cmd *exec.Cmd) *proc {
	t.Helper()
	p := &proc{label: label, cmd: cmd, log: filepath.Join(t.TempDir(), label+".log"), done: make(chan struct{})}
	f, err := os.Create(p.log)
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		f.Close()
		t.Fatalf("start %s: %v", label, err)
	}
	go func() {
		p.err = cmd.Wait()
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

// stop sends SIGTERM (ip netns exec, unshare, sh's exec and setpriv all
// exec the next program, so the pid is tuntap's own) and kills after grace.
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

func (p *proc) output() string {
	b, _ := os.ReadFile(p.log)
	return string(b)
}

func (p *proc) dump(t *testing.T) {
	t.Helper()
	b := p.output()
	const max = 64 << 10
	if len(b) > max {
		b = "...(truncated)...\n" + b[len(b)-max:]
	}
	t.Logf("---- %s log (%s) ----\n%s", p.label, p.log, b)
}

// waitLog waits up to d for text to appear in the log, failing the test if
// the program exits first or it never does.
func (p *proc) waitLog(t *testing.T, text string, d time.Duration) {
	t.Helper()
	ok := waitFor(d, func() bool { return p.exited() || strings.Contains(p.output(), text) })
	if strings.Contains(p.output(), text) {
		return
	}
	if p.exited() {
		t.Fatalf("%s exited (%v) before logging %q", p.label, p.err, text)
	}
	if !ok {
		t.Fatalf("%s did not log %q within %s", p.label, text, d)
	}
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
