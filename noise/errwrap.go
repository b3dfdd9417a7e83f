package noise

import (
	"errors"
	"fmt"
)

// stepErrors holds errors wrapped once, at start-up, with the step that
// failed ("consume initiation: noise: decryption failed"). The steps below
// reject packets anyone can send, and fmt.Errorf allocates on every call.
type stepErrors struct {
	step    string
	wrapped []error
}

func newStepErrors(step string, errs ...error) stepErrors {
	s := stepErrors{step: step}
	for _, err := range errs {
		s.wrapped = append(s.wrapped, fmt.Errorf("%s: %w", step, err))
	}
	return s
}

// wrap returns err with the step's prefix, without allocating when err is one
// of the errors the set was made with.
func (s stepErrors) wrap(err error) error {
	for _, w := range s.wrapped {
		if errors.Unwrap(w) == err {
			return w
		}
	}
	return fmt.Errorf("%s: %w", s.step, err)
}

var (
	errsConsumeInitiation = newStepErrors("consume initiation",
		ErrInvalidMessage, ErrInvalidMAC1, ErrDecrypt, ErrLowOrderKey, ErrSelf)
	errsAcceptInitiation = newStepErrors("accept initiation",
		ErrWrongPeer, ErrStaleTimestamp, ErrTooFast)
	errsConsumeResponse = newStepErrors("consume response",
		ErrInvalidMessage, ErrInvalidMAC1, ErrUnexpectedResponse, ErrDecrypt, ErrLowOrderKey)
	errsCreateReply  = newStepErrors("create cookie reply", ErrInvalidMessage)
	errsConsumeReply = newStepErrors("consume cookie reply",
		ErrInvalidMessage, ErrUnexpectedCookie, ErrDecrypt)
)
