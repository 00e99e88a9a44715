package dmatest_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/rppkit/rppkit/dma/dmatest"
	"github.com/rppkit/rppkit/examples"
	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/lync/lynctest"
	"github.com/rppkit/rppkit/rmx"
	"github.com/rppkit/rppkit/rmx/rmxtest"
	"github.com/rppkit/rppkit/rpp"
)

// RealConnect on a laptop: a Lync meeting in the lab, the deployment's RMX
// with ICE up, its DMA driving it; a meeting-room endpoint dials the
// meeting's conference ID and lands in the meeting, and a wrong ID gets
// the DMA's refusal.
func Example() {
	ctx := context.Background()
	d, _ := rpp.LoadFS(ctx, examples.FS, "two-site.yaml")
	lab, err := lynctest.NewServer(ctx, &d.Lync)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer lab.Close()
	alice, _ := lync.ParseSIPAddress("sip:alice@contoso.com")
	meeting, _ := lab.CreateMeeting(alice, lynctest.WithDialInID("4411223"))

	r, _ := rmxtest.ForLab(lab, d.RPP.RMX[0])
	defer r.Close()
	if _, err := r.Start(ctx); err != nil {
		fmt.Println(err)
		return
	}
	rmx := dmatest.MCUFunc(func(ctx context.Context, focus lync.ConferenceURI) (dmatest.Link, error) {
		return r.Cascade(ctx, focus)
	})
	dm, _ := dmatest.ForLab(lab, d.RPP.DMA[0], dmatest.WithMCU(d.RPP.RMX[0].Name, rmx))
	defer dm.Close()
	addr, _ := dm.Start(ctx)

	call, err := dmatest.Dial(ctx, addr, "4411223")
	if err != nil {
		fmt.Println(err)
		return
	}
	c := dm.Calls()[0]
	fmt.Printf("%s: %d, resolved by %s, cascaded by %s\n", c.Number, c.Status, c.Peer, c.MCU)
	p := meeting.Roster()[0]
	fmt.Printf("AV MCU: %s, %s/%s\n", p.Media, p.LocalCandidate, p.RemoteCandidate)
	call.Hangup(ctx)
	call.Close()

	_, err = dmatest.Dial(ctx, addr, "9999999")
	var refused *dmatest.RefusedError
	if errors.As(err, &refused) {
		fmt.Println("9999999:", refused.Status, errors.Is(dm.Calls()[1].Err, dmatest.ErrConferenceNotFound))
	}
	// Output:
	// 4411223: 200, resolved by fe-east, cascaded by rmx-east
	// AV MCU: connected, relay/relay
	// 9999999: 404 true
}

// The traditional workflow on a laptop: a Lync user calls a VMR at the
// static route's domain; Lync routes the call over MTLS to the DMA, which
// hands it to the RMX hosting its VMRs. The story's RMX never encrypts and
// Lync clients always do: "video not accepted", 488 with 52017.
func Example_traditional() {
	ctx := context.Background()
	d, _ := rpp.LoadFS(ctx, examples.FS, "story-video-not-accepted.yaml")
	lab, err := lynctest.NewServer(ctx, &d.Lync)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer lab.Close()
	r, _ := rmxtest.ForLab(lab, d.RPP.RMX[0])
	defer r.Close()
	host := dmatest.VMRHostFunc(func(ctx context.Context, vmr string, offer []byte) ([]byte, dmatest.Link, error) {
		c, err := r.HostVMR(ctx, vmr, offer)
		if err != nil {
			return nil, nil, err
		}
		return c.Answer, c, nil
	})
	sys := d.RPP.DMA[0]
	dm, _ := dmatest.ForLab(lab, sys, dmatest.WithVMRHost(d.RPP.RMX[0].Name, host))
	defer dm.Close()
	dm.Start(ctx)
	lab.SetComputerAddress(sys.FQDN, sys.SIPPort(), dm.TLSAddr())

	to := "sip:" + sys.VMRs[0] + "@" + d.Lync.StaticRoutes[0].MatchURI
	call, err := lab.Route(ctx, d.Lync.Users[0], to)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s via %s: %d %s (%s)\n", to, call.Route.Destination, call.Status, call.Reason, call.Diagnostics)
	c := dm.Calls()[0]
	fmt.Println("the DMA's call log:", c.MCU, errors.Is(c.Err, rmx.SymptomVideoNotAccepted))

	call, _ = lab.Route(ctx, d.Lync.Users[0], to, lynctest.WithClientEncryption(lynctest.SupportEncryption))
	fmt.Println("unencrypted client:", call.Status)
	call.Hangup(ctx)
	// Output:
	// sip:7000@vc.litware.com via dma.litware.com: 488 Not Acceptable Here (52017;reason="Encryption levels dont match")
	// the DMA's call log: rmx true
	// unencrypted client: 200
}
