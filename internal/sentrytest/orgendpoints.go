package sentrytest

import (
	"errors"
	"slices"
	"strconv"
	"strings"
)

// The organization endpoints:
//
//	GET /api/0/organizations/{org}/project-keys/  OrganizationProjectKeysEndpoint
//	GET /api/0/organizations/{org}/projects/      OrganizationProjectsEndpoint
//
// Handlers run with f.mu read-locked.

const (
	msgInvalidProject = "Invalid project parameter. Values must be numbers."
	msgTeamNotFound   = "Team not found"
	allProjectsID     = "-1"   // ALL_ACCESS_PROJECTS
	allProjectsSlug   = "$all" // ALL_ACCESS_PROJECTS_SLUG
	projectsPerPage   = 100
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
		team := findTeam(org, teamParam)
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

// findTeam resolves the team parameter: digits are an id, anything else a
// slug, both exact.
func findTeam(org *Organization, param string) *Team {
	if id, isDecimal, ok := decimalID(param); isDecimal {
		if !ok {
			return nil
		}
		for _, t := range org.teams {
			if t.id == id {
				return t
			}
		}
		return nil
	}
	return org.teamBySlug(param)
}

// requestedProjects is OrganizationEndpoint.get_projects: without project
// parameters the projects of the caller's teams; project=-1 (or
// projectSlug=$all) every project the caller can access; explicit ids or
// slugs must all be accessible, or the request fails with 403.
func (f *Fake) requestedProjects(req *apiRequest, org *Organization) ([]*Project, *response) {
	slugs := map[string]bool{}
	for _, s := range req.query.getList("projectSlug") {
		if s != "" {
			slugs[s] = true
		}
	}
	ids := map[string]bool{}
	for _, raw := range req.query.getList("project") {
		n, err := strconv.ParseInt(raw, 10, 64)
		switch {
		case errors.Is(err, strconv.ErrRange):
			ids[raw] = true // a valid id that matches no project
		case err != nil:
			return nil, detailResponse(400, msgInvalidProject)
		default:
			ids[strconv.FormatInt(n, 10)] = true
		}
	}

	includeAll := false
	var candidates []*Project
	for _, p := range org.projects {
		if p.active {
			candidates = append(candidates, p)
		}
	}
	switch {
	case len(slugs) > 0 && slugs[allProjectsSlug]:
		includeAll = true
	case len(slugs) > 0:
		candidates = slices.DeleteFunc(candidates, func(p *Project) bool { return !slugs[p.slug] })
	case ids[allProjectsID]:
		includeAll = true
	case len(ids) > 0:
		candidates = slices.DeleteFunc(candidates, func(p *Project) bool { return !ids[strconv.FormatInt(p.id, 10)] })
	}

	byMembership := len(ids) == 0 && len(slugs) == 0
	visible := req.token.hasProjectAccess
	if byMembership && !includeAll {
		visible = req.token.hasProjectMembership
	}
	projects := slices.DeleteFunc(candidates, func(p *Project) bool { return !visible(p) })

	if !includeAll && !byMembership {
		gotIDs, gotSlugs := map[string]bool{}, map[string]bool{}
		for _, p := range projects {
			gotIDs[strconv.FormatInt(p.id, 10)] = true
			gotSlugs[p.slug] = true
		}
		if (len(ids) > 0 && !sameSet(ids, gotIDs)) || (len(slugs) > 0 && !sameSet(slugs, gotSlugs)) {
			return nil, forbidden()
		}
	}
	return projects, nil
}

func sameSet(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

// listOrganizationProjects is OrganizationProjectsEndpoint.get for a user
// token: the organization's active projects ordered by slug (nothing is
// bookmarked in the fake), paginated by OffsetPaginator. Filters such as
// query=, statsPeriod= and all_projects= are not modelled.
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
	pg, errResp := offsetPage(projects, pr)
	if errResp != nil {
		return errResp, nil
	}
	items := make([]jsonObject, len(pg.items))
	for i, p := range pg.items {
		items[i] = f.projectObject(p, req.token)
	}
	return jsonResponse(200, marshalJSON(items)), &linkCursors{prev: pg.prev, next: pg.next}
}
