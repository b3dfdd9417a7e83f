//go:build linux

package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tuntap/tuntap/internal/e2etest"
	"github.com/tuntap/tuntap/internal/netns"
	"github.com/tuntap/tuntap/internal/testenv"
	"github.com/tuntap/tuntap/uapi"
)

// TestWgQuickUserspace runs the stock wg-quick with tuntap as its userspace
// implementation (WG_QUICK_USERSPACE_IMPLEMENTATION pointing at a symlink
// named wireguard-go), pings wireguard-go through it, then wg-quick down
// must make the tuntap daemon exit and the device vanish.
func TestWgQuickUserspace(t *testing.T) {
	requireWG(t)
	testenv.RequireTool(t, "wg-quick")
	a, b := netns.New(t), netns.New(t)
	ka, kb := e2etest.NewKey(t), e2etest.NewKey(t)
	netns.Veth(t, a, "ub", b, "ua")
	a.MustRun(t, "ip", "addr", "add", "192.168.73.1/24", "dev", "ub")
	b.MustRun(t, "ip", "addr", "add", "192.168.73.2/24", "dev", "ua")
	wb := startWireguardGo(t, b, e2etest.UniqueName("wg"), kb, wgPort, "10.73.0.2/24")
	wgSetPeer(t, b, wb.name, ka.Pub, "", "10.73.0.1/32")

	binDir := t.TempDir()
	impl := filepath.Join(binDir, "wireguard-go")
	if err := os.Symlink(e2etest.Bin(t), impl); err != nil {
		t.Fatal(err)
	}
	env := []string{"WG_QUICK_USERSPACE_IMPLEMENTATION=" + impl}
	if kernelHasWireGuard(t) {
		// wg-quick would use the kernel module and never run tuntap. It is
		// a bash script that puts its own directory first in PATH, so a
		// wrapper on PATH would be shadowed; an exported bash function named
		// ip is not: it turns `ip link add NAME type wireguard` into a start
		// of the userspace implementation (what wg-quick's own fallback does
		// when the module is missing) and passes the rest to the real ip.
		env = append(env, "BASH_FUNC_ip%%="+ipFunction)
		t.Log("kernel has WireGuard: forcing the userspace implementation with a bash function ip")
	}
	name := e2etest.UniqueName("wq")
	sock := uapi.SocketPath(uapi.DefaultDir, name)
	t.Cleanup(func() { os.Remove(sock) })
	conf := e2etest.WriteConf(t, t.TempDir(), name+".conf", e2etest.Conf{Key: ka, Port: ttPort, MTU: 1420, Addrs: []string{"10.73.0.1/24"},
		Peers: []e2etest.Peer{{Pub: kb.Pub, AllowedIPs: []string{"10.73.0.2/32"}, Endpoint: "192.168.73.2:51821"}}}.String())

	up := a.Command("wg-quick", "up", conf)
	up.Env = append(os.Environ(), env...)
	if out, err := runBounded(up, 30*time.Second); err != nil {
		t.Fatalf("wg-quick up: %v\n%s", err, out)
	} else {
		t.Logf("wg-quick up:\n%s", out)
	}
	pid := daemonPID(t, a, name)
	t.Cleanup(func() { syscallKill(pid) })
	if pid == 0 {
		t.Fatalf("no tuntap wireguard-go process for %s in %s", name, a.Name)
	}
	if exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid)); err != nil || exe != e2etest.Bin(t) {
		t.Fatalf("process %d serving %s runs %q (%v), want %s", pid, name, exe, err, e2etest.Bin(t))
	}
	e2etest.WaitPing(t, a, "10.73.0.2", 15*time.Second)
	out := a.MustRun(t, "wg", "show", name)
	if !strings.Contains(out, "latest handshake") || !strings.Contains(out, kb.Pub.String()) {
		t.Errorf("wg show %s after ping:\n%s", name, out)
	}

	down := a.Command("wg-quick", "down", conf)
	down.Env = up.Env
	if out, err := runBounded(down, 30*time.Second); err != nil {
		t.Fatalf("wg-quick down: %v\n%s", err, out)
	}
	if !e2etest.WaitFor(10*time.Second, func() bool { return !processAlive(pid) }) {
		t.Fatalf("tuntap (pid %d) still running 10s after wg-quick down", pid)
	}
	if _, err := a.Run("ip", "link", "show", "dev", name); err == nil {
		t.Errorf("device %s still exists after wg-quick down", name)
	}
	if _, err := os.Stat(sock); err == nil {
		t.Errorf("control socket %s left behind after wg-quick down", sock)
	}
}

// kernelHasWireGuard probes in a scratch namespace whether the kernel can
// create WireGuard devices.
func kernelHasWireGuard(t *testing.T) bool {
	ns := netns.New(t)
	_, err := ns.Run("ip", "link", "add", "wgprobe", "type", "wireguard")
	return err == nil
}

// ipFunction is the body of the exported bash function ip.
const ipFunction = `() { if [[ $1 == link && $2 == add && $4 == type && $5 == wireguard && $# == 5 ]]; then "$WG_QUICK_USERSPACE_IMPLEMENTATION" "$3"; else command ip "$@"; fi; }`

// runBounded runs cmd with a time limit and returns its combined output.
func runBounded(cmd *exec.Cmd, d time.Duration) (string, error) {
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return "", err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return out.String(), err
	case <-time.After(d):
		cmd.Process.Kill()
		<-done
		return out.String(), fmt.Errorf("timed out after %s", d)
	}
}

// daemonPID finds the background tuntap serving name in ns.
func daemonPID(t *testing.T, ns *netns.NS, name string) int {
	out, err := exec.Command("ip", "netns", "pids", ns.Name).Output()
	if err != nil {
		t.Fatalf("ip netns pids: %v", err)
	}
	for _, f := range strings.Fields(string(out)) {
		cmdline, err := os.ReadFile("/proc/" + f + "/cmdline")
		if err != nil {
			continue
		}
		args := strings.Split(strings.TrimRight(string(cmdline), "\x00"), "\x00")
		if len(args) >= 2 && args[len(args)-1] == name && strings.Contains(strings.Join(args, " "), "wireguard-go") {
			pid, _ := strconv.Atoi(f)
			return pid
		}
	}
	return 0
}

func processAlive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// A zombie has exited; only its parent has not reaped it yet.
	f := strings.Fields(string(b))
	return len(f) > 2 && f[2] != "Z"
}

func syscallKill(pid int) {
	if pid > 0 && processAlive(pid) {
		if p, err := os.FindProcess(pid); err == nil {
			p.Kill()
		}
	}
}
