package provider

import (
	"context"
	"errors"
	"net/http"
	"sync"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/sentrykeys/terraform-provider-sentry/internal/sentry"
)

// keyReads answers the refresh of sentry_project_key resources. A Terraform
// run refreshes every managed key, up to -parallelism (10) at a time; read
// one by one, 200 keys of a project cost 200 requests, five seconds of
// sentry.io's 40 requests per second. The project's key list gives 100 keys
// per request, so reads of keys of the same project share it when that
// takes fewer requests.
//
// Every read brings one request's worth of credit to its project; the first
// read brings one more. A read whose key is not in the pages fetched so far
// fetches the next page only while the credit left would still let every
// read in progress whose key is not listed yet fall back to reading it by id. So N reads
// never cost more than N + 1 requests, and when Terraform's reads of a
// project overlap (as its parallelism makes them), the list's
// ceil(P/100) pages answer them all. Pages are fetched one at a time, and
// concurrent reads wait for the page in flight rather than fetch it twice.
//
// A key that this provider instance wrote (created, updated, deleted) is
// never answered from a page fetched before the write, and a key missing
// from the whole list is read by id before it is declared gone.
type keyReads struct {
	client *sentry.Client
	// perKey turns the sharing off: every read is one request by id. The
	// benchmark compares the two.
	perKey bool

	mu       sync.Mutex
	projects map[projectRef]*projectListing
	// seq counts writes; written holds, by key id, the seq of the key's
	// last write.
	seq     uint64
	written map[string]uint64
}

type projectRef struct{ organization, project string }

// projectListing is the shared list of one project's keys in this run.
type projectListing struct {
	pager *sentry.KeyPager
	// credit is the requests the reads so far may still spend: one per read,
	// plus one, minus the requests spent.
	credit int
	// waiting holds the keys of the reads in progress, with how many reads
	// want each.
	waiting  map[string]int
	keys     map[string]listedKey
	complete bool
	// failed is set when a page could not be read; later reads go by id.
	failed   bool
	fetching bool
	// changed is closed and replaced whenever a fetch ends.
	changed chan struct{}
}

// listedKey is a key as a page listed it, with the write seq at the moment
// the page was requested.
type listedKey struct {
	key sentry.ProjectKey
	seq uint64
}

func newKeyReads(client *sentry.Client) *keyReads {
	return &keyReads{client: client, projects: map[projectRef]*projectListing{}, written: map[string]uint64{}}
}

// wrote records that this provider instance changed or deleted a key, so
// that no page fetched before now answers for it.
func (r *keyReads) wrote(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seq++
	r.written[id] = r.seq
}

// read returns the key, or nil when it does not exist.
func (r *keyReads) read(ctx context.Context, organization, project, id string) (*sentry.ProjectKey, error) {
	if !r.perKey {
		key, found, err := r.fromList(ctx, projectRef{organization, project}, id)
		if err != nil || found {
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

// fromList answers a read from the project's shared list when it can.
// found is false when the caller must read the key by id, which the credit
// taken here pays for.
func (r *keyReads) fromList(ctx context.Context, ref projectRef, id string) (key *sentry.ProjectKey, found bool, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	l := r.projects[ref]
	if l == nil {
		pager, err := r.client.ProjectKeysPager(ref.organization, ref.project, sentry.KeyStatusAll)
		if err != nil {
			return nil, false, err
		}
		l = &projectListing{pager: pager, credit: 1, waiting: map[string]int{}, keys: map[string]listedKey{}, changed: make(chan struct{})}
		r.projects[ref] = l
	}
	l.credit++
	l.waiting[id]++
	defer func() {
		if l.waiting[id]--; l.waiting[id] == 0 {
			delete(l.waiting, id)
		}
	}()
	for {
		if k, ok := l.keys[id]; ok {
			if k.seq >= r.written[id] {
				key := k.key
				return &key, true, nil
			}
			// Listed, but this provider has written the key since the page
			// was requested: only a read by id knows it now.
			l.credit--
			return nil, false, nil
		}
		switch {
		case l.complete || l.failed:
			// Not in the list (or no list): read it by id.
			l.credit--
			return nil, false, nil
		case l.fetching:
			changed := l.changed
			r.mu.Unlock()
			select {
			case <-changed:
			case <-ctx.Done():
			}
			r.mu.Lock()
			if ctx.Err() != nil {
				return nil, false, ctx.Err()
			}
		case r.mayFetch(l):
			l.credit--
			l.fetching = true
			seq := r.seq
			r.mu.Unlock()
			page, err := l.pager.Next(ctx)
			r.mu.Lock()
			l.fetching = false
			close(l.changed)
			l.changed = make(chan struct{})
			switch {
			case err != nil && ctx.Err() != nil:
				// This read was cancelled. The pager keeps its error, so the
				// reads after it go by id.
				l.failed = true
				return nil, false, ctx.Err()
			case err != nil:
				tflog.Debug(ctx, "Could not list the client keys of a Sentry project; reading keys by id", map[string]any{
					"organization": ref.organization, "project": ref.project, "error": err.Error(),
				})
				l.failed = true
			default:
				for i := range page {
					l.keys[page[i].ID] = listedKey{key: page[i], seq: seq}
				}
				l.complete = l.pager.Done()
			}
		default:
			l.credit--
			return nil, false, nil
		}
	}
}

// mayFetch reports whether the next page is worth a request now: while two
// or more reads wait for keys not listed yet, a page may answer several of
// them, and the credit is spent on it; a read waiting alone keeps one credit
// for reading its key by id. The caller holds r.mu.
func (r *keyReads) mayFetch(l *projectListing) bool {
	if r.unfound(l) >= 2 {
		return l.credit >= 1
	}
	return l.credit >= 2
}

// unfound counts the reads in progress whose key the pages so far do not
// list. The caller holds r.mu.
func (r *keyReads) unfound(l *projectListing) int {
	n := 0
	for id, reads := range l.waiting {
		if _, ok := l.keys[id]; !ok {
			n += reads
		}
	}
	return n
}
