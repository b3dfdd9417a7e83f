//go:build linux

package taptest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

var (
	tuntapBin string
	buildErr  error
)

// init keeps the main thread for the main goroutine: netns.NS.Do moves the
// thread it runs on into a namespace, and the main thread must never be it.
func init() { runtime.LockOSThread() }

// TestMain builds cmd/tuntap once for every test (with -race when
// TUNTAP_E2E_RACE=1).
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "tuntap-e2e-tap-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e/tap:", err)
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

func tuntap(t testing.TB) string {
	t.Helper()
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return tuntapBin
}
