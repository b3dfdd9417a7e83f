package transport

import (
	"encoding/binary"
	"net/netip"
	"unsafe"

	"golang.org/x/sys/unix"
)

// maxGRODatagram is the largest super-datagram UDP GRO can hand up.
const maxGRODatagram = 1<<16 - 1

// recvOOBSize fits a UDP_GRO int and an IPV6_PKTINFO struct, with room.
const recvOOBSize = 128

// recvState is the preallocated scratch of Recv.
type recvState struct {
	u      *UDP
	hdrs   []unix.Mmsghdr
	iovs   []unix.Iovec
	names  []sockaddr
	oob    []byte
	big    [][]byte // GRO: kernel buffers; datagrams are copied out
	segs   []int    // GRO: segment size of each message, 0 if none
	locals []netip.Addr

	// Results of a GRO read not yet handed to the caller.
	pend, pendN, pendOff int

	want int // messages to ask for; in and out of the RawConn callback
	n    int
	err  error
	fn   func(fd uintptr) bool // u.r.recvmmsg bound once: no allocation per call
}

func (r *recvState) init(u *UDP) {
	b := u.batch
	r.u = u
	r.hdrs = make([]unix.Mmsghdr, b)
	r.iovs = make([]unix.Iovec, b)
	r.names = make([]sockaddr, b)
	r.oob = make([]byte, b*recvOOBSize)
	r.segs = make([]int, b)
	r.locals = make([]netip.Addr, b)
	for i := range r.hdrs {
		h := &r.hdrs[i].Hdr
		h.Iov = &r.iovs[i]
		h.SetIovlen(1)
		h.Control = &r.oob[i*recvOOBSize]
	}
	if u.gro {
		r.big = make([][]byte, b)
		for i := range r.big {
			r.big[i] = make([]byte, maxGRODatagram)
			r.iovs[i].Base = &r.big[i][0]
			r.iovs[i].SetLen(maxGRODatagram)
		}
	}
	r.fn = r.recvmmsg
}

// recvmmsg runs inside RawConn.Read: false asks to wait for readability.
func (r *recvState) recvmmsg(fd uintptr) bool {
	for i := 0; i < r.want; i++ {
		h := &r.hdrs[i].Hdr
		h.Name = r.names[i].ptr()
		h.Namelen = unix.SizeofSockaddrInet6
		h.SetControllen(recvOOBSize)
		h.Flags = 0
	}
	n, _, errno := unix.Syscall6(unix.SYS_RECVMMSG, fd, uintptr(unsafe.Pointer(&r.hdrs[0])), uintptr(r.want), 0, 0, 0)
	if errno == unix.EAGAIN || errno == unix.EINTR {
		return false
	}
	r.n, r.err = int(n), nil
	if errno != 0 {
		r.n, r.err = 0, errno
	}
	return true
}

// read fills the first want messages from the socket.
func (r *recvState) read(want int) (int, error) {
	r.want = want
	if err := r.u.rc.Read(r.fn); err != nil {
		return 0, r.u.ioError("recv", err)
	}
	if r.err != nil {
		return 0, r.u.ioError("recv", r.err)
	}
	for i := 0; i < r.n; i++ {
		r.parseOOB(i)
	}
	return r.n, nil
}

// parseOOB reads the GRO segment size and the local address of message i.
func (r *recvState) parseOOB(i int) {
	h := &r.hdrs[i].Hdr
	r.segs[i], r.locals[i] = 0, netip.Addr{}
	oob := r.oob[i*recvOOBSize : i*recvOOBSize+int(h.Controllen)]
	cmsgs(oob, func(level, typ int32, data []byte) {
		switch {
		case level == unix.IPPROTO_UDP && typ == unix.UDP_GRO && len(data) >= 4:
			r.segs[i] = int(binary.NativeEndian.Uint32(data))
		case level == unix.IPPROTO_IPV6 && typ == unix.IPV6_PKTINFO && len(data) >= 16:
			r.locals[i] = netip.AddrFrom16([16]byte(data[:16])).Unmap()
		case level == unix.IPPROTO_IP && typ == unix.IP_PKTINFO && len(data) >= 12:
			r.locals[i] = netip.AddrFrom4([4]byte(data[8:12])) // ipi_addr: the header's destination
		}
	})
}

// RecvLocal is Recv that also reports, in locals[i] when locals is not nil,
// the local address each datagram was sent to: replying from that address
// (SendFrom) keeps a multi-homed host's answers on the path the peer chose.
func (u *UDP) RecvLocal(bufs [][]byte, sizes []int, eps []netip.AddrPort, locals []netip.Addr) (int, error) {
	if u.closed.Load() {
		return 0, u.ioError("recv", nil)
	}
	n := min(len(bufs), len(sizes), len(eps))
	if locals != nil {
		n = min(n, len(locals))
	}
	if n == 0 {
		return 0, errNoBuffers
	}
	bufs = bufs[:n]
	u.rmu.Lock()
	defer u.rmu.Unlock()
	for {
		var n int
		var err error
		if u.gro {
			n, err = u.r.recvGRO(bufs, sizes, eps, locals)
		} else {
			n, err = u.r.recvDirect(bufs, sizes, eps, locals)
		}
		if n > 0 || err != nil {
			return n, err
		}
	}
}

// recvDirect lets the kernel write straight into the caller's buffers.
func (r *recvState) recvDirect(bufs [][]byte, sizes []int, eps []netip.AddrPort, locals []netip.Addr) (int, error) {
	want := min(len(bufs), len(r.hdrs))
	for i := 0; i < want; i++ {
		r.iovs[i].Base = unsafe.SliceData(bufs[i])
		r.iovs[i].SetLen(len(bufs[i]))
	}
	n, err := r.read(want)
	if err != nil {
		return 0, err
	}
	out := 0
	for i := 0; i < n; i++ {
		if r.hdrs[i].Hdr.Flags&unix.MSG_TRUNC != 0 {
			r.u.truncated.Add(1)
			continue
		}
		if out != i {
			copy(bufs[out], bufs[i][:r.hdrs[i].Len])
		}
		r.deliver(out, i, int(r.hdrs[i].Len), sizes, eps, locals)
		out++
	}
	return out, nil
}

func (r *recvState) deliver(out, msg, size int, sizes []int, eps []netip.AddrPort, locals []netip.Addr) {
	sizes[out] = size
	eps[out] = r.names[msg].addrPort()
	if locals != nil {
		locals[out] = r.locals[msg]
	}
}
