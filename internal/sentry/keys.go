package sentry

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// ProjectKey is one client key as Sentry serializes it. Fields that older
// Sentry servers do not send are pointers (nil when absent); fields Sentry adds
// later are ignored.
type ProjectKey struct {
	ID                      string         `json:"id"`
	Name                    string         `json:"name"`
	Label                   string         `json:"label"`
	Public                  *string        `json:"public"`
	Secret                  *string        `json:"secret"`
	ProjectID               Int64          `json:"projectId"`
	IsActive                bool           `json:"isActive"`
	RateLimit               *RateLimit     `json:"rateLimit"`
	DSN                     DSN            `json:"dsn"`
	BrowserSDKVersion       *string        `json:"browserSdkVersion"`
	BrowserSDK              *BrowserSDK    `json:"browserSdk"`
	DateCreated             *string        `json:"dateCreated"`
	DynamicSDKLoaderOptions *LoaderOptions `json:"dynamicSdkLoaderOptions"`
	UseCase                 *string        `json:"useCase"`
}

// RateLimit is a key's event rate limit: Count events per Window seconds.
type RateLimit struct {
	Window int64 `json:"window"`
	Count  int64 `json:"count"`
}

// DSN holds a key's DSNs and endpoint URLs. Sentry added most of them over
// time, so each is nil when the server does not send it.
type DSN struct {
	Secret      *string `json:"secret"`
	Public      *string `json:"public"`
	CSP         *string `json:"csp"`
	Security    *string `json:"security"`
	Minidump    *string `json:"minidump"`
	NEL         *string `json:"nel"`
	Unreal      *string `json:"unreal"`
	Crons       *string `json:"crons"`
	CDN         *string `json:"cdn"`
	Playstation *string `json:"playstation"`
	Integration *string `json:"integration"`
	OTLPTraces  *string `json:"otlp_traces"`
	OTLPLogs    *string `json:"otlp_logs"`
}

// BrowserSDK lists the JavaScript loader versions a key can select.
type BrowserSDK struct {
	Choices []BrowserSDKChoice `json:"choices"`
}

// BrowserSDKChoice is one [value, label] pair of BrowserSDK.Choices.
type BrowserSDKChoice struct {
	Value string
	Label string
}

// UnmarshalJSON reads Sentry's two-element array form. A one-element array
// uses the value as its label too.
func (c *BrowserSDKChoice) UnmarshalJSON(b []byte) error {
	var pair []string
	if err := json.Unmarshal(b, &pair); err != nil {
		return fmt.Errorf("a browserSdk choice must be an array of strings: %w", err)
	}
	switch len(pair) {
	case 0:
		return fmt.Errorf("a browserSdk choice is an empty array")
	case 1:
		c.Value, c.Label = pair[0], pair[0]
	default:
		c.Value, c.Label = pair[0], pair[1]
	}
	return nil
}

// LoaderOptions are the JavaScript loader options of a key. Each is nil when
// the server does not send it; in an update, a nil flag is left out, and
// Sentry keeps its value (it merges the options it is sent).
type LoaderOptions struct {
	HasReplay         *bool `json:"hasReplay,omitempty"`
	HasPerformance    *bool `json:"hasPerformance,omitempty"`
	HasDebug          *bool `json:"hasDebug,omitempty"`
	HasFeedback       *bool `json:"hasFeedback,omitempty"`
	HasLogsAndMetrics *bool `json:"hasLogsAndMetrics,omitempty"`
}

// Int64 is a JSON integer kept exact (sentry.io project ids have 16 digits). It
// also accepts a string of digits, as some Sentry payloads use for ids.
type Int64 int64

// UnmarshalJSON implements json.Unmarshaler.
func (n *Int64) UnmarshalJSON(b []byte) error {
	s := string(bytes.Trim(b, `"`))
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return fmt.Errorf("%s is not an integer id", b)
	}
	*n = Int64(v)
	return nil
}

// KeyStatus filters keys by state. The empty value lists every key.
type KeyStatus string

// Key states understood by Sentry.
const (
	KeyStatusAll      KeyStatus = ""
	KeyStatusActive   KeyStatus = "active"
	KeyStatusInactive KeyStatus = "inactive"
)

func (s KeyStatus) valid() error {
	switch s {
	case KeyStatusAll, KeyStatusActive, KeyStatusInactive:
		return nil
	}
	// Sentry answers any other value with an empty list, which would look
	// like a project without keys.
	return fmt.Errorf("status %q is not one of active or inactive", string(s))
}

// ListProjectKeys returns every client key of a project, in the order Sentry
// gives them (newest first), following every cursor. organization and project
// are slugs or numeric ids.
func (c *Client) ListProjectKeys(ctx context.Context, organization, project string, status KeyStatus) ([]ProjectKey, error) {
	u, q, err := c.projectKeysRequest(organization, project, status)
	if err != nil {
		return nil, err
	}
	return listAll[ProjectKey](ctx, c, "project-keys", u, q, projectKeysFields(organization, project, status))
}

// EachProjectKeysPage calls each with every page of a project's client keys,
// in order (newest first), following every cursor like ListProjectKeys. The
// request for the next page overlaps each's work on the current one. An
// error from each stops the listing and is returned.
func (c *Client) EachProjectKeysPage(ctx context.Context, organization, project string, status KeyStatus, each func([]ProjectKey) error) error {
	u, q, err := c.projectKeysRequest(organization, project, status)
	if err != nil {
		return err
	}
	return eachPage(ctx, c, "project-keys", u, q, projectKeysFields(organization, project, status), each)
}

func (c *Client) projectKeysRequest(organization, project string, status KeyStatus) (*url.URL, url.Values, error) {
	if err := status.valid(); err != nil {
		return nil, nil, err
	}
	u, err := c.endpointURL("projects/%s/%s/keys/", organization, project)
	if err != nil {
		return nil, nil, err
	}
	q := url.Values{}
	if status != KeyStatusAll {
		q.Set("status", string(status))
	}
	return u, q, nil
}

func projectKeysFields(organization, project string, status KeyStatus) map[string]any {
	return map[string]any{"organization": organization, "project": project, "status": string(status)}
}

// GetProjectKey returns one client key by its id (the public key).
func (c *Client) GetProjectKey(ctx context.Context, organization, project, keyID string) (*ProjectKey, error) {
	u, err := c.endpointURL("projects/%s/%s/keys/%s/", organization, project, keyID)
	if err != nil {
		return nil, err
	}
	resp, _, err := c.do(ctx, call{method: http.MethodGet, route: "project-key", url: u})
	if err != nil {
		return nil, err
	}
	var key ProjectKey
	if err := decode(resp, http.MethodGet, u.Redacted(), &key); err != nil {
		return nil, err
	}
	return &key, nil
}

// KeyPager reads a project's client keys one page (up to PerPage keys) per
// call, newest first, for callers that pull pages as they need them. It has
// the guards of ListProjectKeys: a repeated cursor, more than Config.MaxPages
// pages and an unreadable Link header are errors; a page without a Link
// header is the last. It is not safe for concurrent use.
type KeyPager struct {
	c      *Client
	walk   *pageWalker
	fields map[string]any
	total  int
}

// ProjectKeysPager returns a KeyPager over a project's client keys. It makes
// no request.
func (c *Client) ProjectKeysPager(organization, project string, status KeyStatus) (*KeyPager, error) {
	u, q, err := c.projectKeysRequest(organization, project, status)
	if err != nil {
		return nil, err
	}
	return &KeyPager{c: c, walk: newPageWalker(c, "project-keys", u, q), fields: projectKeysFields(organization, project, status)}, nil
}

// Next requests the next page and returns its keys (an empty, non-nil slice
// for an empty page). It sends one request (retries aside). Once it has
// failed, it returns the same error without a request; called after Done, it
// returns an error.
func (p *KeyPager) Next(ctx context.Context) ([]ProjectKey, error) {
	raw, err := p.walk.next(ctx)
	if err != nil {
		return nil, err
	}
	keys, err := decodePage[ProjectKey](ctx, p.c, p.walk.route, p.fields, raw, &p.total)
	if err != nil {
		p.walk.err = err
		return nil, err
	}
	return keys, nil
}

// Done reports whether the last page has been read. It stays false after an
// error, so that a loop on Done meets the error from Next.
func (p *KeyPager) Done() bool { return p.walk.done && p.walk.err == nil }
