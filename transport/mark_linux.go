package transport

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// SetMark sets the socket's firewall mark (SO_MARK), so that policy routing
// can send the tunnel's own datagrams around the tunnel: wg-quick's
// "not fwmark T table T" rule relies on it. Zero clears the mark. Needs
// CAP_NET_ADMIN.
func (u *UDP) SetMark(mark uint32) error {
	var serr error
	err := u.rc.Control(func(fd uintptr) {
		serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_MARK, int(mark))
	})
	if err == nil {
		err = serr
	}
	if err != nil {
		return fmt.Errorf("udp port %d: set fwmark 0x%x: %w", u.port, mark, err)
	}
	return nil
}

// Mark reads the socket's firewall mark back from the kernel.
func (u *UDP) Mark() (uint32, error) {
	var (
		v    int
		serr error
	)
	err := u.rc.Control(func(fd uintptr) {
		v, serr = unix.GetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_MARK)
	})
	if err == nil {
		err = serr
	}
	if err != nil {
		return 0, fmt.Errorf("udp port %d: get fwmark: %w", u.port, err)
	}
	return uint32(v), nil
}
