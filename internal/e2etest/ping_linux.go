//go:build linux

package e2etest

import (
	"fmt"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/tuntap/tuntap/internal/netns"
)

// WaitPing fails the test unless addr answers a single ping from ns
// (`ping -n -c 1 -W 1 ARGS... ADDR`, repeated) within d.
func WaitPing(t testing.TB, ns *netns.NS, addr string, d time.Duration, args ...string) {
	t.Helper()
	argv := append(append([]string{"-n", "-c", "1", "-W", "1"}, args...), addr)
	if !WaitFor(d, func() bool { _, err := ns.Run("ping", argv...); return err == nil }) {
		t.Fatalf("%s: no ping reply from %s within %s", ns.Name, addr, d)
	}
}

var pingStats = regexp.MustCompile(`(\d+) packets transmitted, (\d+) received`)

// PingCount runs ping -c count -i interval -s size from ns and returns how
// many requests were sent and answered. It needs no *testing.T, so other
// goroutines than the test's may call it.
func PingCount(ns *netns.NS, addr string, count int, interval string, size int) (int, int, error) {
	out, _ := ns.Run("ping", "-n", "-q", "-c", strconv.Itoa(count), "-i", interval, "-s", strconv.Itoa(size),
		"-w", strconv.Itoa(count+10), addr)
	m := pingStats.FindStringSubmatch(out)
	if m == nil {
		return 0, 0, fmt.Errorf("ping %s: no statistics in output:\n%s", addr, out)
	}
	sent, _ := strconv.Atoi(m[1])
	recv, _ := strconv.Atoi(m[2])
	return sent, recv, nil
}
