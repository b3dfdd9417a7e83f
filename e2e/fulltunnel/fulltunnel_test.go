//go:build linux

package fulltunnel

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/tuntap/tuntap/internal/e2etest"
	"github.com/tuntap/tuntap/internal/netns"
)

// world is client namespace A joined to server namespace B by a veth pair.
// B's endpoint (198.51.100.2, 2001:db8:2::2) and its "internet" addresses
// (203.0.113.1, 2001:db8:ff::1) sit on B's loopback, outside the tunnel's
// subnet; A reaches them by default routes through B, as a host reaches a
// remote server. Without policy routing a default route into the tunnel
// would swallow the tunnel's own datagrams.
type world struct {
	a, b         *netns.NS
	aKey, bKey   e2etest.Key
	server       *node
	endpoint     string
	v4Net, v6Net string
}

func newWorld(t *testing.T) *world {
	w := &world{a: netns.New(t), b: netns.New(t), aKey: e2etest.NewKey(t), bKey: e2etest.NewKey(t),
		endpoint: "198.51.100.2:51820", v4Net: "203.0.113.1", v6Net: "2001:db8:ff::1"}
	netns.Veth(t, w.a, "va", w.b, "vb")
	for _, c := range [][]string{
		{"addr", "add", "192.0.2.1/24", "dev", "va"},
		{"addr", "add", "2001:db8:1::1/64", "dev", "va", "nodad"},
		{"route", "add", "default", "via", "192.0.2.2"},
		{"-6", "route", "add", "default", "via", "2001:db8:1::2"},
	} {
		w.a.MustRun(t, "ip", c...)
	}
	for _, c := range [][]string{
		{"addr", "add", "192.0.2.2/24", "dev", "vb"},
		{"addr", "add", "2001:db8:1::2/64", "dev", "vb", "nodad"},
		{"addr", "add", "198.51.100.2/32", "dev", "lo"},
		{"addr", "add", "2001:db8:2::2/128", "dev", "lo"},
		{"addr", "add", "203.0.113.1/32", "dev", "lo"},
		{"addr", "add", "2001:db8:ff::1/128", "dev", "lo"},
		// B answers from its endpoint address, so A's peer keeps the
		// off-link endpoint instead of roaming to 192.0.2.2.
		{"route", "replace", "192.0.2.0/24", "dev", "vb", "proto", "kernel", "scope", "link", "src", "198.51.100.2"},
	} {
		w.b.MustRun(t, "ip", c...)
	}
	w.server = up(t, w.b, w.bKey, fmt.Sprintf(`[Interface]
PrivateKey = PRIVATE
ListenPort = 51820
Address = 10.9.0.1/24, fd09::1/64

[Peer]
PublicKey = %s
AllowedIPs = 10.9.0.2/32, fd09::2/128
`, w.aKey.Pub))
	return w
}

// client is A's config: every address through the tunnel, plus extra
// [Interface] lines.
func (w *world) client(extra string) string {
	return fmt.Sprintf(`[Interface]
PrivateKey = PRIVATE
Address = 10.9.0.2/24, fd09::2/64
%s
[Peer]
PublicKey = %s
AllowedIPs = 0.0.0.0/0, ::/0
Endpoint = %s
`, extra, w.bKey.Pub, w.endpoint)
}

// routingState is what must be the same before up and after down.
func routingState(t *testing.T, ns *netns.NS, tables ...int) string {
	var b strings.Builder
	for _, fam := range []string{"-4", "-6"} {
		b.WriteString(ns.MustRun(t, "ip", fam, "rule"))
		for _, tb := range tables {
			b.WriteString(tableRoutes(t, ns, fam, tb))
		}
	}
	return b.String()
}

// tableRoutes lists a table's routes; a table never used lists as empty
// (IPv4 says it does not exist, IPv6 lists nothing).
func tableRoutes(t *testing.T, ns *netns.NS, fam string, table int) string {
	t.Helper()
	out, err := ns.Run("ip", fam, "route", "show", "table", strconv.Itoa(table))
	if err != nil {
		if strings.Contains(out, "does not exist") {
			return ""
		}
		t.Fatal(err)
	}
	return out
}

var txPackets = regexp.MustCompile(`TX:[^\n]*\n\s*\d+\s+(\d+)`)

// txCount is the device's transmitted packets (`ip -s link`).
func txCount(t *testing.T, ns *netns.NS, dev string) int {
	t.Helper()
	m := txPackets.FindStringSubmatch(ns.MustRun(t, "ip", "-s", "link", "show", "dev", dev))
	if m == nil {
		t.Fatalf("no TX counters for %s", dev)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

func mustContain(t *testing.T, what, out string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(out, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, out)
		}
	}
}

// TestFullTunnel: AllowedIPs = 0.0.0.0/0, ::/0 with Table unset routes
// everything through the tunnel as wg-quick does, the tunnel's own datagrams
// still leave over the veth, and SIGTERM leaves rules and table as before.
func TestFullTunnel(t *testing.T) {
	for _, c := range []struct {
		name  string
		extra string
		mark  uint32
	}{
		{"auto-mark", "DNS = 10.9.0.1, corp.example\n", 51820},
		{"fwmark-key", "FwMark = 0x1234\n", 0x1234},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := newWorld(t)
			table := int(c.mark)
			before := routingState(t, w.a, table)
			// An empty PATH: no resolvconf can be found, so the host's
			// resolver is never touched whatever is installed.
			cl := up(t, w.a, w.aKey, w.client(c.extra), "PATH="+t.TempDir())
			dev := cl.name
			hex := fmt.Sprintf("0x%x", c.mark)
			for _, fam := range []string{"-4", "-6"} {
				mustContain(t, "ip "+fam+" rule", w.a.MustRun(t, "ip", fam, "rule"),
					fmt.Sprintf("not from all fwmark %s lookup %d", hex, table), "from all lookup main suppress_prefixlength 0")
				mustContain(t, "table", tableRoutes(t, w.a, fam, table), "default dev "+dev)
			}
			for _, dst := range []string{w.v4Net, w.v6Net} {
				mustContain(t, "ip route get "+dst, w.a.MustRun(t, "ip", "route", "get", dst), "dev "+dev)
			}
			mustContain(t, "ip route get of the endpoint with the mark",
				w.a.MustRun(t, "ip", "route", "get", "198.51.100.2", "mark", hex), "dev va")
			mustContain(t, "ss -uanep", w.a.MustRun(t, "ss", "-uanep"), "fwmark:"+hex)
			if st := cl.state(t); st.Fwmark != c.mark {
				t.Errorf("tuntap reports fwmark 0x%x, want %s", st.Fwmark, hex)
			}
			mustContain(t, "src_valid_mark", w.a.MustRun(t, "sysctl", "net.ipv4.conf.all.src_valid_mark"), "= 1")

			tunTx, vethTx := txCount(t, w.a, dev), txCount(t, w.a, "va")
			w.a.MustRun(t, "ping", "-c", "3", "-i", "0.2", "-W", "5", w.v4Net)
			w.a.MustRun(t, "ping", "-6", "-c", "3", "-i", "0.2", "-W", "5", w.v6Net)
			if d := txCount(t, w.a, dev) - tunTx; d < 6 {
				t.Errorf("%s sent %d packets for 6 pings: the pings did not go through the tunnel", dev, d)
			}
			if d := txCount(t, w.a, "va") - vethTx; d < 6 {
				t.Errorf("va sent %d packets for 6 tunnelled pings: the tunnel's datagrams did not use the underlay", d)
			}
			if ep := cl.state(t).Peers[0].Endpoint.String(); ep != w.endpoint {
				t.Errorf("peer endpoint is %s, want %s (it roamed: the test no longer needs the mark)", ep, w.endpoint)
			}
			if strings.HasPrefix(c.extra, "DNS") {
				mustContain(t, "log", cl.Output(), "resolvconf is not installed", `nameserver 10.9.0.1\nsearch corp.example`)
			}
			if err := cl.stop(); err != nil {
				t.Errorf("tuntap exited with %v after SIGTERM", err)
			}
			if after := routingState(t, w.a, table); after != before {
				t.Errorf("rules and table %d after down:\n%s\nwant as before up:\n%s", table, after, before)
			}
		})
	}
}

// TestTableNumber: Table = N puts every route, the default ones included,
// in table N and adds no rule; down empties the table again.
func TestTableNumber(t *testing.T) {
	w := newWorld(t)
	before := routingState(t, w.a, 1234)
	cl := up(t, w.a, w.aKey, w.client("Table = 1234\n"))
	for _, fam := range []string{"-4", "-6"} {
		mustContain(t, "table 1234", tableRoutes(t, w.a, fam, 1234), "default dev "+cl.name)
		if got := w.a.MustRun(t, "ip", fam, "rule"); !strings.Contains(before, got) {
			t.Errorf("ip %s rule changed with Table = 1234:\n%s", fam, got)
		}
	}
	mustContain(t, "ip route get "+w.v4Net, w.a.MustRun(t, "ip", "route", "get", w.v4Net), "dev va")
	if err := cl.stop(); err != nil {
		t.Errorf("tuntap exited with %v after SIGTERM", err)
	}
	if after := routingState(t, w.a, 1234); after != before {
		t.Errorf("after down:\n%s\nwant:\n%s", after, before)
	}
}

// TestTableOff: Table = off adds no route and no rule; FwMark still marks
// the socket.
func TestTableOff(t *testing.T) {
	w := newWorld(t)
	before := routingState(t, w.a, 51820)
	cl := up(t, w.a, w.aKey, w.client("Table = off\nFwMark = 0x77\n"))
	for _, fam := range []string{"-4", "-6"} {
		for _, l := range strings.Split(strings.TrimSpace(w.a.MustRun(t, "ip", fam, "route", "show", "dev", cl.name)), "\n") {
			if l != "" && !strings.Contains(l, "proto kernel") {
				t.Errorf("Table = off, yet a route was added: %s", l)
			}
		}
	}
	if got := routingState(t, w.a, 51820); got != before {
		t.Errorf("Table = off changed rules or table 51820:\n%s", got)
	}
	mustContain(t, "ss -uanep", w.a.MustRun(t, "ss", "-uanep"), "fwmark:0x77")
	if st := cl.state(t); st.Fwmark != 0x77 {
		t.Errorf("tuntap reports fwmark 0x%x, want 0x77", st.Fwmark)
	}
}
