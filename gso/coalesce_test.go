package gso

import (
	"bytes"
	"testing"
)

const testOffset = 16

// batch copies packets into buffers with headroom and spare capacity.
func batch(pkts ...[]byte) [][]byte {
	bufs := make([][]byte, len(pkts))
	for i, p := range pkts {
		b := make([]byte, testOffset+len(p), testOffset+65536)
		copy(b[testOffset:], p)
		bufs[i] = b
	}
	return bufs
}

// undo splits every packet Coalesce returned back into plain packets.
func undo(t testing.TB, out [][]byte, l2 bool) [][]byte {
	var pkts [][]byte
	segs, sizes := makeBufs(64, 65536)
	for _, b := range out {
		var h VirtioNetHdr
		if err := h.Decode(b[testOffset-VirtioNetHdrLen:]); err != nil {
			t.Fatal(err)
		}
		if h == (VirtioNetHdr{}) {
			pkts = append(pkts, bytes.Clone(b[testOffset:]))
			continue
		}
		n, err := Split(b[testOffset:], h, l2, segs, sizes, 0)
		if err != nil {
			t.Fatalf("split of coalesced packet: %v (hdr %+v)", err, h)
		}
		for i := 0; i < n; i++ {
			pkts = append(pkts, bytes.Clone(segs[i][:sizes[i]]))
		}
	}
	return pkts
}

func flow(spec pktSpec, n, mss, last int) [][]byte {
	spec.payload = payload((n-1)*mss+last, 9)
	return spec.segments(mss)
}

func TestCoalesceRoundTrip(t *testing.T) {
	ack := pktSpec{seq: 100, id: 50, flags: tcpFlagACK}
	ackPsh := ack
	ackPsh.flags |= tcpFlagPSH
	v6 := pktSpec{v6: true, seq: 100, flags: tcpFlagACK | tcpFlagPSH, tsOption: true}
	tap := pktSpec{l2: true, seq: 100, id: 1, flags: tcpFlagACK | tcpFlagPSH}
	tapVLAN6 := pktSpec{l2: true, vlan: true, v6: true, seq: 100, flags: tcpFlagACK}
	other := ack
	other.ack = 12345 // another ACK number: must not merge with ack
	udp := pktSpec{udp: true, payload: payload(300, 1)}.build()
	pureACK := pktSpec{seq: 1, flags: tcpFlagACK}.build()
	badSum := flow(ack, 3, 1000, 1000)
	badSum[1][50] ^= 0xff
	cat := func(ps ...[][]byte) (out [][]byte) {
		for _, p := range ps {
			out = append(out, p...)
		}
		return out
	}
	for _, tc := range []struct {
		name    string
		l2      bool
		pkts    [][]byte
		wantOut int
	}{
		{"tcp4 44 segments", false, flow(ack, 44, 1420, 1420), 1},
		{"tcp4 shorter last with psh", false, flow(ackPsh, 10, 1420, 500), 1},
		{"tcp6 options", false, flow(v6, 30, 1380, 7), 1},
		{"tap tcp4", true, flow(tap, 20, 1448, 1448), 1},
		{"tap vlan tcp6", true, flow(tapVLAN6, 5, 1400, 1400), 1},
		{"over 64k splits in two", false, flow(ack, 50, 1420, 1420), 2},
		{"single", false, flow(ack, 1, 1420, 1420), 1},
		{"different ack", false, cat(flow(ack, 3, 1000, 1000), flow(other, 3, 1000, 1000)[1:]), 2},
		{"gap in seq", false, cat(flow(ack, 2, 1000, 1000), flow(ack, 5, 1000, 1000)[3:]), 2},
		{"bigger after smaller", false, cat(flow(ack, 2, 1000, 500), [][]byte{pktSpec{seq: 1600, id: 52, flags: tcpFlagACK, payload: payload(1000, 0)}.build()}), 2},
		{"non tcp between", false, cat(flow(ack, 3, 1000, 1000)[:2], [][]byte{udp, pureACK}, flow(ack, 3, 1000, 1000)[2:]), 3},
		{"bad checksum not merged", false, badSum, 3},
		{"psh ends group", false, cat(flow(ackPsh, 2, 1000, 1000), flow(ack, 4, 1000, 1000)[2:]), 2},
		{"interleaved flows", false, interleave(flow(ack, 6, 1000, 1000), flow(other, 6, 1000, 1000)), 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var c Coalescer
			out := c.Coalesce(batch(tc.pkts...), testOffset, tc.l2)
			if len(out) != tc.wantOut {
				t.Fatalf("got %d packets, want %d", len(out), tc.wantOut)
			}
			got := undo(t, out, tc.l2)
			if !sameMultiset(got, tc.pkts) {
				t.Fatalf("split of the coalesced batch differs from the original %d packets (got %d)", len(tc.pkts), len(got))
			}
		})
	}
}

func interleave(a, b [][]byte) (out [][]byte) {
	for i := range a {
		out = append(out, a[i], b[i])
	}
	return out
}

// sameMultiset compares without order: merging may move a segment forward.
func sameMultiset(a, b [][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	used := make([]bool, len(b))
outer:
	for _, x := range a {
		for j, y := range b {
			if !used[j] && bytes.Equal(x, y) {
				used[j] = true
				continue outer
			}
		}
		return false
	}
	return true
}

func TestCoalesceHeaders(t *testing.T) {
	pkts := flow(pktSpec{seq: 1, flags: tcpFlagACK}, 4, 1000, 600)
	var c Coalescer
	out := c.Coalesce(batch(pkts...), testOffset, false)
	var h VirtioNetHdr
	_ = h.Decode(out[0][testOffset-VirtioNetHdrLen:])
	want := VirtioNetHdr{Flags: FlagNeedsCsum, GSOType: GSOTCPv4, HdrLen: 40, GSOSize: 1000, CsumStart: 20, CsumOffset: 16}
	if h != want || len(out[0]) != testOffset+40+3600 {
		t.Fatalf("header %+v len %d, want %+v len %d", h, len(out[0]), want, testOffset+3640)
	}
	if got := Checksum(out[0][testOffset:testOffset+20], 0); got != 0xffff {
		t.Fatalf("IPv4 header checksum invalid (%#x)", got)
	}
}

func TestCoalesceRespectsCapacity(t *testing.T) {
	pkts := flow(pktSpec{seq: 1, flags: tcpFlagACK}, 3, 1000, 1000)
	bufs := batch(pkts...)
	bufs[0] = bufs[0][:len(bufs[0]):len(bufs[0])] // no spare room after the head
	var c Coalescer
	out := c.Coalesce(bufs, testOffset, false)
	if len(out) != 2 {
		t.Fatalf("got %d packets, want 2 (head cannot grow)", len(out))
	}
	if !sameMultiset(undo(t, out, false), pkts) {
		t.Fatal("round trip differs")
	}
}

func TestCoalesceAllocatesNothing(t *testing.T) {
	pkts := flow(pktSpec{seq: 1, flags: tcpFlagACK}, 44, 1420, 1420)
	bufs := batch(pkts...)
	c := NewCoalescer(len(bufs))
	allocs := testing.AllocsPerRun(50, func() {
		for i, p := range pkts {
			copy(bufs[i][testOffset:], p)
		}
		if out := c.Coalesce(bufs, testOffset, false); len(out) != 1 {
			panic("not coalesced")
		}
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per Coalesce", allocs)
	}
}

// A trusting Coalescer (the tunnel authenticated the bytes) merges a segment
// whose checksum is wrong; the untrusting one keeps it apart (above).
func TestCoalesceTrustedChecksums(t *testing.T) {
	pkts := flow(pktSpec{seq: 1, id: 7, flags: tcpFlagACK}, 3, 1000, 1000)
	pkts[1][50] ^= 0xff // payload byte: the TCP checksum no longer matches
	var c Coalescer
	c.TrustChecksums(true)
	out := c.Coalesce(batch(pkts...), testOffset, false)
	if len(out) != 1 {
		t.Fatalf("got %d packets, want 1 (checksums trusted)", len(out))
	}
	got := undo(t, out, false)
	if len(got) != len(pkts) {
		t.Fatalf("split gives %d segments, want %d", len(got), len(pkts))
	}
	for i := range pkts {
		if !bytes.Equal(got[i][40:], pkts[i][40:]) {
			t.Fatalf("segment %d: payload changed by the merge", i)
		}
	}
}
