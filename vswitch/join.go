package vswitch

import (
	"fmt"

	"github.com/tuntap/tuntap/config"
	"github.com/tuntap/tuntap/engine"
	"github.com/tuntap/tuntap/iface"
	"github.com/tuntap/tuntap/l2switch"
)

// Join brings up the tap-mode VPN interface described by opts with one end
// of a Pipe as its device, and makes the other end a port of s named
// "vpn:NAME": frames between the local ports and the VPN's peers then pass
// through both switches. opts.Config must have Mode = tap; its MTU (default
// as for tuntap up) is the MTU of the pipe. Closing the interface removes
// the port.
func (s *Switch) Join(opts iface.Options) (*iface.Interface, error) {
	cfg := opts.Config
	if cfg == nil || cfg.Interface.Mode != config.ModeTAP {
		return nil, fmt.Errorf("join %s: the interface needs Mode = tap to be a switch port", opts.Name)
	}
	mtu := cfg.Interface.MTU
	if mtu == 0 {
		mtu = iface.DefaultMTU - engine.TAPOverhead
	}
	pipe, err := NewPipe("vpn:"+opts.Name, opts.Name, mtu, 0)
	if err != nil {
		return nil, fmt.Errorf("join %s: %w", opts.Name, err)
	}
	opts.Device = pipe.B()
	i, err := iface.Up(opts)
	if err != nil {
		pipe.Close()
		return nil, fmt.Errorf("join %s: %w", opts.Name, err)
	}
	p, err := s.AddPort(pipe.A())
	if err != nil {
		i.Close()
		return nil, fmt.Errorf("join %s: %w", opts.Name, err)
	}
	// The VPN port fronts whole remote segments, not one machine.
	s.sw.SetPortLimit(p, max(s.sw.Config().MaxMACs, l2switch.DefaultMaxMACs)/2)
	return i, nil
}
