// Package metadata is the server side of the Salesforce Metadata API (SOAP) as mockorg serves it at
// POST /services/Soap/m/{version}: it decodes request envelopes into typed requests, models the two
// metadata types the provider manages (ConnectedAppSettings and ConnectedApp), knows from which API
// version each of their fields exists, and encodes the responses and faults a real org sends.
//
// The package is pure: no HTTP, no store. The handler that uses it owns the HTTP status (500 for
// faults), the body size cap, authentication and persistence.
//
// Every error Decode and ParseVersion return is a *Fault, ready to be written with WriteFault;
// AsFault turns any other error into an UNKNOWN_EXCEPTION fault.
package metadata
