package proxy

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"net"
	"strings"
	"syscall"
	"time"
)

// Credentials are the RFC 1929 username and password a SOCKS5 client must send.
type Credentials struct {
	Username, Password string
}

// ServeSOCKS5 runs a SOCKS5 server (RFC 1928) on ln, reaching targets through
// d. It supports CONNECT and UDP ASSOCIATE; domain names go to d unresolved,
// so they resolve inside the tunnel. With auth set, clients must log in with
// username/password (RFC 1929); otherwise no authentication is offered.
func ServeSOCKS5(ctx context.Context, ln net.Listener, d Dialer, auth *Credentials, opts *Options) error {
	o := opts.withDefaults()
	s := &socksServer{d: d, o: &o}
	if auth != nil {
		u, p := sha256.Sum256([]byte(auth.Username)), sha256.Sum256([]byte(auth.Password))
		s.user, s.pass = u[:], p[:]
	}
	return serve(ctx, ln, &o, s.handle)
}

type socksServer struct {
	d          Dialer
	o          *Options
	user, pass []byte // SHA-256 of the credentials, compared in constant time
}

func (s *socksServer) handle(ctx context.Context, c net.Conn) {
	c.SetDeadline(time.Now().Add(s.o.HandshakeTimeout))
	req, err := s.handshake(c)
	if err != nil {
		s.o.Logger.Debug("socks5: bad handshake", "client", c.RemoteAddr(), "err", err)
		return
	}
	switch req.cmd {
	case cmdConnect:
		s.connect(ctx, c, req.addr)
	case cmdUDPAssociate:
		s.associate(ctx, c, req.addr)
	}
}

// handshake negotiates the method, authenticates and reads the request,
// answering a bad request with the matching reply code.
func (s *socksServer) handshake(c net.Conn) (socksRequest, error) {
	if err := s.negotiate(c); err != nil {
		return socksRequest{}, err
	}
	req, err := readRequest(c)
	if err != nil {
		if se, ok := err.(*socksError); ok {
			s.o.Stats.BadRequest.Add(1)
			writeReply(c, se.code, zeroAddr)
		}
		return socksRequest{}, err
	}
	return req, nil
}

func (s *socksServer) negotiate(c net.Conn) error {
	var buf [256]byte
	methods, err := readGreeting(c, &buf)
	if err != nil {
		s.o.Stats.BadRequest.Add(1)
		return err
	}
	want := byte(methodNone)
	if s.user != nil {
		want = methodPassword
	}
	if bytes.IndexByte(methods, want) < 0 {
		s.o.Stats.AuthFailed.Add(1)
		c.Write([]byte{socksVersion, methodRejected})
		return errors.New("socks5: client offers no acceptable authentication method")
	}
	if _, err := c.Write([]byte{socksVersion, want}); err != nil {
		return err
	}
	if s.user == nil {
		return nil
	}
	return s.login(c)
}

func (s *socksServer) login(c net.Conn) error {
	user, pass, err := readUserPass(c)
	if err != nil {
		s.o.Stats.BadRequest.Add(1)
		c.Write([]byte{authVersion, 1})
		return err
	}
	u, p := sha256.Sum256([]byte(user)), sha256.Sum256([]byte(pass))
	ok := subtle.ConstantTimeCompare(u[:], s.user) & subtle.ConstantTimeCompare(p[:], s.pass)
	if ok != 1 {
		s.o.Stats.AuthFailed.Add(1)
		c.Write([]byte{authVersion, 1})
		return errors.New("socks5: wrong username or password")
	}
	_, err = c.Write([]byte{authVersion, 0})
	return err
}

func (s *socksServer) connect(ctx context.Context, c net.Conn, addr string) {
	t, err := s.o.dial(ctx, s.d, "tcp", addr)
	if err != nil {
		s.o.Logger.Debug("socks5: connect failed", "target", addr, "err", err)
		writeReply(c, replyCode(err), zeroAddr)
		return
	}
	defer t.Close()
	if err := writeReply(c, repSuccess, addrPortOf(t.LocalAddr())); err != nil {
		return
	}
	c.SetDeadline(time.Time{})
	pipe(ctx, c, t)
}

// replyCode maps a dial error to the closest SOCKS5 reply.
func replyCode(err error) byte {
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return repRefused
	case errors.Is(err, syscall.ENETUNREACH):
		return repNetUnreachable
	case errors.Is(err, syscall.EHOSTUNREACH), isTimeout(err), errors.Is(err, context.DeadlineExceeded):
		return repHostUnreachable
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) || strings.Contains(err.Error(), "resolve") {
		return repHostUnreachable
	}
	return repFailure
}

var zeroAddr = addrPortOf(nil)
