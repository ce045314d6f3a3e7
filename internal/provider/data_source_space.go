package provider

import (
	"context"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/transport"
)

var _ datasource.DataSourceWithConfigure = &spaceDataSource{}

var spaceKeyPattern = regexp.MustCompile(`^~?[A-Za-z0-9]+$`)

// NewSpaceDataSource is the constructor of the confluence_space data source.
func NewSpaceDataSource() datasource.DataSource { return &spaceDataSource{} }

type spaceDataSource struct {
	data *providerData
}

type spaceModel struct {
	Key      types.String `tfsdk:"key"`
	ID       types.String `tfsdk:"id"`
	Name     types.String `tfsdk:"name"`
	Type     types.String `tfsdk:"type"`
	Status   types.String `tfsdk:"status"`
	RoleMode types.String `tfsdk:"role_mode"`
}

func (d *spaceDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_space"
}

func (d *spaceDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Looks up a Confluence space by its key. Space keys are case-sensitive and upper-case on Confluence Cloud.",
		Attributes: map[string]schema.Attribute{
			"key": schema.StringAttribute{
				MarkdownDescription: "Space key, such as `ENG`.",
				Required:            true,
				Validators: []validator.String{
					stringvalidator.LengthBetween(1, 255),
					stringvalidator.RegexMatches(spaceKeyPattern, "must be a space key: letters and digits, or ~ and an account id for a personal space"),
				},
			},
			"id":     schema.StringAttribute{MarkdownDescription: "Space id (a numeric string), as the v2 API uses it.", Computed: true},
			"name":   schema.StringAttribute{MarkdownDescription: "Space name.", Computed: true},
			"type":   schema.StringAttribute{MarkdownDescription: "Space type: `global`, `personal`, `collaboration`, `knowledge_base`, …", Computed: true},
			"status": schema.StringAttribute{MarkdownDescription: "Space status: `current` or `archived`.", Computed: true},
			"role_mode": schema.StringAttribute{
				MarkdownDescription: "How access to the space is given, from the site's space role mode: `PRE_ROLES` (classic " +
					"permissions only), `ROLES_TRANSITION` (classic permissions and space roles) or `ROLES` (space roles only).",
				Computed: true,
			},
		},
	}
}

func (d *spaceDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *spaceDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m spaceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	client, diags := d.data.Confluence(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	space, err := client.SpaceByKey(ctx, m.Key.ValueString())
	if transport.IsNotFound(err) {
		resp.Diagnostics.AddAttributeError(path.Root("key"), "Space not found", err.Error()+
			". Check the key (keys are case-sensitive) and that the Confluence account can view the space.")
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Could not look up the space", err)
		return
	}
	m.ID = types.StringValue(space.ID)
	m.Name = types.StringValue(space.Name)
	m.Type = types.StringValue(space.Type)
	m.Status = types.StringValue(space.Status)
	mode, err := client.SpaceRoleMode(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Could not read the site's space role mode", err)
		return
	}
	m.RoleMode = types.StringValue(mode)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
