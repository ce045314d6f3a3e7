package provider

import (
	"context"

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
	diags := req.Config.Get(ctx, &cfg)
	client, d := l.data.Confluence(ctx)
	if diags.Append(d...); diags.HasError() {
		stream.Results = listError(diags)
		return
	}
	stream.Results = listResults(ctx, req, spaceRoleAssignmentID, "the spaces' role assignments", func(yield func(listed, error) bool) {
		mode, err := client.SpaceRoleMode(ctx)
		if err != nil || mode == confluence.RoleModePreRoles {
			if err != nil {
				yield(listed{}, err)
			}
			return
		}
		for sp, err := range cfg.spaces(ctx, client) {
			if err != nil {
				yield(listed{}, err)
				return
			}
			assignments, err := client.RoleAssignments(ctx, sp.ID)
			if err != nil {
				yield(listed{}, err)
				return
			}
			for _, a := range assignments {
				id := []string{sp.Key, a.Principal.Type, a.Principal.ID}
				if !yield(listed{id: id, display: sp.Key + " " + a.Principal.String(), state: func(ctx context.Context) (any, diag.Diagnostics) {
					var diags diag.Diagnostics
					state, err := assignmentState(ctx, client, spaceRef(&sp), a, spaceRoleAssignmentModel{})
					if err != nil {
						addAPIError(&diags, "Could not read the role of "+a.Principal.String()+" in space "+sp.Key, err)
					}
					return state, diags
				}}, nil) {
					return
				}
			}
		}
	})
}
