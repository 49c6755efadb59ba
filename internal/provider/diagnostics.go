package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/sentrykeys/terraform-provider-sentry/internal/sentry"
)

// target describes what a failed request was about, for the error's
// wording.
type target struct {
	// what names the object, e.g. `the client keys of project "web" in
	// organization "acme"`.
	what string
	// doing is what the provider was doing, as a gerund phrase such as
	// `creating a client key in project "web" …`; empty means reading what.
	doing string
	// notFound names what may not exist, e.g. "organization or project".
	notFound string
	// scopes lists the token scopes of which the endpoint needs one.
	scopes []string
	// access says what else a 403 may be about.
	access string
	// note, when set, ends the detail: what became of the work done so far.
	note string
}

// action is the gerund phrase of what the provider was doing.
func (t target) action() string {
	if t.doing != "" {
		return t.doing
	}
	return "reading " + t.what
}

// Action is action at the start of a sentence.
func (t target) Action() string {
	a := t.action()
	return strings.ToUpper(a[:1]) + a[1:]
}

func projectTarget(org, project string) target {
	return target{
		what:     fmt.Sprintf("the client keys of project %q in organization %q", project, org),
		notFound: "the organization or project",
		scopes:   []string{"project:read", "project:write", "project:admin"},
		access:   "and its user must be allowed to see the project (organization membership, and team access when open membership is off)",
	}
}

func organizationTarget(org string) target {
	return target{
		what:     fmt.Sprintf("the client keys of organization %q", org),
		notFound: "the organization",
		scopes:   []string{"org:read", "org:write", "org:admin"},
		access: "and its user must be a member of the organization. Unlike sentry_project_keys, which needs only project:read, " +
			"this organization-wide listing needs an organization scope",
	}
}

// addReadError turns an error of the Sentry client into one diagnostic with a
// Title Case summary and a detail that names what was read, the HTTP status,
// Sentry's own message and what to do.
func addReadError(diags *diag.Diagnostics, err error, t target) {
	summary, detail := describeReadError(err, t)
	diags.AddError(summary, t.withNote(detail))
}

// withNote ends detail with the target's note.
func (t target) withNote(detail string) string {
	if t.note == "" {
		return detail
	}
	return detail + " " + t.note
}

func describeReadError(err error, t target) (summary, detail string) {
	var (
		apiErr      *sentry.APIError
		notJSON     *sentry.NotJSONError
		decodeErr   *sentry.DecodeError
		pageErr     *sentry.PaginationError
		transErr    *sentry.TransportError
		redirectErr *sentry.RedirectError
		linkErr     *sentry.LinkHeaderError
		tooLarge    *sentry.BodyTooLargeError
	)
	switch {
	// A TransportError wraps the client's own timeout, which also counts as
	// context.DeadlineExceeded: it must be told apart from the caller's.
	case errors.As(err, &transErr):
		if transErr.Timeout {
			return "Sentry Request Timed Out", fmt.Sprintf(
				"%s got no answer in time after %s. "+
					"Check that base_url is reachable from here, or raise request_timeout if Sentry is slow.",
				t.Action(), attempts(transErr.Attempts))
		}
		notSent := ""
		if transErr.NotSent {
			notSent = " The request never reached Sentry, so nothing changed there."
		}
		return "Cannot Reach Sentry", fmt.Sprintf(
			"%s failed after %s: %v.%s "+
				"Check base_url, DNS and any proxy (HTTPS_PROXY); for a server with a private certificate authority, point SSL_CERT_FILE at its CA bundle.",
			t.Action(), attempts(transErr.Attempts), transErr.Err, notSent)
	case errors.Is(err, context.Canceled):
		return "Sentry Request Cancelled", fmt.Sprintf("%s was cancelled before it finished.", t.Action())
	case errors.Is(err, context.DeadlineExceeded):
		return "Sentry Request Timed Out", fmt.Sprintf("%s did not finish before Terraform's deadline.", t.Action())
	case errors.As(err, &apiErr):
		return describeAPIError(apiErr, t)
	case errors.As(err, &notJSON):
		page := ""
		if notJSON.Title != "" {
			page = fmt.Sprintf(" titled %q", notJSON.Title)
		}
		return "Unexpected Response From Sentry", fmt.Sprintf(
			"%s returned HTTP %d with a page%s of type %q instead of Sentry's JSON. "+
				"The base URL (%s) probably does not point at Sentry's API, or a proxy or single sign-on page answered instead. "+
				"Check base_url or %s, and any proxy between Terraform and Sentry.",
			t.Action(), notJSON.StatusCode, page, notJSON.ContentType, urlRoot(notJSON.URL), EnvBaseURL)
	case errors.As(err, &decodeErr):
		return "Unexpected Response From Sentry", fmt.Sprintf(
			"%s returned JSON that is not the shape Sentry documents (%v). "+
				"Check that base_url points at a Sentry server; if it does, please report this issue to the provider developers.",
			t.Action(), decodeErr.Err)
	case errors.As(err, &linkErr):
		return "Unreadable Sentry Pagination", fmt.Sprintf(
			"%s stopped because the answer's Link header, which says where the next page is, cannot be read (%s). No partial list was returned. "+
				"A proxy between Terraform and Sentry probably rewrote the header; check it, or report the issue to the provider developers if base_url is Sentry itself.",
			t.Action(), linkErr.Reason)
	case errors.As(err, &tooLarge):
		return "Unexpected Response From Sentry", fmt.Sprintf(
			"%s returned HTTP %d with a body larger than any answer of Sentry's API, so it was not read. "+
				"The base URL (%s) probably does not point at Sentry's API; check base_url or %s.",
			t.Action(), tooLarge.StatusCode, urlRoot(tooLarge.URL), EnvBaseURL)
	case errors.As(err, &pageErr):
		return "Sentry Pagination Did Not End", fmt.Sprintf(
			"%s stopped after %d pages: %s. No partial list was returned. "+
				"This points at a proxy or server that mangles pagination; please report it to the provider developers if base_url is Sentry itself.",
			t.Action(), pageErr.Pages, pageErr.Reason)
	case errors.As(err, &redirectErr):
		return "Sentry Redirected To Another Host", fmt.Sprintf(
			"%s was redirected from %s to %s. The provider only sends the token to the configured base URL, so it stopped. "+
				"Set base_url to the address Sentry redirects to.",
			t.Action(), redirectErr.From, redirectErr.To)
	default:
		return "Sentry API Error", fmt.Sprintf("%s failed: %v.", t.Action(), err)
	}
}

func describeAPIError(e *sentry.APIError, t target) (summary, detail string) {
	status := httpStatus(e)
	switch code := e.StatusCode; {
	case code == http.StatusUnauthorized:
		return "Invalid Sentry Auth Token", fmt.Sprintf(
			"Sentry rejected the auth token while %s (%s). "+
				"The token is invalid, expired or missing: check the provider's token attribute or the %s (or %s) environment variable.",
			t.action(), status, EnvAuthToken, EnvAuthTokenLegacy)
	case code == http.StatusForbidden:
		scopes := t.scopes
		asked := ""
		if len(e.RequiredScopes) > 0 {
			scopes = e.RequiredScopes
			asked = " (Sentry named them in its answer)"
		}
		return "Insufficient Sentry Permissions", fmt.Sprintf(
			"Sentry refused the token while %s (%s). The token needs one of the scopes %s%s, %s.",
			t.action(), status, joinOr(scopes), asked, t.access)
	case code == http.StatusNotFound:
		why := "%s does not exist, or the token cannot see it"
		if e.EmptyBody {
			why += " (sentry.io answers an unknown organization with an empty 404)"
		}
		return "Sentry Object Not Found", fmt.Sprintf(
			"Sentry found nothing while %s (%s): "+why+". Check the slugs or ids, and that base_url points at the Sentry server (or region) that holds them.",
			t.action(), status, t.notFound)
	case code == http.StatusTooManyRequests:
		return "Sentry Rate Limit Exceeded", fmt.Sprintf(
			"Sentry kept limiting the rate of requests while %s (%s, %s). "+
				"Lower Terraform's -parallelism, raise max_retries, or try again later; other clients using the same user or organization share the limit.",
			t.action(), status, attempts(e.Attempts))
	case code >= 500:
		return "Sentry Server Error", fmt.Sprintf(
			"Sentry failed while %s (%s, %s). "+
				"This is usually temporary: try again later, and check status.sentry.io or the self-hosted server's logs.",
			t.action(), status, attempts(e.Attempts))
	case code == http.StatusBadRequest:
		return "Sentry Rejected The Request", fmt.Sprintf(
			"Sentry rejected the request while %s (%s). "+
				"Check the arguments; if they are right, please report this issue to the provider developers.",
			t.action(), status)
	default:
		return "Unexpected Sentry Response", fmt.Sprintf(
			"%s failed (%s). Check base_url and the arguments.", t.Action(), status)
	}
}

// httpStatus renders a status with Sentry's detail, e.g.
// `HTTP 404: "The requested resource does not exist"`.
func httpStatus(e *sentry.APIError) string {
	s := fmt.Sprintf("HTTP %d", e.StatusCode)
	if e.Detail != "" {
		s += fmt.Sprintf(": %q", e.Detail)
	} else if e.EmptyBody {
		s += " with an empty body"
	}
	return s
}

func attempts(n int) string {
	if n == 1 {
		return "1 attempt"
	}
	return fmt.Sprintf("%d attempts", n)
}

// joinOr renders ["a","b","c"] as "a, b or c".
func joinOr(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}

// urlRoot cuts a request URL down to its API root, for messages about the
// base URL.
func urlRoot(u string) string {
	if i := strings.Index(u, "/api/0/"); i >= 0 {
		return u[:i+len("/api/0/")]
	}
	return u
}
