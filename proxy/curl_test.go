package proxy_test

import (
	"context"
	"os/exec"
	"testing"
	"time"

	"github.com/tuntap/tuntap/internal/testenv"
)

// TestCurl checks the proxies against a client we did not write. The host
// name is resolved by the tunnel's DNS (far.test exists only there).
func TestCurl(t *testing.T) {
	curl := testenv.RequireTool(t, "curl")
	f := newFar(t)
	socks := startSOCKS(t, f, nil, quiet())
	httpProxy := startHTTPProxy(t, f)
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"socks5-hostname", []string{"--socks5-hostname", socks}},
		{"http connect", []string{"-p", "-x", "http://" + httpProxy}},
		{"http absolute uri", []string{"-x", "http://" + httpProxy}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			args := append([]string{"-sS", "--fail", "--noproxy", "", "-o", "-"}, tc.args...)
			cmd := exec.CommandContext(ctx, curl, append(args, "http://far.test/blob")...)
			cmd.Env = []string{} // no http_proxy/all_proxy from the environment
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			checkBlob(t, out)
			if err := cmd.Wait(); err != nil {
				t.Fatalf("curl %v: %v", tc.args, err)
			}
		})
	}
}
