package proxy

import (
	"context"
	"io"
	"net"
	"net/netip"
	"time"
)

// associate serves UDP ASSOCIATE: a UDP socket on the address the client
// reached us on relays its datagrams into the tunnel for as long as the
// control connection stays open.
func (s *socksServer) associate(ctx context.Context, c net.Conn, hint string) {
	local := addrPortOf(c.LocalAddr())
	pc, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(local.Addr(), 0)))
	if err != nil {
		s.o.Logger.Debug("socks5: udp associate", "err", err)
		writeReply(c, repFailure, zeroAddr)
		return
	}
	defer pc.Close()
	if err := writeReply(c, repSuccess, addrPortOf(pc.LocalAddr())); err != nil {
		return
	}
	c.SetDeadline(time.Time{})
	a := &association{s: s, pc: pc, clientIP: addrPortOf(c.RemoteAddr()).Addr()}
	if h, err := netip.ParseAddrPort(hint); err == nil && h.Port() != 0 && !h.Addr().IsUnspecified() {
		a.client = h
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		a.relay(ctx)
	}()
	io.Copy(io.Discard, c) // the association lives as long as the TCP connection
	pc.Close()
	<-done
}

type association struct {
	s        *socksServer
	pc       *net.UDPConn
	clientIP netip.Addr
	client   netip.AddrPort // locked to the first datagram's source unless given
}

func (a *association) relay(ctx context.Context) {
	table := newUDPTable(ctx, a.s.o, func(ctx context.Context, dst string) (net.Conn, error) {
		return a.s.o.dial(ctx, a.s.d, "udp", dst)
	}, a.reply)
	defer table.close()
	buf := make([]byte, maxDatagram)
	for {
		n, from, err := a.pc.ReadFromUDPAddrPort(buf)
		if err != nil {
			return
		}
		if !a.accept(from) {
			a.s.o.Stats.UDPDropped.Add(1)
			continue
		}
		dst, payload, err := parseUDPHeader(buf[:n])
		if err != nil {
			a.s.o.Stats.UDPDropped.Add(1)
			a.s.o.Logger.Debug("socks5: bad udp datagram", "err", err)
			continue
		}
		table.send(dst, nil, payload)
	}
}

// accept admits datagrams only from the client of the control connection.
func (a *association) accept(from netip.AddrPort) bool {
	from = netip.AddrPortFrom(from.Addr().Unmap(), from.Port())
	if a.client.IsValid() {
		return from == a.client
	}
	if from.Addr() != a.clientIP.Unmap() {
		return false
	}
	a.client = from
	return true
}

// reply prepends the SOCKS5 UDP header naming the source, in place.
func (a *association) reply(f *udpFlow, buf []byte, off int) error {
	var hdr [replyHeadroom]byte
	h := appendAddr(append(hdr[:0], 0, 0, 0), addrPortOf(f.conn.RemoteAddr()))
	start := off - len(h)
	copy(buf[start:], h)
	_, err := a.pc.WriteToUDPAddrPort(buf[start:], a.client)
	return err
}
