package rpp

// deviceExamples are the examples of the rules about the RMXs, the DMAs,
// the Edge pools and the certificates (Rule.Example), by rule ID.
func deviceExamples() map[string]*Example {
	return map[string]*Example{
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
	}
}
