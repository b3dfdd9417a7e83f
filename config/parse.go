package config

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
)

// maxLine bounds one line: a peer with tens of thousands of AllowedIPs on a
// single line still fits.
const maxLine = 16 << 20

type section int

const (
	sectionNone section = iota
	sectionInterface
	sectionPeer
)

// field is how one key is read. Singletons may appear once per section;
// list keys accumulate.
type field struct {
	name   string // canonical spelling, for messages and Marshal
	single bool
	set    func(p *parser, value string) error
}

type parser struct {
	c       *Config
	line    int
	section section
	seen    map[string]bool // singletons seen in the current section
	iface   bool            // an [Interface] section was seen
}

// Parse reads a config in wg-quick format. It checks each line on its own;
// call Validate for the checks across lines. path is used in messages only.
func Parse(path string, r io.Reader) (*Config, error) {
	p := &parser{c: &Config{Path: path, lines: map[string]int{}}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxLine)
	for sc.Scan() {
		p.line++
		text := sc.Text()
		if p.line == 1 {
			text = strings.TrimPrefix(text, "\uFEFF") // a byte-order mark from Windows editors
		}
		if err := p.parseLine(text); err != nil {
			return nil, err
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, p.errf("", "line longer than %d bytes", maxLine)
		}
		return nil, &ParseError{Path: path, Err: fmt.Errorf("read: %w", err)}
	}
	p.finish()
	return p.c, nil
}

func (p *parser) errf(key, format string, args ...any) error {
	return &ParseError{Path: p.c.Path, Line: p.line, Key: key, Err: fmt.Errorf(format, args...)}
}

func (p *parser) parseLine(text string) error {
	if i := strings.IndexByte(text, '#'); i >= 0 { // as wg-quick: '#' starts a comment anywhere
		text = text[:i]
	}
	text = strings.TrimSpace(text)
	switch {
	case text == "":
		return nil
	case text[0] == '[':
		return p.parseSection(text)
	}
	k, v, ok := strings.Cut(text, "=")
	if !ok {
		return p.errf("", "expected \"Key = Value\" or a [Section], got %q", text)
	}
	k, v = strings.TrimSpace(k), strings.TrimSpace(v)
	if k == "" {
		return p.errf("", "missing key before '='")
	}
	return p.setKey(k, v)
}

func (p *parser) parseSection(text string) error {
	if !strings.HasSuffix(text, "]") {
		return p.errf("", "section header %q is missing ']'", text)
	}
	name := strings.TrimSpace(text[1 : len(text)-1])
	switch strings.ToLower(name) {
	case "interface":
		if p.iface {
			return p.errf("", "a second [Interface] section")
		}
		p.iface, p.section = true, sectionInterface
	case "peer":
		p.section = sectionPeer
		p.c.Peers = append(p.c.Peers, Peer{Line: p.line})
	default:
		return p.errf("", "unknown section %q (want [Interface] or [Peer])", text)
	}
	p.seen = map[string]bool{}
	return nil
}

func (p *parser) setKey(k, v string) error {
	var f field
	var ok bool
	switch p.section {
	case sectionNone:
		return p.errf(k, "key outside a section (put it under [Interface] or [Peer])")
	case sectionInterface:
		f, ok = interfaceFields[strings.ToLower(k)]
	case sectionPeer:
		f, ok = peerFields[strings.ToLower(k)]
	}
	if !ok {
		return p.errf(k, "unknown key in [%s] section", p.sectionName())
	}
	if f.single {
		if p.seen[f.name] {
			return p.errf(f.name, "set twice in one [%s] section", p.sectionName())
		}
		if v == "" {
			return p.errf(f.name, "empty value")
		}
		p.seen[f.name] = true
	}
	if p.section == sectionInterface {
		if _, dup := p.c.lines[f.name]; !dup {
			p.c.lines[f.name] = p.line
		}
	}
	if err := f.set(p, v); err != nil {
		return &ParseError{Path: p.c.Path, Line: p.line, Key: f.name, Err: err}
	}
	return nil
}

func (p *parser) sectionName() string {
	if p.section == sectionPeer {
		return "Peer"
	}
	return "Interface"
}

func (p *parser) peer() *Peer { return &p.c.Peers[len(p.c.Peers)-1] }

func (p *parser) warn(format string, args ...any) {
	msg := fmt.Sprintf("%s:%d: %s", p.c.Path, p.line, fmt.Sprintf(format, args...))
	p.c.Warnings = append(p.c.Warnings, msg)
}

// finish fills in defaults that depend on keys which may come in any order.
func (p *parser) finish() {
	i := &p.c.Interface
	if i.Mode == "" {
		i.Mode = ModeTUN
	}
	if i.Mode == ModeTAP {
		if i.MACAgeing == 0 {
			i.MACAgeing = DefaultMACAgeing
		}
		if i.MaxMACsPerPeer == 0 {
			i.MaxMACsPerPeer = DefaultMaxMACs
		}
	}
}

// splitList splits a comma-separated value, dropping empty items as wg does
// for "a, , b".
func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
