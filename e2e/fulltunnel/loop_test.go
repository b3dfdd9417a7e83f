//go:build linux

package fulltunnel

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// cpuTicks is the process's user+system time in clock ticks.
func cpuTicks(t *testing.T, pid int) int {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	u, _ := strconv.Atoi(f[11])
	s, _ := strconv.Atoi(f[12])
	return u + s
}

// TestRoutingLoop (TESTING.md 18): with Table = off and a hand-made route
// sending the peer's endpoint into the tunnel itself, every encrypted
// datagram re-enters the device. The kernel does not decrement the TTL of
// locally sent packets and fragments what grows past the MTU, so without
// help one ping circles, grows and multiplies forever at full CPU. tuntap
// must drop its own datagrams coming back (counted, warned about once),
// stay alive and idle, and work again once the route is gone.
func TestRoutingLoop(t *testing.T) {
	w := newWorld(t)
	cl := up(t, w.a, w.aKey, w.client("Table = off\n"))
	w.a.MustRun(t, "ping", "-c", "2", "-i", "0.2", "-W", "5", "10.9.0.1") // a session exists
	w.a.MustRun(t, "ip", "route", "add", "198.51.100.2/32", "dev", cl.name)

	// 1200 bytes fit one datagram; 1380 make it fragment on the way back in.
	for _, size := range []string{"1200", "1380"} {
		if out, err := w.a.Run("ping", "-c", "5", "-i", "0.2", "-W", "1", "-s", size, "10.9.0.1"); err == nil {
			t.Fatalf("ping through a tunnel routed into itself succeeded:\n%s", out)
		}
	}
	pid := cl.Pid()
	tun0, cpu0 := txCount(t, w.a, cl.name), cpuTicks(t, pid)
	time.Sleep(3 * time.Second)
	tun1, cpu1 := txCount(t, w.a, cl.name), cpuTicks(t, pid)
	if cl.Exited() {
		t.Fatalf("tuntap died in the loop: %v", cl.Err())
	}
	// Circling packets would show as device traffic and CPU time after the
	// pings ended (unbounded, it is ~10^5 packets/s and a whole core).
	if d := tun1 - tun0; d > 50 {
		t.Errorf("%d packets entered %s in the 3 s after the pings: the loop goes on", d, cl.name)
	}
	if d := cpu1 - cpu0; d > 60 {
		t.Errorf("tuntap used %d clock ticks in 3 idle seconds: the loop goes on", d)
	}
	if n := cl.state(t).Counters["drop_routing_loop"]; n < 10 {
		t.Errorf("drop_routing_loop = %d, want at least one per ping (10)", n)
	}
	log := cl.Output()
	if n := strings.Count(log, "routing loop"); n != 1 {
		t.Errorf("the routing-loop warning appears %d times, want once", n)
	}
	if n := strings.Count(log, "\n"); n > 20 {
		t.Errorf("the log has %d lines: flooded", n)
	}

	w.a.MustRun(t, "ip", "route", "del", "198.51.100.2/32", "dev", cl.name)
	w.a.MustRun(t, "ping", "-c", "2", "-i", "0.2", "-W", "5", "10.9.0.1")
}
