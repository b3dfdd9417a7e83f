//go:build linux

package paths

import (
	"regexp"
	"strconv"
	"testing"
	"time"
)

var replySeq = regexp.MustCompile(`icmp_seq=(\d+) `)

// TestRoamingIPv6 (catalog 15, IPv6 underlay): a's underlay address
// changes from fd00:75::1 to fd00:75::3 in the middle of a ping series.
// The series recovers (its last 10 requests are all answered), b follows a
// to the new endpoint as `tuntap show --json` reports, and b can reach a
// there on its own.
func TestRoamingIPv6(t *testing.T) {
	p := newPair(t, "6", 1420, 1500)
	if ep := p.nb.peer(t, p.ka.Pub).Endpoint; ep != endpoint("6", 1, portA) {
		t.Fatalf("b's endpoint for a before the move: %q, want %s", ep, endpoint("6", 1, portA))
	}
	moved := make(chan error, 1)
	go func() {
		time.Sleep(time.Second)
		if _, err := p.a.Run("ip", "-6", "addr", "del", underlayAddr("6", 1)+"/64", "dev", "ub"); err != nil {
			moved <- err
			return
		}
		_, err := p.a.Run("ip", "-6", "addr", "add", underlayAddr("6", 3)+"/64", "dev", "ub", "nodad")
		moved <- err
	}()
	const count = 40
	out, _ := p.a.Run("ping", "-n", "-c", strconv.Itoa(count), "-i", "0.1", "-W", "1", "-w", "20", "fd75::2")
	if err := <-moved; err != nil {
		t.Fatalf("move a's address: %v", err)
	}
	answered := map[int]bool{}
	for _, m := range replySeq.FindAllStringSubmatch(out, -1) {
		n, _ := strconv.Atoi(m[1])
		answered[n] = true
	}
	t.Logf("%d of %d requests answered across the move", len(answered), count)
	for seq := count - 9; seq <= count; seq++ {
		if !answered[seq] {
			t.Fatalf("request %d (of the last 10, after the move) not answered:\n%s", seq, out)
		}
	}
	if ep := p.nb.peer(t, p.ka.Pub).Endpoint; ep != endpoint("6", 3, portA) {
		t.Errorf("b's endpoint for a after the move: %q, want %s", ep, endpoint("6", 3, portA))
	}
	mustPing(t, p.b, "fd75::1", 5*time.Second)
	mustPing(t, p.b, "10.75.0.1", 5*time.Second)
}
