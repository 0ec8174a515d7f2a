package provider

import (
	"context"
	"os"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
)

// logSubsystem groups the org client's log lines.
const logSubsystem = "orgapi"

// The variables that set the level of the org client's lines: its own, and else the provider's,
// which terraform-plugin-go reads for the provider's root logger and main.go sets from TF_LOG.
const (
	envLogLevelOrgAPI   = "TF_LOG_PROVIDER_SFACCESS_ORGAPI"
	envLogLevelProvider = "TF_LOG_PROVIDER_SFACCESS"
)

// secretFieldKeys are log fields whose values are masked wherever they appear.
var secretFieldKeys = []string{
	"access_token", "refresh_token", "client_secret", "private_key", "password", "assertion",
	"authorization", "Authorization", "consumer_secret", "session_id", "token",
}

// tflogLogger routes the org client's log lines into Terraform's log, masking secrets: by field
// name, and by value for the configured credentials in case one shows up inside a message.
type tflogLogger struct {
	secrets []string
	min     hclog.Level // the lowest level written; hclog.Off writes none
}

var _ orgapi.Logger = tflogLogger{}

func newTflogLogger(secrets []string) tflogLogger {
	return tflogLogger{secrets: append([]string(nil), secrets...), min: subsystemLevel(os.Getenv)}
}

// subsystemLevel is the level the org client's logger writes from, as tflog will set it. Where
// neither variable names a level, tflog keeps whatever its root logger has, which only tflog
// knows, so every entry goes to it.
func subsystemLevel(getenv func(string) string) hclog.Level {
	for _, name := range []string{envLogLevelOrgAPI, envLogLevelProvider} {
		if level := hclog.LevelFromString(getenv(name)); level != hclog.NoLevel {
			return level
		}
	}
	return hclog.Trace
}

// hclogLevels maps the client's levels onto hclog's, in which Trace is the lowest.
var hclogLevels = map[orgapi.Level]hclog.Level{
	orgapi.LevelTrace: hclog.Trace, orgapi.LevelDebug: hclog.Debug, orgapi.LevelInfo: hclog.Info,
	orgapi.LevelWarn: hclog.Warn, orgapi.LevelError: hclog.Error,
}

func (l tflogLogger) Enabled(level orgapi.Level) bool {
	return hclogLevels[level] >= l.min // hclog.Off lies above Error
}

func (l tflogLogger) Log(ctx context.Context, level orgapi.Level, msg string, fields map[string]any) {
	ctx = tflog.NewSubsystem(ctx, logSubsystem, tflog.WithLevelFromEnv(envLogLevelOrgAPI))
	ctx = tflog.SubsystemMaskFieldValuesWithFieldKeys(ctx, logSubsystem, secretFieldKeys...)
	if len(l.secrets) > 0 {
		ctx = tflog.SubsystemMaskAllFieldValuesStrings(ctx, logSubsystem, l.secrets...)
		ctx = tflog.SubsystemMaskMessageStrings(ctx, logSubsystem, l.secrets...)
	}
	switch level {
	case orgapi.LevelTrace:
		tflog.SubsystemTrace(ctx, logSubsystem, msg, fields)
	case orgapi.LevelDebug:
		tflog.SubsystemDebug(ctx, logSubsystem, msg, fields)
	case orgapi.LevelInfo:
		tflog.SubsystemInfo(ctx, logSubsystem, msg, fields)
	case orgapi.LevelWarn:
		tflog.SubsystemWarn(ctx, logSubsystem, msg, fields)
	default:
		tflog.SubsystemError(ctx, logSubsystem, msg, fields)
	}
}
