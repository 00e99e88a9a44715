package rmx

// Symptom is something an admin sees when the integration breaks at the
// RMX: an alarm of its Active Alarms list, a text of its ICE status page, or
// a failure its logs show. The rules of package rpp name the symptoms they
// explain, and the RMX stand-in (rmx/rmxtest) fails with the same values, so
// the mapping between what breaks and what shows lives in one place.
//
// A *Symptom is an error, so a failure can wrap one and be tested with
// errors.Is. Compare symptoms by identity (the package's variables), never
// by text.
type Symptom struct {
	// Text is what the RMX shows, word for word, so an admin can search for
	// it — hence the device's own capitals and dashes.
	Text string
	// Where says where the admin sees it: an alarm, the ICE status, or the
	// signalling trace.
	Where SymptomPlace
	// Beyond says what to look at outside the deployment file: the causes
	// of the symptom that live in the network, DNS or Lync's own servers,
	// which no rule can check from a deployment file. Empty when the rules
	// that list the symptom cover its causes.
	Beyond string
}

// SymptomPlace is where a symptom shows.
type SymptomPlace string

// Places a symptom shows.
const (
	AlarmList SymptomPlace = "RMX active alarm"
	ICEStatus SymptomPlace = "RMX ICE status"
	Signaling SymptomPlace = "RMX signalling trace"
	Config    SymptomPlace = "RMX configuration"
)

// Error returns the symptom's text.
func (s *Symptom) Error() string { return s.Text }

// The symptoms, from the RMX Administrator's Guide (ICE active alarms and
// ICE status) and from what the device does with a configuration its release
// cannot use.
//
//lint:file-ignore ST1005 the symptom texts are the device's own
var (
	SymptomICENotConfigured  = &Symptom{"ICE is not configured, though this release makes it mandatory", Config, ""}
	SymptomICEEnvironment    = &Symptom{"ICE environment is not MS: the RMX does not ask Lync for relay credentials", Config, ""}
	SymptomMethodUnsupported = &Symptom{"this release does not support the configured ICE method", Config, ""}
	SymptomTLS               = &Symptom{"TLS connection to the SIP server failed", Signaling, ""}
	SymptomRegister          = &Symptom{"MS – register fail", ICEStatus, ""}
	SymptomSubscribe         = &Symptom{"Failed to subscribe with the OCS, therefore the A/V Edge Server URI was not received", AlarmList, ""}
	SymptomNoMRASURI         = &Symptom{"Received Notification does not contain URI", AlarmList, ""}
	SymptomEdgeResolve       = &Symptom{"edge server resolve failed on the service request", AlarmList, beyondEdgeResolve}
	SymptomMRASFailure       = &Symptom{"Failure response from the A/V Edge Server to the RMX Service Request", AlarmList, beyondMRASFailure}
	SymptomCredentialDenied  = &Symptom{"Service credential denied", AlarmList, ""}
	SymptomNoCredentials     = &Symptom{"Received Service message does not contain the Credentials", AlarmList, beyondNoCredentials}
	SymptomNoRelay           = &Symptom{"ICE: the relay gave no candidate", ICEStatus, ""}
	// SymptomVideoNotAccepted is the cascade's media refused for its
	// encryption: the AV MCU answers 488 with ms-client-diagnostics 52017
	// "Encryption levels dont match" (MS-SDP's 488 for incompatible
	// encryption levels), and calls show "video not accepted".
	SymptomVideoNotAccepted = &Symptom{"video not accepted", Signaling, ""}
)

// What to look at beyond the deployment file for the Service-phase alarms:
// the RMX asks the Edge's MRAS for relay credentials through its Front
// End (PROTOCOLS.md §3), so the Front End's path to the Edge, and the
// Edge's answer, matter as much as what the deployment file says.
const (
	beyondEdgeResolve = `The RMX could not resolve the name of the Edge pool that the MRAS URI names
(sip:EDGE-POOL-FQDN@SIP-DOMAIN;gruu;opaque=srvr:MRAS:…). Ask the RMX's DNS
server for that FQDN (nslookup EDGE-POOL-FQDN DNS-SERVER): it must have an A
record, as the internal name of the Edge pool in the topology. A deployment
file that lists its DNS zones (dns:) lets dns-record-missing check this.`
	beyondMRASFailure = `The request reached the Front End, but the answer was a failure: a SIP error,
or an MRAS reasonPhrase such as Time Out, Server Busy or Other Failure. Such
errors usually mean the Front End cannot talk to the Edge's internal
interface: a firewall between them must let the Front End reach the Edge's
A/V Authentication service on TCP 5062, the Front End must resolve the Edge
pool's internal FQDN, the Edge's Audio/Video Authentication service must be
running, and the two must trust each other's certificates.
Test-CsAVEdgeConnectivity, run on the Front End, tests this path; the RMX's
SIP trace shows the failure's code and its ms-diagnostics.`
	beyondNoCredentials = `MRAS answered OK, but its answer lacks something the RMX needs before it turns
ICE on: a user name, a password and a duration, and a relay with its
location, a host and a port (MS-AVEDGEA lets a relay leave its ports out).
A deployment file does not describe the A/V Edge service's settings: read
the response in the RMX's SIP trace (the credentialsResponse and its
mediaRelayList), and compare the A/V Edge service's relay ports and names in
the topology (Topology Builder, or Get-CsService -EdgeServer) with what the
answer lists.`
)

// Symptoms returns every symptom the package defines, in a stable order.
func Symptoms() []*Symptom {
	return []*Symptom{
		SymptomICENotConfigured, SymptomICEEnvironment, SymptomMethodUnsupported, SymptomTLS,
		SymptomRegister, SymptomSubscribe, SymptomNoMRASURI, SymptomEdgeResolve,
		SymptomMRASFailure, SymptomCredentialDenied, SymptomNoCredentials, SymptomNoRelay,
		SymptomVideoNotAccepted,
	}
}
