package gso

import "encoding/binary"

// Split turns one packet read from the device (after its virtio-net header
// hdr) into wire-sized packets, the way the kernel's GSO would have: packet i
// is written to outBufs[i][offset:] and its length to sizes[i]. It returns the
// number of packets.
//
// Without GSO the packet is copied as is, its checksum completed when hdr
// asks for it (FlagNeedsCsum). With GSO (TCPv4, TCPv6, UDP L4) each segment
// gets the headers of the super-packet, rewritten: IP lengths, IPv4 id
// incremented per segment and its header checksum, TCP sequence numbers
// advanced, FIN and PSH only on the last segment and CWR only on the first,
// UDP lengths, and full TCP/UDP checksums. The sizes of the headers are
// taken from the packet itself, not from hdr.HdrLen, which the kernel does
// not always fill exactly. l2 says the packet starts with an Ethernet header
// (TAP).
//
// Split allocates nothing. It returns an error matching ErrMalformed when
// the packet does not match hdr, and ErrTooFewBuffers when outBufs or sizes
// cannot hold every segment.
func Split(pkt []byte, hdr VirtioNetHdr, l2 bool, outBufs [][]byte, sizes []int, offset int) (int, error) {
	var proto uint8
	switch hdr.GSOType &^ GSOECN {
	case GSONone:
		return copyCompleting(pkt, hdr, outBufs, sizes, offset)
	case GSOTCPv4, GSOTCPv6:
		proto = protoTCP
	case GSOUDPL4:
		proto = protoUDP
	default:
		return 0, errGSOType
	}
	if hdr.GSOSize == 0 {
		return 0, errGSOSize
	}
	l4Hint := 0
	if hdr.Flags&FlagNeedsCsum != 0 {
		l4Hint = int(hdr.CsumStart)
	}
	lo, err := parseLayout(pkt, l2, proto, l4Hint)
	if err != nil {
		return 0, err
	}
	if t := hdr.GSOType &^ GSOECN; (t == GSOTCPv4 && lo.v6) || (t == GSOTCPv6 && !lo.v6) {
		return 0, errIPVersion
	}
	return lo.segment(pkt, int(hdr.GSOSize), outBufs, sizes, offset)
}

// copyCompleting handles a packet without GSO: one copy, checksum completed.
func copyCompleting(pkt []byte, hdr VirtioNetHdr, outBufs [][]byte, sizes []int, offset int) (int, error) {
	if len(outBufs) < 1 || len(sizes) < 1 || len(outBufs[0]) < offset+len(pkt) {
		return 0, ErrTooFewBuffers
	}
	start, field := int(hdr.CsumStart), int(hdr.CsumStart)+int(hdr.CsumOffset)
	if hdr.Flags&FlagNeedsCsum != 0 && field+2 > len(pkt) {
		return 0, errCsumRange
	}
	out := outBufs[0][offset : offset+len(pkt)]
	copy(out, pkt)
	if hdr.Flags&FlagNeedsCsum != 0 {
		// The field holds the pseudo-header sum: include it, then replace it.
		binary.BigEndian.PutUint16(out[field:], ^Checksum(out[start:], 0))
	}
	sizes[0] = len(pkt)
	return 1, nil
}

// segment writes the segments of a parsed super-packet.
func (lo *layout) segment(pkt []byte, mss int, outBufs [][]byte, sizes []int, offset int) (int, error) {
	payload := len(pkt) - lo.payload
	n := (payload + mss - 1) / mss
	if n == 0 {
		n = 1 // headers only: still rewrite lengths and checksums
	}
	if n > len(outBufs) || n > len(sizes) {
		return 0, ErrTooFewBuffers
	}
	for i := 0; i < n; i++ {
		start := lo.payload + i*mss
		end := min(start+mss, len(pkt))
		segLen := lo.payload + end - start
		if segLen-lo.l3 > 0xffff {
			return i, errTooBig
		}
		if len(outBufs[i]) < offset+segLen {
			return i, ErrTooFewBuffers
		}
		out := outBufs[i][offset : offset+segLen]
		copy(out, pkt[:lo.payload])
		copy(out[lo.payload:], pkt[start:end])
		lo.fixIP(out, i)
		if lo.proto == protoTCP {
			lo.fixTCP(out, i, n, uint32(i*mss))
		} else {
			lo.fixUDP(out)
		}
		sizes[i] = segLen
	}
	return n, nil
}

func (lo *layout) fixIP(seg []byte, i int) {
	ip := seg[lo.l3:]
	if lo.v6 {
		binary.BigEndian.PutUint16(ip[4:], uint16(len(ip)-ipv6HdrLen))
		return
	}
	binary.BigEndian.PutUint16(ip[2:], uint16(len(ip)))
	id := binary.BigEndian.Uint16(ip[4:])
	binary.BigEndian.PutUint16(ip[4:], id+uint16(i))
	ipv4HeaderChecksum(ip)
}

func (lo *layout) fixTCP(seg []byte, i, n int, seqDelta uint32) {
	tcp := seg[lo.l4:]
	seq := binary.BigEndian.Uint32(tcp[4:])
	binary.BigEndian.PutUint32(tcp[4:], seq+seqDelta)
	if i != n-1 {
		tcp[13] &^= tcpFlagFIN | tcpFlagPSH
	}
	if i != 0 {
		tcp[13] &^= tcpFlagCWR
	}
	lo.fillL4Checksum(seg, tcp, 16)
}

func (lo *layout) fixUDP(seg []byte) {
	udp := seg[lo.l4:]
	binary.BigEndian.PutUint16(udp[4:], uint16(len(udp)))
	lo.fillL4Checksum(seg, udp, 6)
}

// fillL4Checksum computes the full TCP/UDP checksum of l4 (a suffix of seg)
// into the field at l4[field:].
func (lo *layout) fillL4Checksum(seg, l4 []byte, field int) {
	l4[field], l4[field+1] = 0, 0
	src, dst := lo.addrs(seg)
	sum := ^Checksum(l4, uint64(PseudoHeaderChecksum(lo.proto, src, dst, uint16(len(l4)))))
	if sum == 0 && lo.proto == protoUDP {
		sum = 0xffff // zero means "no checksum" for UDP over IPv4
	}
	binary.BigEndian.PutUint16(l4[field:], sum)
}
