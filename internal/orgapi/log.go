package orgapi

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
)

// Level is the severity of a log entry; the provider maps it onto tflog.
type Level int

const (
	LevelTrace Level = iota
	LevelDebug
	LevelInfo
	LevelWarn
	LevelError
)

func (l Level) String() string {
	switch l {
	case LevelTrace:
		return "TRACE"
	case LevelDebug:
		return "DEBUG"
	case LevelInfo:
		return "INFO"
	case LevelWarn:
		return "WARN"
	default:
		return "ERROR"
	}
}

// Logger receives the client's log entries. Messages and fields have already been scrubbed of
// tokens, secrets and keys when they reach it.
type Logger interface {
	// Enabled reports whether the logger keeps entries of level. The client builds and scrubs
	// only those: scrubbing is regular expressions over every message and field, which an apply
	// with logging off would otherwise run on every request for nothing.
	Enabled(level Level) bool
	Log(ctx context.Context, level Level, msg string, fields map[string]any)
}

// redactedValue replaces anything secret in log output.
const redactedValue = "[REDACTED]"

// secretFieldKey matches field names whose values are never logged, whatever they contain.
var secretFieldKey = regexp.MustCompile(`(?i)(token|secret|password|assertion|authorization|session|private|credential|signature)`)

// secretPatterns catch secrets that reach a log line inside larger text (a body, an error): OAuth
// form and JSON fields, SOAP session headers, bearer values, PEM blocks and Salesforce session ids.
var secretPatterns = []*regexp.Regexp{
	regexp.MustCompile(`(?i)((?:access_token|refresh_token|client_secret|assertion|password|signature|sessionId|consumerSecret)["']?\s*[:=>]\s*["']?)[^"'&<\s,}]+`),
	regexp.MustCompile(`(?i)(bearer\s+)\S+`),
	regexp.MustCompile(`(?s)-----BEGIN [A-Z ]*-----.*?(?:-----END [A-Z ]*-----|$)`),
	regexp.MustCompile(`\b00D[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?![A-Za-z0-9._-]+`),
}

// redactor scrubs log output. It knows the client's own secrets (configured ones and every token
// it has been issued) and removes them verbatim, on top of the pattern rules above.
type redactor struct {
	mu      sync.RWMutex
	secrets []string
}

func (r *redactor) add(secrets ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range secrets {
		s = strings.TrimSpace(s)
		if len(s) < 4 {
			continue // too short to scrub without mangling ordinary words
		}
		r.secrets = append(r.secrets, s)
	}
}

func (r *redactor) scrub(s string) string {
	r.mu.RLock()
	for _, secret := range r.secrets {
		s = strings.ReplaceAll(s, secret, redactedValue)
	}
	r.mu.RUnlock()
	for _, p := range secretPatterns {
		s = p.ReplaceAllStringFunc(s, func(m string) string {
			if sub := p.FindStringSubmatch(m); len(sub) > 1 && sub[1] != "" {
				return sub[1] + redactedValue
			}
			return redactedValue
		})
	}
	return s
}

// scrubError removes secrets from what the org said, since errors end up in diagnostics and logs.
func (r *redactor) scrubError(e *Error) *Error {
	e.Message = r.scrub(e.Message)
	return e
}

func (r *redactor) scrubFields(fields map[string]any) map[string]any {
	out := make(map[string]any, len(fields))
	for k, v := range fields {
		if secretFieldKey.MatchString(k) {
			out[k] = redactedValue
			continue
		}
		switch v := v.(type) {
		case nil, bool, int, int64, float64, Level:
			out[k] = v
		case string:
			out[k] = r.scrub(v)
		case error:
			out[k] = r.scrub(v.Error())
		default:
			out[k] = r.scrub(fmt.Sprint(v))
		}
	}
	return out
}

// logs reports whether an entry of level would reach the configured Logger.
func (c *Client) logs(level Level) bool { return c.logger != nil && c.logger.Enabled(level) }

// log sends a scrubbed entry to the configured Logger, if it keeps entries of level.
func (c *Client) log(ctx context.Context, level Level, msg string, fields map[string]any) {
	if !c.logs(level) {
		return
	}
	c.logger.Log(ctx, level, c.redact.scrub(msg), c.redact.scrubFields(fields))
}

// logFields adds what a log line says of the operation: what the client was doing and, for a
// Metadata API call, which SOAP operation it made.
func (o op) logFields(fields map[string]any) map[string]any {
	fields["operation"] = o.name
	if o.soap != "" {
		fields["soap_operation"] = o.soap
	}
	return fields
}

// retryLogger adapts the client's Logger to go-retryablehttp's LeveledLogger, so that the library's
// own messages (attempts, retries, give-ups) go through the same scrubbing, and through the
// request's context, which carries Terraform's logger (the library's interface has no context).
type retryLogger struct {
	c   *Client
	ctx context.Context
}

func (l retryLogger) emit(level Level, msg string, kv []any) {
	if !l.c.logs(level) {
		return
	}
	fields := make(map[string]any, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		fields[fmt.Sprint(kv[i])] = kv[i+1]
	}
	l.c.log(l.ctx, level, "retryablehttp: "+msg, fields)
}

func (l retryLogger) Error(msg string, kv ...any) { l.emit(LevelWarn, msg, kv) }
func (l retryLogger) Info(msg string, kv ...any)  { l.emit(LevelDebug, msg, kv) }
func (l retryLogger) Debug(msg string, kv ...any) { l.emit(LevelTrace, msg, kv) }
func (l retryLogger) Warn(msg string, kv ...any)  { l.emit(LevelWarn, msg, kv) }
