//go:build linux

package e2etest

import (
	"strings"
	"testing"
	"time"

	"github.com/tuntap/tuntap/internal/netns"
)

// TestProcStop: a program started in a namespace logs to its file, is
// running until stopped, and Stop reports how it ended: an error when
// SIGTERM killed it, nil when it handled SIGTERM by exiting 0.
func TestProcStop(t *testing.T) {
	ns := netns.New(t)
	for _, c := range []struct {
		name, script string
		clean        bool
	}{
		{"killed-by-sigterm", `echo ready; exec sleep 60`, false},
		{"exits-0-on-sigterm", `trap "echo bye; exit 0" TERM; echo ready; while :; do sleep 0.1; done`, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := Start(t, ns, c.name, "sh", "-c", c.script)
			p.CleanExit = c.clean
			p.WaitLog(t, "ready", 10*time.Second)
			if p.Exited() || p.Err() != nil {
				t.Fatalf("exited early: %v", p.Err())
			}
			err := p.Stop(5 * time.Second)
			if (err == nil) != c.clean {
				t.Errorf("Stop: %v, want a clean exit: %v", err, c.clean)
			}
			if !p.Exited() {
				t.Errorf("still running after Stop")
			}
			if c.clean && !strings.Contains(p.Output(), "bye") {
				t.Errorf("log %q lacks the trap's output", p.Output())
			}
		})
	}
}

// TestProcKill: Kill ends the program at once and exempts it from the
// clean-exit check at cleanup.
func TestProcKill(t *testing.T) {
	ns := netns.New(t)
	p := Start(t, ns, "sleeper", "sleep", "60")
	p.CleanExit = true
	start := time.Now()
	p.Kill()
	if !p.Exited() || p.Err() == nil || time.Since(start) > 2*time.Second {
		t.Errorf("after Kill: exited %v, err %v, took %s", p.Exited(), p.Err(), time.Since(start))
	}
}
