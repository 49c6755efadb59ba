package provider

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/sentrykeys/terraform-provider-sentry/internal/sentry"
	"github.com/sentrykeys/terraform-provider-sentry/internal/sentrytest"
)

func newTestKeyReads(t *testing.T, srv *sentrytest.Server) *keyReads {
	t.Helper()
	c, err := sentry.New(sentry.Config{BaseURL: srv.URL, Token: srv.Token()})
	if err != nil {
		t.Fatal(err)
	}
	return newKeyReads(c)
}

// keyRequests counts the requests for the keys of acme/web: the list's
// pages and single keys.
func keyRequests(srv *sentrytest.Server) (pages, single int) {
	for _, r := range srv.Requests() {
		switch {
		case r.Path == keysPath:
			pages++
		case len(r.Path) > len(keysPath) && r.Path[:len(keysPath)] == keysPath:
			single++
		}
	}
	return pages, single
}

// readAll reads ids with up to parallelism reads at a time, as Terraform's
// refresh does, and checks each answer.
func readAll(t *testing.T, r *keyReads, ids []string, parallelism int) {
	t.Helper()
	sem := make(chan struct{}, parallelism)
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			k, err := r.read(context.Background(), "acme", "web", id)
			if err != nil || k == nil || k.ID != id {
				t.Errorf("read %s: %v %v", id, k, err)
			}
		}()
	}
	wg.Wait()
}

func ids(keys []*sentrytest.Key) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = k.ID()
	}
	return out
}

// TestKeyReadsShareTheList refreshes keys of a project the way Terraform
// does, ten at a time: the list's pages answer them, each page fetched once,
// whether the managed keys are spread over the list or all among its oldest
// (after many keys made outside Terraform), and nothing costs more than
// 2N + 1 requests.
func TestKeyReadsShareTheList(t *testing.T) {
	for _, tc := range []struct {
		keys, managed int
		oldest        bool // the managed keys are the oldest, on the last page
		most          int
	}{
		{150, 150, false, 3}, // ceil(150/100) + 1
		{250, 200, false, 4}, // ceil(250/100) + 1
		{300, 120, false, 4},
		{40, 40, false, 2},   // one page
		{201, 201, false, 4}, // a last page of one
		{5, 5, false, 2},     // a small project
		{100, 1, false, 2},   // one key
		{300, 10, true, 4},   // the managed keys behind 200 others
		{300, 30, true, 4},
		{1000, 3, false, 7}, // few keys of a large project: at most 2N + 1
		{2000, 20, false, 21},
	} {
		t.Run(fmt.Sprintf("%d of %d keys, oldest %t", tc.managed, tc.keys, tc.oldest), func(t *testing.T) {
			srv := newFake(t, sentrytest.Config{Latency: 5 * time.Millisecond})
			keys := srv.AddKeys(tc.keys)
			if !tc.oldest {
				rand.New(rand.NewPCG(uint64(tc.keys), uint64(tc.managed))).Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
			}
			srv.ResetRequests()
			readAll(t, newTestKeyReads(t, srv), ids(keys[:tc.managed]), 10)
			pages, single := keyRequests(srv)
			t.Logf("%d pages and %d single reads", pages, single)
			if pages+single > tc.most || pages+single > 2*tc.managed+1 {
				t.Errorf("%d pages and %d single reads, want at most %d requests", pages, single, tc.most)
			}
		})
	}
}

// TestKeyReadsOneByOneBound reads keys one after the other, the worst
// arrival for sharing: never more than one request per key, plus one.
func TestKeyReadsOneByOneBound(t *testing.T) {
	srv := newFake(t, sentrytest.Config{})
	keys := newestFirst(srv.AddKeys(300))
	// The oldest keys first: they are on the last page.
	for i, j := 0, len(keys)-1; i < j; i, j = i+1, j-1 {
		keys[i], keys[j] = keys[j], keys[i]
	}
	srv.ResetRequests()
	r := newTestKeyReads(t, srv)
	for n, id := range ids(keys[:60]) {
		readAll(t, r, []string{id}, 1)
		if pages, single := keyRequests(srv); pages+single > n+2 {
			t.Fatalf("after %d reads: %d pages and %d single reads", n+1, pages, single)
		}
	}
}

// TestKeyReadsConcurrentReadsWaitForThePage starts 10 reads at once of keys
// on the first page: one request serves them all.
func TestKeyReadsConcurrentReadsWaitForThePage(t *testing.T) {
	srv := newFake(t, sentrytest.Config{Latency: 50 * time.Millisecond})
	keys := newestFirst(srv.AddKeys(80))
	srv.ResetRequests()
	readAll(t, newTestKeyReads(t, srv), ids(keys[:10]), 10)
	if pages, single := keyRequests(srv); pages != 1 || single != 0 {
		t.Fatalf("%d pages and %d single reads for 10 keys of one page, want 1 page", pages, single)
	}
}

// TestKeyReadsAfterWrites never answers for a key this provider wrote from
// a page fetched before the write, and reads a key missing from the list by
// id before calling it gone.
func TestKeyReadsAfterWrites(t *testing.T) {
	srv := newFake(t, sentrytest.Config{})
	keys := srv.AddKeys(3)
	r := newTestKeyReads(t, srv)
	ctx := context.Background()
	if k, err := r.read(ctx, "acme", "web", keys[0].ID()); err != nil || k == nil {
		t.Fatal(k, err)
	}

	// Renamed by this provider after the list was fetched: read by id.
	keys[1].SetLabel("renamed")
	r.wrote(keys[1].ID())
	srv.ResetRequests()
	k, err := r.read(ctx, "acme", "web", keys[1].ID())
	if err != nil || k == nil || k.Name != "renamed" {
		t.Fatalf("read after a write: %+v %v", k, err)
	}
	if pages, single := keyRequests(srv); single != 1 || pages != 0 {
		t.Fatalf("%d pages and %d single reads after a write, want the one read by id", pages, single)
	}

	// Not written by us: answered from the list, no request.
	srv.ResetRequests()
	if k, err := r.read(ctx, "acme", "web", keys[2].ID()); err != nil || k == nil {
		t.Fatal(k, err)
	}
	if pages, single := keyRequests(srv); pages+single != 0 {
		t.Fatalf("%d requests for a listed key", pages+single)
	}

	// Created after the list: not in it, so read by id, and found.
	created := srv.AddKey(sentrytest.KeySpec{Label: "new"})
	if k, err := r.read(ctx, "acme", "web", created.ID()); err != nil || k == nil || k.ID != created.ID() {
		t.Fatalf("a key missing from the list: %+v %v", k, err)
	}

	// Gone: the read by id answers 404, and the key is reported gone.
	srv.ResetRequests()
	if k, err := r.read(ctx, "acme", "web", "0123456789abcdef0123456789abcdef"); err != nil || k != nil {
		t.Fatalf("an unknown key: %+v %v", k, err)
	}
	if _, single := keyRequests(srv); single != 1 {
		t.Fatalf("%d single reads for an unknown key, want 1", single)
	}
}

// TestKeyReadsFailedList falls back to reads by id when the list fails, and
// reports an error that is not Sentry's "does not exist" as an error.
func TestKeyReadsFailedList(t *testing.T) {
	srv := newFake(t, sentrytest.Config{Gateway: true})
	keys := srv.AddKeys(2)
	retries := 0
	c, err := sentry.New(sentry.Config{BaseURL: srv.URL, Token: srv.Token(), MaxRetries: &retries})
	if err != nil {
		t.Fatal(err)
	}
	r := newKeyReads(c)
	srv.InjectFaults(sentrytest.FaultInternalError().ForPath(keysPath))
	if k, err := r.read(context.Background(), "acme", "web", keys[0].ID()); err != nil || k == nil {
		t.Fatalf("after a failed list: %+v %v", k, err)
	}
	// An unknown organization on sentry.io is an empty 404: an error, never
	// a deleted key.
	if k, err := r.read(context.Background(), "nope", "web", keys[0].ID()); err == nil || k != nil {
		t.Fatalf("unknown organization: %+v %v", k, err)
	}
}

func TestKeyReadsPerKey(t *testing.T) {
	srv := newFake(t, sentrytest.Config{})
	keys := srv.AddKeys(30)
	r := newTestKeyReads(t, srv)
	r.perKey = true
	srv.ResetRequests()
	readAll(t, r, ids(keys), 10)
	if pages, single := keyRequests(srv); pages != 0 || single != 30 {
		t.Fatalf("one by one: %d pages and %d single reads, want 30 single reads", pages, single)
	}
}

// TestKeyReadsCancelledPage cancels the read that fetches a page: the
// reads after it still get their keys, by id.
func TestKeyReadsCancelledPage(t *testing.T) {
	srv := newFake(t, sentrytest.Config{Latency: 200 * time.Millisecond})
	keys := srv.AddKeys(3)
	r := newTestKeyReads(t, srv)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := r.read(ctx, "acme", "web", keys[0].ID()); err == nil {
		t.Fatal("a read cancelled during its page succeeded")
	}
	for _, k := range keys {
		got, err := r.read(context.Background(), "acme", "web", k.ID())
		if err != nil || got == nil || got.ID != k.ID() {
			t.Fatalf("read %s after a cancelled page: %+v %v", k.ID(), got, err)
		}
	}
}
