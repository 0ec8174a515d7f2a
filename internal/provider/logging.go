package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
)

// logSubsystem groups the org client's log lines (TF_LOG_PROVIDER_SFACCESS_ORGAPI tunes them).
const logSubsystem = "orgapi"

// secretFieldKeys are log fields whose values are masked wherever they appear.
var secretFieldKeys = []string{
	"access_token", "refresh_token", "client_secret", "private_key", "password", "assertion",
	"authorization", "Authorization", "consumer_secret", "session_id", "token",
}

// tflogLogger routes the org client's log lines into Terraform's log, masking secrets: by field
// name, and by value for the configured credentials in case one shows up inside a message.
type tflogLogger struct {
	secrets []string
}

var _ orgapi.Logger = tflogLogger{}

func newTflogLogger(secrets []string) tflogLogger {
	return tflogLogger{secrets: append([]string(nil), secrets...)}
}

func (l tflogLogger) Log(ctx context.Context, level orgapi.Level, msg string, fields map[string]any) {
	ctx = tflog.NewSubsystem(ctx, logSubsystem)
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
