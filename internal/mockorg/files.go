package mockorg

import (
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorg/metadata"
	"github.com/sfaccess/terraform-provider-sfaccess/internal/sfid"
)

// Key prefixes of the Metadata API's asynchronous jobs: DeployRequest (0Af, the ids `sf project
// deploy` prints) and the retrieve job (09S).
const (
	prefixDeployRequest   = sfid.PrefixDeployRequest
	prefixRetrieveRequest = sfid.PrefixRetrieveRequest
)

// maxAsyncJobs bounds the finished jobs kept for their status checks; the oldest go first.
// Salesforce keeps them for days, but a client checks a job within seconds of starting it.
const maxAsyncJobs = 100

// asyncJobs holds finished deploys and retrieves by id. A mock org does the work when the job is
// started, so the first status check already answers done. Jobs are not persisted: a restarted
// org knows none, as a client that resumes a job after a restart would find out.
type asyncJobs struct {
	mu    sync.Mutex
	seq   uint64
	order []string
	byID  map[string]any // *metadata.DeployResult or *metadata.RetrieveResult
}

func newAsyncJobs() *asyncJobs { return &asyncJobs{byID: map[string]any{}} }

func (j *asyncJobs) nextID(prefix string) string {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.seq++
	return sfid.New(prefix, j.seq)
}

func (j *asyncJobs) put(id string, result any) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.byID[id] = result
	j.order = append(j.order, id)
	if len(j.order) > maxAsyncJobs {
		delete(j.byID, j.order[0])
		j.order = j.order[1:]
	}
}

// getJob returns the job's result if id (15 or 18 characters) names one of type T.
func getJob[T any](j *asyncJobs, id string) (T, bool) {
	var zero T
	norm, err := sfid.Normalize(id)
	if err != nil {
		return zero, false
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	r, ok := j.byID[norm].(T)
	return r, ok
}

// partialSaveAllowed is whether a deploy may keep what succeeded when a component fails: a
// production org always rolls back (rollbackOnError); sandboxes and Developer Edition orgs need not.
func partialSaveAllowed(st *state) bool {
	return st.org.IsSandbox || st.org.OrganizationType == "Developer Edition"
}

// describe answers describeMetadata with the metadata types this org serves.
func (c *soapCall) describe(w http.ResponseWriter) {
	var partialSave bool
	c.s.view(func(st *state) { partialSave = partialSaveAllowed(st) })
	objects := make([]metadata.DescribeMetadataObject, len(metadata.PackageFolders))
	for i, f := range metadata.PackageFolders {
		objects[i] = metadata.DescribeMetadataObject{DirectoryName: f.Directory, Suffix: f.Suffix, XMLName: f.Type}
	}
	writeSOAP(w, func(out io.Writer) error { return metadata.WriteDescribeResponse(out, objects, partialSave) })
}

// retrieve reads the requested components under the same permission checks as readMetadata and
// keeps the zip for checkRetrieveStatus. A name the org does not have is a message, not a fault.
func (c *soapCall) retrieve(w http.ResponseWriter) {
	req := c.req.Retrieve
	result := &metadata.RetrieveResult{ID: c.s.jobs.nextID(prefixRetrieveRequest)}
	var files []metadata.PackageFile
	aerr := c.s.viewAs(c.caller, func(st *state, u *user) *apiError {
		creator := metadataCreator(st)
		for _, t := range req.Types {
			typ, op, names := metadata.TypeConnectedApp, opReadApps, t.Members
			switch t.Name {
			case metadata.PackageTypeConnectedApp:
				if slices.Contains(names, "*") {
					names = nil
					for _, a := range sorted(st.apps) {
						names = append(names, a.Name)
					}
				}
			case metadata.PackageTypeSettings:
				typ, op = metadata.TypeConnectedAppSettings, opReadSettings
				if slices.Contains(names, "*") {
					names = []string{metadata.SettingsFullName}
				}
			default:
				result.Messages = append(result.Messages, metadata.RetrieveMessage{FileName: "package.xml",
					Problem: "Entity type: '" + t.Name + "' is unknown"})
				continue
			}
			if msg := st.denial(u, op); msg != "" {
				return insufficientAccess(msg)
			}
			for _, name := range names {
				comp := readComponent(st, typ, name)
				if comp == nil {
					result.Messages = append(result.Messages, metadata.RetrieveMessage{FileName: "package.xml",
						Problem: "Entity of type '" + t.Name + "' named '" + name + "' cannot be found"})
					continue
				}
				files = append(files, metadata.PackageFile{Type: t.Name, Component: comp})
				id, manageable, created, modified := "", "unmanaged", "2026-01-01T00:00:00.000Z", "2026-01-01T00:00:00.000Z"
				if a := st.appByName(name); typ == metadata.TypeConnectedApp {
					id, created, modified = a.ID, a.CreatedDate, a.LastModifiedDate
					if !a.Local {
						manageable = "installed"
					}
				}
				result.FileProperties = append(result.FileProperties, fileProperties(creator, t.Name, comp.Name(),
					metadata.FileName(t.Name, comp.Name()), id, manageable, created, modified))
			}
		}
		return nil
	})
	if aerr != nil {
		writeSOAPFault(w, http.StatusInternalServerError, faultOf(aerr))
		return
	}
	zip, prefix, err := metadata.WritePackage(files, c.v, req.SinglePackage)
	if err != nil {
		writeSOAPFault(w, http.StatusInternalServerError, metadata.AsFault(err))
		return
	}
	for i := range result.FileProperties {
		result.FileProperties[i].FileName = prefix + result.FileProperties[i].FileName
	}
	now := time.Now()
	result.FileProperties = append(result.FileProperties, metadata.FileProperties{Type: "Package", FullName: prefix + "package.xml",
		FileName: prefix + "package.xml", ManageableState: "unmanaged", CreatedDate: now, LastModifiedDate: now})
	result.ZipFile = zip
	c.s.jobs.put(result.ID, result)
	writeSOAP(w, func(out io.Writer) error { return metadata.WriteAsyncResponse(out, metadata.OpRetrieve, result.ID) })
}

func (c *soapCall) checkRetrieveStatus(w http.ResponseWriter) {
	result, ok := getJob[*metadata.RetrieveResult](c.s.jobs, c.req.AsyncID)
	if !ok {
		writeSOAPFault(w, http.StatusInternalServerError, metadata.NoAsyncJob(c.req.AsyncID))
		return
	}
	writeSOAP(w, func(out io.Writer) error { return metadata.WriteRetrieveStatusResponse(out, result) })
}

// deploy saves a zip package's components as upsertMetadata would, one by one on a copy of the org,
// after the same permission checks: a caller who may not save them gets the same
// INSUFFICIENT_ACCESS fault and no job. The copy replaces the org unless the deploy only checks,
// or a component failed and the deploy rolls back on error, which production orgs always do.
func (c *soapCall) deploy(w http.ResponseWriter) {
	opts := c.req.Deploy
	now := time.Now().UTC()
	result := &metadata.DeployResult{ID: c.s.jobs.nextID(prefixDeployRequest), CheckOnly: opts.CheckOnly,
		RollbackOnError: opts.RollbackOnError, CreatedDate: now, CompletedDate: now, CreatedBy: c.caller.userID}
	comps, err := metadata.ReadPackage(opts.ZipFile, c.v)
	if err != nil {
		result.Status, result.ErrorStatusCode, result.ErrorMessage = "Failed", metadata.CodeUnknownException, err.Error()
		c.s.jobs.put(result.ID, result)
		writeSOAP(w, func(out io.Writer) error { return metadata.WriteAsyncResponse(out, metadata.OpDeploy, result.ID) })
		return
	}
	var components []metadata.Component
	for _, pc := range comps {
		if pc.Component != nil {
			components = append(components, pc.Component)
		}
	}
	var changed bool
	err = c.s.mutateAs(c.caller, func(st *state, u *user) error {
		if msg := saveDenial(st, u, &metadata.Request{Operation: metadata.OpUpsert, Components: components}); msg != "" {
			return insufficientAccess(msg)
		}
		result.CreatedByName = u.Name
		if !partialSaveAllowed(st) {
			result.RollbackOnError = true
		}
		work := st.clone()
		deployComponents(work, comps, result, now.Format(timeLayout))
		failed := result.NumberComponentErrors > 0
		switch {
		case failed && result.RollbackOnError:
			result.Status, result.NumberComponentsDeployed = "Failed", 0
		case failed:
			result.Status, result.Success = "SucceededPartial", true
		default:
			result.Status, result.Success = "Succeeded", true
		}
		if !opts.CheckOnly && result.NumberComponentsDeployed > 0 {
			c.s.st = work
			changed = true
		}
		return nil
	})
	if err != nil {
		writeSOAPFault(w, http.StatusInternalServerError, faultOf(asAPIError(err)))
		return
	}
	if changed {
		committed(c.r)
		c.s.log.Info("metadata deployed", "components", result.NumberComponentsDeployed, "user", c.caller.username)
	}
	c.s.jobs.put(result.ID, result)
	writeSOAP(w, func(out io.Writer) error { return metadata.WriteAsyncResponse(out, metadata.OpDeploy, result.ID) })
}

// deployComponents saves each component on work and records its outcome as a DeployMessage,
// package.xml first as Salesforce lists it.
func deployComponents(work *state, comps []metadata.PackageComponent, result *metadata.DeployResult, now string) {
	result.ComponentSuccesses = append(result.ComponentSuccesses, metadata.DeployMessage{
		Changed: true, Success: true, FileName: "package.xml", FullName: "package.xml"})
	result.NumberComponentsTotal = len(comps)
	for _, pc := range comps {
		m := metadata.DeployMessage{ComponentType: pc.Type, FileName: pc.FileName, FullName: pc.FullName, Problem: pc.Problem}
		if pc.Component != nil {
			o := saveComponent(work, metadata.OpUpsert, pc.Component, now)
			var problems []string
			for _, e := range o.errors {
				problems = append(problems, e.Message)
			}
			m.Problem, m.Created = strings.Join(problems, "; "), o.created
		}
		if m.Problem != "" {
			result.ComponentFailures = append(result.ComponentFailures, m)
			result.NumberComponentErrors++
			continue
		}
		m.Success, m.Changed = true, true
		if a := work.appByName(pc.FullName); pc.Type == metadata.PackageTypeConnectedApp && a != nil {
			m.ID = a.ID
		}
		result.ComponentSuccesses = append(result.ComponentSuccesses, m)
		result.NumberComponentsDeployed++
	}
}

func (c *soapCall) checkDeployStatus(w http.ResponseWriter) {
	result, ok := getJob[*metadata.DeployResult](c.s.jobs, c.req.AsyncID)
	if !ok {
		writeSOAPFault(w, http.StatusInternalServerError, metadata.NoAsyncJob(c.req.AsyncID))
		return
	}
	writeSOAP(w, func(out io.Writer) error {
		return metadata.WriteDeployStatusResponse(out, result, c.req.IncludeDetails)
	})
}
