package config

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
)

// parseInt reads a decimal integer in [lo, hi]; what names the unit in
// messages.
func parseInt(v string, lo, hi int, what string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("invalid %s %q: want a whole number from %d to %d", what, v, lo, hi)
	}
	return n, nil
}

// parseFwMark accepts "off" and numbers in C's notations (decimal, 0x hex,
// leading-0 octal), as wg does.
func parseFwMark(v string) (uint32, error) {
	if strings.EqualFold(v, "off") {
		return 0, nil
	}
	n, err := strconv.ParseUint(v, 0, 32)
	if err != nil || strings.ContainsRune(v, '_') {
		return 0, fmt.Errorf("invalid fwmark %q: want off or a 32-bit number", v)
	}
	return uint32(n), nil
}

// parsePrefix reads "10.0.0.1/24" or a bare address, which means the single
// address (/32 or /128), as wg does.
func parsePrefix(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return p, fmt.Errorf("invalid prefix %q: %w", s, err)
		}
		return p, nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("invalid address %q: %w", s, err)
	}
	if a.Zone() != "" {
		return netip.Prefix{}, fmt.Errorf("invalid address %q: a zone is not allowed here", s)
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

var hostnameRE = regexp.MustCompile(`^[A-Za-z0-9_]([A-Za-z0-9_-]{0,62})(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,62}))*\.?$`)

// validHostname is a loose DNS name check: labels of letters, digits, '-'
// and '_', at most 253 characters.
func validHostname(s string) bool { return len(s) <= 253 && hostnameRE.MatchString(s) }

// parseHostPort checks "host:port" with a non-zero numeric port, where host
// is an IP address (IPv6 in brackets) or a hostname.
func parseHostPort(s string) (string, uint16, error) {
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return "", 0, err
	}
	n, err := strconv.ParseUint(port, 10, 16)
	if err != nil || n == 0 {
		return "", 0, fmt.Errorf("port %q is not a number from 1 to 65535", port)
	}
	if _, err := netip.ParseAddr(host); err != nil && !validHostname(host) {
		return "", 0, fmt.Errorf("host %q is neither an IP address nor a hostname", host)
	}
	return host, uint16(n), nil
}

// parseListen reads a listen address: "port" (on defHost), ":port" (every
// address) or "ip:port". The result is host:port.
func parseListen(s, defHost string) (string, error) {
	if _, err := strconv.ParseUint(s, 10, 16); err == nil {
		s = net.JoinHostPort(defHost, s)
	}
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return "", fmt.Errorf("invalid listen address %q: want port, :port or ip:port", s)
	}
	if n, err := strconv.ParseUint(port, 10, 16); err != nil || n == 0 {
		return "", fmt.Errorf("invalid listen address %q: port is not a number from 1 to 65535", s)
	}
	if host != "" {
		a, err := netip.ParseAddr(host)
		if err != nil || a.Zone() != "" {
			return "", fmt.Errorf("invalid listen address %q: host must be an IP address", s)
		}
	}
	return s, nil
}

// ParseForward reads a --forward (expose false) or --expose flag value in
// the same form as the config keys.
func ParseForward(s string, expose bool) (Forward, error) { return parseForward(s, expose) }

// parseForward reads "tcp:LISTEN=TARGET". For Forward, LISTEN is local and
// a bare port means 127.0.0.1; for Expose, LISTEN is on the tunnel and a
// bare port means every tunnel address.
func parseForward(s string, expose bool) (Forward, error) {
	form := "tcp:LOCAL=TUNNEL"
	if expose {
		form = "tcp:TUNNELPORT=LOCAL"
	}
	proto, rest, ok := strings.Cut(s, ":")
	listen, target, ok2 := strings.Cut(rest, "=")
	if !ok || !ok2 {
		return Forward{}, fmt.Errorf("invalid forward %q: want %s (or udp:)", s, form)
	}
	f := Forward{Proto: strings.ToLower(strings.TrimSpace(proto))}
	if f.Proto != "tcp" && f.Proto != "udp" {
		return Forward{}, fmt.Errorf("invalid forward %q: protocol %q is not tcp or udp", s, proto)
	}
	defHost := "127.0.0.1"
	if expose {
		defHost = ""
	}
	var err error
	if f.Listen, err = parseListen(strings.TrimSpace(listen), defHost); err != nil {
		return Forward{}, fmt.Errorf("invalid forward %q: %w", s, err)
	}
	f.Target = strings.TrimSpace(target)
	if _, _, err := parseHostPort(f.Target); err != nil {
		return Forward{}, fmt.Errorf("invalid forward %q: target: %w", s, err)
	}
	return f, nil
}

// parseMAC reads one unicast Ethernet address for AllowedMACs: a group or
// all-zero address can never be a frame's source.
func parseMAC(s string) (net.HardwareAddr, error) {
	mac, err := net.ParseMAC(s)
	if err == nil && len(mac) != 6 {
		err = errors.New("not a 6-byte Ethernet address")
	}
	if err == nil && mac[0]&1 != 0 {
		err = errors.New("a multicast or broadcast address cannot be a source")
	}
	if err == nil && string(mac) == "\x00\x00\x00\x00\x00\x00" {
		err = errors.New("the all-zero address cannot be a source")
	}
	if err != nil {
		return nil, fmt.Errorf("invalid MAC address %q: %w", s, err)
	}
	return mac, nil
}

var ifNameRE = regexp.MustCompile(`^[a-zA-Z0-9_=+.-]{1,15}$`)

// checkIfName applies wg-quick's rule for interface names (which also keeps
// them within the kernel's IFNAMSIZ).
func checkIfName(s string) error {
	if !ifNameRE.MatchString(s) || s == "." || s == ".." {
		return fmt.Errorf("invalid interface name %q: want 1 to 15 of the characters a-z A-Z 0-9 _ = + . -", s)
	}
	return nil
}
