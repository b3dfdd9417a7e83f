package engine

import (
	"time"

	"github.com/tuntap/tuntap/noise"
)

// action is what a peer's timers ask for at a tick.
type action uint8

const (
	actKeepalive action = 1 << iota
	actInitiate         // first or retried handshake initiation
	actGiveUp           // stop retrying: the peer is unreachable
	actZeroKeys         // no new handshake for a long time: forget all keys
)

// timers is the per-peer timer state of the WireGuard paper (section 6), as
// plain data driven by the caller's clock: the engine ticks it, tests step it.
// Zero times mean "not armed". All methods are called with the peer's lock.
type timers struct {
	persistentKeepalive time.Duration

	handshakeStart time.Time // first initiation of the current attempt
	retryAt        time.Time // when to send the next initiation

	wantKeepaliveSince time.Time // data received, nothing sent since
	awaitReplySince    time.Time // data sent, nothing received since
	lastSent           time.Time // any authenticated packet
	lastHandshake      time.Time // last completed handshake
	keysLive           bool
}

func (t *timers) anySent(now time.Time) {
	t.lastSent = now
	t.wantKeepaliveSince = time.Time{}
}

func (t *timers) dataSent(now time.Time) {
	if t.awaitReplySince.IsZero() {
		t.awaitReplySince = now
	}
	t.anySent(now)
}

func (t *timers) anyReceived() { t.awaitReplySince = time.Time{} }

func (t *timers) dataReceived(now time.Time) {
	if t.wantKeepaliveSince.IsZero() {
		t.wantKeepaliveSince = now
	}
	t.anyReceived()
}

// handshaking reports whether an attempt is under way.
func (t *timers) handshaking() bool { return !t.handshakeStart.IsZero() }

// initiationSent arms the retry timer; jitter spreads retries of many peers.
func (t *timers) initiationSent(now time.Time, jitter time.Duration) {
	if t.handshakeStart.IsZero() {
		t.handshakeStart = now
	}
	t.retryAt = now.Add(noise.RekeyTimeout + jitter)
	t.anySent(now)
}

// abandonHandshake forgets an attempt made with a key that is gone.
func (t *timers) abandonHandshake() {
	t.handshakeStart, t.retryAt = time.Time{}, time.Time{}
}

func (t *timers) handshakeDone(now time.Time) {
	t.handshakeStart = time.Time{}
	t.retryAt = time.Time{}
	t.lastHandshake = now
	t.keysLive = true
}

// due returns the actions whose time has come and disarms them.
func (t *timers) due(now time.Time) action {
	var a action
	if t.handshaking() && !now.Before(t.retryAt) {
		if now.Sub(t.handshakeStart) >= noise.RekeyAttemptTime {
			t.handshakeStart, t.retryAt = time.Time{}, time.Time{}
			t.awaitReplySince = time.Time{}
			a |= actGiveUp
		} else {
			a |= actInitiate
		}
	}
	if !t.wantKeepaliveSince.IsZero() && now.Sub(t.wantKeepaliveSince) >= noise.KeepaliveTimeout {
		t.wantKeepaliveSince = time.Time{}
		a |= actKeepalive
	}
	if t.persistentKeepalive > 0 && now.Sub(t.lastSent) >= t.persistentKeepalive {
		a |= actKeepalive
	}
	if !t.awaitReplySince.IsZero() && now.Sub(t.awaitReplySince) >= noise.KeepaliveTimeout+noise.RekeyTimeout {
		t.awaitReplySince = time.Time{}
		if !t.handshaking() {
			a |= actInitiate
		}
	}
	if t.keysLive && now.Sub(t.lastHandshake) >= 3*noise.RejectAfterTime {
		t.keysLive = false
		a |= actZeroKeys
	}
	return a
}
