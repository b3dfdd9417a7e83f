package config

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// Load reads, parses and validates the config file at path. A file holding a
// private or preshared key that group or others may read or write is refused
// with ErrInsecureMode and the chmod that fixes it.
func Load(path string) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load config: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("load config: %w", err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("load config %s: not a regular file", path)
	}
	c, err := Parse(path, f)
	if err != nil {
		return nil, err
	}
	// Windows has no mode bits to speak of (files report 0666): skip there.
	if perm := st.Mode().Perm(); perm&0o077 != 0 && c.holdsSecret() && runtime.GOOS != "windows" {
		return nil, fmt.Errorf("%s: %w (mode %04o); fix with: chmod 600 %s",
			path, ErrInsecureMode, perm, shellQuote(path))
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Config) holdsSecret() bool {
	if !c.Interface.PrivateKey.IsZero() {
		return true
	}
	for _, p := range c.Peers {
		if p.HasPSK {
			return true
		}
	}
	return false
}

// shellQuote quotes s for a command the user may paste, when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_=+.,-/:@%") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// InterfaceName derives the interface name from the config path, as
// wg-quick: "/etc/wireguard/wg0.conf" -> "wg0".
func InterfaceName(path string) (string, error) {
	base := filepath.Base(path)
	name, ok := strings.CutSuffix(base, ".conf")
	if !ok {
		return "", fmt.Errorf("config file %q must be named INTERFACE.conf", path)
	}
	if err := checkIfName(name); err != nil {
		return "", fmt.Errorf("config file %q: %w", path, err)
	}
	return name, nil
}

// resolver is net.DefaultResolver; tests point it at a DNS server on
// loopback so that no query leaves the machine.
var resolver = net.DefaultResolver

// ResolveEndpoint turns an Endpoint value into an address, resolving a
// hostname with net.DefaultResolver. Literal addresses need no lookup.
func ResolveEndpoint(ep string) (netip.AddrPort, error) {
	return ResolveEndpointContext(context.Background(), ep)
}

// ResolveEndpointContext is ResolveEndpoint with a context to bound the
// lookup.
func ResolveEndpointContext(ctx context.Context, ep string) (netip.AddrPort, error) {
	if ap, err := netip.ParseAddrPort(ep); err == nil {
		if ap.Port() == 0 {
			return netip.AddrPort{}, fmt.Errorf("endpoint %q: port 0", ep)
		}
		return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port()), nil
	}
	host, port, err := parseHostPort(ep)
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("endpoint %q: %w", ep, err)
	}
	addrs, err := resolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("endpoint %q: %w", ep, err)
	}
	if len(addrs) == 0 { // the resolver reports this as an error; be safe
		return netip.AddrPort{}, fmt.Errorf("endpoint %q: no address for %s", ep, host)
	}
	// The resolver orders addresses by RFC 6724, as getaddrinfo does for wg.
	return netip.AddrPortFrom(addrs[0].Unmap(), port), nil
}
