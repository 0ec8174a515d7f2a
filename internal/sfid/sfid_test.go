package sfid

import (
	"errors"
	"strings"
	"testing"
)

func TestNormalizeKnownIDs(t *testing.T) {
	// Ids from Salesforce's own documentation and captures, 15 and 18 characters.
	cases := map[string]string{
		"0H4xx0000004CAb":    "0H4xx0000004CAbCAM",
		"0H4xx0000004CAbCAM": "0H4xx0000004CAbCAM",
		"0H4xx0000004CAbcam": "0H4xx0000004CAbCAM", // the suffix is case-insensitive by design
		"005xx000001Sv6A":    "005xx000001Sv6AAAS",
		"00Dxx0000001gPL":    "00Dxx0000001gPLEAY",
	}
	for in, want := range cases {
		got, err := Normalize(in)
		if err != nil || got != want {
			t.Errorf("Normalize(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestNormalizeRejects(t *testing.T) {
	for _, in := range []string{"", "005", "005xx000001Sv6", "005xx000001Sv6AAAA", "005xx000001Sv6AAAB", "005xx00000-Sv6A", "005xx000001Sv6AAÄ"} {
		if got, err := Normalize(in); !errors.Is(err, ErrInvalid) {
			t.Errorf("Normalize(%q) = %q, %v; want ErrInvalid", in, got, err)
		}
	}
}

func TestNewIsValidAndDistinct(t *testing.T) {
	seen := map[string]bool{}
	for _, n := range []uint64{0, 1, 61, 62, 3843, 1 << 40, maxSequence} {
		id := New(PrefixPermissionSet, n)
		if len(id) != 18 || !strings.HasPrefix(id, PrefixPermissionSet) {
			t.Fatalf("New(0PS, %d) = %q", n, id)
		}
		if back, err := Normalize(id[:15]); err != nil || back != id {
			t.Fatalf("New(0PS, %d) = %q, but its 15-character form normalises to %q, %v", n, id, back, err)
		}
		if seen[strings.ToLower(id)] {
			t.Fatalf("New(0PS, %d) = %q repeats an earlier id, ignoring case", n, id)
		}
		seen[strings.ToLower(id)] = true
		if !HasPrefix(id, PrefixPermissionSet) || HasPrefix(id, PrefixUser) {
			t.Fatalf("HasPrefix wrong for %q", id)
		}
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"0H4xx0000004CAb", "0H4xx0000004CAbCAM", "", "zzzzzzzzzzzzzzzzzz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, err := Normalize(in)
		if err != nil {
			return
		}
		again, err := Normalize(out)
		if err != nil || again != out || !strings.EqualFold(out[:15], in[:15]) {
			t.Fatalf("Normalize(%q) = %q, then %q, %v", in, out, again, err)
		}
	})
}

// TestPrefixesNameOneObjectEach would catch two objects given the same prefix: mockorg routes an id
// to its object by the prefix, so a shared one would send a request to the wrong table.
func TestPrefixesNameOneObjectEach(t *testing.T) {
	prefixes := []string{
		PrefixOrganization, PrefixUser, PrefixProfile, PrefixPermissionSet, PrefixAssignment,
		PrefixSetupEntityAccess, PrefixConnectedApplication, PrefixOAuthToken, PrefixExternalClientApp,
		PrefixECAConsumer, PrefixECAStaged, PrefixDeployRequest, PrefixRetrieveRequest, PrefixQueryLocator,
	}
	for i, p := range prefixes {
		id := New(p, uint64(i))
		for j, q := range prefixes {
			if HasPrefix(id, q) != (i == j) {
				t.Errorf("HasPrefix(%q, %q) = %v: the prefixes of two objects overlap", id, q, i != j)
			}
		}
	}
}
