//go:build linux

package e2etest

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

// The tuntap binary built by Main for the whole test binary.
var (
	bin      string
	buildErr error
)

// init keeps the main thread for the main goroutine. netns.NS.Do moves the
// thread its goroutine is locked to into a namespace and lets it exit; were
// that the main thread, Go would keep it (the main thread never exits), the
// process would stay in the namespace, and the namespace's cleanup, which
// kills every process in it, would kill the test binary.
func init() { runtime.LockOSThread() }

// Main is the TestMain of an end-to-end package: it builds cmd/tuntap into
// a fresh directory, runs the tests and removes the directory. The
// directory is readable by everyone because some tests run the binary as
// user nobody. With TUNTAP_E2E_RACE=1 the binary has the race detector, so
// the data plane's races show up in the logs that Start checks (slower:
// bulk transfers take several times longer).
func Main(m *testing.M) {
	dir, err := os.MkdirTemp("", "tuntap-e2e-")
	if err == nil {
		err = os.Chmod(dir, 0o755)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2etest:", err)
		os.Exit(1)
	}
	bin = filepath.Join(dir, "tuntap")
	args := []string{"build", "-o", bin}
	if RaceBuild() {
		args = append(args, "-race")
	}
	args = append(args, "github.com/tuntap/tuntap/cmd/tuntap")
	if out, err := exec.Command("go", args...).CombinedOutput(); err != nil {
		buildErr = fmt.Errorf("go build ./cmd/tuntap: %v\n%s", err, out)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// Bin is the tuntap binary that Main built; the test fails if it did not
// build (or Main did not run).
func Bin(t testing.TB) string {
	t.Helper()
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	if bin == "" {
		t.Fatal("e2etest.Bin: no binary (the package's TestMain must call e2etest.Main)")
	}
	return bin
}

// RaceBuild reports whether Main builds the binary with -race.
func RaceBuild() bool { return os.Getenv("TUNTAP_E2E_RACE") == "1" }

// WireguardGo finds the reference implementation, installed by the test
// command as "wireguard" in $(go env GOPATH)/bin, which need not be on PATH.
func WireguardGo(t testing.TB) string {
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
