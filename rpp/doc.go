// Package rpp checks how a Polycom RealPresence Platform deployment meets a
// Lync Server 2013 or Skype for Business Server topology.
//
// A [Deployment] is the whole picture — the Lync topology, the RMXs, the DMAs
// and the workflows in use (RealConnect, traditional) — read from a deployment
// file with [Load], [LoadFS], [Decode] or [Parse], or built in code. [Check]
// runs the rule catalogue over it and returns a [Report] of [Finding]s, each
// with a stable rule ID, a severity, the object and field at fault, the file
// and line, a message and a fix:
//
//	d, err := rpp.Load(context.Background(), "deployment.yaml")
//	if err != nil {
//		return err // a *DecodeError: every problem with file:line:col and field
//	}
//	report := rpp.Check(ctx, d, rpp.Options{})
//	for _, f := range report.Findings {
//		fmt.Println(f.Position(), f.Rule, f.Message)
//	}
//
// # The deployment file
//
// YAML or JSON (JSON is read by the same parser), with this shape:
//
//	lync:
//	  product: lync2013            # lync2010 | lync2013 | sfb2015 | sfb2019
//	  sipDomains: [contoso.com]
//	  sites: [{name: East, id: 1}]
//	  frontEndPools: [{fqdn: fe-east.contoso.com, site: East, edgePool: edge-east.contoso.com}]
//	                               # optional: computers: [fe1…, fe2…] (a pool of several is load-balanced)
//	  edgePools: [{fqdn: edge-east.contoso.com, site: East}]
//	                               # optional: certificate: {subject: edge-east.contoso.com}, the
//	                               # internal interface's certificate (subject, san, as an RMX's)
//	  trustedApplicationPools:
//	    - {fqdn: rpp-east.contoso.com, site: East, registrar: fe-east.contoso.com,
//	       computers: [dma-east.contoso.com, rmx-east.contoso.com]}
//	  trustedApplications:
//	    - {applicationId: video, pool: rpp-east.contoso.com, port: 5061, serviceGruu: "sip:…"}
//	  trustedApplicationEndpoints:
//	    - {sipAddress: "sip:rpp-east@contoso.com", applicationId: video, pool: rpp-east.contoso.com}
//	  users: ["sip:alice@contoso.com"]
//	  staticRoutes: [{destination: dma-east.contoso.com, port: 5061, transport: tls, matchUri: vmr.contoso.com}]
//	rpp:
//	  workflows: [realconnect]     # realconnect and/or traditional
//	  rmx:
//	    - name: rmx-east
//	      fqdn: rmx-east.contoso.com
//	      site: East
//	      version: "8.5.10"
//	      certificate: {subject: rmx-east.contoso.com, san: [rmx-east.contoso.com]}
//	                               # optional: eku: [serverAuth, clientAuth]
//	      sip: {server: fe-east.contoso.com, serverDomainName: contoso.com,
//	            iceEnvironment: ms, serverUserName: rpp-east}   # iceMethod: legacy|new (optional)
//	      flags: {SIP_CONTACT_OVERRIDE_STR: "rpp-east.contoso.com@contoso.com;gruu;opaque=srvr:video:…"}
//	      conferenceProfiles: [{name: lync, encryption: whenAvailable}]   # optional: lineRate: 1024 (kbps)
//	      vmrs: []
//	  dma:
//	    - name: dma-east
//	      fqdn: dma-east.contoso.com
//	      site: East
//	      version: "6.4"
//	      certificate: {subject: dma-east.contoso.com, san: [dma-east.contoso.com]}
//	      lyncPeers: [{name: fe-east, address: fe-east.contoso.com, serviceGruu: "sip:…"}]
//	                               # optional: type: microsoft|other, port: 5061
//	      realConnect: {enabled: true, dialPrefix: ""}
//	      dialRules:               # optional, in the dial plan's order
//	        - {name: RealConnect, action: lyncConferenceId}   # lyncConferenceId | externalSipPeer | other
//	        - {name: Lync, action: externalSipPeer}
//	      conferenceTemplates:     # optional
//	        - {name: RealConnect, mode: avc, realConnect: true}  # avc | svc | mixed
//	      vmrs: ["1000"]
//	dns:                           # optional: what the internal DNS holds
//	  zones: [contoso.com]
//	  records:                     # A (IPv4) | AAAA (IPv6) | CNAME (a host name)
//	    - {name: edge-east.contoso.com, type: A, value: 10.1.0.30}
//
// The dns: section ([DNS]) lists the internal zones the RMXs, DMAs and Lync
// servers resolve in and their records, taken as all a listed zone holds:
// rule dns-record-missing reports a name the integration resolves that has
// no address there, and says nothing about names outside every listed zone
// (nor about any name when the section is absent). A record outside the
// zones, a value not of its type, a zone listed twice and a CNAME beside
// other records are decode errors.
//
// Decoding is strict. An unknown or misspelt field, a value of the wrong
// type, a missing required field (product, sipDomains, each object's name or
// FQDN, an RMX's version, a pool's registrar, workflows), a bad version, FQDN,
// SIP address or enum value, and anything that is not YAML or JSON are
// errors that name the file, line, column and field path. Values that are
// well-formed but wrong for the deployment — a Service GRUU that is not its
// pool's, a Server User Name that names nobody — are what Check reports.
// A syntax error names where the construct left open began (a '[', '{' or
// quote never closed) and where the parser gave up, or the token where it
// did. A [Deployment] built in code is checked the same way by
// [Deployment.Validate], and [Deployment.Set] edits one field through the
// same reading.
//
// # How values are read
//
// A value means what its field says, whatever YAML would make of it on its
// own, so quoting never changes it: port: 5061 and port: "5061" are the same
// port, version: 8.5 and version: "8.5" the same release, enabled: true and
// enabled: "true" the same, in YAML and in JSON. A whole number (a port, a
// site id) is written in decimal digits, without a sign or a leading zero; a
// boolean is true or false (also True, TRUE, False, FALSE, as YAML 1.2
// writes them) — YAML 1.1's yes, no, on and off are not booleans. Enum
// values (product, iceEnvironment, iceMethod, encryption, transport,
// workflows) are accepted in any case. An empty value, null or ~ means the
// field is not set; an empty list item is an error. What a field cannot
// hold — port: http, enabled: yes, a list where a value belongs — is an
// error of type (ErrWrongType) or of the value's own kind
// (lync.ErrInvalidPort, …).
//
// YAML tags (!!str, !!int, !!binary, !!set, a custom !tag, …) are refused
// with their position (ErrUnsupported), whatever they are on: a deployment
// file has no use for them, and a tag that changes how a value is read
// would make one file mean different things to different readers. The
// non-specific tag "!" alone cannot be told from no tag once parsed, and is
// read as none. Merge keys (<<) are refused too. Anchors and aliases are
// read, but a file whose aliases expand it to more than [AliasExpansion]
// times its own values, or that holds more than [DecodeOptions].MaxNodes
// values, is refused (ErrTooLarge).
//
// A file is UTF-8, with or without a byte-order mark, or UTF-16 with a
// byte-order mark (what Windows PowerShell's Out-File writes). Positions
// count characters, so they are the same in both. Other encodings (UTF-32,
// UTF-16 without a byte-order mark, Latin-1 or Windows-1252 bytes) are
// refused with ErrEncoding, naming the problem and where it is.
//
// The loaders stop with ctx.Err() when their context ends, while the file
// is opened (a FIFO without a writer), read or decoded.
//
// # Rules
//
// A [Rule] is a value with a stable ID, a severity, a summary, a doc (why
// the configuration breaks, what an admin sees, how to fix it) and the
// guidance it comes from; [Catalogue] lists them and [LookupRule] finds one.
// Findings carry their fix as data ([Finding.Fixes]) where it is mechanical
// (the GRUU without sip:, say), so tools can apply it.
//
// # Suppressions and configuration
//
// Any mapping of a deployment file below the top (an RMX, a DMA, a Lync
// peer, a pool, a conference profile, the lync: and rpp: mappings) may
// carry an ignore: block that accepts a known exception:
//
//	rmx:
//	  - name: rmx2
//	    ignore:
//	      rmx-sfb-version: {reason: "retired in March", expires: 2027-03-31}
//
// It covers the findings of that rule whose field is the mapping's path or
// inside it (rpp.rmx[1], rpp.rmx[1].sip.server, but not rpp.rmx[10]); a
// finding whose field lies elsewhere is suppressed by object name in a
// [Config] instead. The model types have no field for it: the decoder reads
// it on every mapping and [Deployment.Suppressions] returns what it read. A
// reason is required, the rule must exist and be ignorable
// ([Rule.NotIgnorable]), and expires is a date; anything else is a decode
// error with its line. [Check] keeps suppressed findings in the report,
// marked ([Finding.Suppressed]) and counted apart ([Summary.Suppressed]);
// an expired suppression silences nothing and is a suppression-expired
// finding, one that silences nothing a suppression-unused finding.
// [Options.NoSuppress] is audit mode. A configuration file (.rpp.yaml,
// [LoadConfig]) overrides rules' severities, turns rules off and suppresses
// by object name; docs/rpp-config.schema.json is its JSON Schema.
//
// # Plans
//
// [Plan] turns a desired deployment, and optionally the current one, into
// a [Runbook]: the ordered steps that get there — Management Shell
// commands for Lync, page-by-page settings for each RMX and DMA — each
// with what it depends on and whether it needs a topology publish or a
// reboot, and the outage windows of a migration (legacy to new ICE method,
// single-computer pools to one pool, one pool to a pool per Edge-paired
// site). Only the difference is planned. A Service GRUU Lync has yet to
// assign is read back by a step, and the RMX and DMA steps paste it from
// there, without and with sip:. Errors the plan can settle (a mechanical
// fix, an endpoint or an application the guidance derives) are corrected
// and listed; the others stop it with an [UnplannableError].
// [Runbook.WriteText] and [Runbook.WritePowerShell] render it; the script
// guards each New-Cs… and Remove-Cs… with its Get-Cs…, so running it twice
// is safe.
package rpp
