//go:build linux

package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/tuntap/tuntap/diagnose"
	"github.com/tuntap/tuntap/internal/netns"
	"github.com/tuntap/tuntap/internal/testenv"
)

// buildTuntap builds the real binary with go build, as a user would.
func buildTuntap(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	bin := filepath.Join(testenv.SharedDir(t), "tuntap")
	out, err := exec.Command(goTool, "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// checkReport runs cmd, which ends in `tuntap check --json`, and decodes its
// report and exit code.
func checkReport(t *testing.T, cmd *exec.Cmd) (diagnose.Report, int) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%v: %v", cmd.Args, err)
	}
	var r diagnose.Report
	if err := json.Unmarshal(stdout.Bytes(), &r); err != nil {
		t.Fatalf("%v: exit %d, output is not a report: %v\nstdout: %s\nstderr: %s", cmd.Args, code, err, stdout.Bytes(), stderr.Bytes())
	}
	return r, code
}

// inMountNS runs script in a private mount namespace (inside ns), so that
// what it mounts over /dev/net is seen by nobody else.
func inMountNS(ns *netns.NS, script string) *exec.Cmd {
	return ns.Command("unshare", "--mount", "--propagation", "private", "sh", "-c", script)
}

func TestCheckOnThisMachine(t *testing.T) {
	ns := netns.New(t)
	bin := buildTuntap(t)
	r, code := checkReport(t, ns.Command(bin, "check", "--json"))
	if code != 0 || !r.TunOK || !r.TapOK || r.Cause != diagnose.OK || r.UserspaceFallback {
		t.Fatalf("exit %d, report %+v; want exit 0 with TUN and TAP working", code, r)
	}
	if !r.Node.IsTun() || !r.Capabilities.NetAdmin || r.Kernel.Release == "" {
		t.Fatalf("node %+v caps %+v kernel %+v", r.Node, r.Capabilities, r.Kernel)
	}
	// The probe devices are gone afterwards.
	if out := ns.MustRun(t, "ip", "-o", "link", "show"); strings.Contains(out, "tck") {
		t.Fatalf("probe device left behind:\n%s", out)
	}
	out, err := ns.Command(bin, "check").Output()
	if err != nil || !strings.Contains(string(out), "TUN and TAP devices can be created here") {
		t.Fatalf("human output: %v\n%s", err, out)
	}
}

func TestCheckFailures(t *testing.T) {
	testenv.RequireTool(t, "unshare")
	ns := netns.New(t)
	bin := buildTuntap(t)
	tests := []struct {
		name   string
		script string
		cause  diagnose.Cause
		code   int
		check  func(t *testing.T, r diagnose.Report)
	}{
		{"node missing", "mount -t tmpfs tmpfs /dev/net && exec " + bin + " check --json",
			diagnose.NodeMissing, 3, func(t *testing.T, r diagnose.Report) {
				if r.Node.Exists || r.Errno != "ENOENT" {
					t.Errorf("node %+v errno %s", r.Node, r.Errno)
				}
				wantFix(t, r, "mknod /dev/net/tun c 10 200")
			}},
		// The kernel answers ENODEV for a char node with no driver behind
		// its minor; stat shows why, so the cause is the node, not the driver.
		{"wrong minor", "mount -t tmpfs tmpfs /dev/net && mknod /dev/net/tun c 10 201 && exec " + bin + " check --json",
			diagnose.WrongNode, 8, func(t *testing.T, r diagnose.Report) {
				if r.Errno != "ENODEV" || r.Node.Minor != 201 || !r.Node.Char {
					t.Errorf("errno %s node %+v; want ENODEV from c 10:201", r.Errno, r.Node)
				}
				wantFix(t, r, "rm -f /dev/net/tun")
			}},
		{"read-only dev", "mount -t tmpfs -o ro tmpfs /dev/net && exec " + bin + " check --json",
			diagnose.ReadOnlyDev, 7, func(t *testing.T, r diagnose.Report) {
				if !r.DevReadOnly || r.Detail != "node-missing" {
					t.Errorf("dev_read_only %v detail %q", r.DevReadOnly, r.Detail)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, code := checkReport(t, inMountNS(ns, tt.script))
			if r.Cause != tt.cause || code != tt.code || r.ExitCode != code || r.TunOK || r.TapOK || !r.UserspaceFallback {
				t.Fatalf("cause %s exit %d (report says %d), tun %v tap %v; want %s exit %d",
					r.Cause, code, r.ExitCode, r.TunOK, r.TapOK, tt.cause, tt.code)
			}
			tt.check(t, r)
		})
	}
}

func TestCheckWithoutCapNetAdmin(t *testing.T) {
	testenv.RequireTool(t, "setpriv")
	ns := netns.New(t)
	bin := buildTuntap(t)
	drop := []string{"--inh-caps=-all", "--bounding-set=-all"}
	tests := []struct {
		name    string
		args    []string
		details []string
	}{
		{"root without capabilities", drop, []string{"no-cap-net-admin"}},
		// With /dev/net/tun 0600 the open already fails (EACCES).
		{"nobody", append([]string{"--reuid=65534", "--regid=65534", "--clear-groups"}, drop...),
			[]string{"no-cap-net-admin", "node-mode"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append(append([]string{}, tt.args...), bin, "check", "--json")
			r, code := checkReport(t, ns.Command("setpriv", args...))
			if r.Cause != diagnose.NotPermitted || code != 5 || r.Capabilities.NetAdmin || !r.Capabilities.Known {
				t.Fatalf("cause %s exit %d caps %+v; want not-permitted, exit 5, no net_admin", r.Cause, code, r.Capabilities)
			}
			if !contains(tt.details, r.Detail) || !r.UserspaceFallback {
				t.Fatalf("detail %q, fallback %v; want one of %v", r.Detail, r.UserspaceFallback, tt.details)
			}
		})
	}
}

func TestCheckUsage(t *testing.T) {
	var out, errb bytes.Buffer
	if code := check([]string{"--bogus"}, &out, &errb, diagnose.Env{}); code != 2 {
		t.Fatalf("bad flag: exit %d, want 2", code)
	}
	if code := check([]string{"extra"}, &out, &errb, diagnose.Env{}); code != 2 {
		t.Fatalf("stray argument: exit %d, want 2", code)
	}
}

func wantFix(t *testing.T, r diagnose.Report, cmd string) {
	t.Helper()
	if !contains(r.Fixes, cmd) {
		t.Errorf("fixes %q lack %q", r.Fixes, cmd)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
