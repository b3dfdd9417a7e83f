package transport

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/tuntap/tuntap/internal/netns"
)

// TestMarkSteersRouting: in a namespace whose main table blackholes the
// destination, only a socket carrying the mark that a policy rule sends to
// another table gets its datagrams through; the mark reads back through
// getsockopt and shows in ss.
func TestMarkSteersRouting(t *testing.T) {
	x, y := netns.New(t), netns.New(t)
	netns.Veth(t, x, "vx", y, "vy")
	x.MustRun(t, "ip", "addr", "add", "192.0.2.1/24", "dev", "vx")
	y.MustRun(t, "ip", "addr", "add", "192.0.2.2/24", "dev", "vy")
	y.MustRun(t, "ip", "addr", "add", "198.51.100.2/32", "dev", "lo")
	x.MustRun(t, "ip", "route", "add", "blackhole", "198.51.100.2")
	x.MustRun(t, "ip", "route", "add", "198.51.100.2", "via", "192.0.2.2", "table", "7")
	x.MustRun(t, "ip", "rule", "add", "fwmark", "0x7", "table", "7", "pref", "100")

	var tx, rx *UDP
	if err := listenIn(x, func() (err error) { tx, err = Listen(Options{}); return err }); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tx.Close() })
	if err := listenIn(y, func() (err error) { rx, err = Listen(Options{}); return err }); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rx.Close() })
	dst := netip.AddrPortFrom(netip.MustParseAddr("198.51.100.2"), rx.Port())

	if err := tx.Send(datagrams(100), dst); err == nil {
		t.Fatal("unmarked send to a blackholed address succeeded")
	}
	if err := tx.SetMark(7); err != nil {
		t.Fatal(err)
	}
	if m, err := tx.Mark(); err != nil || m != 7 {
		t.Fatalf("Mark() = %d, %v; want 7", m, err)
	}
	if out := x.MustRun(t, "ss", "-uanep"); !strings.Contains(out, "fwmark:0x7") {
		t.Errorf("ss -uanep does not show fwmark:0x7:\n%s", out)
	}
	want := datagrams(100, 200)
	if err := tx.Send(want, dst); err != nil {
		t.Fatal(err)
	}
	equalBatches(t, recvN(t, rx, len(want), 1500, 4).data, want)

	if err := tx.SetMark(0); err != nil {
		t.Fatal(err)
	}
	if err := tx.Send(datagrams(100), dst); err == nil {
		t.Fatal("send after clearing the mark still avoided the blackhole")
	}
}
