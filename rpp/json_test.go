package rpp

import (
	"bytes"
	"encoding/json"

	"github.com/rppkit/rppkit/dma"
)

type dmaVersion = dma.Version

// jsonOf writes d as tab-indented JSON, the way other tools would.
func jsonOf(d *Deployment) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "\t")
	err := enc.Encode(d)
	return b.Bytes(), err
}
