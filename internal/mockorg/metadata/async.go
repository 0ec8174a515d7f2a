package metadata

import (
	"encoding/base64"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// The file-based operations: describeMetadata and the asynchronous retrieve and deploy with their
// status checks.
const (
	OpDescribe            Operation = "describeMetadata"
	OpRetrieve            Operation = "retrieve"
	OpCheckRetrieveStatus Operation = "checkRetrieveStatus"
	OpDeploy              Operation = "deploy"
	OpCheckDeployStatus   Operation = "checkDeployStatus"
)

// RetrieveRequest is the part of retrieve's RetrieveRequest a mock org acts on. Types is the
// unpackaged manifest; packageNames and specificFiles name nothing a mock org holds.
type RetrieveRequest struct {
	SinglePackage bool
	Types         []PackageTypeMembers
}

// PackageTypeMembers is one <types> entry of a manifest: a metadata type and its member names
// ("*" for all).
type PackageTypeMembers struct {
	Name    string
	Members []string
}

// DeployOptions are the options of deploy that change what a mock org does.
type DeployOptions struct {
	CheckOnly       bool
	RollbackOnError bool
	// ZipFile is the decoded package; ReadPackage opens it.
	ZipFile []byte
}

// decodeFileOperation decodes the operations whose arguments clients name loosely: jsforce sends
// retrieve's RetrieveRequest as <request> where the WSDL says <retrieveRequest>, and Salesforce
// accepts it, so arguments are found by what they hold rather than by position or exact name.
// Elements these operations do not use (e.g. DeployOptions' runTests) are accepted and ignored.
func decodeFileOperation(op *element, req *Request) error {
	for _, c := range op.children {
		if c.name.Space != Namespace {
			return invalidAt(c, string(req.Operation))
		}
		var err error
		switch {
		case c.name.Local == "asyncProcessId":
			var s string
			s, err = leafText(c)
			req.AsyncID = strings.TrimSpace(s)
		case c.name.Local == "ZipFile":
			err = decodeZipFile(c, req)
		case c.name.Local == "DeployOptions":
			err = decodeDeployOptions(c, req)
		case c.name.Local == "includeDetails":
			var b *bool
			b, err = leafBool(c)
			req.IncludeDetails = b != nil && *b
		case req.Operation == OpRetrieve && (c.name.Local == "retrieveRequest" || c.name.Local == "request"):
			req.Retrieve, err = decodeRetrieveRequest(c)
		}
		if err != nil {
			return err
		}
	}
	switch {
	case (req.Operation == OpCheckDeployStatus || req.Operation == OpCheckRetrieveStatus) && req.AsyncID == "":
		return clientFault("%s needs an asyncProcessId", req.Operation)
	case req.Operation == OpRetrieve && req.Retrieve == nil:
		return clientFault("retrieve needs a RetrieveRequest")
	case req.Operation == OpDeploy && req.Deploy.ZipFile == nil:
		return clientFault("deploy needs a ZipFile")
	}
	return nil
}

func decodeZipFile(c *element, req *Request) error {
	s, err := leafText(c)
	if err != nil {
		return err
	}
	zip, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		return clientFault("ZipFile is not valid base64Binary: %v", err)
	}
	req.Deploy.ZipFile = zip
	return nil
}

func decodeDeployOptions(e *element, req *Request) error {
	for _, c := range e.children {
		var dst *bool
		switch c.name.Local {
		case "checkOnly":
			dst = &req.Deploy.CheckOnly
		case "rollbackOnError":
			dst = &req.Deploy.RollbackOnError
		default:
			continue
		}
		b, err := leafBool(c)
		if err != nil {
			return err
		}
		*dst = b != nil && *b
	}
	return nil
}

func decodeRetrieveRequest(e *element) (*RetrieveRequest, error) {
	r := &RetrieveRequest{}
	for _, c := range e.children {
		switch c.name.Local {
		case "singlePackage":
			b, err := leafBool(c)
			if err != nil {
				return nil, err
			}
			r.SinglePackage = b != nil && *b
		case "unpackaged":
			types, err := decodeManifestTypes(c)
			if err != nil {
				return nil, err
			}
			r.Types = types
		}
	}
	return r, nil
}

// decodeManifestTypes reads the <types> of a Package, in a request or in package.xml.
func decodeManifestTypes(pkg *element) ([]PackageTypeMembers, error) {
	var types []PackageTypeMembers
	for _, t := range pkg.children {
		if t.name.Local != "types" {
			continue
		}
		var ptm PackageTypeMembers
		for _, c := range t.children {
			s, err := leafText(c)
			if err != nil {
				return nil, err
			}
			switch c.name.Local {
			case "name":
				ptm.Name = strings.TrimSpace(s)
			case "members":
				ptm.Members = append(ptm.Members, strings.TrimSpace(s))
			}
		}
		types = append(types, ptm)
	}
	return types, nil
}

// DescribeMetadataObject is one metadata type of a describeMetadata answer.
type DescribeMetadataObject struct {
	DirectoryName string
	Suffix        string
	XMLName       string
}

// WriteDescribeResponse writes a describeMetadataResponse. partialSaveAllowed is whether deploys
// may set rollbackOnError to false; testRequired is always its opposite.
func WriteDescribeResponse(w io.Writer, objects []DescribeMetadataObject, partialSaveAllowed bool) error {
	e := newEncoder(LatestVersion, "", false)
	e.openEnvelope()
	e.open("describeMetadataResponse")
	e.open("result")
	for _, o := range objects {
		e.open("metadataObjects")
		e.leaf("directoryName", o.DirectoryName)
		e.leaf("inFolder", "false")
		e.leaf("metaFile", "false")
		e.leaf("suffix", o.Suffix)
		e.leaf("xmlName", o.XMLName)
		e.close("metadataObjects")
	}
	e.leaf("organizationNamespace", "")
	e.leaf("partialSaveAllowed", strconv.FormatBool(partialSaveAllowed))
	e.leaf("testRequired", strconv.FormatBool(!partialSaveAllowed))
	e.close("result")
	e.close("describeMetadataResponse")
	e.closeEnvelope()
	return e.finish(w)
}

// WriteAsyncResponse writes the AsyncResult that retrieve and deploy (op) answer at once: the job
// is queued and its id is what the status checks take.
func WriteAsyncResponse(w io.Writer, op Operation, id string) error {
	e := newEncoder(LatestVersion, "", false)
	e.openEnvelope()
	e.open(string(op) + "Response")
	e.open("result")
	e.leaf("done", "false")
	e.leaf("id", id)
	e.leaf("state", "Queued")
	e.close("result")
	e.close(string(op) + "Response")
	e.closeEnvelope()
	return e.finish(w)
}

// DeployMessage is one component's outcome in a DeployResult's details.
type DeployMessage struct {
	Changed, Created, Success bool
	ComponentType, FileName   string
	FullName, ID              string
	Problem                   string // empty on success
}

// DeployResult is checkDeployStatus's answer for a finished deploy.
type DeployResult struct {
	ID                                    string
	CheckOnly, RollbackOnError            bool
	CreatedBy, CreatedByName              string
	CreatedDate, CompletedDate            time.Time
	Status                                string // Succeeded, SucceededPartial or Failed
	Success                               bool
	ErrorStatusCode, ErrorMessage         string // a failure of the whole deploy, such as an unreadable zip
	NumberComponentsDeployed              int
	NumberComponentErrors                 int
	NumberComponentsTotal                 int
	ComponentSuccesses, ComponentFailures []DeployMessage
}

// WriteDeployStatusResponse writes a checkDeployStatusResponse; details are written only when the
// client asked for them, as Salesforce does.
func WriteDeployStatusResponse(w io.Writer, r *DeployResult, includeDetails bool) error {
	e := newEncoder(LatestVersion, "", false)
	e.openEnvelope()
	e.open("checkDeployStatusResponse")
	e.open("result")
	e.leaf("checkOnly", strconv.FormatBool(r.CheckOnly))
	e.leaf("completedDate", formatDateTime(r.CompletedDate))
	e.leaf("createdBy", r.CreatedBy)
	e.leaf("createdByName", r.CreatedByName)
	e.leaf("createdDate", formatDateTime(r.CreatedDate))
	if includeDetails {
		e.open("details")
		for _, m := range r.ComponentFailures {
			e.deployMessage("componentFailures", m)
		}
		for _, m := range r.ComponentSuccesses {
			e.deployMessage("componentSuccesses", m)
		}
		e.open("runTestResult")
		e.leaf("numFailures", "0")
		e.leaf("numTestsRun", "0")
		e.leaf("totalTime", "0.0")
		e.close("runTestResult")
		e.close("details")
	}
	e.leaf("done", "true")
	e.optLeaf("errorMessage", r.ErrorMessage)
	e.optLeaf("errorStatusCode", r.ErrorStatusCode)
	e.leaf("id", r.ID)
	e.leaf("ignoreWarnings", "false")
	e.leaf("lastModifiedDate", formatDateTime(r.CompletedDate))
	e.leaf("numberComponentErrors", strconv.Itoa(r.NumberComponentErrors))
	e.leaf("numberComponentsDeployed", strconv.Itoa(r.NumberComponentsDeployed))
	e.leaf("numberComponentsTotal", strconv.Itoa(r.NumberComponentsTotal))
	e.leaf("numberTestErrors", "0")
	e.leaf("numberTestsCompleted", "0")
	e.leaf("numberTestsTotal", "0")
	e.leaf("rollbackOnError", strconv.FormatBool(r.RollbackOnError))
	e.leaf("runTestsEnabled", "false")
	e.leaf("startDate", formatDateTime(r.CreatedDate))
	e.leaf("status", r.Status)
	e.leaf("success", strconv.FormatBool(r.Success))
	e.close("result")
	e.close("checkDeployStatusResponse")
	e.closeEnvelope()
	return e.finish(w)
}

func (e *encoder) deployMessage(elem string, m DeployMessage) {
	e.open(elem)
	e.leaf("changed", strconv.FormatBool(m.Changed))
	e.leaf("componentType", m.ComponentType)
	e.leaf("created", strconv.FormatBool(m.Created))
	e.leaf("createdDate", formatDateTime(time.Now()))
	e.leaf("deleted", "false")
	e.leaf("fileName", m.FileName)
	e.leaf("fullName", m.FullName)
	e.optLeaf("id", m.ID)
	if m.Problem != "" {
		e.leaf("problem", m.Problem)
		e.leaf("problemType", "Error")
	}
	e.leaf("success", strconv.FormatBool(m.Success))
	e.close(elem)
}

// RetrieveMessage is a problem with one requested component, such as a name the org does not have.
type RetrieveMessage struct {
	FileName, Problem string
}

// RetrieveResult is checkRetrieveStatus's answer for a finished retrieve.
type RetrieveResult struct {
	ID             string
	FileProperties []FileProperties
	Messages       []RetrieveMessage
	ZipFile        []byte
}

// WriteRetrieveStatusResponse writes a checkRetrieveStatusResponse with the zip, base64-encoded.
func WriteRetrieveStatusResponse(w io.Writer, r *RetrieveResult) error {
	e := newEncoder(LatestVersion, "", false)
	e.openEnvelope()
	e.open("checkRetrieveStatusResponse")
	e.open("result")
	e.leaf("done", "true")
	for _, f := range r.FileProperties {
		e.fileProperties("fileProperties", f)
	}
	e.leaf("id", r.ID)
	for _, m := range r.Messages {
		e.open("messages")
		e.leaf("fileName", m.FileName)
		e.leaf("problem", m.Problem)
		e.close("messages")
	}
	e.leaf("status", "Succeeded")
	e.leaf("success", "true")
	e.leaf("zipFile", base64.StdEncoding.EncodeToString(r.ZipFile))
	e.close("result")
	e.close("checkRetrieveStatusResponse")
	e.closeEnvelope()
	return e.finish(w)
}

// NoAsyncJob is the fault for a status check of an id the org has no job for.
func NoAsyncJob(id string) *Fault {
	return NewFault(CodeInvalidCrossReferenceKey, fmt.Sprintf("invalid cross reference id: %s", id))
}
