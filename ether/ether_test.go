package ether

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

var (
	macA = [6]byte{0x02, 0x00, 0x00, 0x00, 0x00, 0x0a}
	macB = [6]byte{0x02, 0x00, 0x00, 0x00, 0x00, 0x0b}
)

// h decodes hex with spaces, so frames in the table read like a capture.
func h(s string) []byte {
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		panic(err)
	}
	return b
}

func TestParse(t *testing.T) {
	const dstSrc = "02000000000b 02000000000a "
	tests := []struct {
		name  string
		bytes []byte
		want  Header
		err   error
	}{
		{"empty", nil, Header{}, ErrShort},
		{"13 bytes", h(dstSrc + "08"), Header{}, ErrShort},
		{"untagged IPv4 no payload", h(dstSrc + "0800"),
			Header{Dst: macB, Src: macA, EtherType: 0x0800, PayloadOffset: 14}, nil},
		{"untagged ARP", h(dstSrc + "0806 0001"),
			Header{Dst: macB, Src: macA, EtherType: 0x0806, PayloadOffset: 14}, nil},
		{"802.3 length field passes", h(dstSrc + "0026 aaaa03"),
			Header{Dst: macB, Src: macA, EtherType: 0x0026, PayloadOffset: 14}, nil},
		{"unknown EtherType passes", h(dstSrc + "88b5 01"),
			Header{Dst: macB, Src: macA, EtherType: 0x88b5, PayloadOffset: 14}, nil},
		{"802.1Q vid 100 pcp 5", h(dstSrc + "8100 a064 86dd 60"),
			Header{Dst: macB, Src: macA, Tags: [2]Tag{{0x8100, 0xa064}}, NumTags: 1,
				EtherType: 0x86dd, PayloadOffset: 18}, nil},
		{"802.1Q tag cut in TCI", h(dstSrc + "8100 a0"), Header{}, ErrShort},
		{"802.1Q tag without inner type", h(dstSrc + "8100 a064"), Header{}, ErrShort},
		{"802.1Q tag with half inner type", h(dstSrc + "8100 a064 08"), Header{}, ErrShort},
		{"Q-in-Q 88a8 outer 200 inner 100", h(dstSrc + "88a8 00c8 8100 0064 0800 45"),
			Header{Dst: macB, Src: macA, Tags: [2]Tag{{0x88a8, 0x00c8}, {0x8100, 0x0064}},
				NumTags: 2, EtherType: 0x0800, PayloadOffset: 22}, nil},
		{"Q-in-Q 9100 outer", h(dstSrc + "9100 0fff 8100 0001 0806"),
			Header{Dst: macB, Src: macA, Tags: [2]Tag{{0x9100, 0x0fff}, {0x8100, 0x0001}},
				NumTags: 2, EtherType: 0x0806, PayloadOffset: 22}, nil},
		{"Q-in-Q inner tag truncated", h(dstSrc + "88a8 00c8 8100 00"), Header{}, ErrShort},
		{"third tag stays in payload", h(dstSrc + "88a8 0001 8100 0002 8100 0003 0800"),
			Header{Dst: macB, Src: macA, Tags: [2]Tag{{0x88a8, 1}, {0x8100, 2}},
				NumTags: 2, EtherType: 0x8100, PayloadOffset: 22}, nil},
		{"broadcast destination", h("ffffffffffff 02000000000a 0806"),
			Header{Dst: [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, Src: macA,
				EtherType: 0x0806, PayloadOffset: 14}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.bytes)
			if !errors.Is(err, tt.err) {
				t.Fatalf("Parse error = %v, want %v", err, tt.err)
			}
			if got != tt.want {
				t.Fatalf("Parse = %+v, want %+v", got, tt.want)
			}
			if err == nil && !bytes.Equal(reencode(&got, tt.bytes), tt.bytes) {
				t.Fatalf("re-encoding differs from input")
			}
		})
	}
}

func reencode(h *Header, frame []byte) []byte {
	f := FromHeader(h, frame[h.PayloadOffset:])
	return f.AppendTo(nil)
}

func TestVLANAccessors(t *testing.T) {
	f := Frame{Dst: macB, Src: macA, EtherType: 0x0800, Payload: []byte{1},
		Tags: []Tag{{TypeQinQ, 0x2000 | 300}, {TypeVLAN, 0xf000 | 42}}}
	hd, err := Parse(f.AppendTo(nil))
	if err != nil {
		t.Fatal(err)
	}
	if vid, ok := hd.VLAN(); !ok || vid != 42 {
		t.Errorf("VLAN = %d, %v; want 42, true", vid, ok)
	}
	if vid, ok := hd.OuterVLAN(); !ok || vid != 300 {
		t.Errorf("OuterVLAN = %d, %v; want 300, true", vid, ok)
	}
	inner := hd.Tags[1]
	if inner.PCP() != 7 || !inner.DEI() || hd.Tags[0].PCP() != 1 || hd.Tags[0].DEI() {
		t.Errorf("PCP/DEI wrong: %+v", hd.Tags)
	}
	var untagged Header
	if _, ok := untagged.VLAN(); ok {
		t.Error("untagged VLAN ok = true")
	}
	if _, ok := untagged.OuterVLAN(); ok {
		t.Error("untagged OuterVLAN ok = true")
	}
}

func TestMACPredicates(t *testing.T) {
	tests := []struct {
		name               string
		mac                [6]byte
		bcast, mcast, zero bool
	}{
		{"broadcast", [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, true, true, false},
		{"IPv4 multicast", [6]byte{0x01, 0x00, 0x5e, 0x00, 0x00, 0x01}, false, true, false},
		{"IPv6 multicast", [6]byte{0x33, 0x33, 0x00, 0x00, 0x00, 0x01}, false, true, false},
		{"zero", [6]byte{}, false, false, true},
		{"local unicast", macA, false, false, false},
		{"global unicast", [6]byte{0x00, 0x1b, 0x21, 0x3a, 0x4f, 0x5e}, false, false, false},
		{"almost broadcast", [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xfe}, false, true, false},
	}
	for _, tt := range tests {
		if got := IsBroadcast(tt.mac); got != tt.bcast {
			t.Errorf("%s: IsBroadcast = %v", tt.name, got)
		}
		if got := IsMulticast(tt.mac); got != tt.mcast {
			t.Errorf("%s: IsMulticast = %v", tt.name, got)
		}
		if got := IsZero(tt.mac); got != tt.zero {
			t.Errorf("%s: IsZero = %v", tt.name, got)
		}
	}
}

func TestMarshalBinary(t *testing.T) {
	f := Frame{Dst: macB, Src: macA, Tags: []Tag{{TypeVLAN, 7}}, EtherType: 0x86dd,
		Payload: []byte{0x60, 0, 0, 0}}
	got, err := f.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	want := h("02000000000b 02000000000a 8100 0007 86dd 60000000")
	if !bytes.Equal(got, want) || len(got) != f.Len() {
		t.Fatalf("MarshalBinary = %x (Len %d), want %x", got, f.Len(), want)
	}
}

func TestParseAllocatesNothing(t *testing.T) {
	f := Frame{Dst: macB, Src: macA, Tags: []Tag{{TypeQinQ, 1}, {TypeVLAN, 2}}, EtherType: 0x0800}
	b := f.AppendTo(nil)
	n := testing.AllocsPerRun(100, func() {
		if _, err := Parse(b); err != nil {
			t.Fatal(err)
		}
	})
	if n != 0 {
		t.Fatalf("Parse allocates %v times per frame", n)
	}
}

func BenchmarkParse(b *testing.B) {
	f := Frame{Dst: macB, Src: macA, Tags: []Tag{{TypeVLAN, 2}}, EtherType: 0x0800,
		Payload: make([]byte, 1486)}
	buf := f.AppendTo(nil)
	b.SetBytes(int64(len(buf)))
	for b.Loop() {
		if _, err := Parse(buf); err != nil {
			b.Fatal(err)
		}
	}
}
