package provider

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/sentrykeys/terraform-provider-sentry/internal/sentry"
)

// keyTarget is one client key, for the wording of errors; doing defaults
// to reading it.
func keyTarget(org, project, id string) target {
	return target{
		what:     fmt.Sprintf("client key %q of project %q in organization %q", id, project, org),
		notFound: "the organization, the project or the key",
		scopes:   []string{"project:read", "project:write", "project:admin"},
		access:   "and its user must be allowed to see the project (organization membership, and team access when open membership is off)",
	}
}

// updateTarget is keyTarget for an update, which needs project:write.
func updateTarget(org, project, id string) target {
	t := keyTarget(org, project, id)
	t.doing = "updating " + t.what
	t.scopes = []string{"project:write", "project:admin"}
	return t
}

// deleteTarget is keyTarget for a deletion, which needs project:admin.
func deleteTarget(org, project, id string) target {
	t := keyTarget(org, project, id)
	t.doing = "deleting " + t.what
	t.scopes = []string{"project:admin"}
	t.access = "the only scope that allows deleting a key (project:write is not enough), and its user must be allowed to see the project"
	return t
}

// createTarget is the creation of a key in a project.
func createTarget(org, project, name string) target {
	t := projectTarget(org, project)
	named := ""
	if name != "" {
		named = fmt.Sprintf(" named %q", name)
	}
	t.what = fmt.Sprintf("project %q in organization %q", project, org)
	t.doing = fmt.Sprintf("creating a client key%s in %s", named, t.what)
	t.scopes = []string{"project:write", "project:admin"}
	return t
}

// addWriteError turns an error of a create, update or delete into
// diagnostics: Sentry's field errors on the attributes they are about, the
// possibly created key of an ambiguous create, and otherwise what a read
// error would say.
func addWriteError(diags *diag.Diagnostics, err error, t target) {
	var (
		apiErr       *sentry.APIError
		ambiguousErr *sentry.AmbiguousCreateError
	)
	switch {
	case errors.As(err, &ambiguousErr):
		addAmbiguousCreate(diags, ambiguousErr, t)
	case errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusBadRequest && len(apiErr.FieldErrors) > 0:
		for _, fe := range apiErr.FieldErrors {
			p, ok := fieldPath(fe.Field)
			what := fe.Field
			if ok {
				what = p.String()
			}
			detail := t.withNote(fmt.Sprintf("Sentry rejected %s while %s (HTTP 400): %s. Change the value in the configuration and apply again.",
				what, t.action(), quoteMessages(fe.Messages)))
			if ok {
				diags.AddAttributeError(p, "Sentry Rejected The Value", detail)
			} else {
				diags.AddError("Sentry Rejected The Value", detail)
			}
		}
	default:
		addReadError(diags, err, t)
	}
}

// addAmbiguousCreate explains a create that may or may not have made a key.
func addAmbiguousCreate(diags *diag.Diagnostics, e *sentry.AmbiguousCreateError, t target) {
	var found string
	switch {
	case e.Name == "":
		found = "A key without a name gets one Sentry picks, so the provider cannot tell it from the others."
	case e.LookupErr != nil:
		found = fmt.Sprintf("Looking for it failed too: %v.", e.LookupErr)
	case e.Candidates == 0:
		found = fmt.Sprintf("No key named %q created since the request was found, but Sentry may still be processing it.", e.Name)
	default:
		found = fmt.Sprintf("%d keys named %q were created since the request, so the provider cannot tell which one is its own.", e.Candidates, e.Name)
	}
	diags.AddError("Sentry Client Key May Have Been Created", t.withNote(fmt.Sprintf(
		"%s failed in a way that may have left the key created (%v). %s "+
			"Check the project's client keys in Sentry before applying again: import the key that was created "+
			"(terraform import ADDRESS organization/project/key_id), or delete it, so that the next apply does not make a second one.",
		t.Action(), e.Err, found)))
}

func quoteMessages(messages []string) string {
	quoted := make([]string, len(messages))
	for i, m := range messages {
		quoted[i] = fmt.Sprintf("%q", m)
	}
	return strings.Join(quoted, ", ")
}
