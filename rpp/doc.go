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
//	  edgePools: [{fqdn: edge-east.contoso.com, site: East}]
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
//	      sip: {server: fe-east.contoso.com, serverDomainName: contoso.com,
//	            iceEnvironment: ms, serverUserName: rpp-east}   # iceMethod: legacy|new (optional)
//	      flags: {SIP_CONTACT_OVERRIDE_STR: "rpp-east.contoso.com@contoso.com;gruu;opaque=srvr:video:…"}
//	      conferenceProfiles: [{name: lync, encryption: whenAvailable}]
//	      vmrs: []
//	  dma:
//	    - name: dma-east
//	      fqdn: dma-east.contoso.com
//	      site: East
//	      version: "6.4"
//	      certificate: {subject: dma-east.contoso.com, san: [dma-east.contoso.com]}
//	      lyncPeers: [{name: fe-east, address: fe-east.contoso.com, serviceGruu: "sip:…"}]
//	      realConnect: {enabled: true, dialPrefix: ""}
//	      vmrs: ["1000"]
//
// Decoding is strict. An unknown or misspelt field, a value of the wrong
// type, a missing required field (product, sipDomains, each object's name or
// FQDN, an RMX's version, a pool's registrar, workflows), a bad version, FQDN,
// SIP address or enum value, and anything that is not YAML or JSON are
// errors that name the file, line, column and field path. Values that are
// well-formed but wrong for the deployment — a Service GRUU that is not its
// pool's, a Server User Name that names nobody — are what Check reports.
//
// # Rules
//
// A [Rule] is a value with a stable ID, a severity, a summary, a doc (why
// the configuration breaks, what an admin sees, how to fix it) and the
// guidance it comes from; [Catalogue] lists them and [LookupRule] finds one.
// Findings carry a [Finding.Replacement] where the fix is a mechanical value
// (the GRUU without sip:, say), so tools can apply it.
package rpp
