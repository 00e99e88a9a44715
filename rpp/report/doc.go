// Package report turns the results of checking deployment files into the
// reports people and CI systems read, so every front end (rpp check, a
// vendor's own command) writes the same formats with the same guarantees:
// an input that could not be checked is never shown as clean.
//
// Check runs the rules over one input; Write renders inputs as text, JSON
// (the contract scripts read), SARIF 2.1.0, JUnit XML, GitHub Actions
// workflow commands or Checkstyle XML; ExitCode gives the status for a
// failing severity. SelectRules, ParseOutput and CheckOutputs are the
// command line's rule selection and outputs as functions, so a
// configuration file can feed the same choices. MatchSymptom finds the
// rules behind an alarm or error text an admin saw.
package report
