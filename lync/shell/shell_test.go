package shell

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// readSingleQuoted reads one PowerShell single-quoted string literal from the
// start of src the way PowerShell's tokenizer does (ScanStringLiteral in
// engine/parser/tokenizer.cs): any of the five single-quote characters opens
// and closes it, and two in a row stand for the second. It returns the value
// and what follows the closing quote; ok is false when src does not open with
// a quote or the literal is never closed. It keeps its own list of quote
// characters so that a change to the package's cannot pass unnoticed.
func readSingleQuoted(src string) (value, rest string, ok bool) {
	isSingleQuote := func(r rune) bool { return strings.ContainsRune("'\u2018\u2019\u201A\u201B", r) }
	r, n := utf8.DecodeRuneInString(src)
	if !isSingleQuote(r) {
		return "", src, false
	}
	var b strings.Builder
	for i := n; i < len(src); {
		r, n := utf8.DecodeRuneInString(src[i:])
		if isSingleQuote(r) {
			next, m := utf8.DecodeRuneInString(src[i+n:])
			if i+n >= len(src) || !isSingleQuote(next) {
				return b.String(), src[i+n:], true
			}
			b.WriteString(src[i+n : i+n+m])
			i += n + m
			continue
		}
		b.WriteString(src[i : i+n])
		i += n
	}
	return "", "", false
}

func TestQuote(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "''"},
		{"rpp.contoso.com", "'rpp.contoso.com'"},
		{"it's", "'it''s'"},
		{"''", "''''''"},
		// The typographic single quotes are doubled as themselves.
		{"O\u2018Brien", "'O\u2018\u2018Brien'"},
		{"O\u2019Brien", "'O\u2019\u2019Brien'"},
		{"O\u201ABrien", "'O\u201A\u201ABrien'"},
		{"O\u201BBrien", "'O\u201B\u201BBrien'"},
		// Double quotes, $, backtick, newline and NUL are literal in a
		// verbatim string: nothing to escape.
		{"\"$(Remove-Item C:\\)`n\"", "'\"$(Remove-Item C:\\)`n\"'"},
		{"a\nb\x00c", "'a\nb\x00c'"},
		// A byte that is not UTF-8 is copied, not replaced by U+FFFD.
		{"a\xffb", "'a\xffb'"},
	}
	for _, tt := range tests {
		got := Quote(tt.in)
		if got != tt.want {
			t.Errorf("Quote(%q) = %q, want %q", tt.in, got, tt.want)
		}
		v, rest, ok := readSingleQuoted(got)
		if !ok || v != tt.in || rest != "" {
			t.Errorf("reading %q back: value %q, rest %q, ok %v; want %q", got, v, rest, ok, tt.in)
		}
	}
}

// The reader itself must be able to fail, or the fuzz target below proves
// nothing: an undoubled typographic quote ends the string early.
func TestReadSingleQuotedSeesUnpairedQuotes(t *testing.T) {
	for _, src := range []string{"'O\u2019Brien'", "'it's'", "'open", "\u2018x'y'"} {
		v, rest, ok := readSingleQuoted(src)
		if ok && rest == "" {
			t.Errorf("readSingleQuoted(%q) = %q with nothing left: want an early end or no end", src, v)
		}
	}
}

func FuzzQuote(f *testing.F) {
	for _, s := range []string{
		"", "video", "rpp.contoso.com", "sip:rpp@contoso.com", "it's", "O\u2019Brien's pool",
		"\u2018\u2019\u201A\u201B'", "$(Get-CsSite)", "`\"\n", "a\xffb", "'\u2019",
		"sip:rpp.contoso.com@contoso.com;gruu;opaque=srvr:video:Tggd9yw0FFyNjnRqleNLwQAA",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q := Quote(s)
		v, rest, ok := readSingleQuoted(q)
		if !ok {
			t.Fatalf("Quote(%q) = %q is not a closed single-quoted literal", s, q)
		}
		if rest != "" {
			t.Fatalf("Quote(%q) = %q: an unpaired quote ends the literal before %q", s, q, rest)
		}
		if v != s {
			t.Fatalf("Quote(%q) = %q reads back as %q", s, q, v)
		}
	})
}

func TestCommandString(t *testing.T) {
	tests := []struct {
		name string
		cmd  *Command
		want string
	}{
		{"no parameters", Cmd("Enable-CsTopology"), "Enable-CsTopology"},
		{"string and int", Cmd("New-CsTrustedApplication").Str("ApplicationId", "video").Int("Port", 5061),
			"New-CsTrustedApplication -ApplicationId 'video' -Port 5061"},
		{"quote in a value", Cmd("New-CsTrustedApplicationPool").Str("Identity", "o'brien.contoso.com"),
			"New-CsTrustedApplicationPool -Identity 'o''brien.contoso.com'"},
		{"negative int", Cmd("Set-X").Int("Offset", -5), "Set-X -Offset (-5)"},
		{"bools", Cmd("Set-CsTrustedApplicationPool").Bool("TreatAsAuthenticated", true).Bool("ThrottleAsServer", false),
			"Set-CsTrustedApplicationPool -TreatAsAuthenticated $true -ThrottleAsServer $false"},
		{"switch", Cmd("Remove-CsStaticRoutingConfiguration").Switch("Force"), "Remove-CsStaticRoutingConfiguration -Force"},
		{"switch between values", Cmd("New-CsX").Str("A", "a").Switch("Force").Int("B", 1), "New-CsX -A 'a' -Force -B 1"},
		{"variable left bare", Cmd("Set-CsStaticRoutingConfiguration").Expr("Route", "$route"),
			"Set-CsStaticRoutingConfiguration -Route $route"},
		{"scoped variable left bare", Cmd("Set-X").Expr("V", "$script:gruu"), "Set-X -V $script:gruu"},
		{"member access parenthesised", Cmd("New-CsTrustedApplicationPool").Expr("Site", "(Get-CsSite -Identity 'Site1').SiteId"),
			"New-CsTrustedApplicationPool -Site ((Get-CsSite -Identity 'Site1').SiteId)"},
		{"hashtable parenthesised", Cmd("Set-CsStaticRoutingConfiguration").Expr("Route", "@{Add=$route}"),
			"Set-CsStaticRoutingConfiguration -Route (@{Add=$route})"},
		{"already parenthesised", Cmd("Set-X").Expr("V", "(1 + 2)"), "Set-X -V (1 + 2)"},
		{"two groups are not one", Cmd("Set-X").Expr("V", "(1) + (2)"), "Set-X -V ((1) + (2))"},
		{"parenthesis inside a string", Cmd("Set-X").Expr("V", "('(' + 'x')"), "Set-X -V ('(' + 'x')"},
		{"closing parenthesis inside a string", Cmd("Set-X").Expr("V", "(')') + (1)"), "Set-X -V ((')') + (1))"},
		{"double-quoted strings are wrapped", Cmd("Set-X").Expr("V", `("a")`), `Set-X -V (("a"))`},
		{"spaces trimmed", Cmd("Set-X").Expr("V", "  $x "), "Set-X -V $x"},
		{"not a variable", Cmd("Set-X").Expr("V", "$x.Y"), "Set-X -V ($x.Y)"},
		{"empty expression", Cmd("Set-X").Expr("V", ""), "Set-X -V ()"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.cmd.String(); got != tt.want {
				t.Errorf("String() = %q\nwant       %q", got, tt.want)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	type problem struct {
		index int // -1: the cmdlet name
		err   error
	}
	tests := []struct {
		name string
		cmd  *Command
		want []problem
	}{
		{"valid", Cmd("New-CsTrustedApplicationEndpoint").Str("ApplicationId", "video").Switch("Force").Expr("X", "$x"), nil},
		{"cmdlet with digits", Cmd("Get-CsX509Thing").Int("Port", 1), nil},
		{"no noun", Cmd("Enable"), []problem{{-1, ErrCmdletName}}},
		{"empty cmdlet", Cmd(""), []problem{{-1, ErrCmdletName}}},
		{"trailing dash", Cmd("Enable-"), []problem{{-1, ErrCmdletName}}},
		{"double dash", Cmd("Enable--CsTopology"), []problem{{-1, ErrCmdletName}}},
		{"space in cmdlet", Cmd("Enable-CsTopology; Remove-Item"), []problem{{-1, ErrCmdletName}}},
		{"non-ASCII cmdlet", Cmd("Enable-CsTopologé"), []problem{{-1, ErrCmdletName}}},
		{"dash in parameter", Cmd("New-CsX").Str("Application-Id", "v"), []problem{{0, ErrParamName}}},
		{"parameter with leading dash", Cmd("New-CsX").Switch("-Force"), []problem{{0, ErrParamName}}},
		{"parameter starting with a digit", Cmd("New-CsX").Int("5061", 1), []problem{{0, ErrParamName}}},
		{"empty parameter", Cmd("New-CsX").Str("", "v"), []problem{{0, ErrParamName}}},
		{"duplicate, other case", Cmd("New-CsX").Str("Identity", "a").Int("Port", 1).Str("identity", "b"),
			[]problem{{2, ErrDuplicateParam}}},
		{"empty expression", Cmd("New-CsX").Expr("Route", " "), []problem{{0, ErrEmptyValue}}},
		{"blank value by hand", &Command{Name: "New-CsX", Params: []Param{{Name: "A", Value: "  "}}}, []problem{{0, ErrEmptyValue}}},
		{"several at once", Cmd("bad name").Str("a b", "x").Expr("C", ""),
			[]problem{{-1, ErrCmdletName}, {0, ErrParamName}, {1, ErrEmptyValue}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cmd.Validate()
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate() = nil, want %v", tt.want)
			}
			joined, ok := err.(interface{ Unwrap() []error })
			if !ok {
				t.Fatalf("Validate() = %T, want a joined error", err)
			}
			got := joined.Unwrap()
			if len(got) != len(tt.want) {
				t.Fatalf("Validate() gave %d errors, want %d: %v", len(got), len(tt.want), err)
			}
			for i, w := range tt.want {
				if !errors.Is(got[i], w.err) {
					t.Errorf("error %d = %v, want %v", i, got[i], w.err)
				}
				var ne *NameError
				var pe *ParamError
				switch {
				case w.index < 0 && errors.As(got[i], &ne):
					if ne.Name != tt.cmd.Name {
						t.Errorf("NameError.Name = %q, want %q", ne.Name, tt.cmd.Name)
					}
				case w.index >= 0 && errors.As(got[i], &pe):
					if pe.Index != w.index || pe.Name != tt.cmd.Params[w.index].Name || pe.Cmdlet != tt.cmd.Name {
						t.Errorf("ParamError = %+v, want index %d of %s", pe, w.index, tt.cmd.Name)
					}
				default:
					t.Errorf("error %d = %T %v: want it to name index %d", i, got[i], got[i], w.index)
				}
			}
		})
	}
}

func TestErrorMessagesSayWhere(t *testing.T) {
	err := Cmd("New-CsX").Str("Identity", "a").Str("Application Id", "v").Validate()
	if err == nil || !strings.Contains(err.Error(), `New-CsX: parameter 2 -Application Id`) {
		t.Errorf("Validate() = %v: want the cmdlet, the position and the parameter", err)
	}
}
