// Package netstack is a tun.Device backed by gVisor's user-space TCP/IP stack,
// for hosts where /dev/net/tun cannot be opened (unprivileged containers,
// some VPS). The engine drives it like any TUN device: packets the stack sends
// come out of Read, decrypted packets from peers go into Write. Local programs
// reach the tunnel through DialContext, ListenTCP and ListenUDP (the proxy
// package turns those into SOCKS5, HTTP CONNECT and port forwards).
package netstack

import (
	"errors"
	"fmt"
	"net/netip"
	"sync"
	"sync/atomic"

	"github.com/tuntap/tuntap/tun"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv6"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/tcpip/transport/icmp"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"
	"gvisor.dev/gvisor/pkg/tcpip/transport/udp"
)

// Config describes the stack's side of the tunnel.
type Config struct {
	// Addresses become the stack's own addresses (the Address= of wg-quick).
	Addresses []netip.Prefix
	// MTU of the tunnel; 0 means DefaultMTU.
	MTU int
	// DNS servers, reached through the tunnel, for hostnames given to DialContext.
	DNS []netip.Addr
}

const (
	// DefaultMTU matches wg-quick's default for an IPv4/IPv6 outer path.
	DefaultMTU = 1420
	// DefaultBatchSize is how many packets one Read returns at most.
	DefaultBatchSize = 64
	// outQueueLen bounds packets waiting for the engine (about 3 MB at 1420).
	outQueueLen = 2048
	nicID       = tcpip.NICID(1)
)

// Stack is a user-space TCP/IP stack with a single NIC whose wire is the
// tun.Device methods. It is safe for concurrent use.
type Stack struct {
	stack *stack.Stack
	link  *link
	mtu   int
	dns   []netip.Addr
	has4  bool
	has6  bool

	closeOnce sync.Once
	closed    chan struct{}
	// writeMu lets Close wait for Writes already inside the stack.
	writeMu sync.RWMutex

	dropBadPacket   atomic.Uint64
	dropShortBuffer atomic.Uint64
}

var _ tun.Device = (*Stack)(nil)

// New builds a stack owning cfg.Addresses, with default IPv4 and IPv6 routes
// into the tunnel: which peer gets a packet is the engine's allowed-IPs
// decision, not the stack's.
func New(cfg Config) (*Stack, error) {
	mtu := cfg.MTU
	if mtu == 0 {
		mtu = DefaultMTU
	}
	if err := validate(cfg, mtu); err != nil {
		return nil, err
	}
	closed := make(chan struct{})
	s := &Stack{
		link:   newLink(mtu, outQueueLen, closed),
		mtu:    mtu,
		dns:    append([]netip.Addr(nil), cfg.DNS...),
		closed: closed,
	}
	s.stack = stack.New(stack.Options{
		NetworkProtocols:   []stack.NetworkProtocolFactory{ipv4.NewProtocol, ipv6.NewProtocol},
		TransportProtocols: []stack.TransportProtocolFactory{tcp.NewProtocol, udp.NewProtocol, icmp.NewProtocol4, icmp.NewProtocol6},
		HandleLocal:        true,
	})
	if err := s.setup(cfg.Addresses); err != nil {
		s.stack.Close()
		return nil, err
	}
	return s, nil
}

func validate(cfg Config, mtu int) error {
	if len(cfg.Addresses) == 0 {
		return errors.New("netstack: no addresses configured")
	}
	if mtu < 576 || mtu > 65535 {
		return fmt.Errorf("netstack: MTU %d out of range 576..65535", mtu)
	}
	for _, p := range cfg.Addresses {
		if !p.IsValid() || p.Addr().Zone() != "" {
			return fmt.Errorf("netstack: invalid address %v", p)
		}
		if p.Addr().Is6() && !p.Addr().Is4In6() && mtu < 1280 {
			return fmt.Errorf("netstack: IPv6 address %v needs MTU >= 1280, have %d", p, mtu)
		}
	}
	for _, a := range cfg.DNS {
		if !a.IsValid() {
			return errors.New("netstack: invalid DNS server address")
		}
	}
	return nil
}

func (s *Stack) setup(addrs []netip.Prefix) error {
	if err := s.stack.CreateNIC(nicID, s.link); err != nil {
		return fmt.Errorf("netstack: create NIC: %s", err)
	}
	for _, p := range addrs {
		a := p.Addr().Unmap()
		pa := tcpip.ProtocolAddress{
			Protocol:          protoOf(a),
			AddressWithPrefix: tcpip.AddressWithPrefix{Address: tcpip.AddrFromSlice(a.AsSlice()), PrefixLen: p.Bits()},
		}
		if a.Is4() && p.Bits() > 32 {
			pa.AddressWithPrefix.PrefixLen = 32
		}
		if err := s.stack.AddProtocolAddress(nicID, pa, stack.AddressProperties{}); err != nil {
			return fmt.Errorf("netstack: add address %v: %s", p, err)
		}
		s.has4 = s.has4 || a.Is4()
		s.has6 = s.has6 || a.Is6()
	}
	s.stack.SetRouteTable([]tcpip.Route{
		{Destination: header.IPv4EmptySubnet, NIC: nicID},
		{Destination: header.IPv6EmptySubnet, NIC: nicID},
	})
	return s.tuneTCP()
}

// tuneTCP turns on SACK and larger, auto-tuned buffers: the tunnel's
// bandwidth-delay product is that of the Internet path under it. RACK loss
// detection stays on although gVisor's scans the send queue on every ACK
// (4.7 % of the machine in a profile of one SOCKS stream; off, 1.08x in a
// same-run A/B): without its tail-loss probes, a stream that loses the end
// of a burst waits for backed-off retransmission timeouts, and
// proxy.TestSOCKS5ParallelStreamsAllProgress saw a 5 s stall.
func (s *Stack) tuneTCP() error {
	sack := tcpip.TCPSACKEnabled(true)
	moderate := tcpip.TCPModerateReceiveBufferOption(true)
	rcv := tcpip.TCPReceiveBufferSizeRangeOption{Min: 4 << 10, Default: 1 << 20, Max: 8 << 20}
	snd := tcpip.TCPSendBufferSizeRangeOption{Min: 4 << 10, Default: 1 << 20, Max: 8 << 20}
	for _, opt := range []tcpip.SettableTransportProtocolOption{&sack, &moderate, &rcv, &snd} {
		if err := s.stack.SetTransportProtocolOption(tcp.ProtocolNumber, opt); err != nil {
			return fmt.Errorf("netstack: set TCP option %T: %s", opt, err)
		}
	}
	return nil
}

func protoOf(a netip.Addr) tcpip.NetworkProtocolNumber {
	if a.Unmap().Is4() {
		return ipv4.ProtocolNumber
	}
	return ipv6.ProtocolNumber
}

// Stats counts packets dropped at the device edge, one counter per reason.
type Stats struct {
	DropBadPacket   uint64 // Write: not an IPv4/IPv6 packet
	DropShortBuffer uint64 // Read: packet larger than the caller's buffer
	DropQueueFull   uint64 // the engine read nothing for maxQueueWait, or the stack closed
}

// Stats returns the drop counters.
func (s *Stack) Stats() Stats {
	return Stats{
		DropBadPacket:   s.dropBadPacket.Load(),
		DropShortBuffer: s.dropShortBuffer.Load(),
		DropQueueFull:   s.link.dropQueueFull.Load(),
	}
}
