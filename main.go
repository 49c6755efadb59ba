// Command terraform-provider-sentry is a Terraform provider that reads and
// manages Sentry client keys (DSNs).
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

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

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: registryAddress,
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}
