package transport

import (
	"errors"
	"log/slog"
)

// DefaultBatchSize is how many datagrams one Recv returns at most, unless
// Options say otherwise.
const DefaultBatchSize = 64

// Options tune Listen. The zero value is what ListenUDP uses.
type Options struct {
	// Port to bind; 0 picks a free one (see Port).
	Port uint16
	// BatchSize caps the datagrams per system call; 0 means DefaultBatchSize.
	BatchSize int
	// DisableGSO and DisableGRO turn the UDP offloads off even where the
	// kernel has them: for tests that compare both paths, and as an escape
	// hatch for broken drivers.
	DisableGSO, DisableGRO bool
	// Logger receives the one-time notices about offloads; nil means
	// slog.Default().
	Logger *slog.Logger
}

// ListenUDP opens one dual-stack UDP socket on port ([::]:port accepting
// IPv4 too, or 0.0.0.0:port where the host has no IPv6) with batched I/O
// and whatever UDP offloads the kernel offers.
func ListenUDP(port uint16) (*UDP, error) {
	return Listen(Options{Port: port})
}

func (o Options) batchSize() int {
	if o.BatchSize <= 0 {
		return DefaultBatchSize
	}
	return o.BatchSize
}

func (o Options) logger() *slog.Logger {
	if o.Logger == nil {
		return slog.Default()
	}
	return o.Logger
}

// Stats counts what the socket dropped on receive.
type Stats struct {
	// Truncated datagrams did not fit the caller's buffer (or the kernel
	// cut them) and were dropped.
	Truncated uint64
}

var _ Transport = (*UDP)(nil)

var errNoBuffers = errors.New("transport: Recv needs at least one buffer, size and endpoint slot")
