package config

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/tuntap/tuntap/noise"
)

// Ranges for numeric keys.
const (
	minMTU        = 576 // the smallest datagram every IPv4 host must accept
	maxMTU        = 65535
	maxKeepalive  = 65535 // seconds, as wg
	maxMACAgeing  = 86400 // seconds
	maxMACsPeer   = 65536
	secretKeyHint = "want 44 characters of base64, as printed by \"wg genkey\""
)

var interfaceFields = map[string]field{
	"privatekey": {"PrivateKey", true, func(p *parser, v string) error {
		k, err := noise.ParsePrivateKey(v)
		if err != nil { // never echo the value: it is a secret
			return fmt.Errorf("invalid private key (%s): %w", secretKeyHint, err)
		}
		p.c.Interface.PrivateKey = k
		return nil
	}},
	"listenport": {"ListenPort", true, func(p *parser, v string) (err error) {
		p.c.Interface.ListenPort, err = parseInt(v, 0, 65535, "port")
		return err
	}},
	"fwmark": {"FwMark", true, func(p *parser, v string) (err error) {
		p.c.Interface.FwMark, err = parseFwMark(v)
		return err
	}},
	"address":    {"Address", false, setAddress},
	"dns":        {"DNS", false, setDNS},
	"mtu":        {"MTU", true, setMTU},
	"table":      {"Table", true, setTable},
	"preup":      {"PreUp", false, hook(func(i *Interface) *[]string { return &i.PreUp })},
	"postup":     {"PostUp", false, hook(func(i *Interface) *[]string { return &i.PostUp })},
	"predown":    {"PreDown", false, hook(func(i *Interface) *[]string { return &i.PreDown })},
	"postdown":   {"PostDown", false, hook(func(i *Interface) *[]string { return &i.PostDown })},
	"saveconfig": {"SaveConfig", true, setSaveConfig},
	"mode":       {"Mode", true, setMode},
	"bridge": {"Bridge", true, func(p *parser, v string) error {
		if err := checkIfName(v); err != nil {
			return err
		}
		p.c.Interface.Bridge = v
		return nil
	}},
	"macageing": {"MACAgeing", true, func(p *parser, v string) error {
		n, err := parseInt(v, 1, maxMACAgeing, "seconds")
		p.c.Interface.MACAgeing = time.Duration(n) * time.Second
		return err
	}},
	"maxmacs": {"MaxMACs", true, func(p *parser, v string) (err error) {
		p.c.Interface.MaxMACsPerPeer, err = parseInt(v, 1, maxMACsPeer, "count")
		return err
	}},
	"socks5":    {"SOCKS5", true, proxy(func(i *Interface) *string { return &i.SOCKS5 })},
	"httpproxy": {"HTTPProxy", true, proxy(func(i *Interface) *string { return &i.HTTPProxy })},
	"forward":   {"Forward", false, forwards(func(i *Interface) *[]Forward { return &i.Forward }, false)},
	"expose":    {"Expose", false, forwards(func(i *Interface) *[]Forward { return &i.Expose }, true)},
}

var peerFields = map[string]field{
	"publickey": {"PublicKey", true, func(p *parser, v string) error {
		k, err := noise.ParsePublicKey(v)
		if err != nil {
			return fmt.Errorf("invalid public key (want 44 characters of base64, as printed by \"wg pubkey\"): %w", err)
		}
		p.peer().PublicKey = k
		return nil
	}},
	"presharedkey": {"PresharedKey", true, func(p *parser, v string) error {
		k, err := noise.ParsePresharedKey(v)
		if err != nil {
			return fmt.Errorf("invalid preshared key (want 44 characters of base64, as printed by \"wg genpsk\"): %w", err)
		}
		p.peer().PresharedKey, p.peer().HasPSK = k, true
		return nil
	}},
	"allowedips": {"AllowedIPs", false, func(p *parser, v string) error {
		for _, s := range splitList(v) {
			pfx, err := parsePrefix(s)
			if err != nil {
				return err
			}
			p.peer().AllowedIPs = append(p.peer().AllowedIPs, pfx.Masked())
		}
		return nil
	}},
	"endpoint": {"Endpoint", true, func(p *parser, v string) error {
		if _, _, err := parseHostPort(v); err != nil {
			return fmt.Errorf("invalid endpoint %q (want host:port, IPv6 as [addr]:port): %w", v, err)
		}
		p.peer().Endpoint = v
		return nil
	}},
	"persistentkeepalive": {"PersistentKeepalive", true, func(p *parser, v string) error {
		if strings.EqualFold(v, "off") {
			return nil
		}
		n, err := parseInt(v, 0, maxKeepalive, "seconds")
		p.peer().PersistentKeepalive = time.Duration(n) * time.Second
		return err
	}},
	"allowedmacs": {"AllowedMACs", false, func(p *parser, v string) error {
		for _, s := range splitList(v) {
			mac, err := parseMAC(s)
			if err != nil {
				return err
			}
			p.peer().AllowedMACs = append(p.peer().AllowedMACs, mac)
		}
		return nil
	}},
}

func init() {
	// The US spelling is an easy mistake to make.
	interfaceFields["macaging"] = interfaceFields["macageing"]
}

func setAddress(p *parser, v string) error {
	for _, s := range splitList(v) {
		pfx, err := parsePrefix(s)
		if err != nil {
			return err
		}
		p.c.Interface.Addresses = append(p.c.Interface.Addresses, pfx)
	}
	return nil
}

// setDNS sorts entries as wg-quick does: addresses are servers, anything
// else is a search domain.
func setDNS(p *parser, v string) error {
	for _, s := range splitList(v) {
		if a, err := netip.ParseAddr(s); err == nil {
			p.c.Interface.DNS = append(p.c.Interface.DNS, a)
			continue
		}
		// As wg-quick: what looks like an address is one, never a domain.
		if strings.Trim(s, "0123456789.") == "" || strings.Contains(s, ":") {
			return fmt.Errorf("invalid DNS server address %q", s)
		}
		if !validHostname(s) {
			return fmt.Errorf("invalid DNS entry %q: neither an IP address nor a search domain", s)
		}
		p.c.Interface.DNSSearch = append(p.c.Interface.DNSSearch, s)
	}
	return nil
}

func setTable(p *parser, v string) error {
	switch l := strings.ToLower(v); l {
	case "off", "auto", "main":
		p.c.Interface.Table = l
		return nil
	}
	n, err := strconv.ParseUint(v, 10, 32)
	if err != nil {
		return fmt.Errorf("invalid table %q: want off, auto, main or a table number", v)
	}
	p.c.Interface.Table = strconv.FormatUint(n, 10)
	return nil
}

func setSaveConfig(p *parser, v string) error {
	switch strings.ToLower(v) {
	case "true":
		p.c.Interface.SaveConfig = true
		p.warn("SaveConfig is ignored: tuntap never writes the config file back")
	case "false":
		p.c.Interface.SaveConfig = false
	default:
		return fmt.Errorf("invalid value %q: want true or false", v)
	}
	return nil
}

func setMode(p *parser, v string) error {
	switch l := strings.ToLower(v); l {
	case ModeTUN, ModeTAP:
		p.c.Interface.Mode = l
		return nil
	}
	return fmt.Errorf("invalid mode %q: want tun or tap", v)
}

// hook appends a command to one of the Pre/Post lists; an empty value adds
// nothing.
func hook(list func(*Interface) *[]string) func(*parser, string) error {
	return func(p *parser, v string) error {
		if v != "" {
			l := list(&p.c.Interface)
			*l = append(*l, v)
		}
		return nil
	}
}

func setMTU(p *parser, v string) (err error) {
	p.c.Interface.MTU, err = parseInt(v, minMTU, maxMTU, "MTU")
	return err
}

// proxy sets a user-space proxy's listen address; a bare port listens on
// loopback only.
func proxy(addr func(*Interface) *string) func(*parser, string) error {
	return func(p *parser, v string) (err error) {
		*addr(&p.c.Interface), err = parseListen(v, "127.0.0.1")
		return err
	}
}

func forwards(list func(*Interface) *[]Forward, expose bool) func(*parser, string) error {
	return func(p *parser, v string) error {
		l := list(&p.c.Interface)
		for _, s := range splitList(v) {
			f, err := parseForward(s, expose)
			if err != nil {
				return err
			}
			*l = append(*l, f)
		}
		return nil
	}
}
