package netstack

import (
	"net/netip"
	"testing"

	"golang.org/x/net/dns/dnsmessage"
)

func reply(t testing.TB, id uint16, rcode dnsmessage.RCode, q dnsmessage.Question, addrs ...netip.Addr) []byte {
	b := dnsmessage.NewBuilder(nil, dnsmessage.Header{ID: id, Response: true, RCode: rcode})
	b.EnableCompression()
	b.StartQuestions()
	b.Question(q)
	b.StartAnswers()
	cname := dnsmessage.MustNewName("alias.example.")
	b.CNAMEResource(dnsmessage.ResourceHeader{Name: q.Name, Class: dnsmessage.ClassINET}, dnsmessage.CNAMEResource{CNAME: cname})
	for _, a := range addrs {
		h := dnsmessage.ResourceHeader{Name: cname, Class: dnsmessage.ClassINET}
		if a.Is4() {
			b.AResource(h, dnsmessage.AResource{A: a.As4()})
		} else {
			b.AAAAResource(h, dnsmessage.AAAAResource{AAAA: a.As16()})
		}
	}
	msg, err := b.Finish()
	if err != nil {
		t.Fatal(err)
	}
	return msg
}

func TestParseReply(t *testing.T) {
	name := dnsmessage.MustNewName("host.example.")
	qA := dnsmessage.Question{Name: name, Type: dnsmessage.TypeA, Class: dnsmessage.ClassINET}
	qAAAA := dnsmessage.Question{Name: name, Type: dnsmessage.TypeAAAA, Class: dnsmessage.ClassINET}
	a1, a2 := netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("192.0.2.2")
	for _, tc := range []struct {
		name    string
		msg     []byte
		typ     dnsmessage.Type
		want    int
		wantErr bool
	}{
		{"A via CNAME", reply(t, 7, 0, qA, a1, a2), dnsmessage.TypeA, 2, false},
		{"only A records count", reply(t, 7, 0, qA, a1, netip.MustParseAddr("2001:db8::1")), dnsmessage.TypeA, 1, false},
		{"AAAA", reply(t, 7, 0, qAAAA, netip.MustParseAddr("2001:db8::1")), dnsmessage.TypeAAAA, 1, false},
		{"wrong id", reply(t, 8, 0, qA, a1), dnsmessage.TypeA, 0, true},
		{"wrong type", reply(t, 7, 0, qAAAA), dnsmessage.TypeA, 0, true},
		{"nxdomain", reply(t, 7, dnsmessage.RCodeNameError, qA), dnsmessage.TypeA, 0, true},
		{"garbage", []byte{1, 2, 3}, dnsmessage.TypeA, 0, true},
		{"truncated", reply(t, 7, 0, qA, a1)[:40], dnsmessage.TypeA, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseReply(tc.msg, 7, name, tc.typ)
			if (err != nil) != tc.wantErr || len(got) != tc.want {
				t.Fatalf("parseReply = %v, %v; want %d addresses, err %v", got, err, tc.want, tc.wantErr)
			}
		})
	}
}

func FuzzParseReply(f *testing.F) {
	name := dnsmessage.MustNewName("host.example.")
	q := dnsmessage.Question{Name: name, Type: dnsmessage.TypeA, Class: dnsmessage.ClassINET}
	f.Add(reply(f, 7, 0, q, netip.MustParseAddr("192.0.2.1")))
	f.Add(reply(f, 7, dnsmessage.RCodeServerFailure, q))
	f.Add([]byte{0, 7, 0x80, 0, 0, 1, 0, 1, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, msg []byte) {
		for _, typ := range []dnsmessage.Type{dnsmessage.TypeA, dnsmessage.TypeAAAA} {
			addrs, err := parseReply(msg, 7, name, typ)
			if err != nil && len(addrs) != 0 {
				t.Fatal("addresses returned with an error")
			}
			for _, a := range addrs {
				if a.Is4() != (typ == dnsmessage.TypeA) {
					t.Fatalf("%v returned for type %v", a, typ)
				}
			}
		}
	})
}
