package sentrytest

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// GET /api/0/projects/{org}/{project}/keys/{key_id}/stats/, after
// src/sentry/core/endpoints/project_key_stats.py, StatsMixin._parse_args and
// the outcomes query's intervals: the outcomes of error events that tests
// record with Key.AddEvents, in buckets of an hour or a day.

const (
	statsRateLimit    = 20   // requests per second and caller (SaaS)
	maxStatsBuckets   = 1000 // MAX_POINTS of get_constrained_date_range
	msgInvalidRequest = "Invalid request data"
)

// keyEvents are outcomes recorded by Key.AddEvents.
type keyEvents struct {
	at                          time.Time
	accepted, filtered, dropped int
}

// AddEvents records outcomes of error events sent with the key at a time:
// accepted, filtered (by inbound filters) and dropped (rate limited). The
// key's stats endpoint sums them.
func (k *Key) AddEvents(at time.Time, accepted, filtered, dropped int) {
	k.f.write(func() { k.events = append(k.events, keyEvents{at, accepted, filtered, dropped}) })
}

// keyStats is ProjectKeyStatsEndpoint.get: the key as for its own endpoint
// (404), then the parameters (400), then one bucket per resolution step
// from since, aligned on the resolution, to until; a bucket's ts is its
// start in unix seconds and total the sum of its outcomes.
func (f *Fake) keyStats(req *apiRequest) *response {
	k, errResp := f.keyFromRequest(req)
	if errResp != nil {
		return errResp
	}
	resolution, given := req.query.get("resolution")
	if !given {
		resolution = "1d"
	}
	res, okRes := map[string]float64{"1d": 86400, "1h": 3600}[resolution]
	// until defaults to now; since to a day before until, less a second.
	until, okUntil := statsTime(req.query, "until", float64(f.now().UnixNano())/1e9)
	since, okSince := statsTime(req.query, "since", until-86399)
	if !okRes || !okUntil || !okSince || since > until {
		return detailResponse(400, msgInvalidRequest)
	}
	// The outcomes query starts no later than now, on a bucket boundary,
	// and covers until with a last, partial bucket.
	since = min(since, float64(f.now().UnixNano())/1e9)
	start := math.Trunc(since/res) * res
	n := math.Trunc((until-start)/res) + 1
	if math.Mod(until-start, res) == 0 {
		n--
	}
	if n > maxStatsBuckets {
		return detailResponse(400, msgInvalidRequest)
	}
	buckets := make([]jsonObject, max(int(n), 0))
	for i := range buckets {
		from := int64(start) + int64(i)*int64(res)
		var accepted, filtered, dropped int
		for _, e := range k.events {
			if at := e.at.Unix(); at >= from && at < from+int64(res) {
				accepted, filtered, dropped = accepted+e.accepted, filtered+e.filtered, dropped+e.dropped
			}
		}
		buckets[i] = jsonObject{{"ts", from}, {"total", accepted + filtered + dropped},
			{"dropped", dropped}, {"accepted", accepted}, {"filtered", filtered}}
	}
	return jsonResponse(200, marshalJSON(buckets))
}

// statsTime reads since or until: unix seconds, possibly fractional;
// absent or empty means def.
func statsTime(q queryDict, name string, def float64) (float64, bool) {
	raw, _ := q.get(name)
	if raw == "" {
		return def, true
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(raw), 64)
	return v, err == nil && !math.IsInf(v, 0) && !math.IsNaN(v)
}
