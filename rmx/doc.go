// Package rmx models a Polycom RMX / RealPresence Collaboration Server (RPCS)
// as the Lync integration sees it: its release ([Version]) and what that
// release can do ([Capabilities]), and the settings an admin enters — the
// Default IP Network Service's SIP Servers and SIP Advanced pages (SIP server,
// Server Domain Name, ICE environment, Server User Name), system flags such
// as SIP_CONTACT_OVERRIDE_STR, conference profiles, its certificate and any
// meeting rooms defined on it.
//
// The release rules come from Polycom's guidance: RMX 8.3 and earlier know
// only the legacy ICE method (a Lync-enabled user), 8.4 knows both, and 8.5
// and later know only the new method (a trusted application endpoint plus
// the pool's Service GRUU), on which ICE configuration is mandatory even
// without an Edge server. Skype for Business Server needs 8.5.4 or later.
package rmx
