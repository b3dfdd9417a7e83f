package tun

import (
	"encoding/binary"
	"testing"

	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"
)

// linkMsg builds an RTM_NEWLINK payload as the kernel sends it for a TUN/TAP
// device (tun_fill_info), with owner and group only when set.
func linkMsg(name, kind string, tunType uint8, owner, group int) []byte {
	ifi := nl.NewIfInfomsg(unix.AF_UNSPEC)
	ifi.Index, ifi.Flags = 7, unix.IFF_UP
	b := ifi.Serialize()
	b = append(b, nl.NewRtAttr(unix.IFLA_IFNAME, nl.ZeroTerminated(name)).Serialize()...)
	b = append(b, nl.NewRtAttr(unix.IFLA_MTU, nl.Uint32Attr(1420)).Serialize()...)
	info := nl.NewRtAttr(unix.IFLA_LINKINFO, nil)
	info.AddRtAttr(unix.IFLA_INFO_KIND, nl.NonZeroTerminated(kind))
	data := info.AddRtAttr(unix.IFLA_INFO_DATA, nil)
	data.AddRtAttr(nl.IFLA_TUN_TYPE, []byte{tunType})
	data.AddRtAttr(nl.IFLA_TUN_PERSIST, []byte{1})
	data.AddRtAttr(nl.IFLA_TUN_MULTI_QUEUE, []byte{1})
	data.AddRtAttr(nl.IFLA_TUN_VNET_HDR, []byte{0})
	data.AddRtAttr(nl.IFLA_TUN_NUM_QUEUES, nl.Uint32Attr(2))
	if owner >= 0 {
		data.AddRtAttr(nl.IFLA_TUN_OWNER, nl.Uint32Attr(uint32(owner)))
	}
	if group >= 0 {
		data.AddRtAttr(nl.IFLA_TUN_GROUP, nl.Uint32Attr(uint32(group)))
	}
	return append(b, info.Serialize()...)
}

func TestParseLink(t *testing.T) {
	for _, tc := range []struct {
		name string
		msg  []byte
		want Info
		ok   bool
	}{
		{"tap owned", linkMsg("tap3", "tun", unix.IFF_TAP, 65534, 100),
			Info{Name: "tap3", Kind: TAP, Owner: 65534, Group: 100, MultiQueue: true, Persist: true,
				MTU: 1420, Index: 7, Up: true, Queues: 2}, true},
		{"tun unowned", linkMsg("tun1", "tun", unix.IFF_TUN, -1, -1),
			Info{Name: "tun1", Kind: TUN, Owner: -1, Group: -1, MultiQueue: true, Persist: true,
				MTU: 1420, Index: 7, Up: true, Queues: 2}, true},
		{"veth", linkMsg("veth0", "veth", 0, -1, -1), Info{}, false},
		{"short", []byte{1, 2, 3}, Info{}, false},
	} {
		got, ok := parseLink(tc.msg)
		if ok != tc.ok || (ok && got != tc.want) {
			t.Errorf("%s: got %+v %v\nwant %+v %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
}

// FuzzParseLink: any payload either parses into a named device or is
// rejected; it never panics.
func FuzzParseLink(f *testing.F) {
	f.Add(linkMsg("tap3", "tun", unix.IFF_TAP, 65534, 100))
	f.Add(linkMsg("tun1", "tun", unix.IFF_TUN, -1, -1))
	f.Add(make([]byte, unix.SizeofIfInfomsg))
	f.Fuzz(func(t *testing.T, b []byte) {
		info, ok := parseLink(b)
		if ok && (info.Name == "" || info.Index != int(int32(binary.NativeEndian.Uint32(b[4:])))) {
			t.Fatalf("accepted %+v from %x", info, b)
		}
	})
}
