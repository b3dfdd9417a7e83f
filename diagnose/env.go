package diagnose

import (
	"io/fs"
	"os"
	"strings"

	"github.com/tuntap/tuntap/tun"
)

// NodePath is where the kernel's tun device node lives.
const NodePath = "/dev/net/tun"

// Node is what stat says about /dev/net/tun.
type Node struct {
	Path   string      `json:"path"`
	Exists bool        `json:"exists"`
	Char   bool        `json:"char"`
	Major  uint32      `json:"major"`
	Minor  uint32      `json:"minor"`
	Mode   fs.FileMode `json:"-"`
	// ModeString is the permission bits in octal, as chmod takes them.
	ModeString string `json:"mode"`
}

// IsTun reports whether the node is the tun character device 10:200.
func (n Node) IsTun() bool { return n.Exists && n.Char && n.Major == 10 && n.Minor == 200 }

// Env is everything Run reads or does, so that tests can replace each piece.
// Zero fields are filled from Real().
type Env struct {
	// Root is the file system /proc, /sys, /etc, /lib, /run and /var are read
	// from (paths without a leading slash, as fs.FS wants them).
	Root fs.FS
	// Getenv reads this process's environment.
	Getenv func(key string) string
	// Stat describes the node at path (always NodePath in practice).
	Stat func(path string) (Node, error)
	// OpenNode opens the node read-write and closes it again: what
	// `cat /dev/net/tun` does.
	OpenNode func(path string) error
	// Create creates a non-persistent device of kind named name and removes it
	// again. The real one uses tun.Open.
	Create func(kind tun.Kind, name string) error
	// Detectors find the container technology, first match wins.
	Detectors []Detector
	// ProbeName returns the name of the probe device of a kind; it must be
	// unique on the system.
	ProbeName func(kind tun.Kind) string
}

// Sys is the read-only view of the system that detectors and checks use.
type Sys struct {
	Root   fs.FS
	Getenv func(key string) string
}

// Read returns the file's content, or "" when it cannot be read. Detectors
// only need hints; an unreadable file is the same as no hint.
func (s Sys) Read(name string) string {
	b, err := fs.ReadFile(s.Root, strings.TrimPrefix(name, "/"))
	if err != nil {
		return ""
	}
	return string(b)
}

// Exists reports whether name exists.
func (s Sys) Exists(name string) bool {
	_, err := fs.Stat(s.Root, strings.TrimPrefix(name, "/"))
	return err == nil
}

// ReadDir lists the names in a directory, or nil.
func (s Sys) ReadDir(name string) []string {
	ents, err := fs.ReadDir(s.Root, strings.TrimPrefix(name, "/"))
	if err != nil {
		return nil
	}
	names := make([]string, 0, len(ents))
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

// Env returns the value of key, or "".
func (s Sys) Env(key string) string {
	if s.Getenv == nil {
		return ""
	}
	return s.Getenv(key)
}

// Real returns the Env of the live system.
func Real() Env {
	return Env{
		Root:      os.DirFS("/"),
		Getenv:    os.Getenv,
		Stat:      statNode,
		OpenNode:  openNode,
		Create:    createProbe,
		Detectors: Detectors(),
		ProbeName: probeName,
	}
}

// fill replaces the zero fields of e with the real ones.
func (e Env) fill() Env {
	r := Real()
	if e.Root == nil {
		e.Root = r.Root
	}
	if e.Getenv == nil {
		e.Getenv = r.Getenv
	}
	if e.Stat == nil {
		e.Stat = r.Stat
	}
	if e.OpenNode == nil {
		e.OpenNode = r.OpenNode
	}
	if e.Create == nil {
		e.Create = r.Create
	}
	if e.Detectors == nil {
		e.Detectors = r.Detectors
	}
	if e.ProbeName == nil {
		e.ProbeName = r.ProbeName
	}
	return e
}

func (e Env) sys() Sys { return Sys{Root: e.Root, Getenv: e.Getenv} }

func createProbe(kind tun.Kind, name string) error {
	ifc, err := tun.Open(tun.Config{Name: name, Kind: kind, Owner: -1, Group: -1})
	if err != nil {
		return err
	}
	return ifc.Close()
}
