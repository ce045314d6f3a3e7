package provider

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/accessplane/terraform-provider-confluence/internal/access"
	"github.com/accessplane/terraform-provider-confluence/internal/access/cloud"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/confluence"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/transport"
)

var _ datasource.DataSourceWithConfigure = &effectiveAccessDataSource{}

// NewEffectiveAccessDataSource is the constructor of the confluence_effective_access data source.
func NewEffectiveAccessDataSource() datasource.DataSource { return &effectiveAccessDataSource{} }

type effectiveAccessDataSource struct {
	data *providerData
}

type effectiveAccessModel struct {
	SpaceKey             types.String `tfsdk:"space_key"`
	AccountID            types.String `tfsdk:"account_id"`
	SpaceKeys            types.Set    `tfsdk:"space_keys"`
	Verify               types.Bool   `tfsdk:"verify"`
	Mismatches           types.List   `tfsdk:"verification_mismatches"`
	SpaceID              types.String `tfsdk:"space_id"`
	Entries              types.List   `tfsdk:"entries"`
	DormantEntries       types.List   `tfsdk:"dormant_entries"`
	AnonymousAccess      types.Set    `tfsdk:"anonymous_access"`
	AccessClasses        types.List   `tfsdk:"access_classes"`
	UnresolvedPrincipals types.List   `tfsdk:"unresolved_principals"`
}

var (
	accessSourceType = types.ObjectType{AttrTypes: map[string]attr.Type{
		"principal_type": types.StringType,
		"principal_id":   types.StringType,
		"name":           types.StringType,
	}}
	accessEntryType = types.ObjectType{AttrTypes: withAccountTypes(map[string]attr.Type{
		"space_key":   types.StringType,
		"permissions": types.SetType{ElemType: types.StringType},
		"roles":       types.SetType{ElemType: types.StringType},
		"sources":     types.ListType{ElemType: accessSourceType},
	})}
	accessClassType = types.ObjectType{AttrTypes: map[string]attr.Type{
		"class":    types.StringType,
		"role":     types.StringType,
		"expanded": types.BoolType,
	}}
	mismatchType = types.ObjectType{AttrTypes: map[string]attr.Type{
		"space_key":  types.StringType,
		"account_id": types.StringType,
		"expected":   types.BoolType,
		"confluence": types.BoolType,
	}}
	unresolvedGrantType = types.ObjectType{AttrTypes: map[string]attr.Type{
		"principal_type": types.StringType,
		"principal_id":   types.StringType,
		"permissions":    types.SetType{ElemType: types.StringType},
		"role":           types.StringType,
	}}
)

func (d *effectiveAccessDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_effective_access"
}

func entryAttributes(what string) schema.ListNestedAttribute {
	return schema.ListNestedAttribute{
		MarkdownDescription: what,
		Computed:            true,
		NestedObject: schema.NestedAttributeObject{Attributes: accountAttributes(map[string]schema.Attribute{
			"space_key": schema.StringAttribute{MarkdownDescription: "The space reached.", Computed: true},
			"permissions": schema.SetAttribute{MarkdownDescription: "The classic permissions it holds in the space, from " +
				"every source and role, as `key/target`.", ElementType: types.StringType, Computed: true},
			"roles": schema.SetAttribute{MarkdownDescription: "The names of the space roles it holds, from every source.",
				ElementType: types.StringType, Computed: true},
			"sources": schema.ListNestedAttribute{
				MarkdownDescription: "Each grant the access comes from: the account itself (`user`), a `group` (with its " +
					"name), or an `access_class`.",
				Computed: true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"principal_type": schema.StringAttribute{MarkdownDescription: "`user`, `group` or `access_class`.", Computed: true},
					"principal_id":   schema.StringAttribute{MarkdownDescription: "Account id, group id or access class.", Computed: true},
					"name":           schema.StringAttribute{MarkdownDescription: "The group's name; null for the others.", Computed: true},
				}},
			},
		})},
	}
}

func (d *effectiveAccessDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Who can reach a Confluence space, with which permissions, and through which grant: the " +
			"space's table (classic grants and role assignments) resolved through group membership, account status and " +
			"product access. No Atlassian API answers this; the data source builds it exactly from the space's listings " +
			"and the Organizations API, so it needs both the Confluence and the organization settings.\n\n" +
			"An account counts (`entries`) only while it is `active` and holds product access to the Confluence site. An " +
			"account that holds a grant but cannot use it now (suspended, deactivated, or without product access) is in " +
			"`dormant_entries`: on reactivation it gets it all back, which offboarding reviews look for.\n\n" +
			"With `space_key` it lists everyone who reaches one space; with `account_id`, every space one account reaches " +
			"(or those of `space_keys`). Cost, in requests: by space, the space's listings, one member search per ten " +
			"granted groups and page, one search per product role and page of the site's licensed accounts, and one " +
			"search per ten accounts granted directly that hold no product access; by account, one search per product role " +
			"tried, strongest first, until one finds the account (two for a user: Atlassian's search results carry no " +
			"role), then one table read per space (shared with the space resources in the same run). The role catalogue " +
			"is read only when someone holds a role.\n\n" +
			"~> Page restrictions are below this data source's level: an entry may reach the space yet not a restricted page.",
		Attributes: map[string]schema.Attribute{
			"space_key": schema.StringAttribute{
				MarkdownDescription: "Who can reach this space, such as `ENG`. Exactly one of `space_key` and `account_id`.",
				Optional:            true,
				Validators: []validator.String{
					stringvalidator.RegexMatches(spaceKeyPattern, "must be a space key"),
					stringvalidator.ExactlyOneOf(path.MatchRoot("space_key"), path.MatchRoot("account_id")),
				},
			},
			"account_id": schema.StringAttribute{
				MarkdownDescription: "What this account can reach: one entry per space where it holds anything. Exactly one of " +
					"`space_key` and `account_id`.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.RegexMatches(principalIDPattern, "must be an account id")},
			},
			"space_keys": schema.SetAttribute{
				MarkdownDescription: "With `account_id`, the spaces to look in; by default every space the Confluence credential can view.",
				ElementType:         types.StringType,
				Optional:            true,
				Validators: []validator.Set{
					setvalidator.ValueStringsAre(stringvalidator.RegexMatches(spaceKeyPattern, "must be a space key")),
					setvalidator.ConflictsWith(path.MatchRoot("space_key")),
				},
			},
			"space_id": schema.StringAttribute{MarkdownDescription: "Id of the space (with `space_key`).", Computed: true},
			"verify": schema.BoolAttribute{
				MarkdownDescription: "Confirm each entry and dormant entry with Confluence's own permission check on the space's " +
					"home page (one request per entry; the Confluence credential needs the Confluence Administrator global " +
					"permission), and list the disagreements in `verification_mismatches`. Default false.",
				Optional: true,
			},
			"verification_mismatches": schema.ListNestedAttribute{
				MarkdownDescription: "With `verify`, the accounts whose read access to the space's home page Confluence judges " +
					"otherwise than this data source: `expected` is whether the entry reads the space (an active account " +
					"with product access and `read/space`), `confluence` what the check answered. Empty when all agree; " +
					"null without `verify`.",
				Computed: true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"space_key":  schema.StringAttribute{MarkdownDescription: "The space.", Computed: true},
					"account_id": schema.StringAttribute{MarkdownDescription: "The account.", Computed: true},
					"expected":   schema.BoolAttribute{MarkdownDescription: "Whether this data source finds it can read the space.", Computed: true},
					"confluence": schema.BoolAttribute{MarkdownDescription: "Whether Confluence's permission check says it can read the home page.", Computed: true},
				}},
			},
			"entries": entryAttributes("One entry per active account with product access that reaches the space, sorted by account id."),
			"dormant_entries": entryAttributes("Accounts that hold a grant, directly or through a group, but cannot use it now: " +
				"not `active`, or without product access to the site."),
			"anonymous_access": schema.SetAttribute{
				MarkdownDescription: "The classic permissions anonymous users have in the space.",
				ElementType:         types.StringType,
				Computed:            true,
			},
			"access_classes": schema.ListNestedAttribute{
				MarkdownDescription: "Roles given to access classes. `all-licensed-users` and `all-product-admins` are " +
					"expanded into `entries` (`expanded = true`); the others (`authenticated-users`, `anonymous-users`, " +
					"`jsm-project-admins`) cannot be listed and are reported as a class.",
				Computed: true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"class":    schema.StringAttribute{MarkdownDescription: "The access class.", Computed: true},
					"role":     schema.StringAttribute{MarkdownDescription: "The name of its space role.", Computed: true},
					"expanded": schema.BoolAttribute{MarkdownDescription: "Whether its members are among the entries.", Computed: true},
				}},
			},
			"unresolved_principals": schema.ListNestedAttribute{
				MarkdownDescription: "Grants to a group or account that no longer exists: they give nobody access, and clutter the table.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"principal_type": schema.StringAttribute{MarkdownDescription: "`group` or `user`.", Computed: true},
					"principal_id":   schema.StringAttribute{MarkdownDescription: "The id no longer found.", Computed: true},
					"permissions":    schema.SetAttribute{MarkdownDescription: "Its classic permissions.", ElementType: types.StringType, Computed: true},
					"role":           schema.StringAttribute{MarkdownDescription: "The name of its space role, if any.", Computed: true},
				}},
			},
		},
	}
}

func (d *effectiveAccessDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *effectiveAccessDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m effectiveAccessModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || d.data == nil {
		return
	}
	dir, diags := d.data.siteDirectory(ctx)
	if resp.Diagnostics.Append(diags...); diags.HasError() {
		return
	}
	if !m.AccountID.IsNull() {
		d.readAccount(ctx, &m, dir, resp)
		return
	}
	s, diags := d.data.loadSpace(ctx, m.SpaceKey.ValueString())
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	eff, err := s.Effective(ctx, dir)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Could not read who can reach the space", err)
		return
	}
	if resp.Diagnostics.Append(d.verify(ctx, &m, slices.Concat(eff.Entries, eff.Dormant))...); resp.Diagnostics.HasError() {
		return
	}
	m.SpaceID = types.StringValue(s.Space.ID)
	m.Entries = entriesValue(eff.Entries)
	m.DormantEntries = entriesValue(eff.Dormant)
	m.AnonymousAccess = stringSet(eff.Anonymous)
	classes := make([]attr.Value, 0, len(eff.Classes))
	for _, c := range eff.Classes {
		classes = append(classes, types.ObjectValueMust(accessClassType.AttrTypes, map[string]attr.Value{
			"class": types.StringValue(c.Class), "role": types.StringValue(c.Role), "expanded": types.BoolValue(c.Expanded),
		}))
	}
	m.AccessClasses = types.ListValueMust(accessClassType, classes)
	unresolved := make([]attr.Value, 0, len(eff.Unresolved))
	for _, u := range eff.Unresolved {
		unresolved = append(unresolved, types.ObjectValueMust(unresolvedGrantType.AttrTypes, map[string]attr.Value{
			"principal_type": types.StringValue(u.Principal.Type), "principal_id": types.StringValue(u.Principal.ID),
			"permissions": stringSet(u.Permissions), "role": nullIfEmpty(u.Role),
		}))
	}
	m.UnresolvedPrincipals = types.ListValueMust(unresolvedGrantType, unresolved)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// readAccount fills the model with what one account can reach, space by space.
func (d *effectiveAccessDataSource) readAccount(ctx context.Context, m *effectiveAccessModel, dir cloud.Directory, resp *datasource.ReadResponse) {
	person, found, err := dir.Person(ctx, m.AccountID.ValueString())
	if err != nil {
		addAPIError(&resp.Diagnostics, "Could not look the account up", err)
		return
	}
	if !found {
		resp.Diagnostics.AddAttributeError(path.Root("account_id"), "Account not found",
			fmt.Sprintf("No account with id %q is in the organization's directories.", m.AccountID.ValueString()))
		return
	}
	client, diags := d.data.Confluence(ctx)
	if resp.Diagnostics.Append(diags...); diags.HasError() {
		return
	}
	var spaces []*confluence.Space
	if m.SpaceKeys.IsNull() {
		all, err := client.Spaces(ctx)
		if err != nil {
			addAPIError(&resp.Diagnostics, "Could not list the spaces", err)
			return
		}
		for i := range all {
			spaces = append(spaces, &all[i])
		}
	} else {
		keys := setStrings(ctx, m.SpaceKeys)
		found, err := client.SpacesByKey(ctx, keys...)
		if err != nil {
			addAPIError(&resp.Diagnostics, "Could not look the spaces up", err)
			return
		}
		for _, k := range keys {
			if found[k] == nil {
				addSpaceNotFound(&resp.Diagnostics, k)
				continue
			}
			spaces = append(spaces, found[k])
		}
		if resp.Diagnostics.HasError() {
			return
		}
	}
	mode, err := client.SpaceRoleMode(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Could not read the site's space role mode", err)
		return
	}
	var entries, dormant []access.Entry
	for _, sp := range spaces {
		e, err := newSpaceAccess(client, sp, mode).Reach(ctx, person)
		if err != nil {
			addAPIError(&resp.Diagnostics, "Could not read the access table of space "+sp.Key, err)
			return
		}
		switch {
		case e == nil:
		case person.Counts():
			entries = append(entries, *e)
		default:
			dormant = append(dormant, *e)
		}
	}
	if resp.Diagnostics.Append(d.verify(ctx, m, slices.Concat(entries, dormant))...); resp.Diagnostics.HasError() {
		return
	}
	m.SpaceID = types.StringNull()
	m.Entries = entriesValue(entries)
	m.DormantEntries = entriesValue(dormant)
	m.AnonymousAccess = types.SetNull(types.StringType)
	m.AccessClasses = types.ListNull(accessClassType)
	m.UnresolvedPrincipals = types.ListNull(unresolvedGrantType)
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

// siteDirectory is the organization's directory as the Confluence site sees it (access.Directory), for the data
// sources that resolve access through accounts: it needs the organization and the site settings.
func (d *providerData) siteDirectory(ctx context.Context) (cloud.Directory, diag.Diagnostics) {
	var diags diag.Diagnostics
	api, ad := d.Admin(ctx)
	diags.Append(ad...)
	if d.settings.siteURL == "" {
		diags.Append(missingCredentials("the Confluence site", []credential{{"site_url", envSiteURL}}))
	}
	if diags.HasError() {
		return cloud.Directory{}, diags
	}
	ari, err := api.SiteARI(ctx, d.settings.siteURL)
	if err != nil {
		addAPIError(&diags, "Could not find the Confluence site in the organization", err)
	}
	return cloud.NewDirectory(api, ari), diags
}

// verify sets the model's verification_mismatches: with verify, each entry's read access to its space's home
// page as Confluence judges it, against what the entry says.
func (d *effectiveAccessDataSource) verify(ctx context.Context, m *effectiveAccessModel, entries []access.Entry) diag.Diagnostics {
	var diags diag.Diagnostics
	m.Mismatches = types.ListNull(mismatchType)
	if !m.Verify.ValueBool() {
		return diags
	}
	client, cd := d.data.Confluence(ctx)
	if diags.Append(cd...); diags.HasError() {
		return diags
	}
	mismatches := []attr.Value{}
	for _, e := range entries {
		space, err := client.SpaceByKey(ctx, e.Space.Key)
		if err != nil {
			addAPIError(&diags, "Could not look the space up to verify its entries", err)
			return diags
		}
		if space.HomepageID == "" {
			continue // a space without a home page has nothing to check against
		}
		got, err := client.CanRead(ctx, space.HomepageID, e.Account.ID)
		if transport.IsForbidden(err) {
			addAPIErrorWithHint(&diags, "Could not verify the entries", err, "verify = true needs the Confluence Administrator "+
				"global permission for the Confluence credential, to check other accounts' permissions. Drop verify, or "+
				"use a credential with that permission.")
			return diags
		}
		if err != nil {
			addAPIError(&diags, "Could not verify the entries", err)
			return diags
		}
		want := e.Account.Counts() && slices.Contains(e.Permissions, access.ReadSpace)
		if got != want {
			mismatches = append(mismatches, types.ObjectValueMust(mismatchType.AttrTypes, map[string]attr.Value{
				"space_key": types.StringValue(e.Space.Key), "account_id": types.StringValue(e.Account.ID),
				"expected": types.BoolValue(want), "confluence": types.BoolValue(got),
			}))
		}
	}
	m.Mismatches = types.ListValueMust(mismatchType, mismatches)
	return diags
}

func entriesValue(entries []access.Entry) types.List {
	elems := make([]attr.Value, 0, len(entries))
	for _, e := range entries {
		sources := make([]attr.Value, 0, len(e.Sources))
		for _, src := range e.Sources {
			sources = append(sources, types.ObjectValueMust(accessSourceType.AttrTypes, map[string]attr.Value{
				"principal_type": types.StringValue(src.Principal.Type),
				"principal_id":   types.StringValue(src.Principal.ID),
				"name":           nullIfEmpty(src.Name),
			}))
		}
		elems = append(elems, types.ObjectValueMust(accessEntryType.AttrTypes, accountValues(e.Account, map[string]attr.Value{
			"space_key":   types.StringValue(e.Space.Key),
			"permissions": stringSet(e.Permissions),
			"roles":       stringSet(e.Roles),
			"sources":     types.ListValueMust(accessSourceType, sources),
		})))
	}
	return types.ListValueMust(accessEntryType, elems)
}
