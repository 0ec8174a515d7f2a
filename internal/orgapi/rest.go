package orgapi

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/sfid"
)

// restCall sends a REST request with an optional JSON body and returns the answer; answers that
// are not 2xx become *Error.
func (c *Client) restCall(ctx context.Context, o op, method, path string, payload any) (*response, error) {
	r := apiRequest{method: method, path: path}
	if payload != nil {
		data, err := json.Marshal(payload)
		if err != nil {
			return nil, o.fail(KindInvalidInput, "the fields cannot be encoded as JSON: %v", err)
		}
		r.contentType = "application/json"
		r.body = func(string) []byte { return data }
	}
	resp, err := c.call(ctx, o, r)
	if err != nil {
		return nil, err
	}
	if resp.status < 200 || resp.status > 299 {
		return resp, c.restError(o, resp)
	}
	return resp, nil
}

// queryPage is one page of a SOQL answer.
type queryPage struct {
	TotalSize      int               `json:"totalSize"`
	Done           bool              `json:"done"`
	NextRecordsURL string            `json:"nextRecordsUrl"`
	Records        []json.RawMessage `json:"records"`
}

// Query runs a SOQL query and calls each for every record, following nextRecordsUrl until the
// last page. Build values into soql with Quote.
func (c *Client) Query(ctx context.Context, soql string, each func(json.RawMessage) error) error {
	o := op{name: "querying " + queryObject(soql)}
	path := c.dataPath("/query?q=" + url.QueryEscape(soql))
	for {
		resp, err := c.restCall(ctx, o, http.MethodGet, path, nil)
		if err != nil {
			return err
		}
		var page queryPage
		if err := json.Unmarshal(resp.body, &page); err != nil {
			return o.fail(KindOther, "the query answer could not be read: %v", err)
		}
		for _, rec := range page.Records {
			if err := each(rec); err != nil {
				return err
			}
		}
		if page.Done || page.NextRecordsURL == "" {
			return nil
		}
		// Follow only paths on this instance's data API; the token must not go anywhere else.
		if !strings.HasPrefix(page.NextRecordsURL, "/services/data/") {
			return o.fail(KindOther, "the org gave an unexpected nextRecordsUrl %q", page.NextRecordsURL)
		}
		path = page.NextRecordsURL
	}
}

var fromPattern = regexp.MustCompile(`(?i)\bFROM\s+([A-Za-z0-9_]+)`)

func queryObject(soql string) string {
	if m := fromPattern.FindStringSubmatch(soql); m != nil {
		return m[1]
	}
	return "records"
}

// QueryAll runs a SOQL query and decodes every record into T.
func QueryAll[T any](ctx context.Context, c *Client, soql string) ([]T, error) {
	var out []T
	err := c.Query(ctx, soql, func(raw json.RawMessage) error {
		var v T
		if err := json.Unmarshal(raw, &v); err != nil {
			return (op{name: "querying " + queryObject(soql)}).fail(KindOther, "a record could not be decoded: %v", err)
		}
		out = append(out, v)
		return nil
	})
	return out, err
}

// soqlEscaper escapes what SOQL string literals require, so that a value can never end the
// literal early and add clauses of its own.
var soqlEscaper = strings.NewReplacer(
	`\`, `\\`, `'`, `\'`, `"`, `\"`,
	"\n", `\n`, "\r", `\r`, "\t", `\t`, "\b", `\b`, "\f", `\f`,
)

// Quote returns s as a SOQL string literal, quotes included.
func Quote(s string) string {
	return "'" + soqlEscaper.Replace(s) + "'"
}

var sobjectPattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)

func (c *Client) sobjectPath(o op, sobject, id string) (string, *Error) {
	if !sobjectPattern.MatchString(sobject) {
		return "", o.fail(KindInvalidInput, "%q is not an sObject name", sobject)
	}
	if id == "" {
		return c.dataPath("/sobjects/" + sobject), nil
	}
	norm, err := sfid.Normalize(id)
	if err != nil {
		e := o.fail(KindInvalidInput, "%v", err)
		e.Fields = []string{"Id"}
		return "", e
	}
	return c.dataPath("/sobjects/" + sobject + "/" + norm), nil
}

// createAnswer is the REST answer to an sObject create.
type createAnswer struct {
	ID      string `json:"id"`
	Success bool   `json:"success"`
}

// dupIDPattern finds the id of the existing record in a DUPLICATE_VALUE message
// ("duplicate value found: … duplicates value on record with id: 0Pa…").
var dupIDPattern = regexp.MustCompile(`with id:\s*([A-Za-z0-9]{15,18})`)

// CreateRecord creates an sObject record and returns its 18-character id. When the call had to be
// retried and the org answers DUPLICATE_VALUE naming the record, an earlier attempt created it and
// that id is returned.
func (c *Client) CreateRecord(ctx context.Context, sobject string, fields any) (string, error) {
	id, _, err := c.createRecord(ctx, op{name: "creating " + sobject}, sobject, fields)
	return id, err
}

// createRecord also reports whether the call was retried, for callers that can look a duplicate
// up by its natural key.
func (c *Client) createRecord(ctx context.Context, o op, sobject string, fields any) (string, bool, error) {
	path, e := c.sobjectPath(o, sobject, "")
	if e != nil {
		return "", false, e
	}
	resp, err := c.restCall(ctx, o, http.MethodPost, path, fields)
	retried := resp != nil && resp.attempts > 1
	if err != nil {
		var oe *Error
		if retried && asError(err, &oe) && oe.Code == "DUPLICATE_VALUE" {
			if m := dupIDPattern.FindStringSubmatch(oe.Message); m != nil {
				if id, nerr := sfid.Normalize(m[1]); nerr == nil {
					c.log(ctx, LevelInfo, "a retried create found the record created by an earlier attempt", map[string]any{"sobject": sobject, "id": id})
					return id, true, nil
				}
			}
		}
		return "", retried, err
	}
	var ans createAnswer
	if err := json.Unmarshal(resp.body, &ans); err != nil || ans.ID == "" {
		return "", retried, o.fail(KindOther, "the create answer has no id")
	}
	id, nerr := sfid.Normalize(ans.ID)
	if nerr != nil {
		return "", retried, o.fail(KindOther, "the org returned an invalid id: %v", nerr)
	}
	return id, retried, nil
}

// GetRecord reads one record into out (a pointer to a struct or map); ErrNotFound when it does
// not exist.
func (c *Client) GetRecord(ctx context.Context, sobject, id string, out any) error {
	o := op{name: "reading " + sobject + " " + id}
	path, e := c.sobjectPath(o, sobject, id)
	if e != nil {
		return e
	}
	resp, err := c.restCall(ctx, o, http.MethodGet, path, nil)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(resp.body, out); err != nil {
		return o.fail(KindOther, "the record could not be decoded: %v", err)
	}
	return nil
}

// UpdateRecord changes the given fields of a record (PATCH: other fields keep their values).
func (c *Client) UpdateRecord(ctx context.Context, sobject, id string, fields any) error {
	return c.updateRecord(ctx, op{name: "updating " + sobject + " " + id}, sobject, id, fields)
}

func (c *Client) updateRecord(ctx context.Context, o op, sobject, id string, fields any) error {
	path, e := c.sobjectPath(o, sobject, id)
	if e != nil {
		return e
	}
	_, err := c.restCall(ctx, o, http.MethodPatch, path, fields)
	return err
}

// DeleteRecord deletes a record; ErrNotFound when it does not exist. A retried delete that finds
// the record gone has succeeded.
func (c *Client) DeleteRecord(ctx context.Context, sobject, id string) error {
	return c.deleteRecord(ctx, op{name: "deleting " + sobject + " " + id}, sobject, id)
}

func (c *Client) deleteRecord(ctx context.Context, o op, sobject, id string) error {
	path, e := c.sobjectPath(o, sobject, id)
	if e != nil {
		return e
	}
	resp, err := c.restCall(ctx, o, http.MethodDelete, path, nil)
	if err != nil && resp != nil && resp.attempts > 1 && KindOf(err) == KindNotFound {
		return nil
	}
	return err
}

// Limits returns the org's limits by name (DailyApiRequests, …).
func (c *Client) Limits(ctx context.Context) (map[string]Limit, error) {
	o := op{name: "reading limits"}
	resp, err := c.restCall(ctx, o, http.MethodGet, c.dataPath("/limits"), nil)
	if err != nil {
		return nil, err
	}
	out := map[string]Limit{}
	if err := json.Unmarshal(resp.body, &out); err != nil {
		return nil, o.fail(KindOther, "the limits answer could not be read: %v", err)
	}
	return out, nil
}

// FeatureProvisioned reports whether Salesforce Support has enabled API Access Control for the
// org: only then does PermissionSet have the PermissionsUseAnyApiClient column. The answer is
// asked once per Client, and not at all once a permission set read has shown it.
func (c *Client) FeatureProvisioned(ctx context.Context) (bool, error) {
	cols, err := c.permissionColumns(ctx)
	return slices.Contains(cols, PermissionUseAnyAPIClient), err
}

// APIVersions returns the API versions the org serves ("47.0", …), from GET /services/data,
// which needs no session.
func (c *Client) APIVersions(ctx context.Context) ([]string, error) {
	o := op{name: "listing the API versions the org serves"}
	resp, err := c.send(ctx, o, http.MethodGet, c.instanceURL+"/services/data", "", nil, nil, false)
	if err != nil {
		return nil, err
	}
	if resp.status != http.StatusOK {
		return nil, c.restError(o, resp)
	}
	var list []struct {
		Version string `json:"version"`
	}
	if err := json.Unmarshal(resp.body, &list); err != nil {
		return nil, o.fail(KindOther, "the list of API versions could not be read: %v", err)
	}
	out := make([]string, 0, len(list))
	for _, v := range list {
		out = append(out, v.Version)
	}
	return out, nil
}

// APIVersion is the API version the client speaks.
func (c *Client) APIVersion() string { return c.apiVersion }
