package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/accessplane/terraform-provider-confluence/internal/access"
)

var _ datasource.DataSourceWithConfigure = &licenseUsageDataSource{}

// NewLicenseUsageDataSource is the constructor of the confluence_license_usage data source.
func NewLicenseUsageDataSource() datasource.DataSource { return &licenseUsageDataSource{} }

type licenseUsageDataSource struct {
	data *providerData
}

// defaultInactiveDays is how long an account may go without activity before it counts as idle.
const defaultInactiveDays = 90

type licenseUsageModel struct {
	InactiveDays        types.Int64 `tfsdk:"inactive_days"`
	KeepAccountIDs      types.Set   `tfsdk:"keep_account_ids"`
	LicensedCount       types.Int64 `tfsdk:"licensed_count"`
	IdleUsers           types.List  `tfsdk:"idle_users"`
	DeactivatedInGroups types.List  `tfsdk:"deactivated_in_groups"`
	SuspendedInGroups   types.List  `tfsdk:"suspended_in_groups"`
	AppAccounts         types.List  `tfsdk:"app_accounts"`
}

var licensedAccountType = types.ObjectType{AttrTypes: withAccountTypes(map[string]attr.Type{
	"last_active":  types.StringType,
	"added_to_org": types.StringType,
})}

func (d *licenseUsageDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_license_usage"
}

func licensedAccounts(what string) schema.ListNestedAttribute {
	return schema.ListNestedAttribute{
		MarkdownDescription: what,
		Computed:            true,
		NestedObject: schema.NestedAttributeObject{Attributes: accountAttributes(map[string]schema.Attribute{
			"last_active": schema.StringAttribute{MarkdownDescription: "Last activity on the Confluence site (RFC 3339); " +
				"null when never active.", Computed: true},
			"added_to_org": schema.StringAttribute{MarkdownDescription: "When the account joined the organization (RFC 3339).", Computed: true},
		})},
	}
}

func (d *licenseUsageDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Who holds product access to the Confluence site without using it, from the Organizations API: " +
			"one search per product role and page of 100 accounts, each with its last activity on the site (never one " +
			"request per account).\n\n" +
			"Deactivated and suspended accounts are not billed, so the saving is in `idle_users`: active accounts with no " +
			"activity for `inactive_days`, or never active and added to the organization before then. The deactivated " +
			"and suspended accounts that still sit in a group giving product access are listed apart: on reactivation " +
			"they get their access back. App accounts are set apart too.\n\n" +
			"~> Atlassian's activity dates may lag by up to 24 hours: an account that signed in today can still look idle.",
		Attributes: map[string]schema.Attribute{
			"inactive_days": schema.Int64Attribute{
				MarkdownDescription: "Days without activity after which an account is idle. Default 90.",
				Optional:            true,
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
			},
			"keep_account_ids": schema.SetAttribute{
				MarkdownDescription: "Accounts left out of every list (break-glass and service accounts).",
				ElementType:         types.StringType,
				Optional:            true,
				Validators:          []validator.Set{setvalidator.ValueStringsAre(stringvalidator.RegexMatches(principalIDPattern, "must be an account id"))},
			},
			"licensed_count":        schema.Int64Attribute{MarkdownDescription: "Accounts with product access to the site, kept accounts excluded.", Computed: true},
			"idle_users":            licensedAccounts("Active accounts with product access and no activity for `inactive_days`."),
			"deactivated_in_groups": licensedAccounts("Deactivated accounts still in a group that gives product access."),
			"suspended_in_groups":   licensedAccounts("Suspended accounts still in a group that gives product access."),
			"app_accounts":          licensedAccounts("App accounts with product access, whatever their activity."),
		},
	}
}

func (d *licenseUsageDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *licenseUsageDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m licenseUsageModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || d.data == nil {
		return
	}
	dir, diags := d.data.siteDirectory(ctx)
	if resp.Diagnostics.Append(diags...); diags.HasError() {
		return
	}
	licensed, err := dir.Licensed(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Could not list the site's licensed accounts", err)
		return
	}
	days := defaultInactiveDays
	if !m.InactiveDays.IsNull() {
		days = int(m.InactiveDays.ValueInt64())
	}
	m.InactiveDays = types.Int64Value(int64(days))
	u := access.LicenceUsage(licensed, time.Now(), days, setStrings(ctx, m.KeepAccountIDs))
	m.LicensedCount = types.Int64Value(int64(u.Licensed))
	m.IdleUsers = licensedValue(u.Idle)
	m.DeactivatedInGroups = licensedValue(u.Deactivated)
	m.SuspendedInGroups = licensedValue(u.Suspended)
	m.AppAccounts = licensedValue(u.Apps)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func licensedValue(accounts []access.Account) types.List {
	stamp := func(t time.Time) types.String {
		if t.IsZero() {
			return types.StringNull()
		}
		return types.StringValue(t.UTC().Format(time.RFC3339))
	}
	elems := make([]attr.Value, 0, len(accounts))
	for _, a := range accounts {
		elems = append(elems, types.ObjectValueMust(licensedAccountType.AttrTypes, accountValues(a, map[string]attr.Value{
			"last_active":  stamp(a.LastActive),
			"added_to_org": stamp(a.AddedToOrg),
		})))
	}
	return types.ListValueMust(licensedAccountType, elems)
}
