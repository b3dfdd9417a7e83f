//go:build linux

// Package netns gives tests a fresh network namespace of their own, removed
// when the test ends whether it passed or not. Traffic in tests goes only
// inside such namespaces.
package netns

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/tuntap/tuntap/internal/testenv"
)

// NS is a named network namespace (visible to `ip netns`).
type NS struct {
	Name string
}

var seq atomic.Int64

// New creates a namespace with loopback up and registers its removal (and the
// killing of every process left in it) with t.Cleanup.
func New(t testing.TB) *NS {
	t.Helper()
	testenv.RequireRoot(t)
	name := fmt.Sprintf("tt%d-%d", os.Getpid(), seq.Add(1))
	if out, err := exec.Command("ip", "netns", "add", name).CombinedOutput(); err != nil {
		t.Fatalf("ip netns add %s: %v: %s", name, err, out)
	}
	ns := &NS{Name: name}
	t.Cleanup(func() { ns.remove() })
	ns.MustRun(t, "ip", "link", "set", "lo", "up")
	return ns
}

func (ns *NS) remove() {
	if out, err := exec.Command("ip", "netns", "pids", ns.Name).Output(); err == nil {
		for _, p := range strings.Fields(string(out)) {
			exec.Command("kill", "-9", p).Run()
		}
	}
	exec.Command("ip", "netns", "del", ns.Name).Run()
}

// Path is the namespace's bind mount.
func (ns *NS) Path() string { return "/run/netns/" + ns.Name }

// Command returns a command that runs inside the namespace.
func (ns *NS) Command(name string, args ...string) *exec.Cmd {
	return exec.Command("ip", append([]string{"netns", "exec", ns.Name, name}, args...)...)
}

// Run runs a command in the namespace and returns its combined output.
func (ns *NS) Run(name string, args ...string) (string, error) {
	out, err := ns.Command(name, args...).CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("%s %s in %s: %w: %s", name, strings.Join(args, " "), ns.Name, err, out)
	}
	return string(out), nil
}

// MustRun is Run that fails the test on error.
func (ns *NS) MustRun(t testing.TB, name string, args ...string) string {
	t.Helper()
	out, err := ns.Run(name, args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Do runs f on a locked OS thread that has entered the namespace; sockets and
// devices f creates belong to the namespace and keep working after Do returns.
// The thread goes back to its own namespace afterwards; if it cannot, it stays
// locked so that the runtime retires it instead of reusing it.
func (ns *NS) Do(f func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		orig, err := unix.Open("/proc/thread-self/ns/net", unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			errc <- fmt.Errorf("open own namespace: %w", err)
			return
		}
		defer unix.Close(orig)
		fd, err := unix.Open(ns.Path(), unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			runtime.UnlockOSThread()
			errc <- fmt.Errorf("open %s: %w", ns.Path(), err)
			return
		}
		defer unix.Close(fd)
		if err := unix.Setns(fd, unix.CLONE_NEWNET); err != nil {
			runtime.UnlockOSThread()
			errc <- fmt.Errorf("setns %s: %w", ns.Name, err)
			return
		}
		err = f()
		if unix.Setns(orig, unix.CLONE_NEWNET) == nil {
			runtime.UnlockOSThread()
		}
		errc <- err
	}()
	return <-errc
}

// Veth joins two namespaces with a veth pair named a (in x) and b (in y).
func Veth(t testing.TB, x *NS, a string, y *NS, b string) {
	t.Helper()
	tmpA, tmpB := fmt.Sprintf("v%da", seq.Add(1)), fmt.Sprintf("v%db", seq.Add(1))
	if out, err := exec.Command("ip", "link", "add", tmpA, "type", "veth", "peer", "name", tmpB).CombinedOutput(); err != nil {
		t.Fatalf("ip link add veth: %v: %s", err, out)
	}
	for _, c := range [][]string{
		{"ip", "link", "set", tmpA, "netns", x.Name, "name", a},
		{"ip", "link", "set", tmpB, "netns", y.Name, "name", b},
	} {
		if out, err := exec.Command(c[0], c[1:]...).CombinedOutput(); err != nil {
			exec.Command("ip", "link", "del", tmpA).Run()
			t.Fatalf("%v: %v: %s", c, err, out)
		}
	}
	x.MustRun(t, "ip", "link", "set", a, "up")
	y.MustRun(t, "ip", "link", "set", b, "up")
}
