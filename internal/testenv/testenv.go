// Package testenv holds the rules every privileged test follows: skip with a
// reason where the machine cannot run it, fail instead of skipping in CI.
package testenv

import (
	"os"
	"os/exec"
	"testing"
)

// Strict is set by .ci/run: a privileged test that would skip fails instead.
const strictVar = "TUNTAP_REQUIRE_PRIVILEGED"

// Strict reports whether skips of privileged tests are failures.
func Strict() bool { return os.Getenv(strictVar) == "1" }

// Skip skips the test with reason, or fails it in strict mode.
func Skip(t testing.TB, reason string) {
	t.Helper()
	if Strict() {
		t.Fatalf("%s (%s=1 turns this skip into a failure)", reason, strictVar)
	}
	t.Skip(reason)
}

// RequireRoot skips unless the test runs as root with /dev/net/tun.
func RequireRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		Skip(t, "needs root (network namespaces, TUN/TAP devices)")
	}
	if _, err := os.Stat("/dev/net/tun"); err != nil {
		Skip(t, "needs /dev/net/tun: "+err.Error())
	}
}

// RequireTool skips unless the named program is on PATH.
func RequireTool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		Skip(t, name+" not installed (the README's test command installs it)")
	}
	return p
}

// SharedDir is a fresh directory that an unprivileged uid (setpriv
// --reuid) can enter, unlike t.TempDir whose parents are private to root;
// it is removed when the test ends.
func SharedDir(t testing.TB) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "tuntap-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}
