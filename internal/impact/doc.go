// Package impact answers "who loses and gains API access through what, under which rule" for a
// set of planned changes (ARCHITECTURE.md, Access impact). It reads the org once (Load, through
// the Reader interface *orgapi.Client satisfies), applies Changes to the facts the rules in
// internal/access take, and compares the decisions before and after for every (user, app) pair of
// the org's OAuth usage. A Ledger follows the changes of one plan, which Terraform hands over
// resource by resource, and reports each flip once. It knows nothing of Terraform: the provider
// translates plans into Changes and the answer into diagnostics.
package impact
