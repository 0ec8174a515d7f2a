package orgapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
)

// The redaction layer. Every log entry the client writes (message, fields, bodies, headers, query
// strings) and every error message it builds from what the org said passes through redactor, which
// recognises secrets by what the text says, not by which call produced it:
//
//   - a value whose name says it is secret, wherever the name appears: a JSON key (at any depth,
//     inside JSON held in a string too), a SOAP or XML element (escaped or not), a form or query
//     field, a header, a log field;
//   - bearer credentials, Salesforce session ids, JWTs and PEM blocks, whatever surrounds them;
//   - and, as a second net, every secret the client has been configured with or handed (its own
//     secret, key and tokens, credentials it read or staged), verbatim and in their escaped forms.
//
// A consumer key is not a secret: it is the OAuth client id, which RFC 6749 (section 2.2) does not
// treat as confidential, browsers carry in every authorization URL, and the provider keeps in plan
// and state. Logs keep it, so that a reader can tell which app a call was about.

// redactedValue replaces anything secret in log output and errors.
const redactedValue = "[REDACTED]"

// secretName is the end of a name whose value is a secret, compared case-insensitively: client
// secrets and consumer secrets (consumerSecret, client_secret, the staged credentials' secret),
// access, refresh, id and delete tokens (an OauthToken's DeleteToken revokes an approval, so it is
// as good as the approval), passwords, JWT assertions, private keys, session ids, the token
// answer's signature, API keys, and the Authorization and Cookie headers. Names that merely
// mention one (consumer_key, token_type, refreshTokenPolicy) do not end with one.
const secretName = `(?:secret|token|passw(?:or)?d|assertion|private[_-]?key|session[_-]?id|signature|api[_-]?key|authorization|cookie|credentials?)`

var secretNameEnd = regexp.MustCompile(`(?i)` + secretName + `$`)

// isSecretName reports whether name (an XML prefix aside) names a secret.
func isSecretName(name string) bool {
	if i := strings.LastIndexByte(name, ':'); i >= 0 {
		name = name[i+1:]
	}
	return secretNameEnd.MatchString(name)
}

// notASecret are values a secret-named field holds that say nothing secret: the flags of
// settings such as isSecretRequiredForRefreshToken, which logs should keep.
func notASecret(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "true", "false", "null":
		return true
	}
	return false
}

var (
	// secretPair is a secret-named field and its value in text: JSON, JSON escaped inside a JSON
	// string, form and query fields, "name: value" and "name=value". The value is a quoted string
	// (possibly cut off by a truncation) or a run of characters up to a separator. A name that
	// ends a URL path is no field: `Post "…/services/oauth2/token": dial tcp …` keeps its cause.
	secretPair = regexp.MustCompile(`(?i)(^|[^\w.:/-])([\w.:-]*` + secretName + `)(\\*["']?\s*(?:=>|[:=])\s*)` +
		`(\\+"(?:[^"\\]|\\[^"])*(?:\\+"|$)|"(?:[^"\\]|\\.)*(?:"|$)|'[^']*(?:'|$)|[^\s"'&<>,;{}\[\]()\\]+)`)
	// secretElement is a secret-named XML element with text content, plain or escaped as XML
	// (&lt;…&gt;) or JSON (\u003c…\u003e) escape it, with or without a namespace prefix,
	// attributes or CDATA.
	secretElement = regexp.MustCompile(`(?is)((?:<|&lt;|\\u003c)(?:[\w.-]+:)?[\w.-]*` + secretName + `(?:\s[^<>]*?)?(?:>|&gt;|\\u003e))` +
		`((?:<!\[CDATA\[.*?\]\]>|[^<&\\]|&(?:amp|quot|apos|#x?[0-9a-f]+);|\\[^u]|\\u[0-9a-f]{4})*?)((?:<|&lt;|\\u003c)/)`)
	// secretShapes are secrets whatever surrounds them.
	secretShapes = []*regexp.Regexp{
		regexp.MustCompile(`(?i)(bearer\s+)[^\s"'&<>,;]+`),
		regexp.MustCompile(`(?s)-----BEGIN [A-Z0-9 ]*-----.*?(?:-----END [A-Z0-9 ]*-----|$)`),
		// A Salesforce session id or access token: the org id, "!", the session part.
		regexp.MustCompile(`\b00D[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?![A-Za-z0-9._-]+`),
		// A JWT (an assertion, an id token): base64url header "{"..., payload, signature.
		regexp.MustCompile(`\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*`),
	}
)

// redactor is the client's redaction layer (see the top of this file). It knows the client's own
// secrets and every one the client has read or been issued, and removes them verbatim, on top of
// the rules by name and shape.
type redactor struct {
	mu      sync.RWMutex
	secrets []string
}

// add registers secrets for the verbatim net, with the forms they take escaped in JSON, XML and
// URLs, so that a secret quoted by any of them is found.
func (r *redactor) add(secrets ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range secrets {
		s = strings.TrimSpace(s)
		if len(s) < 4 {
			continue // too short to scrub without mangling ordinary words
		}
		forms := []string{s, jsonEscaped(s), html.EscapeString(s), url.QueryEscape(s), url.PathEscape(s)}
		for i, f := range forms {
			if !contains(forms[:i], f) && !contains(r.secrets, f) {
				r.secrets = append(r.secrets, f)
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// jsonEscaped is s as it appears inside a JSON string.
func jsonEscaped(s string) string {
	b, _ := json.Marshal(s) // a string always encodes
	return string(b[1 : len(b)-1])
}

// scrub removes secrets from text: the known ones, then by name and by shape. Text that is a JSON
// document is redacted by its structure (see redactJSON).
func (r *redactor) scrub(s string) string {
	s = r.known(s)
	if j, ok := r.redactJSON(s); ok {
		return j
	}
	return scrubRules(s)
}

// body is an answer or request body fit for a log line: redacted whole, then cut to a length a
// log line can hold. Redacting before the cut matters: a cut JSON document is no longer one, so
// only the rules by name and shape would see it, not its structure.
func (r *redactor) body(b []byte) string {
	if len(b) > maxRedactedBody {
		b = b[:maxRedactedBody]
	}
	return truncate(r.scrub(string(b)), maxLoggedBody)
}

const (
	// maxLoggedBody is how much of a body a log line shows.
	maxLoggedBody = 4096
	// maxRedactedBody bounds the redaction of a large answer (about a microsecond a byte) to a
	// fraction of a second; the rules by name and shape still cover what is cut off, which the
	// log line does not show anyway.
	maxRedactedBody = 256 << 10
)

func (r *redactor) known(s string) string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, secret := range r.secrets {
		s = strings.ReplaceAll(s, secret, redactedValue)
	}
	return s
}

// scrubRules applies the rules by name and shape to text.
func scrubRules(s string) string {
	for _, p := range secretShapes {
		s = p.ReplaceAllStringFunc(s, func(m string) string {
			if sub := p.FindStringSubmatch(m); len(sub) > 1 {
				return sub[1] + redactedValue
			}
			return redactedValue
		})
	}
	s = secretElement.ReplaceAllStringFunc(s, func(m string) string {
		sub := secretElement.FindStringSubmatch(m)
		if notASecret(sub[2]) {
			return m
		}
		return sub[1] + redactedValue + sub[3]
	})
	return secretPair.ReplaceAllStringFunc(s, func(m string) string {
		sub := secretPair.FindStringSubmatch(m)
		return sub[1] + sub[2] + sub[3] + redactQuoted(sub[4])
	})
}

// redactQuoted replaces a value, keeping the quotes around it (escaped or not) so that the text
// keeps its shape.
func redactQuoted(v string) string {
	if notASecret(strings.Trim(v, `\"'`)) {
		return v
	}
	quote := v[:len(v)-len(strings.TrimLeft(v, `\"'`))]
	if quote == "" || !strings.HasSuffix(v[len(quote):], quote) {
		return quote + redactedValue
	}
	return quote + redactedValue + quote
}

// redactJSON redacts s when it is one JSON object or array: every string under a secret-named key,
// at any depth, becomes redactedValue; every other string is scrubbed as text (it may hold JSON or
// XML of its own). Keys keep their order and the document its compact form.
func (r *redactor) redactJSON(s string) (string, bool) {
	t := strings.TrimSpace(s)
	if t == "" || (t[0] != '{' && t[0] != '[') {
		return "", false
	}
	dec := json.NewDecoder(strings.NewReader(t))
	dec.UseNumber()
	var out bytes.Buffer
	if err := r.jsonValue(dec, &out, false); err != nil {
		return "", false
	}
	if _, err := dec.Token(); err != io.EOF {
		return "", false // trailing data: not one document
	}
	return out.String(), true
}

func (r *redactor) jsonValue(dec *json.Decoder, out *bytes.Buffer, secret bool) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch t := tok.(type) {
	case json.Delim:
		return r.jsonContainer(dec, out, t, secret)
	case string:
		if secret && !notASecret(t) {
			t = redactedValue
		} else {
			t = r.scrub(t)
		}
		writeJSONString(out, t)
	case nil:
		out.WriteString("null")
	default: // json.Number, bool
		fmt.Fprint(out, t)
	}
	return nil
}

func (r *redactor) jsonContainer(dec *json.Decoder, out *bytes.Buffer, open json.Delim, secret bool) error {
	if open != '{' && open != '[' {
		return fmt.Errorf("unexpected %v", open)
	}
	out.WriteRune(rune(open))
	for i := 0; dec.More(); i++ {
		if i > 0 {
			out.WriteByte(',')
		}
		valueSecret := secret
		if open == '{' {
			tok, err := dec.Token()
			if err != nil {
				return err
			}
			key, _ := tok.(string)
			writeJSONString(out, key)
			out.WriteByte(':')
			valueSecret = secret || isSecretName(key)
		}
		if err := r.jsonValue(dec, out, valueSecret); err != nil {
			return err
		}
	}
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	closing, ok := tok.(json.Delim)
	if !ok {
		return fmt.Errorf("unexpected %v", tok)
	}
	out.WriteRune(rune(closing))
	return nil
}

// writeJSONString writes s as a JSON string, without escaping HTML characters, as the org does.
func writeJSONString(out *bytes.Buffer, s string) {
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)           // a string always encodes
	out.Truncate(out.Len() - 1) // Encode ends with a newline
}

// scrubError removes secrets from what the org said, since errors end up in diagnostics and logs.
func (r *redactor) scrubError(e *Error) *Error {
	e.Message = r.scrub(e.Message)
	return e
}

// scrubFields redacts a log entry's fields: a secret-named field entirely, a body ([]byte) as a
// body, headers and query values by name, anything else as text.
func (r *redactor) scrubFields(fields map[string]any) map[string]any {
	out := make(map[string]any, len(fields))
	for k, v := range fields {
		if isSecretName(k) {
			out[k] = redactedValue
			continue
		}
		switch v := v.(type) {
		case nil, bool, int, int64, float64, Level:
			out[k] = v
		case string:
			out[k] = r.scrub(v)
		case []byte:
			out[k] = r.body(v)
		case http.Header:
			out[k] = r.scrubValues(v)
		case url.Values:
			out[k] = r.scrubValues(v)
		case error:
			out[k] = r.scrub(v.Error())
		default:
			out[k] = r.scrub(fmt.Sprint(v))
		}
	}
	return out
}

// scrubValues renders headers or query values for a log line, secret-named ones redacted.
func (r *redactor) scrubValues(values map[string][]string) string {
	parts := make([]string, 0, len(values))
	for name, vs := range values {
		for _, v := range vs {
			if isSecretName(name) && !notASecret(v) {
				v = redactedValue
			}
			parts = append(parts, name+": "+r.scrub(v))
		}
	}
	sort.Strings(parts)
	return strings.Join(parts, "; ")
}
