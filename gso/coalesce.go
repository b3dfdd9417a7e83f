package gso

import "encoding/binary"

// maxOpenScan bounds how many recent flows a segment is compared with, so a
// batch of many distinct flows costs O(n), not O(n²).
const maxOpenScan = 8

// Coalescer is GRO for the write direction: before a batch of packets is
// written to a device opened with IFF_VNET_HDR and TUNSETOFFLOAD, it merges
// TCP segments of one flow into super-packets, so the kernel's stack handles
// one large packet instead of dozens. It keeps scratch space between calls
// and allocates nothing once it has seen its largest batch. A Coalescer is
// not safe for concurrent use.
//
// Segments merge when they belong to one flow (identical Ethernet, IP and TCP
// headers but for lengths, IPv4 id, sequence number, PSH and checksums), are
// in sequence (TCP seq contiguous, IPv4 id +1), carry only ACK (PSH allowed
// on the last), all have the payload size of the first except a shorter
// last one, have valid checksums (unless TrustChecksums), and fit in 64 KB.
// IPv4 options, IPv6 extension headers and IP fragments are left alone. The
// merge is exact: Split of a merged packet gives back the original segments
// byte for byte.
// UDP is not merged (USO on write is left for later).
type Coalescer struct {
	groups  []group
	out     [][]byte
	trusted bool
}

// TrustChecksums makes Coalesce merge segments without verifying their TCP
// checksums, for packets whose integrity something stronger vouches for: a
// tunnel's AEAD tag proves the bytes are the ones the peer sent, which is
// all the checksum would test. The Linux kernel's WireGuard marks decrypted
// packets CHECKSUM_UNNECESSARY for the same reason. It saves a pass over
// every merged byte; unmerged packets still reach the kernel unverified and
// are checked there.
func (c *Coalescer) TrustChecksums(on bool) { c.trusted = on }

// NewCoalescer returns a Coalescer with room for batches of batchSize
// packets, so that even the first call allocates nothing.
func NewCoalescer(batchSize int) *Coalescer {
	return &Coalescer{groups: make([]group, 0, batchSize), out: make([][]byte, 0, batchSize)}
}

// segInfo is what a mergeable TCP segment contributes.
type segInfo struct {
	lo     layout
	seq    uint32
	id     uint16
	psh    bool
	payLen int
}

// group is one output packet: a head buffer and the segments appended to it.
type group struct {
	idx     int // index of the head in bufs
	length  int // bytes from offset
	tcp     bool
	open    bool
	psh     bool
	n       int
	mss     int
	nextSeq uint32
	nextID  uint16
	lo      layout
}

// Coalesce merges what it can of bufs[i][offset:] and returns the packets to
// write, each with its virtio-net header in the VirtioNetHdrLen bytes before
// offset: merged packets get a GSO header with FlagNeedsCsum and the
// pseudo-header sum in their checksum field; other packets a zero header and
// their bytes untouched. Packets keep their order, except that a segment
// merged into an earlier packet of its flow moves there.
//
// The returned slices alias bufs (and are valid until the next call): merged
// payload is appended to the first segment's buffer, up to its capacity, so
// buffers must not share spare capacity (carve them from one array with a
// full slice expression, buf[a:b:b]). offset below VirtioNetHdrLen is a
// programming error and panics.
func (c *Coalescer) Coalesce(bufs [][]byte, offset int, l2 bool) (out [][]byte) {
	if offset < VirtioNetHdrLen {
		panic("gso: Coalesce offset leaves no room for the virtio-net header")
	}
	c.groups = c.groups[:0]
	for i := range bufs {
		c.add(bufs, i, offset, l2)
	}
	c.out = c.out[:0]
	for gi := range c.groups {
		c.out = append(c.out, c.groups[gi].finish(bufs, offset))
	}
	return c.out
}

func (c *Coalescer) add(bufs [][]byte, i, offset int, l2 bool) {
	pkt := bufs[i][offset:]
	seg, ok := parseSegment(pkt, l2, !c.trusted)
	if !ok {
		c.groups = append(c.groups, group{idx: i, length: len(pkt)})
		return
	}
	if g := c.findFlow(bufs, pkt, offset, &seg); g != nil {
		if g.tryAppend(bufs, pkt, offset, &seg) {
			return
		}
		g.open = false
	}
	c.groups = append(c.groups, group{
		idx: i, length: len(pkt), tcp: true, open: !seg.psh, psh: seg.psh, n: 1,
		mss: seg.payLen, nextSeq: seg.seq + uint32(seg.payLen), nextID: seg.id + 1, lo: seg.lo,
	})
}

// findFlow returns the open group of pkt's flow among the most recent ones.
func (c *Coalescer) findFlow(bufs [][]byte, pkt []byte, offset int, seg *segInfo) *group {
	scanned := 0
	for gi := len(c.groups) - 1; gi >= 0 && scanned < maxOpenScan; gi-- {
		g := &c.groups[gi]
		if !g.tcp || !g.open {
			continue
		}
		scanned++
		if g.lo == seg.lo && sameFlow(bufs[g.idx][offset:], pkt, &seg.lo) {
			return g
		}
	}
	return nil
}

func (g *group) tryAppend(bufs [][]byte, pkt []byte, offset int, seg *segInfo) bool {
	if seg.seq != g.nextSeq || (!g.lo.v6 && seg.id != g.nextID) || seg.payLen > g.mss {
		return false
	}
	newLen := g.length + seg.payLen
	ipLen := newLen - g.lo.l3
	if g.lo.v6 {
		ipLen -= ipv6HdrLen
	}
	head := bufs[g.idx]
	if ipLen > 0xffff || offset+newLen > cap(head) {
		return false
	}
	copy(head[offset+g.length:offset+newLen], pkt[seg.lo.payload:])
	g.length = newLen
	g.n++
	g.nextSeq += uint32(seg.payLen)
	g.nextID++
	if seg.psh || seg.payLen < g.mss {
		g.psh = seg.psh
		g.open = false
	}
	return true
}

// finish writes the virtio-net header and, for merged packets, the new
// lengths and checksums; it returns the packet with its header room.
func (g *group) finish(bufs [][]byte, offset int) []byte {
	b := bufs[g.idx][:offset+g.length]
	hdr := VirtioNetHdr{}
	if g.n > 1 {
		pkt := b[offset:]
		lo := &g.lo
		ip := pkt[lo.l3:]
		if lo.v6 {
			binary.BigEndian.PutUint16(ip[4:], uint16(len(ip)-ipv6HdrLen))
			hdr.GSOType = GSOTCPv6
		} else {
			binary.BigEndian.PutUint16(ip[2:], uint16(len(ip)))
			ipv4HeaderChecksum(ip)
			hdr.GSOType = GSOTCPv4
		}
		tcp := pkt[lo.l4:]
		if g.psh {
			tcp[13] |= tcpFlagPSH
		}
		src, dst := lo.addrs(pkt)
		binary.BigEndian.PutUint16(tcp[16:], PseudoHeaderChecksum(protoTCP, src, dst, uint16(len(tcp))))
		hdr.Flags = FlagNeedsCsum
		hdr.HdrLen = uint16(lo.payload)
		hdr.GSOSize = uint16(g.mss)
		hdr.CsumStart = uint16(lo.l4)
		hdr.CsumOffset = 16
	}
	hdr.Encode(b[offset-VirtioNetHdrLen:])
	return b
}
