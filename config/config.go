// Package config reads and writes tuntap's configuration files: the wg-quick
// format, so existing WireGuard configs work unchanged, plus tuntap's own
// keys (Mode, Bridge, MAC limits, user-space proxies and port forwards).
//
// Parse checks each line on its own and reports the first mistake with file,
// line and key; Validate checks what spans several lines (duplicate peers,
// keys that only make sense in tap mode). Load does both, and refuses a
// secret-holding file that others may read. The package never logs: what a
// user should hear about but is not an error goes to Config.Warnings.
package config

import (
	"net"
	"net/netip"
	"time"

	"github.com/tuntap/tuntap/noise"
)

// Defaults that apply when a key is absent.
const (
	DefaultMTU       = 1420 // tun mode, as wg-quick: 1500 minus the largest (IPv6) overhead
	DefaultMACAgeing = 300 * time.Second
	DefaultMaxMACs   = 256
	ModeTUN          = "tun"
	ModeTAP          = "tap"
)

// Config is one configuration file.
type Config struct {
	Path      string
	Interface Interface
	Peers     []Peer
	// Warnings are things Parse accepted but the user should hear about,
	// each prefixed with file and line.
	Warnings []string

	lines map[string]int // line of each [Interface] key, for Validate's messages
}

// Interface is the [Interface] section.
type Interface struct {
	PrivateKey noise.PrivateKey
	ListenPort int // 0: a random port
	Addresses  []netip.Prefix
	MTU        int // 0: the default (DefaultMTU in tun mode)
	DNS        []netip.Addr
	DNSSearch  []string // DNS entries that are not addresses, as wg-quick
	// Table is "" (same as auto), "off", "auto", "main" or a table number
	// in decimal.
	Table                            string
	PreUp, PostUp, PreDown, PostDown []string
	SaveConfig                       bool // accepted for compatibility, ignored with a warning
	FwMark                           uint32

	Mode           string        // ModeTUN (default) or ModeTAP
	Bridge         string        // tap mode: attach the TAP device to this Linux bridge
	MACAgeing      time.Duration // tap mode: learned MACs expire after this; Parse sets the default
	MaxMACsPerPeer int           // tap mode: learned MACs per peer (key MaxMACs); Parse sets the default

	SOCKS5    string // listen address of the user-space mode SOCKS5 proxy
	HTTPProxy string // listen address of the user-space mode HTTP proxy
	// Forward listens locally and connects to Target through the tunnel;
	// Expose listens on the tunnel and connects to a local Target.
	Forward []Forward
	Expose  []Forward
}

// Forward is one port forward, written "tcp:LISTEN=TARGET" (or udp).
// Forward's LISTEN defaults to 127.0.0.1 when only a port is given, so a
// tunnel port is not offered to the LAN by accident; Expose's LISTEN is a
// tunnel port, on every tunnel address unless one is given.
type Forward struct {
	Proto  string // "tcp" or "udp"
	Listen string // host:port, normalised by Parse
	Target string // host:port
}

// Peer is one [Peer] section.
type Peer struct {
	PublicKey    noise.PublicKey
	PresharedKey noise.PresharedKey
	HasPSK       bool
	// Endpoint is host:port as written (hostname, IPv4 or [IPv6]:port);
	// ResolveEndpoint turns it into an address.
	Endpoint            string
	AllowedIPs          []netip.Prefix // masked
	PersistentKeepalive time.Duration  // 0: off
	AllowedMACs         []net.HardwareAddr
	Line                int // line of the [Peer] header
}

// EffectiveMTU returns the MTU to configure: the file's, or the default.
func (i *Interface) EffectiveMTU() int {
	if i.MTU == 0 {
		return DefaultMTU
	}
	return i.MTU
}

// IsTAP reports whether the interface runs in layer-2 (TAP) mode.
func (i *Interface) IsTAP() bool { return i.Mode == ModeTAP }
