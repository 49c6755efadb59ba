package sentrytest_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/sentrykeys/terraform-provider-sentry/internal/sentrytest"
)

// Example lists a project's keys from a fake sentry.io, page by page.
func Example() {
	srv := sentrytest.NewServer(sentrytest.Config{})
	defer srv.Close()
	keys := srv.AddKeys(12)

	req, _ := http.NewRequest(http.MethodGet, srv.APIURL()+"projects/acme/web/keys/", nil)
	req.Header.Set("Authorization", "Bearer "+srv.Token())
	resp, err := srv.Client().Do(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var page []map[string]any
	_ = json.Unmarshal(body, &page)

	fmt.Println(resp.StatusCode, len(page), page[0]["id"] == keys[11].ID())
	fmt.Println(resp.Header.Get("Link") != "")
	fmt.Println(srv.CountRequests("/api/0/projects/acme/web/keys/"))
	// Output:
	// 200 10 true
	// true
	// 1
}

// ExampleFake_InjectFaults makes the next request fail like sentry.io's
// rate limiter.
func ExampleFake_InjectFaults() {
	srv := sentrytest.NewServer(sentrytest.Config{})
	defer srv.Close()
	srv.InjectFaults(sentrytest.FaultRateLimited())

	req, _ := http.NewRequest(http.MethodGet, srv.APIURL()+"projects/acme/web/keys/", nil)
	req.Header.Set("Authorization", "Bearer "+srv.Token())
	for range 2 {
		resp, err := srv.Client().Do(req)
		if err != nil {
			panic(err)
		}
		resp.Body.Close()
		fmt.Println(resp.StatusCode, resp.Header.Get("Retry-After") == "")
	}
	// Output:
	// 429 true
	// 200 true
}

// Example_createKey creates a key the way Sentry does: the loader options
// and isActive in the POST are ignored.
func Example_createKey() {
	srv := sentrytest.NewServer(sentrytest.Config{})
	defer srv.Close()

	body := strings.NewReader(`{"name": " web ", "isActive": false, "dynamicSdkLoaderOptions": {"hasDebug": true}}`)
	req, _ := http.NewRequest(http.MethodPost, srv.APIURL()+"projects/acme/web/keys/", body)
	req.Header.Set("Authorization", "Bearer "+srv.Token())
	req.Header.Set("Content-Type", "application/json")
	resp, err := srv.Client().Do(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	var key struct {
		ID       string
		Name     string
		IsActive bool
	}
	_ = json.NewDecoder(resp.Body).Decode(&key)

	stored := srv.Project().Key(key.ID)
	fmt.Println(resp.StatusCode, key.Name, key.IsActive)
	fmt.Printf("%+v %s\n", stored.Loader(), stored.BrowserSDKVersion())
	fmt.Printf("%s\n", srv.Requests()[0].Body)
	// Output:
	// 201 web true
	// {HasReplay:true HasPerformance:true HasDebug:false HasFeedback:false HasLogsAndMetrics:false} 10.x
	// {"name": " web ", "isActive": false, "dynamicSdkLoaderOptions": {"hasDebug": true}}
}
