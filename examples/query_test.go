package examples_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/go-version"

	"github.com/accessplane/terraform-provider-confluence/internal/acctest"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/confluence"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/scim"
	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
)

// terraformAtLeast reports whether bin is Terraform (not OpenTofu) of version v or later.
func terraformAtLeast(t *testing.T, bin, v string) bool {
	t.Helper()
	if isOpenTofu(t, bin) {
		return false
	}
	cmd := exec.CommandContext(t.Context(), bin, "version", "-json")
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+os.DevNull, "CHECKPOINT_DISABLE=1")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s version -json: %v", bin, err)
	}
	var got struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%s version -json: %v", bin, err)
	}
	return !version.Must(version.NewVersion(got.Version)).LessThan(version.Must(version.NewVersion(v)))
}

// newQueryRun is a working directory for terraform query (Terraform 1.14 and later; OpenTofu has no query
// command), against an emulator started with opts. It skips the test on a CLI without it.
func newQueryRun(t *testing.T, opts emulator.Options) (*terraform, *acctest.Env) {
	t.Helper()
	bin, err := terraformBinary()
	if err != nil {
		t.Skipf("no terraform CLI: %v", err)
	}
	if !terraformAtLeast(t, bin, "1.14.0") {
		t.Skipf("terraform query needs Terraform 1.14 or later, not %s", bin)
	}
	env := acctest.New(t, opts)
	tf := &terraform{t: t, bin: bin, dir: t.TempDir(), env: emulator.CommandEnv(providerCLIConfig(t), env.Emulator.Env(env.URL))}
	tf.warnings = []string{"Config generation is experimental"}
	return tf, env
}

// writeQuery writes the query file (*.tfquery.hcl) beside the configuration.
func (tf *terraform) writeQuery(query string) {
	tf.t.Helper()
	if err := os.WriteFile(filepath.Join(tf.dir, "adopt.tfquery.hcl"), []byte(query), 0o600); err != nil {
		tf.t.Fatal(err)
	}
}

// generate runs terraform query -generate-config-out and returns the configuration it wrote.
func (tf *terraform) generate() string {
	tf.t.Helper()
	tf.mustRun("query", "-generate-config-out=generated.tf")
	generated, err := os.ReadFile(filepath.Join(tf.dir, "generated.tf"))
	if err != nil {
		tf.t.Fatal(err)
	}
	return string(generated)
}

// Adopting a site with terraform query: every list resource finds what was made by hand, and the configuration
// it generates imports all of it with no change and no write. Generated configuration leaves out the settings
// at their defaults (allow_self_lockout, active, on_destroy).
func TestQueryGenerateConfig(t *testing.T) {
	tf, env := newQueryRun(t, emulator.Options{RoleMode: confluence.RoleModeTransition})
	ctx := context.Background()
	scimAPI := env.SCIM(t)
	for _, name := range []string{"ctr-ann", "ctr-bob", "emp-cy"} {
		u := scim.User{UserName: name + "@example.com", Emails: []scim.Email{{Value: name + "@example.com", Primary: true}}}
		if _, err := scimAPI.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := scimAPI.CreateGroup(ctx, scim.Group{DisplayName: "adopt-crew"}); err != nil {
		t.Fatal(err)
	}
	team := env.NewGroup(t, "adopt-team")
	env.GrantByHand(t, "ENG", confluence.Principal{Type: "group", ID: team}, "read/space", "create/page")
	env.GrantByHand(t, "OPS", confluence.Principal{Type: "anonymous"}, "read/space")

	tf.writeConfig(cliHeader + "\nprovider \"confluence\" {}\n")
	tf.writeQuery(`
list "confluence_scim_user" "contractors" {
  provider = confluence
  config { user_name_prefix = "ctr-" }
}

list "confluence_scim_group" "all" { provider = confluence }

list "confluence_group" "adopt" {
  provider = confluence
  config { name_prefix = "adopt-" }
}

list "confluence_space_permissions_exclusive" "classic" {
  provider = confluence
  config { space_keys = ["ENG", "OPS"] }
}

list "confluence_space_role_assignment" "docs" {
  provider = confluence
  config { space_keys = ["DOCS"] }
}
`)
	generated := tf.generate()
	for _, want := range []string{
		`user_name\s+= "ctr-ann@example.com"`, `user_name\s+= "ctr-bob@example.com"`, `display_name\s+= "adopt-crew"`,
		`name\s+= "adopt-team"`, `"group/` + team + `" = \{`, `anonymous = \{`, `space_key\s+= "DOCS"`,
	} {
		if !regexp.MustCompile(want).MatchString(generated) {
			t.Errorf("the generated configuration has no %s:\n%s", want, generated)
		}
	}
	for _, unwanted := range []string{"emp-cy", "allow_self_lockout", "active ", "on_destroy", "confluence-users\""} {
		if strings.Contains(generated, unwanted) {
			t.Errorf("the generated configuration has %q:\n%s", unwanted, generated)
		}
	}
	env.ResetRequests()
	// 2 users, 1 SCIM group, 1 group, 2 tables, the 2 role assignments of DOCS (the provider's account and
	// confluence-users)
	out := tf.mustRun("apply", "-auto-approve", "-input=false")
	if !strings.Contains(out, "Resources: 8 imported, 0 added, 0 changed, 0 destroyed.") {
		t.Errorf("applying the generated configuration: want 8 imports alone:\n%s", out)
	}
	for route := range env.APIStats() {
		if !strings.HasPrefix(route, "GET ") && !strings.HasSuffix(route, "/search") {
			t.Errorf("the import wrote to the API: %s", route)
		}
	}
	tf.emptyPlan("after the import")
}

// Finding S spaces costs one listing per 250 of them; generating their configuration adds the site's role mode
// and one listing per space and page: at S = 200 (and the 5 seeded spaces) 207 requests, and the 205 tables then
// import unchanged.
func TestQueryDiscoveryBudget(t *testing.T) {
	const spaces = 200 + 5
	tf, env := newQueryRun(t, emulator.Options{RoleMode: confluence.RoleModePreRoles, ExtraSpaces: 200})
	tf.writeConfig(cliHeader + "\nprovider \"confluence\" {}\n")
	tf.writeQuery(`
list "confluence_space_permissions_exclusive" "all" {
  provider = confluence
  limit    = 1000 # Terraform stops at 100 results by default
}
`)
	env.ResetRequests()
	tf.mustRun("query")
	if got, want := env.APIStats(), map[string]int{"GET /wiki/api/v2/spaces": 1}; !maps.Equal(got, want) {
		t.Errorf("terraform query alone: requests %v, want %v (no table is read)", got, want)
	}
	env.ResetRequests()
	generated := tf.generate()
	if n := strings.Count(generated, `resource "confluence_space_permissions_exclusive"`); n != spaces {
		t.Fatalf("%d tables generated, want %d", n, spaces)
	}
	stats := env.APIStats()
	budget := (spaces+249)/250 + spaces + 1
	want := map[string]int{
		"GET /wiki/api/v2/spaces":                  (spaces + 249) / 250,
		"GET /wiki/api/v2/space-role-mode":         1,
		"GET /wiki/api/v2/spaces/{id}/permissions": spaces,
	}
	total := 0
	for route, n := range stats {
		total += n
		if n != want[route] {
			t.Errorf("%s: %d requests, want %d", route, n, want[route])
		}
	}
	t.Logf("discovering %d spaces' tables: %d requests (budget %d): %v", spaces, total, budget, stats)
	if total > budget {
		t.Errorf("%d requests, want at most %d", total, budget)
	}
	out := tf.mustRun("apply", "-auto-approve", "-input=false")
	if !strings.Contains(out, fmt.Sprintf("Resources: %d imported, 0 added, 0 changed, 0 destroyed.", spaces)) {
		t.Errorf("applying the generated configuration: want %d imports alone:\n%s", spaces, out)
	}
	tf.emptyPlan("after the import")
}
