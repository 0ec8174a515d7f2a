package orgapi

import (
	"context"
	"strings"
)

// Concurrent creates and deletes of connected apps go to the Metadata API together, up to ten
// components a call (createMetadata and deleteMetadata take a list). The answer has one result per
// component, in order; each is its caller's own success or failure. A failure of the call as a
// whole is every member's, with the attempts it took, so that the retried-duplicate rule of
// CreateConnectedApp and OutcomeUnknown's adoption apply to each member as to a single call.

type metadataReq struct {
	o    op
	app  *ConnectedApp // create
	name string        // delete
}

type metadataOutcome struct {
	err      error
	attempts int
}

func (b *batchers) addMetadataWrites(c *Client) {
	b.appCreates = newWriteCoalescer(c, "createMetadata ConnectedApp", b.window, metadataBatch,
		func(ctx context.Context, reqs []*metadataReq) (map[*metadataReq]metadataOutcome, error) {
			return c.metadataBatchCall(ctx, "createMetadata", reqs, func(w *xmlWriter) {
				for _, r := range reqs {
					c.writeConnectedApp(w, r.app, true)
				}
			}), nil
		})
	b.appDeletes = newWriteCoalescer(c, "deleteMetadata ConnectedApp", b.window, metadataBatch,
		func(ctx context.Context, reqs []*metadataReq) (map[*metadataReq]metadataOutcome, error) {
			return c.metadataBatchCall(ctx, "deleteMetadata", reqs, func(w *xmlWriter) {
				w.leaf("type", typeConnectedApp)
				for _, r := range reqs {
					w.leaf("fullNames", r.name)
				}
			}), nil
		})
}

func (r *metadataReq) fullName() string {
	if r.app != nil {
		return r.app.FullName
	}
	return r.name
}

func (c *Client) metadataBatchCall(ctx context.Context, call string, reqs []*metadataReq, body func(w *xmlWriter)) map[*metadataReq]metadataOutcome {
	out := make(map[*metadataReq]metadataOutcome, len(reqs))
	o := op{name: call + " of " + typeConnectedApp + " components", perm: NeedConnectedApps}
	answer, attempts, err := c.soapCall(ctx, o, call, body)
	if err != nil {
		for _, r := range reqs {
			out[r] = metadataOutcome{err: memberError(r.o, err), attempts: attempts}
		}
		return out
	}
	results := readMetadataResults(answer)
	for i, r := range reqs {
		// Results come in the order of the components; the name confirms it.
		var res *metadataResult
		if i < len(results) && strings.EqualFold(results[i].fullName, r.fullName()) {
			res = &results[i]
		} else {
			for j := range results {
				if strings.EqualFold(results[j].fullName, r.fullName()) {
					res = &results[j]
				}
			}
		}
		switch {
		case res == nil:
			e := r.o.fail(KindOther, "the Metadata API answer has no result for %s", r.fullName())
			e.Transient = true // the org did something with it; the client cannot tell what
			out[r] = metadataOutcome{err: e, attempts: attempts}
		case !res.success:
			out[r] = metadataOutcome{err: c.redact.scrubError(metadataFailure(r.o, *res)), attempts: attempts}
		default:
			out[r] = metadataOutcome{attempts: attempts}
		}
	}
	return out
}

// metadataWrite runs one create or delete, with concurrent ones when coalescing is on.
func (c *Client) metadataWrite(ctx context.Context, co *coalescer[*metadataReq, metadataOutcome], call string, r *metadataReq, body func(w *xmlWriter)) (int, error) {
	if c.batch.window <= 0 {
		answer, attempts, err := c.soapCall(ctx, r.o, call, body)
		if err != nil {
			return attempts, err
		}
		return attempts, c.firstFailure(r.o, readMetadataResults(answer))
	}
	res, _, err := co.get(ctx, r)
	if err != nil {
		return 0, err
	}
	return res.attempts, res.err
}
