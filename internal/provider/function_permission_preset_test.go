package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/path"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/accessplane/terraform-provider-confluence/internal/acctest"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/confluence"
	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
	"github.com/accessplane/terraform-provider-confluence/internal/provider"
)

// presetLevels are permission_preset's levels, in order, each holding the one before.
var presetLevels = []string{"viewer", "commenter", "contributor", "space_admin"}

// wantPresets are the sets each level returns.
var wantPresets = map[string][]string{
	"viewer":    {"read/space"},
	"commenter": {"read/space", "create/comment"},
	"contributor": {
		"read/space", "create/comment",
		"create/page", "update/page", "delete/page",
		"create/blogpost", "update/blogpost", "delete/blogpost",
		"create/attachment", "delete/attachment",
		"delete/space",
	},
	"space_admin": {
		"read/space", "create/comment",
		"create/page", "update/page", "delete/page", "archive/page",
		"create/blogpost", "update/blogpost", "delete/blogpost",
		"create/attachment", "delete/attachment",
		"delete/comment", "delete/space", "export/space", "restrict_content/space", "administer/space",
	},
}

// runFunction calls a provider function the way the framework does, with a result of the return type.
func runFunction(t *testing.T, f function.Function, args ...attr.Value) function.RunResponse {
	t.Helper()
	ctx := context.Background()
	var def function.DefinitionResponse
	f.Definition(ctx, function.DefinitionRequest{}, &def)
	if def.Diagnostics.HasError() {
		t.Fatalf("definition: %v", def.Diagnostics)
	}
	result, err := def.Definition.Return.NewResultData(ctx)
	if err != nil {
		t.Fatal(err)
	}
	resp := function.RunResponse{Result: result}
	f.Run(ctx, function.RunRequest{Arguments: function.NewArgumentsData(args)}, &resp)
	return resp
}

// presetStrings runs permission_preset(level) and returns the set as a sorted slice.
func presetStrings(t *testing.T, level string) []string {
	t.Helper()
	resp := runFunction(t, provider.NewPermissionPresetFunction(), types.StringValue(level))
	if resp.Error != nil {
		t.Fatalf("permission_preset(%q): %v", level, resp.Error)
	}
	set, ok := resp.Result.Value().(types.Set)
	if !ok {
		t.Fatalf("permission_preset(%q) returned %T, not a set", level, resp.Result.Value())
	}
	var out []string
	if diags := set.ElementsAs(context.Background(), &out, false); diags.HasError() {
		t.Fatal(diags)
	}
	slices.Sort(out)
	return out
}

func TestFunctionPermissionPreset_levels(t *testing.T) {
	t.Parallel()
	for _, level := range presetLevels {
		t.Run(level, func(t *testing.T) {
			t.Parallel()
			if got, want := presetStrings(t, level), slices.Sorted(slices.Values(wantPresets[level])); !slices.Equal(got, want) {
				t.Errorf("permission_preset(%q) = %q, want %q", level, got, want)
			}
		})
	}
}

func TestFunctionPermissionPreset_eachLevelHoldsTheOneBefore(t *testing.T) {
	t.Parallel()
	for i := 1; i < len(presetLevels); i++ {
		lower, upper := presetStrings(t, presetLevels[i-1]), presetStrings(t, presetLevels[i])
		for _, p := range lower {
			if !slices.Contains(upper, p) {
				t.Errorf("%s lacks %s, which %s holds", presetLevels[i], p, presetLevels[i-1])
			}
		}
		if len(upper) <= len(lower) {
			t.Errorf("%s (%d permissions) adds nothing to %s (%d)", presetLevels[i], len(upper), presetLevels[i-1], len(lower))
		}
	}
}

// permissionsValidators returns the validators of the permissions attribute of both space resources.
func permissionsValidators(t *testing.T) map[string][]validator.Set {
	t.Helper()
	schemaOf := func(r fwresource.Resource) schema.Schema {
		var resp fwresource.SchemaResponse
		r.Schema(context.Background(), fwresource.SchemaRequest{}, &resp)
		return resp.Schema
	}
	pp, ok := schemaOf(provider.NewSpacePrincipalPermissionsResource()).Attributes["permissions"].(schema.SetAttribute)
	if !ok {
		t.Fatal("confluence_space_principal_permissions: permissions is not a set attribute")
	}
	grants, ok := schemaOf(provider.NewSpacePermissionsExclusiveResource()).Attributes["grants"].(schema.MapNestedAttribute)
	if !ok {
		t.Fatal("confluence_space_permissions_exclusive: grants is not a map nested attribute")
	}
	ex, ok := grants.NestedObject.Attributes["permissions"].(schema.SetAttribute)
	if !ok {
		t.Fatal("confluence_space_permissions_exclusive: grants.permissions is not a set attribute")
	}
	return map[string][]validator.Set{
		"confluence_space_principal_permissions.permissions":        pp.Validators,
		"confluence_space_permissions_exclusive.grants.permissions": ex.Validators,
	}
}

// validPermissions reports whether every validator of a permissions attribute accepts perms.
func validPermissions(vs []validator.Set, perms []string) bool {
	elems := make([]attr.Value, len(perms))
	for i, p := range perms {
		elems[i] = types.StringValue(p)
	}
	req := validator.SetRequest{Path: path.Root("permissions"), ConfigValue: types.SetValueMust(types.StringType, elems)}
	for _, v := range vs {
		var resp validator.SetResponse
		v.ValidateSet(context.Background(), req, &resp)
		if resp.Diagnostics.HasError() {
			return false
		}
	}
	return true
}

// Every preset passes the plan-time validation of both space resources, and space_admin is every permission of
// the emulator's catalogue (GET /space-permissions) that they accept, and nothing they refuse.
func TestFunctionPermissionPreset_acceptedByTheSpaceResources(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	defs, err := env.Confluence(t).SpacePermissionCatalogue(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	candidates := []string{"manage_users/space", "export_content/space", "purge/page", "use/space", "not/valid"} // refused
	for _, d := range defs {
		candidates = append(candidates, d.ID)
	}
	admin := presetStrings(t, "space_admin")
	for attribute, vs := range permissionsValidators(t) {
		for _, level := range presetLevels {
			if perms := presetStrings(t, level); !validPermissions(vs, perms) {
				t.Errorf("%s refuses permission_preset(%q) = %q", attribute, level, perms)
			}
		}
		accepted := 0
		for _, p := range candidates {
			ok := validPermissions(vs, []string{"read/space", p})
			switch {
			case ok && !slices.Contains(admin, p):
				t.Errorf("%s accepts %s, which space_admin lacks", attribute, p)
			case !ok && slices.Contains(admin, p):
				t.Errorf("%s refuses %s, which space_admin holds", attribute, p)
			case ok:
				accepted++
			}
		}
		if accepted != len(admin) {
			t.Errorf("%s accepts %d of the catalogue's permissions; space_admin holds %d", attribute, accepted, len(admin))
		}
	}
}

func TestFunctionPermissionPreset_errors(t *testing.T) {
	t.Parallel()
	for name, level := range map[string]types.String{
		"unknown level":  types.StringValue("owner"),
		"case-sensitive": types.StringValue("Viewer"),
		"empty":          types.StringValue(""),
		"null":           types.StringNull(),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			resp := runFunction(t, provider.NewPermissionPresetFunction(), level)
			if resp.Error == nil {
				t.Fatalf("permission_preset(%s): no error; result %s", level, resp.Result.Value())
			}
			if resp.Error.FunctionArgument == nil || *resp.Error.FunctionArgument != 0 {
				t.Errorf("the error names no argument (want level, position 0): %v", resp.Error)
			}
			want := fmt.Sprintf(`level must be one of "viewer", "commenter", "contributor", "space_admin"; got %q`, level.ValueString())
			if resp.Error.Text != want {
				t.Errorf("error %q, want %q", resp.Error.Text, want)
			}
		})
	}
}

// presetsConfig is one output per level.
func presetsConfig() string {
	var b strings.Builder
	for _, level := range presetLevels {
		fmt.Fprintf(&b, "output %q {\n  value = provider::confluence::permission_preset(%q)\n}\n", level, level)
	}
	return b.String()
}

// functionVersionChecks skip a test on CLIs without provider-defined functions.
var functionVersionChecks = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)}

func TestAccFunctionPermissionPreset_outputs(t *testing.T) {
	t.Parallel()
	checks := make([]statecheck.StateCheck, 0, len(presetLevels))
	for _, level := range presetLevels {
		checks = append(checks, statecheck.ExpectKnownOutputValue(level, acctest.StringSet(wantPresets[level]...)))
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		TerraformVersionChecks:   functionVersionChecks,
		Steps:                    []resource.TestStep{{Config: presetsConfig(), ConfigStateChecks: checks}},
	})
}

func TestAccFunctionPermissionPreset_unknownLevel(t *testing.T) {
	t.Parallel()
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		TerraformVersionChecks:   functionVersionChecks,
		Steps: []resource.TestStep{{
			Config: `output "x" {
  value = provider::confluence::permission_preset("owner")
}
`,
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)Invalid value for "level" parameter:.*level must be one of "viewer",.*"commenter",.*"contributor",.*"space_admin";.*got "owner"`),
		}},
	})
}

// The preset applies to anonymous users in ENG, Confluence holds exactly it, and the plan after is empty.
func TestAccFunctionPermissionPreset_anonymousCommenter(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	anonymous := confluence.Principal{Type: confluence.PrincipalAnonymous}
	config := env.Config(`resource "confluence_space_principal_permissions" "this" {
  space_key      = "ENG"
  principal_type = "anonymous"
  permissions    = provider::confluence::permission_preset("commenter")
}
`)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		TerraformVersionChecks:   functionVersionChecks,
		Steps: []resource.TestStep{
			{
				Config:            config,
				ConfigStateChecks: []statecheck.StateCheck{ppExpectHeld(t, env, "ENG", anonymous, "read/space", "create/comment")},
			},
			{
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// Every level applies cleanly against the emulator (each permission is one Confluence grants), and converges.
func TestAccFunctionPermissionPreset_everyLevelApplies(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	var body strings.Builder
	checks := make([]statecheck.StateCheck, 0, len(presetLevels))
	for _, level := range presetLevels {
		group := env.NewGroup(t, "preset-"+level)
		fmt.Fprintf(&body, `resource "confluence_space_principal_permissions" %q {
  space_key      = "ENG"
  principal_type = "group"
  principal_id   = %q
  permissions    = provider::confluence::permission_preset(%q)
}
`, level, group, level)
		checks = append(checks, ppExpectHeld(t, env, "ENG", confluence.Principal{Type: confluence.PrincipalGroup, ID: group}, wantPresets[level]...))
	}
	config := env.Config(body.String())
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		TerraformVersionChecks:   functionVersionChecks,
		Steps: []resource.TestStep{
			{Config: config, ConfigStateChecks: checks},
			{
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}
