//go:build linux

package taptest

import (
	"net"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/tuntap/tuntap/internal/e2etest"
	"github.com/tuntap/tuntap/internal/netns"
)

// writeConf writes c as a tap-mode config file name.conf, mode 0600.
func writeConf(t testing.TB, name string, c e2etest.Conf) string {
	t.Helper()
	c.Mode = "tap"
	return e2etest.WriteConf(t, t.TempDir(), name+".conf", c.String())
}

// site is a namespace running `tuntap up` with a tap-mode config.
type site struct {
	*e2etest.Node
	label string
	cfg   e2etest.Conf
	mac   net.HardwareAddr
}

const ifName = "tap0"

func startSite(t *testing.T, label string, ns *netns.NS, c e2etest.Conf, upArgs ...string) *site {
	t.Helper()
	s := &site{label: label, cfg: c, Node: &e2etest.Node{NS: ns, Name: ifName, Label: label,
		SockDir: filepath.Join(t.TempDir(), "run"), Conf: writeConf(t, ifName, c), Args: upArgs}}
	s.Start(t)
	s.mac = linkMAC(t, ns, s.Name)
	return s
}

// linkMAC is the hardware address of dev in ns.
func linkMAC(t testing.TB, ns *netns.NS, dev string) net.HardwareAddr {
	t.Helper()
	var mac net.HardwareAddr
	err := ns.Do(func() error {
		ifc, err := net.InterfaceByName(dev)
		if err != nil {
			return err
		}
		mac = ifc.HardwareAddr
		return nil
	})
	if err != nil {
		t.Fatalf("MAC of %s in %s: %v", dev, ns.Name, err)
	}
	return mac
}

func (s *site) showText(t testing.TB) string {
	t.Helper()
	out, err := exec.Command(e2etest.Bin(t), "show", "--socket-dir", s.SockDir, s.Name).Output()
	if err != nil {
		t.Fatalf("tuntap show %s: %v", s.label, err)
	}
	return string(out)
}

// ping pings addr from ns: single pings until one answers (ARP and the
// handshake happen on the first), then count more that must all answer.
func ping(t *testing.T, ns *netns.NS, addr string, args ...string) {
	t.Helper()
	base := append([]string{"-n", "-W", "2"}, args...)
	var out string
	var err error
	ok := e2etest.WaitFor(20*time.Second, func() bool {
		out, err = ns.Run("ping", append(append([]string{"-c", "1"}, base...), addr)...)
		return err == nil
	})
	if !ok {
		t.Fatalf("ping %s from %s: no answer in 20s: %v\n%s", addr, ns.Name, err, out)
	}
	if out, err = ns.Run("ping", append(append([]string{"-c", "3", "-i", "0.2"}, base...), addr)...); err != nil {
		t.Fatalf("ping %s from %s: %v\n%s", addr, ns.Name, err, out)
	}
}

// noDAD makes IPv6 addresses usable at once in ns (no duplicate address
// detection), so that tests need not wait for it.
func noDAD(t testing.TB, ns *netns.NS) {
	t.Helper()
	for _, k := range []string{"net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0"} {
		ns.MustRun(t, "sysctl", "-qw", k)
	}
}
