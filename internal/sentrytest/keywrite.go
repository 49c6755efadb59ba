package sentrytest

import (
	"net/http"
)

// The write endpoints of a project's keys, after
// src/sentry/core/endpoints/project_keys.py (post),
// src/sentry/core/endpoints/project_key_details.py (put, delete) and
// src/sentry/api/serializers/rest_framework/project_key.py:
//
//	POST   /api/0/projects/{org}/{project}/keys/           create
//	PUT    /api/0/projects/{org}/{project}/keys/{key_id}/  update
//	DELETE /api/0/projects/{org}/{project}/keys/{key_id}/  delete
//
// The quirks a client must live with are reproduced: POST keeps only the
// name, rate limit and key material; a PUT without browserSdkVersion
// resets it to the project's default; a rate limit needs both numbers
// non-zero and the projects:rate-limits feature; half a rate limit is a
// 500 (a KeyError in the view). Handlers run with f.mu write-locked, and
// a request that fails changes nothing.

var (
	// browserSDKVersions is get_all_browser_sdk_version_choices(), what PUT
	// accepts (the response's browserSdk.choices is a per-project subset).
	browserSDKVersions = []string{"latest", "10.x", "9.x", "8.x", "7.x", "6.x", "5.x", "4.x"}
)

const (
	maxKeyName        = 64
	maxRateLimitWin   = 60 * 60 * 24
	maxBoundedInteger = 1<<31 - 1 // BoundedPositiveIntegerField.MAX_VALUE
)

// rateLimitInput is a validated RateLimitSerializer: only the members the
// input had.
type rateLimitInput struct {
	count, window intMember
}

// nonEmpty is the truthiness of the validated dict.
func (r rateLimitInput) nonEmpty() bool { return r.count.present || r.window.present }

// rateLimitField validates a non-null rateLimit object. Its errors are
// nested under the member names, or non_field_errors when it is not an
// object.
func rateLimitField(v any) (rateLimitInput, jsonObject) {
	obj, ok := v.(map[string]any)
	if !ok {
		_, errs := dictField(v)
		return rateLimitInput{}, errs
	}
	var in rateLimitInput
	var errs jsonObject
	if raw, ok := obj["count"]; ok {
		m, e := emptyIntegerField(raw, 0)
		in.count = m
		if e != nil {
			errs = append(errs, jsonField{"count", e})
		}
	}
	if raw, ok := obj["window"]; ok {
		m, e := emptyIntegerField(raw, maxRateLimitWin)
		in.window = m
		if e != nil {
			errs = append(errs, jsonField{"window", e})
		}
	}
	return in, errs
}

// loaderOptionsField validates a non-null dynamicSdkLoaderOptions: a dict
// whose known options must be booleans; other keys are dropped.
func loaderOptionsField(v any) (map[string]bool, jsonObject) {
	obj, errs := dictField(v)
	set := map[string]bool{}
	for _, o := range loaderOptionFields {
		raw, ok := obj[o.name]
		if !ok {
			continue
		}
		b, e := booleanField(raw)
		if e != nil {
			errs = append(errs, jsonField{o.name, e})
		}
		set[o.name] = b
	}
	return set, errs
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
	var label, public, secret string
	var rateLimit *rateLimitInput
	if v, ok := obj["name"]; ok {
		var e []string
		if label, e = charField(v, maxKeyName, true, nil); e != nil {
			errs = append(errs, jsonField{"name", e})
		}
	}
	if v, ok := obj["rateLimit"]; ok {
		if v == nil {
			errs = append(errs, jsonField{"rateLimit", []string{msgNotNull}})
		} else if in, e := rateLimitField(v); e != nil {
			errs = append(errs, jsonField{"rateLimit", e})
		} else {
			rateLimit = &in
		}
	}
	for _, field := range []struct {
		name string
		dst  *string
	}{{"public", &public}, {"secret", &secret}} {
		if v, ok := obj[field.name]; ok {
			var e []string
			if *field.dst, e = charField(v, 0, false, isKeyMaterial); e != nil {
				errs = append(errs, jsonField{field.name, e})
			}
		}
	}
	if errs != nil {
		return validationFailed(errs)
	}

	// ratelimit["count"] and ratelimit["window"], when the feature is on.
	var window, count int64
	if p.rateLimitFeature && rateLimit != nil {
		if !rateLimit.count.present {
			return internalErrorResponse()
		}
		if rateLimit.count.truthy() {
			if !rateLimit.window.present {
				return internalErrorResponse()
			}
			if rateLimit.window.truthy() {
				window, count = rateLimit.window.value, rateLimit.count.value
			}
		}
	}
	if count > maxBoundedInteger || f.keyMaterialTaken(public, secret) {
		return internalErrorResponse() // the database refuses the row
	}
	k := f.createKey(p, label, public, secret, int(window), int(count))
	return jsonResponse(201, marshalJSON(f.keyObject(k)))
}

// keyMaterialTaken reports whether a key already has this public or
// secret key (both are unique columns).
func (f *Fake) keyMaterialTaken(public, secret string) bool {
	if public == "" && secret == "" {
		return false
	}
	for _, o := range f.orgs {
		for _, p := range o.projects {
			for _, k := range p.keys {
				if (public != "" && k.public == public) || (secret != "" && k.secret == secret) {
					return true
				}
			}
		}
	}
	return false
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
	var name, version string
	var active *bool
	var rateLimit *rateLimitInput
	var clearRateLimit bool
	var loader map[string]bool
	if v, ok := obj["name"]; ok {
		var e []string
		if name, e = charField(v, maxKeyName, true, nil); e != nil {
			errs = append(errs, jsonField{"name", e})
		}
	}
	if v, ok := obj["isActive"]; ok {
		if b, e := booleanField(v); e != nil {
			errs = append(errs, jsonField{"isActive", e})
		} else {
			active = &b
		}
	}
	if v, ok := obj["rateLimit"]; ok {
		if v == nil {
			clearRateLimit = true
		} else if in, e := rateLimitField(v); e != nil {
			errs = append(errs, jsonField{"rateLimit", e})
		} else {
			rateLimit = &in
		}
	}
	if v, ok := obj["browserSdkVersion"]; ok {
		var e []string
		if version, e = choiceField(v, browserSDKVersions); e != nil {
			errs = append(errs, jsonField{"browserSdkVersion", e})
		}
	}
	// Old servers (the Legacy profile) have no loader options to update.
	if v, ok := obj["dynamicSdkLoaderOptions"]; ok && v != nil && f.profile().modern {
		var e jsonObject
		if loader, e = loaderOptionsField(v); e != nil {
			errs = append(errs, jsonField{"dynamicSdkLoaderOptions", e})
		}
	}
	if errs != nil {
		return validationFailed(errs)
	}

	// The view, computed before anything is stored: the rate limit's
	// KeyError comes before project_key.save().
	window, count := k.rlWindow, k.rlCount
	if p.rateLimitFeature {
		switch {
		case clearRateLimit:
			window, count = 0, 0
		case rateLimit != nil && rateLimit.nonEmpty():
			switch {
			case !rateLimit.count.present:
				return internalErrorResponse()
			case rateLimit.count.null:
				window, count = 0, 0
			case !rateLimit.window.present:
				return internalErrorResponse()
			case rateLimit.window.null:
				window, count = 0, 0
			case rateLimit.count.value > maxBoundedInteger:
				return internalErrorResponse()
			default:
				window, count = int(rateLimit.window.value), int(rateLimit.count.value)
			}
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
