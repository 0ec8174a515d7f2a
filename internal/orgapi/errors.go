package orgapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"
)

// Kind classifies an error so that callers can branch on what happened without parsing messages.
type Kind int

const (
	// KindOther is anything the client cannot classify more precisely.
	KindOther Kind = iota
	// KindNotFound: the object does not exist (or, for an installation, the app is not installed).
	KindNotFound
	// KindInsufficientAccess: the API user lacks a permission; Error.Permission names it when known.
	KindInsufficientAccess
	// KindFeatureNotProvisioned: API Access Control has not been enabled for the org by Salesforce Support.
	KindFeatureNotProvisioned
	// KindInvalidInput: the org rejected a value; Error.Fields names the fields when known.
	KindInvalidInput
	// KindAuth: the credentials were rejected or the session is no longer valid.
	KindAuth
	// KindRateLimited: the org's API request limit was hit and retries did not get through.
	KindRateLimited
	// KindExtensionUnavailable: the org does not serve the sfaccess setup extension; Error.SetupPage
	// says where a person can make the change instead.
	KindExtensionUnavailable
	// KindConnectedAppCreationRestricted: the org refused to create a connected app because
	// Salesforce no longer lets customers create them (Spring '26, Salesforce help 005228017);
	// existing apps can still be read, updated and deleted.
	KindConnectedAppCreationRestricted
	// KindProfileOwned: the permission set belongs to a profile (IsOwnedByProfile); Salesforce
	// manages it, and its assignments, through the profile.
	KindProfileOwned
	// KindUnreachable: instance_url or login_url has never answered: a failure no retry can fix
	// (TLS, a refused connection to this machine, a host that does not resolve) or no answer
	// within the first-contact time. The message names the URL and what was tried.
	KindUnreachable
)

func (k Kind) String() string {
	switch k {
	case KindNotFound:
		return "not found"
	case KindInsufficientAccess:
		return "insufficient access"
	case KindFeatureNotProvisioned:
		return "feature not provisioned"
	case KindInvalidInput:
		return "invalid input"
	case KindAuth:
		return "authentication failed"
	case KindRateLimited:
		return "rate limited"
	case KindExtensionUnavailable:
		return "setup extension unavailable"
	case KindConnectedAppCreationRestricted:
		return "connected app creation restricted"
	case KindProfileOwned:
		return "profile-owned permission set"
	case KindUnreachable:
		return "org unreachable"
	default:
		return "error"
	}
}

// Sentinels for errors.Is. Every *Error matches the sentinel of its Kind.
var (
	ErrNotFound              error = &Error{Kind: KindNotFound, Message: "not found"}
	ErrInsufficientAccess    error = &Error{Kind: KindInsufficientAccess, Message: "insufficient access"}
	ErrFeatureNotProvisioned error = &Error{Kind: KindFeatureNotProvisioned, Message: "API Access Control is not provisioned for this org"}
	ErrInvalidInput          error = &Error{Kind: KindInvalidInput, Message: "invalid input"}
	ErrAuth                  error = &Error{Kind: KindAuth, Message: "authentication failed"}
	ErrRateLimited           error = &Error{Kind: KindRateLimited, Message: "API request limit exceeded"}
	ErrExtensionUnavailable  error = &Error{Kind: KindExtensionUnavailable, Message: "the org does not serve the sfaccess setup extension"}
	// ErrConnectedAppCreationRestricted matches a create the org refused because connected app
	// creation is restricted.
	ErrConnectedAppCreationRestricted error = &Error{Kind: KindConnectedAppCreationRestricted, Message: "connected app creation is restricted in this org"}
	ErrProfileOwned                   error = &Error{Kind: KindProfileOwned, Message: "the permission set is owned by a profile"}
	ErrUnreachable                    error = &Error{Kind: KindUnreachable, Message: "the org could not be reached"}
)

var sentinels = map[Kind]error{
	KindNotFound:              ErrNotFound,
	KindInsufficientAccess:    ErrInsufficientAccess,
	KindFeatureNotProvisioned: ErrFeatureNotProvisioned,
	KindInvalidInput:          ErrInvalidInput,
	KindAuth:                  ErrAuth,
	KindRateLimited:           ErrRateLimited,
	KindExtensionUnavailable:  ErrExtensionUnavailable,

	KindConnectedAppCreationRestricted: ErrConnectedAppCreationRestricted,
	KindProfileOwned:                   ErrProfileOwned,
	KindUnreachable:                    ErrUnreachable,
}

// Setup pages a person can use when the org does not serve the setup extension.
const (
	SetupPageOAuthUsage       = "Setup > Apps > Connected Apps > Connected Apps OAuth Usage"
	SetupPageAPIAccessControl = "Setup > Security > API Access Control"
)

// Error is every failure the client reports about an org call.
type Error struct {
	Kind       Kind
	Op         string // what the client was doing, e.g. "reading ConnectedApp Portal_Mobile"
	Code       string // the org's error code (INSUFFICIENT_ACCESS, invalid_grant, …) when it gave one
	Message    string // the org's message, or the client's own
	Fields     []string
	Permission string // missing permission(s) by API name, when known; messages add the Setup labels
	SetupPage  string // for KindExtensionUnavailable: the Setup page to use instead
	StatusCode int    // HTTP status of the answer, 0 when there was none
	// Attempts and Elapsed say how many HTTP attempts the call made, over how long, waits included.
	Attempts int
	Elapsed  time.Duration
	// Transient: the last attempt failed in a way another attempt could get past (a 429 or 5xx,
	// a timeout, a dropped connection), so the retries ran out rather than the org refusing.
	Transient bool
	cause     error
	// authHint replaces the advice for a KindAuth error whose credentials are not the Client's own.
	authHint string
	// advice is a KindUnreachable error's: what to check in the URL that did not answer.
	advice string
}

// Error renders "op: CODE: message (needs …). What to do."
func (e *Error) Error() string {
	var b strings.Builder
	if e.Op != "" {
		b.WriteString(e.Op)
		b.WriteString(": ")
	}
	msg := e.Message
	if e.Code != "" && !strings.HasPrefix(msg, e.Code) {
		b.WriteString(e.Code)
		b.WriteString(": ")
	}
	b.WriteString(msg)
	if e.Permission != "" && !strings.Contains(msg, e.Permission) {
		fmt.Fprintf(&b, " (needs %s)", WithPermissionLabels(e.Permission))
	}
	if len(e.Fields) > 0 && e.Kind == KindInvalidInput {
		fmt.Fprintf(&b, " [fields: %s]", strings.Join(e.Fields, ", "))
	}
	if e.Transient {
		fmt.Fprintf(&b, " (gave up after %s over %s).", plural(e.Attempts, "attempt"), e.Elapsed.Round(100*time.Millisecond))
	}
	if hint := e.hint(); hint != "" {
		if !strings.HasSuffix(b.String(), ".") {
			b.WriteString(".")
		}
		b.WriteString(" ")
		b.WriteString(hint)
	}
	return b.String()
}

func (e *Error) hint() string {
	switch e.Kind {
	case KindInsufficientAccess:
		if e.Permission == "" {
			return "Give the API user the missing permission through a permission set or its profile, or configure a user who has it."
		}
		pronoun := "it"
		if strings.Contains(e.Permission, " and ") || strings.Contains(e.Permission, " or ") {
			pronoun = "them"
		}
		return "Give the API user " + WithPermissionLabels(e.Permission) + " through a permission set or its profile, or configure a user who has " + pronoun + "."
	case KindFeatureNotProvisioned:
		if strings.Contains(e.Message, "Customer Support") {
			return "" // the org's own message already says what to do
		}
		return "Ask Salesforce Customer Support to enable API Access Control for this org."
	case KindAuth:
		if e.authHint != "" {
			return e.authHint
		}
		return "Check the provider's credentials (access_token, or client_id with client_secret or with username and private_key) and login_url."
	case KindRateLimited:
		if e.Code == "REQUEST_LIMIT_EXCEEDED" && strings.Contains(e.Message, "TotalRequests") {
			return "The org's API request limit (TotalRequests) was reached; wait for it to recover, or raise max_retries."
		}
		return "The org throttled the request; it is usually short-lived, so try again, or raise max_retries."
	case KindExtensionUnavailable:
		if e.SetupPage != "" {
			return "Make this change in " + e.SetupPage + " instead."
		}
	case KindInvalidInput:
		if len(e.Fields) > 0 {
			return "Correct the value of " + strings.Join(e.Fields, ", ") + "."
		}
	case KindConnectedAppCreationRestricted:
		return hintConnectedAppCreationRestricted
	case KindUnreachable:
		return e.advice
	}
	return ""
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// OutcomeUnknown reports whether a failed write may nevertheless have been carried out: no
// answer came (a timeout, a dropped connection, a cancelled call), the last answer was a
// transient 5xx or 429 after which the org may still have committed an earlier attempt, or a
// retried create met a duplicate its own earlier attempt may have made. A caller that wants
// the write to be idempotent then looks for the object before failing.
func OutcomeUnknown(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var e *Error
	if !errors.As(err, &e) {
		return false
	}
	return e.Transient || (e.Attempts > 1 && isDuplicate(e))
}

// IsDuplicate reports whether the org refused a create because an object with the same name or
// key already exists.
func IsDuplicate(err error) bool {
	var e *Error
	return errors.As(err, &e) && isDuplicate(e)
}

// Is makes errors.Is(err, ErrNotFound) and friends work for every *Error of that Kind.
func (e *Error) Is(target error) bool {
	if s, ok := sentinels[e.Kind]; ok && target == s {
		return true
	}
	return false
}

// Unwrap exposes the underlying transport or decoding error, if any.
func (e *Error) Unwrap() error { return e.cause }

// KindOf returns the Kind of err, or KindOther when err is not an *Error.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindOther
}

// connectedAppCreationRestrictedPrefix starts the message of the INSUFFICIENT_ACCESS error the
// Metadata API answers a connected app create with in an org where creation is restricted.
// Salesforce has not published the exact text (SALESFORCE.md marks it unverified), so only the
// code and this prefix are relied on.
const connectedAppCreationRestrictedPrefix = "Connected app creation is restricted"

// hintConnectedAppCreationRestricted says why a connected app create is refused and what to do.
const hintConnectedAppCreationRestricted = "Since Spring '26 Salesforce no longer lets customers create connected apps, " +
	"through the Metadata API as in Setup (Salesforce help 005228017). Create an External Client App for a new " +
	"integration instead, or ask Salesforce Support to re-enable connected app creation; existing connected apps " +
	"can still be imported, updated and deleted."

// Codes Salesforce uses for rejected input.
var invalidInputCodes = map[string]bool{
	"INVALID_FIELD": true, "REQUIRED_FIELD_MISSING": true, "FIELD_INTEGRITY_EXCEPTION": true,
	"DUPLICATE_VALUE": true, "DUPLICATE_DEVELOPER_NAME": true, "MALFORMED_QUERY": true, "INVALID_TYPE": true,
	"STRING_TOO_LONG": true, "FIELD_CUSTOM_VALIDATION_EXCEPTION": true, "INVALID_FIELD_FOR_INSERT_UPDATE": true,
	"INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST": true, "JSON_PARSER_ERROR": true, "INVALID_ID_FIELD": true,
	"MALFORMED_ID": true, "INVALID_CROSS_REFERENCE_KEY": true, "INVALID_INPUT": true, "INVALID_VALUE": true,
	"CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY": true, "INVALID_TYPE_FOR_OPERATION": true, "INVALID_SEARCH": true,
	"UNKNOWN_PERMISSION": true, "FIELD_NOT_UPDATEABLE": true, "INVALID_OPERATION": true,
}

var notFoundCodes = map[string]bool{"NOT_FOUND": true, "ENTITY_IS_DELETED": true}

// requiresPattern pulls the permission expression out of messages such as
// "INSUFFICIENT_ACCESS: this operation requires CustomizeApplication and (ModifyAllData or ManageRemoteAccess)".
// lacksPattern prefers the permissions the user is actually missing when the org names them
// ("…; appmanager@acme.test lacks ModifyAllData").
var lacksPattern = regexp.MustCompile(`\blacks ([A-Za-z][A-Za-z() ]*?)\s*(?:[.;]|$)`)

var requiresPattern = regexp.MustCompile(`requires (?:a user with (?:the )?)?([A-Za-z][A-Za-z() ]*?)(?: permissions?)?\s*(?:[.;]|$)`)

// classify turns an answer's status, code and message into an *Error, using what the operation
// knows about the permissions it needs.
func classify(o op, status int, code, message string, fields []string) *Error {
	e := &Error{Op: o.name, Code: code, Message: strings.TrimSpace(message), Fields: fields, StatusCode: status}
	if e.Message == "" {
		e.Message = fmt.Sprintf("the org answered HTTP %d", status)
	}
	switch {
	case code == "INVALID_SESSION_ID" || status == http.StatusUnauthorized:
		e.Kind = KindAuth
	case code == "FEATURE_NOT_ENABLED" || code == "API_ACCESS_CONTROL_NOT_ENABLED":
		e.Kind = KindFeatureNotProvisioned
	case code == "INVALID_FIELD" && mentionsUseAnyAPIClient(message, fields):
		// PermissionsUseAnyApiClient only exists in orgs where Support enabled API Access Control.
		e.Kind = KindFeatureNotProvisioned
	case strings.HasPrefix(code, "INSUFFICIENT_ACCESS") && strings.HasPrefix(e.Message, connectedAppCreationRestrictedPrefix):
		// No permission of the API user would help: the org refuses every creator.
		e.Kind = KindConnectedAppCreationRestricted
		return e
	case strings.HasPrefix(code, "INSUFFICIENT_ACCESS"):
		e.Kind = KindInsufficientAccess
	case code == "API_CURRENTLY_DISABLED":
		// The user lacks "API Enabled"; no admin permission of the operation would help.
		e.Kind, e.Permission = KindInsufficientAccess, "ApiEnabled"
		return e
	case code == "REQUEST_LIMIT_EXCEEDED" || status == http.StatusTooManyRequests:
		e.Kind = KindRateLimited
	case notFoundCodes[code] || status == http.StatusNotFound:
		e.Kind = KindNotFound
	case invalidInputCodes[code] || status == http.StatusBadRequest:
		e.Kind = KindInvalidInput
	case status == http.StatusForbidden:
		e.Kind = KindInsufficientAccess
	default:
		e.Kind = KindOther
	}
	if e.Kind == KindInsufficientAccess {
		if m := lacksPattern.FindStringSubmatch(message); m != nil {
			e.Permission = strings.TrimSpace(m[1])
		} else if m := requiresPattern.FindStringSubmatch(message); m != nil {
			e.Permission = strings.TrimSpace(m[1])
		} else {
			e.Permission = o.perm.String()
		}
	}
	return e
}

func mentionsUseAnyAPIClient(message string, fields []string) bool {
	if strings.Contains(message, "UseAnyApiClient") {
		return true
	}
	for _, f := range fields {
		if strings.Contains(f, "UseAnyApiClient") {
			return true
		}
	}
	return false
}

// op describes one client operation for error messages and permission hints.
type op struct {
	name string      // "reading ConnectedApp Portal_Mobile"
	perm Requirement // what this operation needs (ARCHITECTURE.md, Admin permission matrix)
	// soap is the Metadata API operation the call makes (readMetadata, upsertMetadata, …), set
	// by soapCall, so that the debug log says which one a request to /services/Soap/m was.
	soap string
}

func (o op) fail(kind Kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Op: o.name, Message: fmt.Sprintf(format, args...)}
}

func (o op) wrap(err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		if e.Op == "" {
			c := *e
			c.Op = o.name
			return &c
		}
		return err
	}
	return &Error{Kind: KindOther, Op: o.name, Message: err.Error(), cause: err}
}

func asError(err error, target **Error) bool { return errors.As(err, target) }
