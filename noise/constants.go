package noise

import (
	"errors"
	"time"
)

// Message types, the first byte of every WireGuard message.
const (
	MessageInitiationType  = 1
	MessageResponseType    = 2
	MessageCookieReplyType = 3
	MessageTransportType   = 4
)

// Message sizes. Handshake messages have one fixed size; a transport message
// is at least its header plus the tag (a keepalive).
const (
	MessageInitiationSize      = 148
	MessageResponseSize        = 92
	MessageCookieReplySize     = 64
	MessageTransportHeaderSize = 16
	TagSize                    = 16
	// MessageTransportMinSize is a keepalive: header and tag, no payload.
	MessageTransportMinSize = MessageTransportHeaderSize + TagSize
)

// Protocol limits from the WireGuard paper (section 6). The engine's timers use
// them; this package only uses CookieRefreshTime and HandshakeInitationRate.
const (
	RekeyAfterMessages  uint64 = 1 << 60
	RejectAfterMessages uint64 = 1<<64 - 1<<13 - 1
)

const (
	RekeyAfterTime    = 120 * time.Second
	RejectAfterTime   = 180 * time.Second
	RekeyAttemptTime  = 90 * time.Second
	RekeyTimeout      = 5 * time.Second
	KeepaliveTimeout  = 10 * time.Second
	CookieRefreshTime = 120 * time.Second
	// HandshakeInitationRate is the least time between two initiations a
	// responder accepts from one peer (the name keeps wireguard-go's spelling).
	HandshakeInitationRate = 50 * time.Millisecond
)

// Errors returned by this package; test them with errors.Is, since they come
// wrapped with the step that failed.
var (
	ErrInvalidMessage     = errors.New("noise: invalid message")
	ErrInvalidMAC1        = errors.New("noise: invalid mac1")
	ErrStaleTimestamp     = errors.New("noise: initiation timestamp not newer than the last one")
	ErrTooFast            = errors.New("noise: initiations from this peer arrive too fast")
	ErrUnexpectedResponse = errors.New("noise: response matches no outstanding initiation")
	ErrNoInitiation       = errors.New("noise: no accepted initiation to respond to")
	ErrUnexpectedCookie   = errors.New("noise: cookie reply without a handshake message sent")
	ErrDecrypt            = errors.New("noise: decryption failed")
	ErrLowOrderKey        = errors.New("noise: low-order or zero public key")
	ErrSelf               = errors.New("noise: remote key is our own key")
	ErrWrongPeer          = errors.New("noise: initiation is from another peer")
)
