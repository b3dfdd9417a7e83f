//go:build linux

package paths

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tuntap/tuntap/internal/e2etest"
	"github.com/tuntap/tuntap/internal/netns"
)

const (
	portA = 51820
	portB = 51821
)

// ping sends one echo request of size bytes of payload (DF set, so neither
// the inner packet nor its reply is ever fragmented) and reports whether it
// was answered within wait seconds, with ping's output.
func ping(ns *netns.NS, addr string, size, wait int) (bool, string) {
	out, err := ns.Run("ping", "-n", "-c", "1", "-M", "do", "-s", strconv.Itoa(size), "-W", strconv.Itoa(wait), addr)
	return err == nil, out
}

// mustPing fails the test unless addr answers ping's 56-byte request from
// ns, sent with DF set, within d.
func mustPing(t testing.TB, ns *netns.NS, addr string, d time.Duration) {
	t.Helper()
	e2etest.WaitPing(t, ns, addr, d, "-M", "do", "-s", "56")
}

// fragCreates is the namespace's count of IP fragments created by this
// host (the outer packets tuntap sends), for IPv4 or IPv6.
func fragCreates(t testing.TB, ns *netns.NS, family string) uint64 {
	t.Helper()
	if family == "6" {
		return snmp6(t, ns, "Ip6FragCreates")
	}
	return snmp4(t, ns, "Ip", "FragCreates")
}

// snmp4 reads one counter of /proc/net/snmp, which lists each protocol as
// a header line of names followed by a line of values.
func snmp4(t testing.TB, ns *netns.NS, proto, name string) uint64 {
	t.Helper()
	lines := strings.Split(ns.MustRun(t, "cat", "/proc/net/snmp"), "\n")
	for i := 0; i+1 < len(lines); i++ {
		names, values := strings.Fields(lines[i]), strings.Fields(lines[i+1])
		if len(names) == 0 || names[0] != proto+":" || len(values) != len(names) || values[0] != names[0] {
			continue
		}
		for j, n := range names {
			if n == name {
				v, err := strconv.ParseUint(values[j], 10, 64)
				if err != nil {
					t.Fatalf("/proc/net/snmp %s %s: %v", proto, name, err)
				}
				return v
			}
		}
	}
	t.Fatalf("/proc/net/snmp in %s: no %s %s", ns.Name, proto, name)
	return 0
}

// snmp6 reads one counter of /proc/net/snmp6 (one "name value" a line).
func snmp6(t testing.TB, ns *netns.NS, name string) uint64 {
	t.Helper()
	for _, l := range strings.Split(ns.MustRun(t, "cat", "/proc/net/snmp6"), "\n") {
		f := strings.Fields(l)
		if len(f) == 2 && f[0] == name {
			v, err := strconv.ParseUint(f[1], 10, 64)
			if err != nil {
				t.Fatalf("/proc/net/snmp6 %s: %v", name, err)
			}
			return v
		}
	}
	t.Fatalf("/proc/net/snmp6 in %s: no %s", ns.Name, name)
	return 0
}

// pair is two tuntap nodes joined by one veth whose underlay is IPv4-only or
// IPv6-only. Tunnel addresses: 10.75.0.1 and .2, fd75::1 and ::2. Only a
// knows b's endpoint.
type pair struct {
	family string // "4" or "6": the underlay's
	a, b   *netns.NS
	ka, kb e2etest.Key
	na, nb *ttNode
}

// underlayAddr is a's (host 1) or b's (host 2) underlay address.
func underlayAddr(family string, host int) string {
	if family == "6" {
		return fmt.Sprintf("fd00:75::%d", host)
	}
	return fmt.Sprintf("192.168.75.%d", host)
}

func endpoint(family string, host, port int) string {
	if family == "6" {
		return fmt.Sprintf("[%s]:%d", underlayAddr(family, host), port)
	}
	return fmt.Sprintf("%s:%d", underlayAddr(family, host), port)
}

// newPair builds the pair with the given tunnel MTU on a veth of MTU
// underlay and waits until a reaches b through the tunnel over both inner
// families.
func newPair(t *testing.T, family string, mtu, underlay int) *pair {
	t.Helper()
	p := &pair{family: family, a: netns.New(t), b: netns.New(t), ka: e2etest.NewKey(t), kb: e2etest.NewKey(t)}
	netns.Veth(t, p.a, "ub", p.b, "ua")
	p.setLinkMTU(t, underlay)
	p.setUnderlay(t, p.a, "ub", 1)
	p.setUnderlay(t, p.b, "ua", 2)
	dir := t.TempDir()
	p.na = startTuntap(t, p.a, e2etest.UniqueName("pa"), dir, e2etest.Conf{Key: p.ka, Port: portA, MTU: mtu,
		Addrs: []string{"10.75.0.1/24", "fd75::1/64"},
		Peers: []e2etest.Peer{{Pub: p.kb.Pub, AllowedIPs: []string{"10.75.0.2/32", "fd75::2/128"}, Endpoint: endpoint(family, 2, portB)}}})
	p.nb = startTuntap(t, p.b, e2etest.UniqueName("pb"), dir, e2etest.Conf{Key: p.kb, Port: portB, MTU: mtu,
		Addrs: []string{"10.75.0.2/24", "fd75::2/64"},
		Peers: []e2etest.Peer{{Pub: p.ka.Pub, AllowedIPs: []string{"10.75.0.1/32", "fd75::1/128"}}}})
	mustPing(t, p.a, "10.75.0.2", 15*time.Second)
	mustPing(t, p.a, "fd75::2", 10*time.Second)
	return p
}

// setUnderlay gives dev only an address of the pair's family: an IPv4
// underlay has IPv6 disabled (no link-local either), an IPv6 one has no
// IPv4 address.
func (p *pair) setUnderlay(t *testing.T, ns *netns.NS, dev string, host int) {
	t.Helper()
	if p.family == "6" {
		ns.MustRun(t, "ip", "-6", "addr", "add", underlayAddr("6", host)+"/64", "dev", dev, "nodad")
		return
	}
	ns.MustRun(t, "sysctl", "-qw", "net.ipv6.conf."+dev+".disable_ipv6=1")
	ns.MustRun(t, "ip", "addr", "add", underlayAddr("4", host)+"/24", "dev", dev)
}

// setLinkMTU sets both ends of the underlay veth to mtu.
func (p *pair) setLinkMTU(t *testing.T, mtu int) {
	t.Helper()
	p.a.MustRun(t, "ip", "link", "set", "dev", "ub", "mtu", strconv.Itoa(mtu))
	p.b.MustRun(t, "ip", "link", "set", "dev", "ua", "mtu", strconv.Itoa(mtu))
}
