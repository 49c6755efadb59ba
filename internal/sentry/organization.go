package sentry

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"sync"

	"golang.org/x/sync/errgroup"
)

// OrganizationKeysOptions narrows ListOrganizationProjectKeys.
type OrganizationKeysOptions struct {
	// Team keeps the projects of one team, by slug or numeric id. Sentry
	// answers an unknown team with 404 "Team not found".
	Team string
	// Status keeps active or inactive keys; empty keeps both.
	Status KeyStatus
}

// ListOrganizationProjectKeys returns the client keys of every project of an
// organization that the token can access, in one cursor-paginated listing
// (GET /organizations/{org}/project-keys/, Sentry 26.1 and sentry.io since
// December 2025). Keys of all projects are interleaved, newest first; group
// them by ProjectID.
//
// It sends project=-1: without it Sentry only lists the projects of teams the
// token's user is a member of, silently leaving out the others (even for
// organization owners). The token needs org:read, org:write or org:admin.
// Servers without the endpoint answer 404 with an empty body.
func (c *Client) ListOrganizationProjectKeys(ctx context.Context, organization string, opts OrganizationKeysOptions) ([]ProjectKey, error) {
	if err := opts.Status.valid(); err != nil {
		return nil, err
	}
	u, err := c.endpointURL("organizations/%s/project-keys/", organization)
	if err != nil {
		return nil, err
	}
	q := url.Values{}
	q.Set("project", "-1")
	if opts.Team != "" {
		q.Set("team", opts.Team)
	}
	if opts.Status != KeyStatusAll {
		q.Set("status", string(opts.Status))
	}
	return newPages[ProjectKey](c, "organization-project-keys", u, q, map[string]any{"organization": organization, "team": opts.Team, "status": string(opts.Status)}).all(ctx)
}

// Project is an organization's project as the projects list returns it.
type Project struct {
	// ID is the numeric project id (a JSON string in this listing).
	ID    Int64  `json:"id"`
	Slug  string `json:"slug"`
	Name  string `json:"name"`
	Teams []Team `json:"teams"`
	// HasAccess says whether the token's user can read the project; nil
	// when the server does not say.
	HasAccess *bool `json:"hasAccess"`
}

// Team is a team a project belongs to.
type Team struct {
	ID   Int64  `json:"id"`
	Slug string `json:"slug"`
}

// Accessible reports whether the token can read the project, taking a
// server that does not say as a yes.
func (p *Project) Accessible() bool {
	return p.HasAccess == nil || *p.HasAccess
}

// InTeam reports whether the project belongs to the team given by slug or
// numeric id, as Sentry's team parameter reads it.
func (p *Project) InTeam(team string) bool {
	for _, t := range p.Teams {
		if t.Slug == team || strconv.FormatInt(int64(t.ID), 10) == team {
			return true
		}
	}
	return false
}

// ListOrganizationProjects returns every active project of an organization,
// following every cursor (GET /organizations/{org}/projects/).
func (c *Client) ListOrganizationProjects(ctx context.Context, organization string) ([]Project, error) {
	u, err := c.endpointURL("organizations/%s/projects/", organization)
	if err != nil {
		return nil, err
	}
	return newPages[Project](c, "organization-projects", u, url.Values{}, map[string]any{"organization": organization}).all(ctx)
}

// KeysByProjectOptions narrows ListKeysByProject.
type KeysByProjectOptions struct {
	// Team keeps the projects of one team, by slug or numeric id.
	Team string
	// Status keeps active or inactive keys; empty keeps both.
	Status KeyStatus
	// ProjectSlugs keeps only these projects; nil keeps every project.
	ProjectSlugs []string
}

// ProjectKeys is one project with its client keys, newest first.
type ProjectKeys struct {
	Project Project
	Keys    []ProjectKey
}

// OrganizationKeys is the result of ListKeysByProject.
type OrganizationKeys struct {
	// Projects holds every selected project the token can read, with its
	// keys (possibly none), in the order of the projects list (by slug).
	Projects []ProjectKeys
	// Fallback is true when the server had no organization-wide keys
	// endpoint and each project was read on its own.
	Fallback bool
	// Requests counts the HTTP requests the listing took, retries and
	// redirects included.
	Requests int
	// UnknownProjectKeys counts keys whose project is not in the projects
	// list (a project deleted or created between the two listings).
	UnknownProjectKeys int
	// MissingSlugs lists ProjectSlugs that name no project the token can
	// read.
	MissingSlugs []string
}

// ProjectReadError is the failure of one project's listing during a
// per-project fallback.
type ProjectReadError struct {
	Project string
	Err     error
}

func (e *ProjectReadError) Error() string { return "project " + e.Project + ": " + e.Err.Error() }

func (e *ProjectReadError) Unwrap() error { return e.Err }

// fallbackConcurrency bounds the per-project reads of a fallback. The
// shared pacer still governs their rate.
const fallbackConcurrency = 8

// ListKeysByProject returns the client keys of an organization's projects,
// grouped by project. On a current server it takes ceil(keys/100) requests to
// the organization-wide keys endpoint plus ceil(projects/100) to the projects
// list (for the slugs), both at once. On a server without the organization-
// wide endpoint (it answers 404 with an empty body while the projects list
// answers), it falls back to one listing per project, a few at a time.
//
// Projects the token cannot read are left out: the organization-wide
// endpoint lists no keys for them either.
func (c *Client) ListKeysByProject(ctx context.Context, organization string, opts KeysByProjectOptions) (*OrganizationKeys, error) {
	if err := opts.Status.valid(); err != nil {
		return nil, err
	}
	var (
		wg                  sync.WaitGroup
		projects            []Project
		keys                []ProjectKey
		projectsErr, keyErr error
	)
	counter := &requestCounter{}
	ctx = withRequestCounter(ctx, counter)
	// Without the projects list the keys cannot be grouped: when it fails,
	// the keys listing (and its retries) stops too.
	keysCtx, cancelKeys := context.WithCancel(ctx)
	defer cancelKeys()
	wg.Add(2)
	go func() {
		defer wg.Done()
		projects, projectsErr = c.ListOrganizationProjects(ctx, organization)
		if projectsErr != nil {
			cancelKeys()
		}
	}()
	go func() {
		defer wg.Done()
		keys, keyErr = c.ListOrganizationProjectKeys(keysCtx, organization, OrganizationKeysOptions{Team: opts.Team, Status: opts.Status})
	}()
	wg.Wait()
	if projectsErr != nil {
		return nil, projectsErr
	}

	selected, missing := selectProjects(projects, opts)
	result := &OrganizationKeys{MissingSlugs: missing}

	var apiErr *APIError
	switch {
	case keyErr == nil:
		byID := make(map[int64]int, len(selected))
		for i, p := range selected {
			byID[int64(p.ID)] = i
			result.Projects = append(result.Projects, ProjectKeys{Project: p, Keys: []ProjectKey{}})
		}
		all := make(map[int64]bool, len(projects))
		for _, p := range projects {
			all[int64(p.ID)] = true
		}
		for _, k := range keys {
			if i, ok := byID[int64(k.ProjectID)]; ok {
				result.Projects[i].Keys = append(result.Projects[i].Keys, k)
			} else if !all[int64(k.ProjectID)] {
				result.UnknownProjectKeys++
			}
		}
	case errors.As(keyErr, &apiErr) && apiErr.StatusCode == http.StatusNotFound && apiErr.EmptyBody:
		c.log.Debug(ctx, "The Sentry server has no organization-wide keys endpoint (HTTP 404 with an empty body); reading each project's keys instead", map[string]any{
			"organization": organization, "projects": len(selected),
		})
		result.Fallback = true
		result.Projects = make([]ProjectKeys, len(selected))
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(fallbackConcurrency)
		for i, p := range selected {
			result.Projects[i].Project = p
			g.Go(func() error {
				keys, err := c.ListProjectKeys(gctx, organization, p.Slug, opts.Status)
				if err != nil {
					return &ProjectReadError{Project: p.Slug, Err: err}
				}
				result.Projects[i].Keys = keys
				return nil
			})
		}
		if err := g.Wait(); err != nil {
			return nil, err
		}
	default:
		return nil, keyErr
	}
	result.Requests = counter.count()
	return result, nil
}

// selectProjects keeps the readable projects that opts selects and lists the
// requested slugs that match none.
func selectProjects(projects []Project, opts KeysByProjectOptions) (selected []Project, missing []string) {
	var want map[string]bool
	if opts.ProjectSlugs != nil {
		want = make(map[string]bool, len(opts.ProjectSlugs))
		for _, s := range opts.ProjectSlugs {
			want[s] = true
		}
	}
	found := map[string]bool{}
	for _, p := range projects {
		if !p.Accessible() || (want != nil && !want[p.Slug]) {
			continue
		}
		found[p.Slug] = true
		if opts.Team != "" && !p.InTeam(opts.Team) {
			continue
		}
		selected = append(selected, p)
	}
	for _, s := range opts.ProjectSlugs {
		if !found[s] {
			missing = append(missing, s)
		}
	}
	sort.Strings(missing)
	return selected, missing
}

// ProjectDetails is a project's identity as GET /projects/{org}/{project}/
// gives it (ids are JSON strings there).
type ProjectDetails struct {
	ID           Int64  `json:"id"`
	Slug         string `json:"slug"`
	Organization struct {
		ID   Int64  `json:"id"`
		Slug string `json:"slug"`
	} `json:"organization"`
}

// GetProject reads a project by slug or numeric id: its numeric id and
// current slug, and its organization's.
func (c *Client) GetProject(ctx context.Context, organization, project string) (*ProjectDetails, error) {
	u, err := c.endpointURL("projects/%s/%s/", organization, project)
	if err != nil {
		return nil, err
	}
	resp, _, err := c.do(ctx, call{method: http.MethodGet, route: "project", url: u})
	if err != nil {
		return nil, err
	}
	var p ProjectDetails
	if err := decode(resp, http.MethodGet, u.Redacted(), &p); err != nil {
		return nil, err
	}
	return &p, nil
}
