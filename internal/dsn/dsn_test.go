package dsn

import (
	"strconv"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	cases := []struct {
		in      string
		want    DSN
		wantAPI string
	}{
		{
			in:      "https://60120449b6b1d5e45f75561e6dabd80b@o4504765715316736.ingest.us.sentry.io/4505281256090153",
			want:    DSN{Scheme: "https", PublicKey: "60120449b6b1d5e45f75561e6dabd80b", Host: "o4504765715316736.ingest.us.sentry.io", Port: 443, ProjectID: 4505281256090153},
			wantAPI: "https://o4504765715316736.ingest.us.sentry.io/api/4505281256090153/",
		},
		{
			in:      "https://cfc7b0341c6e4f6ea1a9d256a30dba00:a07dcd97aa56481f82aeabaed43ca448@sentry.io/2",
			want:    DSN{Scheme: "https", PublicKey: "cfc7b0341c6e4f6ea1a9d256a30dba00", SecretKey: "a07dcd97aa56481f82aeabaed43ca448", Host: "sentry.io", Port: 443, ProjectID: 2},
			wantAPI: "https://sentry.io/api/2/",
		},
		{
			in:      "http://abc@sentry.example.com:9000/sentry/prefix/42",
			want:    DSN{Scheme: "http", PublicKey: "abc", Host: "sentry.example.com", Port: 9000, ExplicitPort: true, Path: "/sentry/prefix", ProjectID: 42},
			wantAPI: "http://sentry.example.com:9000/sentry/prefix/api/42/",
		},
		{
			in:      "http://abc@[::1]:9000/7",
			want:    DSN{Scheme: "http", PublicKey: "abc", Host: "::1", Port: 9000, ExplicitPort: true, ProjectID: 7},
			wantAPI: "http://[::1]:9000/api/7/",
		},
		{
			in:      "HTTPS://abc@sentry.io/7/",
			want:    DSN{Scheme: "https", PublicKey: "abc", Host: "sentry.io", Port: 443, ProjectID: 7},
			wantAPI: "https://sentry.io/api/7/",
		},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got, err := Parse(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if *got != tc.want {
				t.Fatalf("Parse = %+v, want %+v", *got, tc.want)
			}
			if api := got.APIURL(); api != tc.wantAPI {
				t.Fatalf("APIURL = %q, want %q", api, tc.wantAPI)
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	cases := map[string]string{
		"":                                        "empty",
		"   ":                                     "empty",
		" https://k@sentry.io/1":                  "whitespace",
		"sentry.io/1":                             "no scheme",
		"ftp://k@sentry.io/1":                     `scheme is "ftp"`,
		"https://sentry.io/1":                     "no public key",
		"https://:secret@sentry.io/1":             "no public key",
		"https://k:@sentry.io/1":                  "no secret key",
		"https://k@/1":                            "no host",
		"https://k@sentry.io":                     "no project id",
		"https://k@sentry.io/":                    "no project id",
		"https://k@sentry.io/web":                 `project id "web" is not a number`,
		"https://k@sentry.io/-1":                  "not a number",
		"https://k@sentry.io:99999/1":             "not a port number",
		"https://k@sentry.io/1?x=1":               "query",
		"https://k@sentry.io/1#frag":              "fragment",
		"mailto:k@sentry.io":                      `scheme is "mailto"`,
		"https://k:s3cr3t@sentry.io/nope":         "not a number",
		"https://k@sentry.io:/1":                  "no port",
		"https://k@sentry.io/%zz/1":               "not a URL",
		"https://k@sentry.io/1/envelope/":         `"envelope" is not a number`,
		"https://k@sentry.io/1/api/store/":        "not a number",
		"https://k@sentry.io/9999999999999999999": "not a number",
	}
	for in, want := range cases {
		t.Run(in, func(t *testing.T) {
			_, err := Parse(in)
			if err == nil {
				t.Fatalf("Parse(%q) was accepted", in)
			}
			if !strings.Contains(err.Error(), want) {
				t.Fatalf("Parse(%q) = %q, want it to mention %q", in, err, want)
			}
			if strings.Contains(err.Error(), "s3cr3t") {
				t.Fatalf("the error quotes the secret key: %q", err)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add("https://k:s@o1.ingest.sentry.io:8443/p/42")
	f.Add("http://k@[::1]/1")
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Parse(s)
		if err != nil {
			return
		}
		// Whatever parses must round-trip through its API URL.
		if d.PublicKey == "" || d.Host == "" || !strings.HasSuffix(d.APIURL(), "/api/"+strconv.FormatInt(d.ProjectID, 10)+"/") {
			t.Fatalf("Parse(%q) = %+v, APIURL %q", s, d, d.APIURL())
		}
	})
}
