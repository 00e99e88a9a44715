package conformance

import (
	"context"
	"errors"
	"fmt"

	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/lync/lynctest"
	"github.com/rppkit/rppkit/rmx/rmxtest"
)

// ReferenceDevice is rppkit's RMX stand-in (rmx/rmxtest) as a device under
// test, with opts added after the kit's settings: the device the device/…
// cases are checked against, and a model for adapters of real devices.
func ReferenceDevice(opts ...rmxtest.Option) NewDevice {
	return func() DeviceUnderTest { return &referenceDevice{opts: opts} }
}

type referenceDevice struct {
	opts    []rmxtest.Option
	r       *rmxtest.RMX
	cascade *rmxtest.Cascade
}

// Join cascades into the meeting with rmxtest's Cascade.
func (d *referenceDevice) Join(ctx context.Context, focus string) error {
	u, err := lync.ParseConferenceURI(focus)
	if err != nil {
		return err
	}
	if d.r == nil {
		return rmxtest.ErrNotReady
	}
	d.cascade, err = d.r.Cascade(ctx, u)
	return err
}

func (d *referenceDevice) Start(ctx context.Context, env DeviceEnv) error {
	base := []rmxtest.Option{rmxtest.WithCertificate(env.Certificate), rmxtest.WithRootCAs(env.RootCAs),
		rmxtest.WithResolver(env.Resolve), rmxtest.WithTimeout(env.RequestTimeout),
		rmxtest.WithSubscribeRetries(env.Retries, env.RetryInterval), rmxtest.WithLogger(env.Logger)}
	d.r = rmxtest.New(env.System, append(base, d.opts...)...)
	_, err := d.r.Start(ctx)
	return err
}

func (d *referenceDevice) Close() error {
	if d.cascade != nil {
		_ = d.cascade.Close()
	}
	if d.r == nil {
		return nil
	}
	return d.r.Close()
}

// ReferenceLync starts rppkit's Lync stand-in (lync/lynctest) on the
// kit's deployment (examples/two-site.yaml) with opts, and describes it as
// a LyncUnderTest: the stand-in the lync/… cases are checked against. The
// caller calls stop when done.
func ReferenceLync(ctx context.Context, opts ...lynctest.Option) (l LyncUnderTest, stop func() error, err error) {
	d, err := kitDeployment(ctx, false)
	if err != nil {
		return l, nil, err
	}
	lab, err := lynctest.NewServer(ctx, &d.Lync, opts...)
	if err != nil {
		return l, nil, err
	}
	sys := d.RPP.RMX[0]
	fe := lab.FrontEnd(sys.SIP.Server)
	if fe == nil {
		lab.Close()
		return l, nil, fmt.Errorf("conformance: the kit's deployment has no Front End %s", sys.SIP.Server)
	}
	return LyncUnderTest{Name: "rppkit lync/lynctest", Addr: fe.Addr, ServerName: string(fe.FQDN), RootCAs: lab.CA.Pool(),
		Issue: lab.CA.Issue, RMX: sys}, lab.Close, nil
}

// EvaluateWire runs every wire case against rppkit's own stand-ins — the
// device/… cases with ReferenceDevice, the lync/… cases against
// ReferenceLync — and returns one Result: what `rpp conformance` reports
// for the wire. Options select and excuse cases as for the vectors; a
// prefix or known failure must name a wire case.
func EvaluateWire(ctx context.Context, opts ...Option) (*Result, error) {
	if _, _, err := selectWire(opts, WireCases()); err != nil {
		return nil, err
	}
	res := &Result{Subject: "rppkit stand-ins (rmx/rmxtest, lync/lynctest)"}
	for _, mode := range []struct {
		prefix string
		run    func(opts []Option) (*Result, error)
	}{
		{SubjectDevice + "/", func(opts []Option) (*Result, error) { return EvaluateDevice(ctx, ReferenceDevice(), opts...) }},
		{SubjectLync + "/", func(opts []Option) (*Result, error) {
			l, stop, err := ReferenceLync(ctx)
			if err != nil {
				return nil, err
			}
			defer stop()
			return EvaluateLync(ctx, l, opts...)
		}},
	} {
		mopts, ok := modeOptions(opts, mode.prefix)
		if !ok {
			continue
		}
		r, err := mode.run(mopts)
		if errors.Is(err, ErrNoCases) {
			continue // the options select nothing of this mode
		}
		if err != nil {
			return res, err
		}
		for _, c := range r.Cases {
			res.add(c)
		}
	}
	return res, nil
}

// modeOptions keeps, of opts, what applies to the cases of one mode: the
// prefixes that can select its cases and the known failures among them.
// false when the prefixes given select none of its cases.
func modeOptions(opts []Option, prefix string) ([]Option, bool) {
	cfg := &config{}
	for _, o := range opts {
		o(cfg)
	}
	var out []Option
	if len(cfg.prefixes) > 0 {
		var keep []string
		for _, p := range cfg.prefixes {
			if len(p) <= len(prefix) && prefix[:len(p)] == p || len(p) > len(prefix) && p[:len(prefix)] == prefix {
				keep = append(keep, p)
			}
		}
		if len(keep) == 0 {
			return nil, false
		}
		out = append(out, Prefix(keep...))
	}
	for _, l := range cfg.levels {
		out = append(out, OnlyLevel(l))
	}
	if cfg.lenient {
		out = append(out, Lenient())
	}
	for id, reason := range cfg.known {
		if len(id) > len(prefix) && id[:len(prefix)] == prefix {
			out = append(out, KnownFailing(KnownFailure{ID: id, Reason: reason}))
		}
	}
	return out, true
}
