// Command tuntap is the one binary of the project: device tools, diagnostics
// and the VPN. This package holds flags and output only; the logic lives in
// the library packages.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// command is one subcommand. run gets the arguments after the subcommand's
// name and returns the process exit code.
type command struct {
	summary string
	run     func(args []string) int
}

// commands is filled by each subcommand's file in an init function, so that
// subcommands are added without editing this file.
var commands = map[string]command{}

func register(name, summary string, run func(args []string) int) {
	if _, dup := commands[name]; dup {
		panic("duplicate command " + name)
	}
	commands[name] = command{summary: summary, run: run}
}

func main() {
	// Invoked as wireguard-go (a symlink), tuntap is wg-quick's userspace engine.
	if filepath.Base(os.Args[0]) == "wireguard-go" {
		if c, ok := commands["wireguard-go"]; ok {
			os.Exit(c.run(os.Args[1:]))
		}
	}
	if len(os.Args) < 2 || os.Args[1] == "-h" || os.Args[1] == "--help" || os.Args[1] == "help" {
		usage()
		if len(os.Args) < 2 {
			os.Exit(2)
		}
		return
	}
	c, ok := commands[os.Args[1]]
	if !ok {
		fmt.Fprintf(os.Stderr, "tuntap: unknown command %q\n\n", os.Args[1])
		usage()
		os.Exit(2)
	}
	os.Exit(c.run(os.Args[2:]))
}

func usage() {
	names := make([]string, 0, len(commands))
	for n := range commands {
		if !strings.HasPrefix(n, "_") { // internal helpers of the demo
			names = append(names, n)
		}
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString("usage: tuntap COMMAND [ARGS]\n\ncommands:\n")
	for _, n := range names {
		fmt.Fprintf(&b, "  %-14s %s\n", n, commands[n].summary)
	}
	b.WriteString("\nRun 'tuntap COMMAND -h' for a command's flags.\n")
	fmt.Fprint(os.Stderr, b.String())
}

// parseExit is the exit code for a flag parse error: -h asked for help
// (0), anything else is a usage error (2).
func parseExit(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	return 2
}
