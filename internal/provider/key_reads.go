package provider

import (
	"context"
	"errors"
	"net/http"
	"sync"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/sentrykeys/terraform-provider-sentry/internal/sentry"
)

// keyReads answers the refresh of sentry_project_key resources. Terraform
// refreshes every managed key, up to -parallelism (10) at a time; read one
// by one, 200 keys of a project cost 200 requests, five seconds of
// sentry.io's 40 requests per second. The project's key list gives 100 keys
// a request, so the reads of one project share its pages when that takes
// fewer requests.
//
// The rule is a budget: each read brings one request, the first read one
// more. A read whose key is not in the pages so far fetches the next page
// while two or more reads wait for unlisted keys (one page may answer them
// all) and the budget is not spent, or while a lone read would still have
// a request left to read its key by id. So N reads that come one at a time
// cost at most N + 1 requests, overlapping reads cost the pages up to the
// oldest of their keys, and nothing costs more than 2N + 1. One page is
// fetched at a time; other reads wait for it.
//
// A key this provider wrote is never answered from a page fetched before
// the write, and a key missing from the whole list is read by id before it
// is declared gone.
type keyReads struct {
	client *sentry.Client
	// perKey turns the sharing off: every read is one request by id. The
	// benchmark compares the two.
	perKey bool

	mu    sync.Mutex
	lists map[[2]string]*sharedList
	// writes counts this provider's writes; written holds each key's last.
	writes  int
	written map[string]int
}

// sharedList is one project's key list, as far as it has been fetched.
type sharedList struct {
	pages   *sentry.Pages[sentry.ProjectKey]
	keys    map[string]listedKey
	budget  int            // requests the reads so far may still spend
	waiting map[string]int // reads in progress, by key id
	done    bool           // every page fetched, or the listing failed
	busy    bool           // a page is on its way
	fetched chan struct{}  // closed and replaced when a page arrives
}

// listedKey is a key as a page listed it, with the writes counted when the
// page was requested.
type listedKey struct {
	key    sentry.ProjectKey
	writes int
}

func newKeyReads(client *sentry.Client) *keyReads {
	return &keyReads{client: client, lists: map[[2]string]*sharedList{}, written: map[string]int{}}
}

// wrote records that this provider changed or deleted a key, so that no
// page fetched before now answers for it.
func (r *keyReads) wrote(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.writes++
	r.written[id] = r.writes
}

// read returns the key, or nil when it does not exist.
func (r *keyReads) read(ctx context.Context, organization, project, id string) (*sentry.ProjectKey, error) {
	if !r.perKey {
		if key, err := r.fromList(ctx, organization, project, id); key != nil || err != nil {
			return key, err
		}
	}
	key, err := r.client.GetProjectKey(ctx, organization, project, id)
	var apiErr *sentry.APIError
	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound && apiErr.Detail != "" {
		// Sentry's "The requested resource does not exist": the key is
		// gone. An empty 404 is the gateway's unknown organization, which
		// stays an error.
		return nil, nil
	}
	return key, err
}

// fromList answers a read from the project's shared list, or returns nil
// when the caller must read the key by id, which the budget then pays for.
func (r *keyReads) fromList(ctx context.Context, organization, project, id string) (*sentry.ProjectKey, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	l := r.lists[[2]string{organization, project}]
	if l == nil {
		pages, err := r.client.ProjectKeyPages(organization, project, sentry.KeyStatusAll)
		if err != nil {
			return nil, err
		}
		l = &sharedList{pages: pages, keys: map[string]listedKey{}, budget: 1, waiting: map[string]int{}, fetched: make(chan struct{})}
		r.lists[[2]string{organization, project}] = l
	}
	l.budget++
	l.waiting[id]++
	defer func() {
		if l.waiting[id]--; l.waiting[id] == 0 {
			delete(l.waiting, id)
		}
	}()
	for {
		listed, ok := l.keys[id]
		switch {
		case ok && listed.writes >= r.written[id]:
			key := listed.key
			return &key, nil
		case l.busy:
			fetched := l.fetched
			r.mu.Unlock()
			select {
			case <-fetched:
			case <-ctx.Done():
			}
			r.mu.Lock()
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
		case !ok && !l.done && l.worthAPage():
			if err := r.fetch(ctx, l, organization, project); err != nil {
				return nil, err
			}
		default:
			// Unlisted, written since its page, or the list cannot help:
			// read it by id.
			l.budget--
			return nil, nil
		}
	}
}

// fetch requests the list's next page; the caller holds r.mu, which is
// released while the request is on its way.
func (r *keyReads) fetch(ctx context.Context, l *sharedList, organization, project string) error {
	l.budget--
	l.busy = true
	writes := r.writes
	r.mu.Unlock()
	page, err := l.pages.Next(ctx)
	r.mu.Lock()
	l.busy = false
	close(l.fetched)
	l.fetched = make(chan struct{})
	if err != nil {
		// The reads go by id from now on; a cancelled read ends here.
		l.done = true
		tflog.Debug(ctx, "Could not list the client keys of a Sentry project; reading keys by id", map[string]any{
			"organization": organization, "project": project, "error": err.Error(),
		})
		return ctx.Err()
	}
	for _, k := range page {
		l.keys[k.ID] = listedKey{key: k, writes: writes}
	}
	l.done = l.pages.Done()
	return nil
}

// worthAPage reports whether the next page may be fetched: while two or
// more reads wait for unlisted keys, on any budget left; for a lone read,
// only when the budget still holds the request to read its key by id.
// The caller holds r.mu.
func (l *sharedList) worthAPage() bool {
	if l.unlisted() >= 2 {
		return l.budget >= 1
	}
	return l.budget >= 2
}

// unlisted counts the reads in progress whose key the pages so far do not
// list. The caller holds r.mu.
func (l *sharedList) unlisted() int {
	n := 0
	for id, reads := range l.waiting {
		if _, ok := l.keys[id]; !ok {
			n += reads
		}
	}
	return n
}
