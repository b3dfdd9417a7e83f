package engine

import (
	"sync/atomic"

	"github.com/tuntap/tuntap/tun"
)

// Drop reasons. Every packet the engine refuses is counted under one of them,
// so that `tuntap show` can say why traffic is missing.
type Drop int

const (
	DropMalformed       Drop = iota // too short, bad type, reserved bytes set
	DropUnknownIndex                // transport or response for no session we know
	DropDecrypt                     // authentication tag did not verify
	DropReplay                      // counter already seen
	DropTooOld                      // counter left of the replay window
	DropKeyExpired                  // session older than RejectAfterTime or at its message limit
	DropNoRoute                     // device packet for no peer's allowed IPs
	DropBadSource                   // inner source outside the sending peer's allowed IPs
	DropBadInner                    // decrypted payload is not a valid packet of this mode
	DropNoEndpoint                  // peer has no known endpoint yet
	DropStagedFull                  // too many packets waiting for a handshake
	DropHandshakeQueue              // handshake queue full
	DropBadMAC1                     // handshake without a valid MAC1
	DropRateLimited                 // handshake over the per-source rate under load
	DropHandshakeFailed             // handshake message did not verify or was stale
	DropTooBig                      // packet larger than the tunnel can carry
	DropSwitch                      // refused by the layer-2 switch (spoofed source MAC)
	DropSendFailed                  // the transport refused the datagram
	DropRoutingLoop                 // the engine's own datagram came back from the device
	DropDeviceWrite                 // the device refused a decrypted packet
	DropUnreachable                 // waited for a handshake that never completed
	dropCount
)

var dropNames = [dropCount]string{
	"malformed", "unknown_index", "decrypt", "replay", "too_old", "key_expired",
	"no_route", "bad_source", "bad_inner", "no_endpoint", "staged_full",
	"handshake_queue_full", "bad_mac1", "rate_limited", "handshake_failed",
	"too_big", "switch_refused", "send_failed", "routing_loop",
	"device_write_failed", "peer_unreachable",
}

func (d Drop) String() string {
	if d < 0 || d >= dropCount {
		return "unknown"
	}
	return dropNames[d]
}

// Counters are the engine's drop counters, one per reason.
type Counters struct {
	drops [dropCount]atomic.Uint64
	// CookieReplies counts cookie replies sent while under load.
	CookieReplies atomic.Uint64
	// Keepalives counts keepalives received.
	Keepalives atomic.Uint64
}

func (c *Counters) drop(d Drop) { c.drops[d].Add(1) }

// Get returns the count for one reason.
func (c *Counters) Get(d Drop) uint64 { return c.drops[d].Load() }

// Drops returns every non-zero drop counter by name, the device's own drops
// (tun.DropReporter) included.
func (e *Engine) Drops() map[string]uint64 {
	m := e.Counters.Map()
	for _, d := range e.devs {
		if r, ok := d.(tun.DropReporter); ok {
			for k, v := range r.Drops() {
				if v != 0 {
					m[k] += v
				}
			}
		}
	}
	return m
}

// Map returns every non-zero counter by name.
func (c *Counters) Map() map[string]uint64 {
	m := make(map[string]uint64)
	for i := range c.drops {
		if v := c.drops[i].Load(); v != 0 {
			m[dropNames[i]] = v
		}
	}
	return m
}
