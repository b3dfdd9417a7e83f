// Package netcfg configures network interfaces by name: MTU, state,
// addresses, routes, MAC addresses and bridges. It speaks rtnetlink through
// github.com/vishvananda/netlink, whose package-level calls open a fresh
// socket per request, so every function acts in the calling thread's network
// namespace (tests run them inside netns.NS.Do).
package netcfg

import (
	"fmt"
	"net"
	"net/netip"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

func link(name string) (netlink.Link, error) {
	l, err := netlink.LinkByName(name)
	if err != nil {
		return nil, fmt.Errorf("netcfg: find %s: %w", name, err)
	}
	return l, nil
}

// withLink looks name up and runs f on it, wrapping f's error with what and
// the interface name.
func withLink(name, what string, f func(netlink.Link) error) error {
	l, err := link(name)
	if err != nil {
		return err
	}
	if err := f(l); err != nil {
		return fmt.Errorf("netcfg: %s %s: %w", what, name, err)
	}
	return nil
}

// SetMTU sets the interface's MTU.
func SetMTU(name string, mtu int) error {
	return withLink(name, fmt.Sprintf("set mtu %d on", mtu), func(l netlink.Link) error {
		return netlink.LinkSetMTU(l, mtu)
	})
}

// SetUp brings the interface up.
func SetUp(name string) error {
	return withLink(name, "set up", netlink.LinkSetUp)
}

// SetDown takes the interface down.
func SetDown(name string) error {
	return withLink(name, "set down", netlink.LinkSetDown)
}

// Index returns the interface's index.
func Index(name string) (int, error) {
	l, err := link(name)
	if err != nil {
		return 0, err
	}
	return l.Attrs().Index, nil
}

// HardwareAddr returns the interface's MAC address (empty for a TUN device).
func HardwareAddr(name string) (net.HardwareAddr, error) {
	l, err := link(name)
	if err != nil {
		return nil, err
	}
	return l.Attrs().HardwareAddr, nil
}

// SetHardwareAddr sets the interface's MAC address.
func SetHardwareAddr(name string, mac net.HardwareAddr) error {
	return withLink(name, fmt.Sprintf("set address %s on", mac), func(l netlink.Link) error {
		return netlink.LinkSetHardwareAddr(l, mac)
	})
}

// SetMaster attaches the interface to a bridge (or other master device).
func SetMaster(name, bridge string) error {
	br, err := link(bridge)
	if err != nil {
		return err
	}
	return withLink(name, "set master "+bridge+" of", func(l netlink.Link) error {
		return netlink.LinkSetMasterByIndex(l, br.Attrs().Index)
	})
}

// ClearMaster detaches the interface from its bridge.
func ClearMaster(name string) error {
	return withLink(name, "clear master of", netlink.LinkSetNoMaster)
}

// AddBridge creates a Linux bridge (left down).
func AddBridge(name string) error {
	br := &netlink.Bridge{LinkAttrs: netlink.LinkAttrs{Name: name}}
	if err := netlink.LinkAdd(br); err != nil {
		return fmt.Errorf("netcfg: add bridge %s: %w", name, err)
	}
	return nil
}

// DelLink deletes the interface.
func DelLink(name string) error {
	return withLink(name, "delete", netlink.LinkDel)
}

// ipNet keeps the host bits of p: 10.0.0.1/24 is an address, not a subnet.
func ipNet(p netip.Prefix) *net.IPNet {
	a := p.Addr().Unmap()
	return &net.IPNet{IP: net.IP(a.AsSlice()), Mask: net.CIDRMask(p.Bits(), a.BitLen())}
}

func checkPrefix(p netip.Prefix) error {
	if !p.IsValid() {
		return fmt.Errorf("netcfg: invalid prefix %v", p)
	}
	return nil
}

// AddAddr assigns the address p (host bits kept, so it also adds the
// subnet's connected route).
func AddAddr(name string, p netip.Prefix) error {
	if err := checkPrefix(p); err != nil {
		return err
	}
	return withLink(name, "add address "+p.String()+" to", func(l netlink.Link) error {
		return netlink.AddrAdd(l, &netlink.Addr{IPNet: ipNet(p)})
	})
}

// DelAddr removes the address p.
func DelAddr(name string, p netip.Prefix) error {
	if err := checkPrefix(p); err != nil {
		return err
	}
	return withLink(name, "delete address "+p.String()+" from", func(l netlink.Link) error {
		return netlink.AddrDel(l, &netlink.Addr{IPNet: ipNet(p)})
	})
}

// Addrs returns the interface's IPv4 and IPv6 addresses, link-local ones
// included.
func Addrs(name string) ([]netip.Prefix, error) {
	l, err := link(name)
	if err != nil {
		return nil, err
	}
	list, err := netlink.AddrList(l, netlink.FAMILY_ALL)
	if err != nil {
		return nil, fmt.Errorf("netcfg: list addresses of %s: %w", name, err)
	}
	out := make([]netip.Prefix, 0, len(list))
	for _, a := range list {
		ip, ok := netip.AddrFromSlice(a.IP)
		if !ok {
			continue
		}
		bits, _ := a.Mask.Size()
		out = append(out, netip.PrefixFrom(ip.Unmap(), bits))
	}
	return out, nil
}

// route is a link-scoped route to dst through the interface in table (0 is
// main): a TUN or TAP device needs no gateway.
func route(l netlink.Link, dst netip.Prefix, table int) *netlink.Route {
	return &netlink.Route{
		LinkIndex: l.Attrs().Index,
		Dst:       ipNet(dst.Masked()),
		Scope:     netlink.SCOPE_LINK,
		Table:     table,
	}
}

// AddRoute routes dst into the interface, in table (0 = main).
func AddRoute(name string, dst netip.Prefix, table int) error {
	if err := checkPrefix(dst); err != nil {
		return err
	}
	return withLink(name, fmt.Sprintf("add route %s table %d via", dst, table), func(l netlink.Link) error {
		r := route(l, dst, table)
		r.Protocol = unix.RTPROT_BOOT // what `ip route add` sets
		return netlink.RouteAdd(r)
	})
}

// DelRoute removes a route added by AddRoute.
func DelRoute(name string, dst netip.Prefix, table int) error {
	if err := checkPrefix(dst); err != nil {
		return err
	}
	return withLink(name, fmt.Sprintf("delete route %s table %d via", dst, table), func(l netlink.Link) error {
		return netlink.RouteDel(route(l, dst, table))
	})
}
