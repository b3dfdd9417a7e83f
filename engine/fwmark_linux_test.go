package engine

import (
	"testing"

	"github.com/tuntap/tuntap/internal/testenv"
	"github.com/tuntap/tuntap/transport"
)

// TestFwmarkMarksSocketAndSurvivesRebind: the mark lands on the live socket
// (read back with getsockopt), a port change keeps it, and 0 clears it.
func TestFwmarkMarksSocketAndSurvivesRebind(t *testing.T) {
	testenv.RequireRoot(t) // SO_MARK needs CAP_NET_ADMIN
	n := newNode(t, "10.0.0.1")
	mark := func() uint32 {
		t.Helper()
		m, err := n.e.transport().(*transport.UDP).Mark()
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	if err := n.e.SetFwmark(0xca6c); err != nil {
		t.Fatal(err)
	}
	if got := mark(); got != 0xca6c || n.e.Fwmark() != 0xca6c {
		t.Fatalf("socket mark 0x%x, recorded 0x%x; want 0xca6c", got, n.e.Fwmark())
	}
	old := n.e.Port()
	if err := n.e.SetListenPort(0); err != nil {
		t.Fatal(err)
	}
	if n.e.Port() == old {
		t.Fatalf("port did not change from %d", old)
	}
	if got := mark(); got != 0xca6c {
		t.Fatalf("after rebind the socket mark is 0x%x, want 0xca6c", got)
	}
	if err := n.e.SetFwmark(0); err != nil {
		t.Fatal(err)
	}
	if got := mark(); got != 0 {
		t.Fatalf("after clearing the socket mark is 0x%x", got)
	}
}
