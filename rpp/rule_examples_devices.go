package rpp

// Lines of the bundled examples that the device examples repeat.
const (
	// single-site.yaml: rmx1's contact override flag, the pool's Service
	// GRUU without sip:.
	exSSContactOverride = "        SIP_CONTACT_OVERRIDE_STR: \"rpp.fabrikam.com@fabrikam.com;gruu;opaque=srvr:video:QbJ7c2W1x0K9tP4mAz8hSgAA\"\n"
	// single-site.yaml: the DMA's Lync peer's Service GRUU.
	exSSPeerGRUU = "          serviceGruu: \"sip:rpp.fabrikam.com@fabrikam.com;gruu;opaque=srvr:video:QbJ7c2W1x0K9tP4mAz8hSgAA\"\n"
	// two-site.yaml: dma-west's Lync peer's Service GRUU.
	exTSWestPeerGRUU = "          serviceGruu: \"sip:rpp-west.contoso.com@contoso.com;opaque=srvr:video:Xq3mZ0pLr8uNw2dKfE1sYgAA;gruu\"\n"
	// two-site.yaml: rmx-east's certificate.
	exTSEastCert = "      certificate: {subject: rmx-east.contoso.com, san: [rmx-east.contoso.com]}\n"
)

// deviceExamples are the examples of the rules about the RMXs, the DMAs,
// the Edge pools and the certificates (Rule.Example), by rule ID.
func deviceExamples() map[string]*Example {
	return map[string]*Example{
		"rmx-ice-environment": {
			Base: "single-site.yaml",
			Failing: []LineEdit{{
				Find:    "        iceEnvironment: ms\n",
				Replace: "        iceEnvironment: standard   # a standard STUN/TURN server, not Lync's Edge\n",
			}},
			Passing: []LineEdit{{
				Find:    "        iceEnvironment: ms\n",
				Replace: "        iceEnvironment: ms         # Microsoft's ICE, through the Edge's MRAS\n",
			}},
		},
		"rmx-ice-missing": {
			Base: "single-site.yaml",
			Failing: []LineEdit{{
				Find:    "        iceEnvironment: ms\n        serverUserName: rpp\n",
				Replace: "        iceEnvironment: none   # no ICE: optional before 8.5, mandatory on 8.5.10\n",
			}},
			Passing: []LineEdit{{
				Find: "        iceEnvironment: ms\n        serverUserName: rpp\n",
				Replace: "        iceEnvironment: ms\n" +
					"        serverUserName: rpp    # the trusted application endpoint sip:rpp@fabrikam.com\n",
			}},
		},
		"rmx-ice-method-unsupported": {
			Base: "single-site.yaml",
			Failing: []LineEdit{{
				Find:    "      version: \"8.4.2\"\n",
				Replace: "      version: \"8.5.10\"   # upgraded from 8.4.2\n",
			}, {
				Find: "        # 8.4 supports both ICE methods; this one still uses the Lync user.\n" +
					"        server: lyncpool.fabrikam.com\n        serverDomainName: fabrikam.com\n        iceEnvironment: ms\n" +
					"        serverUserName: rmxice\n        iceMethod: legacy\n",
				Replace: "        # 8.5 knows only the new ICE method, but this one still uses the Lync user.\n" +
					"        server: lyncpool.fabrikam.com\n        serverDomainName: fabrikam.com\n        iceEnvironment: ms\n" +
					"        serverUserName: rmxice\n        iceMethod: legacy\n",
			}},
			Passing: []LineEdit{{
				Find:    "      version: \"8.4.2\"\n",
				Replace: "      version: \"8.5.10\"   # upgraded from 8.4.2\n",
			}, {
				Find: "        # 8.4 supports both ICE methods; this one still uses the Lync user.\n" +
					"        server: lyncpool.fabrikam.com\n        serverDomainName: fabrikam.com\n        iceEnvironment: ms\n" +
					"        serverUserName: rmxice\n        iceMethod: legacy\n",
				Replace: "        # Moved to the new ICE method with the upgrade: the pool's endpoint and Service GRUU.\n" +
					"        server: lyncpool.fabrikam.com\n        serverDomainName: fabrikam.com\n        iceEnvironment: ms\n" +
					"        serverUserName: rpp\n" +
					"      flags:\n" + exSSContactOverride,
			}},
		},
		"rmx-ice-user-unknown": {
			Base: "single-site.yaml",
			Failing: []LineEdit{{
				Find:    "        serverUserName: rpp\n",
				Replace: "        serverUserName: rmxice   # the legacy method's Lync user, not an endpoint\n",
			}},
			Passing: []LineEdit{{
				Find:    "        serverUserName: rpp\n",
				Replace: "        serverUserName: rpp      # the trusted application endpoint sip:rpp@fabrikam.com\n",
			}},
		},
		"rmx-ice-user-format": {
			Base: "single-site.yaml",
			Failing: []LineEdit{{
				Find:    "        serverUserName: rpp\n",
				Replace: "        serverUserName: \"sip:rpp@fabrikam.com\"   # the whole SIP address\n",
			}},
			Passing: []LineEdit{{
				Find:    "        serverUserName: rpp\n",
				Replace: "        serverUserName: rpp   # the name part only: the RMX adds @fabrikam.com\n",
			}},
		},
		"rmx-sip-domain-mismatch": {
			Base: "single-site.yaml",
			Failing: []LineEdit{{
				Find:    "        serverDomainName: fabrikam.com\n",
				Replace: "        serverDomainName: fabrikam.local   # the Active Directory domain, not the SIP domain\n",
			}},
			Passing: []LineEdit{{
				Find:    "        serverDomainName: fabrikam.com\n",
				Replace: "        serverDomainName: fabrikam.com     # the SIP domain of sip:rpp@fabrikam.com\n",
			}},
		},
		"rmx-contact-override-missing": {
			Base: "single-site.yaml",
			Failing: []LineEdit{{
				Find: exSSContactOverride,
				Replace: "        # Misspelt: the RMX knows no such flag.\n" +
					"        SIP_CONTACT_OVERIDE_STR: \"rpp.fabrikam.com@fabrikam.com;gruu;opaque=srvr:video:QbJ7c2W1x0K9tP4mAz8hSgAA\"\n",
			}},
			Passing: []LineEdit{{
				Find:    exSSContactOverride,
				Replace: "        # The pool's Service GRUU, without sip:.\n" + exSSContactOverride,
			}},
		},
		"rmx-contact-override-prefix": {
			Base: "single-site.yaml",
			Failing: []LineEdit{{
				Find: exSSContactOverride,
				Replace: "        # Pasted as Get-CsTrustedApplication prints it, sip: included.\n" +
					"        SIP_CONTACT_OVERRIDE_STR: \"sip:rpp.fabrikam.com@fabrikam.com;gruu;opaque=srvr:video:QbJ7c2W1x0K9tP4mAz8hSgAA\"\n",
			}},
			Passing: []LineEdit{{
				Find:    exSSContactOverride,
				Replace: "        # The Service GRUU without sip: (the RMX adds it).\n" + exSSContactOverride,
			}},
		},
		"rmx-contact-override-mismatch": {
			Base: "two-site.yaml",
			Failing: []LineEdit{{
				Find: "        # Pasted with the parameters in the order Lync printed them.\n" +
					"        SIP_CONTACT_OVERRIDE_STR: \"rpp-west.contoso.com@contoso.com;opaque=srvr:video:Xq3mZ0pLr8uNw2dKfE1sYgAA;gruu\"\n",
				Replace: "        # Copied from rmx-east: the Service GRUU of the other site's pool.\n" +
					"        SIP_CONTACT_OVERRIDE_STR: \"rpp-east.contoso.com@contoso.com;gruu;opaque=srvr:video:Tggd9yw0FFyNjnRqleNLwQAA\"\n",
			}},
			Passing: []LineEdit{{
				Find: "        # Pasted with the parameters in the order Lync printed them.\n" +
					"        SIP_CONTACT_OVERRIDE_STR: \"rpp-west.contoso.com@contoso.com;opaque=srvr:video:Xq3mZ0pLr8uNw2dKfE1sYgAA;gruu\"\n",
				Replace: "        # The Service GRUU of its own pool, rpp-west.contoso.com.\n" +
					"        SIP_CONTACT_OVERRIDE_STR: \"rpp-west.contoso.com@contoso.com;opaque=srvr:video:Xq3mZ0pLr8uNw2dKfE1sYgAA;gruu\"\n",
			}},
		},
		"rmx-registered-to-edge": {
			Base: "single-site.yaml",
			Failing: []LineEdit{{
				Find:    "        server: lyncpool.fabrikam.com\n",
				Replace: "        server: lyncedge.fabrikam.com   # the Edge pool\n",
			}},
			Passing: []LineEdit{{
				Find:    "        server: lyncpool.fabrikam.com\n",
				Replace: "        server: lyncpool.fabrikam.com   # the Front End pool, registrar of rpp.fabrikam.com\n",
			}},
		},
		"rmx-sfb-version": {
			Base: "two-site.yaml",
			Failing: []LineEdit{{
				Find:    "      version: \"8.7.1.3040\"\n",
				Replace: "      version: \"8.5.2\"        # Skype for Business Server needs 8.5.4 or later\n",
			}},
			Passing: []LineEdit{{
				Find:    "      version: \"8.7.1.3040\"\n",
				Replace: "      version: \"8.7.1.3040\"   # 8.5.4 or later\n",
			}},
		},
		"rmx-encryption": {
			Base: "single-site.yaml",
			Failing: []LineEdit{{
				Find:    "        - {name: default, encryption: whenAvailable}\n",
				Replace: "        - {name: default, encryption: none}   # Lync clients always encrypt\n",
			}},
			Passing: []LineEdit{{
				Find:    "        - {name: default, encryption: whenAvailable}\n",
				Replace: "        - {name: default, encryption: whenAvailable}   # encrypt when possible\n",
			}},
		},
		"rmx-vmr-defined": {
			Base: "single-site.yaml",
			Failing: []LineEdit{{
				Find:    "      vmrs: []\n",
				Replace: "      vmrs: [\"3003\"]   # a meeting room created on the RMX\n",
			}},
			Passing: []LineEdit{{
				Find:    "      vmrs: []\n",
				Replace: "      vmrs: []   # meeting rooms live on the DMA\n",
			}, {
				Find:    "      vmrs: [\"3000\", \"3001\", \"3002\"]\n",
				Replace: "      vmrs: [\"3000\", \"3001\", \"3002\", \"3003\"]\n",
			}},
		},
		"rmx-sip-server-not-registrar": {
			Base: "two-site.yaml",
			Failing: []LineEdit{{
				Find:    "        server: fe-west.contoso.com\n",
				Replace: "        server: fe-east.contoso.com   # the other site's Front End pool\n",
			}},
			Passing: []LineEdit{{
				Find:    "        server: fe-west.contoso.com\n",
				Replace: "        server: fe-west.contoso.com   # the registrar of its pool, rpp-west.contoso.com\n",
			}},
		},
		"rmx-ice-no-edge": {
			Base: "single-site.yaml",
			Failing: []LineEdit{{
				Find: "    - {fqdn: lyncpool.fabrikam.com, site: HQ, edgePool: lyncedge.fabrikam.com}\n" +
					"  edgePools:\n    - {fqdn: lyncedge.fabrikam.com, site: HQ}\n",
				Replace: "    - {fqdn: lyncpool.fabrikam.com, site: HQ}\n" +
					"  edgePools: []   # no Edge deployed yet\n",
			}, {
				Find:    "        iceEnvironment: ms\n        serverUserName: rmxice\n        iceMethod: legacy\n",
				Replace: "        iceEnvironment: ms   # 8.4.2 asks for an Edge's relay\n        serverUserName: rmxice\n        iceMethod: legacy\n",
			}},
			Passing: []LineEdit{{
				Find: "    - {fqdn: lyncpool.fabrikam.com, site: HQ, edgePool: lyncedge.fabrikam.com}\n" +
					"  edgePools:\n    - {fqdn: lyncedge.fabrikam.com, site: HQ}\n",
				Replace: "    - {fqdn: lyncpool.fabrikam.com, site: HQ}\n" +
					"  edgePools: []   # no Edge deployed yet\n",
			}, {
				Find:    "        iceEnvironment: ms\n        serverUserName: rmxice\n        iceMethod: legacy\n",
				Replace: "        iceEnvironment: none   # ICE off until an Edge is deployed\n",
			}},
		},
		"rmx-flag-free-video-resources": {
			Base: "two-site.yaml",
			Failing: []LineEdit{{
				Find:    "        MS_KEEP_ALIVE_ENABLE: \"YES\"   # its SIP server is a pool of two Front Ends\n",
				Replace: "        MS_KEEP_ALIVE_ENABLE: \"YES\"   # its SIP server is a pool of two Front Ends\n        SIP_FREE_VIDEO_RESOURCES: \"YES\"\n",
			}},
			Passing: []LineEdit{{
				Find:    "        MS_KEEP_ALIVE_ENABLE: \"YES\"   # its SIP server is a pool of two Front Ends\n",
				Replace: "        MS_KEEP_ALIVE_ENABLE: \"YES\"   # its SIP server is a pool of two Front Ends\n        SIP_FREE_VIDEO_RESOURCES: \"NO\"\n",
			}},
		},
		"rmx-flag-srtp-mki-off": {
			Base: "two-site.yaml",
			Failing: []LineEdit{{
				Find:    "        MS_KEEP_ALIVE_ENABLE: \"YES\"   # its SIP server is a pool of two Front Ends\n",
				Replace: "        MS_KEEP_ALIVE_ENABLE: \"YES\"   # its SIP server is a pool of two Front Ends\n        SEND_SRTP_MKI: \"NO\"\n",
			}},
			Passing: []LineEdit{{
				Find:    "        MS_KEEP_ALIVE_ENABLE: \"YES\"   # its SIP server is a pool of two Front Ends\n",
				Replace: "        MS_KEEP_ALIVE_ENABLE: \"YES\"   # its SIP server is a pool of two Front Ends\n        SEND_SRTP_MKI: \"YES\"\n",
			}},
		},
		"rmx-flag-keep-alive-off": {
			Base: "two-site.yaml",
			Failing: []LineEdit{{
				Find:    "        MS_KEEP_ALIVE_ENABLE: \"YES\"   # its SIP server is a pool of two Front Ends\n",
				Replace: "        MS_KEEP_ALIVE_ENABLE: \"NO\"    # yet its SIP server is a pool of two Front Ends\n",
			}},
			Passing: []LineEdit{{
				Find:    "        MS_KEEP_ALIVE_ENABLE: \"YES\"   # its SIP server is a pool of two Front Ends\n",
				Replace: "        MS_KEEP_ALIVE_ENABLE: \"YES\"   # its SIP server is a pool of two Front Ends\n",
			}},
		},
		"rmx-cascade-rate": {
			Base: "two-site.yaml",
			Failing: []LineEdit{{
				Find:    "        - {name: lync-hd, encryption: whenAvailable}\n",
				Replace: "        - {name: lync-hd, encryption: whenAvailable, lineRate: 192}    # kbps\n",
			}},
			Passing: []LineEdit{{
				Find:    "        - {name: lync-hd, encryption: whenAvailable}\n",
				Replace: "        - {name: lync-hd, encryption: whenAvailable, lineRate: 1024}   # kbps\n",
			}},
		},
		"dma-gruu-missing": {
			Base: "single-site.yaml",
			Failing: []LineEdit{{
				Find:    "          address: lyncpool.fabrikam.com\n" + exSSPeerGRUU,
				Replace: "          address: lyncpool.fabrikam.com   # Lync Integration tab: ServiceGruu left empty\n",
			}},
			Passing: []LineEdit{{
				Find:    "          address: lyncpool.fabrikam.com\n" + exSSPeerGRUU,
				Replace: "          address: lyncpool.fabrikam.com\n" + exSSPeerGRUU,
			}},
		},
		"dma-gruu-prefix": {
			Base: "single-site.yaml",
			Failing: []LineEdit{{
				Find: exSSPeerGRUU,
				Replace: "          # Pasted from the RMX's flag, which has no sip:.\n" +
					"          serviceGruu: \"rpp.fabrikam.com@fabrikam.com;gruu;opaque=srvr:video:QbJ7c2W1x0K9tP4mAz8hSgAA\"\n",
			}},
			Passing: []LineEdit{{
				Find:    exSSPeerGRUU,
				Replace: "          # As Get-CsTrustedApplication prints it, sip: included.\n" + exSSPeerGRUU,
			}},
		},
		"dma-gruu-mismatch": {
			Base: "two-site.yaml",
			Failing: []LineEdit{{
				Find: exTSWestPeerGRUU,
				Replace: "          # Copied from dma-east: the Service GRUU of the other site's pool.\n" +
					"          serviceGruu: \"sip:rpp-east.contoso.com@contoso.com;gruu;opaque=srvr:video:Tggd9yw0FFyNjnRqleNLwQAA\"\n",
			}},
			Passing: []LineEdit{{
				Find:    exTSWestPeerGRUU,
				Replace: "          # The Service GRUU of its own pool, rpp-west.contoso.com.\n" + exTSWestPeerGRUU,
			}},
		},
		"dma-rmx-untested-pair": {
			Base: "two-site.yaml",
			Failing: []LineEdit{{
				Find:    "      version: \"8.7.1.3040\"\n",
				Replace: "      version: \"8.6.2\"        # older than 8.7.1, the release tested with DMA 6.4\n",
			}},
			Passing: []LineEdit{{
				Find:    "      version: \"8.7.1.3040\"\n",
				Replace: "      version: \"8.7.1.3040\"   # 8.7.1, the release tested with DMA 6.4\n",
			}},
		},
		"dma-rmx-pair-unknown": {
			Base: "two-site.yaml",
			Failing: []LineEdit{{
				Find:    "      version: \"8.7.1.3040\"\n",
				Replace: "      version: \"8.8.1\"        # not a release known with DMA 6.4\n",
			}},
			Passing: []LineEdit{{
				Find:    "      version: \"8.7.1.3040\"\n",
				Replace: "      version: \"8.7.1.3040\"   # 8.7.1, the release tested with DMA 6.4\n",
			}},
		},
		"dma-peer-type": {
			Base: "two-site.yaml",
			Failing: []LineEdit{{
				Find: "          address: fe-east.contoso.com\n",
				Replace: "          address: fe-east.contoso.com\n" +
					"          type: other    # not Microsoft\n" +
					"          port: 5060     # the Port field's default\n",
			}},
			Passing: []LineEdit{{
				Find: "          address: fe-east.contoso.com\n",
				Replace: "          address: fe-east.contoso.com\n" +
					"          type: microsoft\n" +
					"          port: 5061     # SIP over TLS\n",
			}},
		},
		"dma-dial-rule-order": {
			Base: "two-site.yaml",
			Failing: []LineEdit{{
				Find: "      vmrs: [\"1000\", \"1001\"]\n",
				Replace: "      dialRules:                # in the dial plan's order\n" +
					"        - {name: Lync, action: externalSipPeer}\n" +
					"        - {name: RealConnect, action: lyncConferenceId}   # never reached\n" +
					"      vmrs: [\"1000\", \"1001\"]\n",
			}},
			Passing: []LineEdit{{
				Find: "      vmrs: [\"1000\", \"1001\"]\n",
				Replace: "      dialRules:                # in the dial plan's order\n" +
					"        - {name: RealConnect, action: lyncConferenceId}\n" +
					"        - {name: Lync, action: externalSipPeer}\n" +
					"      vmrs: [\"1000\", \"1001\"]\n",
			}},
		},
		"dma-template-avc-only": {
			Base: "two-site.yaml",
			Failing: []LineEdit{{
				Find: "      vmrs: [\"1000\", \"1001\"]\n",
				Replace: "      conferenceTemplates:\n" +
					"        - {name: RealConnect, mode: mixed, realConnect: true}   # AVC and SVC\n" +
					"      vmrs: [\"1000\", \"1001\"]\n",
			}},
			Passing: []LineEdit{{
				Find: "      vmrs: [\"1000\", \"1001\"]\n",
				Replace: "      conferenceTemplates:\n" +
					"        - {name: RealConnect, mode: avc, realConnect: true}     # AVC only\n" +
					"      vmrs: [\"1000\", \"1001\"]\n",
			}},
		},
		"cert-wildcard": {
			Base: "single-site.yaml",
			Failing: []LineEdit{{
				Find:    "      certificate: {subject: \"CN=rmx1.fabrikam.com, O=Fabrikam\", san: [rmx1.fabrikam.com]}\n",
				Replace: "      certificate: {subject: \"CN=*.fabrikam.com, O=Fabrikam\", san: [\"*.fabrikam.com\"]}   # one for every server\n",
			}},
			Passing: []LineEdit{{
				Find:    "      certificate: {subject: \"CN=rmx1.fabrikam.com, O=Fabrikam\", san: [rmx1.fabrikam.com]}\n",
				Replace: "      certificate: {subject: \"CN=rmx1.fabrikam.com, O=Fabrikam\", san: [rmx1.fabrikam.com]}   # its own\n",
			}},
		},
		"cert-san-missing": {
			Base: "single-site.yaml",
			Failing: []LineEdit{{
				Find:    "      certificate: {subject: \"CN=rmx1.fabrikam.com, O=Fabrikam\", san: [rmx1.fabrikam.com]}\n",
				Replace: "      certificate: {subject: \"CN=rmx1.fabrikam.com, O=Fabrikam\", san: []}   # named in the subject only\n",
			}},
			Passing: []LineEdit{{
				Find:    "      certificate: {subject: \"CN=rmx1.fabrikam.com, O=Fabrikam\", san: [rmx1.fabrikam.com]}\n",
				Replace: "      certificate: {subject: \"CN=rmx1.fabrikam.com, O=Fabrikam\", san: [rmx1.fabrikam.com]}   # and in the SAN list\n",
			}},
		},
		"cert-shared": {
			Base: "single-site.yaml",
			Failing: []LineEdit{{
				Find:    "      certificate: {subject: rmx2.fabrikam.com, san: [rmx2.fabrikam.com]}\n",
				Replace: "      certificate: {subject: \"CN=rmx1.fabrikam.com, O=Fabrikam\", san: [rmx1.fabrikam.com]}   # copied from rmx1\n",
			}},
			Passing: []LineEdit{{
				Find:    "      certificate: {subject: rmx2.fabrikam.com, san: [rmx2.fabrikam.com]}\n",
				Replace: "      certificate: {subject: rmx2.fabrikam.com, san: [rmx2.fabrikam.com]}   # requested on rmx2, for rmx2\n",
			}},
		},
		"edge-cert-name": {
			Base: "two-site.yaml",
			Failing: []LineEdit{{
				Find:    "    - {fqdn: edge-west.contoso.com, site: West}\n",
				Replace: "    - {fqdn: edge-west.contoso.com, site: West, certificate: {subject: edge-west01.contoso.com}}   # one Edge Server's name\n",
			}},
			Passing: []LineEdit{{
				Find:    "    - {fqdn: edge-west.contoso.com, site: West}\n",
				Replace: "    - {fqdn: edge-west.contoso.com, site: West, certificate: {subject: edge-west.contoso.com}}     # the pool FQDN; no SAN needed\n",
			}},
		},
		"cert-eku": {
			Base: "two-site.yaml",
			Failing: []LineEdit{{
				Find:    exTSEastCert,
				Replace: "      certificate: {subject: rmx-east.contoso.com, san: [rmx-east.contoso.com], eku: [serverAuth]}   # web server template\n",
			}},
			Passing: []LineEdit{{
				Find:    exTSEastCert,
				Replace: "      certificate: {subject: rmx-east.contoso.com, san: [rmx-east.contoso.com], eku: [serverAuth, clientAuth]}\n",
			}},
		},
	}
}
