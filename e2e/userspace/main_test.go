//go:build linux

package userspace

import (
	"testing"

	"github.com/tuntap/tuntap/internal/e2etest"
)

// TestMain builds the tuntap binary once, into a directory everyone may
// read, since one test runs it as nobody.
func TestMain(m *testing.M) { e2etest.Main(m) }
