package provider

import (
	"context"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/confluence"
)

var _ datasource.DataSourceWithConfigure = &spaceRolesDataSource{}

// NewSpaceRolesDataSource is the constructor of the confluence_space_roles data source.
func NewSpaceRolesDataSource() datasource.DataSource { return &spaceRolesDataSource{} }

type spaceRolesDataSource struct {
	data *providerData
}

type spaceRolesModel struct {
	Type        types.String           `tfsdk:"type"`
	SpaceKey    types.String           `tfsdk:"space_key"`
	Roles       []spaceRoleItem        `tfsdk:"roles"`
	Permissions []spacePermissionEntry `tfsdk:"permissions"`
}

type spaceRoleItem struct {
	ID          types.String `tfsdk:"id"`
	Name        types.String `tfsdk:"name"`
	Type        types.String `tfsdk:"type"`
	Description types.String `tfsdk:"description"`
	Permissions types.Set    `tfsdk:"permissions"`
}

type spacePermissionEntry struct {
	ID                    types.String `tfsdk:"id"`
	DisplayName           types.String `tfsdk:"display_name"`
	Description           types.String `tfsdk:"description"`
	RequiredPermissionIDs types.Set    `tfsdk:"required_permission_ids"`
}

func (d *spaceRolesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_space_roles"
}

func (d *spaceRolesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The site's space role catalogue (role-based access control): the system roles (`Admin`, " +
			"`Manager`, `Collaborator`, `Viewer`) and custom roles, optionally only those of one type or those assigned in one " +
			"space, plus the space permissions roles are built from. Use it to find the `role_id` of " +
			"`confluence_space_role_assignment` by name, or the permission ids of `confluence_space_role`.",
		Attributes: map[string]schema.Attribute{
			"type": schema.StringAttribute{
				MarkdownDescription: "Only roles of this type: `SYSTEM` or `CUSTOM`. All roles when unset.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf(roleTypeSystem, roleTypeCustom)},
			},
			"space_key": schema.StringAttribute{
				MarkdownDescription: "Only roles assigned to at least one principal in this space, such as `DOCS`.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.RegexMatches(spaceKeyPattern, "must be a space key: letters and digits, or ~ and an account id for a personal space")},
			},
			"roles": schema.ListNestedAttribute{
				MarkdownDescription: "The roles, sorted by name.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":          schema.StringAttribute{MarkdownDescription: "Role id, for `role_id`.", Computed: true},
					"name":        schema.StringAttribute{MarkdownDescription: "Role name.", Computed: true},
					"type":        schema.StringAttribute{MarkdownDescription: "`SYSTEM` or `CUSTOM`.", Computed: true},
					"description": schema.StringAttribute{MarkdownDescription: "Role description.", Computed: true},
					"permissions": schema.SetAttribute{
						MarkdownDescription: "Ids of the space permissions the role grants, such as `read/space`.",
						ElementType:         types.StringType,
						Computed:            true,
					},
				}},
			},
			"permissions": schema.ListNestedAttribute{
				MarkdownDescription: "The site's space permission catalogue, the ids roles are built from, in the API's order.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":           schema.StringAttribute{MarkdownDescription: "Permission id, such as `create/page`.", Computed: true},
					"display_name": schema.StringAttribute{MarkdownDescription: "Name shown in Confluence.", Computed: true},
					"description":  schema.StringAttribute{MarkdownDescription: "What the permission allows.", Computed: true},
					"required_permission_ids": schema.SetAttribute{
						MarkdownDescription: "Permissions a role must also grant to grant this one.",
						ElementType:         types.StringType,
						Computed:            true,
					},
				}},
			},
		},
	}
}

func (d *spaceRolesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *spaceRolesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m spaceRolesModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	client, diags := d.data.Confluence(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	var assigned []string // role ids held in the space, when space_key is set
	if !m.SpaceKey.IsNull() {
		s, diags := d.data.loadSpace(ctx, m.SpaceKey.ValueString())
		resp.Diagnostics.Append(diags...)
		if diags.HasError() {
			return
		}
		list, err := client.RoleAssignments(ctx, s.Space.ID)
		if err != nil {
			addAPIError(&resp.Diagnostics, "Could not read the space's role assignments", err)
			return
		}
		assigned = []string{}
		for _, a := range list {
			assigned = append(assigned, a.RoleID)
		}
	}
	roles, err := client.ListSpaceRoles(ctx, confluence.SpaceRoleFilter{RoleType: m.Type.ValueString()})
	if err != nil {
		addAPIError(&resp.Diagnostics, "Could not list the site's space roles", err)
		return
	}
	if assigned != nil {
		roles = slices.DeleteFunc(roles, func(r confluence.SpaceRole) bool { return !slices.Contains(assigned, r.ID) })
	}
	slices.SortFunc(roles, func(a, b confluence.SpaceRole) int {
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	m.Roles = make([]spaceRoleItem, 0, len(roles))
	for _, r := range roles {
		perms := slices.Clone(r.Permissions)
		slices.Sort(perms)
		m.Roles = append(m.Roles, spaceRoleItem{
			ID:          types.StringValue(r.ID),
			Name:        types.StringValue(r.Name),
			Type:        types.StringValue(r.Type),
			Description: types.StringValue(r.Description),
			Permissions: stringSet(slices.Compact(perms)),
		})
	}
	catalogue, err := client.SpacePermissionCatalogue(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Could not read the site's space permission catalogue", err)
		return
	}
	m.Permissions = make([]spacePermissionEntry, 0, len(catalogue))
	for _, p := range catalogue {
		m.Permissions = append(m.Permissions, spacePermissionEntry{
			ID:                    types.StringValue(p.ID),
			DisplayName:           types.StringValue(p.DisplayName),
			Description:           types.StringValue(p.Description),
			RequiredPermissionIDs: stringSet(p.RequiredPermissionIDs),
		})
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
