//go:build linux

package e2etest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tuntap/tuntap/internal/netns"
)

// Proc is a long-running program whose output goes to a log file, shown by
// the test when it fails. Cleanup stops it and fails the test if the log
// shows a crash or a data race.
type Proc struct {
	Name string    // names the program in messages and its log file
	Cmd  *exec.Cmd // started; Cmd.Process.Pid is the program's own pid
	Log  string    // the log file's path
	// CleanExit asks cleanup to fail the test unless the program exits 0
	// on SIGTERM (a program ended with Kill is exempt).
	CleanExit bool

	done   chan struct{}
	err    error // valid after done is closed
	killed bool
}

// Start runs args[0] with the rest of args in ns (see StartCmd).
func Start(t *testing.T, ns *netns.NS, logName string, args ...string) *Proc {
	t.Helper()
	return StartCmd(t, logName, ns.Command(args[0], args[1:]...))
}

// StartCmd starts cmd with its output in logName.log. On cleanup it gets
// SIGTERM, then SIGKILL after 5 s; its log is checked for crashes and data
// races, and printed if the test failed.
func StartCmd(t *testing.T, logName string, cmd *exec.Cmd) *Proc {
	t.Helper()
	p := &Proc{Name: logName, Cmd: cmd, Log: filepath.Join(t.TempDir(), logName+".log"), done: make(chan struct{})}
	f, err := os.Create(p.Log)
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		f.Close()
		t.Fatalf("start %s: %v", logName, err)
	}
	go func() {
		p.err = cmd.Wait()
		f.Close()
		close(p.done)
	}()
	t.Cleanup(func() {
		err := p.Stop(5 * time.Second)
		if p.CleanExit && !p.killed && err != nil {
			t.Errorf("%s did not exit cleanly on SIGTERM: %v", p.Name, err)
		}
		p.checkLog(t)
		if t.Failed() {
			p.dump(t)
		}
	})
	return p
}

// checkLog fails the test if the program's log shows a crash or a data race
// (the binary is built with -race when TUNTAP_E2E_RACE=1).
func (p *Proc) checkLog(t *testing.T) {
	t.Helper()
	out := p.Output()
	for _, bad := range []string{"WARNING: DATA RACE", "panic: ", "fatal error: "} {
		if strings.Contains(out, bad) {
			t.Errorf("%s log shows %q", p.Name, strings.TrimSpace(bad))
		}
	}
}

func (p *Proc) dump(t *testing.T) {
	t.Helper()
	b, err := os.ReadFile(p.Log)
	if err != nil {
		t.Logf("%s log: %v", p.Name, err)
		return
	}
	const max = 64 << 10
	if len(b) > max {
		b = append([]byte("...(truncated)...\n"), b[len(b)-max:]...)
	}
	t.Logf("---- %s log (%s) ----\n%s", p.Name, p.Log, b)
}

// Pid is the program's own pid: ip netns exec, unshare, sh's exec and
// setpriv all exec the next program without forking.
func (p *Proc) Pid() int { return p.Cmd.Process.Pid }

// Exited reports whether the program has ended.
func (p *Proc) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// Err is the program's exit error once it has exited (nil for exit 0).
func (p *Proc) Err() error {
	if !p.Exited() {
		return nil
	}
	return p.err
}

// Stop sends SIGTERM and waits up to grace, then kills. It returns the
// program's exit error (nil for a clean exit).
func (p *Proc) Stop(grace time.Duration) error {
	if !p.Exited() {
		p.Cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(grace):
			p.Cmd.Process.Kill()
			<-p.done
		}
	}
	return p.err
}

// Kill ends the program at once, as a crash would.
func (p *Proc) Kill() {
	p.killed = true
	p.Cmd.Process.Kill()
	<-p.done
}

// Output is what the program has logged so far.
func (p *Proc) Output() string {
	b, _ := os.ReadFile(p.Log)
	return string(b)
}

// WaitFile waits up to 20 s for path (a control socket) to exist, failing
// the test if the program exits first or the file never appears.
func (p *Proc) WaitFile(t *testing.T, path string) {
	t.Helper()
	ok := WaitFor(20*time.Second, func() bool {
		if p.Exited() {
			return true
		}
		_, err := os.Stat(path)
		return err == nil
	})
	if p.Exited() {
		t.Fatalf("%s exited during start-up: %v", p.Name, p.err)
	}
	if !ok {
		t.Fatalf("%s: %s did not appear in 20s", p.Name, path)
	}
}

// WaitLog waits up to d for text to appear in the log, failing the test if
// the program exits or the text never appears.
func (p *Proc) WaitLog(t *testing.T, text string, d time.Duration) {
	t.Helper()
	ok := WaitFor(d, func() bool { return p.Exited() || strings.Contains(p.Output(), text) })
	if p.Exited() {
		when := "before"
		if strings.Contains(p.Output(), text) {
			when = "right after"
		}
		t.Fatalf("%s exited (%v) %s logging %q", p.Name, p.err, when, text)
	}
	if !ok {
		t.Fatalf("%s did not log %q within %s", p.Name, text, d)
	}
}

// RSSKB is the program's resident set size from /proc/PID/status.
func (p *Proc) RSSKB() (int, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.Pid()))
	if err != nil {
		return 0, err
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			return strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
		}
	}
	return 0, errors.New("no VmRSS")
}
