package noise

// Transport data messages: type, reserved, receiver index, 64-bit counter,
// then the encrypted packet and its tag. The AEAD nonce is 4 zero bytes and the
// counter, little endian.

// SealTransport encrypts in place the plainLen bytes at buf[16:] (already
// padded by the caller) under counter, writes the header into buf[0:16] and
// returns the whole message. It does not allocate when cap(buf) leaves room for
// the tag (16+plainLen+TagSize). It panics if kp is nil or len(buf) <
// 16+plainLen, both caller bugs.
func SealTransport(kp *Keypair, counter uint64, buf []byte, plainLen int) []byte {
	need := MessageTransportHeaderSize + plainLen + TagSize
	if cap(buf) < need {
		grown := make([]byte, MessageTransportHeaderSize+plainLen, need)
		copy(grown, buf[:MessageTransportHeaderSize+plainLen])
		buf = grown
	}
	// The header's bytes 4:16 double as the nonce (its zero prefix first,
	// the receiver index after), so no nonce escapes to the heap.
	buf[0], buf[1], buf[2], buf[3] = MessageTransportType, 0, 0, 0
	le.PutUint32(buf[4:], 0)
	le.PutUint64(buf[8:], counter)
	plain := buf[MessageTransportHeaderSize : MessageTransportHeaderSize+plainLen]
	kp.Send.Seal(plain[:0], buf[4:16], plain, nil)
	le.PutUint32(buf[4:], kp.RemoteIndex)
	return buf[:need]
}

// OpenTransport decrypts a transport message in place under counter (read
// from the header by ParseTransportHeader) and returns the plaintext, which
// aliases msg. It fails with ErrInvalidMessage for a message too short to
// hold a tag and ErrDecrypt for a wrong key, counter or tag; after a failure
// the payload bytes of msg are undefined. It does not allocate.
func OpenTransport(kp *Keypair, counter uint64, msg []byte) ([]byte, error) {
	if len(msg) < MessageTransportMinSize || kp == nil || kp.Recv == nil {
		return nil, ErrInvalidMessage
	}
	// Borrow the header as the nonce, as SealTransport does, then restore it.
	receiver, stamped := le.Uint32(msg[4:]), le.Uint64(msg[8:])
	le.PutUint32(msg[4:], 0)
	le.PutUint64(msg[8:], counter)
	ct := msg[MessageTransportHeaderSize:]
	plain, err := kp.Recv.Open(ct[:0], msg[4:16], ct, nil)
	le.PutUint32(msg[4:], receiver)
	le.PutUint64(msg[8:], stamped)
	if err != nil {
		return nil, ErrDecrypt
	}
	return plain, nil
}

// ParseTransportHeader reads the receiver index and counter of a transport
// message; ok is false for anything that is not one.
func ParseTransportHeader(msg []byte) (receiver uint32, counter uint64, ok bool) {
	if t, valid := MessageType(msg); !valid || t != MessageTransportType {
		return 0, 0, false
	}
	return le.Uint32(msg[4:]), le.Uint64(msg[8:]), true
}

// PaddedLen is the length a packet of n bytes is padded to before
// encryption: a multiple of 16, so that lengths leak less, but never past
// mtu, so that the outer packet still fits the path. A packet already at or
// above mtu is not padded; mtu <= 0 means no limit.
func PaddedLen(n, mtu int) int {
	if n <= 0 {
		return 0
	}
	padded := (n + 15) &^ 15
	if mtu <= 0 {
		return padded
	}
	if n >= mtu {
		return n
	}
	return min(padded, mtu)
}

// MessageType returns the type of b, with ok set only when the reserved bytes
// are zero and the length fits the type: exact for handshake messages, at
// least a header and tag for transport. It is the engine's first, cheap triage.
func MessageType(b []byte) (typ uint8, ok bool) {
	if len(b) < 4 || b[1]|b[2]|b[3] != 0 {
		return 0, false
	}
	switch b[0] {
	case MessageInitiationType:
		ok = len(b) == MessageInitiationSize
	case MessageResponseType:
		ok = len(b) == MessageResponseSize
	case MessageCookieReplyType:
		ok = len(b) == MessageCookieReplySize
	case MessageTransportType:
		ok = len(b) >= MessageTransportMinSize
	}
	if !ok {
		return 0, false
	}
	return b[0], true
}

// ReceiverIndex returns the receiver index of a response, cookie reply or
// transport message (the index we chose), and 0 for anything else.
func ReceiverIndex(b []byte) uint32 {
	t, ok := MessageType(b)
	switch {
	case !ok || t == MessageInitiationType:
		return 0
	case t == MessageResponseType:
		return le.Uint32(b[8:])
	default:
		return le.Uint32(b[4:])
	}
}
