package orgapi

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// maxBody bounds what the client reads of one answer.
const maxBody = 64 << 20

// maxRetryAfter bounds how long a Retry-After header can make the client wait between attempts;
// the caller's context bounds the whole call in any case.
const maxRetryAfter = 5 * time.Minute

// response is an answer read in full.
type response struct {
	status   int
	body     []byte
	attempts int           // HTTP attempts it took, retries included
	elapsed  time.Duration // from the first attempt to the answer, waits included
	// transient: this answer is one a retry could get past, so when it is the final one the
	// retries ran out rather than the org refusing for good.
	transient bool
}

// annotate records on e how the exchange went, for the error's "N attempts over D" and for
// OutcomeUnknown.
func (r *response) annotate(e *Error) *Error {
	e.Attempts, e.Elapsed, e.Transient = r.attempts, r.elapsed, r.transient
	return e
}

// apiRequest is one authenticated call to the instance.
type apiRequest struct {
	method      string
	path        string // absolute path on the instance, query included
	contentType string
	body        func(accessToken string) []byte // nil: no body; SOAP bodies carry the token themselves
	soap        bool
	readOnly    bool // a SOAP call that changes nothing (readMetadata, listMetadata)
}

// call sends r with the current token. When the org says the session is invalid and the token
// source can issue a new one, it re-authenticates once and sends r once more — never in a loop.
func (c *Client) call(ctx context.Context, o op, r apiRequest) (*response, error) {
	attempts := 0
	for renewed := false; ; renewed = true {
		tok, err := c.tokens.get(ctx)
		if err != nil {
			return nil, o.wrap(err)
		}
		var body []byte
		if r.body != nil {
			body = r.body(tok.value)
		}
		hdr := http.Header{}
		if r.soap {
			hdr.Set("SOAPAction", `""`)
		} else {
			hdr.Set("Authorization", "Bearer "+tok.value)
		}
		resp, err := c.counting(r, func() (*response, error) {
			return c.send(ctx, o, r.method, c.instanceURL+r.path, r.contentType, body, hdr, true)
		})
		if err != nil {
			return nil, err
		}
		attempts += resp.attempts
		resp.attempts = attempts
		if !sessionRejected(resp, r.soap) || renewed || !c.tokens.source.renewable() {
			return resp, nil
		}
		c.log(ctx, LevelInfo, "the org rejected the session; re-authenticating once", map[string]any{"operation": o.name})
		if err := c.tokens.invalidate(ctx, tok); err != nil {
			return nil, o.wrap(err)
		}
	}
}

func sessionRejected(resp *response, soap bool) bool {
	if soap {
		f := parseSOAPFault(resp.body)
		return f != nil && f.code == "INVALID_SESSION_ID"
	}
	return resp.status == http.StatusUnauthorized
}

// send performs one logical HTTP exchange through the retrying transport and reads the answer.
func (c *Client) send(ctx context.Context, o op, method, rawURL, contentType string, body []byte, hdr http.Header, logBody bool) (*response, error) {
	var reqBody any
	if body != nil {
		reqBody = body
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, &Error{Kind: KindOther, Op: o.name, Message: "building the request: " + err.Error(), cause: err}
	}
	ex := &exchange{ctx: ctx, c: c, op: o, path: u.Path, start: time.Now(), contact: c.contactFor(rawURL)}
	sendCtx, done, err := ex.begin(ctx, method, u)
	if err != nil {
		return nil, err
	}
	defer done()
	req, err := retryablehttp.NewRequestWithContext(sendCtx, method, rawURL, reqBody)
	if err != nil {
		return nil, &Error{Kind: KindOther, Op: o.name, Message: "building the request: " + err.Error(), cause: err}
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	req.Header.Set("User-Agent", c.userAgent)
	req.Header.Set("Accept", "application/json, text/xml")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	path := req.URL.Path
	if c.logs(LevelTrace) {
		c.log(ctx, LevelTrace, "sending request", o.logFields(map[string]any{"method": method, "path": path}))
	}
	httpResp, err := c.retrying(ex).Do(req)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			err = ctxErr
		} else if e := ex.firstContactFailed(sendCtx, err); e != nil {
			c.log(ctx, LevelWarn, "first contact failed", o.logFields(map[string]any{"method": method, "path": path, "error": e.Error(), "attempts": ex.attempts}))
			return nil, e
		}
		c.log(ctx, LevelWarn, "request failed", o.logFields(map[string]any{"method": method, "path": path, "error": err.Error(), "attempts": ex.attempts}))
		return nil, &Error{Kind: KindOther, Op: o.name, Message: "could not reach the org: " + err.Error(), cause: err,
			Attempts: max(ex.attempts, 1), Elapsed: time.Since(ex.start), Transient: ex.lastRetryable}
	}
	defer httpResp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(httpResp.Body, maxBody))
	if err != nil {
		// The answer was cut off: whatever the org did, the client cannot tell.
		return nil, &Error{Kind: KindOther, Op: o.name, Message: "reading the answer: " + err.Error(), cause: err,
			Attempts: max(ex.attempts, 1), Elapsed: time.Since(ex.start), Transient: true}
	}
	c.noteLimitInfo(httpResp.Header.Get("Sforce-Limit-Info"))
	resp := &response{status: httpResp.StatusCode, body: data, attempts: max(ex.attempts, 1),
		elapsed: time.Since(ex.start), transient: ex.lastRetryable}
	// The fields are built only for a logger that keeps them: the body alone is a copy of up to
	// 4 KB for every request.
	if c.logs(LevelDebug) {
		fields := o.logFields(map[string]any{
			"method": method, "path": path, "status": resp.status, "attempts": resp.attempts,
			"duration_ms": resp.elapsed.Milliseconds(),
		})
		addAPIUsage(c, fields)
		c.log(ctx, LevelDebug, "org answered", fields)
	}
	if logBody && c.logs(LevelTrace) {
		c.log(ctx, LevelTrace, "answer body", map[string]any{"path": path, "body": data})
	}
	return resp, nil
}

// exchange follows one logical request through its attempts: how many were made, why the last
// one was retried, and whether the final answer is one a retry could have got past.
type exchange struct {
	// ctx is the request's context: the retry hooks log through it, because Terraform's logger
	// travels in the context and a line logged elsewhere never reaches TF_LOG.
	ctx           context.Context
	c             *Client
	op            op
	path          string
	start         time.Time
	attempts      int
	cause         string
	lastRetryable bool

	// contact is the first-contact state of the URL's base, nil for a URL that is not the
	// client's own (first_contact.go); the rest is kept only while that URL has not answered.
	contact   *firstContact
	loopback  bool        // the URL names this machine
	connected atomic.Bool // the current attempt got a connection
	lastErr   error       // the last attempt's failure, other than the end of the request's context
}

// retrying returns a retryablehttp client for one exchange. It is built per exchange (it holds
// no connections; those are in the shared http.Client) so that the hooks can record what
// happened to this request and log each retry with its cause.
func (c *Client) retrying(ex *exchange) *retryablehttp.Client {
	rc := &retryablehttp.Client{
		HTTPClient: c.httpClient,
		RetryMax:   c.maxRetries,
		CheckRetry: func(ctx context.Context, resp *http.Response, err error) (bool, error) {
			ex.noteAttempt(ctx, resp, err)
			retry, checkErr := c.checkRetry(ctx, resp, err)
			if retry && err != nil && ex.hopeless(err) {
				retry = false
			}
			ex.lastRetryable = retry
			if retry {
				ex.cause = retryCause(resp, err)
			}
			return retry, checkErr
		},
		Backoff: func(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
			// retryablehttp asks for a wait only when it is about to retry.
			d := c.backoff(minWait, maxWait, attempt, resp)
			c.log(ex.ctx, LevelDebug, "retrying request", ex.op.logFields(map[string]any{
				"path": ex.path, "next_attempt": attempt + 2, "cause": ex.cause, "delay_ms": d.Milliseconds(),
			}))
			return d
		},
		ErrorHandler: keepLastResponse,
		RequestLogHook: func(_ retryablehttp.Logger, _ *http.Request, attempt int) {
			ex.attempts = attempt + 1
			ex.connected.Store(false)
		},
	}
	if c.logger != nil {
		rc.Logger = retryLogger{c: c, ctx: ex.ctx}
	}
	return rc
}

// retryCause says in a few words why an attempt failed, for the retry log line; the org's error
// code only, never a body.
func retryCause(resp *http.Response, err error) string {
	if err != nil {
		return "no answer: " + err.Error()
	}
	if resp == nil {
		return ""
	}
	cause := "HTTP " + strconv.Itoa(resp.StatusCode)
	if code := errorCode(peekBody(resp)); code != "" {
		cause += " " + code
	}
	if ra := resp.Header.Get("Retry-After"); ra != "" {
		cause += ", Retry-After " + ra
	}
	return cause
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…(truncated)"
}

var apiUsagePattern = regexp.MustCompile(`api-usage=(\d+)/(\d+)`)

func (c *Client) noteLimitInfo(h string) {
	m := apiUsagePattern.FindStringSubmatch(h)
	if m == nil {
		return
	}
	used, err1 := strconv.Atoi(m[1])
	limit, err2 := strconv.Atoi(m[2])
	if err1 != nil || err2 != nil {
		return
	}
	c.apiUsage.Store(&apiUsage{used: used, max: limit})
}

type apiUsage struct{ used, max int }

// transientCodes are error codes in a 403 or 500 answer that a later attempt can get past; the
// last two are the token endpoint's (RFC 6749, section 5.2).
var transientCodes = map[string]bool{
	"REQUEST_LIMIT_EXCEEDED": true, "UNKNOWN_EXCEPTION": true, "SERVER_UNAVAILABLE": true, "": true,
	"server_error": true, "temporarily_unavailable": true,
}

// checkRetry retries connection errors and timeouts, 408, 429, 502, 503, 504,
// REQUEST_LIMIT_EXCEEDED, and 500s that are not SOAP faults about the request itself (the Metadata
// API answers every fault with 500). What another attempt cannot fix fails at once: a host that
// does not resolve, a TLS failure or a plain-HTTP answer to https, any other 4xx, a fault naming a
// bad field. Before a URL has first answered, its first-contact time bounds the retries too, and
// a refused connection to this machine ends them (first_contact.go).
func (c *Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	if err != nil {
		if permanentTransportError(err) {
			return false, nil
		}
		return retryablehttp.DefaultRetryPolicy(ctx, resp, err)
	}
	switch resp.StatusCode {
	case http.StatusRequestTimeout, http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true, nil
	case http.StatusForbidden:
		return errorCode(peekBody(resp)) == "REQUEST_LIMIT_EXCEEDED", nil
	case http.StatusInternalServerError:
		return transientCodes[errorCode(peekBody(resp))], nil
	}
	return false, nil
}

// permanentTransportError reports failures no retry can get past: the host does not exist, or TLS
// refuses the server (wrong certificate, a plain-http server on an https URL).
func permanentTransportError(err error) bool {
	var dns *net.DNSError
	if errors.As(err, &dns) && dns.IsNotFound {
		return true
	}
	var recordHeader tls.RecordHeaderError
	var alert tls.AlertError
	return errors.Is(err, http.ErrSchemeMismatch) || errors.As(err, &recordHeader) || isCertificateError(err) ||
		errors.As(err, &alert)
}

// peekBody reads the body and puts an identical reader back for whoever reads it next.
func peekBody(resp *http.Response) []byte {
	data, _ := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(data))
	return data
}

// errorCode finds the org's error code in a REST, OAuth or SOAP error body.
func errorCode(body []byte) string {
	if f := parseSOAPFault(body); f != nil {
		return f.code
	}
	if errs := parseRESTErrors(body); len(errs) > 0 {
		return errs[0].ErrorCode
	}
	return ""
}

// backoff waits what Retry-After asks for, else grows exponentially from retryWaitMin to
// retryWaitMax with jitter, so that concurrent clients do not retry in step.
func (c *Client) backoff(_, _ time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil {
		if d, ok := retryAfter(resp.Header.Get("Retry-After")); ok {
			return d
		}
	}
	d := c.retryWaitMin << min(attempt, 20)
	if d <= 0 || d > c.retryWaitMax {
		d = c.retryWaitMax
	}
	half := d / 2
	return half + rand.N(half+1) //nolint:gosec // jitter spreads retries; it protects nothing
}

func retryAfter(v string) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	var d time.Duration
	if secs, err := strconv.Atoi(v); err == nil {
		if secs < 0 {
			return 0, false
		}
		d = time.Duration(secs) * time.Second
	} else if at, err := http.ParseTime(v); err == nil {
		d = max(time.Until(at), 0)
	} else {
		return 0, false
	}
	return min(d, maxRetryAfter), true
}

// keepLastResponse hands the last answer back when retries run out, so that the caller can say
// what the org said (rate limited, unavailable) instead of a bare "giving up".
func keepLastResponse(resp *http.Response, err error, _ int) (*http.Response, error) {
	if resp != nil && err == nil {
		return resp, nil
	}
	if resp != nil {
		resp.Body.Close()
	}
	if err == nil {
		err = errors.New("giving up after retries")
	}
	return nil, err
}

// restError is one element of a REST error body.
type restError struct {
	Message   string   `json:"message"`
	ErrorCode string   `json:"errorCode"`
	Fields    []string `json:"fields"`
}

func parseRESTErrors(body []byte) []restError {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return nil
	}
	var list []restError
	if trimmed[0] == '[' {
		if json.Unmarshal(trimmed, &list) == nil {
			return list
		}
		return nil
	}
	var one struct {
		restError
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	if trimmed[0] == '{' && json.Unmarshal(trimmed, &one) == nil {
		if one.ErrorCode == "" && one.Error != "" {
			return []restError{{ErrorCode: one.Error, Message: one.Description}}
		}
		if one.ErrorCode != "" || one.Message != "" {
			return []restError{one.restError}
		}
	}
	return nil
}

// restError classifies a non-success REST answer.
func (c *Client) restError(o op, resp *response) *Error {
	errs := parseRESTErrors(resp.body)
	if len(errs) == 0 {
		msg := http.StatusText(resp.status)
		if snippet := strings.TrimSpace(truncate(string(resp.body), 200)); snippet != "" && !strings.HasPrefix(snippet, "<") {
			msg += ": " + snippet
		}
		return resp.annotate(c.redact.scrubError(classify(o, resp.status, "", fmt.Sprintf("the org answered HTTP %d %s", resp.status, msg), nil)))
	}
	first := errs[0]
	msgs := make([]string, 0, len(errs))
	var fields []string
	for _, e := range errs {
		msgs = append(msgs, e.Message)
		fields = append(fields, e.Fields...)
	}
	return resp.annotate(c.redact.scrubError(classify(o, resp.status, first.ErrorCode, strings.Join(msgs, "; "), fields)))
}
