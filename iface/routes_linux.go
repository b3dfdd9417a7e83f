package iface

import (
	"fmt"
	"net/netip"

	"github.com/tuntap/tuntap/config"
	"github.com/tuntap/tuntap/netcfg"
)

// addRoutes routes the peers' allowed IPs into the interface as wg-quick
// does: Table off adds nothing; a table number puts every route there; auto
// puts them in main, except a default route, which goes into a table of its
// own behind policy rules so the tunnel's own datagrams still leave by the
// old route (see addDefault).
func (i *Interface) addRoutes() error {
	if i.cfg.Interface.Mode == config.ModeTAP {
		return nil
	}
	mode, err := parseTable(i.cfg.Interface.Table)
	if err != nil {
		return fmt.Errorf("%s: %w", i.cfg.Path, err)
	}
	if mode.off {
		return nil
	}
	var v4Default, v6Default bool
	for _, pf := range i.routedPrefixes() {
		if pf.Bits() == 0 && mode.auto {
			v4Default = v4Default || pf.Addr().Is4()
			v6Default = v6Default || pf.Addr().Is6()
			continue
		}
		if err := i.addRoute(pf, mode.num); err != nil {
			return err
		}
	}
	if v4Default || v6Default {
		return i.addDefault(v4Default, v6Default)
	}
	return nil
}

// routedPrefixes are the peers' allowed IPs, masked, each once, without the
// subnets the interface's own addresses already route.
func (i *Interface) routedPrefixes() []netip.Prefix {
	seen := map[netip.Prefix]bool{}
	var out []netip.Prefix
	for _, p := range i.cfg.Peers {
		for _, pf := range p.AllowedIPs {
			pf = pf.Masked()
			if seen[pf] || i.coveredByAddress(pf) {
				continue
			}
			seen[pf] = true
			out = append(out, pf)
		}
	}
	return out
}

// coveredByAddress: the kernel already routes an address's own subnet.
func (i *Interface) coveredByAddress(pf netip.Prefix) bool {
	for _, a := range i.cfg.Interface.Addresses {
		if a.Masked() == pf {
			return true
		}
	}
	return false
}

func (i *Interface) addRoute(dst netip.Prefix, table int) error {
	if err := netcfg.AddRoute(i.name, dst, table); err != nil {
		return err
	}
	i.rt.routes = append(i.rt.routes, tableRoute{dst, table})
	return nil
}

func (i *Interface) addRule(r netcfg.Rule) error {
	if err := netcfg.AddRule(r); err != nil {
		return err
	}
	i.rt.rules = append(i.rt.rules, r)
	return nil
}

// addDefault is wg-quick's full tunnel: the socket carries mark T (FwMark,
// else the first free table from 51820), and per family "not fwmark T table
// T" sends everything else to table T, whose only route is the default one
// into the tunnel, while "table main suppress_prefixlength 0" keeps main's
// more specific routes (the LAN, the endpoint's subnet) in force. Its
// nftables rules come with it (addFirewall).
func (i *Interface) addDefault(v4, v6 bool) error {
	mark := i.cfg.Interface.FwMark
	if mark == 0 {
		t, err := netcfg.FreeTable(fullTunnelTable)
		if err != nil {
			return err
		}
		mark = uint32(t)
		if err := i.eng.SetFwmark(mark); err != nil {
			return err
		}
	}
	table := int(mark)
	for _, v6fam := range []bool{false, true} {
		if (!v6fam && !v4) || (v6fam && !v6) {
			continue
		}
		if err := i.addRule(netcfg.NotMarkRule(v6fam, mark, table)); err != nil {
			return err
		}
		if err := i.addRule(netcfg.SuppressDefaultRule(v6fam)); err != nil {
			return err
		}
		dst := netip.PrefixFrom(netip.IPv4Unspecified(), 0)
		if v6fam {
			dst = netip.PrefixFrom(netip.IPv6Unspecified(), 0)
		}
		if err := i.addRoute(dst, table); err != nil {
			return err
		}
	}
	if err := i.addFirewall(mark, v4, v6); err != nil {
		return err
	}
	if v4 {
		// Replies to marked packets must pass reverse-path filtering.
		if err := netcfg.SetSysctl("net.ipv4.conf.all.src_valid_mark", "1"); err != nil {
			i.log.Warn("full tunnel: could not set net.ipv4.conf.all.src_valid_mark=1; strict reverse-path filtering may drop replies", "err", err)
		}
	}
	i.log.Info("default route through the tunnel", "if", i.name, "table", table, "fwmark", fmt.Sprintf("0x%x", mark), "ipv4", v4, "ipv6", v6)
	return nil
}

// removeRoutes undoes addRoutes: rules first (so nothing is sent to a
// half-emptied table), newest first, then the nftables tables and routes.
// Routes would also vanish with the device; rules and tables would not.
func (i *Interface) removeRoutes() {
	for k := len(i.rt.rules) - 1; k >= 0; k-- {
		if err := netcfg.DelRule(i.rt.rules[k]); err != nil {
			i.log.Warn("remove rule", "if", i.name, "err", err)
		}
	}
	i.rt.rules = nil
	i.removeFirewall()
	for _, r := range i.rt.routes {
		netcfg.DelRoute(i.name, r.dst, r.table) // fails harmlessly if the device is gone
	}
	i.rt.routes = nil
}

// autoMTU is wg-quick's MTU for a config without one, from the paths to the
// peers' endpoints (`ip route get ENDPOINT`). Endpoints that do not resolve
// or have no route are skipped here; addPeers reports them.
func (i *Interface) autoMTU() int {
	var paths []pathMTU
	for _, p := range i.cfg.Peers {
		if p.Endpoint == "" {
			continue
		}
		ep, err := config.ResolveEndpoint(p.Endpoint)
		if err != nil {
			continue
		}
		mtu, err := netcfg.RouteMTU(ep.Addr())
		if err != nil {
			i.log.Debug("MTU: no path to endpoint", "endpoint", ep, "err", err)
			continue
		}
		paths = append(paths, pathMTU{mtu: mtu, v4: ep.Addr().Unmap().Is4()})
	}
	return mtuFromPaths(paths)
}
