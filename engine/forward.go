package engine

import (
	"encoding/binary"
	"net/netip"
	"slices"
	"time"

	"github.com/tuntap/tuntap/allowedips"
)

// Forwarder decides where packets go. Routed (layer 3, allowed IPs) and
// Switched (layer 2, a learning switch) implement it; the engine never asks
// which one it has.
type Forwarder interface {
	// Overhead is the framing the forwarder puts before each device packet
	// inside the encrypted payload.
	Overhead() int
	// MaxPayload is the largest plaintext (framing included) for a device
	// of this MTU: anything larger is dropped and counted, never truncated.
	MaxPayload(mtu int) int
	// AddPeer makes a new peer known; RemovePeer forgets it.
	AddPeer(p *Peer)
	// Tick runs periodic upkeep (ageing) at the engine's clock.
	Tick(now time.Time)
	// PutHeader writes that framing into hdr (len Overhead) for a packet of n bytes.
	PutHeader(hdr []byte, n int)
	// Outbound appends to dst the peers a packet read from the device goes to.
	Outbound(pkt []byte, now time.Time, dst []*Peer) ([]*Peer, Drop)
	// Inbound checks a decrypted payload from a peer. It returns the device
	// packet (framing and padding removed), whether to deliver it to the
	// device, and other peers to send it on to (hub forwarding). A drop
	// reason other than noDrop refuses it.
	Inbound(from *Peer, plain []byte, now time.Time, dst []*Peer) (pkt []byte, deliver bool, out []*Peer, drop Drop)
	// SetAllowedIPs replaces (or extends) the prefixes a peer owns.
	SetAllowedIPs(p *Peer, prefixes []netip.Prefix, replace bool)
	RemoveAllowedIPs(p *Peer, prefixes []netip.Prefix)
	AllowedIPs(p *Peer) []netip.Prefix
	RemovePeer(p *Peer)
}

// noDrop is the Drop value that means "pass".
const noDrop Drop = -1

// Routed is the layer-3 forwarder: cryptokey routing over allowed IPs, which
// is also the source filter for inbound packets.
type Routed struct {
	table allowedips.Table[*Peer]
}

// NewRouted returns an empty routing table.
func NewRouted() *Routed { return &Routed{} }

func (r *Routed) Overhead() int          { return 0 }
func (r *Routed) MaxPayload(mtu int) int { return mtu }
func (r *Routed) PutHeader([]byte, int)  {}
func (r *Routed) AddPeer(*Peer)          {}
func (r *Routed) Tick(time.Time)         {}

func (r *Routed) Outbound(pkt []byte, _ time.Time, dst []*Peer) ([]*Peer, Drop) {
	p, ok := r.table.LookupPacket(pkt, true)
	if !ok || p == nil {
		return dst, DropNoRoute
	}
	if p.e.loopsBack(pkt, p) {
		return dst, DropRoutingLoop
	}
	return append(dst, p), noDrop
}

func (r *Routed) Inbound(from *Peer, plain []byte, _ time.Time, dst []*Peer) ([]byte, bool, []*Peer, Drop) {
	n, ok := ipLength(plain)
	if !ok {
		if len(plain) > 0 && plain[0]>>4 == 0 && from.modeMismatch.CompareAndSwap(false, true) {
			from.e.log.Warn("peer sends Ethernet frames: it runs in tap mode and this interface in tun mode; set the same Mode on both ends", "peer", from.pub)
		}
		return nil, false, dst, DropBadInner
	}
	pkt := plain[:n]
	if p, ok := r.table.LookupPacket(pkt, false); !ok || p != from {
		return nil, false, dst, DropBadSource
	}
	return pkt, true, dst, noDrop
}

// ipLength returns the length an IP packet claims, if the header is sound
// and the payload holds it (the rest is padding).
func ipLength(b []byte) (int, bool) {
	if len(b) < 1 {
		return 0, false
	}
	switch b[0] >> 4 {
	case 4:
		if len(b) < 20 {
			return 0, false
		}
		n := int(binary.BigEndian.Uint16(b[2:4]))
		if n < 20 || n > len(b) {
			return 0, false
		}
		return n, true
	case 6:
		if len(b) < 40 {
			return 0, false
		}
		n := 40 + int(binary.BigEndian.Uint16(b[4:6]))
		if n > len(b) {
			return 0, false
		}
		return n, true
	}
	return 0, false
}

func (r *Routed) SetAllowedIPs(p *Peer, prefixes []netip.Prefix, replace bool) {
	if replace {
		r.table.RemoveValue(p)
	}
	for _, pf := range prefixes {
		r.table.Insert(pf, p)
	}
}

func (r *Routed) RemoveAllowedIPs(p *Peer, prefixes []netip.Prefix) {
	owned := r.table.Prefixes(p)
	for _, pf := range prefixes {
		if slices.Contains(owned, pf.Masked()) {
			r.table.Remove(pf)
		}
	}
}

func (r *Routed) AllowedIPs(p *Peer) []netip.Prefix { return r.table.Prefixes(p) }
func (r *Routed) RemovePeer(p *Peer)                { r.table.RemoveValue(p) }
