package mockorg

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
)

func TestQueryColumns(t *testing.T) {
	h := newHarness(t, Config{})
	admin := h.adminToken()
	columns := func(soql string) response {
		return h.rest(http.MethodGet, apiBase+"/query?q="+url.QueryEscape(soql)+"&columns=true", admin, nil)
	}
	r := columns("SELECT Id, Name, profile.name, Profile.UserType, IsOwnedByProfile FROM PermissionSet")
	var got columnsAnswer
	r.json(t, &got)
	want := columnsAnswer{EntityName: "PermissionSet", KeyPrefix: "0PS", IDSelected: true, ColumnMetadata: []columnMetadata{
		{ApexType: "Id", ColumnName: "Id", DisplayName: "Id", JoinColumns: []columnMetadata{}},
		{ApexType: "String", ColumnName: "Name", DisplayName: "Name", TextType: true, Insertable: true, Updatable: true, JoinColumns: []columnMetadata{}},
		{ApexType: "Profile", ColumnName: "Profile", DisplayName: "Profile", JoinColumns: []columnMetadata{
			{ApexType: "String", ColumnName: "Name", DisplayName: "Profile.Name", TextType: true, JoinColumns: []columnMetadata{}},
			{ApexType: "String", ColumnName: "UserType", DisplayName: "Profile.UserType", TextType: true, JoinColumns: []columnMetadata{}},
		}},
		{ApexType: "Boolean", ColumnName: "IsOwnedByProfile", DisplayName: "IsOwnedByProfile", BooleanType: true, JoinColumns: []columnMetadata{}},
	}}
	if r.status != http.StatusOK || mustJSON(t, got) != mustJSON(t, want) {
		t.Errorf("columns: %d\n got %s\nwant %s", r.status, r.body, mustJSON(t, want))
	}
	// Every key clients read is present, null included, and there are no records.
	var raw map[string]any
	_ = json.Unmarshal(r.body, &raw)
	first := raw["columnMetadata"].([]any)[0].(map[string]any)
	if fk, ok := first["foreignKeyName"]; !ok || fk != nil || raw["records"] != nil {
		t.Errorf("raw answer: %s", r.body)
	}

	// Two levels nest twice: the Salesforce CLI names the column Parent.Profile.Name by walking
	// joinColumns down from Parent.
	r = columns("SELECT Parent.Name, Parent.Profile.Name FROM SetupEntityAccess")
	r.json(t, &got)
	want = columnsAnswer{EntityName: "SetupEntityAccess", KeyPrefix: "0J0", ColumnMetadata: []columnMetadata{
		{ApexType: "PermissionSet", ColumnName: "Parent", DisplayName: "Parent", JoinColumns: []columnMetadata{
			{ApexType: "String", ColumnName: "Name", DisplayName: "Parent.Name", TextType: true, Insertable: true, Updatable: true, JoinColumns: []columnMetadata{}},
			{ApexType: "Profile", ColumnName: "Profile", DisplayName: "Parent.Profile", JoinColumns: []columnMetadata{
				{ApexType: "String", ColumnName: "Name", DisplayName: "Parent.Profile.Name", TextType: true, JoinColumns: []columnMetadata{}},
			}},
		}},
	}}
	if r.status != http.StatusOK || mustJSON(t, got) != mustJSON(t, want) {
		t.Errorf("columns two levels down: %d\n got %s\nwant %s", r.status, r.body, mustJSON(t, want))
	}

	columns("SELECT COUNT() FROM User").json(t, &got)
	if got.ColumnMetadata == nil || len(got.ColumnMetadata) != 0 || got.IDSelected || got.EntityName != "User" {
		t.Errorf("COUNT(): %+v, want no columns", got)
	}
	if e := columns("SELECT Nope FROM User").restError(t); e.ErrorCode != "INVALID_FIELD" {
		t.Errorf("unknown field: %+v, want the query's own INVALID_FIELD", e)
	}
}
