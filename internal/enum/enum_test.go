package enum

import (
	"errors"
	"testing"
)

type color string

func TestParse(t *testing.T) {
	errUnknown := errors.New("unknown colour")
	v, err := Parse(errUnknown, "RED", color("red"), "green", "blue")
	if err != nil || v != "red" {
		t.Errorf("Parse(RED) = %q, %v", v, err)
	}
	_, err = Parse(errUnknown, "mauve", color("red"), "green", "blue")
	if !errors.Is(err, errUnknown) || err.Error() != `unknown colour "mauve" (want red, green or blue)` {
		t.Errorf("Parse(mauve) = %v", err)
	}
	_, err = Parse(errUnknown, "x", color("one"))
	if err.Error() != `unknown colour "x" (want one)` {
		t.Errorf("one choice: %v", err)
	}
}
