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

// ProjectKeyCreate is what POST .../keys/ honours (set the rest with
// UpdateProjectKey). An empty Name lets Sentry pick one; nil RateLimit: none.
type ProjectKeyCreate struct {
	Name      string     `json:"name,omitempty"`
	RateLimit *RateLimit `json:"rateLimit,omitempty"`
}

// ProjectKeyUpdate is the whole desired state of a key, sent with PUT.
type ProjectKeyUpdate struct {
	// Name is left out when empty: Sentry cannot clear a name.
	Name     string `json:"name,omitempty"`
	IsActive bool   `json:"isActive"`
	// RateLimit nil sends null, which clears the limit.
	RateLimit *RateLimit `json:"rateLimit"`
	// BrowserSDKVersion ("10.x") is required: Sentry resets it to the
	// project's default when a PUT leaves it out.
	BrowserSDKVersion string `json:"browserSdkVersion"`
	// DynamicSDKLoaderOptions are merged; nil flags are left as they are.
	DynamicSDKLoaderOptions *LoaderOptions `json:"dynamicSdkLoaderOptions,omitempty"`
}

// CreateProjectKey creates a client key (POST .../keys/) and returns it.
//
// Each create sends a public key of its own (Sentry stores it as sent), so
// that its outcome can be read back. The POST is retried at once after a 429
// or a failure that surely did not reach Sentry. After one that may have made
// the key (a 5xx but 501, a timeout, a connection broken after sending, a 201
// whose body cannot be read), GET .../keys/{public}/ finds this create's key,
// or Sentry's 404 says it was not made and the same POST goes again. Reads and
// resends count against Config.MaxRetries; when they run out with the outcome
// unknown, the error is an *AmbiguousCreateError naming the key id.
//
// A server that answers with another public key ignores the field: it is
// remembered, and an ambiguous create is then not resent but lists the keys
// of that name, taking none. If that answer follows an ambiguous attempt, the
// key comes back with an *AmbiguousCreateError (Created, and the keys of that
// name made since as Candidates): the one case of both a key and an error.
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

// readBack reads a create's key after the back-off: the key, or gone when
// Sentry has none, or the error that leaves the outcome unknown.
func (c *Client) readBack(ctx context.Context, organization, project, public string, left *int) (found *ProjectKey, gone bool, err error) {
	if *left <= 0 {
		return nil, false, fmt.Errorf("no retry was left to read it back (max retries %d)", c.retries)
	}
	if err := c.pause(ctx, *left); err != nil {
		return nil, false, err
	}
	k, st, err := c.getKey(ctx, organization, project, public, *left)
	*left -= st.attempts
	if isGone(err) {
		return nil, true, nil
	}
	return k, false, err
}

// isGone reports a 404 with Sentry's detail (not the gateway's empty one).
func isGone(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound && apiErr.Detail != ""
}

// pause waits the back-off before a create's next attempt.
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

// publicIgnored handles a create answered with another public key.
func (c *Client) publicIgnored(ctx context.Context, created *ProjectKey, amb *AmbiguousCreateError, start time.Time, fields map[string]any) (*ProjectKey, error) {
	c.ignoresPublic.Store(true)
	c.log.Warn(ctx, "Sentry ignored the public key sent with a client key create, so a create that fails ambiguously cannot be read back; such failures will list the keys of that name instead", withFields(fields, map[string]any{"created_key_id": created.ID}))
	if amb.Err == nil {
		return created, nil
	}
	// An earlier attempt may have made one too: list those made since.
	lo, _, _ := c.clock.bounds()
	amb.KeyID, amb.Created = "", created
	amb.Candidates, amb.LookupErr = c.keysNamed(ctx, amb.Organization, amb.Project, amb.Name, start.Add(lo), created.ID)
	return created, amb
}

// keysNamed lists the keys named name but except, made since since.
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

// mayHaveCreated reports whether a failed create may have made a key.
func mayHaveCreated(st *requestState, err error) bool {
	var (
		apiErr    *APIError
		transErr  *TransportError
		decodeErr *DecodeError
		tooLarge  *BodyTooLargeError
		notJSON   *NotJSONError
	)
	switch {
	case errors.As(err, &apiErr): // a 5xx (but 501) may come after the key was made
		return apiErr.StatusCode >= 500 && apiErr.StatusCode != http.StatusNotImplemented
	case errors.As(err, &decodeErr): // Sentry's create answers 201
		return decodeErr.StatusCode == http.StatusCreated
	case errors.As(err, &tooLarge):
		return tooLarge.StatusCode == http.StatusCreated
	case errors.As(err, &notJSON):
		return notJSON.StatusCode == http.StatusCreated
	case errors.As(err, &transErr), errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		// The last attempt may have reached Sentry unless it surely was
		// not sent; earlier ones, retried, cannot have (see checkRetry).
		return st.applied
	}
	return false
}

var errNoBrowserSDKVersion = errors.New("the update of a client key has no browserSdkVersion; Sentry would reset the key's loader version to the project's default, so send the version to keep")

// UpdateProjectKey sets a key's whole state (PUT .../keys/{key_id}/) and
// returns it as Sentry answers, retried like a read.
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

// DeleteProjectKey deletes a key (DELETE .../keys/{key_id}/), retried on 429,
// 5xx, timeouts and broken connections. A 2xx with an empty or JSON body is
// done, and so is a 404 with Sentry's JSON detail: the key is gone, whoever
// deleted it (see isGone). A 2xx page is a *NotJSONError.
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
	if isGone(err) {
		c.log.Debug(ctx, "Sentry answered a client key delete with 404: the key is gone", map[string]any{
			"organization": organization, "project": project, "key_id": keyID, "error": err.Error(),
		})
		return nil
	}
	return err
}
