package examples_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/confluence"
)

// State written by schema version 0 of confluence_space_permissions_exclusive, whose grants were a set, is
// upgraded by the CLI's next plan: every entry gets its default key, so a configuration written with those keys
// plans nothing, and one with labels of its own plans one in-place update that writes nothing to the space.
func TestExclusiveTableUpgradeFromSet(t *testing.T) {
	tf, env, teams := newRenderRun(t)
	me := env.Creds.AdminAccountID
	table := func(keys map[string]string) string {
		var b strings.Builder
		b.WriteString(exclusiveTableStart("eng", "ENG"))
		fmt.Fprintf(&b, "    %q = { principal_type = \"user\", principal_id = %q, permissions = [\"read/space\", \"administer/space\"] }\n", keys[me], me)
		for _, id := range teams[:3] {
			fmt.Fprintf(&b, "    %q = { principal_type = \"group\", principal_id = %q, permissions = [\"read/space\", \"create/page\"] }\n", keys[id], id)
		}
		b.WriteString("    \"anonymous\" = { principal_type = \"anonymous\", permissions = [\"read/space\"] }\n  }\n}\n")
		return b.String()
	}
	defaults := map[string]string{me: "user/" + me}
	labels := map[string]string{me: "space_admin"}
	for i, id := range teams[:3] {
		defaults[id] = "group/" + id
		labels[id] = fmt.Sprintf("team_%d", i)
	}
	tf.writeConfig(table(labels))
	tf.mustRun("apply", "-auto-approve", "-input=false")
	tf.rewriteState(toSchemaV0)

	tf.writeConfig(table(defaults))
	tf.emptyPlan("after the upgrade, with the default keys")
	// A plan writes no state: the file still holds version 0 for the apply below.

	tf.writeConfig(table(labels))
	env.ResetRequests()
	out := tf.mustRun("apply", "-auto-approve", "-input=false")
	if !strings.Contains(out, "Resources: 0 added, 1 changed, 0 destroyed.") {
		t.Errorf("the labelled configuration after the upgrade: want one in-place update:\n%s", out)
	}
	for route, n := range env.APIStats() {
		if !strings.HasPrefix(route, "GET ") && !strings.HasSuffix(route, "/search") {
			t.Errorf("renaming the keys wrote to the API: %s (%d)", route, n)
		}
	}
	tf.emptyPlan("after the labels are applied")
	// The state upgraded from version 0, which had no identity, holds the table's identity again.
	if terraformAtLeast(t, tf.bin, "1.12.0") {
		want := []any{map[string]any{"space_key": "ENG"}}
		if got := tf.stateIdentities("confluence_space_permissions_exclusive"); !reflect.DeepEqual(got, want) {
			t.Errorf("identities after the upgrade: %v, want %v", got, want)
		}
	}
}

// rewriteState edits each instance of the local state file, as written by the CLI, and bumps its serial.
func (tf *terraform) rewriteState(edit func(t *testing.T, instance map[string]any)) {
	tf.t.Helper()
	path := filepath.Join(tf.dir, "terraform.tfstate")
	raw, err := os.ReadFile(path)
	if err != nil {
		tf.t.Fatal(err)
	}
	var state map[string]any
	if err := json.Unmarshal(raw, &state); err != nil {
		tf.t.Fatal(err)
	}
	state["serial"] = state["serial"].(float64) + 1
	for _, r := range state["resources"].([]any) {
		if r.(map[string]any)["type"] != "confluence_space_permissions_exclusive" {
			continue
		}
		for _, inst := range r.(map[string]any)["instances"].([]any) {
			edit(tf.t, inst.(map[string]any))
		}
	}
	if raw, err = json.MarshalIndent(state, "", "  "); err != nil {
		tf.t.Fatal(err)
	}
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		tf.t.Fatal(err)
	}
}

// toSchemaV0 turns an instance of confluence_space_permissions_exclusive into what version 0 wrote: its
// grants a list of objects (a set, in JSON), without keys.
func toSchemaV0(t *testing.T, instance map[string]any) {
	t.Helper()
	attrs := instance["attributes"].(map[string]any)
	grants, ok := attrs["grants"].(map[string]any)
	if !ok {
		t.Fatalf("the state's grants are not a map: %v", attrs["grants"])
	}
	keys := make([]string, 0, len(grants))
	for k := range grants {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	list := make([]any, 0, len(grants))
	for _, k := range keys {
		list = append(list, grants[k])
	}
	attrs["grants"] = list
	instance["schema_version"] = 0
	// Version 0 had no resource identity either.
	delete(instance, "identity")
	delete(instance, "identity_schema_version")
}

// stateIdentities are the resource identities of the local state's instances of typ, as the CLI wrote them.
func (tf *terraform) stateIdentities(typ string) []any {
	tf.t.Helper()
	raw, err := os.ReadFile(filepath.Join(tf.dir, "terraform.tfstate"))
	if err != nil {
		tf.t.Fatal(err)
	}
	var state struct {
		Resources []struct {
			Type      string
			Instances []struct {
				Identity any `json:"identity"`
			}
		}
	}
	if err := json.Unmarshal(raw, &state); err != nil {
		tf.t.Fatal(err)
	}
	var out []any
	for _, r := range state.Resources {
		if r.Type == typ {
			for _, inst := range r.Instances {
				out = append(out, inst.Identity)
			}
		}
	}
	return out
}

// Adopting a space: terraform plan -generate-config-out writes the table with its default keys, and that
// configuration imports the space with no change.
func TestExclusiveTableGenerateConfig(t *testing.T) {
	tf, env, teams := newRenderRun(t)
	if isOpenTofu(t, tf.bin) {
		// OpenTofu (1.12.6 and main as of this writing) writes the keys of a map nested attribute unquoted, so a
		// key such as "group/<id>" makes generated.tf invalid HCL and the plan fails: opentofu/opentofu#3978.
		// Terraform quotes them since 1.9 (hashicorp/terraform#35837).
		t.Skip("OpenTofu: -generate-config-out writes unquoted map keys (opentofu/opentofu#3978), so the table's generated configuration does not parse")
	}
	env.GrantByHand(t, "ENG", confluence.Principal{Type: "group", ID: teams[0]}, "read/space", "create/page")
	env.GrantByHand(t, "ENG", confluence.Principal{Type: "anonymous"}, "read/space")
	importBlock := `
import {
  to = confluence_space_permissions_exclusive.eng
  id = "ENG"
%s}
`
	// provider = confluence: Terraform 1.16.0 resolves the provider of a configuration holding only an import
	// block to hashicorp/confluence, despite required_providers (hashicorp/terraform#39144). The argument is
	// allowed only while the import block generates configuration, so it goes once generated.tf exists.
	tf.writeConfig(cliHeader + fmt.Sprintf(importBlock, "  provider = confluence\n"))
	tf.warnings = []string{"Config generation is experimental"}
	tf.mustRun("plan", "-input=false", "-generate-config-out=generated.tf")
	generated, err := os.ReadFile(filepath.Join(tf.dir, "generated.tf"))
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{`"group/` + teams[0] + `" = {`, `anonymous = {`} {
		if !strings.Contains(string(generated), key) {
			t.Errorf("the generated configuration has no entry %s:\n%s", key, generated)
		}
	}
	tf.writeConfig(cliHeader + fmt.Sprintf(importBlock, ""))
	out := tf.mustRun("apply", "-auto-approve", "-input=false")
	if !strings.Contains(out, "Resources: 1 imported, 0 added, 0 changed, 0 destroyed.") {
		t.Errorf("applying the generated configuration: want the import alone:\n%s", out)
	}
	tf.emptyPlan("after the import")
}
