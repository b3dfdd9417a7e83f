package gso

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
)

func TestSplitSuperPackets(t *testing.T) {
	for _, tc := range []struct {
		name    string
		spec    pktSpec
		payload int
		mss     int
	}{
		{"tcp4 64k", pktSpec{seq: 1000, id: 7, flags: tcpFlagACK | tcpFlagPSH}, 65000, 1420},
		{"tcp4 exact multiple", pktSpec{seq: 1, flags: tcpFlagACK}, 1420 * 4, 1420},
		{"tcp4 fin psh cwr", pktSpec{seq: 5, flags: tcpFlagACK | tcpFlagPSH | tcpFlagFIN | tcpFlagCWR}, 3000, 1000},
		{"tcp4 seq wraps", pktSpec{seq: 0xffffff00, id: 0xfffe, flags: tcpFlagACK}, 5000, 1400},
		{"tcp4 options", pktSpec{seq: 9, flags: tcpFlagACK, tsOption: true}, 9000, 1388},
		{"tcp4 one segment", pktSpec{seq: 9, flags: tcpFlagACK}, 500, 1400},
		{"tcp6 64k", pktSpec{v6: true, seq: 77, flags: tcpFlagACK | tcpFlagPSH}, 64000, 1400},
		{"tcp6 options", pktSpec{v6: true, seq: 77, flags: tcpFlagACK, tsOption: true}, 10000, 1368},
		{"udp4 uso", pktSpec{udp: true, id: 100}, 10000, 1200},
		{"udp6 uso", pktSpec{v6: true, udp: true}, 10001, 1200},
		{"tap tcp4", pktSpec{l2: true, seq: 3, flags: tcpFlagACK}, 20000, 1448},
		{"tap tcp6", pktSpec{l2: true, v6: true, seq: 3, flags: tcpFlagACK}, 20000, 1428},
		{"tap vlan tcp4", pktSpec{l2: true, vlan: true, seq: 3, flags: tcpFlagACK}, 7000, 1448},
		{"tap udp6", pktSpec{l2: true, v6: true, udp: true}, 7000, 1000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec := tc.spec
			spec.payload = payload(tc.payload, 3)
			pkt, hdr := spec.superPacket(tc.mss)
			want := spec.segments(tc.mss)
			bufs, sizes := makeBufs(64, 2000)
			n, err := Split(pkt, hdr, spec.l2, bufs, sizes, 16)
			if err != nil {
				t.Fatal(err)
			}
			if n != len(want) {
				t.Fatalf("got %d segments, want %d", n, len(want))
			}
			var joined []byte
			hl := int(hdr.HdrLen)
			for i := 0; i < n; i++ {
				got := bufs[i][16 : 16+sizes[i]]
				if !bytes.Equal(got, want[i]) {
					t.Fatalf("segment %d differs:\n got %x\nwant %x", i, got[:hl], want[i][:hl])
				}
				if sizes[i] > hl+tc.mss {
					t.Fatalf("segment %d is %d bytes, over headers+mss", i, sizes[i])
				}
				joined = append(joined, got[hl:]...)
			}
			if !bytes.Equal(joined, spec.payload) {
				t.Fatal("payloads do not concatenate to the original")
			}
		})
	}
}

func TestSplitNoGSOCompletesChecksum(t *testing.T) {
	for _, udp := range []bool{false, true} {
		spec := pktSpec{udp: udp, seq: 1, flags: tcpFlagACK, payload: payload(333, 1)}
		want := spec.build()
		pkt, hdr := spec.superPacket(1400)
		hdr.GSOType, hdr.GSOSize = GSONone, 0
		bufs, sizes := makeBufs(1, 1500)
		n, err := Split(pkt, hdr, false, bufs, sizes, 0)
		if err != nil || n != 1 || !bytes.Equal(bufs[0][:sizes[0]], want) {
			t.Fatalf("udp=%v: n=%d err=%v, packet differs from one with a full checksum", udp, n, err)
		}
		// Without NEEDS_CSUM the bytes pass untouched.
		n, err = Split(want, VirtioNetHdr{}, false, bufs, sizes, 0)
		if err != nil || n != 1 || !bytes.Equal(bufs[0][:sizes[0]], want) {
			t.Fatalf("plain copy: n=%d err=%v", n, err)
		}
	}
}

func TestSplitErrors(t *testing.T) {
	good, goodHdr := pktSpec{seq: 1, flags: tcpFlagACK, payload: payload(4000, 0)}.superPacket(1000)
	v6, v6Hdr := pktSpec{v6: true, seq: 1, flags: tcpFlagACK, payload: payload(4000, 0)}.superPacket(1000)
	udp, _ := pktSpec{udp: true, payload: payload(100, 0)}.superPacket(1000)
	with := func(h VirtioNetHdr, f func(*VirtioNetHdr)) VirtioNetHdr { f(&h); return h }
	mut := func(b []byte, i int, v byte) []byte { c := bytes.Clone(b); c[i] = v; return c }
	bufs, sizes := makeBufs(64, 2000)
	for _, tc := range []struct {
		name    string
		pkt     []byte
		hdr     VirtioNetHdr
		l2      bool
		bufs    [][]byte
		sizes   []int
		wantErr error
	}{
		{"empty", nil, goodHdr, false, bufs, sizes, ErrMalformed},
		{"truncated ip", good[:10], goodHdr, false, bufs, sizes, ErrMalformed},
		{"truncated tcp", good[:30], goodHdr, false, bufs, sizes, ErrMalformed},
		{"version 5", mut(good, 0, 0x55), goodHdr, false, bufs, sizes, ErrMalformed},
		{"ihl 4", mut(good, 0, 0x44), goodHdr, false, bufs, sizes, ErrMalformed},
		{"tcpv4 type on ipv6", v6, goodHdr, false, bufs, sizes, ErrMalformed},
		{"tcpv6 type on ipv4", good, v6Hdr, false, bufs, sizes, ErrMalformed},
		{"udp gso on tcp", good, with(goodHdr, func(h *VirtioNetHdr) { h.GSOType = GSOUDPL4 }), false, bufs, sizes, ErrMalformed},
		{"tcp gso on udp", udp, goodHdr, false, bufs, sizes, ErrMalformed},
		{"ufo unsupported", good, with(goodHdr, func(h *VirtioNetHdr) { h.GSOType = GSOUDP }), false, bufs, sizes, ErrMalformed},
		{"gso size 0", good, with(goodHdr, func(h *VirtioNetHdr) { h.GSOSize = 0 }), false, bufs, sizes, ErrMalformed},
		{"csum start wrong", good, with(goodHdr, func(h *VirtioNetHdr) { h.CsumStart = 24 }), false, bufs, sizes, ErrMalformed},
		{"csum outside", good[:100], VirtioNetHdr{Flags: FlagNeedsCsum, CsumStart: 90, CsumOffset: 16}, false, bufs, sizes, ErrMalformed},
		{"data offset 4", mut(good, 32, 0x40), goodHdr, false, bufs, sizes, ErrMalformed},
		{"fragment", mut(good, 6, 0x20), goodHdr, false, bufs, sizes, ErrMalformed},
		{"l2 arp", append([]byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x06}, good...), goodHdr, true, bufs, sizes, ErrMalformed},
		{"l2 short", good[:13], goodHdr, true, bufs, sizes, ErrMalformed},
		{"too few bufs", good, goodHdr, false, bufs[:3], sizes, ErrTooFewBuffers},
		{"too few sizes", good, goodHdr, false, bufs, sizes[:2], ErrTooFewBuffers},
		{"bufs too small", good, goodHdr, false, [][]byte{make([]byte, 500), make([]byte, 500), make([]byte, 500), make([]byte, 500)}, sizes, ErrTooFewBuffers},
		{"no gso no buf", good, VirtioNetHdr{}, false, nil, sizes, ErrTooFewBuffers},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Split(tc.pkt, tc.hdr, tc.l2, tc.bufs, tc.sizes, 0)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("got %v, want %v", err, tc.wantErr)
			}
		})
	}
}

func TestVirtioNetHdrRoundTrip(t *testing.T) {
	h := VirtioNetHdr{Flags: FlagNeedsCsum, GSOType: GSOTCPv6 | GSOECN, HdrLen: 74, GSOSize: 1428, CsumStart: 54, CsumOffset: 16}
	b := make([]byte, VirtioNetHdrLen)
	h.Encode(b)
	if want := []byte{1, 0x84, 74, 0, 0x94, 0x05, 54, 0, 16, 0}; !bytes.Equal(b, want) {
		t.Fatalf("encoded %x, want %x", b, want)
	}
	var g VirtioNetHdr
	if err := g.Decode(b); err != nil || g != h {
		t.Fatalf("decoded %+v, %v", g, err)
	}
	if err := g.Decode(b[:9]); !errors.Is(err, ErrShortHeader) {
		t.Fatalf("short: %v", err)
	}
}

func TestSplitAllocatesNothing(t *testing.T) {
	pkt, hdr := pktSpec{seq: 1, flags: tcpFlagACK, payload: payload(60000, 0)}.superPacket(1420)
	bufs, sizes := makeBufs(64, 2000)
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := Split(pkt, hdr, false, bufs, sizes, 0); err != nil {
			panic(fmt.Sprint(err))
		}
		if _, err := Split(pkt[:10], hdr, false, bufs, sizes, 0); err == nil {
			panic("no error")
		}
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per Split", allocs)
	}
}
