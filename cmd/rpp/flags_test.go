package main

import (
	"errors"
	"flag"
	"strings"
	"testing"
)

// FuzzParseFlags: any command line parses or is refused as a usage error
// (or a request for help); what parses keeps its operands in order, each an
// argument as given.
func FuzzParseFlags(f *testing.F) {
	for _, s := range []string{"a.yaml\x00--strict", "--format\x00json\x00-", "--fromat=x", "--\x00--strict", "-h", "--format", "--strict=maybe", "--fix\x00--diff\x00a", "--output\x00json=r.json\x00--output=sarif=-", "--enable\x00a,,b", "--disable=x\x00--fail-on\x00warning\x00--strict", "--config\x00.rpp.yaml\x00--show-suppressed\x00a.yaml", "--no-suppress=true\x00--config=-", "--config"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		args := strings.Split(line, "\x00")
		var opts checkOptions
		operands, err := opts.flagSet().parse(args)
		if err != nil {
			if !errors.Is(err, errUsage) && !errors.Is(err, flag.ErrHelp) {
				t.Fatalf("parse(%q): %v is neither a usage error nor help", args, err)
			}
			return
		}
		i := 0
		for _, op := range operands {
			for i < len(args) && args[i] != op {
				i++
			}
			if i == len(args) {
				t.Fatalf("parse(%q) = %q: operand %q is not an argument in order", args, operands, op)
			}
			i++
		}
		if opts.format.value == "" {
			t.Fatalf("parse(%q) left no format", args)
		}
	})
}
