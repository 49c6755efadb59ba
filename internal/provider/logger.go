package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/sentrykeys/terraform-provider-sentry/internal/sentry"
)

// tflogLogger adapts the Sentry client's logging to tflog. As a second line of
// defence after the client's own care, it masks the token wherever it could
// appear in a message or a field.
type tflogLogger struct {
	token string
}

var _ sentry.Logger = tflogLogger{}

func newLogger(token string) sentry.Logger {
	return tflogLogger{token: token}
}

func (l tflogLogger) mask(ctx context.Context) context.Context {
	if l.token == "" {
		return ctx
	}
	return tflog.MaskLogStrings(ctx, l.token)
}

func (l tflogLogger) Warn(ctx context.Context, msg string, fields map[string]any) {
	tflog.Warn(l.mask(ctx), msg, fields)
}

func (l tflogLogger) Debug(ctx context.Context, msg string, fields map[string]any) {
	tflog.Debug(l.mask(ctx), msg, fields)
}

func (l tflogLogger) Trace(ctx context.Context, msg string, fields map[string]any) {
	tflog.Trace(l.mask(ctx), msg, fields)
}
