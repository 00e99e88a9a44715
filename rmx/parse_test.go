package rmx

import (
	"errors"
	"testing"
)

// TestParseEnums checks that the parse functions read what a deployment
// file may hold, in any case, so that "MS" means the same in Go code as in
// a file, and that each refusal wraps its type's error.
func TestParseEnums(t *testing.T) {
	if e, err := ParseICEEnvironment("MS"); err != nil || e != ICEMS {
		t.Errorf("ParseICEEnvironment(MS) = %q, %v", e, err)
	}
	if _, err := ParseICEEnvironment("bogus"); !errors.Is(err, ErrUnknownICEEnvironment) {
		t.Errorf("ParseICEEnvironment(bogus) = %v", err)
	}
	if e, err := ParseEncryption("WHENAVAILABLE"); err != nil || e != EncryptWhenAvailable {
		t.Errorf("ParseEncryption(WHENAVAILABLE) = %q, %v", e, err)
	}
	if _, err := ParseEncryption("sometimes"); !errors.Is(err, ErrUnknownEncryption) {
		t.Errorf("ParseEncryption(sometimes) = %v", err)
	}
	if m, err := ParseICEMethod("Legacy"); err != nil || m != ICELegacy {
		t.Errorf("ParseICEMethod(Legacy) = %q, %v", m, err)
	}
	if _, err := ParseICEMethod("old"); !errors.Is(err, ErrUnknownICEMethod) {
		t.Errorf("ParseICEMethod(old) = %v", err)
	}
}
