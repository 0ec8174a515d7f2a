package mockorg

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/access"
	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorg/metadata"
)

// writeSOAPFault writes a fault envelope; Salesforce sends faults with HTTP 500 unless the fault is
// about the transport itself (size, method), which keeps its own status.
func writeSOAPFault(w http.ResponseWriter, status int, f *metadata.Fault) {
	var buf bytes.Buffer
	_ = metadata.WriteFault(&buf, f)
	w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

func writeSOAP(w http.ResponseWriter, write func(io.Writer) error) {
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		writeSOAPFault(w, http.StatusInternalServerError, metadata.AsFault(err))
		return
	}
	w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf.Bytes())
}

func faultOf(e *apiError) *metadata.Fault {
	if e == errInvalidSession {
		// The Metadata API words an unknown session its own way.
		return metadata.NewFault(e.code, "Invalid Session ID found in SessionHeader: Illegal Session")
	}
	return metadata.NewFault(e.code, e.message)
}

// refuseSOAPMethod answers the Metadata API's endpoint for a method other than POST.
func refuseSOAPMethod(w http.ResponseWriter, r *http.Request) {
	note(r, "soap:invalid", false)
	writeSOAPFault(w, http.StatusMethodNotAllowed, metadata.NewFault(metadata.CodeUnknownException,
		"HTTP Method '"+r.Method+"' not allowed; the Metadata API takes POST"))
}

// handleSOAP serves the Metadata API at POST /services/Soap/m/{version}[/{orgId}].
func (s *Server) handleSOAP(w http.ResponseWriter, r *http.Request) {
	v, err := metadata.ParseVersion(r.PathValue("version"))
	if err != nil {
		note(r, "soap:invalid", false)
		writeSOAPFault(w, http.StatusInternalServerError, metadata.AsFault(err))
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		note(r, "soap:invalid", false)
		status := http.StatusBadRequest
		f := metadata.NewFault(metadata.CodeUnknownException, "the request body could not be read")
		if tooLarge(err) {
			status = http.StatusRequestEntityTooLarge
			f = metadata.NewFault(metadata.CodeExceededMaxSizeRequest, fmt.Sprintf("request exceeds the maximum size of %d bytes", maxBodyBytes))
		}
		writeSOAPFault(w, status, f)
		return
	}
	req, err := metadata.Decode(bytes.NewReader(body), v)
	if err != nil {
		note(r, "soap:invalid", false)
		writeSOAPFault(w, http.StatusInternalServerError, metadata.AsFault(err))
		return
	}
	write := false
	switch req.Operation {
	case metadata.OpCreate, metadata.OpUpdate, metadata.OpUpsert, metadata.OpDelete, metadata.OpDeploy:
		write = true
	}
	note(r, "soap:"+string(req.Operation), write)
	c, aerr := s.authenticate(r, req.SessionID)
	if aerr != nil && aerr.message == access.MessageSessionNotValid {
		// A refused Visualforce session: the SOAP APIs do not say "REST API".
		aerr = &apiError{code: aerr.code, message: access.MessageSessionNotValidSOAP}
	}
	if aerr != nil {
		writeSOAPFault(w, http.StatusInternalServerError, faultOf(aerr))
		return
	}
	call := &soapCall{s: s, r: r, caller: c, v: v, req: req}
	switch req.Operation {
	case metadata.OpRead:
		call.read(w)
	case metadata.OpList:
		call.list(w)
	case metadata.OpDescribe:
		call.describe(w)
	case metadata.OpRetrieve:
		call.retrieve(w)
	case metadata.OpCheckRetrieveStatus:
		call.checkRetrieveStatus(w)
	case metadata.OpDeploy:
		call.deploy(w)
	case metadata.OpCheckDeployStatus:
		call.checkDeployStatus(w)
	default:
		call.save(w)
	}
}

type soapCall struct {
	s      *Server
	r      *http.Request
	caller *caller
	v      metadata.Version
	req    *metadata.Request
}

func (c *soapCall) read(w http.ResponseWriter) {
	var records []metadata.Component
	aerr := c.s.viewAs(c.caller, func(st *state, u *user) *apiError {
		op := opReadApps
		switch {
		case c.req.Type == metadata.TypeConnectedAppSettings:
			op = opReadSettings
		case metadata.IsFlatType(c.req.Type):
			op = ecaReadOp(c.req.Type)
		}
		if msg := st.denial(u, op); msg != "" {
			return insufficientAccess(msg)
		}
		for _, name := range c.req.FullNames {
			records = append(records, readComponent(st, c.req.Type, name))
		}
		return nil
	})
	if aerr != nil {
		writeSOAPFault(w, http.StatusInternalServerError, faultOf(aerr))
		return
	}
	writeSOAP(w, func(out io.Writer) error { return metadata.WriteReadResponse(out, c.v, records) })
}

func (c *soapCall) list(w http.ResponseWriter) {
	var files []metadata.FileProperties
	aerr := c.s.viewAs(c.caller, func(st *state, u *user) *apiError {
		creator := metadataCreator(st)
		for _, q := range c.req.Queries {
			op := opReadApps
			switch {
			case q.Type == metadata.TypeConnectedAppSettings:
				op = opReadSettings
			case metadata.IsFlatType(q.Type):
				op = ecaReadOp(q.Type)
			}
			if msg := st.denial(u, op); msg != "" {
				return insufficientAccess(msg)
			}
			if metadata.IsFlatType(q.Type) {
				files = append(files, listECAFiles(st, creator, q.Type)...)
				continue
			}
			if q.Type == metadata.TypeConnectedAppSettings {
				files = append(files, fileProperties(creator, metadata.TypeConnectedAppSettings, metadata.SettingsFullName,
					"settings/ConnectedApp.settings", "", "unmanaged", "2026-01-01T00:00:00.000Z", "2026-01-01T00:00:00.000Z"))
				continue
			}
			for _, a := range sorted(st.apps) {
				manageable := "unmanaged"
				if !a.Local {
					manageable = "installed"
				}
				files = append(files, fileProperties(creator, metadata.TypeConnectedApp, a.Name,
					"connectedApps/"+a.Name+".connectedApp", a.ID, manageable, a.CreatedDate, a.LastModifiedDate))
			}
		}
		return nil
	})
	if aerr != nil {
		writeSOAPFault(w, http.StatusInternalServerError, faultOf(aerr))
		return
	}
	writeSOAP(w, func(out io.Writer) error { return metadata.WriteListResponse(out, files) })
}

// save runs createMetadata, updateMetadata, upsertMetadata or deleteMetadata. Permission is checked
// for every component before anything happens, so a denied call is one INSUFFICIENT_ACCESS fault and
// changes nothing. Components are then applied in order on a copy of the org, which replaces the
// org unless AllOrNone was asked for and a component failed.
func (c *soapCall) save(w http.ResponseWriter) {
	var outcomes []componentOutcome
	var changed bool
	err := c.s.mutateAs(c.caller, func(st *state, u *user) error {
		if msg := saveDenial(st, u, c.req); msg != "" {
			return insufficientAccess(msg)
		}
		work := st.clone()
		failed := false
		if c.req.Operation == metadata.OpDelete {
			for _, name := range c.req.FullNames {
				o := deleteComponent(work, c.req.Type, name)
				failed = failed || len(o.errors) > 0
				outcomes = append(outcomes, o)
			}
		} else {
			now := time.Now().UTC().Format(timeLayout)
			for _, comp := range c.req.Components {
				o := saveComponent(work, c.req.Operation, comp, now)
				failed = failed || len(o.errors) > 0
				outcomes = append(outcomes, o)
			}
		}
		if failed && c.req.AllOrNone {
			for i := range outcomes {
				if len(outcomes[i].errors) == 0 {
					outcomes[i].created = false
					outcomes[i].errors = []metadata.Error{{StatusCode: "ALL_OR_NONE_OPERATION_ROLLED_BACK",
						Message: "Record rolled back because not all records were valid and the request was using AllOrNone header"}}
				}
			}
			return nil
		}
		c.s.st = work
		for _, o := range outcomes {
			if o.deletedApp != "" {
				c.s.dropTokensOfAppLocked(o.deletedApp)
			}
			changed = changed || len(o.errors) == 0
		}
		return nil
	})
	if err != nil {
		writeSOAPFault(w, http.StatusInternalServerError, faultOf(asAPIError(err)))
		return
	}
	if changed {
		committed(c.r)
		c.s.log.Info("metadata saved", "operation", string(c.req.Operation), "components", len(outcomes), "user", c.caller.username)
	}
	if c.req.Operation == metadata.OpUpsert {
		results := make([]metadata.UpsertResult, len(outcomes))
		for i, o := range outcomes {
			results[i] = metadata.UpsertResult{FullName: o.fullName, Created: o.created, Success: len(o.errors) == 0, Errors: o.errors}
		}
		writeSOAP(w, func(out io.Writer) error { return metadata.WriteUpsertResponse(out, results) })
		return
	}
	results := make([]metadata.SaveResult, len(outcomes))
	for i, o := range outcomes {
		results[i] = metadata.SaveResult{FullName: o.fullName, Success: len(o.errors) == 0, Errors: o.errors}
	}
	writeSOAP(w, func(out io.Writer) error { return metadata.WriteSaveResponse(out, c.req.Operation, results) })
}
