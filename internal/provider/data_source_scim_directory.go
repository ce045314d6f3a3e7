package provider

import (
	"context"
	"math"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ datasource.DataSourceWithConfigure = &scimDirectoryDataSource{}

// NewSCIMDirectoryDataSource is the constructor of the confluence_scim_directory data source.
func NewSCIMDirectoryDataSource() datasource.DataSource { return &scimDirectoryDataSource{} }

type scimDirectoryDataSource struct {
	data *providerData
}

type scimDirectoryModel struct {
	ID                      types.String `tfsdk:"id"`
	URL                     types.String `tfsdk:"url"`
	PatchSupported          types.Bool   `tfsdk:"patch_supported"`
	FilterSupported         types.Bool   `tfsdk:"filter_supported"`
	FilterMaxResults        types.Int64  `tfsdk:"filter_max_results"`
	BulkSupported           types.Bool   `tfsdk:"bulk_supported"`
	SortSupported           types.Bool   `tfsdk:"sort_supported"`
	ETagSupported           types.Bool   `tfsdk:"etag_supported"`
	ChangePasswordSupported types.Bool   `tfsdk:"change_password_supported"`
	UserCount               types.Int64  `tfsdk:"user_count"`
	GroupCount              types.Int64  `tfsdk:"group_count"`
	APIKeyExpiresAt         types.String `tfsdk:"api_key_expires_at"`
	APIKeyDaysLeft          types.Int64  `tfsdk:"api_key_days_left"`
}

func (d *scimDirectoryDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_scim_directory"
}

func (d *scimDirectoryDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	computedBool := func(desc string) schema.BoolAttribute {
		return schema.BoolAttribute{MarkdownDescription: desc, Computed: true}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Describes the SCIM directory the provider is configured with (`scim_directory_url`): its id, what the " +
			"SCIM service supports, how many users and groups it holds, and when its API key expires. Useful as a health " +
			"check in scheduled runs.",
		Attributes: map[string]schema.Attribute{
			"id":                        schema.StringAttribute{MarkdownDescription: "Directory id, read from `scim_directory_url`.", Computed: true},
			"url":                       schema.StringAttribute{MarkdownDescription: "The directory base URL.", Computed: true},
			"patch_supported":           computedBool("Whether the service supports SCIM PATCH (needed for attribute and membership updates)."),
			"filter_supported":          computedBool("Whether the service supports filtered lists."),
			"filter_max_results":        schema.Int64Attribute{MarkdownDescription: "Largest page the service returns for a list.", Computed: true},
			"bulk_supported":            computedBool("Whether the service supports SCIM bulk operations."),
			"sort_supported":            computedBool("Whether the service supports sorting."),
			"etag_supported":            computedBool("Whether the service supports ETags."),
			"change_password_supported": computedBool("Whether the service supports password changes."),
			"user_count":                schema.Int64Attribute{MarkdownDescription: "Number of active users the directory lists.", Computed: true},
			"group_count":               schema.Int64Attribute{MarkdownDescription: "Number of groups in the directory.", Computed: true},
			"api_key_expires_at": schema.StringAttribute{
				MarkdownDescription: "When the directory API key expires (RFC 3339), from the provider's `scim_api_key_expires_at`; null when that is not set.",
				Computed:            true,
			},
			"api_key_days_left": schema.Int64Attribute{
				MarkdownDescription: "Whole days until the API key expires (negative once expired); null when `scim_api_key_expires_at` is not set.",
				Computed:            true,
			},
		},
	}
}

func (d *scimDirectoryDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *scimDirectoryDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	client, diags := d.data.SCIM(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	spc, err := client.ServiceProviderConfig(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Could not read the SCIM directory's capabilities", err)
		return
	}
	users, err := client.CountUsers(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Could not count the SCIM directory's users", err)
		return
	}
	groups, err := client.CountGroups(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Could not count the SCIM directory's groups", err)
		return
	}
	m := scimDirectoryModel{
		ID:                      types.StringValue(client.DirectoryID()),
		URL:                     types.StringValue(client.BaseURL()),
		PatchSupported:          types.BoolValue(spc.Patch.Supported),
		FilterSupported:         types.BoolValue(spc.Filter.Supported),
		FilterMaxResults:        types.Int64Value(int64(spc.Filter.MaxResults)),
		BulkSupported:           types.BoolValue(spc.Bulk.Supported),
		SortSupported:           types.BoolValue(spc.Sort.Supported),
		ETagSupported:           types.BoolValue(spc.ETag.Supported),
		ChangePasswordSupported: types.BoolValue(spc.ChangePassword.Supported),
		UserCount:               types.Int64Value(int64(users)),
		GroupCount:              types.Int64Value(int64(groups)),
		APIKeyExpiresAt:         types.StringNull(),
		APIKeyDaysLeft:          types.Int64Null(),
	}
	if at := d.data.settings.scimAPIKeyExpiresAt; !at.IsZero() {
		m.APIKeyExpiresAt = types.StringValue(at.UTC().Format(time.RFC3339))
		m.APIKeyDaysLeft = types.Int64Value(int64(math.Floor(time.Until(at).Hours() / 24)))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
