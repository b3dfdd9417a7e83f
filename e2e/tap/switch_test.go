//go:build linux

package taptest

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tuntap/tuntap/internal/e2etest"
	"github.com/tuntap/tuntap/internal/netns"
)

// vmPort gives namespace s a persistent TAP device tap (as virtualization
// software would create for a VM) bridged with a veth whose other end is
// eth0 of namespace vm, addressed with addrs: the VM's network card.
func vmPort(t *testing.T, s *netns.NS, tap, br string, vm *netns.NS, addrs ...string) {
	t.Helper()
	if out := s.MustRun(t, e2etest.Bin(t), "device", "add", "--mode", "tap", "--name", tap); strings.TrimSpace(out) != tap {
		t.Fatalf("tuntap device add made %q, want %s", out, tap)
	}
	netns.Veth(t, s, "v"+tap, vm, "eth0")
	s.MustRun(t, "ip", "link", "add", br, "type", "bridge")
	s.MustRun(t, "ip", "link", "set", "v"+tap, "master", br)
	s.MustRun(t, "ip", "link", "set", tap, "master", br)
	s.MustRun(t, "ip", "link", "set", br, "up")
	noDAD(t, vm)
	for _, a := range addrs {
		vm.MustRun(t, "ip", "addr", "add", a, "dev", "eth0")
	}
}

func startSwitch(t *testing.T, ns *netns.NS, args ...string) *e2etest.Proc {
	t.Helper()
	p := e2etest.Start(t, ns, "tuntap-switch", append([]string{e2etest.Bin(t), "switch", "--log-level", "debug"}, args...)...)
	p.WaitLog(t, "switch running", 20*time.Second)
	return p
}

// TestUserSpaceSwitch joins two TAP devices, whose other ends are in two
// namespaces, with `tuntap switch`: the namespaces ping each other.
func TestUserSpaceSwitch(t *testing.T) {
	s, a, b := netns.New(t), netns.New(t), netns.New(t)
	vmPort(t, s, "tapA", "br-a", a, "10.216.0.1/24", "fd16::1/64")
	vmPort(t, s, "tapB", "br-b", b, "10.216.0.2/24", "fd16::2/64")
	sw := startSwitch(t, s, "--port", "tapA", "--port", "tapB", "--ageing", "60s", "--log-level", "info")
	ping(t, a, "10.216.0.2")
	ping(t, b, "10.216.0.1")
	ping(t, a, "fd16::2")
	ping(t, a, "10.216.0.2", "-s", "1472", "-M", "do")

	mark := marker(t)
	in, out := openRaw(t, b, "eth0"), openRaw(t, a, "eth0")
	out.send(t, frameOf(mac6(linkMAC(t, a, "eth0").String()), broadcast, nil, 0x88B5, mark, 100))
	if got := in.collect(1500*time.Millisecond, containing(mark)); len(got) != 1 {
		t.Errorf("broadcast through the switch arrived %d times, want 1", len(got))
	}
	if err := sw.Stop(5 * time.Second); err != nil {
		t.Fatalf("tuntap switch exited with %v on SIGTERM", err)
	}
	logb := []byte(sw.Output())
	if !bytes.Contains(logb, []byte("switch counters")) || !bytes.Contains(logb, []byte("learned=")) {
		t.Errorf("no counters logged at exit:\n%s", logb)
	}
	t.Logf("tuntap switch log:\n%s", logb)
	// The persistent devices outlive the switch, as a VM's would.
	s.MustRun(t, "ip", "link", "show", "tapA")
}

// TestSwitchJoin makes a tap-mode VPN interface a port of `tuntap switch`:
// a VM behind the switch on one host and a tap-mode tuntap on another host
// share one segment.
func TestSwitchJoin(t *testing.T) {
	s1, vm, s2 := netns.New(t), netns.New(t), netns.New(t)
	vmPort(t, s1, "tapL", "br0", vm, "10.217.0.1/24", "fd17::1/64")
	netns.Veth(t, s1, "u0", s2, "u0")
	s1.MustRun(t, "ip", "addr", "add", "10.218.0.1/24", "dev", "u0")
	s2.MustRun(t, "ip", "addr", "add", "10.218.0.2/24", "dev", "u0")
	noDAD(t, s2)

	k1, k2 := e2etest.NewKey(t), e2etest.NewKey(t)
	// MTU 1500 on both ends, as the VMs' segment has: larger datagrams
	// fragment on the underlay.
	conf := writeConf(t, "vpn0", e2etest.Conf{Key: k1, Port: 51820, MTU: 1500, Peers: []e2etest.Peer{{Pub: k2.Pub}}})
	sockDir := filepath.Join(t.TempDir(), "run")
	startSwitch(t, s1, "--port", "tapL", "--join", conf, "--socket-dir", sockDir)
	remote := startSite(t, "remote", s2, e2etest.Conf{Key: k2, MTU: 1500, Addrs: []string{"10.217.0.2/24", "fd17::2/64"},
		PostUp: []string{"ip link set dev %i address 02:17:00:00:00:02"},
		Peers:  []e2etest.Peer{{Pub: k1.Pub, Endpoint: "10.218.0.1:51820", Keepalive: 5}}})
	remote.waitUp(t)

	ping(t, vm, "10.217.0.2")
	ping(t, vm, "fd17::2")
	ping(t, s2, "10.217.0.1", "-s", "1472", "-M", "do")

	st := e2etest.Show(t, e2etest.Bin(t), sockDir, "vpn0")
	vmMAC := linkMAC(t, vm, "eth0").String()
	want := map[string]string{vmMAC: "local", "02:17:00:00:00:02": k2.Pub.String()}
	for _, e := range st.MACTable {
		if p, ok := want[e.MAC]; ok && p == e.Port {
			delete(want, e.MAC)
		}
	}
	if len(want) != 0 {
		t.Errorf("the joined interface's MAC table lacks %v: %+v", want, st.MACTable)
	}
}
