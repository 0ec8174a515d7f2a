package provider

import "github.com/sfaccess/terraform-provider-sfaccess/internal/sfid"

// The org answers with 15- or 18-character ids depending on the API; the provider stores and
// compares the 18-character form so that state never shows a diff between two spellings of one id.

// normalizeID returns the 18-character form of id, or id itself when it is not a record id.
func normalizeID(id string) string {
	if n, err := sfid.Normalize(id); err == nil {
		return n
	}
	return id
}

// sameID reports whether a and b name the same record; an empty id names none.
func sameID(a, b string) bool {
	return a != "" && normalizeID(a) == normalizeID(b)
}
