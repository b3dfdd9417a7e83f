package tun

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io/fs"
	"strings"

	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"
)

// List returns every TUN and TAP device in the calling thread's network
// namespace. It asks rtnetlink rather than reading /sys/class/net/*/tun_flags:
// sysfs shows the namespace it was mounted in, which is wrong for a thread
// that entered another namespace, and rtnetlink also says when owner or group
// are unset, which ownership checks need.
func List() ([]Info, error) {
	req := nl.NewNetlinkRequest(unix.RTM_GETLINK, unix.NLM_F_DUMP)
	req.AddData(nl.NewIfInfomsg(unix.AF_UNSPEC))
	msgs, err := req.Execute(unix.NETLINK_ROUTE, unix.RTM_NEWLINK)
	if err != nil {
		return nil, fmt.Errorf("list links: %w", err)
	}
	var out []Info
	for _, m := range msgs {
		if info, ok := parseLink(m); ok {
			out = append(out, info)
		}
	}
	return out, nil
}

// parseLink decodes one RTM_NEWLINK payload (struct ifinfomsg and its
// attributes); ok is false for anything but a well-formed TUN/TAP link.
func parseLink(m []byte) (info Info, ok bool) {
	if len(m) < unix.SizeofIfInfomsg {
		return Info{}, false
	}
	attrs, ok := parseAttrs(m[unix.SizeofIfInfomsg:])
	if !ok {
		return Info{}, false
	}
	ok = false
	info = Info{
		Index: int(int32(binary.NativeEndian.Uint32(m[4:8]))),
		Up:    binary.NativeEndian.Uint32(m[8:12])&unix.IFF_UP != 0,
		Owner: -1,
		Group: -1,
	}
	for _, a := range attrs {
		switch a.typ {
		case unix.IFLA_IFNAME:
			info.Name = string(bytes.TrimRight(a.val, "\x00"))
		case unix.IFLA_MTU:
			info.MTU = int(u32(a.val))
		case unix.IFLA_LINKINFO:
			ok = parseLinkInfo(a.val, &info)
		}
	}
	return info, ok && info.Name != ""
}

func parseLinkInfo(b []byte, info *Info) bool {
	attrs, ok := parseAttrs(b)
	if !ok {
		return false
	}
	isTun, sawType := false, false
	for _, a := range attrs {
		switch a.typ {
		case unix.IFLA_INFO_KIND:
			isTun = string(bytes.TrimRight(a.val, "\x00")) == "tun"
		case unix.IFLA_INFO_DATA:
			sawType = parseTunData(a.val, info)
		}
	}
	return isTun && sawType
}

func parseTunData(b []byte, info *Info) bool {
	attrs, ok := parseAttrs(b)
	if !ok {
		return false
	}
	sawType := false
	for _, a := range attrs {
		switch a.typ {
		case nl.IFLA_TUN_TYPE:
			info.Kind, sawType = TUN, true
			if u8(a.val) == unix.IFF_TAP {
				info.Kind = TAP
			}
		case nl.IFLA_TUN_OWNER:
			info.Owner = int(u32(a.val))
		case nl.IFLA_TUN_GROUP:
			info.Group = int(u32(a.val))
		case nl.IFLA_TUN_VNET_HDR:
			info.VnetHdr = u8(a.val) != 0
		case nl.IFLA_TUN_PERSIST:
			info.Persist = u8(a.val) != 0
		case nl.IFLA_TUN_MULTI_QUEUE:
			info.MultiQueue = u8(a.val) != 0
		case nl.IFLA_TUN_NUM_QUEUES:
			info.Queues = int(u32(a.val))
		}
	}
	return sawType
}

type attr struct {
	typ uint16
	val []byte
}

// parseAttrs splits a run of netlink attributes (struct rtattr, 4-byte
// aligned). It is written here because the library's parser panics on some
// malformed input (found by FuzzParseLink).
func parseAttrs(b []byte) ([]attr, bool) {
	var out []attr
	for len(b) >= unix.SizeofRtAttr {
		n := int(binary.NativeEndian.Uint16(b))
		if n < unix.SizeofRtAttr || n > len(b) {
			return nil, false
		}
		typ := binary.NativeEndian.Uint16(b[2:]) &^ unix.NLA_F_NESTED
		out = append(out, attr{typ: typ, val: b[unix.SizeofRtAttr:n]})
		b = b[min(len(b), (n+unix.NLA_ALIGNTO-1)&^(unix.NLA_ALIGNTO-1)):]
	}
	return out, true
}

func u8(b []byte) uint8 {
	if len(b) < 1 {
		return 0
	}
	return b[0]
}

func u32(b []byte) uint32 {
	if len(b) < 4 {
		return 0
	}
	return binary.NativeEndian.Uint32(b)
}

// Delete removes a persistent device: it attaches with the device's own
// flags, clears TUNSETPERSIST and closes, and the kernel removes the device.
func Delete(name string) error {
	if err := checkName(name); err != nil {
		return fmt.Errorf("delete: %w", err)
	}
	if strings.Contains(name, "%") {
		return fmt.Errorf("delete %q: a pattern names no device: %w", name, ErrBadName)
	}
	info, err := find(name)
	if err != nil {
		return fmt.Errorf("delete %s: %w", name, err)
	}
	if !info.Persist {
		return fmt.Errorf("delete %s: not persistent; it goes away when its last descriptor closes", name)
	}
	flags := flagsFor(Config{Kind: info.Kind, VnetHdr: info.VnetHdr})
	if info.MultiQueue {
		flags |= unix.IFF_MULTI_QUEUE
	}
	fd, _, err := openQueueFD(name, flags)
	if err != nil {
		return fmt.Errorf("delete: %w", err)
	}
	defer unix.Close(fd)
	if err := unix.IoctlSetInt(fd, unix.TUNSETPERSIST, 0); err != nil {
		return fmt.Errorf("delete %s: TUNSETPERSIST 0: %w", name, err)
	}
	return nil
}

func find(name string) (Info, error) {
	all, err := List()
	if err != nil {
		return Info{}, err
	}
	for _, info := range all {
		if info.Name == name {
			return info, nil
		}
	}
	return Info{}, fmt.Errorf("no TUN/TAP device of that name: %w", fs.ErrNotExist)
}
