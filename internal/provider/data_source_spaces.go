package provider

import (
	"context"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/confluence"
)

var _ datasource.DataSourceWithConfigure = &spacesDataSource{}

// NewSpacesDataSource is the constructor of the confluence_spaces data source.
func NewSpacesDataSource() datasource.DataSource { return &spacesDataSource{} }

type spacesDataSource struct {
	data *providerData
}

type spacesModel struct {
	Keys      types.Set    `tfsdk:"keys"`
	Type      types.String `tfsdk:"type"`
	Status    types.String `tfsdk:"status"`
	Spaces    []spacesItem `tfsdk:"spaces"`
	SpaceKeys types.Set    `tfsdk:"space_keys"`
}

type spacesItem struct {
	Key    types.String `tfsdk:"key"`
	ID     types.String `tfsdk:"id"`
	Name   types.String `tfsdk:"name"`
	Type   types.String `tfsdk:"type"`
	Status types.String `tfsdk:"status"`
}

func (d *spacesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_spaces"
}

func (d *spacesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the Confluence spaces the provider's account can view, optionally only some keys, one type " +
			"or one status. Filters combine: a space is listed when it matches every filter set. `space_keys` feeds " +
			"`for_each`, for instance of an `import` block that adopts every space's access table (Terraform 1.7 and " +
			"OpenTofu 1.7 and later), which needs it known at plan time: give the data source no argument that comes from " +
			"a resource of the same configuration. One request lists 250 spaces.",
		Attributes: map[string]schema.Attribute{
			"keys": schema.SetAttribute{
				MarkdownDescription: "Only the spaces with these keys, such as `[\"ENG\", \"OPS\"]` (case-sensitive). A key " +
					"that matches no space the account can view is not an error: the result lacks it. To fail instead, " +
					"compare `keys` with `space_keys` in a `postcondition`. An empty set matches no space. Every space " +
					"when unset.",
				ElementType: types.StringType,
				Optional:    true,
				Validators: []validator.Set{
					setvalidator.ValueStringsAre(
						stringvalidator.LengthBetween(1, 255),
						stringvalidator.RegexMatches(spaceKeyPattern, "must be a space key: letters and digits, or ~ and an account id for a personal space"),
					),
				},
			},
			"type": schema.StringAttribute{
				MarkdownDescription: "Only spaces of this type: " + markdownList(confluence.SpaceFilterTypes) + ". No filter on type when unset.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf(confluence.SpaceFilterTypes...)},
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "Only spaces with this status: " + markdownList(confluence.SpaceFilterStatuses) +
					". No filter on status when unset; set `current` to leave archived spaces out.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.OneOf(confluence.SpaceFilterStatuses...)},
			},
			"spaces": schema.ListNestedAttribute{
				MarkdownDescription: "The spaces found, sorted by key.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"key":    schema.StringAttribute{MarkdownDescription: "Space key, such as `ENG`.", Computed: true},
					"id":     schema.StringAttribute{MarkdownDescription: "Space id (a numeric string), as the v2 API uses it.", Computed: true},
					"name":   schema.StringAttribute{MarkdownDescription: "Space name.", Computed: true},
					"type":   schema.StringAttribute{MarkdownDescription: "Space type: " + markdownList(confluence.SpaceFilterTypes) + ", …", Computed: true},
					"status": schema.StringAttribute{MarkdownDescription: "Space status: " + markdownList(confluence.SpaceFilterStatuses) + ".", Computed: true},
				}},
			},
			"space_keys": schema.SetAttribute{
				MarkdownDescription: "The keys of the spaces found, for `for_each`. Empty, not null, when none is found.",
				ElementType:         types.StringType,
				Computed:            true,
			},
		},
	}
}

func (d *spacesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *spacesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m spacesModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	client, diags := d.data.Confluence(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	f := confluence.SpaceFilter{Type: m.Type.ValueString(), Status: m.Status.ValueString()}
	var found []confluence.Space
	// An empty set of keys matches nothing; the API would read it as no filter and list every space.
	if m.Keys.IsNull() || len(m.Keys.Elements()) > 0 {
		f.Keys = setStrings(ctx, m.Keys)
		for s, err := range client.ListSpaces(ctx, f) {
			if err != nil {
				addAPIError(&resp.Diagnostics, "Could not list the spaces", err)
				return
			}
			found = append(found, s)
		}
	}
	// The API sorts each request by key; keys beyond 250 take more requests, so sort the whole.
	slices.SortFunc(found, func(a, b confluence.Space) int { return strings.Compare(a.Key, b.Key) })
	found = slices.CompactFunc(found, func(a, b confluence.Space) bool { return a.Key == b.Key })
	m.Spaces = make([]spacesItem, 0, len(found))
	keys := make([]string, 0, len(found))
	for _, s := range found {
		m.Spaces = append(m.Spaces, spacesItem{
			Key:    types.StringValue(s.Key),
			ID:     types.StringValue(s.ID),
			Name:   types.StringValue(s.Name),
			Type:   types.StringValue(s.Type),
			Status: types.StringValue(s.Status),
		})
		keys = append(keys, s.Key)
	}
	m.SpaceKeys = stringSet(keys)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
