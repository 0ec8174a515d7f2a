// Package sfid builds and checks Salesforce record ids: 15 case-sensitive characters, a 3-character
// key prefix naming the object, and for the 18-character form a 3-character checksum suffix that
// makes the id safe to compare case-insensitively.
package sfid

import (
	"errors"
	"fmt"
)

// Key prefixes of the objects this project deals with, each with its status in SALESFORCE.md: a
// verified prefix is documented by Salesforce, an observed one seen in real ids, and an assumed one
// is mockorg's guess, which no client may rely on beyond routing mockorg's own ids.
const (
	PrefixOrganization         = "00D" // Organization; verified
	PrefixUser                 = "005" // User; verified
	PrefixProfile              = "00e" // Profile; verified
	PrefixPermissionSet        = "0PS" // PermissionSet; verified
	PrefixAssignment           = "0Pa" // PermissionSetAssignment; verified
	PrefixSetupEntityAccess    = "0J0" // SetupEntityAccess; verified
	PrefixConnectedApplication = "0H4" // ConnectedApplication; verified
	// PrefixOAuthToken: Salesforce documents OauthToken.Id as always null, so no record shows a
	// prefix; this is the one describe reports. Assumed.
	PrefixOAuthToken        = "0CQ"
	PrefixExternalClientApp = "0xI" // ExternalClientApplication; assumed
	PrefixECAConsumer       = "0xC" // an External Client App's OAuth consumer; assumed
	PrefixECAStaged         = "0xS" // an External Client App's staged credentials; assumed
	PrefixDeployRequest     = "0Af" // DeployRequest, the ids `sf project deploy` prints; observed
	PrefixRetrieveRequest   = "09S" // the Metadata API's retrieve job; assumed
	// PrefixQueryLocator starts a query locator, the last segment of a nextRecordsUrl. Assumed.
	PrefixQueryLocator = "01g"
)

const (
	checksumAlphabet        = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
	base62                  = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	instance                = "5g"
	sequenceLen             = 10
	maxSequence      uint64 = 839299365868340223 // 62^10 - 1
)

// ErrInvalid is returned (wrapped) for anything that is not a well-formed 15- or 18-character id.
var ErrInvalid = errors.New("not a valid Salesforce id")

// New returns the 18-character id of the n-th record with the given key prefix.
func New(prefix string, n uint64) string {
	if len(prefix) != 3 || n > maxSequence {
		panic(fmt.Sprintf("sfid.New(%q, %d): prefix must be 3 characters and n below 62^10", prefix, n))
	}
	var b [18]byte
	copy(b[:3], prefix)
	copy(b[3:5], instance)
	for i := 14; i >= 5; i-- {
		b[i] = base62[n%62]
		n /= 62
	}
	appendChecksum(&b)
	return string(b[:])
}

// Normalize accepts a 15- or 18-character id and returns its 18-character form. An 18-character id
// whose suffix does not match its first 15 characters is rejected, as Salesforce does.
func Normalize(id string) (string, error) {
	if len(id) != 15 && len(id) != 18 {
		return "", fmt.Errorf("%w: %q has %d characters; ids have 15 or 18", ErrInvalid, id, len(id))
	}
	var b [18]byte
	for i := 0; i < 15; i++ {
		c := id[i]
		if !isAlnum(c) {
			return "", fmt.Errorf("%w: %q has %q at position %d; ids are letters and digits", ErrInvalid, id, c, i+1)
		}
		b[i] = c
	}
	appendChecksum(&b)
	if len(id) == 18 && !equalFold(id[15:], string(b[15:])) {
		return "", fmt.Errorf("%w: %q has checksum %q, expected %q", ErrInvalid, id, id[15:], b[15:])
	}
	return string(b[:]), nil
}

// HasPrefix reports whether id is a valid id of the object with the given key prefix.
func HasPrefix(id, prefix string) bool {
	n, err := Normalize(id)
	return err == nil && n[:3] == prefix
}

func appendChecksum(b *[18]byte) {
	for chunk := 0; chunk < 3; chunk++ {
		v := 0
		for i := 0; i < 5; i++ {
			if c := b[chunk*5+i]; c >= 'A' && c <= 'Z' {
				v |= 1 << i
			}
		}
		b[15+chunk] = checksumAlphabet[v]
	}
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if x >= 'a' && x <= 'z' {
			x -= 'a' - 'A'
		}
		if y >= 'a' && y <= 'z' {
			y -= 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
