package main

import "testing"

func TestImpactWarningsKeepsOnlyTheAccessReport(t *testing.T) {
	plan := `
Warning: Provider development overrides are in effect

The following provider development overrides are set in the CLI
configuration:

Plan: 4 to add, 0 to change, 0 to destroy.

Warning: API Access Impact of sfaccess_api_access_control: 1 user loses access, 0 gain

  with sfaccess_api_access_control.this,
  on main.tf line 38, in resource "sfaccess_api_access_control" "this":
  38: resource "sfaccess_api_access_control" "this" {

LOSE access through Workbench: 1 user, 583 uses in all
  - partner@acme.test (last used 2026-11-28, 583 uses)

Warning: Check block assertion known after apply

  on main.tf line 104, in check "partners_locked_out_of_workbench":

─────────────────────────────────────────────────────────────────────────────

Note: You didn't use the -out option to save this plan.
`
	want := `Warning: API Access Impact of sfaccess_api_access_control: 1 user loses access, 0 gain

  with sfaccess_api_access_control.this,
  on main.tf line 38, in resource "sfaccess_api_access_control" "this":
  38: resource "sfaccess_api_access_control" "this" {

LOSE access through Workbench: 1 user, 583 uses in all
  - partner@acme.test (last used 2026-11-28, 583 uses)
`
	if got := impactWarnings(plan); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	if got := impactWarnings("No changes. Your infrastructure matches the configuration.\n"); got != "" {
		t.Errorf("a plan without the report: %q", got)
	}
}
