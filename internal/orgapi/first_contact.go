package orgapi

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// DefaultFirstContactTimeout is how long, in all, the client tries to reach a URL that has never
// answered when Config.FirstContactTimeout is 0.
const DefaultFirstContactTimeout = 30 * time.Second

// errFirstContactWindow ends a request whose URL did not answer within the first-contact time.
var errFirstContactWindow = errors.New("the first-contact time ran out")

// firstContact follows one of the client's base URLs (instance_url, login_url) until it first
// answers. Until then a URL that does not answer is far more likely wrong (a typo in the host or
// port, a scheme the server does not speak) than busy, so every request to it shares one time
// budget, and once that is spent, or a failure no retry can fix has been met, every request to
// it reports that failure at once. The first HTTP answer of any status ends this: from then on
// a failure is a blip of an org known to be there, and the retry policy applies in full.
type firstContact struct {
	attr     string // "instance_url", "login_url", or both when they are one URL
	url      string
	timeout  time.Duration
	answered atomic.Bool

	mu     sync.Mutex
	start  time.Time // when the first request to the URL began; zero before
	first  string    // that request, "GET https://acme.my.salesforce.com/services/data"
	failed *Error    // how the first contact failed, for every later request
}

// newContacts follows the instance URL and, when it is another one, the login URL, keyed by URL.
func newContacts(instanceURL, loginURL string, loginConfigured bool, timeout time.Duration) map[string]*firstContact {
	if timeout == 0 {
		timeout = DefaultFirstContactTimeout
	}
	instance := &firstContact{attr: "instance_url", url: instanceURL, timeout: timeout}
	contacts := map[string]*firstContact{instanceURL: instance}
	switch {
	case loginURL != instanceURL:
		contacts[loginURL] = &firstContact{attr: "login_url", url: loginURL, timeout: timeout}
	case loginConfigured:
		instance.attr = "instance_url and login_url"
	}
	return contacts
}

// contactFor returns what the client knows of the base URL rawURL is on, or nil for a URL of
// neither (another app's login URL, for IssueAppToken): those get the plain retry policy.
func (c *Client) contactFor(rawURL string) *firstContact {
	for base, fc := range c.contacts {
		if strings.HasPrefix(rawURL, base+"/") {
			return fc
		}
	}
	return nil
}

// begin prepares an exchange with a URL that has not answered yet: its context ends when the
// first-contact time runs out without an answer from the URL (an answer to another request in
// the meantime lets it go on), and it notes whether an attempt got a connection. A URL whose
// first contact has failed fails at once. done releases the timer.
func (ex *exchange) begin(ctx context.Context, method string, u *url.URL) (_ context.Context, done func(), _ error) {
	fc := ex.contact
	if fc == nil || fc.answered.Load() {
		return ctx, func() {}, nil
	}
	fc.mu.Lock()
	defer fc.mu.Unlock()
	if fc.failed != nil {
		return nil, nil, fc.failed
	}
	if fc.start.IsZero() {
		fc.start, fc.first = time.Now(), method+" "+u.Scheme+"://"+u.Host+u.Path
	}
	ex.loopback = IsLoopback(u.Hostname())
	ctx, cancel := context.WithCancelCause(ctx)
	timer := time.AfterFunc(time.Until(fc.start.Add(fc.timeout)), func() {
		if !fc.answered.Load() {
			cancel(errFirstContactWindow)
		}
	})
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		ConnectDone: func(_, _ string, err error) {
			if err == nil {
				ex.connected.Store(true)
			}
		},
	})
	return ctx, func() { timer.Stop(); cancel(nil) }, nil
}

// noteAttempt records what one attempt of the exchange met, for the first-contact bookkeeping:
// an answer ends the first contact, and a failure is kept to describe it if the time runs out.
func (ex *exchange) noteAttempt(ctx context.Context, resp *http.Response, err error) {
	if ex.contact == nil {
		return
	}
	if resp != nil {
		ex.contact.answered.Store(true)
	}
	if err != nil && ctx.Err() == nil {
		ex.lastErr = err
	}
}

// hopeless reports whether a failed attempt is one no retry can fix in the time a first contact
// has: nothing listens on the port of this machine that instance_url or login_url names. Once
// the URL has answered, a refused connection is a server restarting, and is retried.
func (ex *exchange) hopeless(err error) bool {
	return ex.contact != nil && !ex.contact.answered.Load() && ex.loopback && errors.Is(err, syscall.ECONNREFUSED)
}

// firstContactFailed turns the failure of an exchange with a URL that never answered into the
// error every request to that URL reports from now on; nil when the URL has answered (the
// failure is then an ordinary one).
func (ex *exchange) firstContactFailed(sendCtx context.Context, err error) *Error {
	fc := ex.contact
	if fc == nil || fc.answered.Load() {
		return nil
	}
	what, fix := describeNoAnswer(err, fc.url)
	timedOut := errors.Is(context.Cause(sendCtx), errFirstContactWindow)
	if timedOut {
		what = "no answer within first_contact_timeout (" + fc.timeout.String() + ")"
		switch {
		case ex.connected.Load():
			what += ": the server accepted the connection but sent nothing back"
		case ex.lastErr != nil:
			last, _ := describeNoAnswer(ex.lastErr, fc.url)
			what += "; the last attempt: " + last
		}
		fix = "Check the host and port of %s, and that a proxy or firewall lets this machine reach it; " +
			"for an org that is only slow to answer, raise first_contact_timeout."
	}
	e := &Error{
		Kind: KindUnreachable, Op: ex.op.name,
		Message:  fmt.Sprintf("could not reach %s %q (the first request to it was %s): %s", fc.attr, fc.url, fc.first, what),
		Attempts: max(ex.attempts, 1), Elapsed: time.Since(ex.start), Transient: timedOut || ex.lastRetryable,
		cause: err, advice: fmt.Sprintf(fix, fc.attr),
	}
	fc.mu.Lock()
	defer fc.mu.Unlock()
	if fc.failed == nil {
		fc.failed = e
	}
	return fc.failed
}

// describeNoAnswer says in a person's words why a request to base got no answer, and what to
// check (a format with %s for the attribute that holds base).
func describeNoAnswer(err error, base string) (what, fix string) {
	u, _ := url.Parse(base)
	var dns *net.DNSError
	var recordHeader tls.RecordHeaderError
	var alert tls.AlertError
	var timeout interface{ Timeout() bool }
	switch {
	case errors.Is(err, http.ErrSchemeMismatch):
		if IsLoopback(u.Hostname()) {
			return "the server answered plain HTTP to an HTTPS request",
				"Check the scheme and port of %s: use http:// for a server without TLS on this machine (a local mockorg), or the port it serves HTTPS on."
		}
		return "the server answered plain HTTP to an HTTPS request", "Check the port of %s: a Salesforce org serves HTTPS on the default port, 443."
	case errors.As(err, &recordHeader):
		return "the server did not answer the TLS handshake (" + recordHeader.Error() + ")", "Check the scheme and port of %s."
	case isCertificateError(err):
		return "its TLS certificate was refused (" + innermost(err) + ")",
			"Check the host name in %s; a certificate from a private CA needs that CA trusted on this machine (SSL_CERT_FILE)."
	case errors.As(err, &alert):
		return "the TLS handshake failed (" + alert.Error() + ")", "Check the scheme, host and port of %s."
	case errors.As(err, &dns) && dns.IsNotFound:
		return fmt.Sprintf("the host name %q does not resolve", dns.Name),
			"Check the host name in %s; a My Domain URL looks like https://acme.my.salesforce.com."
	case errors.Is(err, syscall.ECONNREFUSED) && IsLoopback(u.Hostname()):
		return "the connection was refused: nothing listens on port " + portOf(u) + " of this machine",
			"Check the port in %s, or start the server it names (a local mockorg)."
	case errors.Is(err, syscall.ECONNREFUSED):
		return "the connection was refused", "Check the host and port of %s."
	case errors.As(err, &timeout) && timeout.Timeout():
		return "the connection timed out (" + innermost(err) + ")",
			"Check the host and port of %s, and that a proxy or firewall lets this machine reach it."
	}
	return "no answer (" + innermost(err) + ")", "Check the scheme, host and port of %s."
}

// isCertificateError reports a server certificate that TLS verification refused.
func isCertificateError(err error) bool {
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	var unknownAuthority x509.UnknownAuthorityError
	var verification *tls.CertificateVerificationError
	return errors.As(err, &hostname) || errors.As(err, &invalid) || errors.As(err, &unknownAuthority) || errors.As(err, &verification)
}

// innermost is err's message without the "Get \"https://…\": " of net/http's *url.Error, which
// the message around it already says.
func innermost(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return err.Error()
}

// portOf is the port a request to u goes to.
func portOf(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if u.Scheme == "http" {
		return "80"
	}
	return "443"
}

// CheckHostPort says what is wrong with the host and port of an absolute URL, or "" when nothing
// is. A port, when the host is followed by a colon, must be a number from 1 to 65535:
// "http://127.0.0.1:" would otherwise go to port 80, where nothing of the user's listens.
func CheckHostPort(u *url.URL) string {
	if u.Hostname() == "" {
		return "has no host"
	}
	if strings.HasSuffix(u.Host, ":") {
		return "has a colon after the host but no port"
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return "has port " + p + ", which is not a port number (1 to 65535)"
		}
	}
	return ""
}
