package orgapi

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/sfid"
)

// Concurrent creates and deletes of SetupEntityAccess grants and PermissionSetAssignments go to
// the org together through sObject Collections (POST and DELETE /composite/sobjects, up to 200
// records of one type, allOrNone false): each record succeeds or fails on its own, and a record's
// failure is its caller's error only. When the call as a whole fails, every member gets that
// failure, with the attempts it took, so that OutcomeUnknown holds for each after a failure that
// may have followed the commit and each caller looks its own record up before it creates another
// (provider/adopt.go). A retried call that meets DUPLICATE_VALUE naming the record an earlier
// attempt created takes that id, as a single create does.

type createReq struct {
	o      op
	fields map[string]string
}

type createResult struct {
	id  string
	err error
}

type deleteReq struct {
	o  op
	id string // normalized
}

// collectionResult is one record's SaveResult or DeleteResult.
type collectionResult struct {
	ID      string `json:"id"`
	Success bool   `json:"success"`
	Errors  []struct {
		StatusCode string   `json:"statusCode"`
		Message    string   `json:"message"`
		Fields     []string `json:"fields"`
	} `json:"errors"`
}

// memberError is err as the member o's own error.
func memberError(o op, err error) error {
	var e *Error
	if asError(err, &e) {
		c := *e
		c.Op = o.name
		return &c
	}
	return err
}

// recordFailure is a failed record's error, classified as a single call's answer would be.
func (c *Client) recordFailure(o op, r collectionResult, resp *response) *Error {
	if len(r.Errors) == 0 {
		return resp.annotate(o.fail(KindOther, "the org reported a failure without an error"))
	}
	msgs := make([]string, 0, len(r.Errors))
	var fields []string
	for _, e := range r.Errors {
		msgs = append(msgs, e.Message)
		fields = append(fields, e.Fields...)
	}
	e := classify(o, http.StatusBadRequest, r.Errors[0].StatusCode, strings.Join(msgs, "; "), fields)
	e.StatusCode = 0
	e = resp.annotate(c.redact.scrubError(e))
	// A record that failed on its own is the org's considered answer, whatever the call went
	// through to get it: only the duplicate of a retried call leaves the outcome open.
	e.Transient = false
	return e
}

// readCollection decodes a Collections answer, which must hold one result per record.
func readCollection(o op, resp *response, n int) ([]collectionResult, *Error) {
	var results []collectionResult
	if err := json.Unmarshal(resp.body, &results); err != nil || len(results) != n {
		// The org did something with the records, but the client cannot tell what.
		e := o.fail(KindOther, "the sObject Collections answer could not be read (%d results for %d records)", len(results), n)
		e.Attempts, e.Elapsed, e.Transient = resp.attempts, resp.elapsed, true
		return nil, e
	}
	return results, nil
}

func (c *Client) createCollection(ctx context.Context, sobject string, reqs []*createReq) map[*createReq]createResult {
	out := make(map[*createReq]createResult, len(reqs))
	fail := func(err error) map[*createReq]createResult {
		for _, r := range reqs {
			out[r] = createResult{err: memberError(r.o, err)}
		}
		return out
	}
	records := make([]map[string]any, 0, len(reqs))
	for _, r := range reqs {
		rec := map[string]any{"attributes": map[string]string{"type": sobject}}
		for k, v := range r.fields {
			rec[k] = v
		}
		records = append(records, rec)
	}
	o := op{name: "creating " + sobject + " records", perm: reqs[0].o.perm}
	resp, err := c.restCall(ctx, o, http.MethodPost, c.dataPath("/composite/sobjects"),
		map[string]any{"allOrNone": false, "records": records})
	if err != nil {
		return fail(err)
	}
	results, e := readCollection(o, resp, len(reqs))
	if e != nil {
		return fail(e)
	}
	for i, r := range reqs {
		res := results[i]
		if !res.Success {
			e := c.recordFailure(r.o, res, resp)
			if resp.attempts > 1 && e.Code == "DUPLICATE_VALUE" {
				if m := dupIDPattern.FindStringSubmatch(e.Message); m != nil {
					if id, nerr := sfid.Normalize(m[1]); nerr == nil {
						c.log(ctx, LevelInfo, "a retried create found the record created by an earlier attempt", map[string]any{"sobject": sobject, "id": id})
						out[r] = createResult{id: id}
						continue
					}
				}
			}
			out[r] = createResult{err: e}
			continue
		}
		id, nerr := sfid.Normalize(res.ID)
		if nerr != nil {
			out[r] = createResult{err: r.o.fail(KindOther, "the org returned an invalid id: %v", nerr)}
			continue
		}
		out[r] = createResult{id: id}
	}
	return out
}

func (c *Client) deleteCollection(ctx context.Context, sobject string, reqs []*deleteReq) map[*deleteReq]error {
	out := make(map[*deleteReq]error, len(reqs))
	ids := make([]string, 0, len(reqs))
	for _, r := range reqs {
		ids = append(ids, r.id)
	}
	o := op{name: "deleting " + sobject + " records", perm: reqs[0].o.perm}
	q := url.Values{"ids": {strings.Join(ids, ",")}, "allOrNone": {"false"}}
	resp, err := c.restCall(ctx, o, http.MethodDelete, c.dataPath("/composite/sobjects?"+q.Encode()), nil)
	var results []collectionResult
	if err == nil {
		var e *Error
		if results, e = readCollection(o, resp, len(reqs)); e != nil {
			err = e
		}
	}
	for i, r := range reqs {
		switch {
		case err != nil:
			out[r] = memberError(r.o, err)
		case results[i].Success:
			out[r] = nil
		default:
			e := c.recordFailure(r.o, results[i], resp)
			if resp.attempts > 1 && e.Kind == KindNotFound {
				out[r] = nil // an earlier attempt deleted it
				continue
			}
			out[r] = e
		}
	}
	return out
}

// createCoalesced creates one record, together with concurrent creates of the same sObject when
// coalescing is on; retried reports whether the call took more than one attempt.
func (c *Client) createCoalesced(ctx context.Context, o op, sobject string, fields map[string]string) (string, bool, error) {
	co := c.batch.creates[sobject]
	if co == nil || c.batch.window <= 0 {
		return c.createRecord(ctx, o, sobject, fields)
	}
	res, _, err := co.get(ctx, &createReq{o: o, fields: fields})
	if err == nil {
		err = res.err
	}
	var e *Error
	retried := asError(err, &e) && e.Attempts > 1
	return res.id, retried, err
}

// deleteCoalesced deletes one record, together with concurrent deletes of the same sObject when
// coalescing is on.
func (c *Client) deleteCoalesced(ctx context.Context, o op, sobject, id string) error {
	co := c.batch.deletes[sobject]
	if co == nil || c.batch.window <= 0 {
		return c.deleteRecord(ctx, o, sobject, id)
	}
	norm, e := keyedID(o, id)
	if e != nil {
		return e
	}
	res, _, err := co.get(ctx, &deleteReq{o: o, id: norm})
	if err != nil {
		return err
	}
	return res
}
