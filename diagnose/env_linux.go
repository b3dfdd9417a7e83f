package diagnose

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync/atomic"

	"golang.org/x/sys/unix"

	"github.com/tuntap/tuntap/tun"
)

func statNode(path string) (Node, error) {
	n := Node{Path: path}
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		if errors.Is(err, unix.ENOENT) || errors.Is(err, unix.ENOTDIR) {
			return n, nil
		}
		return n, fmt.Errorf("stat %s: %w", path, err)
	}
	n.Exists = true
	n.Char = st.Mode&unix.S_IFMT == unix.S_IFCHR
	if n.Char {
		n.Major, n.Minor = unix.Major(st.Rdev), unix.Minor(st.Rdev)
	}
	n.Mode = fs.FileMode(st.Mode & 0o7777)
	n.ModeString = fmt.Sprintf("%04o", st.Mode&0o7777)
	return n, nil
}

func openNode(path string) error {
	fd, err := unix.Open(path, unix.O_RDWR|unix.O_CLOEXEC, 0)
	if err != nil {
		return &os.PathError{Op: "open", Path: path, Err: err}
	}
	return unix.Close(fd)
}

var probeSeq atomic.Uint32

// probeName is unique per process and call, and short enough for IFNAMSIZ.
func probeName(kind tun.Kind) string {
	c := byte('t')
	if kind == tun.TAP {
		c = 'p'
	}
	return fmt.Sprintf("tck%d%c%d", os.Getpid(), c, probeSeq.Add(1)%100)
}
