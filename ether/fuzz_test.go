package ether

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzParse checks that Parse never panics, fails only with ErrShort, and
// that whatever it accepts re-encodes to exactly the input: no byte of a
// frame is lost or changed on its way through the switch.
func FuzzParse(f *testing.F) {
	seeds := []Frame{
		{Dst: macB, Src: macA, EtherType: 0x0800, Payload: []byte{0x45, 0}},
		{Dst: macB, Src: macA, Tags: []Tag{{TypeVLAN, 100}}, EtherType: 0x86dd},
		{Dst: macB, Src: macA, Tags: []Tag{{TypeQinQ, 200}, {TypeVLAN, 100}}, EtherType: 0x0806},
		{Dst: macB, Src: macA, Tags: []Tag{{TypeQinQ9100, 1}, {TypeVLAN, 2}, {TypeVLAN, 3}}},
	}
	for _, s := range seeds {
		b := s.AppendTo(nil)
		f.Add(b)
		f.Add(b[:len(b)-1])
	}
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		hd, err := Parse(b)
		if err != nil {
			if !errors.Is(err, ErrShort) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if hd.PayloadOffset > len(b) || hd.PayloadOffset != HeaderLen+TagLen*hd.NumTags {
			t.Fatalf("bad payload offset %d for %d bytes, %d tags", hd.PayloadOffset, len(b), hd.NumTags)
		}
		if got := reencode(&hd, b); !bytes.Equal(got, b) {
			t.Fatalf("round trip:\n got %x\nwant %x", got, b)
		}
	})
}
