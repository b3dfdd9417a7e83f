//go:build linux

package e2e

import (
	"testing"

	"github.com/tuntap/tuntap/internal/e2etest"
)

// TestMain builds the tuntap binary once (with -race when
// TUNTAP_E2E_RACE=1, so the data plane's races show up in its logs too).
func TestMain(m *testing.M) { e2etest.Main(m) }
