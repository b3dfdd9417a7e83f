//go:build linux

package taptest

import (
	"testing"

	"github.com/tuntap/tuntap/internal/e2etest"
)

// TestMain builds the tuntap binary once (with -race when
// TUNTAP_E2E_RACE=1).
func TestMain(m *testing.M) { e2etest.Main(m) }
