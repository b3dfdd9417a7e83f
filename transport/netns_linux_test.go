package transport

import (
	"fmt"
	"net/netip"
	"runtime"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/tuntap/tuntap/internal/netns"
)

// listenIn runs f with the calling thread in ns and moves the thread back
// afterwards. netns.NS.Do leaves its thread in the namespace to exit; when
// that thread is the process's main thread it cannot exit, the whole test
// process then counts as inside ns, and the namespace's cleanup kills it.
func listenIn(ns *netns.NS, f func() error) error {
	runtime.LockOSThread()
	orig, err := unix.Open("/proc/thread-self/ns/net", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		runtime.UnlockOSThread()
		return err
	}
	defer unix.Close(orig)
	target, err := unix.Open(ns.Path(), unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		runtime.UnlockOSThread()
		return err
	}
	defer unix.Close(target)
	if err := unix.Setns(target, unix.CLONE_NEWNET); err != nil {
		runtime.UnlockOSThread()
		return fmt.Errorf("setns %s: %w", ns.Name, err)
	}
	ferr := f()
	if err := unix.Setns(orig, unix.CLONE_NEWNET); err != nil {
		return fmt.Errorf("setns back: %w", err) // the thread stays locked and dies with its goroutine
	}
	runtime.UnlockOSThread()
	return ferr
}

// TestGSOAcrossVeth sends between two namespaces joined by a veth pair: at
// MTU 1500 segmented sends go out as they are, at MTU 1280 the kernel
// refuses a 1400-byte segment size (EINVAL) and Send must fall back to one
// datagram per packet (fragmented) without losing any.
func TestGSOAcrossVeth(t *testing.T) {
	for _, mtu := range []int{1500, 1280} {
		t.Run(fmt.Sprint("mtu", mtu), func(t *testing.T) {
			x, y := netns.New(t), netns.New(t)
			netns.Veth(t, x, "vx", y, "vy")
			x.MustRun(t, "ip", "link", "set", "vx", "mtu", fmt.Sprint(mtu))
			y.MustRun(t, "ip", "link", "set", "vy", "mtu", fmt.Sprint(mtu))
			x.MustRun(t, "ip", "addr", "add", "192.0.2.1/24", "dev", "vx")
			y.MustRun(t, "ip", "addr", "add", "192.0.2.2/24", "dev", "vy")
			var tx, rx *UDP
			if err := listenIn(x, func() (err error) { tx, err = Listen(Options{}); return err }); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { tx.Close() })
			if err := listenIn(y, func() (err error) { rx, err = Listen(Options{}); return err }); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { rx.Close() })
			want := datagrams(1400, 1400, 1400, 1400, 1400, 1400, 1400, 1400, 500)
			dst := netip.AddrPortFrom(netip.MustParseAddr("192.0.2.2"), rx.Port())
			if err := tx.Send(want, dst); err != nil {
				t.Fatal(err)
			}
			r := recvN(t, rx, len(want), 1500, 4)
			equalBatches(t, r.data, want)
			if r.local[0] != dst.Addr() {
				t.Fatalf("local address %v, want %v", r.local[0], dst.Addr())
			}
		})
	}
}
