package sentry

import "context"

// Logger receives the client's structured log messages. The provider adapts it
// to tflog; fields never contain the token or the Authorization header.
type Logger interface {
	Warn(ctx context.Context, msg string, fields map[string]any)
	Debug(ctx context.Context, msg string, fields map[string]any)
	Trace(ctx context.Context, msg string, fields map[string]any)
}

type nopLogger struct{}

func (nopLogger) Warn(context.Context, string, map[string]any)  {}
func (nopLogger) Debug(context.Context, string, map[string]any) {}
func (nopLogger) Trace(context.Context, string, map[string]any) {}
