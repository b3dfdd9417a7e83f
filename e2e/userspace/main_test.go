//go:build linux

package userspace

import (
	"os"
	"testing"

	"github.com/tuntap/tuntap/internal/e2etest"
)

// TestMain builds the tuntap binary once, into a directory everyone may
// read, since one test runs it as nobody.
func TestMain(m *testing.M) { e2etest.Main(m) }

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
