package config

import (
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
)

// Marshal writes the config in the format Parse reads, keys formatted as wg
// prints them. Defaults are left out, so Parse(Marshal(c)) equals c for any
// c that Parse returned (Path, Line and Warnings aside).
func (c *Config) Marshal() []byte {
	var b strings.Builder
	c.Interface.marshal(&b)
	for i := range c.Peers {
		b.WriteString("\n")
		c.Peers[i].marshal(&b)
	}
	return []byte(b.String())
}

func kv(b *strings.Builder, k, v string) {
	if v != "" {
		fmt.Fprintf(b, "%s = %s\n", k, v)
	}
}

func kvInt(b *strings.Builder, k string, v int) {
	if v != 0 {
		kv(b, k, strconv.Itoa(v))
	}
}

func joinPrefixes(ps []netip.Prefix) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return strings.Join(s, ", ")
}

func (i *Interface) marshal(b *strings.Builder) {
	b.WriteString("[Interface]\n")
	if !i.PrivateKey.IsZero() {
		kv(b, "PrivateKey", i.PrivateKey.Base64())
	}
	kvInt(b, "ListenPort", i.ListenPort)
	if i.FwMark != 0 {
		kv(b, "FwMark", fmt.Sprintf("0x%x", i.FwMark))
	}
	kv(b, "Address", joinPrefixes(i.Addresses))
	dns := make([]string, 0, len(i.DNS)+len(i.DNSSearch))
	for _, a := range i.DNS {
		dns = append(dns, a.String())
	}
	kv(b, "DNS", strings.Join(append(dns, i.DNSSearch...), ", "))
	kvInt(b, "MTU", i.MTU)
	kv(b, "Table", i.Table)
	for _, h := range []struct {
		k string
		v []string
	}{{"PreUp", i.PreUp}, {"PostUp", i.PostUp}, {"PreDown", i.PreDown}, {"PostDown", i.PostDown}} {
		for _, cmd := range h.v {
			kv(b, h.k, cmd)
		}
	}
	if i.SaveConfig {
		kv(b, "SaveConfig", "true")
	}
	i.marshalOurs(b)
}

// marshalOurs writes tuntap's own keys, leaving out tap defaults.
func (i *Interface) marshalOurs(b *strings.Builder) {
	if i.Mode != "" && i.Mode != ModeTUN {
		kv(b, "Mode", i.Mode)
	}
	kv(b, "Bridge", i.Bridge)
	if i.MACAgeing != 0 && (i.MACAgeing != DefaultMACAgeing || !i.IsTAP()) {
		kvInt(b, "MACAgeing", int(i.MACAgeing.Seconds()))
	}
	if i.MaxMACsPerPeer != 0 && (i.MaxMACsPerPeer != DefaultMaxMACs || !i.IsTAP()) {
		kvInt(b, "MaxMACs", i.MaxMACsPerPeer)
	}
	kv(b, "SOCKS5", i.SOCKS5)
	kv(b, "HTTPProxy", i.HTTPProxy)
	for _, f := range i.Forward {
		kv(b, "Forward", f.String())
	}
	for _, f := range i.Expose {
		kv(b, "Expose", f.String())
	}
}

// String returns the config file form, "tcp:LISTEN=TARGET".
func (f Forward) String() string { return f.Proto + ":" + f.Listen + "=" + f.Target }

func (p *Peer) marshal(b *strings.Builder) {
	b.WriteString("[Peer]\n")
	if !p.PublicKey.IsZero() {
		kv(b, "PublicKey", p.PublicKey.String())
	}
	if p.HasPSK {
		kv(b, "PresharedKey", p.PresharedKey.Base64())
	}
	kv(b, "AllowedIPs", joinPrefixes(p.AllowedIPs))
	kv(b, "Endpoint", p.Endpoint)
	kvInt(b, "PersistentKeepalive", int(p.PersistentKeepalive.Seconds()))
	kv(b, "AllowedMACs", joinMACs(p.AllowedMACs))
}

func joinMACs(ms []net.HardwareAddr) string {
	s := make([]string, len(ms))
	for i, m := range ms {
		s[i] = m.String()
	}
	return strings.Join(s, ", ")
}
