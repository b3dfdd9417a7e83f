package noise

import "time"

// Initiation is a decrypted initiation, not yet bound to a peer: the engine
// looks the peer up by RemoteStatic, then hands it to that peer's
// AcceptInitiation. It holds handshake secrets; call Zero when dropping it
// without accepting.
type Initiation struct {
	Sender       uint32
	RemoteStatic PublicKey
	Timestamp    TAI64N

	hash, chainKey [32]byte
	ephemeral      PublicKey
}

// Zero wipes the handshake secrets.
func (in *Initiation) Zero() {
	wipe(in.hash[:])
	wipe(in.chainKey[:])
}

// ConsumeInitiation checks mac1 and decrypts an initiation sent to this node.
// It changes no state: replay and flood checks happen in AcceptInitiation,
// once the peer is known. It allocates nothing, whatever the message: it is
// small enough to be inlined, so the Initiation lives in the caller's frame
// unless the caller lets it escape.
func (s *Static) ConsumeInitiation(msg []byte) (*Initiation, error) {
	in := new(Initiation)
	if err := s.consumeInitiation(in, msg); err != nil {
		return nil, err
	}
	return in, nil
}

func (s *Static) consumeInitiation(in *Initiation, msg []byte) error {
	if t, ok := MessageType(msg); !ok || t != MessageInitiationType {
		return errsConsumeInitiation.wrap(ErrInvalidMessage)
	}
	if !s.checkMAC1(msg) {
		return errsConsumeInitiation.wrap(ErrInvalidMAC1)
	}
	in.Sender = le.Uint32(msg[4:])
	if err := s.decryptInitiation(in, msg); err != nil {
		in.Zero()
		return errsConsumeInitiation.wrap(err)
	}
	return nil
}

func (s *Static) decryptInitiation(in *Initiation, msg []byte) error {
	ck, hs := initialChainKey, initialHash
	defer wipe(ck[:])
	mixHash(&hs, s.Public[:])
	copy(in.ephemeral[:], msg[8:40])
	kdf(&ck, msg[8:40], &ck)
	mixHash(&hs, msg[8:40])

	es, err := dh(&s.Private, msg[8:40])
	if err != nil {
		return err
	}
	var key [32]byte
	defer wipe(key[:])
	kdf(&ck, es[:], &ck, &key)
	wipe(es[:])
	if _, err := open(in.RemoteStatic[:0], &key, msg[40:88], hs[:]); err != nil {
		return err
	}
	mixHash(&hs, msg[40:88])
	if in.RemoteStatic.Equal(s.Public) {
		return ErrSelf
	}
	ss, err := dh(&s.Private, in.RemoteStatic[:])
	if err != nil {
		return err
	}
	kdf(&ck, ss[:], &ck, &key)
	wipe(ss[:])
	if _, err := open(in.Timestamp[:0], &key, msg[88:116], hs[:]); err != nil {
		return err
	}
	mixHash(&hs, msg[88:116])
	in.hash, in.chainKey = hs, ck
	return nil
}

// AcceptInitiation binds a decrypted initiation to this peer, so that
// CreateResponse can answer it. It refuses an initiation from another peer,
// one whose timestamp is not newer than the last accepted (a replay,
// ErrStaleTimestamp), and one arriving within HandshakeInitationRate of the
// last accepted (ErrTooFast). Accepting replaces any handshake in progress,
// our own outstanding initiation included. in is wiped either way.
func (h *Handshake) AcceptInitiation(in *Initiation, now time.Time) error {
	defer in.Zero()
	h.mu.Lock()
	defer h.mu.Unlock()
	if !in.RemoteStatic.Equal(h.remote) {
		return errsAcceptInitiation.wrap(ErrWrongPeer)
	}
	if !in.Timestamp.After(h.lastTimestamp) {
		return errsAcceptInitiation.wrap(ErrStaleTimestamp)
	}
	if !h.lastInitiation.IsZero() && now.Sub(h.lastInitiation) < HandshakeInitationRate {
		return errsAcceptInitiation.wrap(ErrTooFast)
	}
	h.reset()
	h.state = stateInitiationAccepted
	h.hash, h.chainKey = in.hash, in.chainKey
	h.remoteEphemeral = in.ephemeral
	h.remoteIndex = in.Sender
	h.lastTimestamp = in.Timestamp
	if now.After(h.lastInitiation) {
		h.lastInitiation = now
	}
	return nil
}
