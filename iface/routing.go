package iface

import (
	"fmt"
	"net/netip"
	"strconv"

	"github.com/tuntap/tuntap/netcfg"
)

// fullTunnelTable is where wg-quick starts looking for a free routing table
// (and a firewall mark) for a default route through the tunnel.
const fullTunnelTable = 51820

// Overheads of one WireGuard data packet on the wire: outer IP header, UDP
// header, 16 bytes of message header and a 16-byte tag.
const (
	overheadIPv4 = 20 + 8 + 32
	overheadIPv6 = 40 + 8 + 32
)

// routing records what the interface added to the routing system, so that
// Close removes exactly that and nothing the user added.
type routing struct {
	routes []tableRoute
	rules  []netcfg.Rule
	dns    string // name registered with resolvconf, "" if none
	nft    nftState
}

type tableRoute struct {
	dst   netip.Prefix
	table int // 0: main
}

// tableMode is what the Table key asks for.
type tableMode struct {
	off  bool
	auto bool // routes in main, a default route through policy routing
	num  int  // a fixed table (main is 254); no rules
}

// parseTable reads Table as wg-quick does: empty or auto, off, main, or a
// table number.
func parseTable(v string) (tableMode, error) {
	switch v {
	case "", "auto":
		return tableMode{auto: true}, nil
	case "off":
		return tableMode{off: true}, nil
	case "main":
		return tableMode{num: 254}, nil
	}
	n, err := strconv.ParseUint(v, 10, 32)
	if err != nil || n == 0 {
		return tableMode{}, fmt.Errorf("Table %q is not a number, auto, main or off", v)
	}
	return tableMode{num: int(n)}, nil
}

// mtuFromPaths turns the MTUs of the paths to the peers' endpoints into the
// tunnel's: the smallest, less the overhead of the widest outer header seen
// (IPv6 unless every endpoint is IPv4). With no endpoint, DefaultMTU.
func mtuFromPaths(paths []pathMTU) int {
	if len(paths) == 0 {
		return DefaultMTU
	}
	low, overhead := 0, overheadIPv4
	for _, p := range paths {
		if low == 0 || p.mtu < low {
			low = p.mtu
		}
		if !p.v4 {
			overhead = overheadIPv6
		}
	}
	return low - overhead
}

type pathMTU struct {
	mtu int
	v4  bool
}
