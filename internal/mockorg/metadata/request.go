package metadata

// Namespaces of the Metadata API envelope.
const (
	Namespace      = "http://soap.sforce.com/2006/04/metadata"
	SOAPEnvelopeNS = "http://schemas.xmlsoap.org/soap/envelope/"
	XSINamespace   = "http://www.w3.org/2001/XMLSchema-instance"
)

// Operation is a Metadata API call name.
type Operation string

// The operations this package decodes. Any other name in the body is a client fault.
const (
	OpRead   Operation = "readMetadata"
	OpCreate Operation = "createMetadata"
	OpUpdate Operation = "updateMetadata"
	OpUpsert Operation = "upsertMetadata"
	OpDelete Operation = "deleteMetadata"
	OpList   Operation = "listMetadata"
)

// Limits Salesforce applies per call.
const (
	MaxComponents  = 10 // components (or fullNames) per create/update/upsert/read/delete call
	MaxListQueries = 3  // queries per listMetadata call
)

// Request is a decoded Metadata API request. Which fields are set depends on Operation:
//   - OpRead, OpDelete: Type and FullNames (at most MaxComponents; may be empty);
//   - OpCreate, OpUpdate, OpUpsert: Components (at most MaxComponents; may be empty) and AllOrNone;
//   - OpList: Queries (at most MaxListQueries) and AsOfVersion;
//   - OpDescribe: nothing; OpRetrieve: Retrieve; OpDeploy: Deploy;
//   - OpCheckRetrieveStatus, OpCheckDeployStatus: AsyncID (and IncludeDetails).
type Request struct {
	// SessionID is SessionHeader/sessionId: a session id or OAuth access token. Empty when the
	// header is absent; the handler answers INVALID_SESSION_ID.
	SessionID string
	Operation Operation
	// AllOrNone is AllOrNoneHeader/allOrNone (create/update/upsert, 34.0+): when true, the handler
	// must save nothing if any component fails.
	AllOrNone bool

	Type      string
	FullNames []string

	Components []Component

	Queries []ListQuery

	// AsyncID is the job a checkDeployStatus or checkRetrieveStatus asks about; IncludeDetails is
	// checkDeployStatus's wish for per-component results.
	AsyncID        string
	IncludeDetails bool
	// Retrieve is retrieve's request; Deploy is deploy's zip and options.
	Retrieve *RetrieveRequest
	Deploy   DeployOptions

	// AsOfVersion is listMetadata's asOfVersion; 0 when absent, which means the request's version.
	AsOfVersion Version
}

// ListQuery is one ListMetadataQuery.
type ListQuery struct {
	Type   string
	Folder string
}
