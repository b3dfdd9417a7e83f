package config

import (
	"errors"
	"strconv"
	"strings"
)

// ParseError is a mistake in a config file, located by file, line and key.
// Line is 0 for mistakes that belong to no line (a config built in code).
type ParseError struct {
	Path string
	Line int
	Key  string
	Err  error
}

func (e *ParseError) Error() string {
	var b strings.Builder
	if e.Path != "" {
		b.WriteString(e.Path)
	} else {
		b.WriteString("config")
	}
	if e.Line > 0 {
		b.WriteString(":")
		b.WriteString(strconv.Itoa(e.Line))
	}
	b.WriteString(": ")
	if e.Key != "" {
		b.WriteString("key ")
		b.WriteString(strconv.Quote(e.Key))
		b.WriteString(": ")
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *ParseError) Unwrap() error { return e.Err }

// ErrInsecureMode is returned by Load for a file holding a secret key that
// group or others may read or write.
var ErrInsecureMode = errors.New("file holds a secret key but group or others may read or write it")
