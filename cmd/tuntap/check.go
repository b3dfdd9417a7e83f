package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/tuntap/tuntap/diagnose"
)

func init() {
	register("check", "can TUN/TAP devices be created here, and if not, how to fix it", runCheck)
}

func runCheck(args []string) int {
	return check(args, os.Stdout, os.Stderr, diagnose.Real())
}

// check is runCheck with its outputs and environment passed in.
func check(args []string, stdout, stderr io.Writer, env diagnose.Env) int {
	fl := flag.NewFlagSet("check", flag.ContinueOnError)
	fl.SetOutput(stderr)
	asJSON := fl.Bool("json", false, "print the report as one JSON object")
	fl.Usage = func() {
		fmt.Fprint(stderr, "usage: tuntap check [--json]\n\n"+
			"Creates and removes a TUN and a TAP device. Exit status: 0 both work, 1 other error,\n"+
			"2 usage, 3 node missing, 4 no driver, 5 not permitted, 6 busy, 7 read-only /dev, 8 wrong node.\n\n")
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if fl.NArg() > 0 {
		fmt.Fprintf(stderr, "tuntap check: unexpected argument %q\n", fl.Arg(0))
		return 2
	}
	r := diagnose.Run(env)
	var err error
	if *asJSON {
		_, err = stdout.Write(r.JSON())
	} else {
		err = r.WriteText(stdout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "tuntap check: %v\n", err)
	}
	return r.ExitCode
}
