package mockorgtest_test

import (
	"net/http"
	"testing"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorg"
	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorgtest"
)

func TestOrgServesTokensControlAndInjectedFailures(t *testing.T) {
	o := mockorgtest.Start(t, mockorg.Config{Seed: mockorgtest.CreationAllowedSeed()})
	if tok := o.MustToken(t, "admin@acme.test", "Terraform_Admin"); tok == "" {
		t.Fatal("no token")
	}
	if ans := o.Token(t, "inactive@acme.test", "Terraform_Admin"); ans.AccessToken != "" || ans.Error == "" {
		t.Errorf("an inactive user's password grant: %+v, want an OAuth error", ans)
	}
	if st := o.Stats(t); st.ByOperation["oauth:token"] != 2 {
		t.Errorf("token requests counted %v, want 2", st.ByOperation)
	}
	o.ResetStats(t)
	if st := o.Stats(t); st.Requests != 0 {
		t.Errorf("%d requests after a reset", st.Requests)
	}
	var seed mockorg.Seed
	o.Snapshot(t, &seed)
	if !seed.Organization.ConnectedAppCreationAllowed {
		t.Error("the snapshot lost the seed's connected app creation setting")
	}

	o.FailWhen(func(r *http.Request) bool { return r.URL.Path == "/__mockorg/stats" })
	if status, _ := o.Control(t, http.MethodGet, "stats", nil); status != http.StatusServiceUnavailable {
		t.Errorf("a request FailWhen selects: HTTP %d, want 503", status)
	}
	o.FailWhen(nil)
	if status, _ := o.Grant(t, mockorgtest.AdminClientCredentials()); status != http.StatusOK {
		t.Errorf("client credentials: HTTP %d", status)
	}
	if st := o.Stats(t); st.Requests != 1 {
		t.Errorf("%d requests counted; the one FailWhen answered must not reach the org", st.Requests)
	}
	if status, _ := o.Control(t, http.MethodPost, "no-such-route", nil); status != http.StatusNotFound {
		t.Errorf("an unknown control route: HTTP %d", status)
	}

	o.Close(t)
	if resp, err := http.Get(o.URL + "/services/data"); err == nil {
		resp.Body.Close()
		t.Error("the org still answers after Close")
	}
}
