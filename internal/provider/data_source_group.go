package provider

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/admin"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/transport"
)

var (
	_ datasource.DataSourceWithConfigure        = &groupDataSource{}
	_ datasource.DataSourceWithConfigValidators = &groupDataSource{}
)

// NewGroupDataSource is the constructor of the confluence_group data source.
func NewGroupDataSource() datasource.DataSource { return &groupDataSource{} }

type groupDataSource struct {
	data *providerData
}

type groupDataModel struct {
	ID             types.String `tfsdk:"id"`
	Name           types.String `tfsdk:"name"`
	Description    types.String `tfsdk:"description"`
	ExternalSynced types.Bool   `tfsdk:"external_synced"`
	ManagedBy      types.String `tfsdk:"managed_by"`
	UserCount      types.Int64  `tfsdk:"user_count"`
	DirectoryID    types.String `tfsdk:"directory_id"`
}

func (d *groupDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_group"
}

func (d *groupDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Looks up an Atlassian group of the organization (local, default or synced from an identity " +
			"provider) through the Organizations API, by its `id` or its `name` (matched exactly, without regard to case, as " +
			"Atlassian compares group names). Its `id` is what Confluence space permissions and `confluence_group_mapping` take. " +
			"Fails when no group or several groups match, listing the candidates.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "Atlassian group id. Set exactly one of `id` and `name`.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Group name, matched exactly but without regard to case. Set exactly one of `id` and `name`. " +
					"Holds the name as Atlassian spells it.",
				Optional:   true,
				Computed:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"description": schema.StringAttribute{
				MarkdownDescription: "Description of the group; null when it has none.",
				Computed:            true,
			},
			"external_synced": schema.BoolAttribute{
				MarkdownDescription: "Whether the group is synced from an identity provider (a SCIM group). Synced groups are " +
					"read-only in the Organizations API: manage them with `confluence_scim_group`.",
				Computed: true,
			},
			"managed_by": schema.StringAttribute{
				MarkdownDescription: "Who manages the group: `external` (an identity provider), `admins`, `team-members` or `open`.",
				Computed:            true,
			},
			"user_count": schema.Int64Attribute{
				MarkdownDescription: "Number of users in the group; null when Atlassian does not report it.",
				Computed:            true,
			},
			"directory_id": schema.StringAttribute{
				MarkdownDescription: "Id of the organization directory that holds the group: the local directory for groups " +
					"made by admins, the identity provider's (the SCIM directory) for synced groups.",
				Computed: true,
			},
		},
	}
}

func (d *groupDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("name")),
	}
}

func (d *groupDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *groupDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m groupDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	client, diags := d.data.Admin(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	var group *admin.Group
	if !m.ID.IsNull() {
		g, err := client.GetGroup(ctx, admin.AllDirectories, m.ID.ValueString())
		if transport.IsNotFound(err) {
			resp.Diagnostics.AddAttributeError(path.Root("id"), "Group not found",
				fmt.Sprintf("No group with id %q exists in the organization.", m.ID.ValueString()))
			return
		}
		if err != nil {
			addAPIError(&resp.Diagnostics, "Could not read the group", err)
			return
		}
		group = g
	} else {
		name := m.Name.ValueString()
		// One search by exact name, with the member count expanded: no second request for it.
		found, err := client.SearchGroups(ctx, admin.AllDirectories, admin.GroupSearch{
			GroupNames: []string{name}, Expand: []string{admin.ExpandGroupUsers},
		})
		if err != nil {
			addAPIError(&resp.Diagnostics, "Could not look up the group", err)
			return
		}
		var matches []admin.Group
		for _, g := range found {
			if strings.EqualFold(g.Name, name) {
				matches = append(matches, g)
			}
		}
		switch len(matches) {
		case 0:
			resp.Diagnostics.AddAttributeError(path.Root("name"), "Group not found",
				fmt.Sprintf("No group named %q exists in the organization (names are matched exactly, without regard to case).", name))
			return
		case 1:
			group = &matches[0]
		default:
			resp.Diagnostics.AddAttributeError(path.Root("name"), "Several groups match",
				fmt.Sprintf("%d groups are named %q: %s. Look the group up by id instead.", len(matches), name,
					strings.Join(orgGroupCandidates(matches), ", ")))
			return
		}
	}
	m.ID = types.StringValue(group.ID)
	m.Name = types.StringValue(group.Name)
	m.Description = types.StringNull()
	if group.Description != "" {
		m.Description = types.StringValue(group.Description)
	}
	m.ExternalSynced = types.BoolValue(group.ExternalSynced)
	m.ManagedBy = types.StringValue(group.ManagedBy)
	m.DirectoryID = types.StringValue(group.DirectoryID)
	m.UserCount = types.Int64Null()
	if group.Counts != nil {
		m.UserCount = types.Int64Value(int64(group.Counts.Users))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// orgGroupCandidates lists groups as "name (id, directory)" for error messages.
func orgGroupCandidates(groups []admin.Group) []string {
	out := make([]string, len(groups))
	for i, g := range groups {
		out[i] = fmt.Sprintf("%s (id %s, directory %s)", g.Name, g.ID, g.DirectoryID)
	}
	sort.Strings(out)
	return out
}
