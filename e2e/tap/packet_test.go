//go:build linux

package taptest

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/tuntap/tuntap/internal/netns"
)

// rawSock is an AF_PACKET socket on one interface of a namespace: it sends
// whole Ethernet frames and receives them as they were on the wire, VLAN
// tag included (the kernel moves a received tag into metadata; the socket
// asks for it with PACKET_AUXDATA and puts it back, as libpcap does).
type rawSock struct {
	fd      int
	ifindex int
	dev     string
}

const ethPAll = 0x0003

func htons(v uint16) uint16 { return v<<8 | v>>8 }

func openRaw(t testing.TB, ns *netns.NS, dev string) *rawSock {
	t.Helper()
	r := &rawSock{fd: -1, dev: dev}
	err := ns.Do(func() error {
		ifc, err := net.InterfaceByName(dev)
		if err != nil {
			return err
		}
		r.ifindex = ifc.Index
		fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, int(htons(ethPAll)))
		if err != nil {
			return fmt.Errorf("AF_PACKET socket: %w", err)
		}
		r.fd = fd
		if err := unix.Bind(fd, &unix.SockaddrLinklayer{Protocol: htons(ethPAll), Ifindex: ifc.Index}); err != nil {
			return fmt.Errorf("bind to %s: %w", dev, err)
		}
		if err := unix.SetsockoptInt(fd, unix.SOL_PACKET, unix.PACKET_AUXDATA, 1); err != nil {
			return fmt.Errorf("PACKET_AUXDATA: %w", err)
		}
		tv := unix.NsecToTimeval(int64(100 * time.Millisecond))
		return unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv)
	})
	if r.fd >= 0 {
		t.Cleanup(func() { unix.Close(r.fd) })
	}
	if err != nil {
		t.Fatalf("AF_PACKET on %s in %s: %v", dev, ns.Name, err)
	}
	return r
}

func (r *rawSock) send(t testing.TB, frame []byte) {
	t.Helper()
	sa := &unix.SockaddrLinklayer{Protocol: htons(ethPAll), Ifindex: r.ifindex, Halen: 6}
	copy(sa.Addr[:], frame[:6])
	if err := unix.Sendto(r.fd, frame, 0, sa); err != nil {
		t.Fatalf("send %d-byte frame on %s: %v", len(frame), r.dev, err)
	}
}

// collect receives for d and returns the incoming frames (not the ones
// this host sent) for which keep is true.
func (r *rawSock) collect(d time.Duration, keep func([]byte) bool) [][]byte {
	var out [][]byte
	buf := make([]byte, 65536)
	oob := make([]byte, 256)
	end := time.Now().Add(d)
	for time.Now().Before(end) {
		n, oobn, _, from, err := unix.Recvmsg(r.fd, buf, oob, 0)
		if err != nil {
			if errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EINTR) {
				continue
			}
			return out
		}
		if ll, ok := from.(*unix.SockaddrLinklayer); ok && ll.Pkttype == unix.PACKET_OUTGOING {
			continue
		}
		f := withVLAN(buf[:n], oob[:oobn])
		if keep(f) {
			out = append(out, f)
		}
	}
	return out
}

// withVLAN returns a copy of frame with the tag that the kernel took into
// the auxiliary data put back after the MAC addresses.
func withVLAN(frame, oob []byte) []byte {
	f := append([]byte(nil), frame...)
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err != nil {
		return f
	}
	for _, m := range msgs {
		if m.Header.Level != unix.SOL_PACKET || m.Header.Type != unix.PACKET_AUXDATA || len(m.Data) < int(unsafe.Sizeof(unix.TpacketAuxdata{})) {
			continue
		}
		aux := (*unix.TpacketAuxdata)(unsafe.Pointer(&m.Data[0]))
		if aux.Status&unix.TP_STATUS_VLAN_VALID == 0 || len(f) < 12 {
			continue
		}
		tpid := uint16(0x8100)
		if aux.Status&unix.TP_STATUS_VLAN_TPID_VALID != 0 {
			tpid = aux.Vlan_tpid
		}
		tag := binary.BigEndian.AppendUint16(binary.BigEndian.AppendUint16(nil, tpid), aux.Vlan_tci)
		f = append(f[:12:12], append(tag, f[12:]...)...)
	}
	return f
}

// containing matches frames that carry marker anywhere.
func containing(marker []byte) func([]byte) bool {
	return func(f []byte) bool { return bytes.Contains(f, marker) }
}
