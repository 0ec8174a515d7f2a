package main

import (
	"context"
	"fmt"
	"path/filepath"
)

// ecaRows runs a configuration of N External Client Apps, a grant of each and the ECA settings
// once through apply, refresh and destroy, and sets the refresh's API calls beside those of the
// connected apps' refresh: orgapi reads both kinds the same way, ten names a readMetadata call
// (five calls an ECA group, one a component type), so the two grow alike.
func (r *e2eRun) ecaRows(ctx context.Context, sf target, tmp string, connectedAppRefresh phase) ([]row, error) {
	dir := filepath.Join(tmp, "eca")
	if err := writeConfig(dir, ecaConfig(r.orgURL, r.n)); err != nil {
		return nil, err
	}
	if _, err := r.phase(ctx, sf, dir, "apply", nil); err != nil {
		return nil, fmt.Errorf("ECA apply: %w", err)
	}
	refresh, err := r.phase(ctx, sf, dir, "refresh", nil)
	if err != nil {
		return nil, fmt.Errorf("ECA refresh: %w", err)
	}
	if _, err := r.phase(ctx, sf, dir, "destroy", nil); err != nil {
		return nil, fmt.Errorf("ECA destroy: %w", err)
	}
	budget := 5*(r.n/10+1) + 10
	return []row{
		{fmt.Sprintf("e2e: API calls of a refresh, %d connected apps (%d resources) / %d ECAs (%d resources)", r.n, 3*r.n, r.n, 2*r.n+1),
			fmt.Sprintf("%d / %d", connectedAppRefresh.calls, refresh.calls), fmt.Sprintf("ECAs <= %d", budget), refresh.calls <= budget},
		{"e2e: ECA refresh", fmt.Sprintf("%.2fs", refresh.elapsed.Seconds()), "(reported)", true},
	}, nil
}

func ecaConfig(orgURL string, n int) string {
	return sfaccessProvider(orgURL) + fmt.Sprintf(`resource "sfaccess_external_client_app_settings" "this" {
  allow_consumer_secrets_via_rest_api = true
}

resource "sfaccess_external_client_app" "app" {
  count         = %d
  name          = "Bench_ECA_${count.index}"
  label         = "Bench ECA ${count.index}"
  contact_email = "bench@acme.test"
  scopes        = ["Api"]
  callback_url  = "https://bench.acme.test/eca/${count.index}"
}

resource "sfaccess_external_client_app_access" "app" {
  count                    = %d
  external_client_app_name = sfaccess_external_client_app.app[count.index].name
  profile_name             = "Standard User"
}
`, n, n)
}
