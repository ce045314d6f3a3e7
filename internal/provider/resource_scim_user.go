package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/admin"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/scim"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/transport"
	"github.com/accessplane/terraform-provider-confluence/internal/customtypes"
)

var (
	_ resource.ResourceWithConfigure   = &scimUserResource{}
	_ resource.ResourceWithImportState = &scimUserResource{}
	_ resource.ResourceWithIdentity    = &scimUserResource{}
	_ resource.ResourceWithModifyPlan  = &scimUserResource{}
)

// NewSCIMUserResource is the constructor of confluence_scim_user.
func NewSCIMUserResource() resource.Resource { return &scimUserResource{} }

type scimUserResource struct {
	data *providerData
}

type scimUserModel struct {
	ID                 types.String                      `tfsdk:"id"`
	UserName           customtypes.CaseInsensitiveString `tfsdk:"user_name"`
	Email              customtypes.CaseInsensitiveString `tfsdk:"email"`
	ExternalID         types.String                      `tfsdk:"external_id"`
	DisplayName        types.String                      `tfsdk:"display_name"`
	GivenName          types.String                      `tfsdk:"given_name"`
	FamilyName         types.String                      `tfsdk:"family_name"`
	NickName           types.String                      `tfsdk:"nick_name"`
	Title              types.String                      `tfsdk:"title"`
	Department         types.String                      `tfsdk:"department"`
	Organization       types.String                      `tfsdk:"organization"`
	Timezone           types.String                      `tfsdk:"timezone"`
	PreferredLanguage  types.String                      `tfsdk:"preferred_language"`
	Active             types.Bool                        `tfsdk:"active"`
	AtlassianAccountID types.String                      `tfsdk:"atlassian_account_id"`
	OnDestroy          types.String                      `tfsdk:"on_destroy"`
}

// What destroying a confluence_scim_user does (on_destroy).
const (
	onDestroyDeactivate = "deactivate"
	onDestroyUnmanage   = "unmanage"
)

// onDestroyOf is the on_destroy of a state, "deactivate" where state written before the attribute holds none.
func onDestroyOf(v types.String) types.String {
	if v.IsNull() || v.IsUnknown() {
		return types.StringValue(onDestroyDeactivate)
	}
	return v
}

// scimUserAttr is one optional string attribute of a user: how it is read from the API and patched.
type scimUserAttr struct {
	name   string // Terraform attribute
	path   string // SCIM PATCH path
	desc   string
	get    func(*scim.User) string
	field  func(*scimUserModel) *types.String
	checks []validator.String
}

// scimUserAttrs are the optional attributes. Department and organization are written to the RFC 7643 enterprise
// extension (where the Atlassian schema documents them) and read from it first, then from Atlassian's top-level
// copies.
var scimUserAttrs = []scimUserAttr{
	{name: "external_id", path: "externalId", desc: "Identifier of the user in the identity provider (case-sensitive), such as an Okta or Entra object id.",
		get: func(u *scim.User) string { return u.ExternalID }, field: func(m *scimUserModel) *types.String { return &m.ExternalID }},
	{name: "display_name", path: "displayName", desc: "Name shown for the user, such as `Jane Doe`.",
		get: func(u *scim.User) string { return u.DisplayName }, field: func(m *scimUserModel) *types.String { return &m.DisplayName }},
	{name: "given_name", path: "name.givenName", desc: "Given (first) name, SCIM `name.givenName`.",
		get: (*scim.User).GivenNameValue, field: func(m *scimUserModel) *types.String { return &m.GivenName }},
	{name: "family_name", path: "name.familyName", desc: "Family (last) name, SCIM `name.familyName`.",
		get: (*scim.User).FamilyNameValue, field: func(m *scimUserModel) *types.String { return &m.FamilyName }},
	{name: "nick_name", path: "nickName", desc: "Casual name, such as `Jan`.",
		get: func(u *scim.User) string { return u.NickName }, field: func(m *scimUserModel) *types.String { return &m.NickName }},
	{name: "title", path: "title", desc: "Job title, such as `Staff Engineer`.",
		get: func(u *scim.User) string { return u.Title }, field: func(m *scimUserModel) *types.String { return &m.Title }},
	{name: "department", path: scim.EnterprisePath("department"), desc: "Department, written to the enterprise extension " +
		"(`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User`); read from it, or from Atlassian's top-level `department`.",
		get: (*scim.User).DepartmentValue, field: func(m *scimUserModel) *types.String { return &m.Department }},
	{name: "organization", path: scim.EnterprisePath("organization"), desc: "Organization, written to the enterprise extension; " +
		"read from it, or from Atlassian's top-level `organization`.",
		get: (*scim.User).OrganizationValue, field: func(m *scimUserModel) *types.String { return &m.Organization }},
	{name: "timezone", path: "timezone", desc: "Time zone as an IANA name, such as `Europe/London`, `America/Los_Angeles` or `UTC`.",
		get: func(u *scim.User) string { return u.Timezone }, field: func(m *scimUserModel) *types.String { return &m.Timezone },
		checks: []validator.String{stringCheck{description: "an IANA time zone such as Europe/London or UTC", check: checkTimezone}}},
	{name: "preferred_language", path: "preferredLanguage", desc: "Preferred language as a language tag, such as `en` or `en-US`.",
		get: func(u *scim.User) string { return u.PreferredLanguage }, field: func(m *scimUserModel) *types.String { return &m.PreferredLanguage },
		checks: []validator.String{stringCheck{description: "a language tag such as en or en-US", check: checkLanguageTag}}},
}

var (
	userEmailPattern   = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s.]+$`)
	timezonePattern    = regexp.MustCompile(`^(UTC|GMT|[A-Z][A-Za-z]+(/[A-Za-z0-9_+\-]+){1,2})$`)
	languageTagPattern = regexp.MustCompile(`^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$`)
)

func checkUserEmail(v string) error {
	if !userEmailPattern.MatchString(v) {
		return fmt.Errorf("%q is not an email address; expected an address such as jane.doe@example.com", v)
	}
	return nil
}

// checkTimezone accepts "" (which clears the value) and IANA-looking names; the directory has the final word.
func checkTimezone(v string) error {
	if v != "" && !timezonePattern.MatchString(v) {
		return fmt.Errorf("%q is not an IANA time zone name; expected Area/Location such as Europe/London or "+
			"America/Argentina/Buenos_Aires, or UTC (\"\" removes the value)", v)
	}
	return nil
}

// checkLanguageTag accepts "" (which clears the value) and tags such as en or en-US (RFC 7643 preferredLanguage).
func checkLanguageTag(v string) error {
	if v != "" && !languageTagPattern.MatchString(v) {
		return fmt.Errorf("%q is not a language tag; expected a tag such as en, de or en-US (\"\" removes the value)", v)
	}
	return nil
}

func (r *scimUserResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_scim_user"
}

func (r *scimUserResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = scimUserID.identitySchema()
}

const scimUserUnmanagedNote = " When unset, the provider does not manage it: whatever the directory holds (set by the identity " +
	"provider or an admin) is kept and shows no diff. Set it to `\"\"` to remove the value from the directory."

func (r *scimUserResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attrs := map[string]schema.Attribute{
		"id": schema.StringAttribute{
			MarkdownDescription: "SCIM id of the user (not the Atlassian account id).",
			Computed:            true,
			PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
		"user_name": schema.StringAttribute{
			MarkdownDescription: "Unique user name in the directory, usually the user's email address. Compared without " +
				"regard to case (`Jane.Doe@Example.com` and `jane.doe@example.com` are the same user). Changing it renames " +
				"the user in place.",
			Required:   true,
			CustomType: customtypes.CaseInsensitiveStringType{},
			Validators: []validator.String{
				stringvalidator.LengthAtLeast(1),
				stringCheck{description: "a user name without surrounding spaces", check: checkNoSurroundingSpaces("the user name")},
			},
		},
		"email": schema.StringAttribute{
			MarkdownDescription: "Primary work email address; Atlassian creates or links the user's account by it, and it must " +
				"be on a verified domain of the organization. Compared without regard to case. Other addresses the identity " +
				"provider set are kept when it changes.",
			Required:   true,
			CustomType: customtypes.CaseInsensitiveStringType{},
			Validators: []validator.String{stringCheck{description: "an email address", check: checkUserEmail}},
		},
		"active": schema.BoolAttribute{
			MarkdownDescription: "Whether the user is active. Defaults to `true`. `false` deactivates the user (the account " +
				"loses product access, and the SCIM API answers 404 for the user from then on); `true` re-activates it by " +
				"creating the same user name again, which keeps the Atlassian account. While the user is deactivated, no " +
				"other attribute can change (the plan fails naming it): set `active = true` to change them.",
			Optional: true,
			Computed: true,
			Default:  booldefault.StaticBool(true),
		},
		"on_destroy": schema.StringAttribute{
			MarkdownDescription: "What destroying the resource does: `deactivate` (the default) deactivates the user in the " +
				"directory, which takes the account's product access away; `unmanage` only forgets the user, which stays " +
				"active, so that a stack can be retired or handed to another identity provider without offboarding anyone. " +
				"Destroy uses the value in the state: apply a change to `unmanage` before removing the resource.",
			Optional:   true,
			Computed:   true,
			Default:    stringdefault.StaticString(onDestroyDeactivate),
			Validators: []validator.String{stringvalidator.OneOf(onDestroyDeactivate, onDestroyUnmanage)},
		},
		"atlassian_account_id": schema.StringAttribute{
			MarkdownDescription: "Atlassian account the user is linked to (the `accountId` used by the Admin and Confluence " +
				"APIs), from the `urn:scim:schemas:extension:atlassian-external:1.0` extension. Null when the directory does " +
				"not report it.",
			Computed:      true,
			PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
	}
	for _, a := range scimUserAttrs {
		attrs[a.name] = schema.StringAttribute{
			MarkdownDescription: a.desc + scimUserUnmanagedNote,
			Optional:            true,
			Computed:            true,
			Validators:          a.checks,
			// An unset attribute keeps the directory's value (read before every plan), so it is known, not "known after apply".
			PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A user in the Atlassian SCIM directory, as an identity provider would push it. Atlassian creates " +
			"(or links, by email) the user's managed account from it.\n\n" +
			"Updates are SCIM `PATCH` requests carrying only the changed attributes, so attributes this configuration does " +
			"not set are never wiped.\n\n" +
			"!> **Destroying this resource deactivates the account; it does not delete it.** Atlassian treats SCIM `DELETE` " +
			"as deactivation: the user loses product access and disappears from the SCIM API, and creating a user with the " +
			"same user name later re-activates the same Atlassian account. To delete the account itself, use the Atlassian " +
			"User management API or admin.atlassian.com.\n\n" +
			"## Deactivated users\n\n" +
			"Atlassian documents that a deactivated user (SCIM `DELETE`, or `active` set to `false`) \"is not available for " +
			"future requests until activated again\": every SCIM request for it answers 404, exactly as for a user that " +
			"does not exist. When a refresh gets that 404, the provider tells the two apart as follows.\n\n" +
			"With the Organizations API configured (`organization_id` and `admin_api_key`), it looks the user's " +
			"`atlassian_account_id` up there. A `deactivated` account keeps the resource in the state with `active = false` " +
			"and its other attributes as last known, so `active = false` in the configuration plans clean and a user " +
			"deactivated outside Terraform shows as a change to `active`. An account that is gone (or whose SCIM record " +
			"is gone while the account is still active) removes the resource from the state with a warning, and the next " +
			"plan creates it.\n\n" +
			"Without the Organizations API, it assumes the user is deactivated (the SCIM API cannot delete an account) " +
			"and keeps it the same way, with a warning naming the settings that would let it check.\n\n" +
			"Re-activation (`active = true` on a deactivated user) creates the same user name again, which Atlassian answers " +
			"by re-activating the user and its Atlassian account; the attributes of the configuration (and the last known " +
			"values of those it does not set) are sent with it. The plan shows `id` and `atlassian_account_id` as known " +
			"after apply, since they are what the directory answers.\n\n" +
			"Creating a user with `active = false` creates it deactivated. Import takes the SCIM id of a user the directory " +
			"can read: a deactivated user cannot be imported (the SCIM API answers 404); declare it with its `user_name`, " +
			"`email` and `active = false` instead, and the apply links the existing record and account rather than " +
			"creating new ones. Destroying a user that is already deactivated succeeds (its SCIM `DELETE` answers 404, which " +
			"counts as done).",
		Attributes: attrs,
	}
}

func (r *scimUserResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan fails the plan early when the SCIM API is not configured, and when a user to be created already
// exists in the directory under the same user name or external id (it should be imported instead). For a
// deactivated user it refuses attribute changes and marks what re-activation may change.
func (r *scimUserResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.data == nil || req.Plan.Raw.IsNull() {
		return
	}
	client, diags := r.data.SCIM(ctx)
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	var plan scimUserModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !req.State.Raw.IsNull() {
		var state scimUserModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if !resp.Diagnostics.HasError() {
			planDeactivatedUser(ctx, plan, state, resp)
		}
		return
	}
	if !plan.UserName.IsUnknown() {
		u, err := findSCIMUserByName(ctx, client, plan.UserName.ValueString())
		if err != nil {
			addAPIError(&resp.Diagnostics, "Could not check whether the SCIM user already exists", err)
			return
		}
		if u != nil {
			resp.Diagnostics.AddAttributeError(path.Root("user_name"), "SCIM user already exists",
				alreadyExistsDetail("user", u.UserName, "confluence_scim_user", u.ID))
			return
		}
	}
	if ext := plan.ExternalID.ValueString(); !plan.ExternalID.IsUnknown() && ext != "" {
		found, err := client.FindUsers(ctx, "externalId", ext)
		if err != nil {
			addAPIError(&resp.Diagnostics, "Could not check whether the SCIM user already exists", err)
			return
		}
		for _, u := range found {
			if u.ExternalID == ext { // externalId is case-exact
				resp.Diagnostics.AddAttributeError(path.Root("external_id"), "SCIM user with this external id already exists",
					fmt.Sprintf("External id %q already belongs to a user in the directory. ", ext)+
						alreadyExistsDetail("user", u.UserName, "confluence_scim_user", u.ID))
				return
			}
		}
	}
}

// planDeactivatedUser handles a user whose state says it is deactivated. Every SCIM operation on it answers 404
// (reference §1.6), so nothing but re-activation can be applied: a changed attribute with active = false is a plan
// error naming it. Re-activation is a POST of the same user name, which answers the record: its SCIM id and account
// are whatever the directory returns, so they are unknown in the plan. UNCONFIRMED: whether the live service keeps
// the SCIM id on re-activation (§1.6 leaves re-activation open); the emulator keeps the id and the account.
func planDeactivatedUser(ctx context.Context, plan, state scimUserModel, resp *resource.ModifyPlanResponse) {
	if state.Active.IsNull() || state.Active.IsUnknown() || state.Active.ValueBool() {
		return
	}
	if plan.Active.IsUnknown() || plan.Active.ValueBool() {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("id"), types.StringUnknown())...)
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("atlassian_account_id"), types.StringUnknown())...)
		return
	}
	refuse := func(attr string) {
		resp.Diagnostics.AddAttributeError(path.Root(attr), "Cannot change a deactivated SCIM user",
			fmt.Sprintf("SCIM user %q is deactivated (active = false), and Atlassian answers 404 to every request for a "+
				"deactivated user until it is re-activated, so %s cannot change. Set active = true to re-activate the user "+
				"with the new value, or keep the previous value while it stays deactivated.", state.UserName.ValueString(), attr))
	}
	if !plan.UserName.IsUnknown() && !strings.EqualFold(plan.UserName.ValueString(), state.UserName.ValueString()) {
		refuse("user_name")
	}
	if !plan.Email.IsUnknown() && !strings.EqualFold(plan.Email.ValueString(), state.Email.ValueString()) {
		refuse("email")
	}
	for _, a := range scimUserAttrs {
		want, have := *a.field(&plan), *a.field(&state)
		if !want.IsUnknown() && !want.IsNull() && want.ValueString() != have.ValueString() {
			refuse(a.name)
		}
	}
}

// findSCIMUserByName returns the user whose userName equals name ignoring case (RFC 7643: userName is not
// case-exact), or nil. The filter already narrows the list; the comparison guards against servers that match
// more loosely.
func findSCIMUserByName(ctx context.Context, client *scim.Client, name string) (*scim.User, error) {
	found, err := client.FindUsers(ctx, "userName", name)
	if err != nil {
		return nil, err
	}
	for i := range found {
		if strings.EqualFold(found[i].UserName, name) {
			return &found[i], nil
		}
	}
	return nil, nil
}

func (r *scimUserResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer scimUserID.identifyCreate(ctx, resp)
	var plan scimUserModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	client, diags := r.data.SCIM(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, warnAdopted := watchAdoptions(ctx, &resp.Diagnostics)
	defer warnAdopted()
	created, err := client.CreateUser(ctx, scimUserInput(plan))
	if created != nil { // made, even when interrupted since
		resp.Diagnostics.Append(resp.State.Set(ctx, scimUserState(plan, created))...)
	}
	if err != nil {
		if transport.IsConflict(err) {
			addSCIMUserConflict(ctx, &resp.Diagnostics, client, plan, err)
			return
		}
		addCreateError(&resp.Diagnostics, "confluence_scim_user", "Could not create the SCIM user", err)
		return
	}
	tflog.Info(ctx, "created SCIM user", map[string]any{"id": created.ID, "atlassian_account_id": created.AccountID(), "active": created.IsActive()})
}

// scimUserInput is the POST body for the planned user (create, and re-activation of a deactivated one).
func scimUserInput(plan scimUserModel) scim.User {
	active := plan.Active.IsUnknown() || plan.Active.ValueBool()
	in := scim.User{
		UserName:          plan.UserName.ValueString(),
		Emails:            []scim.Email{{Value: plan.Email.ValueString(), Type: "work", Primary: true}},
		ExternalID:        plan.ExternalID.ValueString(),
		DisplayName:       plan.DisplayName.ValueString(),
		NickName:          plan.NickName.ValueString(),
		Title:             plan.Title.ValueString(),
		Timezone:          plan.Timezone.ValueString(),
		PreferredLanguage: plan.PreferredLanguage.ValueString(),
		Active:            &active,
	}
	if given, family := plan.GivenName.ValueString(), plan.FamilyName.ValueString(); given != "" || family != "" {
		in.Name = &scim.Name{GivenName: given, FamilyName: family}
	}
	if dept, org := plan.Department.ValueString(), plan.Organization.ValueString(); dept != "" || org != "" {
		in.Enterprise = &scim.Enterprise{Department: dept, Organization: org}
	}
	return in
}

// addSCIMUserConflict explains a 409 on create: the API's detail, plus the import command when the user holding the
// name can be found.
func addSCIMUserConflict(ctx context.Context, diags *diag.Diagnostics, client *scim.Client, plan scimUserModel, err error) {
	detail := err.Error()
	if u, ferr := findSCIMUserByName(ctx, client, plan.UserName.ValueString()); ferr == nil && u != nil {
		diags.AddAttributeError(path.Root("user_name"), "SCIM user already exists",
			detail+"\n\n"+alreadyExistsDetail("user", u.UserName, "confluence_scim_user", u.ID))
		return
	}
	diags.AddAttributeError(path.Root("email"), "SCIM user conflicts with an existing user",
		detail+"\n\nAtlassian keeps user names and email addresses unique: another user or Atlassian account already "+
			"holds this one. Free the address on the other account, or, if that user is the one you mean, import it "+
			"(look its SCIM id up with the confluence_scim_user data source):\n\n  terraform import confluence_scim_user.<name> <id>")
}

// scimUserState maps the API's user onto the model. Names and emails that differ from the prior value only in case
// keep the prior spelling. An attribute the directory does not hold is null, or "" when the prior value was ""
// (the configuration asked for it to be cleared), so clearing never leaves a perpetual diff.
func scimUserState(prior scimUserModel, u *scim.User) scimUserModel {
	m := scimUserModel{
		ID:                 types.StringValue(u.ID),
		UserName:           customtypes.NewCaseInsensitiveString(u.UserName),
		Email:              customtypes.NewCaseInsensitiveString(u.PrimaryEmail()),
		Active:             types.BoolValue(u.IsActive()),
		AtlassianAccountID: types.StringNull(),
		OnDestroy:          onDestroyOf(prior.OnDestroy), // a setting of the configuration, not of the directory
	}
	if id := u.AccountID(); id != "" {
		m.AtlassianAccountID = types.StringValue(id)
	}
	if knownStr(prior.UserName.StringValue) && strings.EqualFold(prior.UserName.ValueString(), u.UserName) {
		m.UserName = prior.UserName
	}
	if knownStr(prior.Email.StringValue) && strings.EqualFold(prior.Email.ValueString(), u.PrimaryEmail()) {
		m.Email = prior.Email
	}
	for _, a := range scimUserAttrs {
		before := *a.field(&prior)
		v := a.get(u)
		switch {
		case v != "":
			*a.field(&m) = types.StringValue(v)
		case knownStr(before) && before.ValueString() == "":
			*a.field(&m) = types.StringValue("")
		default:
			*a.field(&m) = types.StringNull()
		}
	}
	return m
}

func (r *scimUserResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer scimUserID.identifyRead(ctx, req, resp)
	var state scimUserModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client, diags := r.data.SCIM(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	u, err := client.GetUser(ctx, state.ID.ValueString())
	if transport.IsNotFound(err) {
		r.readUnavailable(ctx, state, resp)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Could not read the SCIM user", err)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, scimUserState(state, u))...)
}

// readUnavailable decides what a SCIM 404 means. Atlassian answers 404 for a deactivated user (SCIM DELETE or
// active=false: "not available for future requests until activated again", reference §1.6) as for one that does
// not exist. The Organizations API still lists a deactivated account (status "deactivated"), so with that API
// configured the account decides; without it the user is assumed deactivated, since the SCIM API cannot delete an
// account (§1.6: deleting a managed account "via the user provisioning API is not supported").
func (r *scimUserResource) readUnavailable(ctx context.Context, state scimUserModel, resp *resource.ReadResponse) {
	id, name := state.ID.ValueString(), state.UserName.ValueString()
	if !knownStr(state.UserName.StringValue) { // import by SCIM id: nothing to fall back on
		resp.Diagnostics.AddError("SCIM user not found",
			fmt.Sprintf("No user with SCIM id %q can be read from the directory. Atlassian answers 404 for a deactivated "+
				"user as for an unknown id, so a deactivated user cannot be imported. To manage a deactivated user, declare "+
				"it with its user_name and email (and active = false to keep it deactivated) and apply: creating the same "+
				"user name links the existing record and Atlassian account instead of making new ones.", id))
		return
	}
	keep := func() {
		state.Active = types.BoolValue(false)
		state.OnDestroy = onDestroyOf(state.OnDestroy)
		resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
	}
	gone := func(why string) {
		resp.Diagnostics.AddWarning("SCIM user no longer exists",
			fmt.Sprintf("SCIM user %q (%s) was not found in the directory, and %s. It is removed from the state and the "+
				"next apply creates it again.", name, id, why))
		resp.State.RemoveResource(ctx)
	}
	accountID := state.AtlassianAccountID.ValueString()
	orgAPI, diags := r.data.Admin(ctx)
	if diags.HasError() || !knownStr(state.AtlassianAccountID) || accountID == "" {
		why := "the Organizations API is not configured, so the provider cannot look its Atlassian account up. Set " +
			`"organization_id" and "admin_api_key" (or ` + envOrganizationID + " and " + envAdminAPIKey + ") so that " +
			"it can tell a deactivated user from a deleted one"
		if !diags.HasError() {
			why = "the state holds no Atlassian account id to look up in the Organizations API, so the provider cannot " +
				"tell a deactivated user from a deleted one"
		}
		resp.Diagnostics.AddWarning("SCIM user assumed deactivated",
			fmt.Sprintf("SCIM user %q (%s) answers 404. Atlassian answers 404 for a deactivated user (SCIM DELETE or "+
				"active = false) as for a deleted one, and %s. It is kept in the state as deactivated (active = false, other "+
				"attributes as last known): with active = true in the configuration, the next apply re-activates it by "+
				"creating the same user name again, which keeps the Atlassian account.", name, id, why))
		keep()
		return
	}
	// UNCONFIRMED: that the Organizations API shows a SCIM-deactivated account as status "deactivated" as soon as
	// SCIM answers 404 (§2.7 lists the status; any lag is undocumented). directoryId "-" is documented on this read.
	account, err := orgAPI.GetUser(ctx, admin.AllDirectories, accountID)
	switch {
	case transport.IsNotFound(err):
		gone(fmt.Sprintf("its Atlassian account %s no longer exists in the organization", accountID))
	case err != nil:
		addAPIError(&resp.Diagnostics, "Could not look the SCIM user's Atlassian account up in the Organizations API", err)
	case account.Status == admin.UserStatusDeactivated:
		tflog.Info(ctx, "SCIM user is deactivated", map[string]any{"id": id, "atlassian_account_id": accountID})
		keep()
	default:
		gone(fmt.Sprintf("its Atlassian account %s is not deactivated (status %q): the SCIM record itself is gone",
			accountID, account.Status))
	}
}

// scimUserPatch lists the operations that take the directory from state to plan: only attributes that changed, and
// only those the configuration manages (an unset optional attribute plans its state value, so it never differs).
func scimUserPatch(plan, state scimUserModel, current func() (*scim.User, error)) ([]scim.PatchOperation, error) {
	var ops []scim.PatchOperation
	if !plan.UserName.IsUnknown() && !strings.EqualFold(plan.UserName.ValueString(), state.UserName.ValueString()) {
		ops = append(ops, scim.Replace("userName", plan.UserName.ValueString()))
	}
	if !plan.Email.IsUnknown() && !strings.EqualFold(plan.Email.ValueString(), state.Email.ValueString()) {
		// emails is multi-valued: replace the list with the new primary plus the user's other addresses.
		u, err := current()
		if err != nil {
			return nil, err
		}
		ops = append(ops, scim.Replace("emails", u.WithPrimaryEmail(plan.Email.ValueString())))
	}
	for _, a := range scimUserAttrs {
		want, have := *a.field(&plan), *a.field(&state)
		if want.IsUnknown() || want.IsNull() || want.ValueString() == have.ValueString() {
			continue
		}
		if want.ValueString() == "" {
			ops = append(ops, scim.Remove(a.path))
		} else {
			ops = append(ops, scim.Replace(a.path, want.ValueString()))
		}
	}
	if !plan.Active.IsUnknown() && !plan.Active.Equal(state.Active) {
		ops = append(ops, scim.Replace("active", plan.Active.ValueBool()))
	}
	return ops, nil
}

func (r *scimUserResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer scimUserID.identifyUpdate(ctx, resp)
	var plan, state scimUserModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client, diags := r.data.SCIM(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	var u *scim.User
	var ops []scim.PatchOperation
	if !state.Active.ValueBool() && (plan.Active.IsUnknown() || plan.Active.ValueBool()) {
		if u, ops = r.reactivate(ctx, client, plan, state, resp); u == nil {
			return
		}
	} else {
		id := state.ID.ValueString()
		var fetched *scim.User
		current := func() (*scim.User, error) {
			var err error
			if fetched == nil {
				fetched, err = client.GetUser(ctx, id)
			}
			return fetched, err
		}
		var err error
		if ops, err = scimUserPatch(plan, state, current); err != nil {
			addAPIError(&resp.Diagnostics, "Could not read the SCIM user", err)
			return
		}
		u = fetched
		if len(ops) > 0 {
			u, err = client.PatchUser(ctx, id, ops...)
		} else if u == nil {
			u, err = client.GetUser(ctx, id)
		}
		if err != nil {
			addAPIError(&resp.Diagnostics, "Could not update the SCIM user", err)
			return
		}
	}
	id := u.ID
	// Removing department/organization from the enterprise extension uncovers Atlassian's top-level copy, which
	// the read falls back to; remove that too so the value is really gone.
	var again []scim.PatchOperation
	if plan.Department.ValueString() == "" && knownStr(plan.Department) && u.DepartmentValue() != "" {
		again = append(again, scim.Remove("department"))
	}
	if plan.Organization.ValueString() == "" && knownStr(plan.Organization) && u.OrganizationValue() != "" {
		again = append(again, scim.Remove("organization"))
	}
	if len(again) > 0 {
		var err error
		if u, err = client.PatchUser(ctx, id, again...); err != nil {
			addAPIError(&resp.Diagnostics, "Could not update the SCIM user", err)
			return
		}
	}
	tflog.Info(ctx, "patched SCIM user", map[string]any{"id": id, "operations": len(ops) + len(again)})
	resp.Diagnostics.Append(resp.State.Set(ctx, scimUserState(plan, u))...)
}

// reactivate brings a deactivated user back: SCIM answers 404 for it, so it is a POST of the same user name with the
// planned attributes, which Atlassian answers by re-activating the record and its account (reference §1.6: the way
// back is UNCONFIRMED there; IdPs re-POST, and Atlassian links the existing account). Attributes the answer does not
// carry as planned are then PATCHed. It returns the user (nil after an error) and the PATCH operations it sent.
func (r *scimUserResource) reactivate(ctx context.Context, client *scim.Client, plan, state scimUserModel, resp *resource.UpdateResponse) (*scim.User, []scim.PatchOperation) {
	ctx, warnAdopted := watchAdoptions(ctx, &resp.Diagnostics)
	defer warnAdopted()
	u, err := client.CreateUser(ctx, scimUserInput(plan))
	if err != nil {
		if u != nil { // re-activated, then interrupted
			resp.Diagnostics.Append(resp.State.Set(ctx, scimUserState(plan, u))...)
		}
		if transport.IsConflict(err) {
			addSCIMUserConflict(ctx, &resp.Diagnostics, client, plan, err)
			return nil, nil
		}
		addCreateError(&resp.Diagnostics, "confluence_scim_user", "Could not re-activate the SCIM user", err)
		return nil, nil
	}
	tflog.Info(ctx, "re-activated SCIM user", map[string]any{"id": u.ID, "previous_id": state.ID.ValueString(), "atlassian_account_id": u.AccountID()})
	// The user exists again: save it now, so that a failure below leaves it in the state.
	resp.Diagnostics.Append(resp.State.Set(ctx, scimUserState(plan, u))...)
	if before := state.AtlassianAccountID.ValueString(); before != "" && u.AccountID() != "" && u.AccountID() != before {
		resp.Diagnostics.AddWarning("SCIM user re-activated on another Atlassian account",
			fmt.Sprintf("Re-activating SCIM user %q linked it to Atlassian account %s, not to %s as before: the old account "+
				"is gone. Grants made to the old account id do not apply to the new one.", u.UserName, u.AccountID(), before))
	}
	ops, err := scimUserPatch(plan, scimUserState(plan, u), func() (*scim.User, error) { return u, nil })
	if err != nil || len(ops) == 0 {
		return u, nil
	}
	if u, err = client.PatchUser(ctx, u.ID, ops...); err != nil {
		addAPIError(&resp.Diagnostics, "Could not update the re-activated SCIM user", err)
		return nil, nil
	}
	return u, ops
}

// Delete is SCIM DELETE, which Atlassian treats as deactivation of the account. A user that is already deactivated
// answers 404, which the client counts as done.
func (r *scimUserResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state scimUserModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client, diags := r.data.SCIM(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if onDestroyOf(state.OnDestroy).ValueString() == onDestroyUnmanage {
		tflog.Info(ctx, "forgot SCIM user, left active", map[string]any{"id": state.ID.ValueString()})
		return
	}
	if err := client.DeleteUser(ctx, state.ID.ValueString()); err != nil {
		addAPIError(&resp.Diagnostics, "Could not deactivate the SCIM user", err)
	}
}

func (r *scimUserResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	scimUserID.importState(ctx, req, resp)
}

// scimUserID names a SCIM user by its SCIM id.
var scimUserID = idSpec{
	parts: []idPart{{attr: "id", desc: "SCIM id of the user."}},
	parse: func(id string) ([]string, error) {
		if strings.TrimSpace(id) == "" || strings.ContainsAny(id, "/ \t\n@") {
			hint := ""
			if strings.Contains(id, "@") {
				hint = " It looks like a user name or email; look the SCIM id up with the confluence_scim_user data source (user_name = …)."
			}
			return nil, badID("Expected the SCIM id of the user, such as 247b915a-9d6c-4cd5-b5a5-071b1b3abc2e; got %q.%s", id, hint)
		}
		return []string{id}, nil
	},
}
