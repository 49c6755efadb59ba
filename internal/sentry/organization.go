package sentry

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/errgroup"
)

// OrganizationKeysOptions narrows ListOrganizationProjectKeys to a team (slug
// or id; Sentry answers 404 "Team not found" for an unknown one) and a status.
type OrganizationKeysOptions struct {
	Team   string
	Status KeyStatus
}

// ListOrganizationProjectKeys returns the keys of an organization's projects,
// newest first (Sentry 26.1 and sentry.io since December 2025; older servers
// answer an empty 404). project=-1 keeps the projects of teams the token's
// user is not on, which Sentry would silently leave out.
func (c *Client) ListOrganizationProjectKeys(ctx context.Context, organization string, opts OrganizationKeysOptions) ([]ProjectKey, error) {
	if err := opts.Status.valid(); err != nil {
		return nil, err
	}
	u, err := c.endpointURL("organizations/%s/project-keys/", organization)
	if err != nil {
		return nil, err
	}
	q := url.Values{"project": {"-1"}}
	if opts.Team != "" {
		q.Set("team", opts.Team)
	}
	opts.Status.set(q)
	fields := map[string]any{"organization": organization, "team": opts.Team, "status": string(opts.Status)}
	return newPages[ProjectKey](c, "organization-project-keys", u, q, fields).all(ctx)
}

// Project is a project as the projects list gives it. HasAccess says whether
// the token's user can read it (nil: the server does not say).
type Project struct {
	ID        Int64  `json:"id"`
	Slug      string `json:"slug"`
	Name      string `json:"name"`
	Teams     []Team `json:"teams"`
	HasAccess *bool  `json:"hasAccess"`
}

// Team is a team a project belongs to.
type Team struct {
	ID   Int64  `json:"id"`
	Slug string `json:"slug"`
}

// Accessible reports whether the token can read the project (or may).
func (p *Project) Accessible() bool {
	return p.HasAccess == nil || *p.HasAccess
}

// InTeam reports whether the project is the team's, by slug or numeric id.
func (p *Project) InTeam(team string) bool {
	for _, t := range p.Teams {
		if t.Slug == team || strconv.FormatInt(int64(t.ID), 10) == team {
			return true
		}
	}
	return false
}

// ListOrganizationProjects returns an organization's active projects.
func (c *Client) ListOrganizationProjects(ctx context.Context, organization string) ([]Project, error) {
	u, err := c.endpointURL("organizations/%s/projects/", organization)
	if err != nil {
		return nil, err
	}
	return newPages[Project](c, "organization-projects", u, url.Values{}, map[string]any{"organization": organization}).all(ctx)
}

// KeysByProjectOptions narrows ListKeysByProject; nil ProjectSlugs keeps all.
type KeysByProjectOptions struct {
	Team         string
	Status       KeyStatus
	ProjectSlugs []string
}

// ProjectKeys is one project with its client keys, newest first.
type ProjectKeys struct {
	Project Project
	Keys    []ProjectKey
}

// OrganizationKeys is ListKeysByProject's result: the selected projects the
// token can read (by slug) with their keys, whether it fell back to reading
// projects one by one, the HTTP requests taken, how many keys' projects the
// projects list lacks, and the ProjectSlugs naming no readable project.
type OrganizationKeys struct {
	Projects           []ProjectKeys
	Fallback           bool
	Requests           int
	UnknownProjectKeys int
	MissingSlugs       []string
}

// ProjectReadError is the failure of one project's listing in a fallback.
type ProjectReadError struct {
	Project string
	Err     error
}

func (e *ProjectReadError) Error() string { return "project " + e.Project + ": " + e.Err.Error() }

func (e *ProjectReadError) Unwrap() error { return e.Err }

// fallbackConcurrency bounds a fallback's reads; the pacer governs their rate.
const fallbackConcurrency = 8

// ListKeysByProject returns the keys of an organization's readable projects,
// grouped by project, from the organization-wide listing and the projects
// list at once; a server without the former is read project by project.
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
	counter := new(atomic.Int64)
	ctx = context.WithValue(ctx, counterKey{}, counter)
	// Without the projects list the keys cannot be grouped: stop both.
	keysCtx, cancelKeys := context.WithCancel(ctx)
	defer cancelKeys()
	wg.Go(func() {
		if projects, projectsErr = c.ListOrganizationProjects(ctx, organization); projectsErr != nil {
			cancelKeys()
		}
	})
	wg.Go(func() {
		keys, keyErr = c.ListOrganizationProjectKeys(keysCtx, organization, OrganizationKeysOptions{Team: opts.Team, Status: opts.Status})
	})
	wg.Wait()
	if projectsErr != nil {
		return nil, projectsErr
	}

	selected, missing := selectProjects(projects, opts)
	result := &OrganizationKeys{MissingSlugs: missing}

	var apiErr *APIError
	switch {
	case keyErr == nil:
		index := make(map[Int64]int, len(projects)) // a selected project's place, or -1
		for _, p := range projects {
			index[p.ID] = -1
		}
		for i, p := range selected {
			index[p.ID] = i
			result.Projects = append(result.Projects, ProjectKeys{Project: p, Keys: []ProjectKey{}})
		}
		for _, k := range keys {
			switch i, ok := index[k.ProjectID]; {
			case !ok:
				result.UnknownProjectKeys++
			case i >= 0:
				result.Projects[i].Keys = append(result.Projects[i].Keys, k)
			}
		}
	case errors.As(keyErr, &apiErr) && apiErr.StatusCode == http.StatusNotFound && apiErr.EmptyBody:
		c.log.Debug(ctx, "The Sentry server has no organization-wide keys endpoint (HTTP 404 with an empty body); reading each project's keys instead",
			map[string]any{"organization": organization, "projects": len(selected)})
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
	result.Requests = int(counter.Load())
	return result, nil
}

// selectProjects keeps the readable projects opts selects, and the slugs left.
func selectProjects(projects []Project, opts KeysByProjectOptions) (selected []Project, missing []string) {
	want := map[string]bool{} // a requested slug, and whether it was found
	for _, s := range opts.ProjectSlugs {
		want[s] = false
	}
	for _, p := range projects {
		if _, ok := want[p.Slug]; !p.Accessible() || opts.ProjectSlugs != nil && !ok {
			continue
		}
		want[p.Slug] = true
		if opts.Team == "" || p.InTeam(opts.Team) {
			selected = append(selected, p)
		}
	}
	for s, found := range want {
		if !found && opts.ProjectSlugs != nil {
			missing = append(missing, s)
		}
	}
	slices.Sort(missing)
	return selected, missing
}

// ProjectDetails is a project's identity, from GET /projects/{org}/{project}/.
type ProjectDetails struct {
	ID           Int64  `json:"id"`
	Slug         string `json:"slug"`
	Organization struct {
		ID   Int64  `json:"id"`
		Slug string `json:"slug"`
	} `json:"organization"`
}

// GetProject reads a project by slug or numeric id.
func (c *Client) GetProject(ctx context.Context, organization, project string) (*ProjectDetails, error) {
	u, err := c.endpointURL("projects/%s/%s/", organization, project)
	if err != nil {
		return nil, err
	}
	var p ProjectDetails
	if err := c.get(ctx, "project", u, &p); err != nil {
		return nil, err
	}
	return &p, nil
}
