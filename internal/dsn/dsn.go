// Package dsn parses Sentry DSNs, the URLs Sentry SDKs are configured with:
//
//	{scheme}://{public_key}[:{secret_key}]@{host}[:{port}][/{path}]/{project_id}
//
// It follows the rules of Sentry's SDKs, so a string it accepts is one an SDK
// accepts too.
package dsn

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// DSN is a parsed Sentry DSN.
type DSN struct {
	// Scheme is "https" or "http".
	Scheme string
	// PublicKey identifies the client key.
	PublicKey string
	// SecretKey is the legacy secret part; empty when the DSN has none.
	SecretKey string
	// Host is the ingest host name, without port.
	Host string
	// Port is the explicit port, or the scheme's default (443 or 80).
	Port int
	// ExplicitPort is true when the DSN names its port.
	ExplicitPort bool
	// Path is the path before the project id, such as "/sentry", or "".
	Path string
	// ProjectID is the numeric project id.
	ProjectID int64
}

// Parse parses s as a Sentry DSN. Errors say what is wrong in terms a user
// can act on; they never quote the secret key.
func Parse(s string) (*DSN, error) {
	if strings.TrimSpace(s) == "" {
		return nil, errors.New("the DSN is empty")
	}
	if strings.TrimSpace(s) != s {
		return nil, errors.New("the DSN has leading or trailing whitespace")
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, errors.New("the DSN is not a URL")
	}
	d := &DSN{Scheme: strings.ToLower(u.Scheme)}
	switch d.Scheme {
	case "https":
		d.Port = 443
	case "http":
		d.Port = 80
	case "":
		return nil, errors.New("the DSN has no scheme; it must start with https:// or http://")
	default:
		return nil, fmt.Errorf("the DSN's scheme is %q; Sentry DSNs use https or http", u.Scheme)
	}
	if u.Opaque != "" {
		return nil, errors.New("the DSN must have the form https://<public_key>@<host>/<project_id>")
	}
	if u.User == nil || u.User.Username() == "" {
		return nil, errors.New("the DSN has no public key; it must have the form https://<public_key>@<host>/<project_id>")
	}
	d.PublicKey = u.User.Username()
	if secret, ok := u.User.Password(); ok {
		if secret == "" {
			return nil, errors.New("the DSN has a colon after the public key but no secret key")
		}
		d.SecretKey = secret
	}
	d.Host = u.Hostname()
	if d.Host == "" {
		return nil, errors.New("the DSN has no host")
	}
	if p := u.Port(); p != "" {
		port, err := strconv.Atoi(p)
		if err != nil || port < 1 || port > 65535 {
			return nil, fmt.Errorf("the DSN's port %q is not a port number", p)
		}
		d.Port, d.ExplicitPort = port, true
	} else if strings.HasSuffix(u.Host, ":") {
		return nil, errors.New("the DSN has a colon after the host but no port")
	}
	if u.RawQuery != "" || u.ForceQuery {
		return nil, errors.New("the DSN has a query string; a DSN ends with the project id")
	}
	if u.Fragment != "" || strings.Contains(s, "#") {
		return nil, errors.New("the DSN has a fragment; a DSN ends with the project id")
	}

	p := strings.TrimSuffix(u.Path, "/")
	i := strings.LastIndex(p, "/")
	if i < 0 || p[i+1:] == "" {
		return nil, errors.New("the DSN has no project id; it must end with /<project_id>")
	}
	id, err := strconv.ParseInt(p[i+1:], 10, 64)
	if err != nil || id < 0 || strings.HasPrefix(p[i+1:], "+") {
		return nil, fmt.Errorf("the DSN's project id %q is not a number", p[i+1:])
	}
	d.ProjectID = id
	d.Path = p[:i]
	return d, nil
}

// hostPort returns the host with the port when the DSN names one, bracketing
// IPv6 addresses.
func (d *DSN) hostPort() string {
	if d.ExplicitPort {
		return net.JoinHostPort(d.Host, strconv.Itoa(d.Port))
	}
	if strings.Contains(d.Host, ":") {
		return "[" + d.Host + "]"
	}
	return d.Host
}

// APIURL is the base of the project's ingest API, to which SDKs append
// "envelope/" (or the legacy "store/"):
// {scheme}://{host}[:{port}]{path}/api/{project_id}/.
func (d *DSN) APIURL() string {
	return fmt.Sprintf("%s://%s%s/api/%d/", d.Scheme, d.hostPort(), d.Path, d.ProjectID)
}
