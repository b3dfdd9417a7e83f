package tun

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Queue is one descriptor of a TUN or TAP device. Its descriptor is
// non-blocking and registered with Go's runtime poller, so a blocked Read
// costs no thread, honours deadlines, and returns as soon as Close is called.
type Queue struct {
	iface  *Iface
	f      *os.File
	rc     syscall.RawConn
	closed atomic.Bool

	rmu    sync.Mutex // guards r; the poller calls readFn with r set up
	r      readState
	readFn func(fd uintptr) bool // bound once so that Read does not allocate
	one    [1][]byte
	oneLen [1]int
}

type readState struct {
	bufs  [][]byte
	sizes []int
	off   int
	n     int
	err   error
}

var _ Device = (*Queue)(nil)

var (
	errQueueClosed = fmt.Errorf("tun queue: %w", ErrClosed)
	errOffset      = fmt.Errorf("tun: offset below tun.Headroom (%d) or past the end of a buffer", Headroom)
	errSizes       = errors.New("tun: fewer sizes than buffers")
)

func newQueue(fd int, ifc *Iface) *Queue {
	q := &Queue{iface: ifc, f: os.NewFile(uintptr(fd), tunPath+" ("+ifc.name+")")}
	// SyscallConn fails only for a nil file.
	q.rc, _ = q.f.SyscallConn()
	q.readFn = q.readReady
	return q
}

func (q *Queue) Name() string   { return q.iface.name }
func (q *Queue) Kind() Kind     { return q.iface.kind }
func (q *Queue) MTU() int       { return q.iface.MTU() }
func (q *Queue) BatchSize() int { return DefaultBatchSize }

// Read blocks until at least one packet is available, then drains up to
// len(bufs) packets without blocking again: the kernel has no batch read for
// TUN descriptors, so batching means fewer trips through the poller.
func (q *Queue) Read(bufs [][]byte, sizes []int, offset int) (int, error) {
	if len(sizes) < len(bufs) {
		return 0, errSizes
	}
	if offset < Headroom {
		return 0, errOffset
	}
	for _, b := range bufs {
		if len(b) <= offset {
			return 0, errOffset
		}
	}
	return q.read(bufs, sizes, offset)
}

// ReadPacket reads one packet into b (no headroom) and returns its length.
func (q *Queue) ReadPacket(b []byte) (int, error) {
	q.rmu.Lock()
	defer q.rmu.Unlock()
	q.one[0] = b
	n, err := q.readLocked(q.one[:], q.oneLen[:], 0)
	q.one[0] = nil
	if n == 0 {
		return 0, err
	}
	return q.oneLen[0], nil
}

func (q *Queue) read(bufs [][]byte, sizes []int, offset int) (int, error) {
	if len(bufs) == 0 {
		return 0, nil
	}
	q.rmu.Lock()
	defer q.rmu.Unlock()
	return q.readLocked(bufs, sizes, offset)
}

func (q *Queue) readLocked(bufs [][]byte, sizes []int, offset int) (int, error) {
	q.r = readState{bufs: bufs, sizes: sizes, off: offset}
	err := q.rc.Read(q.readFn)
	n, rerr := q.r.n, q.r.err
	q.r = readState{}
	if err != nil {
		return 0, q.ioError("read", err)
	}
	if rerr != nil {
		return 0, q.ioError("read", rerr)
	}
	return n, nil
}

// readReady runs inside the poller with the descriptor pinned. It returns
// false (wait for readability) only while nothing has been read.
func (q *Queue) readReady(fd uintptr) bool {
	r := &q.r
	for r.n < len(r.bufs) {
		n, err := unix.Read(int(fd), r.bufs[r.n][r.off:])
		switch {
		case err == unix.EINTR:
			continue
		case err == unix.EAGAIN:
			return r.n > 0
		case err != nil:
			if r.n == 0 {
				r.err = err
			}
			return true
		case n == 0:
			if r.n == 0 {
				r.err = io.EOF
			}
			return true
		}
		r.sizes[r.n] = n
		r.n++
	}
	return true
}

// Write writes each bufs[i][offset:] as one packet. The kernel takes TUN
// writes whole and never blocks on them, so this is a loop of write(2).
func (q *Queue) Write(bufs [][]byte, offset int) (int, error) {
	if offset < Headroom {
		return 0, errOffset
	}
	for i, b := range bufs {
		if len(b) < offset {
			return i, errOffset
		}
		if _, err := q.WritePacket(b[offset:]); err != nil {
			return i, err
		}
	}
	return len(bufs), nil
}

// WritePacket writes b as one packet.
func (q *Queue) WritePacket(b []byte) (int, error) {
	n, err := q.f.Write(b)
	if err != nil {
		return n, q.ioError("write", err)
	}
	return n, nil
}

// ioError turns what the poller or the kernel said into the package's
// contract: ErrClosed after Close, os.ErrDeadlineExceeded unwrapped (both
// without allocating), anything else wrapped with the device name.
func (q *Queue) ioError(op string, err error) error {
	if q.closed.Load() || errors.Is(err, os.ErrClosed) {
		return errQueueClosed
	}
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return os.ErrDeadlineExceeded
	}
	return fmt.Errorf("%s %s: %w", op, q.iface.name, err)
}

// SetReadDeadline makes a blocked or future Read fail with
// os.ErrDeadlineExceeded after t; the zero time clears it.
func (q *Queue) SetReadDeadline(t time.Time) error { return q.f.SetReadDeadline(t) }

// SetWriteDeadline is SetReadDeadline for writes.
func (q *Queue) SetWriteDeadline(t time.Time) error { return q.f.SetWriteDeadline(t) }

// SetOffloads tells the kernel which super-packets (Offload* flags) this
// reader splits itself. Without VnetHdr a reader could not tell a
// super-packet from a packet, so only 0 is accepted then.
func (q *Queue) SetOffloads(flags int) error {
	if flags != 0 && q.iface.flags&unix.IFF_VNET_HDR == 0 {
		return fmt.Errorf("set offloads on %s: needs a VnetHdr device", q.iface.name)
	}
	if err := q.control(unix.TUNSETOFFLOAD, flags); err != nil {
		return fmt.Errorf("TUNSETOFFLOAD %s %#x: %w", q.iface.name, flags, err)
	}
	return nil
}

// control runs an ioctl that takes an integer argument on the descriptor.
func (q *Queue) control(req uint, arg int) error {
	var ierr error
	err := q.rc.Control(func(fd uintptr) {
		ierr = unix.IoctlSetInt(int(fd), req, arg)
	})
	if err != nil {
		return q.ioError("ioctl", err)
	}
	return ierr
}

// Close closes this queue's descriptor; a blocked Read returns ErrClosed.
// Closing the last queue of a non-persistent device removes the device.
func (q *Queue) Close() error {
	if !q.closed.CompareAndSwap(false, true) {
		return nil
	}
	if err := q.f.Close(); err != nil {
		return fmt.Errorf("close queue of %s: %w", q.iface.name, err)
	}
	return nil
}
