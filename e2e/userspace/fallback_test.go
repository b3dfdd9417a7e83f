//go:build linux

package userspace

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tuntap/tuntap/internal/e2etest"
	"github.com/tuntap/tuntap/internal/netns"
	"github.com/tuntap/tuntap/internal/testenv"
)

// inNoTUN runs tuntap ARGS... in ns, in a mount namespace whose /dev/net is
// an empty tmpfs, and returns its stdout, stderr and exit code.
func inNoTUN(t *testing.T, ns *netns.NS, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "ip", append([]string{"netns", "exec", ns.Name, "unshare", "--mount", "sh", "-c",
		`mount -t tmpfs tmpfs /dev/net && exec "$0" "$@"`, e2etest.Bin(t)}, args...)...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee) && ctx.Err() == nil:
		code = ee.ExitCode()
	default:
		t.Fatalf("tuntap %s: %v\nstderr:\n%s", strings.Join(args, " "), err, e.String())
	}
	return o.String(), e.String(), code
}

// TestNoFallback: with --no-fallback, no TUN device is an error that says
// why, and nothing keeps running.
func TestNoFallback(t *testing.T) {
	tp := &topo{a: netns.New(t), dir: testenv.SharedDir(t), ka: e2etest.NewKey(t), kb: e2etest.NewKey(t), name: e2etest.UniqueName("nf")}
	conf := tp.stackConf(t, "SOCKS5 = "+socksAddr)
	_, stderr, code := inNoTUN(t, tp.a, "up", "--no-fallback", "--socket-dir", filepath.Join(tp.dir, "sock"), conf)
	if code == 0 {
		t.Fatalf("tuntap up --no-fallback without TUN exited 0:\n%s", stderr)
	}
	for _, want := range []string{"/dev/net/tun", nodeMissing, "mknod /dev/net/tun c 10 200"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("tuntap up --no-fallback: stderr lacks %q:\n%s", want, stderr)
		}
	}
	if strings.Contains(stderr, "falling back") || strings.Contains(stderr, "interface up") {
		t.Errorf("tuntap up --no-fallback fell back anyway:\n%s", stderr)
	}
	t.Logf("tuntap up --no-fallback: exit %d\n%s", code, stderr)
}

// TestCheckMentionsUserspace: where TUN is unavailable, tuntap check says
// that the user-space mode still works.
func TestCheckMentionsUserspace(t *testing.T) {
	ns := netns.New(t)
	out, _, code := inNoTUN(t, ns, "check", "--json")
	var r struct {
		Cause             string `json:"cause"`
		UserspaceFallback bool   `json:"userspace_fallback"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("tuntap check --json: %v\n%s", err, out)
	}
	if code != 3 || r.Cause != "node-missing" || !r.UserspaceFallback {
		t.Errorf("tuntap check --json: exit %d, cause %q, userspace_fallback %v; want 3, node-missing, true\n%s",
			code, r.Cause, r.UserspaceFallback, out)
	}
	text, _, _ := inNoTUN(t, ns, "check")
	if !strings.Contains(text, "tuntap up --userspace") {
		t.Errorf("tuntap check does not mention --userspace:\n%s", text)
	}
}
