package orgapi

import (
	"context"
	"fmt"
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

// Logger receives the client's log entries. Messages and fields have already been through the
// redaction layer (redact.go) when they reach it.
type Logger interface {
	// Enabled reports whether the logger keeps entries of level. The client builds and redacts
	// only those: redacting parses bodies and runs regular expressions over every message and
	// field, which an apply with logging off would otherwise do on every request for nothing.
	Enabled(level Level) bool
	Log(ctx context.Context, level Level, msg string, fields map[string]any)
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
