package rpp

// Lines of the bundled examples that several rules' examples edit.
const (
	ssComputers = "      computers: [dma.fabrikam.com, rmx1.fabrikam.com, rmx2.fabrikam.com]\n"
	ssGRUULine  = "      serviceGruu: \"sip:rpp.fabrikam.com@fabrikam.com;gruu;opaque=srvr:video:QbJ7c2W1x0K9tP4mAz8hSgAA\"\n"
	ssApp       = "    - applicationId: urn:application:video      # as Get-CsTrustedApplication shows it\n" +
		"      pool: rpp.fabrikam.com\n" +
		"      port: 5061\n" +
		ssGRUULine
	ssEndpoint = "    - {sipAddress: \"sip:rpp@fabrikam.com\", applicationId: video, pool: rpp.fabrikam.com}\n"
	ssRoute    = "    - {destination: dma.fabrikam.com, port: 5061, transport: tls, matchUri: vmr.fabrikam.com}\n"
	lwRoute    = "    - {destination: dma.litware.com, port: 5061, transport: tls, matchUri: vc.litware.com}\n"
	lwProfile  = "        - {name: hd-720, encryption: none}\n"
)

// lyncExamples are the examples of the rules about the Lync topology, the
// deployment as a whole and suppressions (Rule.Example), by rule ID.
func lyncExamples() map[string]*Example {
	return map[string]*Example{
		"lync-pool-single-computer": {
			Base: "single-site.yaml",
			Failing: []LineEdit{{
				Find: ssComputers,
				Replace: "      computers: [dma.fabrikam.com, rmx1.fabrikam.com]\n" +
					"    - fqdn: rmx2.fabrikam.com     # a single-computer pool: the RMX itself\n" +
					"      site: HQ\n" +
					"      registrar: lyncpool.fabrikam.com\n" +
					"      computers: [rmx2.fabrikam.com]\n",
			}, {
				Find: ssGRUULine,
				Replace: ssGRUULine +
					"    - {applicationId: video, pool: rmx2.fabrikam.com, port: 5061,    # and an application of its own\n" +
					"       serviceGruu: \"sip:rmx2.fabrikam.com@fabrikam.com;gruu;opaque=srvr:video:Vn4kQ8rT2yLmXc6sB0dHuwAA\"}\n",
			}},
			Passing: []LineEdit{{
				Find:    ssComputers,
				Replace: "      computers: [dma.fabrikam.com, rmx1.fabrikam.com, rmx2.fabrikam.com]   # one pool for all three\n",
			}},
		},
		"lync-pool-split": {
			Base: "single-site.yaml",
			Failing: []LineEdit{{
				Find: ssComputers,
				Replace: "      computers: [dma.fabrikam.com, rmx1.fabrikam.com]\n" +
					"    - fqdn: rpp2.fabrikam.com     # a second pool in the same site, for rmx2\n" +
					"      site: HQ\n" +
					"      registrar: lyncpool.fabrikam.com\n" +
					"      computers: [rmx2.fabrikam.com]\n",
			}, {
				Find: ssGRUULine,
				Replace: ssGRUULine +
					"    - {applicationId: video, pool: rpp2.fabrikam.com, port: 5061,\n" +
					"       serviceGruu: \"sip:rpp2.fabrikam.com@fabrikam.com;gruu;opaque=srvr:video:Vn4kQ8rT2yLmXc6sB0dHuwAA\"}\n",
			}},
			Passing: []LineEdit{{
				Find:    ssComputers,
				Replace: "      computers: [dma.fabrikam.com, rmx1.fabrikam.com, rmx2.fabrikam.com]   # one pool for the site\n",
			}},
		},
		"lync-pool-per-edge": {
			Base: "two-site.yaml",
			Failing: []LineEdit{{
				Find:    "      registrar: fe-west.contoso.com\n",
				Replace: "      registrar: fe-east.contoso.com   # West's pool, registered with East's Front End pool\n",
			}},
			Passing: []LineEdit{{
				Find:    "      registrar: fe-west.contoso.com\n",
				Replace: "      registrar: fe-west.contoso.com   # West's own Front End pool, paired with edge-west\n",
			}},
		},
		"lync-pool-extra": {
			Base: "two-site.yaml",
			Failing: []LineEdit{{
				Find: "    - {fqdn: fe-west.contoso.com, site: West, edgePool: edge-west.contoso.com,\n",
				Replace: "    # One Edge pool for both sites: one trusted application pool would do.\n" +
					"    - {fqdn: fe-west.contoso.com, site: West, edgePool: edge-east.contoso.com,\n",
			}, {
				Find:    "    - {fqdn: edge-west.contoso.com, site: West}\n",
				Replace: "    # edge-west.contoso.com was retired\n",
			}},
			Passing: []LineEdit{{
				Find: "    - {fqdn: fe-west.contoso.com, site: West, edgePool: edge-west.contoso.com,\n",
				Replace: "    # Each site has its own Edge pool, so each RPP set needs its own pool.\n" +
					"    - {fqdn: fe-west.contoso.com, site: West, edgePool: edge-west.contoso.com,\n",
			}},
		},
		"lync-app-missing": {
			Base: "single-site.yaml",
			Failing: []LineEdit{{
				Find:    "  trustedApplications:\n" + ssApp,
				Replace: "  trustedApplications: []    # New-CsTrustedApplication was never run\n",
			}},
			Passing: []LineEdit{{
				Find: "  trustedApplications:\n" + ssApp,
				Replace: "  trustedApplications:       # New-CsTrustedApplication, then Enable-CsTopology\n" +
					"    - applicationId: urn:application:video\n" +
					"      pool: rpp.fabrikam.com\n" +
					"      port: 5061\n" +
					ssGRUULine,
			}},
		},
		"lync-app-multiple": {
			Base: "single-site.yaml",
			Failing: []LineEdit{{
				Find: ssApp,
				Replace: ssApp +
					"    - applicationId: urn:application:videorouting   # a second application in the same pool\n" +
					"      pool: rpp.fabrikam.com\n" +
					"      port: 5062\n" +
					"      serviceGruu: \"sip:rpp.fabrikam.com@fabrikam.com;gruu;opaque=srvr:videorouting:Zz9yXw8vUt7sRq6pOn5mLkAA\"\n",
			}},
			Passing: []LineEdit{{
				Find: ssApp,
				Replace: "    - applicationId: urn:application:video      # the pool's one application, for the DMA and both RMXs\n" +
					"      pool: rpp.fabrikam.com\n" +
					"      port: 5061\n" +
					ssGRUULine,
			}},
		},
		"lync-app-duplicate": {
			Base: "single-site.yaml",
			Failing: []LineEdit{{
				Find: ssApp,
				Replace: ssApp +
					"    - applicationId: urn:application:video2\n" +
					"      pool: rpp.fabrikam.com\n" +
					"      port: 5061                  # the port of the pool's first application\n" +
					"      serviceGruu: \"sip:rpp.fabrikam.com@fabrikam.com;gruu;opaque=srvr:video2:Zz9yXw8vUt7sRq6pOn5mLkAA\"\n",
			}},
			Passing: []LineEdit{{
				Find: ssApp,
				Replace: "    - applicationId: urn:application:video      # one application per pool is enough\n" +
					"      pool: rpp.fabrikam.com\n" +
					"      port: 5061\n" +
					ssGRUULine,
			}},
		},
		"lync-endpoint-missing": {
			Base: "single-site.yaml",
			Failing: []LineEdit{{
				Find:    "  trustedApplicationEndpoints:\n" + ssEndpoint,
				Replace: "  trustedApplicationEndpoints: []   # rmx1 (8.5, new ICE method) has no endpoint to use\n",
			}},
			Passing: []LineEdit{{
				Find:    "  trustedApplicationEndpoints:\n" + ssEndpoint,
				Replace: "  trustedApplicationEndpoints:       # rmx1's Server User Name is rpp\n" + ssEndpoint,
			}},
		},
		"lync-endpoint-mismatch": {
			Base: "single-site.yaml",
			Failing: []LineEdit{{
				Find:    ssEndpoint,
				Replace: "    - {sipAddress: \"sip:rpp@fabrikam.com\", applicationId: videoconf, pool: rpp.fabrikam.com}   # the pool's application is video\n",
			}},
			Passing: []LineEdit{{
				Find:    ssEndpoint,
				Replace: "    - {sipAddress: \"sip:rpp@fabrikam.com\", applicationId: video, pool: rpp.fabrikam.com}   # the pool's application\n",
			}},
		},
		"lync-endpoint-generated-address": {
			Base: "single-site.yaml",
			Failing: []LineEdit{{
				Find: ssEndpoint,
				Replace: "    # New-CsTrustedApplicationEndpoint without -SipAddress:\n" +
					"    - {sipAddress: \"sip:RtcApplication-5e8c2f44-7c1d-4b7e-9a0e-3f1c2d4b5a6e@fabrikam.com\", applicationId: video, pool: rpp.fabrikam.com}\n",
			}},
			Passing: []LineEdit{{
				Find: ssEndpoint,
				Replace: "    # created with -SipAddress; rmx1's Server User Name is rpp:\n" +
					ssEndpoint,
			}},
		},
		"lync-sip-address-conflict": {
			Base: "single-site.yaml",
			Failing: []LineEdit{{
				Find:    ssEndpoint,
				Replace: ssEndpoint + "    - {sipAddress: \"sip:carol@fabrikam.com\", applicationId: video, pool: rpp.fabrikam.com}   # carol is a Lync user\n",
			}},
			Passing: []LineEdit{{
				Find:    ssEndpoint,
				Replace: ssEndpoint + "    - {sipAddress: \"sip:rpp2@fabrikam.com\", applicationId: video, pool: rpp.fabrikam.com}    # an address nobody else uses\n",
			}},
		},
		"lync-sip-address-domain": {
			Base: "single-site.yaml",
			Failing: []LineEdit{{
				Find:    ssEndpoint,
				Replace: ssEndpoint + "    - {sipAddress: \"sip:rpp2@fabrikam.net\", applicationId: video, pool: rpp.fabrikam.com}   # Lync's SIP domain is fabrikam.com\n",
			}},
			Passing: []LineEdit{{
				Find:    ssEndpoint,
				Replace: ssEndpoint + "    - {sipAddress: \"sip:rpp2@fabrikam.com\", applicationId: video, pool: rpp.fabrikam.com}   # in Lync's SIP domain\n",
			}},
		},
		"lync-gruu-missing": {
			Base: "single-site.yaml",
			Failing: []LineEdit{{
				Find:    ssGRUULine,
				Replace: "      serviceGruu: \"\"          # the topology was not enabled after the application was added\n",
			}},
			Passing: []LineEdit{{
				Find:    ssGRUULine,
				Replace: "      # Enable-CsTopology; then Get-CsTrustedApplication | fl ServiceGruu:\n" + ssGRUULine,
			}},
		},
		"lync-gruu-malformed": {
			Base: "two-site.yaml",
			Failing: []LineEdit{{
				Find: "      serviceGruu: \"sip:rpp-east.contoso.com@contoso.com;gruu;opaque=srvr:video:Tggd9yw0FFyNjnRqleNLwQAA\"\n",
				Replace: "      # ;gruu was lost when the value was copied:\n" +
					"      serviceGruu: \"sip:rpp-east.contoso.com@contoso.com;opaque=srvr:video:Tggd9yw0FFyNjnRqleNLwQAA\"\n",
			}},
			Passing: []LineEdit{{
				Find: "      serviceGruu: \"sip:rpp-east.contoso.com@contoso.com;gruu;opaque=srvr:video:Tggd9yw0FFyNjnRqleNLwQAA\"\n",
				Replace: "      # copied whole from Get-CsTrustedApplication | fl ServiceGruu:\n" +
					"      serviceGruu: \"sip:rpp-east.contoso.com@contoso.com;gruu;opaque=srvr:video:Tggd9yw0FFyNjnRqleNLwQAA\"\n",
			}},
		},
		"lync-static-route-unneeded": {
			Base: "two-site.yaml",
			Failing: []LineEdit{{
				Find: "  staticRoutes: []          # RealConnect only: Lync clients never call the RMX directly\n",
				Replace: "  staticRoutes:             # left over from the traditional workflow\n" +
					"    - {destination: dma-east.contoso.com, port: 5061, transport: tls, matchUri: vmr.contoso.com}\n",
			}},
			Passing: []LineEdit{{
				Find:    "  staticRoutes: []          # RealConnect only: Lync clients never call the RMX directly\n",
				Replace: "  staticRoutes: []          # route removed: RealConnect needs none\n",
			}},
		},
		"lync-static-route-missing": {
			Base: "single-site.yaml",
			Failing: []LineEdit{{
				Find:    "  staticRoutes:\n" + ssRoute,
				Replace: "  staticRoutes: []          # yet rpp.workflows is [traditional]\n",
			}},
			Passing: []LineEdit{{
				Find:    "  staticRoutes:\n" + ssRoute,
				Replace: "  staticRoutes:             # Lync sends calls to vmr.fabrikam.com to the DMA\n" + ssRoute,
			}},
		},
		"lync-static-route-port": {
			Base: "single-site.yaml",
			Failing: []LineEdit{{
				Find:    ssRoute,
				Replace: "    - {destination: dma.fabrikam.com, port: 5071, transport: tls, matchUri: vmr.fabrikam.com}   # the application's port is 5061\n",
			}},
			Passing: []LineEdit{{
				Find:    ssRoute,
				Replace: "    - {destination: dma.fabrikam.com, port: 5061, transport: tls, matchUri: vmr.fabrikam.com}   # the trusted application's port\n",
			}},
		},
		"lync-static-route-ip": {
			Base: "single-site.yaml",
			Failing: []LineEdit{{
				Find:    ssRoute,
				Replace: "    - {destination: 192.0.2.10, port: 5061, transport: tls, matchUri: vmr.fabrikam.com}         # the DMA's IP address\n",
			}},
			Passing: []LineEdit{{
				Find:    ssRoute,
				Replace: "    - {destination: dma.fabrikam.com, port: 5061, transport: tls, matchUri: vmr.fabrikam.com}   # the DMA's FQDN\n",
			}},
		},
		"lync-static-route-cert": {
			Base: "story-video-not-accepted.yaml",
			Failing: []LineEdit{{
				Find:    lwRoute,
				Replace: "    - {destination: video.litware.com, port: 5061, transport: tls, matchUri: vc.litware.com}   # the pool's FQDN\n",
			}},
			Passing: []LineEdit{{
				Find:    lwRoute,
				Replace: "    - {destination: dma.litware.com, port: 5061, transport: tls, matchUri: vc.litware.com}     # named by the DMA's certificate\n",
			}},
		},
		"lync-static-route-match-sip-domain": {
			Base: "single-site.yaml",
			Failing: []LineEdit{{
				Find:    ssRoute,
				Replace: "    - {destination: dma.fabrikam.com, port: 5061, transport: tls, matchUri: fabrikam.com}       # every Lync user's domain\n",
			}},
			Passing: []LineEdit{{
				Find:    ssRoute,
				Replace: "    - {destination: dma.fabrikam.com, port: 5061, transport: tls, matchUri: vmr.fabrikam.com}   # a domain no Lync user has\n",
			}},
		},
		"lync-static-route-duplicate-match": {
			Base: "single-site.yaml",
			Failing: []LineEdit{{
				Find: ssRoute,
				Replace: ssRoute +
					"    - {destination: rmx1.fabrikam.com, port: 5061, transport: tls, matchUri: \"sip:VMR.fabrikam.com\"}\n",
			}},
			Passing: []LineEdit{{
				Find: ssRoute,
				Replace: ssRoute +
					"    - {destination: rmx1.fabrikam.com, port: 5061, transport: tls, matchUri: rooms.fabrikam.com}\n",
			}},
		},
		"edge-remote": {
			Base: "two-site.yaml",
			Failing: []LineEdit{{
				Find:    "      registrar: fe-west.contoso.com\n",
				Replace: "      registrar: fe-east.contoso.com   # rmx-west's media would go through edge-east\n",
			}},
			Passing: []LineEdit{{
				Find:    "      registrar: fe-west.contoso.com\n",
				Replace: "      registrar: fe-west.contoso.com   # paired with edge-west, the RMX's own site's Edge\n",
			}},
		},
		"edge-unpaired": {
			Base: "two-site.yaml",
			Failing: []LineEdit{{
				Find:    "    - {fqdn: fe-west.contoso.com, site: West, edgePool: edge-west.contoso.com,\n",
				Replace: "    - {fqdn: fe-west.contoso.com, site: West,     # no edgePool: not paired with edge-west\n",
			}},
			Passing: []LineEdit{{
				Find:    "    - {fqdn: fe-west.contoso.com, site: West, edgePool: edge-west.contoso.com,\n",
				Replace: "    - {fqdn: fe-west.contoso.com, site: West, edgePool: edge-west.contoso.com,   # paired with West's Edge\n",
			}},
		},
		"rc-dma-missing": {
			Base: "two-site.yaml",
			Failing: []LineEdit{{
				Find:    "      realConnect: {enabled: true, dialPrefix: \"\"}\n",
				Replace: "      realConnect: {enabled: false}   # turned off on both DMAs\n",
			}, {
				Find:    "      realConnect: {enabled: true, dialPrefix: \"\"}\n",
				Replace: "      realConnect: {enabled: false}\n",
			}},
			Passing: []LineEdit{{
				Find:    "      realConnect: {enabled: true, dialPrefix: \"\"}\n",
				Replace: "      realConnect: {enabled: true, dialPrefix: \"\"}   # dial by Lync conference ID\n",
			}},
		},
		"rpp-component-not-in-topology": {
			Base: "single-site.yaml",
			Failing: []LineEdit{{
				Find:    ssComputers,
				Replace: "      computers: [dma.fabrikam.com, rmx1.fabrikam.com]   # rmx2 left out\n",
			}},
			Passing: []LineEdit{{
				Find:    ssComputers,
				Replace: "      computers: [dma.fabrikam.com, rmx1.fabrikam.com, rmx2.fabrikam.com]   # the DMA and every RMX\n",
			}},
		},
		"deployment-unknown-reference": {
			Base: "single-site.yaml",
			Failing: []LineEdit{{
				Find:    "      registrar: lyncpool.fabrikam.com\n",
				Replace: "      registrar: lyncedge.fabrikam.com    # the Edge pool, not a Front End pool\n",
			}},
			Passing: []LineEdit{{
				Find:    "      registrar: lyncpool.fabrikam.com\n",
				Replace: "      registrar: lyncpool.fabrikam.com    # the Front End pool\n",
			}},
		},
		"deployment-duplicate": {
			Base: "single-site.yaml",
			Failing: []LineEdit{{
				Find:    "    - name: rmx2\n",
				Replace: "    - name: rmx1          # copied from the first RMX, name left unchanged\n",
			}},
			Passing: []LineEdit{{
				Find:    "    - name: rmx2\n",
				Replace: "    - name: rmx2          # a name of its own\n",
			}},
		},
		"rpp-listen-port-mismatch": {
			Base: "single-site.yaml",
			Failing: []LineEdit{{
				Find:    "      fqdn: rmx1.fabrikam.com\n",
				Replace: "      fqdn: rmx1.fabrikam.com\n      listenPort: 5062        # the trusted application's port is 5061\n",
			}},
			Passing: []LineEdit{{
				Find:    "      fqdn: rmx1.fabrikam.com\n",
				Replace: "      fqdn: rmx1.fabrikam.com\n      listenPort: 5061        # the trusted application's port\n",
			}},
		},
		"rpp-gruu-whitespace": {
			Base: "single-site.yaml",
			Failing: []LineEdit{{
				Find: "          serviceGruu: \"sip:rpp.fabrikam.com@fabrikam.com;gruu;opaque=srvr:video:QbJ7c2W1x0K9tP4mAz8hSgAA\"\n",
				Replace: "          # pasted with the line break where the console wrapped it:\n" +
					"          serviceGruu: \"sip:rpp.fabrikam.com@fabrikam.com;gruu;opaque=srvr:video:\n" +
					"            QbJ7c2W1x0K9tP4mAz8hSgAA\"\n",
			}},
			Passing: []LineEdit{{
				Find: "          serviceGruu: \"sip:rpp.fabrikam.com@fabrikam.com;gruu;opaque=srvr:video:QbJ7c2W1x0K9tP4mAz8hSgAA\"\n",
				Replace: "          # pasted again as one line:\n" +
					"          serviceGruu: \"sip:rpp.fabrikam.com@fabrikam.com;gruu;opaque=srvr:video:QbJ7c2W1x0K9tP4mAz8hSgAA\"\n",
			}},
		},
		"suppression-expired": {
			Base: "story-video-not-accepted.yaml",
			Failing: []LineEdit{{
				Find: lwProfile,
				Replace: "        - name: hd-720\n" +
					"          encryption: none\n" +
					"          ignore:\n" +
					"            rmx-encryption: {reason: \"old room systems without SRTP, replaced by year end\", expires: 2025-12-31}\n",
			}},
			Passing: []LineEdit{{
				Find:    lwProfile,
				Replace: "        - {name: hd-720, encryption: whenAvailable}   # fixed, and the ignore: entry removed\n",
			}},
		},
		"suppression-unused": {
			Base: "story-video-not-accepted.yaml",
			Failing: []LineEdit{{
				Find: lwProfile,
				Replace: "        - name: hd-720\n" +
					"          encryption: whenAvailable   # fixed, but the exception was left behind\n" +
					"          ignore:\n" +
					"            rmx-encryption: {reason: \"old room systems without SRTP, replaced by year end\"}\n",
			}},
			Passing: []LineEdit{{
				Find:    lwProfile,
				Replace: "        - {name: hd-720, encryption: whenAvailable}   # fixed, and the ignore: entry removed\n",
			}},
		},
	}
}
