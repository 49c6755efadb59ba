package provider

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/sentrykeys/terraform-provider-sentry/internal/sentry"
)

// stringCheck is a plan-time check of a string argument that the
// framework-validators module has no validator for. check runs on known
// values only.
type stringCheck struct {
	desc  string
	check func(p path.Path, v string, diags *diag.Diagnostics)
}

func (c stringCheck) Description(context.Context) string         { return c.desc }
func (c stringCheck) MarkdownDescription(context.Context) string { return c.desc }

func (c stringCheck) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if known(req.ConfigValue) {
		c.check(req.Path, req.ConfigValue.ValueString(), &resp.Diagnostics)
	}
}

// baseURLValidator checks that a string is a usable Sentry address: http or
// https, a host, and no user information, query or fragment.
func baseURLValidator() validator.String {
	return stringCheck{"value must be an http or https URL of a Sentry server, without user information, query or fragment",
		func(p path.Path, v string, diags *diag.Diagnostics) {
			if _, err := sentry.NormalizeBaseURL(v); err != nil {
				diags.AddAttributeError(p, "Invalid Sentry Base URL",
					fmt.Sprintf("%s is not a usable Sentry address: %s. Use a URL such as https://sentry.io/api/ or https://sentry.example.com/.", p, err))
			}
		}}
}

// slugPattern matches what Sentry accepts as an organization or project slug
// (Django's slug characters) and numeric ids. Anything else could never name a
// Sentry object, and characters such as "/", "%" or ".." could change the
// request path.
var slugPattern = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// slugValidator checks that a string is a Sentry slug or numeric id.
func slugValidator() validator.String {
	return stringCheck{"value must be a Sentry slug or numeric id: letters, digits, underscores and hyphens",
		func(p path.Path, v string, diags *diag.Diagnostics) {
			switch {
			case v == "":
				diags.AddAttributeError(p, "Empty Sentry Identifier",
					fmt.Sprintf("%s must not be empty: set it to the slug or numeric id shown in Sentry's settings.", p))
			case !slugPattern.MatchString(v):
				diags.AddAttributeError(p, "Invalid Sentry Identifier",
					fmt.Sprintf("%s is %q, which is not a Sentry slug or numeric id: only letters, digits, underscores and hyphens can appear in one. "+
						"Use the slug shown in the Sentry URL, for example \"my-project\".", p, v))
			}
		}}
}

// durationValidator checks that a string is a positive Go duration such as
// "30s" or "2m".
func durationValidator() validator.String {
	return stringCheck{"value must be a positive duration such as 30s or 2m",
		func(p path.Path, v string, diags *diag.Diagnostics) {
			if _, err := parsePositiveDuration(v); err != nil {
				diags.AddAttributeError(p, "Invalid Duration", fmt.Sprintf("%s is %q: %s.", p, v, err))
			}
		}}
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

// trimmedValidator rejects a string with leading or trailing white space
// (what Python's str.strip() strips, control characters 0x1c-0x1f
// included), which Sentry trims before storing: the name read back would
// differ from the configured one on every plan.
func trimmedValidator() validator.String {
	return stringCheck{"value must not start or end with white space",
		func(p path.Path, v string, diags *diag.Diagnostics) {
			if t := sentry.TrimName(v); t != v {
				diags.AddAttributeError(p, "Invalid Attribute Value",
					fmt.Sprintf("%s is %q, which starts or ends with white space. Sentry trims names, so it would store %q "+
						"and every plan would propose to change it back; write %q instead.", p, v, t, t))
			}
		}}
}
