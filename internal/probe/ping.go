// Package probe measures a path with tuntap's own code: ICMP echo round
// trips and TCP throughput, so the demo needs no ping or iperf3.
package probe

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"time"

	"golang.org/x/net/icmp"
	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"
)

// Ping sends count ICMP echo requests to dst, one per interval, and returns
// the round-trip time of each one answered (lost ones are absent).
func Ping(ctx context.Context, dst netip.Addr, count int, interval, timeout time.Duration) ([]time.Duration, error) {
	network, proto := "ip4:icmp", 1
	var reqType icmp.Type = ipv4.ICMPTypeEcho
	if dst.Is6() && !dst.Is4In6() {
		network, proto, reqType = "ip6:ipv6-icmp", 58, ipv6.ICMPTypeEchoRequest
	}
	c, err := icmp.ListenPacket(network, "")
	if err != nil {
		return nil, fmt.Errorf("ping %s: %w", dst, err)
	}
	defer c.Close()
	id := os.Getpid() & 0xffff
	var rtts []time.Duration
	buf := make([]byte, 1500)
	for seq := 1; seq <= count; seq++ {
		if ctx.Err() != nil {
			return rtts, ctx.Err()
		}
		msg := icmp.Message{Type: reqType, Body: &icmp.Echo{ID: id, Seq: seq, Data: []byte("tuntap-probe-0123456789abcdef")}}
		b, err := msg.Marshal(nil)
		if err != nil {
			return rtts, err
		}
		start := time.Now()
		if _, err := c.WriteTo(b, &net.IPAddr{IP: dst.AsSlice()}); err != nil {
			return rtts, fmt.Errorf("ping %s: %w", dst, err)
		}
		deadline := start.Add(timeout)
		c.SetReadDeadline(deadline)
		for {
			n, _, err := c.ReadFrom(buf)
			if err != nil {
				if errors.Is(err, os.ErrDeadlineExceeded) {
					break
				}
				return rtts, fmt.Errorf("ping %s: %w", dst, err)
			}
			m, err := icmp.ParseMessage(proto, buf[:n])
			if err != nil {
				continue
			}
			if e, ok := m.Body.(*icmp.Echo); ok && e.ID == id && e.Seq == seq &&
				(m.Type == ipv4.ICMPTypeEchoReply || m.Type == ipv6.ICMPTypeEchoReply) {
				rtts = append(rtts, time.Since(start))
				break
			}
		}
		if wait := interval - time.Since(start); seq < count && wait > 0 {
			select {
			case <-ctx.Done():
				return rtts, ctx.Err()
			case <-time.After(wait):
			}
		}
	}
	return rtts, nil
}
