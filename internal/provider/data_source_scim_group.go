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

	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/scim"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/transport"
)

var (
	_ datasource.DataSourceWithConfigure        = &scimGroupDataSource{}
	_ datasource.DataSourceWithConfigValidators = &scimGroupDataSource{}
)

// NewSCIMGroupDataSource is the constructor of the confluence_scim_group data source.
func NewSCIMGroupDataSource() datasource.DataSource { return &scimGroupDataSource{} }

type scimGroupDataSource struct {
	data *providerData
}

type scimGroupDataModel struct {
	ID          types.String `tfsdk:"id"`
	DisplayName types.String `tfsdk:"display_name"`
	ExternalID  types.String `tfsdk:"external_id"`
	MemberIDs   types.Set    `tfsdk:"member_ids"`
}

func (d *scimGroupDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_scim_group"
}

func (d *scimGroupDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Looks up a group in the SCIM directory by its SCIM `id` or its `display_name` (matched exactly, " +
			"ignoring case as Atlassian does), with the SCIM ids of its members. Fails when no group or several groups match.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "SCIM id of the group. Set exactly one of `id` and `display_name`.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"display_name": schema.StringAttribute{
				MarkdownDescription: "Group name. Set exactly one of `id` and `display_name`.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"external_id": schema.StringAttribute{MarkdownDescription: "Identifier of the group in the identity provider.", Computed: true},
			"member_ids": schema.SetAttribute{
				MarkdownDescription: "SCIM user ids of the group's members.",
				ElementType:         types.StringType,
				Computed:            true,
			},
		},
	}
}

func (d *scimGroupDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("display_name")),
	}
}

func (d *scimGroupDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *scimGroupDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m scimGroupDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	client, diags := d.data.SCIM(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	var group *scim.Group
	if !m.ID.IsNull() {
		g, err := client.GetGroup(ctx, m.ID.ValueString())
		if transport.IsNotFound(err) {
			resp.Diagnostics.AddAttributeError(path.Root("id"), "SCIM group not found",
				fmt.Sprintf("No group with SCIM id %q exists in the directory.", m.ID.ValueString()))
			return
		}
		if err != nil {
			addAPIError(&resp.Diagnostics, "Could not read the SCIM group", err)
			return
		}
		group = g
	} else {
		name := m.DisplayName.ValueString()
		found, err := client.FindGroupsByName(ctx, name)
		if err != nil {
			addAPIError(&resp.Diagnostics, "Could not look up the SCIM group", err)
			return
		}
		var matches []scim.Group
		for _, g := range found {
			if strings.EqualFold(g.DisplayName, name) {
				matches = append(matches, g)
			}
		}
		switch len(matches) {
		case 0:
			resp.Diagnostics.AddAttributeError(path.Root("display_name"), "SCIM group not found",
				fmt.Sprintf("No group named %q exists in the directory.", name))
			return
		case 1:
			// Filtered lists may leave out members; read the group itself for them.
			g, err := client.GetGroup(ctx, matches[0].ID)
			if err != nil {
				addAPIError(&resp.Diagnostics, "Could not read the SCIM group", err)
				return
			}
			group = g
		default:
			resp.Diagnostics.AddAttributeError(path.Root("display_name"), "Several SCIM groups match",
				fmt.Sprintf("%d groups are named %q: %s. Look the group up by id instead.", len(matches), name, strings.Join(groupCandidates(matches), ", ")))
			return
		}
	}
	members := make([]string, len(group.Members))
	for i, mem := range group.Members {
		members[i] = mem.Value
	}
	set, diags := types.SetValueFrom(ctx, types.StringType, members)
	resp.Diagnostics.Append(diags...)
	m.ID = types.StringValue(group.ID)
	m.DisplayName = types.StringValue(group.DisplayName)
	m.ExternalID = types.StringValue(group.ExternalID)
	m.MemberIDs = set
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// groupCandidates lists groups as "name (id)" for error messages.
func groupCandidates(groups []scim.Group) []string {
	out := make([]string, len(groups))
	for i, g := range groups {
		out[i] = fmt.Sprintf("%s (%s)", g.DisplayName, g.ID)
	}
	sort.Strings(out)
	return out
}
