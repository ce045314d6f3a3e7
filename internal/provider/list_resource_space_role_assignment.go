package provider

import (
	"context"
	"iter"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"

	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/confluence"
)

var _ list.ListResourceWithConfigure = &spaceRoleAssignmentList{}

// NewSpaceRoleAssignmentList is the constructor of the confluence_space_role_assignment list resource.
func NewSpaceRoleAssignmentList() list.ListResource {
	return &spaceRoleAssignmentList{listBase{typeName: "_space_role_assignment"}}
}

type spaceRoleAssignmentList struct{ listBase }

func (l *spaceRoleAssignmentList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Every role assignment in the spaces the Confluence account can view: one request per 250 spaces, " +
			"the site's role mode, and one listing per space and page. A site in space role mode `PRE_ROLES` has none.",
		Attributes: spaceFilterAttributes(),
	}
}

func (l *spaceRoleAssignmentList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg spaceListConfig
	client, ok := listStart(ctx, req, stream, &cfg, l.data.Confluence)
	if !ok {
		return
	}
	stream.Results = listResults(ctx, req, spaceRoleAssignmentID, "the spaces' role assignments", spaceAssignments(ctx, client, cfg),
		func(a spaceAssignment) (listed, bool) {
			return listed{
				id:      []string{a.space.Key, a.Principal.Type, a.Principal.ID},
				display: a.space.Key + " " + a.Principal.String(),
				state: func(ctx context.Context) (any, diag.Diagnostics) {
					var diags diag.Diagnostics
					state, err := assignmentState(ctx, client, spaceRef(&a.space), a.RoleAssignment, spaceRoleAssignmentModel{})
					if err != nil {
						addAPIError(&diags, "Could not read the role of "+a.Principal.String()+" in space "+a.space.Key, err)
					}
					return state, diags
				},
			}, true
		})
}

// spaceAssignment is a role assignment with its space.
type spaceAssignment struct {
	confluence.RoleAssignment
	space confluence.Space
}

// spaceAssignments yields the role assignments of the spaces cfg names: none on a site without roles.
func spaceAssignments(ctx context.Context, client *confluence.Client, cfg spaceListConfig) iter.Seq2[spaceAssignment, error] {
	return func(yield func(spaceAssignment, error) bool) {
		mode, err := client.SpaceRoleMode(ctx)
		if err != nil {
			yield(spaceAssignment{}, err)
			return
		}
		if mode == confluence.RoleModePreRoles {
			return
		}
		for sp, err := range cfg.spaces(ctx, client) {
			var assignments []confluence.RoleAssignment
			if err == nil {
				assignments, err = client.RoleAssignments(ctx, sp.ID)
			}
			if err != nil {
				yield(spaceAssignment{}, err)
				return
			}
			for _, a := range assignments {
				if !yield(spaceAssignment{a, sp}, nil) {
					return
				}
			}
		}
	}
}
