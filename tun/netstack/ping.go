package netstack

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/transport/icmp"
	"gvisor.dev/gvisor/pkg/waiter"
)

const pingPayload = 16

// Ping sends one ICMP echo request from the stack to dst and returns the
// round-trip time of the matching reply. It works like a Linux ping socket:
// the stack picks the identifier, seq is the caller's.
func (s *Stack) Ping(ctx context.Context, dst netip.Addr, seq int) (time.Duration, error) {
	dst = dst.WithZone("").Unmap()
	if !dst.IsValid() {
		return 0, errors.New("ping: invalid destination address")
	}
	if s.isClosed() {
		return 0, fmt.Errorf("ping %v: %w", dst, net.ErrClosed)
	}
	var wq waiter.Queue
	ep, err := s.newPingEndpoint(dst, &wq)
	if err != nil {
		return 0, fmt.Errorf("ping %v: %w", dst, err)
	}
	defer ep.Close()
	entry, ready := waiter.NewChannelEntry(waiter.ReadableEvents)
	wq.EventRegister(&entry)
	defer wq.EventUnregister(&entry)

	req := echoRequest(dst.Is4(), uint16(seq))
	start := time.Now()
	if _, terr := ep.Write(bytes.NewReader(req), tcpip.WriteOptions{}); terr != nil {
		return 0, fmt.Errorf("ping %v: send: %s", dst, terr)
	}
	if err := awaitEcho(ctx, ep, ready, req); err != nil {
		return 0, fmt.Errorf("ping %v seq %d: %w", dst, seq, err)
	}
	return time.Since(start), nil
}

func (s *Stack) newPingEndpoint(dst netip.Addr, wq *waiter.Queue) (tcpip.Endpoint, error) {
	trans := icmp.ProtocolNumber6
	if dst.Is4() {
		trans = icmp.ProtocolNumber4
	}
	fa, proto := fullAddr(netip.AddrPortFrom(dst, 0))
	ep, terr := s.stack.NewEndpoint(trans, proto, wq)
	if terr != nil {
		return nil, fmt.Errorf("icmp endpoint: %s", terr)
	}
	if terr := ep.Connect(fa); terr != nil {
		ep.Close()
		return nil, fmt.Errorf("connect: %s", terr)
	}
	return ep, nil
}

// echoRequest builds the ICMP header and payload; identifier and checksum
// are filled in by the stack.
func echoRequest(v4 bool, seq uint16) []byte {
	b := make([]byte, header.ICMPv4MinimumSize+pingPayload)
	b[0] = byte(header.ICMPv6EchoRequest)
	if v4 {
		b[0] = byte(header.ICMPv4Echo)
	}
	binary.BigEndian.PutUint16(b[6:], seq)
	binary.BigEndian.PutUint64(b[8:], uint64(time.Now().UnixNano()))
	copy(b[16:], "tuntap-p")
	return b
}

// awaitEcho reads replies until one carries our sequence number and payload.
func awaitEcho(ctx context.Context, ep tcpip.Endpoint, ready <-chan struct{}, req []byte) error {
	buf := make([]byte, 1500)
	for {
		w := tcpip.SliceWriter(buf)
		res, terr := ep.Read(&w, tcpip.ReadOptions{})
		if _, ok := terr.(*tcpip.ErrWouldBlock); ok {
			select {
			case <-ready:
				continue
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		if terr != nil {
			return fmt.Errorf("receive: %s", terr)
		}
		reply := buf[:res.Count]
		if len(reply) == len(req) && bytes.Equal(reply[6:8], req[6:8]) && bytes.Equal(reply[8:], req[8:]) {
			return nil
		}
	}
}
