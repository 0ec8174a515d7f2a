package soql

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

type record map[string]any

func (r record) get(field string) (any, bool) {
	for k, v := range r {
		if strings.EqualFold(k, field) {
			return v, true
		}
	}
	return nil, false
}

var users = []record{
	{"Id": "005A", "Username": "admin@acme.test", "UserType": "Standard", "IsActive": true, "Profile.Name": "System Administrator", "Rank": 1.0},
	{"Id": "005B", "Username": "partner@acme.test", "UserType": "PowerPartner", "IsActive": true, "Profile.Name": "Partner Community User", "Rank": 5.0},
	{"Id": "005C", "Username": "customer@acme.test", "UserType": "CustomerSuccess", "IsActive": true, "Profile.Name": nil, "Rank": 3},
	{"Id": "005D", "Username": "inactive@acme.test", "UserType": "Standard", "IsActive": false, "Profile.Name": "Standard User", "Rank": nil},
	{"Id": "005E", "Username": "o'brien_100%@acme.test", "UserType": "Standard", "IsActive": true, "Profile.Name": "Standard User", "Rank": 2},
}

func matching(t *testing.T, q string) []string {
	t.Helper()
	parsed, err := Parse(q)
	if err != nil {
		t.Fatalf("Parse(%q): %v", q, err)
	}
	var ids []string
	for _, u := range users {
		ok, err := parsed.Match(u.get)
		if err != nil {
			t.Fatalf("Match(%q): %v", q, err)
		}
		if ok {
			ids = append(ids, u["Id"].(string))
		}
	}
	return ids
}

func TestMatch(t *testing.T) {
	cases := []struct {
		query string
		want  []string
	}{
		{"SELECT Id FROM User", []string{"005A", "005B", "005C", "005D", "005E"}},
		{"select id from user where usertype = 'standard'", []string{"005A", "005D", "005E"}},
		{"SELECT Id FROM User WHERE UserType != 'Standard'", []string{"005B", "005C"}},
		{"SELECT Id FROM User WHERE UserType <> 'Standard'", []string{"005B", "005C"}},
		{"SELECT Id FROM User WHERE IsActive = false", []string{"005D"}},
		{"SELECT Id FROM User WHERE IsActive = TRUE AND UserType IN ('PowerPartner', 'CustomerSuccess')", []string{"005B", "005C"}},
		{"SELECT Id FROM User WHERE UserType NOT IN ('PowerPartner', 'CustomerSuccess')", []string{"005A", "005D", "005E"}},
		{"SELECT Id FROM User WHERE Profile.Name = null", []string{"005C"}},
		{"SELECT Id FROM User WHERE Profile.Name != null AND IsActive = true", []string{"005A", "005B", "005E"}},
		{"SELECT Id FROM User WHERE Username LIKE 'P%'", []string{"005B"}},
		{"SELECT Id FROM User WHERE Username LIKE '%@ACME.TEST'", []string{"005A", "005B", "005C", "005D", "005E"}},
		{"SELECT Id FROM User WHERE Username LIKE '_dmin@%'", []string{"005A"}},
		{`SELECT Id FROM User WHERE Username LIKE '%\_100\%%'`, []string{"005E"}},
		{`SELECT Id FROM User WHERE Username LIKE '%\%'`, nil},
		{`SELECT Id FROM User WHERE Username = 'o\'brien_100%@acme.test'`, []string{"005E"}},
		{"SELECT Id FROM User WHERE (UserType = 'Standard' OR UserType = 'PowerPartner') AND IsActive = true", []string{"005A", "005B", "005E"}},
		{"SELECT Id FROM User WHERE NOT (UserType = 'Standard')", []string{"005B", "005C"}},
		{"SELECT Id FROM User WHERE Rank > 2", []string{"005B", "005C"}},
		{"SELECT Id FROM User WHERE Rank <= 2.0", []string{"005A", "005E"}},
		{"SELECT Id FROM User WHERE Rank >= -1 AND Rank < 1.5", []string{"005A"}},
		{"SELECT Id FROM User WHERE Rank = null OR Rank = 5", []string{"005B", "005D"}},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			if got := matching(t, tc.query); !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestParseShape(t *testing.T) {
	q, err := Parse("SELECT Id, Assignee.Username FROM PermissionSetAssignment WHERE PermissionSet.Name = 'X' ORDER BY Assignee.Username DESC, Id NULLS LAST LIMIT 10 OFFSET 5")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(q.Fields, []string{"Id", "Assignee.Username"}) || q.Object != "PermissionSetAssignment" || q.Limit != 10 || q.Offset != 5 || q.Count {
		t.Fatalf("parsed %+v", q)
	}
	wantOrder := []OrderItem{{Field: "Assignee.Username", Desc: true, NullsLast: true}, {Field: "Id", NullsLast: true}}
	if !slices.Equal(q.OrderBy, wantOrder) {
		t.Fatalf("order %+v, want %+v", q.OrderBy, wantOrder)
	}
	if got := q.ReferencedFields(); !slices.Equal(got, []string{"Id", "Assignee.Username", "PermissionSet.Name"}) {
		t.Fatalf("referenced fields %v", got)
	}
	count, err := Parse("SELECT COUNT() FROM User")
	if err != nil || !count.Count || count.Limit != -1 || count.Offset != -1 {
		t.Fatalf("COUNT(): %+v, %v", count, err)
	}
}

func TestParseRejects(t *testing.T) {
	cases := map[string]string{
		"":                          "unexpected token: <EOF>",
		"SELECT Id FORM User":       "unexpected token: FORM",
		"SELECT FROM User":          "unexpected token: FROM",
		"SELECT Id, FROM User":      "unexpected token: FROM",
		"SELECT Id FROM":            "unexpected token: <EOF>",
		"SELECT Id FROM User WHERE": "unexpected token: <EOF>",
		"SELECT Id FROM User WHERE UserType = 'Standard' AND IsActive = true OR Id = 'x'":               "unexpected token: OR",
		"SELECT Id FROM User WHERE Username = 'unterminated":                                            "unterminated string literal",
		"SELECT Id FROM User WHERE Username = 'bad \\q escape'":                                         `invalid escape sequence \q`,
		"SELECT Id FROM User WHERE (IsActive = true":                                                    "unexpected token: <EOF>",
		"SELECT Id FROM User WHERE Rank > null":                                                         "null can only be compared",
		"SELECT Id FROM User WHERE Username LIKE 5":                                                     "unexpected token: 5",
		"SELECT Id FROM User WHERE UserType IN ()":                                                      "unexpected token: )",
		"SELECT Id FROM User LIMIT -1":                                                                  "unexpected token: -1",
		"SELECT Id FROM User LIMIT 5 garbage":                                                           "unexpected token: garbage",
		"SELECT Id FROM User ORDER BY":                                                                  "unexpected token: <EOF>",
		"SELECT Id FROM User ORDER BY Id NULLS MIDDLE":                                                  "unexpected token: MIDDLE",
		"SELECT Id FROM User WHERE Id = 'a' ; DELETE":                                                   "unexpected character ';'",
		"SELECT Id FROM Account.Owner":                                                                  "unexpected token: Account.Owner",
		"SELECT Id FROM User WHERE " + strings.Repeat("(", 100) + "Id = 'a'" + strings.Repeat(")", 100): "nested too deeply",
		"SELECT Id FROM User WHERE Id = '" + strings.Repeat("a", MaxLength) + "'":                       "the limit is 100000",
	}
	for q, want := range cases {
		_, err := Parse(q)
		var qe *Error
		if !errors.As(err, &qe) || qe.Code != CodeMalformedQuery || !strings.Contains(qe.Message, want) {
			name := q
			if len(name) > 80 {
				name = name[:80] + "…"
			}
			t.Errorf("Parse(%q) = %v; want MALFORMED_QUERY containing %q", name, err, want)
		}
	}
}

func TestMatchErrors(t *testing.T) {
	cases := map[string]string{
		"SELECT Id FROM User WHERE Nope = 'x'":          "No such column 'Nope'",
		"SELECT Id FROM User WHERE IsActive = 'true'":   "must be of type boolean",
		"SELECT Id FROM User WHERE Rank = 'five'":       "must be of type number",
		"SELECT Id FROM User WHERE Username = 5":        "must be of type text",
		"SELECT Id FROM User WHERE IsActive LIKE 'tr%'": "LIKE applies to text fields only",
	}
	for q, want := range cases {
		parsed, err := Parse(q)
		if err != nil {
			t.Fatalf("Parse(%q): %v", q, err)
		}
		_, err = parsed.Match(users[0].get)
		var qe *Error
		if !errors.As(err, &qe) || qe.Code != CodeInvalidField || !strings.Contains(qe.Message, want) {
			t.Errorf("Match(%q) = %v; want INVALID_FIELD containing %q", q, err, want)
		}
	}
}

func TestCompareOrdersLikeSalesforce(t *testing.T) {
	order := func(q string) []string {
		parsed, err := Parse(q)
		if err != nil {
			t.Fatal(err)
		}
		rows := slices.Clone(users)
		slices.SortStableFunc(rows, func(a, b record) int { return parsed.Compare(a.get, b.get) })
		ids := make([]string, len(rows))
		for i, r := range rows {
			ids[i] = r["Id"].(string)
		}
		return ids
	}
	cases := map[string][]string{
		"SELECT Id FROM User ORDER BY Rank":                  {"005D", "005A", "005E", "005C", "005B"},
		"SELECT Id FROM User ORDER BY Rank ASC NULLS LAST":   {"005A", "005E", "005C", "005B", "005D"},
		"SELECT Id FROM User ORDER BY Rank DESC":             {"005B", "005C", "005E", "005A", "005D"},
		"SELECT Id FROM User ORDER BY Rank DESC NULLS FIRST": {"005D", "005B", "005C", "005E", "005A"},
		"SELECT Id FROM User ORDER BY UserType, Username":    {"005C", "005B", "005A", "005D", "005E"},
		"SELECT Id FROM User ORDER BY IsActive, Id DESC":     {"005D", "005E", "005C", "005B", "005A"},
	}
	for q, want := range cases {
		if got := order(q); !slices.Equal(got, want) {
			t.Errorf("%s: got %v, want %v", q, got, want)
		}
	}
}

func TestStringRoundTrips(t *testing.T) {
	for _, q := range []string{
		"select id, profile.name from user where (usertype = 'a\\'b' or usertype in ('x', null)) and not rank >= 2.5 order by id desc limit 3",
		`SELECT Id FROM User WHERE Username LIKE '%\_\%\\x' AND Id NOT IN ('a\nb')`,
		"SELECT COUNT() FROM User OFFSET 4",
	} {
		first, err := Parse(q)
		if err != nil {
			t.Fatalf("Parse(%q): %v", q, err)
		}
		second, err := Parse(first.String())
		if err != nil || second.String() != first.String() {
			t.Fatalf("%q: canonical form %q re-parses to %v, %v", q, first.String(), second, err)
		}
	}
}

func TestLikeIsLinear(t *testing.T) {
	s := strings.Repeat("a", 5000)
	if like(s, strings.Repeat("%a", 200)+"b") {
		t.Fatal("pattern ending in b matched a run of a")
	}
	if !like(s, strings.Repeat("%a", 200)+"%") {
		t.Fatal("pattern of %a did not match a run of a")
	}
}

func FuzzParse(f *testing.F) {
	for _, q := range []string{
		"SELECT Id FROM User",
		"SELECT Id, Profile.Name FROM User WHERE UserType IN ('PowerPartner','CustomerSuccess') AND IsActive = true ORDER BY Username LIMIT 5",
		`SELECT Id FROM User WHERE Username LIKE '%\_x\%' OR Id = '\u0041'`,
		"SELECT COUNT() FROM PermissionSet WHERE NOT (Name = null) OFFSET 3",
		"SELECT Id FROM User WHERE a = 1 AND b = 2 OR c = 3",
		"SELECT Id FROM User WHERE ((((Id = 'x'))))",
		"SELECT Id FROM User WHERE Id = '",
		"SELECT Id FROM User ORDER BY Id DESC NULLS FIRST, Name",
		"select\tid\nfrom user where rank >= -1.5",
	} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, q string) {
		parsed, err := Parse(q)
		if err != nil {
			var qe *Error
			if !errors.As(err, &qe) || qe.Code != CodeMalformedQuery {
				t.Fatalf("Parse(%q) returned %v, not a MALFORMED_QUERY error", q, err)
			}
			return
		}
		canonical := parsed.String()
		again, err := Parse(canonical)
		if err != nil {
			t.Fatalf("Parse(%q) gave canonical form %q that does not parse: %v", q, canonical, err)
		}
		if again.String() != canonical {
			t.Fatalf("canonical form is not stable: %q then %q", canonical, again.String())
		}
		_, _ = parsed.Match(users[1].get)
	})
}

func BenchmarkParse(b *testing.B) {
	q := "SELECT Id, Username, Profile.Name FROM User WHERE UserType IN ('PowerPartner', 'CustomerSuccess') AND IsActive = true AND Username LIKE '%@acme.test' ORDER BY Username LIMIT 200"
	for b.Loop() {
		if _, err := Parse(q); err != nil {
			b.Fatal(err)
		}
	}
}
