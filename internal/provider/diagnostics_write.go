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

// addAmbiguousCreate explains a create whose outcome is unknown: the key it
// may have made, by id, or on a server that ignores the public key a create
// sends, the keys of that name it cannot tell apart.
func addAmbiguousCreate(diags *diag.Diagnostics, e *sentry.AmbiguousCreateError, t target) {
	var found string
	switch {
	case e.KeyID != "":
		found = fmt.Sprintf("If Sentry made the key, its id is %s: import it (terraform import ADDRESS %s/%s/%s), or delete it in Sentry, before applying again.",
			e.KeyID, e.Organization, e.Project, e.KeyID)
	case len(e.Candidates) > 0:
		var ids []string
		for _, k := range e.Candidates {
			ids = append(ids, fmt.Sprintf("%s (created %s)", k.ID, deref(k.DateCreated, "at an unknown time")))
		}
		found = fmt.Sprintf("This Sentry server ignores the public key a create sends, so the provider cannot tell which key is this create's; keys named %q: %s. "+
			"Import the right one, or delete the extra ones in Sentry, before applying again.", e.Name, strings.Join(ids, "; "))
	default:
		found = "This Sentry server ignores the public key a create sends, and no key of that name is listed yet; check the project's keys in Sentry before applying again."
	}
	if e.LookupErr != nil {
		found = fmt.Sprintf("Reading the outcome failed too (%v). %s", e.LookupErr, found)
	}
	detail := t.withNote(fmt.Sprintf("%s failed in a way that may have left a key created (%v). %s", t.Action(), e.Err, found))
	if e.Created != nil {
		// The key Sentry answered with is the resource's, and in the state;
		// an earlier attempt may have made another.
		diags.AddWarning("Sentry Client Key May Have Been Created Twice", fmt.Sprintf(
			"The new key %s is in the state, but %s", e.Created.ID, strings.ToLower(detail[:1])+detail[1:]))
		return
	}
	diags.AddError("Sentry Client Key May Have Been Created", detail)
}

func quoteMessages(messages []string) string {
	quoted := make([]string, len(messages))
	for i, m := range messages {
		quoted[i] = fmt.Sprintf("%q", m)
	}
	return strings.Join(quoted, ", ")
}
