package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
)

// The load test and the end-to-end benchmarks run the terraform CLI
// themselves, once, instead of through resource.UnitTest's several plans and
// applies: with thousands of keys each Terraform run costs seconds (see the
// README's "How many keys, how fast"), and a benchmark must time one run.
// The provider is served in-process and Terraform reattaches to it, as
// terraform-plugin-testing does.

const providerAddress = "registry.terraform.io/sentrykeys/sentry"

// terraformPath returns the Terraform the tests use: TF_ACC_TERRAFORM_PATH
// (set by make test), or terraform on PATH.
func terraformPath(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		return p
	}
	p, err := exec.LookPath("terraform")
	if err != nil {
		t.Fatal("no terraform: set TF_ACC_TERRAFORM_PATH or put terraform on PATH (make test does this)")
	}
	return p
}

// serveForCLI serves provider in-process until the test ends and returns the
// TF_REATTACH_PROVIDERS value that points Terraform at it.
func serveForCLI(t testing.TB, provider tfprotov6.ProviderServer) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	reattach := make(chan *plugin.ReattachConfig)
	closed := make(chan struct{})
	go func() {
		err := tf6server.Serve(providerAddress, func() tfprotov6.ProviderServer { return provider },
			tf6server.WithDebug(ctx, reattach, closed),
			tf6server.WithGoPluginLogger(hclog.NewNullLogger()),
			tf6server.WithoutLogStderrOverride(),
		)
		if err != nil {
			t.Errorf("serving the provider: %v", err)
		}
	}()
	cfg := <-reattach
	t.Cleanup(func() {
		cancel()
		<-closed
	})
	b, err := json.Marshal(map[string]any{providerAddress: map[string]any{
		"Protocol":        string(cfg.Protocol),
		"ProtocolVersion": cfg.ProtocolVersion,
		"Pid":             cfg.Pid,
		"Test":            true,
		"Addr":            map[string]string{"Network": cfg.Addr.Network(), "String": cfg.Addr.String()},
	}})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// newProviderServer returns a fresh in-process provider, as main.go serves it.
func newProviderServer() tfprotov6.ProviderServer {
	return providerserver.NewProtocol6(New("test")())()
}

// terraformWorkdir writes config into a new directory, runs terraform init
// there with reattach and returns a function that runs further commands.
func terraformWorkdir(t testing.TB, config, reattach string) func(args ...string) ([]byte, error) {
	t.Helper()
	run := terraformWorkdirContext(t, config, reattach)
	return func(args ...string) ([]byte, error) { return run(context.Background(), args...) }
}

// terraformWorkdirContext is terraformWorkdir with commands that stop when
// their context ends.
func terraformWorkdirContext(t testing.TB, config, reattach string) func(ctx context.Context, args ...string) ([]byte, error) {
	t.Helper()
	_, run := terraformDir(t, config, reattach)
	return run
}

// terraformDir is terraformWorkdirContext that also returns the directory.
func terraformDir(t testing.TB, config, reattach string) (string, func(ctx context.Context, args ...string) ([]byte, error)) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	cliConfig := filepath.Join(dir, "cli.tfrc")
	if err := os.WriteFile(cliConfig, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tf := terraformPath(t)
	run := func(ctx context.Context, args ...string) ([]byte, error) {
		cmd := exec.CommandContext(ctx, tf, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(),
			"TF_REATTACH_PROVIDERS="+reattach,
			"TF_CLI_CONFIG_FILE="+cliConfig,
			"TF_IN_AUTOMATION=1",
			"CHECKPOINT_DISABLE=1",
		)
		return cmd.CombinedOutput()
	}
	if out, err := run(context.Background(), "init", "-input=false", "-no-color"); err != nil {
		t.Fatalf("terraform init: %v\n%s", err, out)
	}
	return dir, run
}

// terraformAtLeast reports whether the Terraform at path is version
// major.minor or later.
func terraformAtLeast(t testing.TB, path string, major, minor int) bool {
	t.Helper()
	out, err := exec.Command(path, "version", "-json").Output()
	if err != nil {
		t.Fatalf("terraform version: %v", err)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("terraform version -json: %v: %s", err, out)
	}
	var gotMajor, gotMinor int
	if _, err := fmt.Sscanf(v.Version, "%d.%d", &gotMajor, &gotMinor); err != nil {
		t.Fatalf("terraform version %q: %v", v.Version, err)
	}
	return gotMajor > major || (gotMajor == major && gotMinor >= minor)
}

// requiredProviders names the provider with its whole address, host
// included, so that OpenTofu, whose registry host is another one, finds the
// provider served at providerAddress too.
const requiredProviders = `
terraform {
  required_providers {
    sentry = {
      source = "` + providerAddress + `"
    }
  }
}
`

// timedServer records when ReadDataSource calls run, so a test can tell the
// provider's share of a terraform run from Terraform's own.
type timedServer struct {
	tfprotov6.ProviderServer
	mu          sync.Mutex
	reads       int
	first, last time.Time
	busy        time.Duration // summed duration of the reads
	// read, when set, receives each read's duration.
	read chan time.Duration
}

func (s *timedServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	start := time.Now()
	resp, err := s.ProviderServer.ReadDataSource(ctx, req)
	end := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reads++
	if s.first.IsZero() {
		s.first = start
	}
	s.last = end
	s.busy += end.Sub(start)
	if s.read != nil {
		select {
		case s.read <- end.Sub(start):
		default:
		}
	}
	return resp, err
}
