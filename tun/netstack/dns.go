package netstack

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/netip"
	"strings"
	"time"

	"golang.org/x/net/dns/dnsmessage"
)

const (
	dnsTimeout  = 2 * time.Second
	dnsAttempts = 2
	dnsMaxReply = 1232 // the EDNS-safe size; we send no EDNS, so 512 is typical
)

// LookupHost resolves host with A and/or AAAA queries over UDP to each
// Config.DNS server in turn, through the tunnel. The host's own resolver is
// never used: names must resolve as they do on the far side.
func (s *Stack) LookupHost(ctx context.Context, host string, want4, want6 bool) ([]netip.Addr, error) {
	if len(s.dns) == 0 {
		return nil, fmt.Errorf("resolve %q: no DNS servers configured", host)
	}
	if !want4 && !want6 {
		return nil, fmt.Errorf("resolve %q: the stack has no address of the wanted family", host)
	}
	name, err := dnsmessage.NewName(dnsFQDN(host))
	if err != nil {
		return nil, fmt.Errorf("resolve %q: %w", host, err)
	}
	var errs []error
	for _, server := range s.dns {
		addrs, err := s.lookupOn(ctx, server, name, want4, want6)
		if len(addrs) > 0 {
			return addrs, nil
		}
		errs = append(errs, err)
		if ctx.Err() != nil {
			break
		}
	}
	return nil, fmt.Errorf("resolve %q: %w", host, errors.Join(errs...))
}

func dnsFQDN(host string) string {
	if len(host) > 0 && host[len(host)-1] == '.' {
		return host
	}
	return host + "."
}

func (s *Stack) lookupOn(ctx context.Context, server netip.Addr, name dnsmessage.Name, want4, want6 bool) ([]netip.Addr, error) {
	var all []netip.Addr
	var errs []error
	for _, t := range []struct {
		want bool
		typ  dnsmessage.Type
	}{{want4, dnsmessage.TypeA}, {want6, dnsmessage.TypeAAAA}} {
		if !t.want {
			continue
		}
		addrs, err := s.query(ctx, server, name, t.typ)
		all = append(all, addrs...)
		if err != nil {
			errs = append(errs, err)
		}
	}
	if len(all) == 0 && len(errs) == 0 {
		errs = append(errs, errors.New("no such host"))
	}
	return all, errors.Join(errs...)
}

// query sends one question, retrying on timeout.
func (s *Stack) query(ctx context.Context, server netip.Addr, name dnsmessage.Name, typ dnsmessage.Type) ([]netip.Addr, error) {
	var err error
	for range dnsAttempts {
		var addrs []netip.Addr
		addrs, err = s.queryOnce(ctx, server, name, typ)
		var ne net.Error
		if err == nil || !errors.As(err, &ne) || !ne.Timeout() || ctx.Err() != nil {
			return addrs, err
		}
	}
	return nil, err
}

func (s *Stack) queryOnce(ctx context.Context, server netip.Addr, name dnsmessage.Name, typ dnsmessage.Type) ([]netip.Addr, error) {
	c, err := s.dialAddr(ctx, false, netip.AddrPortFrom(server, 53))
	if err != nil {
		return nil, fmt.Errorf("dns server %v: %w", server, err)
	}
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { c.SetDeadline(time.Now()) })
	defer stop()
	c.SetDeadline(time.Now().Add(dnsTimeout))

	id := uint16(rand.Uint32())
	q, err := buildQuery(id, name, typ)
	if err != nil {
		return nil, err
	}
	if _, err := c.Write(q); err != nil {
		return nil, fmt.Errorf("dns server %v: %w", server, err)
	}
	buf := make([]byte, dnsMaxReply)
	for {
		n, err := c.Read(buf)
		if err != nil {
			return nil, fmt.Errorf("dns server %v: %w", server, err)
		}
		addrs, err := parseReply(buf[:n], id, name, typ)
		if errors.Is(err, errNotOurs) {
			continue // a stray or spoofed datagram: keep waiting
		}
		return addrs, err
	}
}

func buildQuery(id uint16, name dnsmessage.Name, typ dnsmessage.Type) ([]byte, error) {
	b := dnsmessage.NewBuilder(make([]byte, 0, 512), dnsmessage.Header{ID: id, RecursionDesired: true})
	if err := b.StartQuestions(); err != nil {
		return nil, err
	}
	if err := b.Question(dnsmessage.Question{Name: name, Type: typ, Class: dnsmessage.ClassINET}); err != nil {
		return nil, fmt.Errorf("dns query for %v: %w", name, err)
	}
	return b.Finish()
}

var errNotOurs = errors.New("dns reply does not match the query")

// parseReply checks that msg answers our question and returns its addresses
// of type typ. CNAME chains are followed implicitly: recursive servers put the
// final A/AAAA records in the same answer section.
func parseReply(msg []byte, id uint16, name dnsmessage.Name, typ dnsmessage.Type) ([]netip.Addr, error) {
	var p dnsmessage.Parser
	h, err := p.Start(msg)
	if err != nil {
		return nil, fmt.Errorf("dns reply: %w", err)
	}
	if !h.Response || h.ID != id {
		return nil, errNotOurs
	}
	q, err := p.Question()
	if err != nil || q.Type != typ || !strings.EqualFold(q.Name.String(), name.String()) {
		return nil, errNotOurs
	}
	if h.RCode != dnsmessage.RCodeSuccess {
		return nil, fmt.Errorf("dns reply for %v: %v", name, h.RCode)
	}
	if err := p.SkipAllQuestions(); err != nil {
		return nil, fmt.Errorf("dns reply: %w", err)
	}
	return parseAnswers(&p, typ)
}

func parseAnswers(p *dnsmessage.Parser, typ dnsmessage.Type) ([]netip.Addr, error) {
	var addrs []netip.Addr
	for {
		ah, err := p.AnswerHeader()
		if errors.Is(err, dnsmessage.ErrSectionDone) {
			return addrs, nil
		}
		if err != nil {
			return nil, fmt.Errorf("dns reply: %w", err)
		}
		switch {
		case ah.Type == typ && typ == dnsmessage.TypeA:
			r, err := p.AResource()
			if err != nil {
				return nil, fmt.Errorf("dns reply: %w", err)
			}
			addrs = append(addrs, netip.AddrFrom4(r.A))
		case ah.Type == typ && typ == dnsmessage.TypeAAAA:
			r, err := p.AAAAResource()
			if err != nil {
				return nil, fmt.Errorf("dns reply: %w", err)
			}
			addrs = append(addrs, netip.AddrFrom16(r.AAAA))
		default:
			if err := p.SkipAnswer(); err != nil {
				return nil, fmt.Errorf("dns reply: %w", err)
			}
		}
	}
}
