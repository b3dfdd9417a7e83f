package gso

import "testing"

func BenchmarkSplitTCP64K(b *testing.B) {
	pkt, hdr := pktSpec{seq: 1, flags: tcpFlagACK, payload: payload(65000, 0)}.superPacket(1420 - 40)
	bufs, sizes := makeBufs(64, 2048)
	b.SetBytes(int64(len(pkt)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Split(pkt, hdr, false, bufs, sizes, 32); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCoalesce44(b *testing.B)        { benchCoalesce(b, false) }
func BenchmarkCoalesce44Trusted(b *testing.B) { benchCoalesce(b, true) }

func benchCoalesce(b *testing.B, trusted bool) {
	pkts := flow(pktSpec{seq: 1, flags: tcpFlagACK}, 44, 1380, 1380)
	bufs := batch(pkts...)
	c := NewCoalescer(len(bufs))
	c.TrustChecksums(trusted)
	b.SetBytes(44 * 1420)
	b.ReportAllocs()
	for b.Loop() {
		for i, p := range pkts {
			copy(bufs[i][testOffset:], p) // the head was grown by the last round
		}
		if len(c.Coalesce(bufs, testOffset, false)) != 1 {
			b.Fatal("not coalesced")
		}
	}
}

func BenchmarkChecksum1500(b *testing.B) {
	buf := payload(1500, 1)
	b.SetBytes(int64(len(buf)))
	for b.Loop() {
		Checksum(buf, 0)
	}
}

func BenchmarkChecksumReference1500(b *testing.B) {
	buf := payload(1500, 1)
	b.SetBytes(int64(len(buf)))
	for b.Loop() {
		refChecksum(buf, 0)
	}
}
