package sentry

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"
)

// ProjectKeyCreate is what POST .../keys/ honours (Sentry ignores every other
// field on create: a new key is active, with the project's default loader
// version and options; set those with UpdateProjectKey afterwards).
type ProjectKeyCreate struct {
	// Name is the key's name; "" lets Sentry pick a two-word name. Sentry
	// trims it.
	Name string `json:"name,omitempty"`
	// RateLimit is the key's event rate limit; nil means no limit (POST
	// rejects null, so nil is left out).
	RateLimit *RateLimit `json:"rateLimit,omitempty"`
}

// ProjectKeyUpdate is the whole desired state of a key, sent with PUT.
type ProjectKeyUpdate struct {
	// Name is the key's name. Sentry ignores a blank name (a name cannot be
	// cleared), so "" is left out.
	Name string `json:"name,omitempty"`
	// IsActive enables or disables the key.
	IsActive bool `json:"isActive"`
	// RateLimit is the key's event rate limit; nil sends null, which clears
	// the limit.
	RateLimit *RateLimit `json:"rateLimit"`
	// BrowserSDKVersion is the JavaScript loader version, e.g. "10.x". It
	// is required: Sentry resets it to the project's default whenever a PUT
	// leaves it out. Send the current value to keep it.
	BrowserSDKVersion string `json:"browserSdkVersion"`
	// DynamicSDKLoaderOptions are merged into the key's loader options; nil
	// leaves them all as they are, and so does a nil flag.
	DynamicSDKLoaderOptions *LoaderOptions `json:"dynamicSdkLoaderOptions,omitempty"`
}

// createdKeyMargin widens the search after an ambiguous create: a key counts
// as possibly created by the request when Sentry dated it no earlier than
// this before the request started, read on Sentry's clock. The clock
// estimate from Date headers is a lower bound (see serverClock), so the
// margin only covers differences between Sentry's own machines (the one
// that dates the answer and the one that dates the key), which NTP keeps far
// below a second.
const createdKeyMargin = 2 * time.Second

// unknownClockMargin replaces createdKeyMargin when no answer ever carried a
// Date header, so the local clock is all there is: it tolerates a local clock
// that far ahead of Sentry's.
const unknownClockMargin = time.Minute

// CreateProjectKey creates a client key (POST .../keys/) and returns it.
//
// A create is never sent twice once it may have reached Sentry. It is
// retried only after a 429 (Sentry refused it without creating anything) or
// a failure to connect. After any other failure that may have created a key
// (a 5xx answer, a timeout, a connection dropped after sending, retries
// ending on one of these), it lists the project's keys: when exactly one key
// has the name sent and was created since the request started, that key is
// returned (and a warning logged); otherwise the error is an
// *AmbiguousCreateError that says a key may have been created. A key created
// without a name can never be recognised, so its ambiguous create is an
// *AmbiguousCreateError at once. If the caller cancels after the request may
// have been sent, the error is an *AmbiguousCreateError wrapping the
// context's error, without a search.
func (c *Client) CreateProjectKey(ctx context.Context, organization, project string, key ProjectKeyCreate) (*ProjectKey, error) {
	u, err := c.endpointURL("projects/%s/%s/keys/", organization, project)
	if err != nil {
		return nil, err
	}
	start := c.now()
	key.Name = TrimName(key.Name)
	resp, st, err := c.do(ctx, call{method: http.MethodPost, route: "project-keys", url: u, body: key})
	if err == nil {
		var created ProjectKey
		if err = decode(resp, http.MethodPost, u.Redacted(), &created); err == nil {
			c.created.Store(created.ID, true)
			return &created, nil
		}
		// The key was created, but its answer cannot be read: find it
		// like after any other ambiguous failure.
	}
	if !mayHaveCreated(st, err) {
		return nil, err
	}
	name := key.Name
	ambiguous := &AmbiguousCreateError{Organization: organization, Project: project, Name: name, Err: err}
	if name == "" {
		return nil, ambiguous
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		// The caller gave up: no time for a search.
		ambiguous.LookupErr = ctxErr
		return nil, ambiguous
	}
	fields := map[string]any{"organization": organization, "project": project, "error": err.Error()}
	c.log.Debug(ctx, "A Sentry client key create may have succeeded; looking for the key it may have made", fields)
	found, candidates, lookupErr := c.findCreatedKey(ctx, organization, project, name, start)
	if lookupErr != nil {
		ambiguous.LookupErr = lookupErr
		return nil, ambiguous
	}
	if found == nil {
		ambiguous.Candidates = candidates
		return nil, ambiguous
	}
	c.log.Warn(ctx, "A Sentry client key create failed in a way that may have created the key, and exactly one key of that name was created since the request started; taking it as the key created", withFields(fields, map[string]any{
		"key_id": found.ID,
	}))
	c.created.Store(found.ID, true)
	return found, nil
}

// mayHaveCreated reports whether a create that failed with err may have
// created a key.
func mayHaveCreated(st *requestState, err error) bool {
	var (
		apiErr    *APIError
		transErr  *TransportError
		decodeErr *DecodeError
		tooLarge  *BodyTooLargeError
		notJSON   *NotJSONError
	)
	switch {
	case errors.As(err, &apiErr):
		// A 429 was never carried out; other 4xx were refused. A 5xx
		// (501 aside) may have come after the key was made.
		return apiErr.StatusCode >= 500 && apiErr.StatusCode != http.StatusNotImplemented
	case errors.As(err, &decodeErr), errors.As(err, &tooLarge):
		// A success whose body cannot be used: the key exists.
		return true
	case errors.As(err, &notJSON):
		// A 201 says the key was made, whatever came with it; another
		// success that is not JSON is a page from something that is not
		// Sentry's API, such as a single sign-on proxy.
		return notJSON.StatusCode == http.StatusCreated
	case errors.As(err, &transErr), errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		// The last attempt failed or was given up; it may have reached
		// Sentry unless it surely was not sent (and earlier attempts,
		// which were retried, cannot have: see checkRetry).
		return st != nil && st.applied
	}
	return false
}

// findCreatedKey lists a project's keys and returns the one key named name
// that Sentry dated no earlier than the request's start (read on Sentry's
// clock, less a margin) and that this client has not created or adopted
// already, or nil and the number of keys that might be it: keys whose date
// cannot be read count too, but are never taken.
func (c *Client) findCreatedKey(ctx context.Context, organization, project, name string, start time.Time) (*ProjectKey, int, error) {
	keys, err := c.ListProjectKeys(ctx, organization, project, KeyStatusAll)
	if err != nil {
		return nil, 0, err
	}
	// Read after the listing, whose answers carry Date headers too.
	cutoff := start.Add(-unknownClockMargin)
	if offset, ok := c.clock.offset(); ok {
		cutoff = start.Add(offset).Add(-createdKeyMargin)
	}
	var candidates []ProjectKey
	dated := true
	for _, k := range keys {
		if _, ours := c.created.Load(k.ID); TrimName(k.Name) != name || ours {
			// Another key, or one this client already made or adopted for
			// another create of the same name.
			continue
		}
		created, ok := parseDate(k.DateCreated)
		if ok && created.Before(cutoff) {
			continue
		}
		candidates = append(candidates, k)
		dated = ok
	}
	if len(candidates) == 1 && dated {
		return &candidates[0], 1, nil
	}
	return nil, len(candidates), nil
}

// parseDate reads a key's dateCreated (RFC 3339 with any fraction).
func parseDate(s *string) (time.Time, bool) {
	if s == nil {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, *s)
	return t, err == nil
}

// errNoBrowserSDKVersion is UpdateProjectKey's answer to an update without a
// loader version.
var errNoBrowserSDKVersion = errors.New("the update of a client key has no browserSdkVersion; Sentry would reset the key's loader version to the project's default, so send the version to keep")

// UpdateProjectKey sets a key's whole state (PUT .../keys/{key_id}/) and
// returns the key as Sentry answers. An update without BrowserSDKVersion is
// an error before any request. It is retried on 429, 5xx, timeouts and broken
// connections: sending the same state again does no harm.
func (c *Client) UpdateProjectKey(ctx context.Context, organization, project, keyID string, key ProjectKeyUpdate) (*ProjectKey, error) {
	if strings.TrimSpace(key.BrowserSDKVersion) == "" {
		return nil, errNoBrowserSDKVersion
	}
	u, err := c.endpointURL("projects/%s/%s/keys/%s/", organization, project, keyID)
	if err != nil {
		return nil, err
	}
	key.Name = TrimName(key.Name)
	resp, _, err := c.do(ctx, call{method: http.MethodPut, route: "project-key", url: u, body: key})
	if err != nil {
		return nil, err
	}
	var updated ProjectKey
	if err := decode(resp, http.MethodPut, u.Redacted(), &updated); err != nil {
		return nil, err
	}
	return &updated, nil
}

// DeleteProjectKey deletes a key (DELETE .../keys/{key_id}/). It is retried
// on 429, 5xx, timeouts and broken connections. It is done on 204, on a 2xx
// with an empty or JSON body, and on a 404 that carries Sentry's JSON detail:
// the key is gone, whichever attempt (or whoever) deleted it. An empty 404 is
// sentry.io's gateway answering for an unknown organization, and stays an
// *APIError; a 2xx page that is not JSON is a *NotJSONError.
func (c *Client) DeleteProjectKey(ctx context.Context, organization, project, keyID string) error {
	u, err := c.endpointURL("projects/%s/%s/keys/%s/", organization, project, keyID)
	if err != nil {
		return err
	}
	_, _, err = c.do(ctx, call{method: http.MethodDelete, route: "project-key", url: u})
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound && apiErr.Detail != "" {
		c.log.Debug(ctx, "Sentry answered a client key delete with 404: the key is gone", map[string]any{
			"organization": organization, "project": project, "key_id": keyID, "attempts": apiErr.Attempts, "detail": apiErr.Detail,
		})
		return nil
	}
	return err
}
