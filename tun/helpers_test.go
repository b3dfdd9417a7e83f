//go:build linux

package tun_test

import (
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tuntap/tuntap/internal/netns"
	"github.com/tuntap/tuntap/netcfg"
	"github.com/tuntap/tuntap/tun"
)

func TestMain(m *testing.M) {
	// netns.NS.Do ends its goroutine with the OS thread still locked, which
	// makes the runtime retire that thread; the main thread cannot be retired
	// and would stay in the namespace for good (and `ip netns pids` would then
	// name this process, so the namespace's cleanup would kill it). Pinning
	// the main goroutine here keeps every other goroutine off the main thread.
	runtime.LockOSThread()
	if mode := os.Getenv(helperEnv); mode != "" {
		os.Exit(runHelper(mode))
	}
	os.Exit(m.Run())
}

// openIn opens a device inside ns and closes it when the test ends.
func openIn(t testing.TB, ns *netns.NS, cfg tun.Config) *tun.Iface {
	t.Helper()
	var dev *tun.Iface
	err := ns.Do(func() (err error) {
		dev, err = tun.Open(cfg)
		return err
	})
	if err != nil {
		t.Fatalf("open %+v: %v", cfg, err)
	}
	t.Cleanup(func() { dev.Close() })
	return dev
}

// upWith gives the device addresses and brings it up, through netcfg.
func upWith(t testing.TB, ns *netns.NS, name string, addrs ...string) {
	t.Helper()
	err := ns.Do(func() error {
		for _, a := range addrs {
			if err := netcfg.AddAddr(name, netip.MustParsePrefix(a)); err != nil {
				return err
			}
		}
		return netcfg.SetUp(name)
	})
	if err != nil {
		t.Fatal(err)
	}
	waitNotTentative(t, ns, name)
}

// waitNotTentative waits (boundedly) until no IPv6 address of the device is
// tentative: the kernel drops packets to a tentative address, even on a
// NOARP device where duplicate address detection finishes at once.
func waitNotTentative(t testing.TB, ns *netns.NS, name string) {
	t.Helper()
	for range 100 {
		if out := ns.MustRun(t, "ip", "-6", "addr", "show", "dev", name, "tentative"); strings.TrimSpace(out) == "" {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("IPv6 addresses of %s still tentative after 2s", name)
}

// serve answers packets read from d with answer (which rewrites a packet in
// place and returns the reply's length, 0 for none) until d is closed.
func serve(t testing.TB, d tun.Device, answer func([]byte) int) {
	t.Helper()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		bufs, sizes := makeBufs(d.BatchSize(), 2048), make([]int, d.BatchSize())
		out := make([][]byte, 0, len(bufs))
		for {
			n, err := d.Read(bufs, sizes, tun.Headroom)
			if err != nil {
				if !errors.Is(err, tun.ErrClosed) {
					t.Errorf("read: %v", err)
				}
				return
			}
			out = out[:0]
			for i := range n {
				pkt := bufs[i][tun.Headroom : tun.Headroom+sizes[i] : len(bufs[i])]
				if m := answer(pkt); m > 0 {
					out = append(out, bufs[i][:tun.Headroom+m])
				}
			}
			if _, err := d.Write(out, tun.Headroom); err != nil && !errors.Is(err, tun.ErrClosed) {
				t.Errorf("write: %v", err)
			}
		}
	}()
	t.Cleanup(func() { d.Close(); wg.Wait() })
}

func makeBufs(n, size int) [][]byte {
	bufs := make([][]byte, n)
	for i := range bufs {
		bufs[i] = make([]byte, tun.Headroom+size)
	}
	return bufs
}

func answerEcho(p []byte) int {
	if echoReply(p) {
		return len(p)
	}
	return 0
}

// pingOK runs the kernel's ping inside ns and checks that every reply came.
func pingOK(t *testing.T, ns *netns.NS, args ...string) {
	t.Helper()
	args = append([]string{"-c", "3", "-i", "0.2", "-W", "2"}, args...)
	out, err := ns.Command("ping", args...).CombinedOutput()
	if err != nil || !strings.Contains(string(out), " 3 received") {
		t.Fatalf("ping %v: %v\n%s", args, err, out)
	}
}

// countFDs counts this process's open descriptors, once finalizers of
// earlier tests' garbage have closed theirs.
func countFDs(t *testing.T) int {
	t.Helper()
	runtime.GC()
	runtime.GC()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(ents)
}

// exportBinary copies the test binary where an unprivileged uid can run it.
func exportBinary(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "tuntap-helper-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	src, err := os.ReadFile("/proc/self/exe")
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(dir, "tun.test")
	if err := os.WriteFile(dst, src, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dst
}
