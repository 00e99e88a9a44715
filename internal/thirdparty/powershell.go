package thirdparty

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// No PowerShell runs here (it comes from NuGet), so generated scripts are
// checked against the PowerShell grammar of tree-sitter-powershell instead,
// loaded as its bundled .wasm by web-tree-sitter in Node: the tree-sitter
// CLI's npm package downloads its binary at install time, which cannot be
// fetched here, and the grammar's native binding needs a compiler.
//
// The versions are pinned: web-tree-sitter 0.24 and older refuse the
// grammar's language version 15 ("Incompatible language version 15.
// Compatibility range 13 through 14") and export Parser as the module
// itself, while 0.25 and later export {Parser, Language}; a new grammar
// release may also change what parses. web-tree-sitter 0.27.2 with
// tree-sitter-powershell 0.26.4 (language version 15) were verified on Node
// 20. .ci/run installs the same versions.

// PowerShellParserPackages is what to install, with npm, into the folder
// that RPP_TREE_SITTER_DIR names.
const PowerShellParserPackages = "web-tree-sitter@0.27.2 tree-sitter-powershell@0.26.4"

// PowerShellParserDirEnv names the environment variable that holds the
// folder whose node_modules has [PowerShellParserPackages].
const PowerShellParserDirEnv = "RPP_TREE_SITTER_DIR"

// ErrNoPowerShellParser: Node or the npm packages are not installed.
var ErrNoPowerShellParser = errors.New("no PowerShell parser (node, with npm web-tree-sitter and tree-sitter-powershell)")

//go:embed powershell_parse.cjs
var powerShellHarness []byte

// SyntaxError is one node of the parse tree that tree-sitter-powershell
// could not make sense of.
type SyntaxError struct {
	// Line and Column are 1-based; Column counts bytes of the line, as Go's
	// go/token does.
	Line, Column int
	// Kind is "ERROR" (text the grammar could not place) or "MISSING" (a
	// token the grammar had to assume, such as a closing brace).
	Kind string
	// Text is, for ERROR, the start of the text in error (up to 60
	// characters, one line) and, for MISSING, the token assumed: "}", ")".
	Text string
	// Context is the script's line where the node starts (up to 120
	// characters).
	Context string
}

func (e SyntaxError) String() string {
	what := fmt.Sprintf("%s %q", e.Kind, e.Text)
	if e.Kind == "MISSING" {
		what = fmt.Sprintf("missing %q", e.Text)
	}
	return fmt.Sprintf("%d:%d: %s in: %s", e.Line, e.Column, what, e.Context)
}

// ParsePowerShell parses each script with tree-sitter-powershell, all in
// one Node process, and returns for each name the ERROR and MISSING nodes
// of its tree in document order: an empty list means the script parses.
// dir is the folder whose node_modules holds [PowerShellParserPackages]
// (see [PowerShellParserDir]). Node is killed when ctx ends.
//
// An ERROR is reported where the grammar gave up, which for an
// unterminated string is its opening quote; a MISSING token where the
// grammar had to assume it, which for a brace left open is the end of the
// file, not the brace.
//
// A grammar is not PowerShell: a script that parses can still fail when
// run (an unknown cmdlet, a wrong parameter), and the grammar may refuse
// the odd construct PowerShell accepts: tree-sitter-powershell 0.26.4
// refuses a script with no statement (empty or comments only), and takes
// the typographic quotes U+2018–U+201B for plain characters where
// PowerShell ends a string on them (lync/shell's Quote doubles them, so its
// output reads the same to both). What it does catch is what
// generated code gets wrong: unterminated strings, unbalanced braces and
// parentheses, an if without its block.
func ParsePowerShell(ctx context.Context, dir string, scripts map[string][]byte) (map[string][]SyntaxError, error) {
	return parsePowerShell(ctx, dir, scripts, liftoffOnly)
}

// liftoffOnly has V8 compile the grammar's 1 MB of WebAssembly with its
// baseline compiler only. Without it, V8 also compiles the module with its
// optimising compiler in the background, and Node cannot exit until that
// is done: BenchmarkParsePowerShell compares the two.
const liftoffOnly = "--liftoff-only"

func parsePowerShell(ctx context.Context, dir string, scripts map[string][]byte, flags ...string) (map[string][]SyntaxError, error) {
	node, err := powerShellParserReady(dir)
	if err != nil {
		return nil, err
	}
	if dir, err = filepath.Abs(dir); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "rpp-powershell-parse-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	harness := filepath.Join(tmp, "powershell_parse.cjs")
	if err := os.WriteFile(harness, powerShellHarness, 0o644); err != nil {
		return nil, err
	}
	input, err := json.Marshal(scripts) // []byte as base64: any bytes pass
	if err != nil {
		return nil, err
	}
	var stdout, stderr bytes.Buffer
	args := append(append([]string{}, flags...), harness, dir)
	cmd := exec.CommandContext(ctx, node, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = bytes.NewReader(input), &stdout, &stderr
	cmd.SysProcAttr = ProcAttr()
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("parsing PowerShell: %w (node: %w)", ctx.Err(), err)
		}
		return nil, fmt.Errorf("parsing PowerShell with tree-sitter-powershell in %s: %w: %s", dir, err, strings.TrimSpace(stderr.String()))
	}
	var out map[string][]SyntaxError
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		return nil, fmt.Errorf("parsing PowerShell: the harness printed no result: %w (stderr: %s)", err, strings.TrimSpace(stderr.String()))
	}
	for name := range scripts {
		if _, ok := out[name]; !ok {
			return nil, fmt.Errorf("parsing PowerShell: the harness gave no result for %q", name)
		}
	}
	return out, nil
}

// PowerShellParserDir returns the folder that the environment variable
// RPP_TREE_SITTER_DIR names, once it is known to hold the packages and
// node is on PATH; otherwise an error wrapping [ErrNoPowerShellParser] that
// says what is missing and how to install it.
func PowerShellParserDir() (string, error) {
	dir := os.Getenv(PowerShellParserDirEnv)
	if dir == "" {
		return "", fmt.Errorf("%w: %s is not set (npm install --ignore-scripts --prefix DIR %s, then %s=DIR; .ci/run does this)",
			ErrNoPowerShellParser, PowerShellParserDirEnv, PowerShellParserPackages, PowerShellParserDirEnv)
	}
	if _, err := powerShellParserReady(dir); err != nil {
		return "", err
	}
	return dir, nil
}

// RequirePowerShellParser returns [PowerShellParserDir] or skips the test
// saying what to install.
func RequirePowerShellParser(t testing.TB) string {
	t.Helper()
	dir, err := PowerShellParserDir()
	if err != nil {
		Missing(t, "%v", err)
	}
	return dir
}

// powerShellParserReady finds node and checks that dir has the packages.
func powerShellParserReady(dir string) (node string, err error) {
	node, err = exec.LookPath("node")
	if err != nil {
		if node, err = exec.LookPath("nodejs"); err != nil {
			return "", fmt.Errorf("%w: node not found in PATH (Debian package nodejs)", ErrNoPowerShellParser)
		}
	}
	for _, f := range []string{
		"node_modules/web-tree-sitter/package.json",
		"node_modules/tree-sitter-powershell/tree-sitter-powershell.wasm",
	} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			return "", fmt.Errorf("%w: %v (npm install --ignore-scripts --prefix %s %s)", ErrNoPowerShellParser, err, dir, PowerShellParserPackages)
		}
	}
	return node, nil
}
