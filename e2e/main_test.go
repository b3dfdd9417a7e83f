//go:build linux

package e2e

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

// tuntapBin is the tuntap binary built once for the whole run.
var (
	tuntapBin string
	buildErr  error
)

// init keeps the main thread for the main goroutine. netns.NS.Do moves the
// thread its goroutine is locked to into a namespace and lets it exit; were
// that the main thread, Go would keep it (the main thread never exits), the
// process would stay in the namespace, and the namespace's cleanup, which
// kills every process in it, would kill the test binary.
func init() { runtime.LockOSThread() }

// TestMain builds cmd/tuntap into a temporary directory. TUNTAP_E2E_RACE=1
// builds it with the race detector, so the data plane's races show up too
// (slower: the bulk transfers take several times longer).
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "tuntap-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		os.Exit(1)
	}
	tuntapBin = filepath.Join(dir, "tuntap")
	args := []string{"build", "-o", tuntapBin}
	if raceBuild() {
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

// tuntap returns the tuntap binary, failing the test if it did not build.
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

// raceBuild reports whether the tuntap binary is built with -race.
func raceBuild() bool { return os.Getenv("TUNTAP_E2E_RACE") == "1" }
