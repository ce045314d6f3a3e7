package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// An import string and the identity with the same parts name the same object, and a bad identity fails as
// the same bad string does, saying what was expected.
func TestIDSpecs(t *testing.T) {
	t.Parallel()
	for name, c := range map[string]struct {
		spec      idSpec
		good, bad []string
	}{
		"group":              {groupID, []string{"0d5bd2b5"}, []string{"", "a/b", "a b"}},
		"group mapping":      {groupMappingID, []string{"s1", "s1/t1"}, []string{"s1/t1/x", "/t1"}}, // the target alone is no mapping
		"scim group":         {scimGroupID, []string{"g1"}, []string{"g/1"}},
		"scim group member":  {scimGroupMemberID, []string{"g1/u1"}, []string{"g1", "g1/u1/x"}},
		"scim group members": {scimGroupMembersExclusiveID, []string{"g1"}, []string{"g/1", " "}},
		"scim user":          {scimUserID, []string{"u1"}, []string{"jane@example.com"}},
		"exclusive table":    {spacePermissionsExclusiveID, []string{"ENG", "~5b10ac"}, []string{"E-NG", "ENG/x"}},
		"principal permissions": {spacePrincipalPermissionsID, []string{"ENG/group/g1", "ENG/user/a1", "ENG/anonymous"},
			[]string{"ENG/group", "ENG/anonymous/x", "ENG/role/r"}},
		"space role": {spaceRoleID, []string{"r1"}, []string{"r/1"}},
		"role assignment": {spaceRoleAssignmentID, []string{"DOCS/group/g1", "DOCS/access_class/all-licensed-users"},
			[]string{"DOCS/anonymous", "DOCS/access_class/everyone"}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			for _, id := range c.good {
				values, err := c.spec.parse(id)
				if err != nil {
					t.Fatalf("%q: %v", id, err)
				}
				if got := c.spec.join(values); got != id {
					t.Errorf("%q parses to %q, which joins to %q", id, values, got)
				}
				byIdentity := importByIdentity(t, c.spec, values)
				if byIdentity.Diagnostics.HasError() {
					t.Errorf("identity %q: %v", values, byIdentity.Diagnostics)
				}
			}
			for _, id := range c.bad {
				if _, err := c.spec.parse(id); err == nil {
					t.Errorf("%q parses", id)
				}
			}
			// A bad identity: the parts of a bad string, one a part.
			values := make([]string, len(c.spec.parts))
			copy(values, strings.SplitN(c.bad[len(c.bad)-1], "/", len(values)))
			_, want := c.spec.parse(c.spec.join(values))
			resp := importByIdentity(t, c.spec, values)
			if want == nil || !resp.Diagnostics.HasError() || resp.Diagnostics[0].Summary() != "Invalid import identity" ||
				resp.Diagnostics[0].Detail() != want.Error() {
				t.Errorf("identity %q: %v, want the error of the import string: %v", values, resp.Diagnostics, want)
			}
		})
	}
}

// importByIdentity runs the spec's importState on an identity with the given parts.
func importByIdentity(t *testing.T, spec idSpec, values []string) *resource.ImportStateResponse {
	t.Helper()
	ctx := context.Background()
	schema := spec.identitySchema()
	attrs := map[string]tftypes.Value{}
	for i, p := range spec.parts {
		var v any
		if values[i] != "" {
			v = values[i]
		}
		attrs[p.attr] = tftypes.NewValue(tftypes.String, v)
	}
	typ := schema.Type().TerraformType(ctx)
	req := resource.ImportStateRequest{Identity: &tfsdk.ResourceIdentity{Schema: schema, Raw: tftypes.NewValue(typ, attrs)}}
	resp := &resource.ImportStateResponse{Identity: &tfsdk.ResourceIdentity{Schema: schema, Raw: tftypes.NewValue(typ, nil)}}
	resp.State = tfsdk.State{Schema: stateSchemaOf(spec), Raw: tftypes.NewValue(stateSchemaOf(spec).Type().TerraformType(ctx), nil)}
	spec.importState(ctx, req, resp)
	return resp
}

// stateSchemaOf is a resource schema holding the spec's parts, enough for importState to set them.
func stateSchemaOf(spec idSpec) rschema.Schema {
	attrs := map[string]rschema.Attribute{}
	for _, p := range spec.parts {
		attrs[p.attr] = rschema.StringAttribute{Optional: true}
	}
	return rschema.Schema{Attributes: attrs}
}
