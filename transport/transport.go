// Package transport carries encrypted datagrams: UDP sockets with batched I/O
// (recvmmsg/sendmmsg) and UDP GSO/GRO where the kernel has them.
package transport

import "net/netip"

// Transport sends and receives datagrams in batches.
//
// Recv reads at least one and at most len(bufs) datagrams into bufs[i], their
// lengths into sizes[i] and their sources into eps[i]; it returns the count.
// With UDP GRO one kernel read may yield several datagrams.
//
// Send sends every bufs[i] to ep. Datagrams to one endpoint are sent in order,
// in as few system calls as the kernel allows (sendmmsg, UDP GSO).
//
// Close contract: Close makes a blocked Recv return promptly with an error
// matching net.ErrClosed; Close is idempotent; Send and Recv after Close return
// net.ErrClosed.
type Transport interface {
	Recv(bufs [][]byte, sizes []int, eps []netip.AddrPort) (int, error)
	Send(bufs [][]byte, ep netip.AddrPort) error
	// BatchSize is the most datagrams one Recv returns; callers size bufs to it.
	BatchSize() int
	// Port is the local UDP port (useful when 0 was asked for).
	Port() uint16
	Close() error
}

// Sticky is a transport that reports the local address each datagram
// arrived on and can send from a chosen one, so that replies leave from the
// address a peer contacted (a multi-homed server).
type Sticky interface {
	RecvLocal(bufs [][]byte, sizes []int, eps []netip.AddrPort, locals []netip.Addr) (int, error)
	SendFrom(bufs [][]byte, ep netip.AddrPort, src netip.Addr) error
}
