package rmxtest_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/rppkit/rppkit/examples"
	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/lync/lynctest"
	"github.com/rppkit/rppkit/rmx/rmxtest"
	"github.com/rppkit/rppkit/rpp"
)

// Start a Lync Front End and Edge for a deployment, bring each RMX up
// against it the way the device does, and print its ICE status.
func Example() {
	d, _ := rpp.LoadFS(context.Background(), examples.FS, "single-site.yaml")
	lab, err := lynctest.NewServer(context.Background(), &d.Lync)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer lab.Close()
	for _, sys := range d.RPP.RMX {
		r, err := rmxtest.ForLab(lab, sys)
		if err != nil {
			fmt.Println(err)
			return
		}
		st, err := r.Start(context.Background())
		r.Close()
		fmt.Printf("%s (RMX %s, %s method): %s, err %v\n", sys.Name, sys.Version, st.Method, st.State, err)
	}

	// The same RMX with its flag pasted with sip:, on firmware that does not
	// strip it: Lync refuses the credentials.
	d.RPP.RMX[0].Flags["SIP_CONTACT_OVERRIDE_STR"] = "sip:" + d.RPP.RMX[0].Flags["SIP_CONTACT_OVERRIDE_STR"]
	r, _ := rmxtest.ForLab(lab, d.RPP.RMX[0])
	defer r.Close()
	_, err = r.Start(context.Background())
	var e *rmxtest.Error
	if errors.As(err, &e) {
		fmt.Printf("%s fails at %s: %v\n", d.RPP.RMX[0].Name, e.Phase, e.Symptom)
	}
	// Output:
	// rmx1 (RMX 8.5.10, new method): ICE ready, err <nil>
	// rmx2 (RMX 8.4.2, legacy method): ICE ready, err <nil>
	// rmx1 fails at service: Service credential denied
}

// The RMX joins a Lync meeting as RealConnect has it do: addUser to the
// focus, the media INVITE to the AV MCU, ICE through the Edge relay, and
// media both ways.
func ExampleRMX_Cascade() {
	ctx := context.Background()
	d, _ := rpp.LoadFS(ctx, examples.FS, "two-site.yaml")
	lab, err := lynctest.NewServer(ctx, &d.Lync)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer lab.Close()
	alice, _ := lync.ParseSIPAddress("sip:alice@contoso.com")
	meeting, _ := lab.CreateMeeting(alice)

	r, _ := rmxtest.ForLab(lab, d.RPP.RMX[0])
	defer r.Close()
	if _, err := r.Start(ctx); err != nil {
		fmt.Println(err)
		return
	}
	c, err := r.Cascade(ctx, meeting.Focus)
	if err != nil {
		fmt.Println(err)
		return
	}
	st := c.Stats()
	fmt.Printf("a=encryption:%s, media both ways: %v, pair %s/%s\n",
		c.Encryption, st.BytesSent > 0 && st.BytesReceived > 0, st.Local.Type, st.Remote.Type)
	fmt.Println(c.Hangup(ctx))
	// Output:
	// a=encryption:optional, media both ways: true, pair relay/relay
	// <nil>
}
