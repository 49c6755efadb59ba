package provider

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/sentrykeys/terraform-provider-sentry/internal/sentrytest"
)

// keyIn is sentry_project_key.test in the given organization and project.
func keyIn(organization, project string) string {
	return fmt.Sprintf(`
resource "sentry_project_key" "test" {
  organization = %q
  project      = %q
  name         = "web"
}
`, organization, project)
}

// TestAccProjectKeyResource_sameProjectOtherNames changes organization and
// project to other names of the key's own project: its new slug after a
// rename in Sentry, its numeric id, the organization's numeric id. Each is
// an in-place update that sends nothing to Sentry and keeps the key and its
// DSN; only another project replaces the key.
func TestAccProjectKeyResource_sameProjectOtherNames(t *testing.T) {
	isolateEnv(t)
	srv := newFake(t, sentrytest.Config{})
	api := srv.AddProject(sentrytest.ProjectSpec{Slug: "api", Teams: []string{"acme"}})
	sameKey := statecheck.CompareValue(compare.ValuesSame())
	sameDSN := statecheck.CompareValue(compare.ValuesSame())
	kept := func(pre func(), organization, project string) resource.TestStep {
		return resource.TestStep{
			PreConfig: pre,
			Config:    providerBlock(srv) + keyIn(organization, project),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(keyAddress, plancheck.ResourceActionUpdate)},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				sameKey.AddStateValue(keyAddress, tfjsonpath.New("id")),
				sameDSN.AddStateValue(keyAddress, tfjsonpath.New("dsn").AtMapKey("public")),
			},
			// The create's POST, and no write since.
			Check: resource.ComposeAggregateTestCheckFunc(checkKeyCount(srv, 1), expectRequests(srv, http.MethodPost, 1),
				expectRequests(srv, http.MethodPut, 0), expectRequests(srv, http.MethodDelete, 0)),
		}
	}
	org := srv.Organization()
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{needsManagedKeys},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkKeyGone(srv),
		Steps: []resource.TestStep{
			{
				Config: providerBlock(srv) + keyIn("acme", "web"),
				ConfigStateChecks: []statecheck.StateCheck{
					sameKey.AddStateValue(keyAddress, tfjsonpath.New("id")),
					sameDSN.AddStateValue(keyAddress, tfjsonpath.New("dsn").AtMapKey("public")),
				},
			},
			kept(func() { srv.Project().Rename("web-renamed") }, "acme", "web-renamed"),
			kept(nil, "acme", fmt.Sprint(srv.Project().ID())),
			kept(nil, fmt.Sprint(org.ID()), fmt.Sprint(srv.Project().ID())),
			{
				Config: providerBlock(srv) + keyIn("acme", "api"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(keyAddress, plancheck.ResourceActionReplace)},
				},
				Check: resource.ComposeAggregateTestCheckFunc(checkKeyCount(srv, 0), func(*terraform.State) error {
					if n := len(api.ListedKeys()); n != 1 {
						return fmt.Errorf("project api has %d keys, want the new one", n)
					}
					return nil
				}),
			},
		},
	})
}

// TestAccProjectKeyResource_planSaysWhyTheKeyIsKept runs terraform plan
// after a rename in Sentry: the plan is an update, and a warning says why
// no replacement happens.
func TestAccProjectKeyResource_planSaysWhyTheKeyIsKept(t *testing.T) {
	isolateEnv(t)
	quietLogs(t)
	srv := newFake(t, sentrytest.Config{})
	dir, run := terraformDir(t, requiredProviders+providerBlock(srv)+keyIn("acme", "web"), serveForCLI(t, newProviderServer()))
	ctx := context.Background()
	if out, err := run(ctx, "apply", "-auto-approve", "-input=false", "-no-color"); err != nil {
		t.Fatalf("terraform apply: %v\n%s", err, out)
	}
	srv.Project().Rename("web-renamed")
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(requiredProviders+providerBlock(srv)+keyIn("acme", "web-renamed")), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := run(ctx, "plan", "-input=false", "-no-color")
	plan := string(out)
	if err != nil || !strings.Contains(plan, "Sentry Client Key Kept") || !strings.Contains(plan, "1 to change, 0 to destroy") || !errorRe("acme/web and acme/web-renamed name the same Sentry project").MatchString(plan) {
		t.Fatalf("terraform plan after a rename: %v\n%s", err, plan)
	}
}

// TestAccProjectKeyResource_writesFollowARename renames the project in
// Sentry and changes the key while the configuration still names the old
// slug: Sentry answers the update with its 302, the update is sent again to
// the new slug and done there, and the apply warns with the slug to write.
// The destroy at the end follows the rename too.
func TestAccProjectKeyResource_writesFollowARename(t *testing.T) {
	isolateEnv(t)
	quietLogs(t)
	srv := newFake(t, sentrytest.Config{})
	dir, run := terraformDir(t, requiredProviders+providerBlock(srv)+keyIn("acme", "web"), serveForCLI(t, newProviderServer()))
	ctx := context.Background()
	if out, err := run(ctx, "apply", "-auto-approve", "-input=false", "-no-color"); err != nil {
		t.Fatalf("terraform apply: %v\n%s", err, out)
	}
	srv.Project().Rename("web-renamed")
	renamed := strings.Replace(keyIn("acme", "web"), `name         = "web"`, `name         = "web (renamed key)"`, 1)
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(requiredProviders+providerBlock(srv)+renamed), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := run(ctx, "apply", "-auto-approve", "-input=false", "-no-color")
	if err != nil || !errorRe("Sentry Project Renamed", `Project "web" of organization "acme" is now "web-renamed"`, `project = "web-renamed"`).Match(out) {
		t.Fatalf("terraform apply after a rename: %v\n%s", err, out)
	}
	keys := srv.Project().ListedKeys()
	if len(keys) != 1 || keys[0].Name() != "web (renamed key)" {
		t.Fatalf("after the update the project holds %v", keys)
	}
	if out, err := run(ctx, "destroy", "-auto-approve", "-input=false", "-no-color"); err != nil || len(srv.Project().ListedKeys()) != 0 {
		t.Fatalf("terraform destroy after a rename: %v\n%s", err, out)
	}
}

// TestAccProjectKeyResource_importByNumericIDs imports a key by the
// organization's and the project's numeric ids, by ID and by identity,
// where the configuration writes their slugs: the state takes the slugs and
// the plan has nothing to change.
func TestAccProjectKeyResource_importByNumericIDs(t *testing.T) {
	isolateEnv(t)
	srv := newFake(t, sentrytest.Config{})
	key := srv.AddKeys(1)[0]
	org, project := fmt.Sprint(srv.Organization().ID()), fmt.Sprint(srv.Project().ID())
	resourceBlock := fmt.Sprintf(`
resource "sentry_project_key" "test" {
  organization = "acme"
  project      = "web"
  name         = %q
}
`, key.Name())
	byID := fmt.Sprintf(`
import {
  to = sentry_project_key.test
  id = "%s/%s/%s"
}
`, org, project, key.ID())
	byIdentity := fmt.Sprintf(`
import {
  to = sentry_project_key.test
  identity = {
    organization = %q
    project      = %q
    id           = %q
  }
}
`, org, project, key.ID())
	for name, tc := range map[string]struct {
		block string
		needs []tfversion.TerraformVersionCheck
	}{
		"by ID":       {byID, []tfversion.TerraformVersionCheck{needsManagedKeys}},
		"by identity": {byIdentity, []tfversion.TerraformVersionCheck{needsManagedKeys, needsIdentity}},
	} {
		t.Run(name, func(t *testing.T) {
			resource.UnitTest(t, resource.TestCase{
				TerraformVersionChecks:   tc.needs,
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: providerBlock(srv) + tc.block + resourceBlock,
					ConfigPlanChecks: resource.ConfigPlanChecks{
						PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(keyAddress, plancheck.ResourceActionNoop)},
						PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
					},
					Check: resource.ComposeAggregateTestCheckFunc(
						resource.TestCheckResourceAttr(keyAddress, "organization", "acme"),
						resource.TestCheckResourceAttr(keyAddress, "project", "web"),
					),
				}},
			})
			// The destroy at the end deleted the key: bring it back for the
			// next form.
			if srv.Project().Key(key.ID()) == nil {
				key = srv.AddKey(sentrytest.KeySpec{Public: key.ID(), Label: key.Name()})
			}
		})
	}
}
