// Package gso turns kernel super-packets into wire-sized packets and back.
//
// A TUN or TAP device opened with IFF_VNET_HDR and offloads enabled
// (TUNSETOFFLOAD) prefixes each packet with a virtio-net header and may hand
// up TCP or UDP packets of up to 64 KB that the kernel has not segmented
// (GSO). Split does that segmentation in user space, so the VPN can encrypt
// MTU-sized packets. In the other direction, Coalescer merges consecutive TCP
// segments of one flow into one super-packet (GRO), so the kernel's TCP stack
// receives far fewer, larger packets. The package does no I/O.
package gso

import (
	"encoding/binary"
	"errors"
)

// VirtioNetHdrLen is the size of struct virtio_net_hdr, the prefix of every
// packet on a device opened with IFF_VNET_HDR.
const VirtioNetHdrLen = 10

// Flags of a virtio-net header.
const (
	// FlagNeedsCsum: the checksum at CsumStart+CsumOffset holds only the
	// pseudo-header sum; the reader must complete it over [CsumStart:].
	FlagNeedsCsum = 1
	// FlagDataValid: the checksum was verified already.
	FlagDataValid = 2
)

// GSO types of a virtio-net header.
const (
	GSONone  = 0
	GSOTCPv4 = 1
	GSOUDP   = 3 // UDP fragmentation offload (UFO): not supported by Split
	GSOTCPv6 = 4
	GSOUDPL4 = 5 // UDP segmentation offload (USO)
	GSOECN   = 0x80
)

// VirtioNetHdr is struct virtio_net_hdr. All offsets count from the first
// byte of the packet (the Ethernet header on TAP, the IP header on TUN).
type VirtioNetHdr struct {
	Flags      uint8
	GSOType    uint8
	HdrLen     uint16 // length of all headers, up to the start of the payload
	GSOSize    uint16 // payload bytes per segment
	CsumStart  uint16 // where the checksummed range starts (the L4 header)
	CsumOffset uint16 // where the checksum field is, from CsumStart
}

// ErrShortHeader is returned by Decode for fewer than VirtioNetHdrLen bytes.
var ErrShortHeader = errors.New("gso: virtio-net header shorter than 10 bytes")

// Decode reads a header in the little-endian layout the kernel uses with
// TUNSETVNETLE or on little-endian hosts.
func (h *VirtioNetHdr) Decode(b []byte) error {
	if len(b) < VirtioNetHdrLen {
		return ErrShortHeader
	}
	h.Flags = b[0]
	h.GSOType = b[1]
	h.HdrLen = binary.LittleEndian.Uint16(b[2:])
	h.GSOSize = binary.LittleEndian.Uint16(b[4:])
	h.CsumStart = binary.LittleEndian.Uint16(b[6:])
	h.CsumOffset = binary.LittleEndian.Uint16(b[8:])
	return nil
}

// Encode writes the header into b[:VirtioNetHdrLen]; b must be long enough.
func (h VirtioNetHdr) Encode(b []byte) {
	_ = b[VirtioNetHdrLen-1]
	b[0] = h.Flags
	b[1] = h.GSOType
	binary.LittleEndian.PutUint16(b[2:], h.HdrLen)
	binary.LittleEndian.PutUint16(b[4:], h.GSOSize)
	binary.LittleEndian.PutUint16(b[6:], h.CsumStart)
	binary.LittleEndian.PutUint16(b[8:], h.CsumOffset)
}
