package engine

import (
	"encoding/binary"
	"net"
	"net/netip"
	"time"

	"github.com/tuntap/tuntap/ether"
	"github.com/tuntap/tuntap/l2switch"
)

// Layer-2 framing inside the encrypted payload: a marker and the frame's
// length, since Ethernet has no length field and padding must not change a
// frame. The marker's first nibble is 0, never an IP version, so a tun-mode
// peer (ours or stock WireGuard) refuses it as not-IP, and we refuse IP from
// a tun-mode peer: both sides log why.
const (
	l2Marker0   = 0x00
	l2Marker1   = 0xE2
	l2HeaderLen = 4
	maxLinkHdr  = ether.HeaderLen + ether.TagLen // one VLAN tag
)

// TAPOverhead is what tap mode adds to a device packet inside the tunnel:
// the Ethernet header, one VLAN tag and the framing.
const TAPOverhead = l2HeaderLen + maxLinkHdr

// Switched is the layer-2 forwarder of tap mode: a learning switch whose
// ports are the peers and the local device (the nil peer). Frames between
// two peers go straight from one to the other (hub forwarding).
type Switched struct {
	sw *l2switch.Switch[*Peer]
}

// NewSwitched returns a switch with the local device as its first port.
func NewSwitched(cfg l2switch.Config) *Switched {
	s := &Switched{sw: l2switch.New[*Peer](cfg)}
	s.sw.AddPort(nil)
	// The local device may front a whole bridged LAN.
	s.sw.SetPortLimit(nil, max(cfg.MaxMACs, l2switch.DefaultMaxMACs)/2)
	return s
}

// Switch is the underlying switch, for show and tests.
func (s *Switched) Switch() *l2switch.Switch[*Peer] { return s.sw }

func (s *Switched) Overhead() int          { return l2HeaderLen }
func (s *Switched) MaxPayload(mtu int) int { return TAPOverhead + mtu }

func (s *Switched) PutHeader(hdr []byte, n int) {
	hdr[0], hdr[1] = l2Marker0, l2Marker1
	binary.BigEndian.PutUint16(hdr[2:], uint16(n))
}

func (s *Switched) AddPeer(p *Peer)                 { s.sw.AddPort(p) }
func (s *Switched) RemovePeer(p *Peer)              { s.sw.RemovePort(p) }
func (s *Switched) Tick(now time.Time)              { s.sw.Expire(now) }
func (s *Switched) AllowedIPs(*Peer) []netip.Prefix { return nil }

// Allowed IPs mean nothing at layer 2.
func (s *Switched) SetAllowedIPs(*Peer, []netip.Prefix, bool) {}
func (s *Switched) RemoveAllowedIPs(*Peer, []netip.Prefix)    {}

// SetAllowedMACs pins the source MACs a peer may use (anti-spoofing).
func (s *Switched) SetAllowedMACs(p *Peer, macs []net.HardwareAddr) error {
	list := make([][6]byte, 0, len(macs))
	for _, m := range macs {
		var a [6]byte
		copy(a[:], m)
		list = append(list, a)
	}
	return s.sw.SetAllowedMACs(p, list)
}

func (s *Switched) Outbound(frame []byte, now time.Time, dst []*Peer) ([]*Peer, Drop) {
	h, err := ether.Parse(frame)
	if err != nil {
		return dst, DropMalformed
	}
	if r := s.sw.Learn(nil, h.Src, now); r.Drop() {
		return dst, DropSwitch
	}
	out, _ := s.sw.Forward(nil, h.Dst, now, dst)
	return dropLocal(out), noDrop
}

func (s *Switched) Inbound(from *Peer, plain []byte, now time.Time, dst []*Peer) ([]byte, bool, []*Peer, Drop) {
	if len(plain) < l2HeaderLen || plain[0] != l2Marker0 || plain[1] != l2Marker1 {
		if len(plain) > 0 && (plain[0]>>4 == 4 || plain[0]>>4 == 6) && from.modeMismatch.CompareAndSwap(false, true) {
			from.e.log.Warn("peer sends IP packets: it runs in tun mode and this interface in tap mode; set the same Mode on both ends", "peer", from.pub)
		}
		return nil, false, dst, DropBadInner
	}
	n := int(binary.BigEndian.Uint16(plain[2:]))
	if l2HeaderLen+n > len(plain) {
		return nil, false, dst, DropBadInner
	}
	frame := plain[l2HeaderLen : l2HeaderLen+n]
	h, err := ether.Parse(frame)
	if err != nil {
		return nil, false, dst, DropBadInner
	}
	if r := s.sw.Learn(from, h.Src, now); r.Drop() {
		return nil, false, dst, DropSwitch
	}
	out, _ := s.sw.Forward(from, h.Dst, now, dst)
	deliver := false
	for i := 0; i < len(out); i++ {
		if out[i] == nil {
			deliver = true
			out = append(out[:i], out[i+1:]...)
			break
		}
	}
	return frame, deliver, out, noDrop
}

// dropLocal removes the local port (nil) from a forwarding list.
func dropLocal(out []*Peer) []*Peer {
	for i := 0; i < len(out); i++ {
		if out[i] == nil {
			return append(out[:i], out[i+1:]...)
		}
	}
	return out
}
