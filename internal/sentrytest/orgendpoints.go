package sentrytest

import (
	"slices"
	"strings"
)

// The organization endpoints:
//
//	GET /api/0/organizations/{org}/project-keys/  OrganizationProjectKeysEndpoint
//	GET /api/0/organizations/{org}/projects/      OrganizationProjectsEndpoint
//
// Handlers run with f.mu read-locked.

const (
	msgTeamNotFound     = "Team not found"
	msgProjectSelection = "sentrytest: the fake selects projects with project=-1 or no project parameter only"
	allProjectsID       = "-1" // ALL_ACCESS_PROJECTS
	projectsPerPage     = 100
)

// organizationFromRequest is OrganizationEndpoint.convert_args, run once
// the scope check passed: lookup by slug or id, then membership.
func (f *Fake) organizationFromRequest(req *apiRequest) (*Organization, *response) {
	org := f.findOrganization(req.route.org)
	if org == nil {
		return nil, detailResponse(404, msgNotFound)
	}
	if !req.token.isMember(org) {
		return nil, forbidden()
	}
	return org, nil
}

// listOrganizationKeys is OrganizationProjectKeysEndpoint.get.
func (f *Fake) listOrganizationKeys(req *apiRequest) (*response, *linkCursors) {
	org, errResp := f.organizationFromRequest(req)
	if errResp != nil {
		return errResp, nil
	}
	projects, errResp := f.requestedProjects(req, org)
	if errResp != nil {
		return errResp, nil
	}
	if teamParam, _ := req.query.get("team"); teamParam != "" {
		team := byIDOrSlug(org.teams, teamParam)
		if team == nil {
			return detailResponse(404, msgTeamNotFound), nil
		}
		projects = slices.DeleteFunc(projects, func(p *Project) bool { return !slices.Contains(p.teams, team) })
	}
	var keys []*Key
	for _, p := range projects {
		keys = append(keys, p.liveKeys((*Key).listable)...)
	}
	sortKeys(keys)
	return f.keyPage(req, filterByStatus(req.query, keys))
}

// requestedProjects is OrganizationEndpoint.get_projects for the selections
// clients make: none (the caller's teams' projects) or project=-1 (every
// project the caller can access). Explicit ids and projectSlug get a 400.
func (f *Fake) requestedProjects(req *apiRequest, org *Organization) ([]*Project, *response) {
	ids := req.query.getList("project")
	all := slices.Contains(ids, allProjectsID)
	if !all && (len(ids) > 0 || len(req.query.getList("projectSlug")) > 0) {
		return nil, detailResponse(400, msgProjectSelection)
	}
	visible := req.token.hasProjectMembership
	if all {
		visible = req.token.hasProjectAccess
	}
	var projects []*Project
	for _, p := range org.projects {
		if p.active && visible(p) {
			projects = append(projects, p)
		}
	}
	return projects, nil
}

// listOrganizationProjects is OrganizationProjectsEndpoint.get without
// filters or bookmarks: the active projects by slug, paginated by offset.
func (f *Fake) listOrganizationProjects(req *apiRequest) (*response, *linkCursors) {
	org, errResp := f.organizationFromRequest(req)
	if errResp != nil {
		return errResp, nil
	}
	var projects []*Project
	for _, p := range org.projects {
		if p.active {
			projects = append(projects, p)
		}
	}
	slices.SortFunc(projects, func(a, b *Project) int { return strings.Compare(a.slug, b.slug) })

	pr, errResp := parsePageRequest(req.query, projectsPerPage)
	if errResp != nil {
		return errResp, nil
	}
	pg := offsetPage(projects, pr)
	items := make([]jsonObject, len(pg.items))
	for i, p := range pg.items {
		items[i] = f.projectObject(p, req.token, false)
	}
	return jsonResponse(200, marshalJSON(items)), &linkCursors{prev: pg.prev, next: pg.next}
}
