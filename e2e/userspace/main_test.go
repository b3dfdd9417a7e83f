//go:build linux

package userspace

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/tuntap/tuntap/internal/testenv"
)

var (
	tuntapBin string
	buildErr  error
)

// init keeps the main thread for the main goroutine, so that netns.NS.Do
// never moves the main thread (and with it the whole process) into a
// namespace whose cleanup kills every process in it.
func init() { runtime.LockOSThread() }

// TestMain builds cmd/tuntap into a directory everyone may read, since one
// test runs it as nobody.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "tuntap-us-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "userspace e2e:", err)
		os.Exit(1)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "userspace e2e:", err)
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

// tuntap returns the binary, failing the test if it did not build.
func tuntap(t testing.TB) string {
	t.Helper()
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return tuntapBin
}

// wireguardGo finds the reference implementation, installed by the test
// command as "wireguard" in $(go env GOPATH)/bin, which need not be on PATH.
func wireguardGo(t testing.TB) string {
	t.Helper()
	if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
		for _, d := range filepath.SplitList(strings.TrimSpace(string(out))) {
			p := filepath.Join(d, "bin", "wireguard")
			if _, err := os.Stat(p); err == nil {
				return p
			}
		}
	}
	return testenv.RequireTool(t, "wireguard")
}

// sharedDir is a fresh directory that user nobody can enter (t.TempDir's
// parents are private to root), removed when the test ends.
func sharedDir(t testing.TB) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "tuntap-us-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}
