package netcfg

import (
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// Rule is one policy-routing rule of the kind wg-quick adds for a full
// tunnel. The kernel picks the priority, as `ip rule add` without pref does.
type Rule struct {
	V6    bool
	Table int
	// Mark, if not 0, matches packets carrying it; Invert matches those
	// that do not ("not fwmark M").
	Mark   uint32
	Invert bool
	// SuppressPrefixlen >= 0 ignores routes of that prefix length or
	// shorter found in Table; -1 means no suppression.
	SuppressPrefixlen int
}

// NotMarkRule is "not fwmark MARK table TABLE": everything except the
// tunnel's own marked datagrams looks in TABLE.
func NotMarkRule(v6 bool, mark uint32, table int) Rule {
	return Rule{V6: v6, Table: table, Mark: mark, Invert: true, SuppressPrefixlen: -1}
}

// SuppressDefaultRule is "table main suppress_prefixlength 0": the main
// table is used for everything but its default route.
func SuppressDefaultRule(v6 bool) Rule {
	return Rule{V6: v6, Table: unix.RT_TABLE_MAIN, SuppressPrefixlen: 0}
}

func (r Rule) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "ip -%c rule", "46"[btoi(r.V6)])
	if r.Invert {
		b.WriteString(" not")
	}
	if r.Mark != 0 {
		fmt.Fprintf(&b, " fwmark 0x%x", r.Mark)
	}
	fmt.Fprintf(&b, " table %d", r.Table)
	if r.SuppressPrefixlen >= 0 {
		fmt.Fprintf(&b, " suppress_prefixlength %d", r.SuppressPrefixlen)
	}
	return b.String()
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func family(v6 bool) int {
	if v6 {
		return netlink.FAMILY_V6
	}
	return netlink.FAMILY_V4
}

func (r Rule) netlink() *netlink.Rule {
	nr := netlink.NewRule()
	nr.Family = family(r.V6)
	nr.Table = r.Table
	nr.Mark = r.Mark // no mask: the kernel then matches all 32 bits, as for `ip rule`
	nr.Invert = r.Invert
	nr.SuppressPrefixlen = r.SuppressPrefixlen
	return nr
}

// AddRule adds the rule.
func AddRule(r Rule) error {
	if err := netlink.RuleAdd(r.netlink()); err != nil {
		return fmt.Errorf("netcfg: %s: %w", r, err)
	}
	return nil
}

// DelRule removes one rule equal to r.
func DelRule(r Rule) error {
	if err := netlink.RuleDel(r.netlink()); err != nil {
		return fmt.Errorf("netcfg: delete %s: %w", r, err)
	}
	return nil
}

// Rules lists the rules of one family.
func Rules(v6 bool) ([]Rule, error) {
	list, err := netlink.RuleList(family(v6))
	if err != nil {
		return nil, fmt.Errorf("netcfg: list rules: %w", err)
	}
	out := make([]Rule, 0, len(list))
	for _, nr := range list {
		out = append(out, Rule{V6: v6, Table: nr.Table, Mark: nr.Mark, Invert: nr.Invert, SuppressPrefixlen: nr.SuppressPrefixlen})
	}
	return out, nil
}

// FreeTable returns the first routing table from start on that holds no
// IPv4 or IPv6 route, as wg-quick picks one for a full tunnel.
func FreeTable(start int) (int, error) {
	for t := start; t < start+1<<16; t++ {
		used := false
		for _, fam := range []int{netlink.FAMILY_V4, netlink.FAMILY_V6} {
			rs, err := netlink.RouteListFiltered(fam, &netlink.Route{Table: t}, netlink.RT_FILTER_TABLE)
			if err != nil {
				return 0, fmt.Errorf("netcfg: list routes of table %d: %w", t, err)
			}
			used = used || len(rs) > 0
		}
		if !used {
			return t, nil
		}
	}
	return 0, fmt.Errorf("netcfg: no free routing table from %d on", start)
}

// RouteMTU is the MTU of the path the kernel would use to reach dst (`ip
// route get`): the route's own mtu if it has one, else its device's.
func RouteMTU(dst netip.Addr) (int, error) {
	rs, err := netlink.RouteGet(net.IP(dst.Unmap().AsSlice()))
	if err != nil {
		return 0, fmt.Errorf("netcfg: route get %s: %w", dst, err)
	}
	if len(rs) == 0 {
		return 0, fmt.Errorf("netcfg: route get %s: no route", dst)
	}
	if rs[0].MTU > 0 {
		return rs[0].MTU, nil
	}
	l, err := netlink.LinkByIndex(rs[0].LinkIndex)
	if err != nil {
		return 0, fmt.Errorf("netcfg: route get %s: device %d: %w", dst, rs[0].LinkIndex, err)
	}
	return l.Attrs().MTU, nil
}

// RouteDev is the name of the device the kernel would send a packet to dst
// through, with the given firewall mark (0: none).
func RouteDev(dst netip.Addr, mark uint32) (string, error) {
	rs, err := netlink.RouteGetWithOptions(net.IP(dst.Unmap().AsSlice()), &netlink.RouteGetOptions{Mark: mark})
	if err != nil {
		return "", fmt.Errorf("netcfg: route get %s mark 0x%x: %w", dst, mark, err)
	}
	if len(rs) == 0 {
		return "", fmt.Errorf("netcfg: route get %s: no route", dst)
	}
	l, err := netlink.LinkByIndex(rs[0].LinkIndex)
	if err != nil {
		return "", fmt.Errorf("netcfg: route get %s: device %d: %w", dst, rs[0].LinkIndex, err)
	}
	return l.Attrs().Name, nil
}

// SetSysctl writes value to /proc/sys/KEY (dots as separators), in the
// network namespace of the calling thread for net.* keys.
func SetSysctl(key, value string) error {
	if key == "" || strings.Contains(key, "/") || strings.Contains(key, "..") {
		return fmt.Errorf("netcfg: invalid sysctl key %q", key)
	}
	p := filepath.Join("/proc/sys", strings.ReplaceAll(key, ".", "/"))
	if err := os.WriteFile(p, []byte(value), 0); err != nil {
		return fmt.Errorf("netcfg: sysctl %s=%s: %w", key, value, err)
	}
	return nil
}
