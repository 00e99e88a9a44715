package shell

import (
	"fmt"
	"strings"
	"testing"
)

// userOutput is what Get-CsUser | Format-List SipAddress,Enabled,RegistrarPool
// prints for n users, in the UTF-16 that Out-File writes.
func userOutput(n int) []byte {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "\r\nSipAddress    : sip:user%06d@contoso.com\r\nEnabled       : True\r\nRegistrarPool : fe-east.contoso.com\r\n", i)
	}
	return utf16Bytes(b.String(), true, true)
}

// BenchmarkParse reads the users of a large deployment, as Out-File saved
// them. Run: go test ./lync/shell -run '^$' -bench Parse -benchmem
func BenchmarkParse(b *testing.B) {
	for _, n := range []int{1000, 100000} {
		data := userOutput(n)
		b.Run(fmt.Sprintf("users=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for i := 0; i < b.N; i++ {
				out, err := ParseBytes("users.txt", data)
				if err != nil || len(out.Records) != n {
					b.Fatalf("%v, %d records", err, len(out.Records))
				}
			}
		})
	}
}

// BenchmarkParseLongValue reads one value wrapped over 100,000 lines: the
// time must grow with the lines, not with their square.
func BenchmarkParseLongValue(b *testing.B) {
	data := []byte("Description : x\n" + strings.Repeat("              continued\n", 100000))
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for i := 0; i < b.N; i++ {
		out, err := ParseBytes("long.txt", data)
		if err != nil || len(out.Records[0].Fields[0].Value) != 1+9*100000 {
			b.Fatal(err)
		}
	}
}

// BenchmarkStripEscapes strips escapes nested so that removing each brings
// the next together (ESC ESC … [0m [0m …), and a long run of parameter
// bytes before many final bytes: the time per byte must stay the same at
// ten times the size.
func BenchmarkStripEscapes(b *testing.B) {
	for _, n := range []int{10000, 100000} {
		for name, data := range map[string][]byte{
			"nested": []byte(strings.Repeat("\x1b", n) + strings.Repeat("[0m", n)),
			"params": []byte("\x1b[" + strings.Repeat("0", n) + strings.Repeat("m", n)),
		} {
			b.Run(fmt.Sprintf("%s/n=%d", name, n), func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(data)))
				for i := 0; i < b.N; i++ {
					if out := stripEscapes(data); len(out) > len(data) {
						b.Fatal("stripEscapes grew its input")
					}
				}
			})
		}
	}
}
