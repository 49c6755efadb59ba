package sentrytest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// jsonObject is a JSON object whose members keep their order, since
// Sentry's serializers emit fields in dict insertion order.
type jsonObject []jsonField

type jsonField struct {
	name  string
	value any
}

// MarshalJSON writes the members in order.
func (o jsonObject) MarshalJSON() ([]byte, error) { return marshalJSON(o), nil }

// marshalJSON encodes v compactly without HTML escaping, like Sentry's
// renderer; it only sees values of this package.
func marshalJSON(v any) []byte {
	var b bytes.Buffer
	appendJSON(&b, v)
	return b.Bytes()
}

// appendJSON writes v to b. Ordered objects, lists of them and plain strings
// are written directly, which keeps pages of thousands of keys cheap to
// serve; everything else goes through encoding/json.
func appendJSON(b *bytes.Buffer, v any) {
	switch x := v.(type) {
	case jsonObject:
		b.WriteByte('{')
		for i, field := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			appendJSON(b, field.name)
			b.WriteByte(':')
			appendJSON(b, field.value)
		}
		b.WriteByte('}')
	case []jsonObject:
		b.WriteByte('[')
		for i, o := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			appendJSON(b, o)
		}
		b.WriteByte(']')
	case string:
		if plainJSONString(x) {
			b.WriteByte('"')
			b.WriteString(x)
			b.WriteByte('"')
			return
		}
		appendEncoded(b, x)
	default:
		appendEncoded(b, x)
	}
}

// plainJSONString reports whether s needs no escaping in JSON: printable
// ASCII without quotes or backslashes.
func plainJSONString(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

func appendEncoded(b *bytes.Buffer, v any) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic("sentrytest: cannot encode JSON: " + err.Error())
	}
	b.Truncate(b.Len() - 1) // Encode's newline
}

// decodeObject decodes a JSON object keeping numbers as json.Number.
func decodeObject(b []byte) map[string]any {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		panic("sentrytest: cannot decode JSON: " + err.Error())
	}
	return m
}

// ingestEndpoint returns the DSN endpoint of an organization without a
// trailing slash.
func (f *Fake) ingestEndpoint(org *Organization) string {
	switch {
	case f.cfg.IngestEndpoint != "":
		return strings.TrimRight(f.cfg.IngestEndpoint, "/")
	case f.cfg.Profile == SaaS:
		return fmt.Sprintf("https://o%d.ingest.us.sentry.io", org.id)
	}
	return strings.TrimRight(f.cfg.URLPrefix, "/")
}

// dsnURL is ProjectKey.get_dsn: "" when the endpoint has no scheme or host.
func dsnURL(endpoint, credentials string, projectID int64) string {
	u, err := url.Parse(endpoint)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return ""
	}
	return fmt.Sprintf("%s://%s@%s%s/%d", u.Scheme, credentials, u.Host, u.Path, projectID)
}

// keyObject serialises a key exactly like ProjectKeySerializer.
func (f *Fake) keyObject(k *Key) jsonObject {
	prof := f.profile()
	e := f.ingestEndpoint(k.project.org)
	pid, pk := k.project.id, k.public
	api := fmt.Sprintf("%s/api/%d", e, pid)

	dsn := jsonObject{
		{"secret", dsnURL(e, pk+":"+k.secret, pid)}, {"public", dsnURL(e, pk, pid)},
		{"csp", api + "/csp-report/?sentry_key=" + pk}, {"security", api + "/security/?sentry_key=" + pk},
		{"minidump", api + "/minidump/?sentry_key=" + pk},
	}
	if prof.modern {
		dsn = append(dsn,
			jsonField{"nel", api + "/nel/?sentry_key=" + pk},
			jsonField{"unreal", api + "/unreal/" + pk + "/"},
			jsonField{"crons", api + "/cron/___MONITOR_SLUG___/" + pk + "/"},
			jsonField{"cdn", "https://js.sentry-cdn.com/" + pk + ".min.js"},
			jsonField{"playstation", api + "/playstation/?sentry_key=" + pk},
			jsonField{"integration", api + "/integration/"},
			jsonField{"otlp_traces", api + "/integration/otlp/v1/traces"},
			jsonField{"otlp_logs", api + "/integration/otlp/v1/logs"},
		)
	} else {
		dsn = append(dsn, jsonField{"cdn", e + "/js-sdk-loader/" + pk + ".min.js"})
	}

	var rateLimit any
	if k.rlWindow != 0 && k.rlCount != 0 {
		rateLimit = jsonObject{{"window", k.rlWindow}, {"count", k.rlCount}}
	}
	choices := make([][2]string, len(prof.sdkChoices))
	for i, c := range prof.sdkChoices {
		choices[i] = [2]string{c, c}
	}
	obj := jsonObject{
		{"id", pk}, {"name", k.name()}, {"label", k.name()}, {"public", pk}, {"secret", k.secret},
		{"projectId", pid}, {"isActive", k.active}, {"rateLimit", rateLimit}, {"dsn", dsn},
		{"browserSdkVersion", k.browserSDKVersion()}, {"browserSdk", jsonObject{{"choices", choices}}},
		{"dateCreated", prof.formatTime(k.created)},
	}
	if prof.modern {
		loader := make(jsonObject, len(loaderOptionFields))
		for i, o := range loaderOptionFields {
			loader[i] = jsonField{o.name, *o.field(&k.loader)}
		}
		obj = append(obj, jsonField{"dynamicSdkLoaderOptions", loader})
	}
	return obj
}

// projectObject serialises the subset of ProjectSummarySerializer (the
// projects list) the fake models, in the serializer's field order, or with
// details the subset of DetailedProjectSerializer (a project's endpoint).
// Ids are strings in both.
func (f *Fake) projectObject(p *Project, t *token, details bool) jsonObject {
	teams := make([]jsonObject, len(p.teams))
	for i, team := range p.teams {
		teams[i] = jsonObject{{"id", strconv.FormatInt(team.id, 10)}, {"slug", team.slug}, {"name", team.name}}
	}
	var first, platform any
	if len(teams) > 0 {
		first = teams[0]
	}
	if p.platform != "" {
		platform = p.platform
	}
	id, created := strconv.FormatInt(p.id, 10), f.profile().formatTime(p.created)
	if details {
		return jsonObject{
			{"id", id}, {"slug", p.slug}, {"name", p.name}, {"platform", platform}, {"dateCreated", created},
			{"isBookmarked", false}, {"isMember", t.hasProjectMembership(p)}, {"hasAccess", t.hasProjectAccess(p)},
			{"team", first}, {"teams", teams},
			{"organization", jsonObject{
				{"id", strconv.FormatInt(p.org.id, 10)}, {"slug", p.org.slug}, {"name", p.org.name}}},
		}
	}
	return jsonObject{
		{"team", first}, {"teams", teams}, {"id", id}, {"name", p.name}, {"slug", p.slug}, {"isBookmarked", false},
		{"isMember", t.hasProjectMembership(p)}, {"hasAccess", t.hasProjectAccess(p)}, {"dateCreated", created},
		{"platform", platform},
	}
}
