package config

import (
	"errors"
	"fmt"
)

// Validate checks what no single line shows: peers that repeat or are this
// interface itself, tap-only keys in tun mode, ranges of values set in code.
// It reports every problem found, joined; each is a *ParseError.
func (c *Config) Validate() error {
	v := validator{c: c}
	v.checkInterface()
	v.checkPeers()
	v.checkListeners()
	return errors.Join(v.errs...)
}

type validator struct {
	c    *Config
	errs []error
}

func (v *validator) add(line int, key, format string, args ...any) {
	v.errs = append(v.errs, &ParseError{Path: v.c.Path, Line: line, Key: key, Err: fmt.Errorf(format, args...)})
}

// addIface reports a problem with an [Interface] key at the line it was set.
func (v *validator) addIface(key, format string, args ...any) {
	v.add(v.c.lines[key], key, format, args...)
}

func (v *validator) checkInterface() {
	i := &v.c.Interface
	if i.ListenPort < 0 || i.ListenPort > 65535 {
		v.addIface("ListenPort", "port %d is out of range 0 to 65535", i.ListenPort)
	}
	if i.MTU != 0 && (i.MTU < minMTU || i.MTU > maxMTU) {
		v.addIface("MTU", "MTU %d is out of range %d to %d", i.MTU, minMTU, maxMTU)
	}
	if i.MTU != 0 && i.MTU < 1280 {
		for _, a := range i.Addresses {
			if a.Addr().Is6() {
				v.addIface("MTU", "MTU %d is below 1280, the IPv6 minimum, but Address has %s", i.MTU, a)
				break
			}
		}
	}
	switch i.Mode {
	case "", ModeTUN:
		v.checkTUNOnly()
	case ModeTAP:
		if i.MACAgeing < 0 || i.MaxMACsPerPeer < 0 {
			v.addIface("MACAgeing", "MACAgeing and MaxMACs must not be negative")
		}
	default:
		v.addIface("Mode", "invalid mode %q: want tun or tap", i.Mode)
	}
}

// checkTUNOnly rejects layer-2 settings in layer-3 mode: they would be
// silently ignored, which hides a forgotten "Mode = tap".
func (v *validator) checkTUNOnly() {
	i := &v.c.Interface
	const msg = "only meaningful in tap mode; add \"Mode = tap\" or remove it"
	if i.Bridge != "" {
		v.addIface("Bridge", msg)
	}
	if i.MACAgeing != 0 {
		v.addIface("MACAgeing", msg)
	}
	if i.MaxMACsPerPeer != 0 {
		v.addIface("MaxMACs", msg)
	}
	for _, p := range v.c.Peers {
		if len(p.AllowedMACs) > 0 {
			v.add(p.Line, "AllowedMACs", msg)
		}
	}
}

func (v *validator) checkPeers() {
	var self [32]byte
	hasSelf := !v.c.Interface.PrivateKey.IsZero()
	if hasSelf {
		self = v.c.Interface.PrivateKey.Public()
	}
	keys := make(map[[32]byte]int, len(v.c.Peers))
	macs := map[string]int{}
	for _, p := range v.c.Peers {
		switch first, dup := keys[p.PublicKey]; {
		case p.PublicKey.IsZero():
			v.add(p.Line, "PublicKey", "[Peer] has no PublicKey")
		case dup:
			v.add(p.Line, "PublicKey", "peer %s is also the peer at line %d", p.PublicKey, first)
		case hasSelf && p.PublicKey.Equal(self):
			v.add(p.Line, "PublicKey", "peer %s is this interface's own public key", p.PublicKey)
		default:
			keys[p.PublicKey] = p.Line
		}
		if p.PersistentKeepalive < 0 || p.PersistentKeepalive.Seconds() > maxKeepalive {
			v.add(p.Line, "PersistentKeepalive", "%v is out of range 0 to %ds", p.PersistentKeepalive, maxKeepalive)
		}
		for _, m := range p.AllowedMACs {
			if first, dup := macs[string(m)]; dup {
				v.add(p.Line, "AllowedMACs", "MAC %s is also allowed for the peer at line %d", m, first)
			} else {
				macs[string(m)] = p.Line
			}
		}
	}
}

// checkListeners catches two local services bound to one address.
func (v *validator) checkListeners() {
	i := &v.c.Interface
	seen := map[string]string{}
	claim := func(key, proto, addr string) {
		if addr == "" {
			return
		}
		id := proto + " " + addr
		if other, dup := seen[id]; dup {
			v.addIface(key, "%s %s is also used by %s", proto, addr, other)
			return
		}
		seen[id] = key
	}
	claim("SOCKS5", "tcp", i.SOCKS5)
	claim("HTTPProxy", "tcp", i.HTTPProxy)
	for _, f := range i.Forward {
		claim("Forward", f.Proto, f.Listen)
	}
	for _, f := range i.Expose {
		claim("Expose", f.Proto, "tunnel "+f.Listen)
	}
}
