package sentrytest

import "net/http"

// The write endpoints of a project's keys, after
// src/sentry/core/endpoints/project_keys.py (post),
// src/sentry/core/endpoints/project_key_details.py (put, delete) and
// src/sentry/api/serializers/rest_framework/project_key.py, with the
// quirks the package comment lists. Handlers run with f.mu write-locked,
// and a request that fails changes nothing.

// browserSDKVersions is get_all_browser_sdk_version_choices(), what PUT
// accepts (the response's browserSdk.choices is a per-project subset).
var browserSDKVersions = []string{"latest", "10.x", "9.x", "8.x", "7.x", "6.x", "5.x", "4.x"}

const (
	maxKeyName        = 64
	maxRateLimitWin   = 60 * 60 * 24
	maxBoundedInteger = 1<<31 - 1 // BoundedPositiveIntegerField.MAX_VALUE
)

// rateLimitField validates a non-null rateLimit object (RateLimitSerializer):
// the count and window it has; its errors are nested under the member names,
// or non_field_errors.
func rateLimitField(v any) (count, window intMember, errs jsonObject) {
	obj, errs := dictField(v)
	for _, m := range []struct {
		name string
		dst  *intMember
		max  int64
	}{{"count", &count, 0}, {"window", &window, maxRateLimitWin}} {
		if raw, ok := obj[m.name]; ok {
			var e []string
			*m.dst, e = emptyIntegerField(raw, m.max)
			addErrors(&errs, m.name, e)
		}
	}
	return count, window, errs
}

// loaderOptionsField validates a non-null dynamicSdkLoaderOptions: a dict
// whose known options must be booleans; other keys are dropped.
func loaderOptionsField(v any) (map[string]bool, jsonObject) {
	obj, errs := dictField(v)
	set := map[string]bool{}
	for _, o := range loaderOptionFields {
		if raw, ok := obj[o.name]; ok {
			var e []string
			set[o.name], e = booleanField(raw)
			addErrors(&errs, o.name, e)
		}
	}
	return set, errs
}

// addErrors records a field's errors, if any, in declaration order, and
// reports whether it had none.
func addErrors[S ~[]E, E any](errs *jsonObject, name string, fieldErrs S) bool {
	if len(fieldErrs) > 0 {
		*errs = append(*errs, jsonField{name, fieldErrs})
	}
	return len(fieldErrs) == 0
}

// keyFromRequest is ProjectKeyEndpoint.convert_args: the project, then the
// key by its public id among those API tokens may see, active or not.
func (f *Fake) keyFromRequest(req *apiRequest) (*Key, *response) {
	p, errResp := f.projectFromRequest(req)
	if errResp != nil {
		return nil, errResp
	}
	if k := p.keyByPublic(req.route.key); k != nil && k.listable() {
		return k, nil
	}
	return nil, detailResponse(404, msgNotFound)
}

// createProjectKey is ProjectKeysEndpoint.post.
func (f *Fake) createProjectKey(req *apiRequest) *response {
	p, errResp := f.projectFromRequest(req)
	if errResp != nil {
		return errResp
	}
	obj, errResp := requestObject(req)
	if errResp != nil {
		return errResp
	}

	// ProjectKeyPostSerializer: name, rateLimit, public, secret (and
	// useCase, honoured for superusers only, which API tokens never are).
	var errs jsonObject
	label, e := charField(obj["name"], maxKeyName, true, nil)
	addErrors(&errs, "name", e)
	rl, hasRateLimit := obj["rateLimit"]
	var c, w intMember
	if hasRateLimit && rl == nil {
		addErrors(&errs, "rateLimit", []string{msgNotNull})
	} else if hasRateLimit {
		var e jsonObject
		c, w, e = rateLimitField(rl)
		addErrors(&errs, "rateLimit", e)
	}
	var public, secret string
	if !f.cfg.IgnoreKeyMaterial {
		public, e = charField(obj["public"], 0, false, isKeyMaterial)
		addErrors(&errs, "public", e)
		secret, e = charField(obj["secret"], 0, false, isKeyMaterial)
		addErrors(&errs, "secret", e)
	}
	if errs != nil {
		return validationFailed(errs)
	}

	// ratelimit["count"], then ratelimit["window"] when the count is
	// truthy: a missing member is a KeyError (500).
	var window, count int64
	if p.rateLimitFeature && hasRateLimit {
		switch {
		case !c.present || (c.truthy() && !w.present):
			return internalErrorResponse()
		case c.truthy() && w.truthy():
			window, count = w.value, c.value
		}
	}
	if count > maxBoundedInteger || f.keyTaken(0, public, secret) {
		return internalErrorResponse() // the database refuses the row
	}
	k := f.createKey(p, label, public, secret, int(window), int(count))
	return jsonResponse(201, marshalJSON(f.keyObject(k)))
}

// updateProjectKey is ProjectKeyDetailsEndpoint.put.
func (f *Fake) updateProjectKey(req *apiRequest) *response {
	k, errResp := f.keyFromRequest(req)
	if errResp != nil {
		return errResp
	}
	p := k.project
	obj, errResp := requestObject(req)
	if errResp != nil {
		return errResp
	}

	// ProjectKeyPutSerializer(partial=True): name, isActive, rateLimit,
	// browserSdkVersion, dynamicSdkLoaderOptions.
	var errs jsonObject
	name, e := charField(obj["name"], maxKeyName, true, nil)
	addErrors(&errs, "name", e)
	var active *bool
	if v, ok := obj["isActive"]; ok {
		b, e := booleanField(v)
		if addErrors(&errs, "isActive", e) {
			active = &b
		}
	}
	var c, w intMember
	rl, hasRateLimit := obj["rateLimit"]
	if hasRateLimit && rl != nil {
		var e jsonObject
		c, w, e = rateLimitField(rl)
		addErrors(&errs, "rateLimit", e)
	}
	version := ""
	if v, ok := obj["browserSdkVersion"]; ok {
		version, e = choiceField(v, browserSDKVersions)
		addErrors(&errs, "browserSdkVersion", e)
	}
	var loader map[string]bool
	// Old servers (the Legacy profile) have no loader options to update.
	if v := obj["dynamicSdkLoaderOptions"]; v != nil && f.profile().modern {
		var e jsonObject
		loader, e = loaderOptionsField(v)
		addErrors(&errs, "dynamicSdkLoaderOptions", e)
	}
	if errs != nil {
		return validationFailed(errs)
	}

	// The view, computed before anything is stored: the rate limit's
	// KeyError comes before project_key.save(). Null, or a null member,
	// clears the limit; {} leaves it.
	window, count := k.rlWindow, k.rlCount
	if p.rateLimitFeature && hasRateLimit && (rl == nil || c.present || w.present) {
		switch {
		case rl == nil || (c.present && c.null) || (c.present && w.present && w.null):
			window, count = 0, 0
		case !c.present || !w.present || c.value > maxBoundedInteger:
			return internalErrorResponse()
		default:
			window, count = int(w.value), int(c.value)
		}
	}
	if name != "" {
		k.label = name
	}
	if version == "" {
		version = p.defaultLoaderVersion
	}
	k.sdkVersion = version
	for _, o := range loaderOptionFields {
		if on, ok := loader[o.name]; ok {
			*o.field(&k.loader) = on
		}
	}
	if active != nil {
		k.active = *active
	}
	k.rlWindow, k.rlCount = window, count
	return jsonResponse(200, marshalJSON(f.keyObject(k)))
}

// deleteProjectKey is ProjectKeyDetailsEndpoint.delete: the row is gone.
func (f *Fake) deleteProjectKey(req *apiRequest) *response {
	k, errResp := f.keyFromRequest(req)
	if errResp != nil {
		return errResp
	}
	k.delete()
	return &response{status: http.StatusNoContent, header: http.Header{}}
}
