package tun_test

import (
	"fmt"
	"net/netip"

	"github.com/tuntap/tuntap/netcfg"
	"github.com/tuntap/tuntap/tun"
)

// Open a TUN device, give it an address, and read IP packets in batches with
// headroom for headers the caller will prepend.
func Example() {
	dev, err := tun.Open(tun.Config{Name: "tun%d", Kind: tun.TUN, MTU: 1420, Owner: -1, Group: -1})
	if err != nil {
		fmt.Println(err) // errors.Is(err, tun.ErrNotPermitted), tun.ErrNoNode, ...
		return
	}
	defer dev.Close()
	netcfg.AddAddr(dev.Name(), netip.MustParsePrefix("10.9.0.1/24"))
	netcfg.SetUp(dev.Name())

	bufs := make([][]byte, dev.BatchSize())
	for i := range bufs {
		bufs[i] = make([]byte, tun.Headroom+65535)
	}
	sizes := make([]int, len(bufs))
	n, err := dev.Read(bufs, sizes, tun.Headroom) // blocks; Close unblocks it with tun.ErrClosed
	for i := 0; i < n; i++ {
		pkt := bufs[i][tun.Headroom : tun.Headroom+sizes[i]]
		_ = pkt
	}
}
