package proxy

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxHeaderBytes bounds the request line and headers of one proxy request.
const maxHeaderBytes = 64 << 10

// ServeHTTP runs an HTTP proxy on ln, reaching targets through d. CONNECT
// opens a tunnel to any host:port; a GET (or other method) with an absolute
// http:// URI is forwarded as one request per connection (Connection: close).
func ServeHTTP(ctx context.Context, ln net.Listener, d Dialer, opts *Options) error {
	o := opts.withDefaults()
	return serve(ctx, ln, &o, func(ctx context.Context, c net.Conn) {
		if err := handleHTTP(ctx, c, d, &o); err != nil {
			o.Logger.Debug("http proxy", "client", c.RemoteAddr(), "err", err)
		}
	})
}

func handleHTTP(ctx context.Context, c net.Conn, d Dialer, o *Options) error {
	c.SetDeadline(time.Now().Add(o.HandshakeTimeout))
	lr := &io.LimitedReader{R: c, N: maxHeaderBytes}
	br := bufio.NewReader(lr)
	req, target, err := readProxyRequest(br)
	if err != nil {
		o.Stats.BadRequest.Add(1)
		httpError(c, http.StatusBadRequest, err)
		return err
	}
	lr.N = 1 << 62 // headers done: the body and tunnel are not limited
	t, err := o.dial(ctx, d, "tcp", target)
	if err != nil {
		status := http.StatusBadGateway
		if isTimeout(err) || errors.Is(err, context.DeadlineExceeded) {
			status = http.StatusGatewayTimeout
		}
		httpError(c, status, err)
		return err
	}
	defer t.Close()
	if req.Method == http.MethodConnect {
		return tunnel(ctx, c, br, t)
	}
	return forwardRequest(ctx, c, req, t)
}

// tunnel answers 200 and joins the two connections, first passing on any
// bytes the client sent right behind its CONNECT request.
func tunnel(ctx context.Context, c net.Conn, br *bufio.Reader, t net.Conn) error {
	if _, err := io.WriteString(c, "HTTP/1.1 200 Connection Established\r\n\r\n"); err != nil {
		return err
	}
	if n := br.Buffered(); n > 0 {
		early, _ := br.Peek(n)
		if _, err := t.Write(early); err != nil {
			return err
		}
	}
	c.SetDeadline(time.Time{})
	pipe(ctx, c, t)
	return nil
}

// forwardRequest sends req in origin form and copies the response back.
func forwardRequest(ctx context.Context, c net.Conn, req *http.Request, t net.Conn) error {
	for _, h := range hopHeaders(req.Header) {
		req.Header.Del(h)
	}
	req.RequestURI = ""
	req.Close = true
	c.SetDeadline(time.Time{})
	stop := context.AfterFunc(ctx, func() { t.Close() })
	defer stop()
	if err := req.Write(t); err != nil {
		return fmt.Errorf("forward request to %s: %w", req.URL.Host, err)
	}
	_, err := io.Copy(c, t)
	return err
}

// hopHeaders lists the headers that apply to one hop only (RFC 9110 7.6.1).
func hopHeaders(h http.Header) []string {
	hop := []string{"Connection", "Proxy-Connection", "Keep-Alive", "Proxy-Authorization",
		"Proxy-Authenticate", "Te", "Trailer", "Transfer-Encoding", "Upgrade"}
	for _, v := range h.Values("Connection") {
		for _, f := range strings.Split(v, ",") {
			if f = strings.TrimSpace(f); f != "" {
				hop = append(hop, f)
			}
		}
	}
	return hop
}

// readProxyRequest parses one proxy request and returns the host:port to dial.
func readProxyRequest(br *bufio.Reader) (*http.Request, string, error) {
	req, err := http.ReadRequest(br)
	if err != nil {
		return nil, "", fmt.Errorf("read request: %w", err)
	}
	if req.Method == http.MethodConnect {
		target, err := checkHostPort(req.RequestURI, "")
		return req, target, err
	}
	if req.URL.Scheme != "http" || req.URL.Host == "" {
		return nil, "", fmt.Errorf("%s %q: not a proxy request (want CONNECT or an absolute http:// URI)", req.Method, req.RequestURI)
	}
	target, err := checkHostPort(req.URL.Host, "80")
	return req, target, err
}

// checkHostPort validates an authority and adds defPort if it has none.
func checkHostPort(authority, defPort string) (string, error) {
	host, port, err := net.SplitHostPort(authority)
	if err != nil && defPort != "" {
		if h, ok := strings.CutPrefix(authority, "["); ok && strings.HasSuffix(h, "]") {
			host, port, err = strings.TrimSuffix(h, "]"), defPort, nil
		} else if !strings.Contains(authority, ":") {
			host, port, err = authority, defPort, nil
		}
	}
	if err != nil {
		return "", fmt.Errorf("target %q: %w", authority, err)
	}
	if !validHost(host) {
		return "", fmt.Errorf("target %q: bad host", authority)
	}
	if p, err := strconv.ParseUint(port, 10, 16); err != nil || p == 0 {
		return "", fmt.Errorf("target %q: bad port", authority)
	}
	return net.JoinHostPort(host, port), nil
}

func validHost(h string) bool {
	if h == "" || len(h) > 255 {
		return false
	}
	for i := 0; i < len(h); i++ {
		if c := h[i]; c <= ' ' || c == 0x7f || c == '/' || c == '@' || c == '[' || c == ']' {
			return false
		}
	}
	return true
}

func httpError(w io.Writer, status int, err error) {
	msg := err.Error() + "\n"
	fmt.Fprintf(w, "HTTP/1.1 %d %s\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
		status, http.StatusText(status), len(msg), msg)
}
