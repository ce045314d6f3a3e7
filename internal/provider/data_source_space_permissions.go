package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/confluence"
)

var _ datasource.DataSourceWithConfigure = &spacePermissionsDataSource{}

// NewSpacePermissionsDataSource is the constructor of the confluence_space_permissions data source.
func NewSpacePermissionsDataSource() datasource.DataSource { return &spacePermissionsDataSource{} }

type spacePermissionsDataSource struct {
	data *providerData
}

type spacePermissionsDataModel struct {
	SpaceKey        types.String `tfsdk:"space_key"`
	SpaceID         types.String `tfsdk:"space_id"`
	RoleMode        types.String `tfsdk:"role_mode"`
	Grants          types.Set    `tfsdk:"grants"`
	RoleAssignments types.Set    `tfsdk:"role_assignments"`
}

var (
	spaceGrantAttrTypes = map[string]attr.Type{
		"principal_type": types.StringType,
		"principal_id":   types.StringType,
		"permissions":    types.SetType{ElemType: types.StringType},
	}
	spaceRoleAssignmentAttrTypes = map[string]attr.Type{
		"principal_type": types.StringType,
		"principal_id":   types.StringType,
		"role_id":        types.StringType,
	}
)

func (d *spacePermissionsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_space_permissions"
}

func (d *spacePermissionsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The full access table of a Confluence space: who holds which classic permissions (`grants`) and " +
			"who holds which space role (`role_assignments`), so one data source shows who can do what whatever the " +
			"site's space role mode. Role assignments are read on sites in `ROLES_TRANSITION` or `ROLES` mode; on " +
			"`PRE_ROLES` sites there are none. Access given through a role is listed by its role id: look the role up " +
			"with `confluence_space_roles` to see its permissions.",
		Attributes: map[string]schema.Attribute{
			"space_key": schema.StringAttribute{
				MarkdownDescription: "Key of the space, such as `ENG` (case-sensitive).",
				Required:            true,
				Validators: []validator.String{
					stringvalidator.LengthBetween(1, 255),
					stringvalidator.RegexMatches(spaceKeyPattern, "must be a space key: letters and digits, or ~ and an account id for a personal space"),
				},
			},
			"space_id": schema.StringAttribute{
				MarkdownDescription: "Id of the space (a numeric string), as the v2 API uses it.",
				Computed:            true,
			},
			"role_mode": schema.StringAttribute{
				MarkdownDescription: "The site's space role mode: `PRE_ROLES` (classic permissions only), `ROLES_TRANSITION` " +
					"(classic permissions and space roles) or `ROLES` (space roles only).",
				Computed: true,
			},
			"grants": schema.SetNestedAttribute{
				MarkdownDescription: "Classic permissions, one entry per principal holding any in the space.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"principal_type": schema.StringAttribute{
						MarkdownDescription: "`group`, `user` or `anonymous`.",
						Computed:            true,
					},
					"principal_id": schema.StringAttribute{
						MarkdownDescription: "Group id or account id; null for `anonymous`.",
						Computed:            true,
					},
					"permissions": schema.SetAttribute{
						MarkdownDescription: "The principal's permissions, as `key/target` (such as `read/space`).",
						ElementType:         types.StringType,
						Computed:            true,
					},
				}},
			},
			"role_assignments": schema.SetNestedAttribute{
				MarkdownDescription: "Space roles, one entry per principal holding one (a principal holds at most one role per space).",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"principal_type": schema.StringAttribute{
						MarkdownDescription: "`group`, `user` or `access_class` (such as `anonymous-users` or `all-licensed-users`).",
						Computed:            true,
					},
					"principal_id": schema.StringAttribute{
						MarkdownDescription: "Group id, account id or access class id.",
						Computed:            true,
					},
					"role_id": schema.StringAttribute{
						MarkdownDescription: "Id of the space role.",
						Computed:            true,
					},
				}},
			},
		},
	}
}

func (d *spacePermissionsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *spacePermissionsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m spacePermissionsDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || d.data == nil {
		return
	}
	space, diags := d.data.loadSpace(ctx, m.SpaceKey.ValueString())
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	perms, err := space.client.SpacePermissions(ctx, space.Space.ID)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Could not read the space's permissions", err)
		return
	}
	var assignments []confluence.RoleAssignment
	if space.Caps.Roles { // PRE_ROLES sites have no space roles to read
		if assignments, err = space.client.RoleAssignments(ctx, space.Space.ID); err != nil {
			addAPIError(&resp.Diagnostics, "Could not read the space's role assignments", err)
			return
		}
	}
	m.SpaceID = types.StringValue(space.Space.ID)
	m.RoleMode = types.StringValue(space.mode)
	m.Grants = grantsValue(perms)
	m.RoleAssignments = roleAssignmentsValue(assignments)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// principalIDValue is a principal's id for the state: null for anonymous users, who have none.
func principalIDValue(p confluence.Principal) types.String {
	if p.Type == confluence.PrincipalAnonymous {
		return types.StringNull()
	}
	return types.StringValue(p.ID)
}

// grantsValue groups a space's classic permissions by principal.
func grantsValue(perms []confluence.Permission) types.Set {
	var order []confluence.Principal
	byPrincipal := map[confluence.Principal][]confluence.Permission{}
	for _, p := range perms {
		if _, seen := byPrincipal[p.Principal]; !seen {
			order = append(order, p.Principal)
		}
		byPrincipal[p.Principal] = append(byPrincipal[p.Principal], p)
	}
	elems := make([]attr.Value, 0, len(order))
	for _, p := range order {
		elems = append(elems, types.ObjectValueMust(spaceGrantAttrTypes, map[string]attr.Value{
			"principal_type": types.StringValue(p.Type),
			"principal_id":   principalIDValue(p),
			"permissions":    stringSet(operationStrings(byPrincipal[p])),
		}))
	}
	return types.SetValueMust(types.ObjectType{AttrTypes: spaceGrantAttrTypes}, elems)
}

func roleAssignmentsValue(assignments []confluence.RoleAssignment) types.Set {
	elems := make([]attr.Value, 0, len(assignments))
	for _, a := range assignments {
		elems = append(elems, types.ObjectValueMust(spaceRoleAssignmentAttrTypes, map[string]attr.Value{
			"principal_type": types.StringValue(a.Principal.Type),
			"principal_id":   types.StringValue(a.Principal.ID),
			"role_id":        types.StringValue(a.RoleID),
		}))
	}
	return types.SetValueMust(types.ObjectType{AttrTypes: spaceRoleAssignmentAttrTypes}, elems)
}
