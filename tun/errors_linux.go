package tun

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// openError keeps both the typed cause (for errors.Is and tuntap check) and
// the raw errno (for people reading logs).
func openError(op string, err error, setiff bool) error {
	var errno unix.Errno
	if !errors.As(err, &errno) {
		return fmt.Errorf("%s: %w", op, err)
	}
	typed := typedErrno(errno, setiff)
	if typed == nil {
		return fmt.Errorf("%s: %w", op, errno)
	}
	return fmt.Errorf("%s: %w (%w)", op, typed, errno)
}

// typedErrno maps an errno from opening /dev/net/tun or from TUNSETIFF to
// one of the package's typed errors. setiff marks errors from TUNSETIFF,
// where EINVAL means a bad or already taken name (or flags that do not match
// the existing device).
func typedErrno(errno unix.Errno, setiff bool) error {
	switch errno {
	case unix.ENOENT:
		if !setiff {
			return ErrNoNode
		}
	case unix.ENODEV, unix.ENXIO:
		return ErrNoDriver
	case unix.EPERM, unix.EACCES:
		return ErrNotPermitted
	case unix.EBUSY:
		return ErrBusy
	case unix.EINVAL:
		if setiff {
			return ErrBadName
		}
	}
	return nil
}

// ifreqIoctl runs an interface ioctl (SIOCGIFINDEX, SIOCSIFMTU, ...) through
// a throwaway socket, which acts in the calling thread's network namespace.
func ifreqIoctl(name string, req uint, ifr *unix.Ifreq) error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("socket for ioctl on %s: %w", name, err)
	}
	defer unix.Close(fd)
	return unix.IoctlIfreq(fd, req, ifr)
}

func ifIndex(name string) (int, error) {
	ifr, err := unix.NewIfreq(name)
	if err != nil {
		return 0, fmt.Errorf("index of %s: %w", name, err)
	}
	if err := ifreqIoctl(name, unix.SIOCGIFINDEX, ifr); err != nil {
		return 0, fmt.Errorf("index of %s: %w", name, err)
	}
	return int(ifr.Uint32()), nil
}

func ifMTU(name string) (int, error) {
	ifr, err := unix.NewIfreq(name)
	if err != nil {
		return 0, fmt.Errorf("mtu of %s: %w", name, err)
	}
	if err := ifreqIoctl(name, unix.SIOCGIFMTU, ifr); err != nil {
		return 0, fmt.Errorf("mtu of %s: %w", name, err)
	}
	return int(ifr.Uint32()), nil
}

func setIfMTU(name string, mtu int) error {
	ifr, err := unix.NewIfreq(name)
	if err != nil {
		return fmt.Errorf("set mtu of %s: %w", name, err)
	}
	ifr.SetUint32(uint32(mtu))
	if err := ifreqIoctl(name, unix.SIOCSIFMTU, ifr); err != nil {
		return fmt.Errorf("set mtu of %s to %d: %w", name, mtu, err)
	}
	return nil
}
