package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/rppkit/rppkit/examples"
)

// labExit is what `rpp lab` must exit with on each example: 0 when every
// system comes up, 1 when the story breaks on the wire, and the phase at
// which it breaks, as the guidance tells the story.
var labExit = map[string]struct {
	code  int
	phase string // of the first failure, "" when none
}{
	"single-site.yaml":                    {0, ""},
	"two-site.yaml":                       {0, ""},
	"story-gruu-wrong-prefix.yaml":        {1, "service"},
	"story-legacy-ice-after-upgrade.yaml": {1, "configuration"},
	"story-rmx-not-in-topology.yaml":      {1, "connect"},
	"story-shared-certificate.yaml":       {1, "register"},
	"story-wildcard-certificate.yaml":     {1, "connect"},
	"story-realconnect-no-cascade.yaml":   {1, "route"},
	"story-video-not-accepted.yaml":       {1, "host"},
	"story-edge-not-in-dns.yaml":          {1, "service"},
	"story-edge-certificate.yaml":         {1, "service"},
}

type labFailure struct {
	Phase, Symptom string
	Rules          []string
}

type labJSON struct {
	SchemaVersion int    `json:"schemaVersion"`
	Tool          string `json:"tool"`
	Input         struct {
		Name, Origin string
	} `json:"input"`
	OK     bool `json:"ok"`
	Result struct {
		Systems []struct {
			Kind, Name, State string
			Failure           *labFailure
		}
		Calls []struct {
			Workflow, DMA, RMX              string
			Connected                       bool
			BytesSent, BytesReceived        int64
			LocalCandidate, RemoteCandidate string
			Failure                         *labFailure
		}
		Ladder []struct {
			From, To, Message string
			Status            int
		}
	} `json:"result"`
}

func TestLabExamples(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	for _, name := range exampleNames(t) {
		want, ok := labExit[name]
		if !ok {
			t.Errorf("%s: no expectation in labExit; add one", name)
			continue
		}
		t.Run(name, func(t *testing.T) {
			r := runRpp(t, "lab", "--format", "json", examplePath(name))
			if r.code != want.code {
				t.Fatalf("exit %d, want %d; stderr %q\n%s", r.code, want.code, r.stderr, r.stdout)
			}
			var rep labJSON
			if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
				t.Fatalf("not JSON: %v\n%s", err, r.stdout)
			}
			if rep.SchemaVersion != 1 || rep.Tool != "rpp" || rep.Input.Origin != "file" || rep.OK != (want.code == 0) {
				t.Errorf("header %+v, ok %v", rep.Input, rep.OK)
			}
			if len(rep.Result.Ladder) == 0 && want.phase != "configuration" {
				t.Error("empty SIP ladder")
			}
			var first *labFailure
			for _, s := range rep.Result.Systems {
				if s.Failure != nil && first == nil {
					first = s.Failure
				}
			}
			for _, c := range rep.Result.Calls {
				if c.Failure != nil && first == nil {
					first = c.Failure
				}
				if c.Workflow == "realconnect" && c.Connected && (c.BytesSent == 0 || c.BytesReceived == 0 || c.LocalCandidate != "relay" || c.RemoteCandidate != "relay") {
					t.Errorf("call through %s connected without media both ways through the relay: %+v", c.DMA, c)
				}
			}
			switch {
			case want.phase == "" && first != nil:
				t.Errorf("failure %+v, want none", first)
			case want.phase != "" && first == nil:
				t.Errorf("no failure, want one at %s", want.phase)
			case want.phase != "" && (first.Phase != want.phase || first.Symptom == "" || len(first.Rules) == 0):
				t.Errorf("failure %+v, want phase %s with its symptom and rules", first, want.phase)
			}
			if name == examples.Default && len(rep.Result.Calls) != 2 {
				t.Errorf("the bundled example (RealConnect, two DMAs) placed %d test calls, want 2", len(rep.Result.Calls))
			}
			// The text report says the same.
			text := runRpp(t, "lab", examplePath(name))
			if text.code != want.code || !strings.Contains(text.stdout, "SIP ladder") {
				t.Errorf("text: exit %d\n%s", text.code, text.stdout)
			}
			if want.phase != "" && !strings.Contains(text.stdout, "failed at "+want.phase+": ") {
				t.Errorf("text does not show the phase %s:\n%s", want.phase, text.stdout)
			}
		})
	}
}

func TestLabMermaid(t *testing.T) {
	r := runRpp(t, "lab", "--format", "mermaid", examplePath("story-gruu-wrong-prefix.yaml"))
	if r.code != 1 {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if lines[0] != "sequenceDiagram" {
		t.Fatalf("first line %q", lines[0])
	}
	for _, want := range []string{
		"participant p1 as rmx.woodgrove.com",
		"participant p2 as sfb.woodgrove.com",
		"p1->>p2: REGISTER sip:woodgrove.com",
		"p2-->>p1: 200 OK",
		"p1->>p2: SERVICE sip:edge.woodgrove.com@woodgrove.com#59;gruu#59;opaque=srvr:MRAS:",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("no %q in\n%s", want, r.stdout)
		}
	}
	for i, l := range lines[1:] {
		if strings.Count(l, ";") != strings.Count(l, "#59;")+strings.Count(l, "#35;")+strings.Count(l, "#lt;")+strings.Count(l, "#gt;")+strings.Count(l, "#quot;") {
			t.Errorf("line %d: unescaped ';' would end the Mermaid statement: %q", i+2, l)
		}
	}
}

func TestLabInputLikeCheck(t *testing.T) {
	// No file at a terminal: the bundled example, and the report says so.
	r := runRpp(t, "lab")
	if r.code != 0 || !strings.Contains(r.stdout, "Lab: "+examples.Default+" (the bundled example)") {
		t.Errorf("no file: exit %d\n%s\nstderr %q", r.code, r.stdout, r.stderr)
	}
	// Piped: standard input, never the example.
	data, err := examples.FS.ReadFile("story-wildcard-certificate.yaml")
	if err != nil {
		t.Fatal(err)
	}
	r = rppWith(t, bytes.NewReader(data), nil, "lab")
	if r.code != 1 || !strings.Contains(r.stdout, "(standard input)") || strings.Contains(r.stdout, examples.Default) {
		t.Errorf("piped story: exit %d\n%s", r.code, r.stdout)
	}
	// Bad input: exit 2 with exactly check's messages.
	dir := t.TempDir()
	for _, bf := range badFiles(t) {
		path := filepath.Join(dir, bf.name)
		if err := os.WriteFile(path, bf.data, 0o600); err != nil {
			t.Fatal(err)
		}
		lab, check := runRpp(t, "lab", path), runRpp(t, "check", path)
		if lab.code != 2 || lab.stderr != check.stderr || lab.stdout != "" {
			t.Errorf("%s: lab exit %d, stderr %q, stdout %q; want 2 and check's stderr %q", bf.name, lab.code, lab.stderr, lab.stdout, check.stderr)
		}
	}
	if r := runRpp(t, "lab", "a.yaml", "b.yaml"); r.code != 2 || !strings.Contains(r.stderr, "one deployment at a time") {
		t.Errorf("two files: exit %d, stderr %q", r.code, r.stderr)
	}
}

// TestLabInterrupted: Ctrl-C (the context's end) stops the lab with exit
// 130, never a report that passes for a finished run.
func TestLabInterrupted(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var stdout, stderr bytes.Buffer
	code := run(ctx, []string{"lab", examplePath("two-site.yaml")}, streams{stdout: &stdout, stderr: &stderr, stdinTerminal: true}, func(string) string { return "" })
	if code != exitInterrupted || stdout.Len() != 0 || !strings.Contains(stderr.String(), "interrupted") {
		t.Errorf("exit %d, stdout %q, stderr %q; want 130, nothing on stdout", code, stdout.String(), stderr.String())
	}
	// Interrupted in the middle: the RMXs are up and the test calls are
	// being placed (the whole run takes several hundred milliseconds).
	for _, after := range []time.Duration{20 * time.Millisecond, 150 * time.Millisecond, 300 * time.Millisecond} {
		ctx, cancel := context.WithTimeout(context.Background(), after)
		stdout.Reset()
		stderr.Reset()
		code := run(ctx, []string{"lab", examplePath("two-site.yaml")}, streams{stdout: &stdout, stderr: &stderr, stdinTerminal: true}, func(string) string { return "" })
		cancel()
		if code != exitInterrupted || stdout.Len() != 0 {
			t.Errorf("interrupted after %v: exit %d, stdout %q, stderr %q; want 130", after, code, stdout.String(), stderr.String())
		}
	}
}
