//go:build linux

package paths

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// tuntapBin is the tuntap binary built once for the whole run.
var (
	tuntapBin string
	buildErr  error
)

// init keeps the main thread for the main goroutine: netns.NS.Do retires the
// thread it moved into a namespace, and the main thread must never be it.
func init() { runtime.LockOSThread() }

// TestMain builds cmd/tuntap into a temporary directory. TUNTAP_E2E_RACE=1
// builds it with the race detector.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "tuntap-paths-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "paths:", err)
		os.Exit(1)
	}
	tuntapBin = filepath.Join(dir, "tuntap")
	args := []string{"build", "-o", tuntapBin}
	if os.Getenv("TUNTAP_E2E_RACE") == "1" {
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
