//go:build linux

package tun_test

import (
	"bytes"
	"encoding/binary"
	"net"
	"net/netip"
)

// Just enough of IPv4, IPv6, ICMP, ARP and neighbour discovery to answer the
// kernel's ping: the tests play the far end of the device.

const (
	etherHdr    = 14
	etherIPv4   = 0x0800
	etherARP    = 0x0806
	etherIPv6   = 0x86dd
	protoICMP   = 1
	protoICMPv6 = 58
)

// checksum is the Internet checksum of b, starting from sum (for pseudo-headers).
func checksum(b []byte, sum uint32) uint16 {
	for len(b) >= 2 {
		sum += uint32(binary.BigEndian.Uint16(b))
		b = b[2:]
	}
	if len(b) == 1 {
		sum += uint32(b[0]) << 8
	}
	for sum>>16 != 0 {
		sum = sum&0xffff + sum>>16
	}
	return ^uint16(sum)
}

// pseudo6 is the partial sum of the IPv6 pseudo-header of packet p.
func pseudo6(p []byte, next uint8) uint32 {
	var sum uint32
	for i := 8; i < 40; i += 2 {
		sum += uint32(binary.BigEndian.Uint16(p[i:]))
	}
	return sum + uint32(len(p)-40) + uint32(next)
}

// echoReply turns an ICMP or ICMPv6 echo request (an IP packet) into its
// reply in place; it reports false for anything else.
func echoReply(p []byte) bool {
	if len(p) < 1 {
		return false
	}
	switch p[0] >> 4 {
	case 4:
		return echoReply4(p)
	case 6:
		return echoReply6(p)
	}
	return false
}

func echoReply4(p []byte) bool {
	if len(p) < 20 {
		return false
	}
	ihl := int(p[0]&0xf) * 4
	if ihl < 20 || len(p) < ihl+8 || p[9] != protoICMP || p[ihl] != 8 {
		return false
	}
	swap(p[12:16], p[16:20])
	p[8] = 64
	p[10], p[11] = 0, 0
	binary.BigEndian.PutUint16(p[10:], checksum(p[:ihl], 0))
	icmp := p[ihl:]
	icmp[0], icmp[2], icmp[3] = 0, 0, 0
	binary.BigEndian.PutUint16(icmp[2:], checksum(icmp, 0))
	return true
}

func echoReply6(p []byte) bool {
	if len(p) < 48 || p[6] != protoICMPv6 || p[40] != 128 {
		return false
	}
	swap(p[8:24], p[24:40])
	p[7] = 64
	p[40] = 129
	setICMPv6Checksum(p)
	return true
}

func setICMPv6Checksum(p []byte) {
	p[42], p[43] = 0, 0
	binary.BigEndian.PutUint16(p[42:], checksum(p[40:], pseudo6(p, protoICMPv6)))
}

func swap(a, b []byte) {
	var t [16]byte
	n := copy(t[:], a)
	copy(a, b)
	copy(b, t[:n])
}

// l2Responder answers for one IPv4 and one IPv6 address with mac, on a TAP device.
type l2Responder struct {
	mac net.HardwareAddr
	ip4 netip.Addr
	ip6 netip.Addr
}

// reply rewrites frame f into its answer in place, possibly growing it
// within cap; it returns the reply's length, or 0 for no reply.
func (r *l2Responder) reply(f []byte) int {
	if len(f) < etherHdr {
		return 0
	}
	ok, n := false, len(f)
	switch binary.BigEndian.Uint16(f[12:]) {
	case etherARP:
		ok = r.arp(f[etherHdr:])
	case etherIPv4:
		ok = echoReply4(f[etherHdr:])
	case etherIPv6:
		if len(f) >= etherHdr+48 && f[etherHdr+40] == 135 {
			n, ok = r.neighbourAdvert(f[:cap(f)]), true
		} else {
			ok = echoReply6(f[etherHdr:])
		}
	}
	if !ok || n == 0 {
		return 0
	}
	copy(f[0:6], f[6:12])
	copy(f[6:12], r.mac)
	return n
}

func (r *l2Responder) arp(a []byte) bool {
	if len(a) < 28 || binary.BigEndian.Uint16(a[6:]) != 1 {
		return false
	}
	if tpa := r.ip4.As4(); !bytes.Equal(a[24:28], tpa[:]) {
		return false
	}
	binary.BigEndian.PutUint16(a[6:], 2)
	copy(a[18:28], a[8:18]) // target := sender
	copy(a[8:14], r.mac)
	tpa := r.ip4.As4()
	copy(a[14:18], tpa[:])
	return true
}

// neighbourAdvert answers a neighbour solicitation for r.ip6 with a
// solicited, override advertisement carrying r.mac; it returns the frame length.
func (r *l2Responder) neighbourAdvert(f []byte) int {
	p := f[etherHdr:]
	target := r.ip6.As16()
	if len(p) < 64+8 || !bytes.Equal(p[48:64], target[:]) {
		return 0
	}
	copy(p[24:40], p[8:24]) // to the solicitor
	copy(p[8:24], target[:])
	binary.BigEndian.PutUint16(p[4:], 32)
	p[6], p[7] = protoICMPv6, 255
	na := p[40:72]
	na[0], na[1] = 136, 0
	binary.BigEndian.PutUint32(na[4:], 0x60000000) // solicited, override
	na[24], na[25] = 2, 1                          // target link-layer address option
	copy(na[26:32], r.mac)
	setICMPv6Checksum(p[:72])
	return etherHdr + 72
}
