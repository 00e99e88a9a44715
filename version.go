package rppkit

import (
	"runtime/debug"
	"strings"
)

// ModulePath is rppkit's module path.
const ModulePath = "github.com/rppkit/rppkit"

// Version returns the version of rppkit in the running program, from its
// build information: the module version (v1.2.3, or a pseudo-version) when
// the program was built from a published module or a tagged checkout, else
// "(devel)" followed by the commit and "+dirty" when the build recorded
// them. It returns "(unknown)" when the program carries no build
// information (built without module support, or rppkit not among its
// modules).
func Version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	return versionOf(bi)
}

func versionOf(bi *debug.BuildInfo) string {
	mod := &bi.Main
	if mod.Path != ModulePath {
		mod = nil
		for _, d := range bi.Deps {
			if d.Path == ModulePath {
				mod = d
				if d.Replace != nil {
					mod = d.Replace
				}
				break
			}
		}
	}
	switch {
	case mod == nil:
		return "(unknown)"
	case mod.Version != "" && mod.Version != "(devel)":
		return mod.Version
	}
	v := "(devel)"
	settings := map[string]string{}
	for _, s := range bi.Settings {
		settings[s.Key] = s.Value
	}
	if rev := settings["vcs.revision"]; rev != "" && mod == &bi.Main {
		v += " " + rev[:min(12, len(rev))]
		if settings["vcs.modified"] == "true" {
			v += "+dirty"
		}
	}
	return strings.TrimSpace(v)
}
