package engine

import (
	"encoding/binary"
	"net/netip"
)

// A tunnel routed into itself (a route to the peer's endpoint through the
// interface, with no fwmark rule to steer around it) hands every datagram
// the engine sends back to the device. The kernel does not decrement the
// TTL of locally generated packets and fragments what no longer fits, so
// one packet would circle, grow and multiply forever. The engine recognises
// its own datagrams among device packets and drops them (DropRoutingLoop).

const (
	protoUDP      = 17
	ipv6FragHdr   = 44
	ipv4HeaderMin = 20
	ipv6Header    = 40
)

// udpDest returns the destination of an IPv4 or IPv6 UDP packet, or of the
// first fragment of one, whose source port is sport.
func udpDest(pkt []byte, sport uint16) (netip.AddrPort, bool) {
	if len(pkt) == 0 {
		return netip.AddrPort{}, false
	}
	var (
		dst netip.Addr
		udp int // offset of the UDP header
	)
	switch pkt[0] >> 4 {
	case 4:
		if len(pkt) < ipv4HeaderMin || pkt[9] != protoUDP || binary.BigEndian.Uint16(pkt[6:8])&0x1fff != 0 {
			return netip.AddrPort{}, false
		}
		udp = int(pkt[0]&0x0f) * 4
		dst = netip.AddrFrom4([4]byte(pkt[16:20]))
	case 6:
		if len(pkt) < ipv6Header {
			return netip.AddrPort{}, false
		}
		next := pkt[6]
		udp = ipv6Header
		if next == ipv6FragHdr {
			if len(pkt) < ipv6Header+8 || binary.BigEndian.Uint16(pkt[42:44])>>3 != 0 {
				return netip.AddrPort{}, false
			}
			next, udp = pkt[40], ipv6Header+8
		}
		if next != protoUDP {
			return netip.AddrPort{}, false
		}
		dst = netip.AddrFrom16([16]byte(pkt[24:40]))
	default:
		return netip.AddrPort{}, false
	}
	return udpPorts(pkt, udp, dst, sport)
}

func udpPorts(pkt []byte, udp int, dst netip.Addr, sport uint16) (netip.AddrPort, bool) {
	if udp < ipv4HeaderMin || len(pkt) < udp+8 || binary.BigEndian.Uint16(pkt[udp:]) != sport {
		return netip.AddrPort{}, false
	}
	return netip.AddrPortFrom(dst, binary.BigEndian.Uint16(pkt[udp+2:])), true
}

// loopsBack reports whether a device packet bound for p is one of the
// engine's own datagrams to p's endpoint, and warns once per engine.
func (e *Engine) loopsBack(pkt []byte, p *Peer) bool {
	dst, ok := udpDest(pkt, e.transport().Port())
	if !ok {
		return false
	}
	ep := p.Endpoint()
	if dst.Port() != ep.Port() || dst.Addr().Unmap() != ep.Addr().Unmap() {
		return false
	}
	if e.loopWarned.CompareAndSwap(false, true) {
		e.log.Warn("routing loop: the tunnel's own datagrams to the peer's endpoint are routed into the tunnel; dropping them. Route the endpoint outside the tunnel (Table = auto does, with a fwmark rule)",
			"peer", p.pub, "endpoint", ep)
	}
	return true
}
