// Package examples holds rppkit's example deployment files, embedded so that
// tools (and `rpp check` with no file) can use them without a checkout.
//
//   - two-site.yaml: a clean two-site deployment (East/West, two Edge pools,
//     one RPP set and one trusted application pool per site); the bundled
//     default of `rpp check`.
//   - single-site.yaml: a clean single-site deployment.
//   - story-*.yaml: one deployment per failure the guidance and its readers
//     describe, each with its story and the findings to expect in its
//     opening comment.
//
// The directory also holds small runnable programs that use rppkit.
package examples

import "embed"

// FS holds the example deployment files, by their base names.
//
//go:embed *.yaml
var FS embed.FS

// Default is the example that `rpp check` and `rpp plan` use when given no
// file.
const Default = "two-site.yaml"
