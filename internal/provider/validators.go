package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/sentrykeys/terraform-provider-sentry/internal/sentry"
)

// baseURLValidator checks at plan time that a string is a usable Sentry
// address: http or https, a host, and no user information, query or fragment.
func baseURLValidator() validator.String {
	return baseURLStringValidator{}
}

type baseURLStringValidator struct{}

func (baseURLStringValidator) Description(context.Context) string {
	return "value must be an http or https URL of a Sentry server, without user information, query or fragment"
}

func (v baseURLStringValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (baseURLStringValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := sentry.NormalizeBaseURL(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Sentry Base URL",
			fmt.Sprintf("%s is not a usable Sentry address: %s. Use a URL such as https://sentry.io/api/ or https://sentry.example.com/.", req.Path, err))
	}
}

// slugPattern matches what Sentry accepts as an organization or project slug
// (Django's slug characters) and numeric ids. Anything else could never name a
// Sentry object, and characters such as "/", "%" or ".." could change the
// request path.
var slugPattern = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// slugValidator checks at plan time that a string is a Sentry slug or id.
func slugValidator() validator.String {
	return slugStringValidator{}
}

type slugStringValidator struct{}

func (slugStringValidator) Description(context.Context) string {
	return "value must be a Sentry slug or numeric id: letters, digits, underscores and hyphens"
}

func (v slugStringValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (slugStringValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	v := req.ConfigValue.ValueString()
	if v == "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Empty Sentry Identifier",
			fmt.Sprintf("%s must not be empty: set it to the slug or numeric id shown in Sentry's settings.", req.Path))
		return
	}
	if !slugPattern.MatchString(v) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Sentry Identifier",
			fmt.Sprintf("%s is %q, which is not a Sentry slug or numeric id: only letters, digits, underscores and hyphens can appear in one. "+
				"Use the slug shown in the Sentry URL, for example \"my-project\".", req.Path, v))
	}
}

// durationValidator checks at plan time that a string is a positive Go
// duration such as "30s" or "2m".
func durationValidator() validator.String {
	return durationStringValidator{}
}

type durationStringValidator struct{}

func (durationStringValidator) Description(context.Context) string {
	return "value must be a positive duration such as 30s or 2m"
}

func (v durationStringValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (durationStringValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := parsePositiveDuration(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Duration",
			fmt.Sprintf("%s is %q: %s.", req.Path, req.ConfigValue.ValueString(), err))
	}
}

// parsePositiveDuration parses a Go duration that must be above zero.
func parsePositiveDuration(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("not a duration; write it like 30s, 90s or 2m")
	}
	if d <= 0 {
		return 0, fmt.Errorf("the duration must be positive")
	}
	return d, nil
}

// trimmedValidator rejects a string with leading or trailing white space,
// which Sentry trims before storing: the name read back would differ from
// the configured one on every plan.
func trimmedValidator() validator.String {
	return trimmedStringValidator{}
}

type trimmedStringValidator struct{}

func (trimmedStringValidator) Description(context.Context) string {
	return "value must not start or end with white space"
}

func (v trimmedStringValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (trimmedStringValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	v := req.ConfigValue.ValueString()
	if t := strings.TrimSpace(v); t != v {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Attribute Value",
			fmt.Sprintf("%s is %q, which starts or ends with white space. Sentry trims names, so it would store %q "+
				"and every plan would propose to change it back; write %q instead.", req.Path, v, t, t))
	}
}
