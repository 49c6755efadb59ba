package provider

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// The tests run under Terraform and under OpenTofu, whose version numbers
// count on their own: OpenTofu 1.10 has no ephemeral resources (1.11 does),
// while Terraform 1.10 has. tfversion's checks only see a version number,
// so the tests gate on both engines with needs.

// Features a test can need, with the first version of each engine that has
// them (nil: OpenTofu does not).
var (
	// Provider-defined functions.
	needsFunctions = needs("provider functions", "1.8.0", "1.7.0")
	// Ephemeral resources.
	needsEphemeral = needs("ephemeral resources", "1.10.0", "1.11.0")
	// Resource identity and import blocks by identity.
	needsIdentity = needs("resource identity", "1.12.0", "1.12.0")
	// terraform query and list resources.
	needsQuery = needs("terraform query", "1.14.0", "")
	// The managed resource's tests: OpenTofu before 1.12 stores a sensitive
	// attribute nested in a computed object (dsn.secret) without its mark
	// after a create, so a plan without refresh right after the apply shows
	// an in-place update that changes nothing (seen on 1.10.10; a plan that
	// refreshes is empty). The harness fails on that plan.
	needsManagedKeys = needs("marking a nested sensitive attribute after a create", "0.0.0", "1.12.0")
)

// engineCheck skips a test below the version of the engine running it.
type engineCheck struct {
	feature             string
	terraform, opentofu *version.Version
}

func needs(feature, terraform, opentofu string) tfversion.TerraformVersionCheck {
	c := engineCheck{feature: feature, terraform: version.Must(version.NewVersion(terraform))}
	if opentofu != "" {
		c.opentofu = version.Must(version.NewVersion(opentofu))
	}
	return c
}

func (c engineCheck) CheckTerraformVersion(_ context.Context, req tfversion.CheckTerraformVersionRequest, resp *tfversion.CheckTerraformVersionResponse) {
	engine, least := "Terraform", c.terraform
	if runningOpenTofu() {
		engine, least = "OpenTofu", c.opentofu
		if least == nil {
			resp.Skip = fmt.Sprintf("OpenTofu has no %s", c.feature)
			return
		}
	}
	if req.TerraformVersion.LessThan(least) {
		resp.Skip = fmt.Sprintf("%s needs %s %s or later; this is %s", c.feature, engine, least, req.TerraformVersion)
	}
}

// runningOpenTofu reports whether the tests drive OpenTofu: the binary in
// TF_ACC_TERRAFORM_PATH (or terraform on PATH) says so in its version.
var runningOpenTofu = sync.OnceValue(func() bool {
	path := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if path == "" {
		path = "terraform"
	}
	out, err := exec.Command(path, "version").Output()
	return err == nil && strings.HasPrefix(string(out), "OpenTofu")
})
