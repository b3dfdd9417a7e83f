package noise

import (
	"crypto/cipher"
	"time"

	"github.com/tuntap/tuntap/chachapoly"
)

// Keypair is one session's transport keys, the result of a completed handshake.
// LocalIndex is the receiver index peers put on messages for us; RemoteIndex
// the one we put on messages for them. Send and Recv are safe for concurrent
// use; counters and the replay window belong to the engine.
type Keypair struct {
	Send, Recv  cipher.AEAD
	LocalIndex  uint32
	RemoteIndex uint32
	Created     time.Time
	Initiator   bool
}

// Zero drops the keys. x/crypto keeps its own copy of each key inside the AEAD,
// which this package cannot reach; dropping the references makes it garbage
// right away, the closest we can get to wiping it.
func (kp *Keypair) Zero() {
	kp.Send, kp.Recv = nil, nil
}

// deriveKeypair splits the final chaining key into the two transport keys and
// wipes it (paper, section 5.4.5: Ci = Cr = ε afterwards).
func deriveKeypair(ck *[32]byte, initiator bool, local, remote uint32, now time.Time) *Keypair {
	var first, second [32]byte
	kdf(ck, nil, &first, &second)
	wipe(ck[:])
	if !initiator {
		first, second = second, first
	}
	send, _ := chachapoly.New(first[:])
	recv, _ := chachapoly.New(second[:])
	wipe(first[:])
	wipe(second[:])
	return &Keypair{Send: send, Recv: recv, LocalIndex: local, RemoteIndex: remote, Created: now, Initiator: initiator}
}
