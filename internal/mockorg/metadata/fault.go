package metadata

import (
	"errors"
	"fmt"
)

// Exception codes (SOAP API ExceptionCode) this package raises or that a handler commonly sends.
const (
	CodeInvalidSessionID      = "INVALID_SESSION_ID"
	CodeInsufficientAccess    = "INSUFFICIENT_ACCESS"
	CodeInvalidType           = "INVALID_TYPE"
	CodeUnsupportedAPIVersion = "UNSUPPORTED_API_VERSION"
	CodeUnknownException      = "UNKNOWN_EXCEPTION"
	CodeRequestLimitExceeded  = "REQUEST_LIMIT_EXCEEDED"
	CodeAPIDisabledForOrg     = "API_DISABLED_FOR_ORG"
	// CodeInvalidCrossReferenceKey answers a status check of a job id the org does not know.
	CodeInvalidCrossReferenceKey = "INVALID_CROSS_REFERENCE_KEY"
	// CodeExceededIDLimit is what Salesforce answers when a CRUD call carries more than 10
	// components ("EXCEEDED_ID_LIMIT: record limit reached. cannot submit more than 10 records in
	// this operation", seen on real orgs). Salesforce's answer to more than 3 listMetadata queries is
	// not documented; the same code is used because it is the same kind of per-call item limit.
	CodeExceededIDLimit = "EXCEEDED_ID_LIMIT"
	// CodeExceededMaxSizeRequest is Salesforce's code for a SOAP message over the size limit.
	CodeExceededMaxSizeRequest = "EXCEEDED_MAX_SIZE_REQUEST"
)

// Status codes (StatusCode enum) for per-component errors in SaveResult, UpsertResult and
// DeleteResult.
const (
	StatusFieldIntegrityException  = "FIELD_INTEGRITY_EXCEPTION"
	StatusDuplicateValue           = "DUPLICATE_VALUE"
	StatusInvalidCrossReferenceKey = "INVALID_CROSS_REFERENCE_KEY"
	StatusRequiredFieldMissing     = "REQUIRED_FIELD_MISSING"
	StatusFeatureNotEnabled        = "FEATURE_NOT_ENABLED"
	StatusInsufficientAccess       = "INSUFFICIENT_ACCESS"
	StatusInvalidType              = "INVALID_TYPE"
)

// Fault is a SOAP fault. A handler writes it with WriteFault and HTTP status 500.
//
// Two kinds exist, as on Salesforce: API faults carry an ExceptionCode (faultcode "sf:CODE",
// faultstring "CODE: message"); client faults are raised by the SOAP layer itself when a request
// cannot be deserialized (malformed XML, an element invalid at its location, a value that is not of
// the element's type, an unknown operation) and carry faultcode "soapenv:Client" and the bare message.
type Fault struct {
	Code    string // ExceptionCode, e.g. INVALID_SESSION_ID; empty for a client fault
	Message string
}

// NewFault returns an API fault with an ExceptionCode.
func NewFault(code, message string) *Fault { return &Fault{Code: code, Message: message} }

func clientFault(format string, args ...any) *Fault {
	return &Fault{Message: fmt.Sprintf(format, args...)}
}

// IsClient reports whether f is a SOAP-layer client fault rather than an API fault.
func (f *Fault) IsClient() bool { return f.Code == "" }

// FaultCode is the text of the faultcode element: "sf:CODE" or "soapenv:Client".
func (f *Fault) FaultCode() string {
	if f.IsClient() {
		return "soapenv:Client"
	}
	return "sf:" + f.Code
}

// FaultString is the text of the faultstring element: "CODE: message" for an API fault, the bare
// message for a client fault.
func (f *Fault) FaultString() string {
	if f.IsClient() {
		return f.Message
	}
	return f.Code + ": " + f.Message
}

func (f *Fault) Error() string { return f.FaultCode() + ": " + f.FaultString() }

// AsFault returns err as a *Fault; an error that is not one becomes an UNKNOWN_EXCEPTION fault
// (its text is not exposed to the client, which would otherwise learn about the server's internals).
func AsFault(err error) *Fault {
	var f *Fault
	if errors.As(err, &f) {
		return f
	}
	return NewFault(CodeUnknownException, "An unexpected error occurred. Please include this ErrorId if you contact support.")
}
