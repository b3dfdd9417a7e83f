package gso

import (
	"bytes"
	"testing"
)

func FuzzSplit(f *testing.F) {
	for _, s := range []pktSpec{
		{seq: 1, flags: tcpFlagACK | tcpFlagPSH, payload: payload(5000, 1)},
		{v6: true, tsOption: true, flags: tcpFlagACK, payload: payload(3000, 2)},
		{udp: true, payload: payload(2500, 3)},
		{l2: true, vlan: true, flags: tcpFlagACK, payload: payload(2000, 4)},
	} {
		pkt, h := s.superPacket(700)
		hb := make([]byte, VirtioNetHdrLen)
		h.Encode(hb)
		f.Add(pkt, hb, s.l2)
	}
	bufs, sizes := makeBufs(16, 1600)
	f.Fuzz(func(t *testing.T, pkt, hb []byte, l2 bool) {
		var h VirtioNetHdr
		if h.Decode(hb) != nil {
			return
		}
		n, err := Split(pkt, h, l2, bufs, sizes, 4)
		if err != nil {
			return
		}
		checkSplit(t, pkt, h, bufs, sizes[:n], 4)
	})
}

// checkSplit checks what any successful Split must satisfy: segments carry
// the same header length H, at most GSOSize payload bytes each, exactly
// GSOSize but the last, and their payloads concatenate to the original's.
func checkSplit(t *testing.T, pkt []byte, h VirtioNetHdr, bufs [][]byte, sizes []int, off int) {
	n := len(sizes)
	if n == 0 {
		t.Fatal("success with no segments")
	}
	if n == 1 {
		if sizes[0] != len(pkt) {
			t.Fatalf("single segment of %d bytes from %d", sizes[0], len(pkt))
		}
		return
	}
	total := 0
	for _, s := range sizes {
		total += s
	}
	hl := (total - len(pkt)) / (n - 1)
	if hl*(n-1) != total-len(pkt) || hl < 0 || hl > len(pkt) {
		t.Fatalf("segments do not share one header length")
	}
	var joined []byte
	for i, s := range sizes {
		p := s - hl
		if p > int(h.GSOSize) || (i < n-1 && p != int(h.GSOSize)) {
			t.Fatalf("segment %d carries %d payload bytes, gso size %d", i, p, h.GSOSize)
		}
		joined = append(joined, bufs[i][off+hl:off+s]...)
	}
	if !bytes.Equal(joined, pkt[hl:]) {
		t.Fatal("payloads do not concatenate to the original")
	}
}

func FuzzCoalesce(f *testing.F) {
	f.Add([]byte{}, false, false, uint16(1000), uint8(5), uint16(0))
	f.Add([]byte{0x45, 0, 0, 20}, true, false, uint16(1400), uint8(30), uint16(77))
	f.Add(pktSpec{udp: true, payload: []byte("x")}.build(), false, true, uint16(500), uint8(3), uint16(1))
	f.Fuzz(func(t *testing.T, raw []byte, v6, l2 bool, mss uint16, n uint8, flip uint16) {
		mss = mss%1500 + 1
		spec := pktSpec{v6: v6, l2: l2, seq: uint32(flip) << 16, id: flip, flags: tcpFlagACK}
		spec.payload = payload(int(mss)*int(n%48)+int(flip%uint16(mss)), byte(n))
		pkts := spec.segments(int(mss))
		if flip%3 == 0 && len(pkts) > 1 {
			p := pkts[int(flip)%len(pkts)]
			p[int(flip)%len(p)] ^= byte(flip>>8) | 1
		}
		pkts = append(pkts[:len(pkts)/2], append([][]byte{raw}, pkts[len(pkts)/2:]...)...)
		var c Coalescer
		out := c.Coalesce(batch(pkts...), testOffset, l2)
		if got := undo(t, out, l2); !sameMultiset(got, pkts) {
			t.Fatalf("coalesce then split changed the batch: %d packets in, %d out", len(pkts), len(got))
		}
		// Trusting checksums may merge a segment whose checksum is wrong
		// (it then comes back right), but every packet comes back, whole.
		c.TrustChecksums(true)
		out = c.Coalesce(batch(pkts...), testOffset, l2)
		if got := undo(t, out, l2); len(got) != len(pkts) || totalLen(got) != totalLen(pkts) {
			t.Fatalf("trusted: coalesce then split changed the batch: %d packets in, %d out", len(pkts), len(got))
		}
	})
}

func totalLen(pkts [][]byte) (n int) {
	for _, p := range pkts {
		n += len(p)
	}
	return n
}
