package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"text/tabwriter"
)

// check is one row of the quickstart's access_checks output: what sfaccess_api_access_check said
// about one user reaching the API through one client.
type check struct {
	Username string `json:"username"`
	User     string `json:"user"`
	Client   string `json:"client"`
	// Channel is connected_app, external_client_app or visualforce.
	Channel string `json:"channel"`
	Allowed bool   `json:"allowed"`
	Rule    string `json:"rule"`
	Message string `json:"message"`
}

// parseChecks reads `terraform output -json access_checks`.
func parseChecks(b []byte) ([]check, error) {
	var checks []check
	if err := json.Unmarshal(b, &checks); err != nil {
		return nil, fmt.Errorf("reading the access_checks output: %w", err)
	}
	if len(checks) == 0 {
		return nil, errors.New("the access_checks output is empty")
	}
	for i, c := range checks {
		if c.Username == "" || c.Client == "" || c.Rule == "" {
			return nil, fmt.Errorf("access_checks[%d] lacks a username, client or rule: %+v", i, c)
		}
	}
	return checks, nil
}

// renderChecks prints the checks as a table, one row per user and client in the output's order,
// followed by what each rule that denied access said, so the reader sees the decision and its reason.
func renderChecks(w io.Writer, checks []check) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "USER\tWHO\tCLIENT\tACCESS\tRULE")
	for i, c := range checks {
		user, who := c.Username, c.User
		if i > 0 && c.Username == checks[i-1].Username {
			user, who = "", "" // one user's rows read as a group
		}
		access := "allowed"
		if !c.Allowed {
			access = "DENIED"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", user, who, c.clientLabel(), access, c.Rule)
	}
	if err := tw.Flush(); err != nil {
		return err
	}

	var reasons []check
	seen := map[string]bool{}
	for _, c := range checks {
		if !c.Allowed && !seen[c.Rule] {
			seen[c.Rule] = true
			reasons = append(reasons, c)
		}
	}
	if len(reasons) == 0 {
		return nil
	}
	fmt.Fprintln(w, "\nWhat a denied client is told:")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, c := range reasons {
		fmt.Fprintf(tw, "  %s\t%s\n", c.Rule, c.Message)
	}
	return tw.Flush()
}

// clientLabel names the Visualforce channel the way Setup does; apps keep their API names, an
// External Client App marked as one, since its rules are not a connected app's.
func (c check) clientLabel() string {
	switch {
	case c.Client == "visualforce":
		return "Visualforce session"
	case c.Channel == "external_client_app":
		return c.Client + " (ECA)"
	}
	return c.Client
}
