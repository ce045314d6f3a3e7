package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"

	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/confluence"
)

var _ list.ListResourceWithConfigure = &spacePermissionsExclusiveList{}

// NewSpacePermissionsExclusiveList is the constructor of the confluence_space_permissions_exclusive list resource.
func NewSpacePermissionsExclusiveList() list.ListResource {
	return &spacePermissionsExclusiveList{listBase{typeName: "_space_permissions_exclusive"}}
}

type spacePermissionsExclusiveList struct{ listBase }

func (l *spacePermissionsExclusiveList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "One access table per space the Confluence account can view. Finding the spaces costs one request " +
			"per 250; the tables are read (one listing per space and page, and the site's role mode once) only when " +
			"Terraform asks for the resources, as `terraform query -generate-config-out` does. Each grant is keyed by its " +
			"principal (`group/<id>`, `user/<id>`, `access_class/<id>`, `anonymous`), ready to be relabelled.",
		Attributes: spaceFilterAttributes(),
	}
}

func (l *spacePermissionsExclusiveList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg spaceListConfig
	client, ok := listStart(ctx, req, stream, &cfg, l.data.Confluence)
	if !ok {
		return
	}
	stream.Results = listResults(ctx, req, spacePermissionsExclusiveID, "the spaces", cfg.spaces(ctx, client), func(sp confluence.Space) (listed, bool) {
		return listed{id: []string{sp.Key}, display: spaceDisplay(sp), state: func(ctx context.Context) (any, diag.Diagnostics) {
			return l.tableState(ctx, client, sp)
		}}, true
	})
}

// tableState is the listed space's table as the resource's read builds it, allow_self_lockout left out.
func (l *spacePermissionsExclusiveList) tableState(ctx context.Context, client *confluence.Client, sp confluence.Space) (any, diag.Diagnostics) {
	var diags diag.Diagnostics
	mode, err := client.SpaceRoleMode(ctx)
	if err != nil {
		addAPIError(&diags, "Could not read the site's space role mode", err)
		return nil, diags
	}
	state, err := exclusiveState(ctx, newSpaceAccess(client, &sp, mode), spacePermissionsExclusiveModel{})
	if err != nil {
		addAPIError(&diags, "Could not read the access table of space "+sp.Key, err)
	}
	return state, diags
}

// spaceDisplay names a listed space: its key and name.
func spaceDisplay(sp confluence.Space) string {
	if sp.Name == "" {
		return sp.Key
	}
	return sp.Key + " (" + sp.Name + ")"
}
