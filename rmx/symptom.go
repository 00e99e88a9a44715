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
	SymptomICENotConfigured  = &Symptom{"ICE is not configured, though this release makes it mandatory", Config}
	SymptomICEEnvironment    = &Symptom{"ICE environment is not MS: the RMX does not ask Lync for relay credentials", Config}
	SymptomMethodUnsupported = &Symptom{"this release does not support the configured ICE method", Config}
	SymptomTLS               = &Symptom{"TLS connection to the SIP server failed", Signaling}
	SymptomRegister          = &Symptom{"MS – register fail", ICEStatus}
	SymptomSubscribe         = &Symptom{"Failed to subscribe with the OCS, therefore the A/V Edge Server URI was not received", AlarmList}
	SymptomNoMRASURI         = &Symptom{"Received Notification does not contain URI", AlarmList}
	SymptomEdgeResolve       = &Symptom{"edge server resolve failed on the service request", AlarmList}
	SymptomMRASFailure       = &Symptom{"Failure response from the A/V Edge Server to the RMX Service Request", AlarmList}
	SymptomCredentialDenied  = &Symptom{"Service credential denied", AlarmList}
	SymptomNoCredentials     = &Symptom{"Received Service message does not contain the Credentials", AlarmList}
	SymptomNoRelay           = &Symptom{"ICE: the relay gave no candidate", ICEStatus}
	// SymptomVideoNotAccepted is the cascade's media refused for its
	// encryption: the AV MCU answers 488 with ms-client-diagnostics 52017
	// "Encryption levels dont match" (MS-SDP's 488 for incompatible
	// encryption levels), and calls show "video not accepted".
	SymptomVideoNotAccepted = &Symptom{"video not accepted", Signaling}
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
