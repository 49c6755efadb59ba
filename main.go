// Command terraform-provider-sentry is a Terraform provider that reads Sentry
// client keys (DSNs).
package main

import (
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/sentrykeys/terraform-provider-sentry/internal/provider"
)

// Format the examples and generate the documentation in docs/ from the schema
// descriptions, templates/ and examples/.
//go:generate terraform fmt -recursive ./examples/
//go:generate go tool tfplugindocs generate --provider-name sentry

// registryAddress is the provider's source address in the Terraform registry.
// Nothing else depends on it: dev_overrides may install the binary under any
// address.
const registryAddress = "registry.terraform.io/sentrykeys/sentry"

// version is set by the release build (goreleaser's -ldflags -X main.version).
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	// provider.NewServer is the framework's protocol 6 server with one read
	// streamed (see internal/provider/server.go), so the provider is served
	// with tf6server, as providerserver.Serve would serve the framework's.
	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	if err := tf6server.Serve(registryAddress, provider.NewServer(version), opts...); err != nil {
		log.Fatal(err.Error())
	}
}
