package sentry

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// ProjectKey is a client key as Sentry serializes it; what older servers do
// not send is a nil pointer.
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
	// Moved is set when the key's request went to a renamed project.
	Moved *ProjectMove `json:"-"`
}

// ProjectMove is a project renamed in Sentry: From is the slug a request
// used, To the project's slug now.
type ProjectMove struct{ From, To string }

// RateLimit is a key's event rate limit: Count events per Window seconds.
type RateLimit struct {
	Window int64 `json:"window"`
	Count  int64 `json:"count"`
}

// DSN holds a key's DSNs and endpoint URLs.
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

// UnmarshalJSON reads Sentry's [value, label] (or [value]).
func (c *BrowserSDKChoice) UnmarshalJSON(b []byte) error {
	var pair []string
	if err := json.Unmarshal(b, &pair); err != nil || len(pair) == 0 {
		return fmt.Errorf("a browserSdk choice must be a non-empty array of strings, not %s", shorten(string(b), 40))
	}
	c.Value, c.Label = pair[0], pair[min(1, len(pair)-1)]
	return nil
}

// LoaderOptions are a key's JavaScript loader options; an update leaves a
// nil flag out, and Sentry keeps its value.
type LoaderOptions struct {
	HasReplay         *bool `json:"hasReplay,omitempty"`
	HasPerformance    *bool `json:"hasPerformance,omitempty"`
	HasDebug          *bool `json:"hasDebug,omitempty"`
	HasFeedback       *bool `json:"hasFeedback,omitempty"`
	HasLogsAndMetrics *bool `json:"hasLogsAndMetrics,omitempty"`
}

// Int64 is a JSON integer id kept exact (16 digits on sentry.io), also read
// from a string.
type Int64 int64

// UnmarshalJSON implements json.Unmarshaler.
func (n *Int64) UnmarshalJSON(b []byte) error {
	v, err := strconv.ParseInt(string(bytes.Trim(b, `"`)), 10, 64)
	if err != nil {
		return fmt.Errorf("%s is not an integer id", shorten(string(b), 40))
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
	if s != KeyStatusAll && s != KeyStatusActive && s != KeyStatusInactive {
		// Sentry would answer with an empty list, a project without keys.
		return fmt.Errorf("status %q is not one of active or inactive", string(s))
	}
	return nil
}

// set adds the filter to a query.
func (s KeyStatus) set(q url.Values) {
	if s != KeyStatusAll {
		q.Set("status", string(s))
	}
}

// ProjectKeyPages returns a pager over a project's keys (newest first); no
// request yet. organization and project are slugs or numeric ids.
func (c *Client) ProjectKeyPages(organization, project string, status KeyStatus) (*Pages[ProjectKey], error) {
	u, err := c.endpointURL("projects/%s/%s/keys/", organization, project)
	if err == nil {
		err = status.valid()
	}
	if err != nil {
		return nil, err
	}
	q := url.Values{}
	status.set(q)
	return newPages[ProjectKey](c, "project-keys", u, q, map[string]any{"organization": organization, "project": project, "status": string(status)}), nil
}

// ListProjectKeys returns every client key of a project, newest first.
func (c *Client) ListProjectKeys(ctx context.Context, organization, project string, status KeyStatus) ([]ProjectKey, error) {
	p, err := c.ProjectKeyPages(organization, project, status)
	if err != nil {
		return nil, err
	}
	return p.all(ctx)
}

// GetProjectKey returns one client key by its id (the public key).
func (c *Client) GetProjectKey(ctx context.Context, organization, project, keyID string) (*ProjectKey, error) {
	k, _, err := c.getKey(ctx, organization, project, keyID, 0)
	return k, err
}

// getKey reads a key within the given attempts (zero: the default).
func (c *Client) getKey(ctx context.Context, organization, project, keyID string, attempts int) (*ProjectKey, *requestState, error) {
	u, err := c.endpointURL("projects/%s/%s/keys/%s/", organization, project, keyID)
	if err != nil {
		return nil, &requestState{attempts: 1}, err
	}
	resp, st, err := c.do(ctx, call{method: http.MethodGet, route: "project-key", url: u, attempts: attempts})
	if err != nil {
		return nil, st, err
	}
	k, err := decodeKey(resp, http.MethodGet, u.Redacted())
	return k, st, err
}

// TrimName trims a name as Sentry stores it: Python's str.strip() removes
// Unicode white space and the separators U+001C to U+001F.
func TrimName(name string) string {
	return strings.TrimFunc(name, func(r rune) bool { return unicode.IsSpace(r) || ('\x1c' <= r && r <= '\x1f') })
}

// KeyStats sums a key's outcomes of error events only (no spans, logs or
// metrics) over a period; Dropped are those its rate limits refused.
type KeyStats struct {
	Accepted int64 `json:"accepted"`
	Filtered int64 `json:"filtered"`
	Dropped  int64 `json:"dropped"`
	Total    int64 `json:"total"`
}

// ProjectKeyStats sums a key's hourly stats from since to until (GET
// .../keys/{key_id}/stats/; buckets start on the hour, so up to an hour
// before since counts too), paced on its own: Sentry limits it to 20/s.
func (c *Client) ProjectKeyStats(ctx context.Context, organization, project, keyID string, since, until time.Time) (*KeyStats, error) {
	u, err := c.endpointURL("projects/%s/%s/keys/%s/stats/", organization, project, keyID)
	if err != nil {
		return nil, err
	}
	u.RawQuery = url.Values{
		"since":      {strconv.FormatInt(since.Unix(), 10)},
		"until":      {strconv.FormatInt(until.Unix(), 10)},
		"resolution": {"1h"},
	}.Encode()
	var buckets []KeyStats // their ts (a float on older servers) is not needed
	if err := c.get(ctx, "project-key-stats", u, &buckets); err != nil {
		return nil, err
	}
	var sum KeyStats
	for _, b := range buckets {
		sum.Accepted += b.Accepted
		sum.Filtered += b.Filtered
		sum.Dropped += b.Dropped
		sum.Total += b.Total
	}
	return &sum, nil
}
