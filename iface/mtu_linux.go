package iface

import (
	"context"
	"fmt"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// watchMTU makes the engine follow the device's MTU for the interface's
// life: wg-quick sets the MTU after the device exists (tuntap as its
// wireguard-go), and users change it with ip link; a tunnel that kept its
// start MTU would drop every larger packet. The goroutine stops with ctx.
func (i *Interface) watchMTU(ctx context.Context) error {
	idx := i.dev.Index()
	updates := make(chan netlink.LinkUpdate, 16)
	done := make(chan struct{})
	err := netlink.LinkSubscribeWithOptions(updates, done, netlink.LinkSubscribeOptions{
		ErrorCallback: func(err error) {
			if ctx.Err() == nil { // closing the subscription fails its last read
				i.log.Warn("watching the link for MTU changes", "if", i.name, "err", err)
			}
		},
	})
	if err != nil {
		return fmt.Errorf("watch link %s: %w", i.name, err)
	}
	// A change between opening the device and subscribing is not missed.
	if l, err := netlink.LinkByIndex(idx); err == nil {
		i.followMTU(l.Attrs().MTU)
	}
	i.wg.Add(1)
	go func() {
		defer i.wg.Done()
		for {
			select {
			case <-ctx.Done():
				close(done)
				for range updates { // until the subscription's reader has stopped
				}
				return
			case u, ok := <-updates:
				if !ok {
					return
				}
				if u.Header.Type == unix.RTM_NEWLINK && u.Attrs().Index == idx {
					i.followMTU(u.Attrs().MTU)
				}
			}
		}
	}()
	return nil
}

func (i *Interface) followMTU(mtu int) {
	if old := i.eng.MTU(); mtu > 0 && mtu != old {
		i.eng.SetMTU(mtu)
		i.log.Info("MTU changed, following it", "if", i.name, "from", old, "to", mtu)
	}
}
