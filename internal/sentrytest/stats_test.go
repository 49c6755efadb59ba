package sentrytest

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// statsNow is the frozen time of Sentry's own ProjectKeyStatsTest.
var statsNow = time.Date(2022, 1, 1, 3, 30, 0, 0, time.UTC)

func statsPath(k *Key) string { return keysPath + k.ID() + "/stats/" }

// bucket renders one expected bucket in Sentry's field order.
func bucket(ts time.Time, accepted, filtered, dropped int) string {
	return fmt.Sprintf(`{"ts":%d,"total":%d,"dropped":%d,"accepted":%d,"filtered":%d}`,
		ts.Unix(), accepted+filtered+dropped, dropped, accepted, filtered)
}

func TestKeyStats(t *testing.T) {
	f := New(Config{Now: func() time.Time { return statsNow }})
	k := f.AddKey(KeySpec{})
	k.AddEvents(statsNow.Add(-time.Hour), 2, 1, 5)
	k.AddEvents(statsNow.Add(-time.Hour+time.Minute), 1, 0, 0)
	k.AddEvents(statsNow.Add(-10*24*time.Hour), 10, 0, 0)
	f.AddKey(KeySpec{}).AddEvents(statsNow.Add(-time.Hour), 100, 0, 0) // another key
	quiet := f.AddKey(KeySpec{})
	day, today := time.Date(2021, 12, 31, 0, 0, 0, 0, time.UTC), time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)
	hour := func(h int) time.Time { return today.Add(time.Duration(h) * time.Hour) }
	cases := []struct {
		key   *Key
		query string
		want  []string
	}{
		// The last 24 hours in days: the day before and today.
		{k, "", []string{bucket(day, 0, 0, 0), bucket(today, 3, 1, 5)}},
		{k, fmt.Sprintf("?since=%d&until=%d", statsNow.Add(-24*time.Hour).Unix(), statsNow.Unix()),
			[]string{bucket(day, 0, 0, 0), bucket(today, 3, 1, 5)}},
		// Hours, aligned on the hour, the last one partial.
		{k, fmt.Sprintf("?since=%d&until=%d&resolution=1h", statsNow.Add(-3*time.Hour).Unix(), statsNow.Unix()),
			[]string{bucket(hour(0), 0, 0, 0), bucket(hour(1), 0, 0, 0), bucket(hour(2), 3, 1, 5), bucket(hour(3), 0, 0, 0)}},
		// An until on a boundary ends there.
		{k, fmt.Sprintf("?since=%d&until=%d&resolution=1h", hour(1).Unix(), hour(3).Unix()),
			[]string{bucket(hour(1), 0, 0, 0), bucket(hour(2), 3, 1, 5)}},
		// A since in the future starts now.
		{k, fmt.Sprintf("?since=%d&until=%d&resolution=1h", hour(4).Unix(), hour(5).Unix()+1),
			[]string{bucket(hour(3), 0, 0, 0), bucket(hour(4), 0, 0, 0), bucket(hour(5), 0, 0, 0)}},
		// A key with nothing recorded has zero buckets.
		{quiet, "", []string{bucket(day, 0, 0, 0), bucket(today, 0, 0, 0)}},
	}
	// Eleven days and a half, in days, with fractional seconds: the event
	// ten days ago has its own bucket.
	var days []string
	for d := day.Add(-10 * 24 * time.Hour); !d.After(today); d = d.Add(24 * time.Hour) {
		switch d {
		case day.Add(-9 * 24 * time.Hour):
			days = append(days, bucket(d, 10, 0, 0))
		case today:
			days = append(days, bucket(d, 3, 1, 5))
		default:
			days = append(days, bucket(d, 0, 0, 0))
		}
	}
	cases = append(cases, struct {
		key   *Key
		query string
		want  []string
	}{k, fmt.Sprintf("?since=%d.75&until=%d.5&resolution=1d", statsNow.Add(-11*24*time.Hour).Unix(), statsNow.Unix()), days})
	for _, tc := range cases {
		r := get(t, f, statsPath(tc.key)+tc.query)
		wantBody(t, r, 200, "["+strings.Join(tc.want, ",")+"]")
		if r.first("X-Sentry-Rate-Limit-Limit") != "20" {
			t.Errorf("%q: rate-limit headers %v", tc.query, r.header)
		}
	}
}

func TestKeyStatsErrors(t *testing.T) {
	f := New(Config{Now: func() time.Time { return statsNow }, RateLimit: -1})
	k := f.AddKey(KeySpec{})
	for _, query := range []string{"?resolution=2d", "?resolution=1m", "?resolution=10s", "?resolution=", "?since=abc",
		"?until=nan", "?until=inf", "?since=1640000000&until=1630000000", "?since=0&resolution=1h"} {
		wantDetail(t, get(t, f, statsPath(k)+query), 400, msgInvalidRequest)
	}
	// The key is looked up first, like the key's own endpoint.
	hidden := f.AddKey(KeySpec{UseCase: UseCaseProfiling})
	other := f.AddProject(ProjectSpec{Slug: "api", Teams: []string{"acme"}}).AddKey(KeySpec{})
	for _, id := range []string{"0123456789abcdef0123456789abcdef", hidden.ID(), other.ID()} {
		wantDetail(t, get(t, f, keysPath+id+"/stats/?resolution=2d"), 404, msgNotFound)
	}
	f.AddToken(TokenSpec{Token: "stranger", Scopes: AllScopes()})
	wantDetail(t, getAs(t, f, statsPath(k), "Bearer stranger"), 403, msgPermissionDenied)
	r := sendJSON(t, f, http.MethodPost, statsPath(k), `{}`)
	wantDetail(t, r, 405, `Method "POST" not allowed.`)
}

// TestKeyStatsRateLimit: 20 requests per second and caller on SaaS, in
// fixed windows; none on Legacy or when rate limiting is off.
func TestKeyStatsRateLimit(t *testing.T) {
	c := &clock{}
	c.set(time.Unix(1_700_000_000, 0))
	f := New(Config{Now: c.now})
	k := f.AddKey(KeySpec{})
	f.AddToken(TokenSpec{Token: "other", Scopes: AllScopes(), Role: RoleOwner})
	for i := 1; i <= 20; i++ {
		r := get(t, f, statsPath(k))
		if r.status != 200 || r.first("X-Sentry-Rate-Limit-Remaining") != fmt.Sprint(20-i) ||
			r.first("X-Sentry-Rate-Limit-Reset") != "1700000001" {
			t.Fatalf("request %d: %d %v", i, r.status, r.header)
		}
	}
	wantBody(t, get(t, f, statsPath(k)), 429,
		`{"detail":"You are attempting to use this endpoint too frequently. Limit is 20 requests in 1 seconds"}`)
	wantStatus(t, getAs(t, f, statsPath(k), "Bearer other"), 200) // per caller
	wantStatus(t, get(t, f, keysPath), 200)                       // per endpoint
	c.set(time.Unix(1_700_000_001, 0))
	wantStatus(t, get(t, f, statsPath(k)), 200)

	for _, cfg := range []Config{{Profile: Legacy}, {RateLimit: -1}} {
		f := New(cfg)
		k := f.AddKey(KeySpec{})
		for range 30 {
			r := get(t, f, statsPath(k))
			if r.status != 200 || r.first("X-Sentry-Rate-Limit-Limit") != "" {
				t.Fatalf("%+v: %d %v", cfg, r.status, r.header)
			}
		}
	}
}
