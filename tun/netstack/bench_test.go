package netstack_test

import (
	"encoding/binary"
	"io"
	"net/netip"
	"testing"

	"github.com/tuntap/tuntap/tun"
	nt "github.com/tuntap/tuntap/tun/netstack/netstacktest"
)

// BenchmarkTCPThroughput measures one TCP stream between two stacks pumped
// back to back in-process: the ceiling for traffic through the stack.
func BenchmarkTCPThroughput(b *testing.B) {
	near, far := nt.Pair(b)
	ln, err := far.ListenTCP(netip.AddrPortFrom(netip.Addr{}, 5001))
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		io.Copy(io.Discard, c)
		c.Close()
	}()
	c, err := near.DialContext(b.Context(), "tcp", netip.AddrPortFrom(nt.Far4, 5001).String())
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	chunk := make([]byte, 64<<10)
	b.SetBytes(int64(len(chunk)))
	b.ResetTimer()
	for range b.N {
		if _, err := c.Write(chunk); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWriteUDP measures the inbound path: one IPv4/UDP packet handed to
// the stack per op, delivered to a bound socket. allocs/op is gVisor's cost.
func BenchmarkWriteUDP(b *testing.B) {
	_, far := nt.Pair(b)
	pc, err := far.ListenUDP(netip.AddrPortFrom(netip.Addr{}, 7000))
	if err != nil {
		b.Fatal(err)
	}
	defer pc.Close()
	go func() {
		buf := make([]byte, 2000)
		for {
			if _, _, err := pc.ReadFrom(buf); err != nil {
				return
			}
		}
	}()
	pkt := udpPacket(nt.Near4, nt.Far4, 7000, 1200)
	bufs := [][]byte{pkt}
	b.SetBytes(int64(len(pkt) - tun.Headroom))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := far.Write(bufs, tun.Headroom); err != nil {
			b.Fatal(err)
		}
	}
}

// udpPacket builds headroom + IPv4 + UDP (checksum 0: allowed for IPv4).
func udpPacket(src, dst netip.Addr, port uint16, payload int) []byte {
	b := make([]byte, tun.Headroom+28+payload)
	ip := b[tun.Headroom:]
	ip[0], ip[8], ip[9] = 0x45, 64, 17
	binary.BigEndian.PutUint16(ip[2:], uint16(28+payload))
	s4, d4 := src.As4(), dst.As4()
	copy(ip[12:], s4[:])
	copy(ip[16:], d4[:])
	var sum uint32
	for i := 0; i < 20; i += 2 {
		sum += uint32(binary.BigEndian.Uint16(ip[i:]))
	}
	for sum > 0xffff {
		sum = sum>>16 + sum&0xffff
	}
	binary.BigEndian.PutUint16(ip[10:], ^uint16(sum))
	udp := ip[20:]
	binary.BigEndian.PutUint16(udp[0:], 40000)
	binary.BigEndian.PutUint16(udp[2:], port)
	binary.BigEndian.PutUint16(udp[4:], uint16(8+payload))
	return b
}
