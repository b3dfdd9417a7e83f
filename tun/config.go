package tun

import (
	"fmt"
	"strings"
	"unicode"
)

// Config says which device Open creates or attaches to. The zero Config
// opens a new single-queue TUN device named by the kernel ("tun%d").
type Config struct {
	// Name is an exact name or a kernel pattern such as "tun%d"; "" means
	// the kind's default pattern.
	Name string
	Kind Kind
	// MTU is applied at open; 0 leaves the kernel default (1500).
	MTU int
	// Persist keeps the device after the last descriptor closes (TUNSETPERSIST).
	Persist bool
	// Owner and Group say which uid and gid may attach to the device later
	// without CAP_NET_ADMIN. They are applied only with Persist, because they
	// matter only for a device that outlives this process, and so that the
	// zero Config never hands a device to uid 0 by accident. -1 leaves unset.
	Owner int
	Group int
	// Queues > 1 opens an IFF_MULTI_QUEUE device with that many descriptors.
	Queues int
	// VnetHdr (IFF_VNET_HDR) prefixes every packet read and written with a
	// VnetHdrLen-byte struct virtio_net_hdr that the caller sees and writes.
	VnetHdr bool
}

// Info describes one TUN or TAP device found by List.
type Info struct {
	Name  string
	Kind  Kind
	Owner int // -1 when unset
	Group int // -1 when unset
	// MultiQueue, VnetHdr and Persist mirror IFF_MULTI_QUEUE, IFF_VNET_HDR
	// and IFF_PERSIST.
	MultiQueue bool
	VnetHdr    bool
	Persist    bool
	MTU        int
	Index      int
	// Up is the administrative state (IFF_UP); Queues is how many
	// descriptors are attached now (0 for an idle persistent device).
	Up     bool
	Queues int
}

// VnetHdrLen is the size of struct virtio_net_hdr, which precedes every
// packet of a VnetHdr device.
const VnetHdrLen = 10

// Offload flags for Queue.SetOffloads (the kernel's TUN_F_* values). They
// tell the kernel which super-packets the reader can take apart.
const (
	OffloadCsum = 0x01 // TUN_F_CSUM: packets may carry a partial checksum
	OffloadTSO4 = 0x02 // TUN_F_TSO4: TCP segmentation offload, IPv4
	OffloadTSO6 = 0x04 // TUN_F_TSO6: TCP segmentation offload, IPv6
	OffloadUSO4 = 0x20 // TUN_F_USO4: UDP segmentation offload, IPv4
	OffloadUSO6 = 0x40 // TUN_F_USO6: UDP segmentation offload, IPv6
)

// DefaultBatchSize is what BatchSize reports for kernel queues: the most
// packets one Read drains from the kernel before returning.
const DefaultBatchSize = 64

// maxNameLen is IFNAMSIZ-1: the kernel rejects longer names.
const maxNameLen = 15

func (k Kind) pattern() string {
	return k.String() + "%d"
}

// checkName applies the kernel's dev_valid_name rules before any descriptor
// is opened, so that a bad name gives a clear error and costs nothing.
func checkName(name string) error {
	bad := func(why string) error {
		return fmt.Errorf("interface name %q %s: %w", name, why, ErrBadName)
	}
	switch {
	case name == "":
		return bad("is empty")
	case len(name) > maxNameLen:
		return bad(fmt.Sprintf("is longer than %d bytes", maxNameLen))
	case name == "." || name == "..":
		return bad("is reserved")
	case strings.ContainsAny(name, "/:"):
		return bad("contains '/' or ':'")
	case strings.IndexFunc(name, unicode.IsSpace) >= 0 || strings.IndexByte(name, 0) >= 0:
		return bad("contains white space or NUL")
	case strings.Count(name, "%") > 1 || (strings.Contains(name, "%") && !strings.Contains(name, "%d")):
		return bad("has a pattern other than one %d")
	}
	return nil
}
