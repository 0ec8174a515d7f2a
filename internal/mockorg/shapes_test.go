package mockorg

import (
	"encoding/xml"
	"net/http"
	"testing"
)

// TestConnectedApplicationNameIsTheLabel: Name is the "Connected App Name" (the label) in SOQL and
// on the record, and the way from an API name to the 0H4 id is listMetadata's fullName and id.
func TestConnectedApplicationNameIsTheLabel(t *testing.T) {
	h := newHarness(t, Config{})
	admin := h.adminToken()
	dataLoader := h.appID("DataLoader")
	var a queryAnswer
	h.query(admin, "SELECT Id, Name FROM ConnectedApplication WHERE Name = 'Dataloader Partner'").json(t, &a)
	if a.TotalSize != 1 || a.Records[0]["Id"] != dataLoader {
		t.Errorf("query by label: %+v", a)
	}
	h.query(admin, "SELECT Id FROM ConnectedApplication WHERE Name = 'DataLoader'").json(t, &a)
	if a.TotalSize != 0 {
		t.Errorf("the API name matched Name: %+v", a)
	}
	var rec map[string]any
	h.rest(http.MethodGet, apiBase+"/sobjects/ConnectedApplication/"+h.appID("Partner_Portal_Mobile"), admin, nil).json(t, &rec)
	if rec["Name"] != "Partner Portal Mobile" {
		t.Errorf("record Name %v, want the label", rec["Name"])
	}

	resp := h.soap(admin, `<listMetadata><queries><type>ConnectedApp</type></queries><asOfVersion>66.0</asOfVersion></listMetadata>`)
	var list struct {
		Results []struct {
			FullName string `xml:"fullName"`
			ID       string `xml:"id"`
		} `xml:"Body>listMetadataResponse>result"`
	}
	if err := xml.Unmarshal(resp.body, &list); err != nil || resp.status != http.StatusOK {
		t.Fatalf("listMetadata: %d %s %v", resp.status, resp.body, err)
	}
	got := map[string]string{}
	for _, r := range list.Results {
		got[r.FullName] = r.ID
	}
	for _, app := range h.snapshot().ConnectedApps {
		if got[app.Name] != app.ID {
			t.Errorf("listMetadata gives %s the id %q, want its ConnectedApplication id %s", app.Name, got[app.Name], app.ID)
		}
		var byID map[string]any
		h.rest(http.MethodGet, apiBase+"/sobjects/ConnectedApplication/"+got[app.Name], admin, nil).json(t, &byID)
		if byID["Name"] != app.Label {
			t.Errorf("the listMetadata id of %s reads back as %v", app.Name, byID["Name"])
		}
	}
}

// TestOrganizationFields: what clients read at login, from a query and from the record.
func TestOrganizationFields(t *testing.T) {
	seed := DefaultSeed()
	seed.Organization.IsSandbox = true
	seed.Organization.InstanceName = "USA1S"
	h := newHarness(t, Config{Seed: seed})
	admin := h.adminToken()
	var a queryAnswer
	h.query(admin, "SELECT Id, Name, OrganizationType, InstanceName, IsSandbox, NamespacePrefix, TrialExpirationDate FROM Organization").json(t, &a)
	var rec map[string]any
	h.rest(http.MethodGet, apiBase+"/sobjects/Organization/"+h.snapshot().Organization.ID, admin, nil).json(t, &rec)
	if a.TotalSize != 1 {
		t.Fatalf("query: %+v", a)
	}
	for name, got := range map[string]map[string]any{"query": a.Records[0], "record": rec} {
		want := map[string]any{"Id": h.snapshot().Organization.ID, "Name": "Acme", "OrganizationType": "Enterprise Edition",
			"InstanceName": "USA1S", "IsSandbox": true, "NamespacePrefix": nil, "TrialExpirationDate": nil}
		for field, v := range want {
			if value, present := got[field]; !present || value != v {
				t.Errorf("%s: %s = %v (present %t), want %v", name, field, value, present, v)
			}
		}
	}
	h = newHarness(t, Config{})
	h.query(h.adminToken(), "SELECT InstanceName, IsSandbox FROM Organization").json(t, &a)
	if a.Records[0]["InstanceName"] != "MOCK1" || a.Records[0]["IsSandbox"] != false {
		t.Errorf("embedded org: %+v", a.Records[0])
	}
}
