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
	// Moved is set when the request that returned the key went to a
	// renamed project's new address.
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

// ProjectKeyPages returns a pager over a project's keys (newest first); no
// request yet. organization and project are slugs or numeric ids.
func (c *Client) ProjectKeyPages(organization, project string, status KeyStatus) (*Pages[ProjectKey], error) {
	u, q, err := c.projectKeysRequest(organization, project, status)
	if err != nil {
		return nil, err
	}
	fields := map[string]any{"organization": organization, "project": project, "status": string(status)}
	return newPages[ProjectKey](c, "project-keys", u, q, fields), nil
}

// ListProjectKeys returns every client key of a project, in the order Sentry
// gives them (newest first), following every cursor.
func (c *Client) ListProjectKeys(ctx context.Context, organization, project string, status KeyStatus) ([]ProjectKey, error) {
	p, err := c.ProjectKeyPages(organization, project, status)
	if err != nil {
		return nil, err
	}
	return p.all(ctx)
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

// TrimName trims a key name the way Sentry stores it: Django REST framework
// strips it with Python's str.strip(), which removes Unicode white space and
// also the separators U+001C to U+001F.
func TrimName(name string) string {
	return strings.TrimFunc(name, func(r rune) bool { return unicode.IsSpace(r) || ('\x1c' <= r && r <= '\x1f') })
}

// KeyStats sums a key's event outcomes over a period. Sentry counts error
// events and security reports only: spans, logs, metrics and the like are
// not in them.
type KeyStats struct {
	Accepted int64 `json:"accepted"`
	Filtered int64 `json:"filtered"`
	// Dropped counts the events refused by rate limits.
	Dropped int64 `json:"dropped"`
	Total   int64 `json:"total"`
}

// ProjectKeyStats sums a key's daily stats from since to until (GET
// .../keys/{key_id}/stats/?since=&until=&resolution=1d). Sentry limits the
// endpoint to 20 requests per second on its own, so it is paced on its own.
func (c *Client) ProjectKeyStats(ctx context.Context, organization, project, keyID string, since, until time.Time) (*KeyStats, error) {
	u, err := c.endpointURL("projects/%s/%s/keys/%s/stats/", organization, project, keyID)
	if err != nil {
		return nil, err
	}
	u.RawQuery = url.Values{
		"since":      {strconv.FormatInt(since.Unix(), 10)},
		"until":      {strconv.FormatInt(until.Unix(), 10)},
		"resolution": {"1d"},
	}.Encode()
	resp, _, err := c.do(ctx, call{method: http.MethodGet, route: "project-key-stats", url: u})
	if err != nil {
		return nil, err
	}
	// One bucket a day; their ts (a float on some older servers) is not
	// needed for the sums.
	var buckets []KeyStats
	if err := decode(resp, http.MethodGet, u.Redacted(), &buckets); err != nil {
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
