//go:build linux

package netns

import (
	"strings"
	"testing"
)

func TestVethPing(t *testing.T) {
	x, y := New(t), New(t)
	Veth(t, x, "a0", y, "b0")
	x.MustRun(t, "ip", "addr", "add", "10.200.0.1/24", "dev", "a0")
	y.MustRun(t, "ip", "addr", "add", "10.200.0.2/24", "dev", "b0")
	out := x.MustRun(t, "ping", "-c", "1", "-W", "2", "10.200.0.2")
	if !strings.Contains(out, "1 received") {
		t.Fatalf("ping: %s", out)
	}
}
