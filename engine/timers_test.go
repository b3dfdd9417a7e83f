package engine

import (
	"testing"
	"time"

	"github.com/tuntap/tuntap/noise"
)

// Every timer of the paper, stepped with a fake clock.
func TestTimers(t *testing.T) {
	t0 := time.Unix(1_000_000, 0)
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	tests := []struct {
		name  string
		setup func(tm *timers)
		when  time.Duration
		want  action
	}{
		{"idle does nothing", func(tm *timers) {}, time.Hour, 0},
		{"retry after rekey timeout", func(tm *timers) { tm.initiationSent(t0, 0) }, noise.RekeyTimeout, actInitiate},
		{"no retry before rekey timeout", func(tm *timers) { tm.initiationSent(t0, 0) }, noise.RekeyTimeout - time.Millisecond, 0},
		{"jitter delays the retry", func(tm *timers) { tm.initiationSent(t0, 300*time.Millisecond) }, noise.RekeyTimeout + 299*time.Millisecond, 0},
		{"give up after rekey attempt time", func(tm *timers) {
			tm.initiationSent(t0, 0)
			tm.initiationSent(at(noise.RekeyAttemptTime-time.Second), 0)
		}, noise.RekeyAttemptTime + noise.RekeyTimeout, actGiveUp},
		{"keepalive after data received and nothing sent", func(tm *timers) { tm.dataReceived(t0) }, noise.KeepaliveTimeout, actKeepalive},
		{"no keepalive when we answered", func(tm *timers) { tm.dataReceived(t0); tm.dataSent(at(time.Second)) }, noise.KeepaliveTimeout, 0},
		{"new handshake after sending into silence", func(tm *timers) { tm.dataSent(t0) }, noise.KeepaliveTimeout + noise.RekeyTimeout, actInitiate},
		{"no new handshake when the peer answered", func(tm *timers) { tm.dataSent(t0); tm.anyReceived() }, noise.KeepaliveTimeout + noise.RekeyTimeout, 0},
		{"persistent keepalive", func(tm *timers) { tm.persistentKeepalive = 25 * time.Second; tm.anySent(t0) }, 25 * time.Second, actKeepalive},
		{"persistent keepalive not yet", func(tm *timers) { tm.persistentKeepalive = 25 * time.Second; tm.anySent(t0) }, 24 * time.Second, 0},
		{"keys zeroed after 3x reject-after-time", func(tm *timers) { tm.handshakeDone(t0); tm.anySent(at(3 * noise.RejectAfterTime)) }, 3 * noise.RejectAfterTime, actZeroKeys},
		{"keys kept before that", func(tm *timers) { tm.handshakeDone(t0); tm.anySent(at(time.Hour)) }, 3*noise.RejectAfterTime - time.Second, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var tm timers
			tt.setup(&tm)
			if got := tm.due(at(tt.when)); got != tt.want {
				t.Fatalf("due = %b, want %b", got, tt.want)
			}
		})
	}
}

// Actions fire once: a second tick at the same time asks for nothing more.
func TestTimersFireOnce(t *testing.T) {
	t0 := time.Unix(1_000_000, 0)
	var tm timers
	tm.dataSent(t0)
	tm.handshakeDone(t0)
	now := t0.Add(3 * noise.RejectAfterTime)
	if first := tm.due(now); first != actInitiate|actZeroKeys {
		t.Fatalf("first tick = %b, want initiate and zero keys", first)
	}
	if again := tm.due(now); again != 0 {
		t.Fatalf("second tick = %b, want nothing", again)
	}
	tm = timers{}
	tm.dataReceived(t0)
	now = t0.Add(noise.KeepaliveTimeout)
	if first := tm.due(now); first != actKeepalive {
		t.Fatalf("first tick = %b, want keepalive", first)
	}
	if again := tm.due(now); again != 0 {
		t.Fatalf("second tick = %b, want nothing", again)
	}
}
