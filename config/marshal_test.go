package config

import (
	"bytes"
	"os"
	"reflect"
	"strings"
	"testing"
)

// roundTrip checks Parse(Marshal(c)) == c and that Marshal is stable.
func roundTrip(t *testing.T, c *Config) {
	t.Helper()
	out := c.Marshal()
	c2, err := Parse("again.conf", bytes.NewReader(out))
	if err != nil {
		t.Fatalf("Marshal output does not parse: %v\n%s", err, out)
	}
	if a, b := normalize(c), normalize(c2); !reflect.DeepEqual(a, b) {
		t.Fatalf("round trip changed the config\nbefore %+v\nafter  %+v\nfile:\n%s", a, b, out)
	}
	if out2 := c2.Marshal(); !bytes.Equal(out, out2) {
		t.Fatalf("Marshal is not stable:\n%s\n---\n%s", out, out2)
	}
}

func TestRoundTrip(t *testing.T) {
	for _, f := range []string{"testdata/every-key.conf", "testdata/wg-quick-client.conf"} {
		t.Run(f, func(t *testing.T) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			c, err := Parse(f, bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			roundTrip(t, c)
		})
	}
}

func TestMarshalFormat(t *testing.T) {
	in := "[Interface]\nprivatekey=" + testKey(1) + "\nfwmark=51820\nmode=tap\nmacageing=300\n" +
		"[Peer]\npublickey=" + testKey(2) + "\nallowedips=10.0.0.1/8,::1\npersistentkeepalive=25\n"
	c, err := Parse("t.conf", strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := "[Interface]\nPrivateKey = " + testKey(1) + "\nFwMark = 0xca6c\nMode = tap\n\n" +
		"[Peer]\nPublicKey = " + testKey(2) + "\nAllowedIPs = 10.0.0.0/8, ::1/128\nPersistentKeepalive = 25\n"
	if got := string(c.Marshal()); got != want {
		t.Errorf("Marshal =\n%s\nwant\n%s", got, want)
	}
}
