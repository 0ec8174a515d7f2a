package mockorg

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorg/metadata"
)

// TestIndexesFollowRandomWrites applies random writes through every write path that changes an
// indexed record (REST create, rename and delete; Metadata API create, rename and delete of apps
// and their grants; clone) and checks after each one that the indexes are exactly what
// buildIndexes computes from the records, and that every SOQL lookup answers what a scan would.
func TestIndexesFollowRandomWrites(t *testing.T) {
	st, err := newState(DefaultSeed())
	if err != nil {
		t.Fatal(err)
	}
	admin := st.userByUsername("admin@acme.test")
	rng := rand.New(rand.NewPCG(13, 13))
	pick := func(m []string) string { // "" from an empty list: a write naming no record, which fails
		if len(m) == 0 {
			return ""
		}
		return m[rng.IntN(len(m))]
	}
	// keysOf lists a record map's ids in order, so that the seeded choices repeat.
	keysOf := func(st *state, kind string) []string {
		switch kind {
		case "user":
			return slices.Sorted(maps.Keys(st.users))
		case "app":
			return slices.Sorted(maps.Keys(st.apps))
		case "ps":
			return slices.Sorted(maps.Keys(st.permSets))
		case "grant":
			return slices.Sorted(maps.Keys(st.grants))
		}
		return slices.Sorted(maps.Keys(st.assignments))
	}
	now := "2026-02-01T00:00:00.000Z"
	for step := range 300 {
		var what string
		switch rng.IntN(9) {
		case 0:
			what = "create permission set"
			_, _ = createPermissionSet(st, admin, record{"Name": fmt.Sprintf("PS_%d", rng.IntN(40)), "Label": "L"})
		case 1:
			what = "rename permission set"
			_ = updatePermissionSet(st, admin, pick(keysOf(st, "ps")), record{"Name": fmt.Sprintf("Ps_%d", rng.IntN(40))})
		case 2:
			what = "delete permission set"
			_ = deletePermissionSet(st, admin, pick(keysOf(st, "ps")))
		case 3:
			what = "create assignment"
			_, _ = createAssignment(st, admin, record{"PermissionSetId": pick(keysOf(st, "ps")), "AssigneeId": pick(keysOf(st, "user"))})
		case 4:
			what = "create grant"
			_, _ = createGrant(st, admin, record{"ParentId": pick(keysOf(st, "ps")), "SetupEntityId": pick(keysOf(st, "app"))})
		case 5:
			what = "delete assignment or grant"
			if as := keysOf(st, "assignment"); len(as) > 0 && rng.IntN(2) == 0 {
				st.removeAssignment(st.assignments[pick(as)])
			} else if gs := keysOf(st, "grant"); len(gs) > 0 {
				st.removeGrant(st.grants[pick(gs)])
			}
		case 6:
			what = "save app"
			name := fmt.Sprintf("App_%d", rng.IntN(20))
			if rng.IntN(2) == 0 {
				name = strings.ToUpper(name) // a rename that changes only the case
			}
			m := &metadata.ConnectedApp{FullName: name, Label: name, ContactEmail: "a@b.test",
				OAuthConfig:       &metadata.OAuthConfig{CallbackURL: "https://x.test/cb", Scopes: []string{"Api"}},
				PermissionSetName: []string{st.permSets[pick(keysOf(st, "ps"))].Name}}
			_ = saveApp(st, metadata.OpUpsert, m, now)
		case 7:
			what = "delete app"
			if apps := keysOf(st, "app"); len(apps) > 0 {
				_ = deleteComponent(st, metadata.TypeConnectedApp, st.apps[pick(apps)].Name)
			}
		case 8:
			what = "clone"
			st = st.clone()
			admin = st.userByUsername("admin@acme.test")
		}
		if want := buildIndexes(st); !reflect.DeepEqual(st.idx, want) {
			t.Fatalf("step %d (%s): indexes differ from the records:\n got %+v\nwant %+v", step, what, st.idx, want)
		}
		checkLookupsMatchScans(t, st, fmt.Sprintf("step %d (%s)", step, what))
	}
}

// checkLookupsMatchScans asks every indexed field of every type for the values records hold (in
// another case too) and one no record holds, and compares the answer with a scan of all records.
func checkLookupsMatchScans(t *testing.T, st *state, when string) {
	t.Helper()
	for _, typ := range sobjectTypes {
		if typ.lookup == nil {
			continue
		}
		all := typ.records(st)
		for _, f := range typ.fields {
			values := []string{"no such value", "0PS000000000000AAA"}
			for _, rec := range all {
				if v, ok := rec[f.name].(string); ok {
					values = append(values, v, strings.ToUpper(v), strings.ToLower(v))
				}
			}
			for _, v := range values {
				got, ok := typ.lookup(st, f.name, v)
				if !ok {
					break // the field has no index
				}
				var want []record
				for _, rec := range all {
					if s, isText := rec[f.name].(string); isText && strings.EqualFold(s, v) {
						want = append(want, rec)
					}
				}
				if len(got) != len(want) || (len(got) > 0 && !reflect.DeepEqual(got, want)) {
					t.Fatalf("%s: %s.%s = %q: lookup %v, scan %v", when, typ.name, f.name, v, got, want)
				}
			}
		}
	}
}
