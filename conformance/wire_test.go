package conformance_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"github.com/joshdk/go-junit"
	"go.uber.org/goleak"

	"github.com/rppkit/rppkit/conformance"
	"github.com/rppkit/rppkit/lync/lynctest"
	"github.com/rppkit/rppkit/rmx"
	"github.com/rppkit/rppkit/rmx/rmxtest"
)

// TestWireReferenceDevice: rppkit's RMX stand-in passes every device/…
// case.
func TestWireReferenceDevice(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	res := conformance.RunDevice(t, conformance.ReferenceDevice())
	if res.Summary.Failed != 0 || res.Summary.Skipped != 0 || res.Summary.Passed != countPrefix(conformance.WireCases(), "device/") {
		t.Errorf("summary %+v", res.Summary)
	}
}

// TestWireReferenceLync: rppkit's Lync stand-in passes every lync/… case.
func TestWireReferenceLync(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	l, stop, err := conformance.ReferenceLync(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	res := conformance.RunLync(t, l)
	if res.Summary.Failed != 0 || res.Summary.Skipped != 0 || res.Summary.Passed != countPrefix(conformance.WireCases(), "lync/") {
		t.Errorf("summary %+v", res.Summary)
	}
}

func countPrefix(cases []conformance.About, prefix string) (n int) {
	for _, c := range cases {
		if len(c.ID) > len(prefix) && c.ID[:len(prefix)] == prefix {
			n++
		}
	}
	return n
}

// editedDevice is the reference device with its configuration changed
// before it starts: a device configured wrongly.
type editedDevice struct {
	conformance.DeviceUnderTest
	edit func(*conformance.DeviceEnv)
}

func (d editedDevice) Start(ctx context.Context, env conformance.DeviceEnv) error {
	d.edit(&env)
	return d.DeviceUnderTest.Start(ctx, env)
}

func (d editedDevice) Join(ctx context.Context, focus string) error {
	return d.DeviceUnderTest.(conformance.MeetingJoiner).Join(ctx, focus)
}

// TestWireWrongDevices proves the device/… cases can fail: each wrong
// device fails exactly the cases named for it, and no other.
func TestWireWrongDevices(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	for _, tc := range []struct {
		name   string
		device conformance.NewDevice
		fails  []string
		// skips are the cases that cannot be judged: a device whose MRAS
		// request fails has no relay credentials to join a meeting with.
		skips []string
	}{
		{"no ms-piggyback-first-notify", conformance.ReferenceDevice(rmxtest.WithoutPiggyback()),
			[]string{"device/provisioning/piggyback"}, nil},
		{"sip: kept in the Contact", func() conformance.DeviceUnderTest {
			return editedDevice{conformance.ReferenceDevice()(), func(env *conformance.DeviceEnv) {
				env.System.Flags = cloneFlags(env.System.Flags)
				v, _ := env.System.Flags.ContactOverride()
				env.System.Flags["SIP_CONTACT_OVERRIDE_STR"] = "sip:" + v
			}}
		}, []string{"device/mras/contact"}, []string{"device/conference/avmcu-sdp", "device/conference/focus-first"}},
		// A SERVICE refused for its content type (415) never reaches MRAS,
		// so the device cannot see MRAS's Forbidden either.
		{"a wrong content type", conformance.ReferenceDevice(rmxtest.WithServiceContentType("application/xml")),
			[]string{"device/mras/content-type", "device/mras/forbidden-status"}, []string{"device/conference/avmcu-sdp", "device/conference/focus-first"}},
		{"no keep-alive", conformance.ReferenceDevice(rmxtest.WithoutKeepAlive()),
			[]string{"device/keep-alive/within-timeout"}, nil},
		{"INVITE to the AV MCU before addUser", conformance.ReferenceDevice(rmxtest.WithoutFocusJoin()),
			[]string{"device/conference/focus-first"}, nil},
		{"an AV MCU offer not labelled application/sdp", conformance.ReferenceDevice(rmxtest.WithAVMCUContentType("text/plain")),
			[]string{"device/conference/avmcu-sdp"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := conformance.EvaluateDevice(context.Background(), tc.device)
			if err != nil {
				t.Fatal(err)
			}
			if got := res.Failed(); !slices.Equal(got, tc.fails) {
				var b bytes.Buffer
				_ = res.WriteJSON(&b)
				t.Errorf("failed %q, want exactly %q\n%s", got, tc.fails, b.String())
			}
			var skipped []string
			for _, c := range res.Cases {
				if c.Status == conformance.Skip {
					skipped = append(skipped, c.ID)
				}
			}
			if !slices.Equal(skipped, tc.skips) {
				t.Errorf("skipped %q, want %q", skipped, tc.skips)
			}
		})
	}
}

// TestWireWrongLync proves the lync/… cases can fail: a Lync stand-in
// that accepts any certificate fails exactly the trust cases that present
// a certificate Lync refuses.
func TestWireWrongLync(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	l, stop, err := conformance.ReferenceLync(context.Background(), lynctest.WithTrustAnyCertificate())
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	res, err := conformance.EvaluateLync(context.Background(), l)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"lync/trust/no-san", "lync/trust/other-ca", "lync/trust/wildcard"}
	if got := res.Failed(); !slices.Equal(got, want) {
		t.Errorf("failed %q, want exactly %q", got, want)
	}
}

// TestWireReports checks that a wire run reports per case with IDs, in
// JSON and JUnit, and that the options are checked as for the vectors.
func TestWireReports(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	ctx := context.Background()
	res, err := conformance.EvaluateWire(ctx, conformance.Prefix("lync/malformed/", "device/provisioning/no-edge"),
		conformance.KnownFailing(conformance.KnownFailure{ID: "lync/malformed/version", Reason: "testing the list"}))
	if err != nil {
		t.Fatal(err)
	}
	// The known failure passes, so the run fails it as stale.
	if got := res.Failed(); !slices.Equal(got, []string{"lync/malformed/version"}) {
		t.Errorf("failed %q, want the stale known failure only", got)
	}
	if n := len(res.Cases); n != 1+countPrefix(conformance.WireCases(), "lync/malformed/") {
		t.Errorf("%d cases", n)
	}
	var js bytes.Buffer
	if err := res.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var decoded struct {
		Cases []struct{ ID, Status, Subject string } `json:"cases"`
	}
	if err := json.Unmarshal(js.Bytes(), &decoded); err != nil || len(decoded.Cases) != len(res.Cases) {
		t.Fatalf("JSON: %v\n%s", err, js.String())
	}
	var x bytes.Buffer
	if err := res.WriteJUnit(&x); err != nil {
		t.Fatal(err)
	}
	suites, err := junit.Ingest(x.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	for _, s := range suites {
		for _, c := range s.Tests {
			names[c.Name] = string(c.Status)
		}
	}
	if len(names) != len(res.Cases) || names["device/provisioning/no-edge"] != "passed" || names["lync/malformed/version"] != "failed" {
		t.Errorf("JUnit cases %v", names)
	}

	for _, tc := range []struct {
		opts []conformance.Option
		want error
	}{
		{[]conformance.Option{conformance.Prefix("device/nothing/")}, conformance.ErrNoCases},
		{[]conformance.Option{conformance.KnownFailing(conformance.KnownFailure{ID: "device/none", Reason: "x"})}, conformance.ErrUnknownCase},
		{[]conformance.Option{conformance.OnlyLevel("may")}, conformance.ErrUnknownLevel},
	} {
		if _, err := conformance.EvaluateWire(ctx, tc.opts...); !errors.Is(err, tc.want) {
			t.Errorf("%v, want %v", err, tc.want)
		}
	}
}

func cloneFlags(f rmx.Flags) rmx.Flags {
	out := rmx.Flags{}
	for k, v := range f {
		out[k] = v
	}
	return out
}
