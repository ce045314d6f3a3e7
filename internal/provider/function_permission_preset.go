package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ function.Function = &permissionPresetFunction{}

// NewPermissionPresetFunction is the constructor of provider::confluence::permission_preset.
func NewPermissionPresetFunction() function.Function {
	return &permissionPresetFunction{}
}

type permissionPresetFunction struct{}

// permissionPreset is one level of permission_preset: its name, what it is for, and the classic permissions it
// adds to the level before it.
type permissionPreset struct {
	level, summary string
	adds           []string
}

// permissionPresets are the levels, each a superset of the one before. Every permission is one that
// confluence_space_principal_permissions and confluence_space_permissions_exclusive accept (classicPermissions),
// and space_admin is all of them, so that it keeps up with what the provider accepts.
var permissionPresets = []permissionPreset{
	{level: "viewer", summary: "to view the space and its content", adds: []string{"read/space"}},
	{level: "commenter", summary: "to comment too", adds: []string{"create/comment"}},
	{
		level: "contributor",
		summary: "to add, edit and delete pages, blog posts and attachments too (`delete/space` is Confluence's " +
			"\"delete own content\")",
		adds: []string{
			"create/page", "update/page", "delete/page",
			"create/blogpost", "update/blogpost", "delete/blogpost",
			"create/attachment", "delete/attachment",
			"delete/space",
		},
	},
	{
		level:   "space_admin",
		summary: "that is every classic permission the provider accepts, administering the space included",
		// The rest of classicPermissions: archive/page, delete/comment, export/space, restrict_content/space
		// and administer/space.
	},
}

// presetLevels are the accepted values of level, in order.
func presetLevels() []string {
	levels := make([]string, len(permissionPresets))
	for i, p := range permissionPresets {
		levels[i] = p.level
	}
	return levels
}

// presetPermissions is the whole set of a level, sorted with read/space first; ok is false for an unknown level.
func presetPermissions(level string) ([]string, bool) {
	var perms []string
	for _, p := range permissionPresets {
		perms = append(perms, p.adds...)
		if p.level == "space_admin" {
			perms = append(perms, classicPermissions...)
		}
		if p.level == level {
			return sortPermissions(perms), true
		}
	}
	return nil, false
}

// sortPermissions returns the distinct permissions sorted, read/space first.
func sortPermissions(perms []string) []string {
	out := slices.Clone(perms)
	slices.SortFunc(out, func(a, b string) int {
		switch {
		case a == b:
			return 0
		case a == "read/space":
			return -1
		case b == "read/space":
			return 1
		}
		return strings.Compare(a, b)
	})
	return slices.Compact(out)
}

func (f *permissionPresetFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "permission_preset"
}

func (f *permissionPresetFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	var levels strings.Builder
	var before []string
	for i, p := range permissionPresets {
		perms, _ := presetPermissions(p.level)
		added := slices.DeleteFunc(slices.Clone(perms), func(s string) bool { return slices.Contains(before, s) })
		what := markdownList(added)
		if i > 0 {
			what = "`" + permissionPresets[i-1].level + "` plus " + what
		}
		fmt.Fprintf(&levels, "- `%s`: %s, %s.\n", p.level, what, p.summary)
		before = perms
	}
	resp.Definition = function.Definition{
		Summary: "The classic space permissions of an access level",
		MarkdownDescription: "Returns the set of classic space permissions (`key/target` strings) of an access level, for the " +
			"`permissions` of `confluence_space_principal_permissions` or of a `confluence_space_permissions_exclusive` grant, " +
			"so that a configuration says what a principal is for rather than listing permissions. Each level holds " +
			"everything of the level before it:\n\n" + levels.String() + "\n" +
			"Requires Terraform 1.8 or later, or OpenTofu 1.7 or later.",
		Parameters: []function.Parameter{
			function.StringParameter{
				Name:                "level",
				MarkdownDescription: "The access level: one of " + markdownList(presetLevels()) + ".",
			},
		},
		Return: function.SetReturn{ElementType: types.StringType},
	}
}

func (f *permissionPresetFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var level types.String
	resp.Error = req.Arguments.Get(ctx, &level)
	if resp.Error != nil {
		return
	}
	perms, ok := presetPermissions(level.ValueString())
	if !ok {
		resp.Error = function.NewArgumentFuncError(0, fmt.Sprintf("level must be one of %s; got %q",
			strings.Join(quoteAll(presetLevels()), ", "), level.ValueString()))
		return
	}
	resp.Error = resp.Result.Set(ctx, stringSet(perms))
}

// quoteAll is each item in double quotes, as a configuration would write it.
func quoteAll(items []string) []string {
	out := make([]string, len(items))
	for i, s := range items {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}
