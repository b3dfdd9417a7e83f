package transport

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"unsafe"

	"golang.org/x/sys/unix"
)

const (
	// maxGSOSegments is UDP_MAX_SEGMENTS on older kernels (newer allow 128).
	maxGSOSegments = 64
	// maxGSOBytes is the largest UDP payload of one IPv4 packet.
	maxGSOBytes = 65507
	// sendOOBSize fits a UDP_SEGMENT u16 and an in6_pktinfo.
	sendOOBSize = 64
)

// sendState is the preallocated scratch of Send.
type sendState struct {
	u     *UDP
	hdrs  []unix.Mmsghdr
	iovs  []unix.Iovec
	oob   []byte
	first []int // index of the first datagram of each message in the chunk
	gsoed []bool

	dst    sockaddr
	dstLen uint32
	dstEP  netip.AddrPort
	src    [unix.SizeofInet6Pktinfo]byte
	srcLen int

	start, count int // messages sent and to send; in and out of the callback
	err          error
	fn           func(fd uintptr) bool
}

func (s *sendState) init(u *UDP) {
	s.u = u
	s.hdrs = make([]unix.Mmsghdr, u.batch)
	s.iovs = make([]unix.Iovec, u.batch)
	s.oob = make([]byte, u.batch*sendOOBSize)
	s.first = make([]int, u.batch)
	s.gsoed = make([]bool, u.batch)
	s.fn = s.sendmmsg
}

// SendFrom is Send with the source address chosen: src, when valid, must be
// an address of this host (typically a local address RecvLocal reported);
// the zero Addr lets the kernel choose, as Send does.
func (u *UDP) SendFrom(bufs [][]byte, ep netip.AddrPort, src netip.Addr) error {
	if u.closed.Load() {
		return u.ioError("send", nil)
	}
	u.smu.Lock()
	defer u.smu.Unlock()
	s := &u.s
	if err := s.setAddrs(ep, src); err != nil {
		return fmt.Errorf("udp send on port %d: %w", u.port, err)
	}
	gso := u.gso.Load()
	for i := 0; i < len(bufs); {
		nmsg, ndg := s.pack(bufs[i:], gso)
		sent, err := s.flush(nmsg)
		if err == nil {
			i += ndg
			continue
		}
		if !gso || !s.gsoed[sent] || !gsoRefused(err) {
			return u.ioError("send", err)
		}
		if errors.Is(err, unix.EIO) {
			u.disableGSO(err)
		}
		gso = false // EINVAL, EMSGSIZE: segments over the MTU; send them one by one
		i += s.first[sent]
	}
	return nil
}

func gsoRefused(err error) bool {
	return errors.Is(err, unix.EIO) || errors.Is(err, unix.EINVAL) || errors.Is(err, unix.EMSGSIZE)
}

func (s *sendState) setAddrs(ep netip.AddrPort, src netip.Addr) error {
	if ep != s.dstEP || s.dstLen == 0 {
		n, err := s.dst.set(ep, s.u.v6)
		if err != nil {
			s.dstLen = 0
			return err
		}
		s.dstLen, s.dstEP = n, ep
	}
	s.srcLen = 0
	switch {
	case !src.IsValid():
	case s.u.v6:
		s.src = [unix.SizeofInet6Pktinfo]byte{} // in6_pktinfo: address, then ifindex 0
		a := src.As16()
		copy(s.src[:], a[:])
		s.srcLen = unix.SizeofInet6Pktinfo
	case src.Unmap().Is4():
		s.src = [unix.SizeofInet6Pktinfo]byte{} // in_pktinfo: ifindex 0, spec_dst, addr
		a := src.Unmap().As4()
		copy(s.src[4:], a[:])
		s.srcLen = unix.SizeofInet4Pktinfo
	default:
		return fmt.Errorf("IPv6 source %v on an IPv4-only socket", src)
	}
	return nil
}

// pack fills message headers for a prefix of bufs: with gso, a run of
// equal-size datagrams (the last may be shorter) becomes one message with
// a UDP_SEGMENT size. It returns the messages and datagrams used.
func (s *sendState) pack(bufs [][]byte, gso bool) (msgs, dgrams int) {
	for dgrams < len(bufs) && msgs < len(s.hdrs) && dgrams < len(s.iovs) {
		k := 1
		if gso {
			k = gsoRun(bufs[dgrams:min(len(bufs), len(s.iovs))])
		}
		for j := dgrams; j < dgrams+k; j++ {
			s.iovs[j].Base = unsafe.SliceData(bufs[j])
			s.iovs[j].SetLen(len(bufs[j]))
		}
		s.header(msgs, dgrams, k, len(bufs[dgrams]))
		msgs++
		dgrams += k
	}
	return msgs, dgrams
}

// gsoRun says how many datagrams from the start of bufs one GSO send takes.
func gsoRun(bufs [][]byte) int {
	size := len(bufs[0])
	if size == 0 {
		return 1
	}
	k, total := 1, size
	for k < len(bufs) && k < maxGSOSegments {
		next := len(bufs[k])
		if next == 0 || next > size || total+next > maxGSOBytes {
			break
		}
		total += next
		k++
		if next < size {
			break
		}
	}
	return k
}

func (s *sendState) header(m, first, k, segSize int) {
	h := &s.hdrs[m].Hdr
	h.Name, h.Namelen = s.dst.ptr(), s.dstLen
	h.Iov = &s.iovs[first]
	h.SetIovlen(k)
	oob := s.oob[m*sendOOBSize : (m+1)*sendOOBSize]
	n := 0
	if k > 1 {
		var seg [2]byte
		binary.NativeEndian.PutUint16(seg[:], uint16(segSize))
		n += putCmsg(oob, unix.IPPROTO_UDP, unix.UDP_SEGMENT, seg[:])
	}
	if s.srcLen > 0 {
		level, typ := int32(unix.IPPROTO_IPV6), int32(unix.IPV6_PKTINFO)
		if !s.u.v6 {
			level, typ = unix.IPPROTO_IP, unix.IP_PKTINFO
		}
		n += putCmsg(oob[n:], level, typ, s.src[:s.srcLen])
	}
	h.Control = nil
	if n > 0 {
		h.Control = &oob[0]
	}
	h.SetControllen(n)
	s.first[m], s.gsoed[m] = first, k > 1
}

// flush sends the first nmsg messages; on error it returns how many went.
func (s *sendState) flush(nmsg int) (int, error) {
	s.start, s.count, s.err = 0, nmsg, nil
	if err := s.u.rc.Write(s.fn); err != nil {
		return s.start, err
	}
	return s.start, s.err
}

// sendmmsg runs inside RawConn.Write: false asks to wait for writability.
func (s *sendState) sendmmsg(fd uintptr) bool {
	for s.start < s.count {
		n, _, errno := unix.Syscall6(unix.SYS_SENDMMSG, fd, uintptr(unsafe.Pointer(&s.hdrs[s.start])),
			uintptr(s.count-s.start), 0, 0, 0)
		switch errno {
		case 0:
			s.start += int(n)
		case unix.EAGAIN:
			return false
		case unix.EINTR:
		default:
			s.err = errno
			return true
		}
	}
	return true
}
