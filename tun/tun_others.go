//go:build !linux

package tun

import (
	"fmt"
	"runtime"
	"time"
)

var errNotSupported = fmt.Errorf("%w (GOOS=%s)", ErrNotSupported, runtime.GOOS)

// Iface is an open TUN or TAP device; only Linux has them.
type Iface struct{}

// Queue is one descriptor of a device; only Linux has them.
type Queue struct{}

var (
	_ Device = (*Iface)(nil)
	_ Device = (*Queue)(nil)
)

// Open reports that TUN/TAP devices are not supported on this OS.
func Open(cfg Config) (*Iface, error) { return nil, errNotSupported }

// Delete reports that TUN/TAP devices are not supported on this OS.
func Delete(name string) error { return errNotSupported }

// List reports that TUN/TAP devices are not supported on this OS.
func List() ([]Info, error) { return nil, errNotSupported }

func (*Iface) Name() string                           { return "" }
func (*Iface) Index() int                             { return 0 }
func (*Iface) Kind() Kind                             { return TUN }
func (*Iface) MTU() int                               { return 0 }
func (*Iface) BatchSize() int                         { return DefaultBatchSize }
func (*Iface) Queues() []*Queue                       { return nil }
func (*Iface) AddQueue() (*Queue, error)              { return nil, errNotSupported }
func (*Iface) SetMTU(int) error                       { return errNotSupported }
func (*Iface) Close() error                           { return nil }
func (*Iface) Read([][]byte, []int, int) (int, error) { return 0, errNotSupported }
func (*Iface) Write([][]byte, int) (int, error)       { return 0, errNotSupported }

func (*Queue) Name() string                           { return "" }
func (*Queue) Kind() Kind                             { return TUN }
func (*Queue) MTU() int                               { return 0 }
func (*Queue) BatchSize() int                         { return DefaultBatchSize }
func (*Queue) Close() error                           { return nil }
func (*Queue) Read([][]byte, []int, int) (int, error) { return 0, errNotSupported }
func (*Queue) Write([][]byte, int) (int, error)       { return 0, errNotSupported }
func (*Queue) ReadPacket([]byte) (int, error)         { return 0, errNotSupported }
func (*Queue) WritePacket([]byte) (int, error)        { return 0, errNotSupported }
func (*Queue) SetReadDeadline(time.Time) error        { return errNotSupported }
func (*Queue) SetWriteDeadline(time.Time) error       { return errNotSupported }
func (*Queue) SetOffloads(int) error                  { return errNotSupported }

// Offload is the Linux segmentation-offload wrapper; elsewhere it cannot be made.
type Offload struct{ Queue }

// NewOffload is not supported on this OS.
func NewOffload(*Queue) (*Offload, error) { return nil, errNotSupported }
