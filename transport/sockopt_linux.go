package transport

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// socketBufferSize is large enough to absorb a burst of several thousand
// full-size datagrams while the reader is busy decrypting the last batch.
const socketBufferSize = 7 << 20

// setup tunes the socket: big buffers, offload probes, packet info.
func (u *UDP) setup(opts Options) error {
	var serr error
	err := u.rc.Control(func(fd uintptr) {
		s := int(fd)
		setBuffer(s, unix.SO_RCVBUFFORCE, unix.SO_RCVBUF)
		setBuffer(s, unix.SO_SNDBUFFORCE, unix.SO_SNDBUF)
		u.probeOffloads(s, opts)
		if u.v6 {
			serr = unix.SetsockoptInt(s, unix.IPPROTO_IPV6, unix.IPV6_RECVPKTINFO, 1)
		} else {
			serr = unix.SetsockoptInt(s, unix.IPPROTO_IP, unix.IP_PKTINFO, 1)
		}
	})
	if err != nil {
		return err
	}
	if serr != nil {
		return fmt.Errorf("enable packet info: %w", serr)
	}
	return nil
}

// setBuffer asks for the large size past rmem_max/wmem_max (needs
// CAP_NET_ADMIN), then settles for what an ordinary user may have.
func setBuffer(fd, force, plain int) {
	if unix.SetsockoptInt(fd, unix.SOL_SOCKET, force, socketBufferSize) != nil {
		_ = unix.SetsockoptInt(fd, unix.SOL_SOCKET, plain, socketBufferSize)
	}
}

func (u *UDP) probeOffloads(fd int, opts Options) {
	if !opts.DisableGSO {
		// The getsockopt succeeds exactly on kernels that know UDP_SEGMENT.
		if _, err := unix.GetsockoptInt(fd, unix.IPPROTO_UDP, unix.UDP_SEGMENT); err != nil {
			u.log.Info("UDP GSO unavailable: sending one datagram per packet", "port", u.port, "err", err)
		} else {
			u.gso.Store(true)
		}
	}
	if !opts.DisableGRO {
		if err := unix.SetsockoptInt(fd, unix.IPPROTO_UDP, unix.UDP_GRO, 1); err != nil {
			u.log.Info("UDP GRO unavailable: receiving one datagram per packet", "port", u.port, "err", err)
		} else {
			u.gro = true
		}
	}
}

// disableGSO turns GSO off after the kernel refused a segmented send, for
// example a device without checksum offload (EIO).
func (u *UDP) disableGSO(err error) {
	if u.gso.Swap(false) {
		u.log.Info("UDP GSO refused by the kernel: disabled", "port", u.port, "err", err)
	}
}
