package rpp

// lyncExamples are the examples of the rules about the Lync topology, the
// deployment as a whole and suppressions (Rule.Example), by rule ID.
func lyncExamples() map[string]*Example {
	return map[string]*Example{
		"lync-static-route-duplicate-match": {
			Base: "single-site.yaml",
			Failing: []LineEdit{{
				Find: "    - {destination: dma.fabrikam.com, port: 5061, transport: tls, matchUri: vmr.fabrikam.com}\n",
				Replace: "    - {destination: dma.fabrikam.com, port: 5061, transport: tls, matchUri: vmr.fabrikam.com}\n" +
					"    - {destination: rmx1.fabrikam.com, port: 5061, transport: tls, matchUri: \"sip:VMR.fabrikam.com\"}\n",
			}},
			Passing: []LineEdit{{
				Find: "    - {destination: dma.fabrikam.com, port: 5061, transport: tls, matchUri: vmr.fabrikam.com}\n",
				Replace: "    - {destination: dma.fabrikam.com, port: 5061, transport: tls, matchUri: vmr.fabrikam.com}\n" +
					"    - {destination: rmx1.fabrikam.com, port: 5061, transport: tls, matchUri: rooms.fabrikam.com}\n",
			}},
		},
	}
}
