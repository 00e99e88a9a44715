package rmx

import (
	"errors"
	"slices"

	"github.com/rppkit/rppkit/internal/enum"
	"github.com/rppkit/rppkit/lync"
)

// ICEMethod is how an RMX obtains media relay credentials from Lync.
type ICEMethod string

const (
	// ICELegacy uses a Lync-enabled Active Directory user (e.g. rmxice):
	// Server User Name is that user's name part. RMX 8.3 and earlier; 8.4.
	ICELegacy ICEMethod = "legacy"
	// ICENew uses a trusted application endpoint of the RMX's pool as the
	// identity and the pool's Service GRUU as Contact (the system flag
	// SIP_CONTACT_OVERRIDE_STR). RMX 8.4; only method from 8.5 on.
	ICENew ICEMethod = "new"
)

// ErrUnknownICEMethod is wrapped by the errors ParseICEMethod returns.
var ErrUnknownICEMethod = errors.New("unknown ICE method")

// ParseICEMethod accepts legacy and new in any case.
func ParseICEMethod(s string) (ICEMethod, error) {
	return enum.Parse(ErrUnknownICEMethod, s, ICELegacy, ICENew)
}

// UnmarshalText implements encoding.TextUnmarshaler with ParseICEMethod.
func (m *ICEMethod) UnmarshalText(b []byte) (err error) {
	*m, err = ParseICEMethod(string(b))
	return err
}

// Describe names the method with its identity, for messages.
func (m ICEMethod) Describe() string {
	switch m {
	case ICELegacy:
		return "legacy ICE method (a Lync-enabled user)"
	case ICENew:
		return "new ICE method (a trusted application endpoint and the Service GRUU)"
	}
	return string(m)
}

// Release lines the capabilities change at.
var (
	firstBothMethods = MustParseVersion("8.4")
	firstNewOnly     = MustParseVersion("8.5")
	firstSkype       = MustParseVersion("8.5.4")
)

// MinSkypeForBusiness is the first RMX release that supports Skype for
// Business Server.
func MinSkypeForBusiness() Version { return firstSkype }

// Features is what an RMX release can do in a Lync integration.
type Features struct {
	// Version is the release these capabilities describe.
	Version Version
	// ICEMethods lists the ICE methods the release supports, newest first.
	ICEMethods []ICEMethod
	// ICEMandatory is true from the new-only releases on: ICE must be
	// configured even where there is no Edge server.
	ICEMandatory bool
	// ContactOverrideFlag is true when the release knows the system flag
	// SIP_CONTACT_OVERRIDE_STR (the releases with the new method).
	ContactOverrideFlag bool
	// SkypeForBusiness is true when the release supports Skype for Business
	// Server.
	SkypeForBusiness bool
}

// Capabilities returns what release v can do:
//
//	release     ICE methods    ICE mandatory   Skype for Business
//	≤ 8.3       legacy         no              no
//	8.4         new, legacy    no              no
//	8.5–8.5.3   new            yes             no
//	≥ 8.5.4     new            yes             yes
func Capabilities(v Version) Features {
	c := Features{Version: v}
	switch {
	case v.Less(firstBothMethods):
		c.ICEMethods = []ICEMethod{ICELegacy}
	case v.Less(firstNewOnly):
		c.ICEMethods = []ICEMethod{ICENew, ICELegacy}
	default:
		c.ICEMethods = []ICEMethod{ICENew}
		c.ICEMandatory = true
	}
	c.ContactOverrideFlag = c.Supports(ICENew)
	c.SkypeForBusiness = v.AtLeast(firstSkype)
	return c
}

// Supports reports whether the release supports ICE method m.
func (c Features) Supports(m ICEMethod) bool { return slices.Contains(c.ICEMethods, m) }

// DefaultICEMethod is the method a release uses when its configuration does
// not say: the newest it supports.
func (c Features) DefaultICEMethod() ICEMethod { return c.ICEMethods[0] }

// InferICEMethod says which ICE method s is configured for: the one its
// SIP.ICEMethod names; else the new method when SIP_CONTACT_OVERRIDE_STR is
// set or Server User Name names a trusted application endpoint of topo;
// else the legacy method when it names a Lync user of topo; else the
// release's default. It returns "" when s has no ICE settings at all. topo
// may be nil when the topology is not known.
//
// The rules of package rpp and the RMX stand-in (rmx/rmxtest) both decide
// with this function, so the static check and the wire cannot disagree.
func InferICEMethod(s *System, topo *lync.Index) ICEMethod {
	user := s.SIP.UserPart()
	_, flag := s.Flags.ContactOverride()
	switch {
	case !s.SIP.ICEConfigured():
		return ""
	case s.SIP.ICEMethod != "":
		return s.SIP.ICEMethod
	case flag:
		return ICENew
	case topo != nil && user != "" && len(topo.EndpointsNamed(user)) > 0:
		return ICENew
	case topo != nil && user != "" && len(topo.UsersNamed(user)) > 0:
		return ICELegacy
	}
	return Capabilities(s.Version).DefaultICEMethod()
}
