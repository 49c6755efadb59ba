package sentrytest

import (
	"slices"
	"strings"
)

// The per-project read endpoints (the writes are in keywrite.go):
//
//	GET /api/0/projects/{org}/{project}/                ProjectDetailsEndpoint
//	GET /api/0/projects/{org}/{project}/keys/           ProjectKeysEndpoint
//	GET /api/0/projects/{org}/{project}/keys/{key_id}/  ProjectKeyDetailsEndpoint
//
// Handlers run with f.mu read-locked.

// projectFromRequest is ProjectEndpoint.convert_args, run once the scope
// check passed: lookup by slug or id, rename redirect, status check and
// object permission.
func (f *Fake) projectFromRequest(req *apiRequest) (*Project, *response) {
	var p *Project
	if org := f.findOrganization(req.route.org); org != nil {
		p = byIDOrSlug(org.projects, req.route.project)
	}
	switch {
	case p == nil:
		return nil, f.projectRedirect(req)
	case !p.active:
		return nil, detailResponse(404, msgNotFound)
	case !req.token.hasProjectAccess(p): // has_object_permission
		return nil, forbidden()
	}
	return p, nil
}

// projectRedirect answers a project segment that matches no project: a
// former slug (ProjectRedirect) is a 302 to the same path and query with
// the new slug, after the method's object permission check (a 403 hides
// the rename); anything else is a 404.
func (f *Fake) projectRedirect(req *apiRequest) *response {
	notFound := detailResponse(404, msgNotFound)
	org := f.findOrganization(req.route.org)
	if org == nil || org.redirects[req.route.project] == nil {
		return notFound
	}
	p := org.redirects[req.route.project]
	if !req.token.hasProjectAccess(p) {
		return forbidden()
	}
	// request.get_full_path(): the escaped path plus the raw query string.
	requested := pyQuote(f.cfg.PathPrefix+req.route.path, "/:@&+$,-_.!~*'()")
	if raw := req.http.URL.RawQuery; raw != "" {
		requested += "?" + pyQuote(raw, "/#%[]=:;$&()+,!?*@'~")
	}
	moved := strings.ReplaceAll(requested,
		"projects/"+req.route.org+"/"+req.route.project+"/",
		"projects/"+req.route.org+"/"+p.slug+"/")
	if moved == requested {
		return notFound
	}
	// ProjectMoved's body today; older servers also sent a code and message.
	detail := jsonObject{{"extra", jsonObject{{"url", moved}, {"slug", p.slug}}}}
	if f.profile().movedCode {
		detail = append(jsonObject{{"code", "resource-moved"}, {"message", "Resource has been moved"}}, detail...)
	}
	resp := jsonResponse(302, marshalJSON(jsonObject{{"slug", p.slug}, {"detail", detail}}))
	resp.set("Location", moved)
	return resp
}

// listProjectKeys is ProjectKeysEndpoint.get.
func (f *Fake) listProjectKeys(req *apiRequest) (*response, *linkCursors) {
	p, errResp := f.projectFromRequest(req)
	if errResp != nil {
		return errResp, nil
	}
	keys := filterByStatus(req.query, p.liveKeys((*Key).listable))
	return f.keyPage(req, keys)
}

// filterByStatus applies the status parameter: active, inactive, absent or
// empty for all, and nothing at all for any other value.
func filterByStatus(q queryDict, keys []*Key) []*Key {
	status, _ := q.get("status")
	return slices.DeleteFunc(keys, func(k *Key) bool {
		return status != "" && (status != "active" || !k.active) && (status != "inactive" || k.active)
	})
}

// keyPage paginates keys sorted by internal id, highest first.
func (f *Fake) keyPage(req *apiRequest, keys []*Key) (*response, *linkCursors) {
	pr, errResp := parsePageRequest(req.query, f.cfg.DefaultPerPage)
	if errResp != nil {
		return errResp, nil
	}
	pg, errResp := keysetPage(keys, pr)
	if errResp != nil {
		return errResp, nil
	}
	items := make([]jsonObject, len(pg.items))
	for i, k := range pg.items {
		items[i] = f.keyObject(k)
	}
	return jsonResponse(200, marshalJSON(items)), &linkCursors{prev: pg.prev, next: pg.next}
}

// getProjectKey is ProjectKeyDetailsEndpoint.get.
func (f *Fake) getProjectKey(req *apiRequest) *response {
	k, errResp := f.keyFromRequest(req)
	if errResp != nil {
		return errResp
	}
	return jsonResponse(200, marshalJSON(f.keyObject(k)))
}

// getProject is ProjectDetailsEndpoint.get; the fake serves no other method
// of that endpoint.
func (f *Fake) getProject(req *apiRequest) *response {
	p, errResp := f.projectFromRequest(req)
	if errResp != nil {
		return errResp
	}
	return jsonResponse(200, marshalJSON(f.projectObject(p, req.token, true)))
}
