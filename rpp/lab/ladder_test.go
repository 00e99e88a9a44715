package lab_test

import (
	"context"
	"strings"
	"testing"

	"github.com/rppkit/rppkit/examples"
	"github.com/rppkit/rppkit/rpp"
	"github.com/rppkit/rppkit/rpp/lab"
)

// TestLadderShowsTheWholeCall: the ladder of a RealConnect test call holds
// both sides, in order — the endpoint's INVITE to the DMA (which only the
// DMA sees), the DMA's getConference to Lync, the RMX's focus and AV MCU
// INVITEs, the DMA's 200 to the endpoint, and the hang-ups.
func TestLadderShowsTheWholeCall(t *testing.T) {
	d, err := rpp.LoadFS(context.Background(), examples.FS, examples.Default)
	if err != nil {
		t.Fatal(err)
	}
	res, err := lab.Run(context.Background(), d, lab.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ from, to, message string }{
		{"sip:room@example.com", "dma-east.contoso.com", "INVITE sip:"},
		{"dma-east.contoso.com", "fe-east.contoso.com", "SERVICE sip:rpp-east.contoso.com@contoso.com;gruu;opaque=app:conf:focusfactory"},
		{"rmx-east.contoso.com", "fe-east.contoso.com", "INVITE sip:alice@contoso.com;gruu;opaque=app:conf:focus:id:"},
		{"rmx-east.contoso.com", "fe-east.contoso.com", "INVITE sip:alice@contoso.com;gruu;opaque=app:conf:audio-video:id:"},
		{"dma-east.contoso.com", "sip:room@example.com", "200 OK"},
		{"sip:room@example.com", "dma-east.contoso.com", "ACK "},
		{"sip:room@example.com", "dma-east.contoso.com", "BYE "},
		{"rmx-east.contoso.com", "fe-east.contoso.com", "BYE sip:alice@contoso.com;gruu;opaque=app:conf:audio-video:id:"},
		{"sip:room@example.com", "dma-west.contoso.com", "INVITE sip:"},
	}
	i := 0
	for _, s := range res.Ladder {
		if i < len(want) && s.From == want[i].from && s.To == want[i].to && strings.HasPrefix(s.Message, want[i].message) {
			i++
		}
	}
	if i < len(want) {
		t.Errorf("the ladder lacks, in order, %+v (and what follows it):\n%s", want[i], ladderText(res))
	}
}
