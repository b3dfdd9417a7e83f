package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"github.com/tuntap/tuntap/noise"
)

func init() {
	register("genkey", "print a new private key (base64, as wg genkey)", runGenkey)
	register("pubkey", "read a private key on stdin, print its public key", runPubkey)
	register("genpsk", "print a new preshared key", runGenpsk)
}

func runGenkey(args []string) int {
	k, err := noise.GeneratePrivateKey()
	if err != nil {
		fmt.Fprintln(os.Stderr, "tuntap genkey:", err)
		return 1
	}
	warnIfTerminalReadable()
	fmt.Println(k.Base64())
	return 0
}

func runGenpsk(args []string) int {
	k, err := noise.GeneratePresharedKey()
	if err != nil {
		fmt.Fprintln(os.Stderr, "tuntap genpsk:", err)
		return 1
	}
	warnIfTerminalReadable()
	fmt.Println(k.Base64())
	return 0
}

func runPubkey(args []string) int {
	line, err := bufio.NewReader(os.Stdin).ReadString('\n')
	if err != nil && line == "" {
		fmt.Fprintln(os.Stderr, "tuntap pubkey: reading private key from stdin:", err)
		return 1
	}
	k, err := noise.ParsePrivateKey(strings.TrimSpace(line))
	if err != nil {
		fmt.Fprintln(os.Stderr, "tuntap pubkey: key is not a valid base64 private key")
		return 1
	}
	fmt.Println(k.Public())
	return 0
}

// warnIfTerminalReadable mirrors wg: writing a secret to a file others can
// read deserves a warning.
func warnIfTerminalReadable() {
	fi, err := os.Stdout.Stat()
	if err != nil || fi.Mode()&os.ModeCharDevice != 0 || !fi.Mode().IsRegular() {
		return
	}
	if fi.Mode().Perm()&0o077 != 0 {
		fmt.Fprintln(os.Stderr, "Warning: writing private key to world accessible file.\nConsider setting the umask to 077 and trying again.")
	}
}
