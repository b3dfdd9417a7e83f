//go:build linux

package taptest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tuntap/tuntap/internal/e2etest"
	"github.com/tuntap/tuntap/internal/netns"
	"github.com/tuntap/tuntap/internal/testenv"
)

// TestBridgeDHCP is the classic server-bridge: the hub's TAP device joins a
// Linux bridge with the LAN's veth (Bridge = br0), and a remote spoke gets
// its address from the LAN's DHCP server (dnsmasq) over the VPN, then pings
// the LAN.
func TestBridgeDHCP(t *testing.T) {
	testenv.RequireRoot(t)
	dnsmasq := testenv.RequireTool(t, "dnsmasq")
	dhcp := dhcpClient(t)
	nl, nh, ns := netns.New(t), netns.New(t), netns.New(t)
	// LAN: lan0 in the LAN namespace, its peer a port of br0 at the hub.
	netns.Veth(t, nl, "lan0", nh, "vlan")
	nh.MustRun(t, "ip", "link", "add", "br0", "type", "bridge")
	nh.MustRun(t, "ip", "link", "set", "vlan", "master", "br0")
	nh.MustRun(t, "ip", "link", "set", "br0", "up")
	nl.MustRun(t, "ip", "addr", "add", "10.214.0.1/24", "dev", "lan0")
	// Underlay between hub and spoke.
	netns.Veth(t, nh, "up0", ns, "eth0")
	nh.MustRun(t, "ip", "addr", "add", "10.215.0.1/24", "dev", "up0")
	ns.MustRun(t, "ip", "addr", "add", "10.215.0.2/24", "dev", "eth0")

	dir := t.TempDir()
	e2etest.Start(t, nl, "dnsmasq", dnsmasq, "--no-daemon", "--conf-file=/dev/null", "--user=root", "--interface=lan0",
		"--bind-interfaces", "--except-interface=lo", "--dhcp-range=10.214.0.100,10.214.0.150,255.255.255.0,1h",
		"--dhcp-leasefile="+filepath.Join(dir, "leases"), "--pid-file="+filepath.Join(dir, "dnsmasq.pid"), "--port=0", "--log-dhcp")

	kh, ks := e2etest.NewKey(t), e2etest.NewKey(t)
	hub := startSite(t, "hub", nh, e2etest.Conf{Key: kh, Port: 51820, Bridge: "br0",
		Peers: []e2etest.Peer{{Pub: ks.Pub}}})
	spoke := startSite(t, "spoke", ns, e2etest.Conf{Key: ks, Peers: []e2etest.Peer{{Pub: kh.Pub, Endpoint: "10.215.0.1:51820", Keepalive: 5}}})
	if !e2etest.WaitFor(10*time.Second, func() bool {
		out, _ := nh.Run("ip", "-o", "link", "show", "dev", hub.Name)
		return strings.Contains(out, "master br0")
	}) {
		t.Fatalf("the hub's %s never joined br0", hub.Name)
	}
	ns.MustRun(t, "ip", "link", "set", spoke.Name, "up")

	addr := dhcp(t, ns, spoke.Name)
	if !strings.HasPrefix(addr, "10.214.0.") {
		t.Fatalf("DHCP gave %q, want an address of the LAN 10.214.0.0/24", addr)
	}
	t.Logf("spoke got %s from the LAN's DHCP server over the VPN", addr)
	ping(t, ns, "10.214.0.1")
	// The LAN host reaches the spoke back at its leased address.
	ping(t, nl, addr)
	leases, _ := os.ReadFile(filepath.Join(dir, "leases"))
	if !strings.Contains(string(leases), addr) || !strings.Contains(string(leases), spoke.mac.String()) {
		t.Errorf("dnsmasq's lease file has no lease of %s for %s:\n%s", addr, spoke.mac, leases)
	}
}

// dhcpClient returns a function that runs a DHCP client once on dev in ns,
// configures the address it gets, and returns that address.
func dhcpClient(t *testing.T) func(t *testing.T, ns *netns.NS, dev string) string {
	if p, err := exec.LookPath("dhclient"); err == nil {
		return func(t *testing.T, ns *netns.NS, dev string) string {
			dir := t.TempDir()
			ns.MustRun(t, "timeout", "60", p, "-1", "-v", "-lf", filepath.Join(dir, "lease"), "-pf", filepath.Join(dir, "pid"), dev)
			t.Cleanup(func() { ns.Run(p, "-r", "-lf", filepath.Join(dir, "lease"), "-pf", filepath.Join(dir, "pid"), dev) })
			return addrOf(t, ns, dev)
		}
	}
	busybox := testenv.RequireTool(t, "busybox")
	return func(t *testing.T, ns *netns.NS, dev string) string {
		// udhcpc calls a script with the lease in its environment.
		script := filepath.Join(t.TempDir(), "udhcpc.sh")
		body := "#!/bin/sh\ncase \"$1\" in bound|renew) ip addr add \"$ip/${mask:-$subnet}\" dev \"$interface\";; esac\n"
		if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
			t.Fatal(err)
		}
		out, err := ns.Run("timeout", "60", busybox, "udhcpc", "-f", "-q", "-n", "-t", "20", "-T", "2", "-i", dev, "-s", script)
		if err != nil {
			t.Fatalf("udhcpc: %v\n%s", err, out)
		}
		return addrOf(t, ns, dev)
	}
}

// addrOf is the first IPv4 address on dev.
func addrOf(t *testing.T, ns *netns.NS, dev string) string {
	t.Helper()
	out := ns.MustRun(t, "ip", "-4", "-o", "addr", "show", "dev", dev)
	for _, f := range strings.Fields(out) {
		if a, _, ok := strings.Cut(f, "/"); ok && strings.Count(a, ".") == 3 {
			return a
		}
	}
	t.Fatalf("no IPv4 address on %s after DHCP:\n%s", dev, out)
	return ""
}
