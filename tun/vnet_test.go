//go:build linux

package tun_test

import (
	"testing"

	"github.com/tuntap/tuntap/internal/netns"
	"github.com/tuntap/tuntap/tun"
)

// With VnetHdr every packet carries a virtio_net_hdr in front, both ways,
// and the kernel accepts the offload flags a segmenting reader would set.
func TestVnetHdr(t *testing.T) {
	ns := netns.New(t)
	dev := openIn(t, ns, tun.Config{Name: "tv0", VnetHdr: true})
	ns.MustRun(t, "sysctl", "-qw", "net.ipv6.conf.tv0.disable_ipv6=1")
	upWith(t, ns, dev.Name(), "10.98.0.1/24")
	q := dev.Queues()[0]
	if err := q.SetOffloads(tun.OffloadCsum | tun.OffloadTSO4 | tun.OffloadTSO6 | tun.OffloadUSO4 | tun.OffloadUSO6); err != nil {
		t.Fatalf("SetOffloads: %v", err)
	}
	req := echoRequest(addr("10.98.0.2"), addr("10.98.0.1"), 7)
	pkt := append(make([]byte, tun.VnetHdrLen), req...) // all-zero header: a plain packet
	if _, err := q.WritePacket(pkt); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 2048)
	n, err := q.ReadPacket(buf)
	if err != nil {
		t.Fatal(err)
	}
	reply := buf[tun.VnetHdrLen:n]
	if n != tun.VnetHdrLen+len(req) || reply[0] != 0x45 || reply[20] != 0 {
		t.Fatalf("read %d bytes %x, want a %d-byte header then an echo reply", n, buf[:n], tun.VnetHdrLen)
	}
	if gsoType := buf[1]; gsoType != 0 {
		t.Fatalf("echo reply has gso_type %d, want 0 (none)", gsoType)
	}

	plain := openIn(t, ns, tun.Config{Name: "tv1"})
	if err := plain.Queues()[0].SetOffloads(tun.OffloadCsum); err == nil {
		t.Fatal("SetOffloads without VnetHdr succeeded")
	}
	if err := plain.Queues()[0].SetOffloads(0); err != nil {
		t.Fatalf("SetOffloads(0) without VnetHdr: %v", err)
	}
	if info := listOne(t, ns, "tv0"); !info.VnetHdr || info.Persist || info.Up != true {
		t.Fatalf("List: %+v, want VnetHdr, not persistent, up", info)
	}
}
