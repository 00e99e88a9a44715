package report_test

import (
	"context"
	"fmt"
	"os"

	"github.com/rppkit/rppkit/examples"
	"github.com/rppkit/rppkit/rmx"
	"github.com/rppkit/rppkit/rpp"
	"github.com/rppkit/rppkit/rpp/report"
)

// A CI step that runs one rule and annotates the pull request: select the
// rule, check, write GitHub workflow commands, exit by the threshold.
func ExampleWriteGitHub() {
	rules, err := report.SelectRules(rpp.Catalogue(), []string{"rmx-contact-override-prefix"}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	in := report.Check(context.Background(), "story-gruu-wrong-prefix.yaml", report.FromFile,
		func(ctx context.Context) (*rpp.Deployment, error) {
			return rpp.LoadFS(ctx, examples.FS, "story-gruu-wrong-prefix.yaml")
		}, rpp.Options{Rules: rules})
	inputs := []report.Input{in}
	if err := report.WriteGitHub(os.Stdout, inputs, report.Options{Rules: rules}); err != nil {
		fmt.Println(err)
	}
	fmt.Println("exit", report.ExitCode(inputs, rpp.Warning))
	// Output:
	// ::error file=story-gruu-wrong-prefix.yaml,line=39,col=9,title=rmx-contact-override-prefix::rmx's SIP_CONTACT_OVERRIDE_STR begins with "sip:"; the RMX wants the Service GRUU without it. Fix: remove the sip: prefix
	// exit 1
}

// Finding the rules behind an alarm: the best match first, with why.
func ExampleMatchSymptom() {
	denied := &rmx.Symptom{Text: "Service credential denied", Where: rmx.AlarmList}
	rules := []*rpp.Rule{
		{ID: "acme-tls", Symptoms: []*rmx.Symptom{{Text: "TLS connection denied", Where: rmx.Signaling}}},
		{ID: "acme-endpoint", Symptoms: []*rmx.Symptom{denied}},
	}
	for _, m := range report.MatchSymptom(rules, "09:14 ALARM: service credentials denied.") {
		fmt.Printf("%s: %s of %q %v\n", m.Rule.ID, m.Kind, m.Symptom.Text, m.Words)
	}
	// Output:
	// acme-endpoint: exact phrase of "Service credential denied" []
	// acme-tls: some words of "TLS connection denied" [denied]
}
