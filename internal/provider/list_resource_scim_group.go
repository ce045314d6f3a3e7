package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/scim"
)

var _ list.ListResourceWithConfigure = &scimGroupList{}

// NewSCIMGroupList is the constructor of the confluence_scim_group list resource.
func NewSCIMGroupList() list.ListResource { return &scimGroupList{listBase{typeName: "_scim_group"}} }

type scimGroupList struct{ listBase }

type scimGroupListConfig struct {
	DisplayNamePrefix types.String `tfsdk:"display_name_prefix"`
}

func (l *scimGroupList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "The groups of the SCIM directory. The directory is listed in pages of 100 and the prefix is " +
			"matched here, without regard to case (Atlassian's SCIM filters compare for equality only).",
		Attributes: map[string]listschema.Attribute{
			"display_name_prefix": listschema.StringAttribute{
				MarkdownDescription: "Only groups whose `display_name` starts with this, such as `team-`.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
		},
	}
}

func (l *scimGroupList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg scimGroupListConfig
	client, ok := listStart(ctx, req, stream, &cfg, l.data.SCIM)
	if !ok {
		return
	}
	stream.Results = listResults(ctx, req, scimGroupID, "the SCIM directory's groups", client.Groups(ctx), func(g scim.Group) (listed, bool) {
		return listed{id: []string{g.ID}, display: g.DisplayName, state: func(context.Context) (any, diag.Diagnostics) {
			return groupState(scimGroupModel{}, &g), nil
		}}, hasPrefixFold(g.DisplayName, cfg.DisplayNamePrefix)
	})
}
