package noise

import (
	"fmt"
	"time"
)

// CreateResponse answers the initiation accepted last by AcceptInitiation. It
// appends the response to dst (mac1 and mac2 zero, for AddMACs) and returns
// the new session's keys; senderIndex becomes the keypair's LocalIndex.
func (h *Handshake) CreateResponse(senderIndex uint32, now time.Time, dst []byte) ([]byte, *Keypair, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.state != stateInitiationAccepted {
		return dst, nil, fmt.Errorf("create response: %w", ErrNoInitiation)
	}
	defer h.reset() // one response per accepted initiation
	eph, err := newEphemeral(h.rand)
	if err != nil {
		return dst, nil, fmt.Errorf("create response: ephemeral key: %w", err)
	}
	defer wipe(eph[:])
	epub := eph.Public()

	msg := make([]byte, 12, MessageResponseSize)
	msg[0] = MessageResponseType
	le.PutUint32(msg[4:], senderIndex)
	le.PutUint32(msg[8:], h.remoteIndex)
	msg = append(msg, epub[:]...)

	ck, hs := h.chainKey, h.hash
	kdf(&ck, epub[:], &ck)
	mixHash(&hs, epub[:])
	if err := mixDH(&ck, &eph, h.remoteEphemeral[:]); err != nil {
		return dst, nil, fmt.Errorf("create response: %w", err)
	}
	if err := mixDH(&ck, &eph, h.remote[:]); err != nil {
		return dst, nil, fmt.Errorf("create response: %w", err)
	}
	var tau, key [32]byte
	kdf(&ck, h.psk[:], &ck, &tau, &key)
	mixHash(&hs, tau[:])
	msg = seal(msg, &key, nil, hs[:])
	wipe(tau[:])
	wipe(key[:])

	kp := deriveKeypair(&ck, false, senderIndex, h.remoteIndex, now)
	msg = msg[:MessageResponseSize]
	return append(dst, msg...), kp, nil
}

// mixDH sets ck = KDF1(ck, DH(priv, pub)): the response mixes ephemeral with
// ephemeral, then the responder's ephemeral with the initiator's static. Each
// side uses the keys it holds; the results agree by symmetry.
func mixDH(ck *[32]byte, priv *PrivateKey, pub []byte) error {
	ee, err := dh(priv, pub)
	if err != nil {
		return err
	}
	kdf(ck, ee[:], ck)
	wipe(ee[:])
	return nil
}

// ConsumeResponse completes the handshake we initiated. The response must
// carry a valid mac1 and answer our outstanding initiation (its receiver index
// is the initiation's sender index); a late, duplicate or orphaned response
// fails with ErrUnexpectedResponse. A forged response leaves the outstanding
// initiation in place, so the real one can still complete it.
func (h *Handshake) ConsumeResponse(msg []byte, now time.Time) (*Keypair, error) {
	if t, ok := MessageType(msg); !ok || t != MessageResponseType {
		return nil, errsConsumeResponse.wrap(ErrInvalidMessage)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.local.checkMAC1(msg) {
		return nil, errsConsumeResponse.wrap(ErrInvalidMAC1)
	}
	if h.state != stateInitiationCreated || le.Uint32(msg[8:]) != h.localIndex {
		return nil, errsConsumeResponse.wrap(ErrUnexpectedResponse)
	}
	epub := msg[12:44]
	ck, hs := h.chainKey, h.hash
	defer wipe(ck[:])
	kdf(&ck, epub, &ck)
	mixHash(&hs, epub)
	if err := mixDH(&ck, &h.ephemeral, epub); err != nil {
		return nil, errsConsumeResponse.wrap(err)
	}
	if err := mixDH(&ck, &h.local.Private, epub); err != nil {
		return nil, errsConsumeResponse.wrap(err)
	}
	var tau, key [32]byte
	kdf(&ck, h.psk[:], &ck, &tau, &key)
	mixHash(&hs, tau[:])
	_, err := open(nil, &key, msg[44:60], hs[:])
	wipe(tau[:])
	wipe(key[:])
	if err != nil {
		return nil, errsConsumeResponse.wrap(err)
	}
	kp := deriveKeypair(&ck, true, h.localIndex, le.Uint32(msg[4:]), now)
	h.reset()
	return kp, nil
}
