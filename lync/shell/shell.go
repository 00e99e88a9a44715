package shell

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// isSingleQuote reports whether PowerShell's tokenizer takes r as a single
// quote: the apostrophe and the four typographic single quotes U+2018,
// U+2019, U+201A and U+201B. Sources: the PowerShell Language Specification
// 3.0, §2.3.5.2 (single-quote-character); PowerShell's tokenizer,
// CharExtensions.IsSingleQuote in engine/parser/CharTraits.cs; and
// about_Quoting_Rules ("PowerShell treats smart quotation marks … as normal
// quotation marks for strings"). An admin's names pasted from a document
// often carry them (O’Brien), and left alone one would end the string.
func isSingleQuote(r rune) bool {
	switch r {
	case '\'', '\u2018', '\u2019', '\u201A', '\u201B':
		return true
	}
	return false
}

// Quote returns s as a PowerShell single-quoted string, O'Brien as
//
//	'O''Brien'
//
// Every character is literal inside single quotes except the quote itself, which
// is doubled — including the typographic quotes U+2018, U+2019, U+201A and
// U+201B, which PowerShell also treats as single quotes. PowerShell's
// tokenizer reads two quote characters in a row as the second one, so each
// doubled character comes back as itself.
//
// Quote accepts any string: newlines, NUL, '$' and '`' are literal in a
// verbatim string. Bytes that are not UTF-8 are copied unchanged.
func Quote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('\'')
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if isSingleQuote(r) {
			b.WriteString(s[i : i+n])
		}
		b.WriteString(s[i : i+n]) // as it is, even a byte that is not UTF-8
		i += n
	}
	b.WriteByte('\'')
	return b.String()
}

// Command is one cmdlet invocation: Name and its parameters in order.
type Command struct {
	Name   string
	Params []Param
}

// Param is -Name Value. Value is already-rendered PowerShell (use the
// constructors on [Command]); "" makes a switch parameter (-Force).
type Param struct {
	Name  string
	Value string
}

// Cmd starts a command for the cmdlet name (Verb-Noun, such as
// New-CsTrustedApplicationEndpoint).
func Cmd(name string) *Command { return &Command{Name: name} }

// Str adds -name 'v', v quoted with [Quote].
func (c *Command) Str(name, v string) *Command {
	return c.add(name, Quote(v))
}

// Int adds -name v. A negative number is parenthesised so that nothing can
// read it as a parameter name.
func (c *Command) Int(name string, v int) *Command {
	s := strconv.Itoa(v)
	if v < 0 {
		s = "(" + s + ")"
	}
	return c.add(name, s)
}

// Bool adds -name $true or -name $false, the form a [bool] parameter such
// as -Enabled takes. (A switch parameter is set with [Command.Switch].)
func (c *Command) Bool(name string, v bool) *Command {
	if v {
		return c.add(name, "$true")
	}
	return c.add(name, "$false")
}

// Switch adds -name with no value: a switch parameter such as -Force.
func (c *Command) Switch(name string) *Command {
	return c.add(name, "")
}

// Expr adds -name followed by a PowerShell expression, such as a value read
// earlier in the script: (Get-CsSite -Identity 'Site1').SiteId. The
// expression is written as given — it is code, not a value, so never pass
// text from a deployment file here: use [Command.Str]. It is parenthesised
// unless it is already a simple variable ($gruu) or wholly parenthesised,
// because in argument mode PowerShell would otherwise take a bare
// expression such as $a.B + 1 as several arguments. An empty expression
// renders as () and [Command.Validate] refuses it.
func (c *Command) Expr(name, expr string) *Command {
	expr = strings.TrimSpace(expr)
	if !isVariable(expr) && !whollyParenthesised(expr) {
		expr = "(" + expr + ")"
	}
	return c.add(name, expr)
}

func (c *Command) add(name, value string) *Command {
	c.Params = append(c.Params, Param{Name: name, Value: value})
	return c
}

// String renders the command on one line:
// New-CsX -Identity 'a' -Port 5061 -Force. It renders whatever the command
// holds; call [Command.Validate] to know that PowerShell can read it.
func (c *Command) String() string {
	var b strings.Builder
	b.WriteString(c.Name)
	for _, p := range c.Params {
		b.WriteString(" -")
		b.WriteString(p.Name)
		if p.Value != "" {
			b.WriteByte(' ')
			b.WriteString(p.Value)
		}
	}
	return b.String()
}

// Errors from [Command.Validate], wrapped in a [*NameError] or a
// [*ParamError] that says where.
var (
	// ErrCmdletName: the cmdlet name is not Verb-Noun made of ASCII letters
	// and digits.
	ErrCmdletName = errors.New("not a cmdlet name (Verb-Noun, ASCII letters and digits)")
	// ErrParamName: a parameter name is not ASCII letters and digits
	// starting with a letter.
	ErrParamName = errors.New("not a parameter name (ASCII letters and digits, starting with a letter)")
	// ErrDuplicateParam: the parameter is given twice, which PowerShell
	// refuses ("parameter … is specified more than once"); names compare
	// without regard to case, as PowerShell compares them.
	ErrDuplicateParam = errors.New("parameter given more than once")
	// ErrEmptyValue: a parameter value is blank, or an empty expression
	// (); a switch parameter has Value "" exactly.
	ErrEmptyValue = errors.New("empty value (a switch has Value \"\"; an expression cannot be empty)")
)

// NameError says that the cmdlet name cannot be typed as given.
type NameError struct {
	Name string
	Err  error // ErrCmdletName
}

func (e *NameError) Error() string { return fmt.Sprintf("cmdlet %q: %v", e.Name, e.Err) }
func (e *NameError) Unwrap() error { return e.Err }

// ParamError says which parameter of which cmdlet is wrong.
type ParamError struct {
	Cmdlet string
	Index  int // in Command.Params
	Name   string
	Err    error // ErrParamName, ErrDuplicateParam or ErrEmptyValue
}

func (e *ParamError) Error() string {
	return fmt.Sprintf("%s: parameter %d -%s: %v", e.Cmdlet, e.Index+1, e.Name, e.Err)
}
func (e *ParamError) Unwrap() error { return e.Err }

// Validate reports every name PowerShell could not read as the cmdlet or
// parameter intended, every parameter given twice and every blank value,
// joined (errors.Is finds each sentinel, errors.As each [*NameError] and
// [*ParamError]). Names are limited to ASCII letters and digits, as every
// Lync Server cmdlet and parameter is: anything else is a typo or an
// injection, not a cmdlet.
func (c *Command) Validate() error {
	var errs []error
	if !isCmdletName(c.Name) {
		errs = append(errs, &NameError{Name: c.Name, Err: ErrCmdletName})
	}
	seen := map[string]bool{}
	for i, p := range c.Params {
		switch {
		case !isParamName(p.Name):
			errs = append(errs, &ParamError{Cmdlet: c.Name, Index: i, Name: p.Name, Err: ErrParamName})
		case seen[strings.ToLower(p.Name)]:
			errs = append(errs, &ParamError{Cmdlet: c.Name, Index: i, Name: p.Name, Err: ErrDuplicateParam})
		}
		seen[strings.ToLower(p.Name)] = true
		if p.Value != "" && (strings.TrimSpace(p.Value) == "" || isEmptyParens(p.Value)) {
			errs = append(errs, &ParamError{Cmdlet: c.Name, Index: i, Name: p.Name, Err: ErrEmptyValue})
		}
	}
	return errors.Join(errs...)
}

func isCmdletName(s string) bool {
	parts := strings.Split(s, "-")
	if len(parts) < 2 {
		return false
	}
	for _, p := range parts {
		if p == "" || !isAlnum(p) {
			return false
		}
	}
	return true
}

func isParamName(s string) bool {
	return s != "" && isLetter(s[0]) && isAlnum(s)
}

func isAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isLetter(s[i]) && !('0' <= s[i] && s[i] <= '9') {
			return false
		}
	}
	return true
}

func isLetter(b byte) bool { return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' }

// isVariable: $name or $scope:name, ASCII letters, digits and '_'.
func isVariable(s string) bool {
	if len(s) < 2 || s[0] != '$' {
		return false
	}
	name := s[1:]
	if scope, rest, ok := strings.Cut(name, ":"); ok {
		return isIdent(scope) && isIdent(rest)
	}
	return isIdent(name)
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isLetter(s[i]) && !('0' <= s[i] && s[i] <= '9') && s[i] != '_' {
			return false
		}
	}
	return true
}

func isEmptyParens(s string) bool {
	s = strings.TrimSpace(s)
	return len(s) >= 2 && s[0] == '(' && s[len(s)-1] == ')' && strings.TrimSpace(s[1:len(s)-1]) == ""
}

// wholly parenthesised: the '(' that opens s is closed by its last byte.
// Quoted strings are skipped so that ('(') counts as one group; anything the
// scan is unsure of is reported false, and an extra pair of parentheses is
// harmless.
func whollyParenthesised(s string) bool {
	if len(s) < 2 || s[0] != '(' || s[len(s)-1] != ')' {
		return false
	}
	depth := 0
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		switch r := rs[i]; {
		case r == '(':
			depth++
		case r == ')':
			depth--
			if depth == 0 {
				return i == len(rs)-1
			}
		case isSingleQuote(r):
			i = skipSingleQuoted(rs, i)
			if i < 0 {
				return false
			}
		case r == '"' || r == '\u201C' || r == '\u201D' || r == '\u201E' || r == '`' || r == '#':
			// Double-quoted strings nest subexpressions, a backtick escapes
			// and '#' may start a comment: leave those to the wrapping.
			return false
		}
	}
	return false
}

// skipSingleQuoted returns the index of the quote closing the single-quoted
// string opening at rs[i], or -1 if it is not closed.
func skipSingleQuoted(rs []rune, i int) int {
	for j := i + 1; j < len(rs); j++ {
		if isSingleQuote(rs[j]) {
			if j+1 < len(rs) && isSingleQuote(rs[j+1]) {
				j++
				continue
			}
			return j
		}
	}
	return -1
}
