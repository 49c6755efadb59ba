package sentry

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
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

// CreateProjectKey creates a client key (POST .../keys/) and returns it.
//
// Every create sends a public key of its own (16 random bytes in hex, which
// Sentry stores as sent; it still makes the secret), so that its outcome can
// be read back. The POST is retried at once after a 429 or a failure that
// surely did not reach Sentry. After a failure that may have created the key
// (a 5xx other than 501, a timeout, a connection broken after sending, a 201
// whose body cannot be read), the client reads GET .../keys/{public}/: a key
// there is this create's; Sentry's 404 means it was not made, and the same
// POST is sent again. A resend that answers 500 because an earlier attempt
// made the key after all (a duplicate public key) is read back the same way.
// The reads and resends count against Config.MaxRetries, with the usual
// back-off. When the retries run out, or the caller gives up, with the
// outcome unknown, the error is an *AmbiguousCreateError naming the key id
// to look for.
//
// A create answered with another public key than it sent means a server that
// ignores the field: a warning is logged, and from then on an ambiguous
// create on this client is not sent again; the error is an
// *AmbiguousCreateError that lists the keys of that name as candidates,
// never taking one. If that answer comes to a create whose earlier attempt
// was ambiguous, CreateProjectKey returns both the key (it is this create's)
// and an *AmbiguousCreateError whose Created is that key and whose
// Candidates are the other keys of that name created since the create began:
// the only case where it returns a key and an error.
func (c *Client) CreateProjectKey(ctx context.Context, organization, project string, key ProjectKeyCreate) (*ProjectKey, error) {
	u, err := c.endpointURL("projects/%s/%s/keys/", organization, project)
	if err != nil {
		return nil, err
	}
	var random [16]byte
	_, _ = rand.Read(random[:]) // never fails
	public := hex.EncodeToString(random[:])
	key.Name = TrimName(key.Name)
	body := struct {
		ProjectKeyCreate
		Public string `json:"public"`
	}{key, public}
	amb := &AmbiguousCreateError{Organization: organization, Project: project, Name: key.Name, KeyID: public}
	fields := map[string]any{"organization": organization, "project": project, "key_id": public}
	start, left := c.now(), c.retries+1
	for {
		resp, st, err := c.do(ctx, call{method: http.MethodPost, route: "project-keys", url: u, body: body, attempts: left})
		left -= st.attempts
		var created *ProjectKey
		if err == nil {
			created, err = decodeKey(resp, http.MethodPost, u.Redacted())
		}
		if err == nil && created.ID != public {
			return c.publicIgnored(ctx, created, amb, start, fields)
		}
		if err == nil || !mayHaveCreated(st, err) {
			// A refusal after a read that found no key is a plain one.
			return created, err
		}
		amb.Err = err
		if c.ignoresPublic.Load() {
			amb.KeyID = ""
			amb.Candidates, amb.LookupErr = c.keysNamed(ctx, organization, project, key.Name, time.Time{}, "")
			return nil, amb
		}
		c.log.Debug(ctx, "A Sentry client key create may have succeeded; reading the key it asked for", withFields(fields, map[string]any{"error": err.Error()}))
		found, gone, lookupErr := c.readBack(ctx, organization, project, public, &left)
		switch {
		case found != nil:
			return found, nil
		case !gone:
			amb.LookupErr = lookupErr
			return nil, amb
		case left <= 0:
			return nil, err // Sentry has no such key: nothing was made
		}
		if err := c.pause(ctx, left); err != nil {
			return nil, err
		}
		c.log.Debug(ctx, "Sentry has no key of that public key: sending the create again", fields)
	}
}

// readBack reads the key a create asked for, after the back-off, within the
// create's attempts left. It returns the key; or gone when Sentry says there
// is none, so the create may be sent again; or the error that leaves the
// outcome unknown.
func (c *Client) readBack(ctx context.Context, organization, project, public string, left *int) (found *ProjectKey, gone bool, err error) {
	if *left <= 0 {
		return nil, false, fmt.Errorf("no retry was left to read it back (max retries %d)", c.retries)
	}
	if err := c.pause(ctx, *left); err != nil {
		return nil, false, err
	}
	k, st, err := c.getKey(ctx, organization, project, public, *left)
	*left -= st.attempts
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound && apiErr.Detail != "" {
		return nil, true, nil
	}
	return k, false, err
}

// pause waits the back-off before another attempt of a create that has left
// attempts, or until the caller gives up.
func (c *Client) pause(ctx context.Context, left int) error {
	t := time.NewTimer(c.backoff.exponential(c.retries + 1 - left))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// publicIgnored handles a create answered with another public key than it
// sent: the server ignores the field, and this client remembers it.
func (c *Client) publicIgnored(ctx context.Context, created *ProjectKey, amb *AmbiguousCreateError, start time.Time, fields map[string]any) (*ProjectKey, error) {
	c.ignoresPublic.Store(true)
	c.log.Warn(ctx, "Sentry ignored the public key sent with a client key create, so a create that fails ambiguously cannot be read back; such failures will list the keys of that name instead", withFields(fields, map[string]any{"created_key_id": created.ID}))
	if amb.Err == nil {
		return created, nil
	}
	// An earlier attempt may have made a key too: list the others of that
	// name made since the create began (read on Sentry's clock).
	offset, _ := c.clock.offset()
	amb.KeyID, amb.Created = "", created
	amb.Candidates, amb.LookupErr = c.keysNamed(ctx, amb.Organization, amb.Project, amb.Name, start.Add(offset), created.ID)
	return created, amb
}

// keysNamed lists a project's keys named name (as Sentry stores names),
// newest first, leaving out the key except and keys dated before since.
func (c *Client) keysNamed(ctx context.Context, organization, project, name string, since time.Time, except string) ([]ProjectKey, error) {
	keys, err := c.ListProjectKeys(ctx, organization, project, KeyStatusAll)
	var named []ProjectKey
	for _, k := range keys {
		if name == "" || TrimName(k.Name) != name || k.ID == except {
			continue
		}
		if k.DateCreated != nil {
			if created, err := time.Parse(time.RFC3339Nano, *k.DateCreated); err == nil && created.Before(since) {
				continue
			}
		}
		named = append(named, k)
	}
	return named, err
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
	case errors.As(err, &decodeErr):
		// Sentry answers a create with 201 and the key; another
		// success is something in front of it.
		return decodeErr.StatusCode == http.StatusCreated
	case errors.As(err, &tooLarge):
		return tooLarge.StatusCode == http.StatusCreated
	case errors.As(err, &notJSON):
		return notJSON.StatusCode == http.StatusCreated
	case errors.As(err, &transErr), errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		// The last attempt failed or was given up; it may have reached
		// Sentry unless it surely was not sent (and earlier attempts,
		// which were retried, cannot have: see checkRetry).
		return st != nil && st.applied
	}
	return false
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
	return decodeKey(resp, http.MethodPut, u.Redacted())
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
	resp, _, err := c.do(ctx, call{method: http.MethodDelete, route: "project-key", url: u})
	if resp != nil && resp.moved != nil {
		c.log.Warn(ctx, "The project was renamed in Sentry; the client key was deleted at its new address", map[string]any{
			"organization": organization, "from": resp.moved.From, "to": resp.moved.To, "key_id": keyID,
		})
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound && apiErr.Detail != "" {
		c.log.Debug(ctx, "Sentry answered a client key delete with 404: the key is gone", map[string]any{
			"organization": organization, "project": project, "key_id": keyID, "attempts": apiErr.Attempts, "detail": apiErr.Detail,
		})
		return nil
	}
	return err
}
