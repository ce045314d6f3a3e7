package provider

import (
	"context"
	"errors"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/admin"
)

var _ list.ListResourceWithConfigure = &groupList{}

// NewGroupList is the constructor of the confluence_group list resource.
func NewGroupList() list.ListResource { return &groupList{listBase{typeName: "_group"}} }

type groupList struct{ listBase }

type groupListConfig struct {
	NamePrefix types.String `tfsdk:"name_prefix"`
	Source     types.String `tfsdk:"source"`
}

// Where a group comes from (the list's source filter).
const (
	groupSourceLocal  = "local"
	groupSourceSynced = "synced"
)

// errSyncedGroupsNotListed explains why the list has no synced groups: confluence_group cannot manage them.
var errSyncedGroupsNotListed = errors.New(`groups synced from an identity provider are read-only in the Organizations API, ` +
	`so confluence_group cannot manage them and importing one would fail. Find them with list "confluence_scim_group" ` +
	`(their SCIM side, with the SCIM credential) and give them Confluence access with confluence_group_mapping; read one ` +
	`with the confluence_group data source. Use source = "local"`)

func (l *groupList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "The organization's groups that `confluence_group` can manage: those made in Atlassian rather " +
			"than synced from an identity provider. The Organizations API is searched for the name, and the prefix matched " +
			"here, without regard to case.",
		Attributes: map[string]listschema.Attribute{
			"name_prefix": listschema.StringAttribute{
				MarkdownDescription: "Only groups whose name starts with this, such as `confluence-`.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"source": listschema.StringAttribute{
				MarkdownDescription: "`local` (the default): groups made in Atlassian. `synced` is refused with the reason: " +
					"groups synced from an identity provider cannot be managed by `confluence_group`; list them with " +
					"`confluence_scim_group`.",
				Optional: true,
				Validators: []validator.String{
					stringvalidator.OneOf(groupSourceLocal, groupSourceSynced),
					stringCheck{description: "not synced", check: func(s string) error {
						if s == groupSourceSynced {
							return errSyncedGroupsNotListed
						}
						return nil
					}},
				},
			},
		},
	}
}

func (l *groupList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg groupListConfig
	client, ok := listStart(ctx, req, stream, &cfg, l.data.Admin)
	if !ok {
		return
	}
	// UNCONFIRMED: that searchTerm matches any part of the name; the prefix is checked here whatever it matches.
	found := client.Groups(ctx, admin.AllDirectories, admin.GroupSearch{SearchTerm: cfg.NamePrefix.ValueString()})
	stream.Results = listResults(ctx, req, groupID, "the organization's groups", found, func(g admin.Group) (listed, bool) {
		return listed{id: []string{g.ID}, display: g.Name, state: func(context.Context) (any, diag.Diagnostics) {
			return orgGroupState(groupModel{}, &g), nil
		}}, !orgGroupIsSynced(&g) && hasPrefixFold(g.Name, cfg.NamePrefix)
	})
}
