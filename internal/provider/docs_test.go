package provider

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/list"
)

// TestListResourceDocumentation holds the hand-written page of the list
// resource (tfplugindocs can only generate it with Terraform 1.14) to the
// code: its schema section lists each attribute with the schema's own
// description, and its example is the example file.
func TestListResourceDocumentation(t *testing.T) {
	page, err := os.ReadFile("../../templates/list-resources/project_key.md")
	if err != nil {
		t.Fatal(err)
	}
	var resp list.ListResourceSchemaResponse
	(&projectKeyListResource{}).ListResourceConfigSchema(context.Background(), list.ListResourceSchemaRequest{}, &resp)
	var want []string
	for name, a := range resp.Schema.Attributes {
		kind := "Optional"
		if a.IsRequired() {
			kind = "Required"
		}
		want = append(want, fmt.Sprintf("%s: - `%s` (String) %s", kind, name, a.GetMarkdownDescription()))
	}
	sort.Strings(want)

	schema := string(page[strings.Index(string(page), "## Schema"):])
	var got []string
	section := ""
	for _, line := range strings.Split(schema, "\n") {
		switch {
		case strings.HasPrefix(line, "### "):
			section = strings.TrimPrefix(line, "### ")
		case strings.HasPrefix(line, "- `"):
			got = append(got, section+": "+line)
		}
	}
	sort.Strings(got)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("the page's schema:\n%s\nthe code's:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	example, err := os.ReadFile("../../examples/list-resources/sentry_project_key/list-resource.tfquery.hcl")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), "```terraform\n"+string(example)+"```") {
		t.Error("the page's example is not examples/list-resources/sentry_project_key/list-resource.tfquery.hcl")
	}
}
