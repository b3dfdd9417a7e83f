package transport

import (
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"unsafe"

	"golang.org/x/sys/unix"
)

// sockaddr holds a struct sockaddr_in6 or sockaddr_in in place, so a message
// header can point at it without an allocation.
type sockaddr struct{ raw unix.RawSockaddrInet6 }

func (sa *sockaddr) ptr() *byte { return (*byte)(unsafe.Pointer(&sa.raw)) }

// addrPort decodes what the kernel wrote; IPv4-mapped addresses come back as
// plain IPv4 so that an IPv4 peer has one identity whichever socket saw it.
func (sa *sockaddr) addrPort() netip.AddrPort {
	switch sa.raw.Family {
	case unix.AF_INET6:
		port := binary.BigEndian.Uint16((*[2]byte)(unsafe.Pointer(&sa.raw.Port))[:])
		a := netip.AddrFrom16(sa.raw.Addr)
		if a.Is4In6() {
			return netip.AddrPortFrom(a.Unmap(), port)
		}
		if sa.raw.Scope_id != 0 && a.IsLinkLocalUnicast() {
			a = a.WithZone(strconv.FormatUint(uint64(sa.raw.Scope_id), 10))
		}
		return netip.AddrPortFrom(a, port)
	case unix.AF_INET:
		in4 := (*unix.RawSockaddrInet4)(unsafe.Pointer(&sa.raw))
		port := binary.BigEndian.Uint16((*[2]byte)(unsafe.Pointer(&in4.Port))[:])
		return netip.AddrPortFrom(netip.AddrFrom4(in4.Addr), port)
	}
	return netip.AddrPort{}
}

// set encodes ep for a socket of the given family and returns its length.
// An IPv4 destination on the dual-stack socket is sent to its mapped form.
func (sa *sockaddr) set(ep netip.AddrPort, v6 bool) (uint32, error) {
	a := ep.Addr()
	if !a.IsValid() {
		return 0, fmt.Errorf("invalid endpoint %v", ep)
	}
	if v6 {
		sa.raw = unix.RawSockaddrInet6{Family: unix.AF_INET6, Addr: a.As16()}
		binary.BigEndian.PutUint16((*[2]byte)(unsafe.Pointer(&sa.raw.Port))[:], ep.Port())
		if z := a.Zone(); z != "" {
			id, err := zoneIndex(z)
			if err != nil {
				return 0, err
			}
			sa.raw.Scope_id = id
		}
		return unix.SizeofSockaddrInet6, nil
	}
	a = a.Unmap()
	if !a.Is4() {
		return 0, fmt.Errorf("IPv6 endpoint %v on an IPv4-only socket", ep)
	}
	in4 := (*unix.RawSockaddrInet4)(unsafe.Pointer(&sa.raw))
	*in4 = unix.RawSockaddrInet4{Family: unix.AF_INET, Addr: a.As4()}
	binary.BigEndian.PutUint16((*[2]byte)(unsafe.Pointer(&in4.Port))[:], ep.Port())
	return unix.SizeofSockaddrInet4, nil
}

func zoneIndex(zone string) (uint32, error) {
	if id, err := strconv.ParseUint(zone, 10, 32); err == nil {
		return uint32(id), nil
	}
	ifi, err := net.InterfaceByName(zone)
	if err != nil {
		return 0, fmt.Errorf("zone %q: %w", zone, err)
	}
	return uint32(ifi.Index), nil
}

// cmsgs walks control messages without allocating; fn sees each one's
// level, type and data.
func cmsgs(b []byte, fn func(level, typ int32, data []byte)) {
	for len(b) >= unix.SizeofCmsghdr {
		h := (*unix.Cmsghdr)(unsafe.Pointer(&b[0]))
		l := int(h.Len)
		if l < unix.SizeofCmsghdr || l > len(b) {
			return
		}
		fn(h.Level, h.Type, b[unix.CmsgLen(0):l])
		next := unix.CmsgSpace(l - unix.CmsgLen(0))
		if next > len(b) {
			return
		}
		b = b[next:]
	}
}

// putCmsg writes one control message at the start of b and returns its
// space; b must hold unix.CmsgSpace(len(data)) bytes.
func putCmsg(b []byte, level, typ int32, data []byte) int {
	h := (*unix.Cmsghdr)(unsafe.Pointer(&b[0]))
	h.Level, h.Type = level, typ
	h.SetLen(unix.CmsgLen(len(data)))
	copy(b[unix.CmsgLen(0):], data)
	return unix.CmsgSpace(len(data))
}
