package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/accessplane/terraform-provider-confluence/internal/access"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/confluence"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/transport"
)

var (
	_ resource.ResourceWithConfigure      = &spacePrincipalPermissionsResource{}
	_ resource.ResourceWithImportState    = &spacePrincipalPermissionsResource{}
	_ resource.ResourceWithIdentity       = &spacePrincipalPermissionsResource{}
	_ resource.ResourceWithModifyPlan     = &spacePrincipalPermissionsResource{}
	_ resource.ResourceWithValidateConfig = &spacePrincipalPermissionsResource{}
)

// NewSpacePrincipalPermissionsResource is the constructor of confluence_space_principal_permissions.
func NewSpacePrincipalPermissionsResource() resource.Resource {
	return &spacePrincipalPermissionsResource{}
}

type spacePrincipalPermissionsResource struct {
	data *providerData
}

type spacePrincipalPermissionsModel struct {
	ID               types.String `tfsdk:"id"`
	SpaceKey         types.String `tfsdk:"space_key"`
	SpaceID          types.String `tfsdk:"space_id"`
	PrincipalType    types.String `tfsdk:"principal_type"`
	PrincipalID      types.String `tfsdk:"principal_id"`
	Permissions      types.Set    `tfsdk:"permissions"`
	AllowSelfLockout types.Bool   `tfsdk:"allow_self_lockout"`
	PolicyExemption  types.String `tfsdk:"policy_exemption"`
}

// classicPrincipalTypes are the principals a classic space permission can be granted to.
var classicPrincipalTypes = []string{confluence.PrincipalGroup, confluence.PrincipalUser, confluence.PrincipalAnonymous}

// principal is who the model grants to; ok is false while the type or id is still unknown.
func (m *spacePrincipalPermissionsModel) principal() (confluence.Principal, bool) {
	if m.PrincipalType.IsUnknown() || m.PrincipalType.IsNull() {
		return confluence.Principal{}, false
	}
	if m.PrincipalType.ValueString() == confluence.PrincipalAnonymous {
		return confluence.Principal{Type: confluence.PrincipalAnonymous}, true
	}
	if m.PrincipalID.IsUnknown() || m.PrincipalID.IsNull() {
		return confluence.Principal{}, false
	}
	return confluence.Principal{Type: m.PrincipalType.ValueString(), ID: m.PrincipalID.ValueString()}, true
}

func (r *spacePrincipalPermissionsResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_space_principal_permissions"
}

func (r *spacePrincipalPermissionsResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = spacePrincipalPermissionsID.identitySchema()
}

func (r *spacePrincipalPermissionsResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The classic permissions of one principal (a group, a user or anonymous users) in one Confluence " +
			"space. The resource is authoritative for that principal only: a permission the principal holds in the space " +
			"but that is not listed is removed on apply (and shows as drift in plan), while other principals are left " +
			"alone. Creating the resource for a principal that already holds permissions takes them over.\n\n" +
			"`read/space` is granted first and removed last, because every other permission depends on it and " +
			"removing it removes all of the principal's permissions in the space.\n\n" +
			"!> Destroying the resource removes all of the principal's permissions in the space.\n\n" +
			"The plan refuses, before any change is made, a configuration that would leave the space without an " +
			"administrator, or take the provider's own account's `administer/space` away (unless `allow_self_lockout`). " +
			"Classic permissions are for sites in space role mode `PRE_ROLES` or `ROLES_TRANSITION`; on `ROLES` sites " +
			"use `confluence_space_role_assignment`.\n\n" +
			"~> Do not combine this resource with `confluence_space_permissions_exclusive` on the same space: the " +
			"exclusive resource removes whatever it does not declare, so the two would undo each other's changes. The plan " +
			"refuses the combination within one configuration. " + crossStateNote("space"),
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`SPACEKEY/type/id` (such as `ENG/group/6f1c2d3e-…`), or `SPACEKEY/anonymous`: the import ID.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"space_key": schema.StringAttribute{
				MarkdownDescription: "Key of the space, such as `ENG` (case-sensitive). Changing it replaces the resource.",
				Required:            true,
				Validators: []validator.String{
					stringvalidator.LengthBetween(1, 255),
					stringvalidator.RegexMatches(spaceKeyPattern, "must be a space key: letters and digits, or ~ and an account id for a personal space"),
				},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"space_id": schema.StringAttribute{
				MarkdownDescription: "Id of the space (a numeric string), as the v2 API uses it.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"principal_type": schema.StringAttribute{
				MarkdownDescription: "Who the permissions are granted to: " + markdownList(classicPrincipalTypes) +
					" (anyone who can reach the site without logging in). Changing it replaces the resource.",
				Required:      true,
				Validators:    []validator.String{stringvalidator.OneOf(classicPrincipalTypes...)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"principal_id": schema.StringAttribute{
				MarkdownDescription: "Atlassian group id (`group`), such as `confluence_group_mapping.x.confluence_group_id` or " +
					"`data.confluence_group.x.id`, or account id (`user`). Required for `group` and `user`; omit it for " +
					"`anonymous`. A group that does not exist is a plan-time error. Changing it replaces the resource.",
				Optional: true,
				Validators: []validator.String{
					stringvalidator.LengthBetween(1, 255),
					stringvalidator.RegexMatches(principalIDPattern, "must be a group id or an account id (no spaces or slashes)"),
				},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"permissions": schema.SetAttribute{
				MarkdownDescription: "The principal's space permissions, as `key/target`: " + markdownList(classicPermissions) +
					". Must contain `read/space`, which every other permission depends on. `delete/space` is Confluence's " +
					"\"delete own content\"; `administer/space` gives the space's admin rights.",
				ElementType: types.StringType,
				Required:    true,
				Validators: []validator.Set{
					setvalidator.ValueStringsAre(stringvalidator.OneOf(classicPermissions...)),
				},
			},
			"allow_self_lockout": schema.BoolAttribute{
				MarkdownDescription: "Allow this resource to take `administer/space` away from the account the provider runs " +
					"as (after which the provider may no longer be able to manage the space). Default `false`: such a plan " +
					"is refused. The space's last administrator is never removed, whatever this says.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
			"policy_exemption": policyExemptionAttribute(),
		},
	}
}

func (r *spacePrincipalPermissionsResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig checks what depends on more than one attribute: principal_id against principal_type, and
// read/space in permissions.
func (r *spacePrincipalPermissionsResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m spacePrincipalPermissionsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !m.PrincipalType.IsUnknown() && !m.PrincipalType.IsNull() {
		switch typ := m.PrincipalType.ValueString(); {
		case typ == confluence.PrincipalAnonymous && !m.PrincipalID.IsNull():
			resp.Diagnostics.AddAttributeError(path.Root("principal_id"), "principal_id must be omitted for anonymous",
				`Anonymous users are one principal without an id: remove principal_id, or set principal_type to "group" or "user".`)
		case typ != confluence.PrincipalAnonymous && m.PrincipalID.IsNull():
			resp.Diagnostics.AddAttributeError(path.Root("principal_id"), "Missing principal_id",
				fmt.Sprintf("principal_id is required when principal_type is %q: give the %s.", typ, map[string]string{
					confluence.PrincipalGroup: "Atlassian group id", confluence.PrincipalUser: "account id",
				}[typ]))
		case typ == confluence.PrincipalUser && m.PrincipalID.ValueString() == confluence.PrincipalAnonymous:
			resp.Diagnostics.AddAttributeError(path.Root("principal_id"), "Use principal_type anonymous",
				`Confluence names anonymous users "anonymous": set principal_type = "anonymous" and omit principal_id.`)
		}
	}
	if m.Permissions.IsUnknown() || m.Permissions.IsNull() {
		return
	}
	if !fullyKnown(m.Permissions) {
		return // decided once the values are known
	}
	if !slices.Contains(setStrings(ctx, m.Permissions), confluence.ReadSpace.String()) {
		resp.Diagnostics.AddAttributeError(path.Root("permissions"), "permissions must contain read/space",
			"Every other space permission depends on read/space, and Confluence refuses them without it. Add \"read/space\". "+
				"Accepted values: "+strings.Join(classicPermissions, ", ")+".")
	}
}

// ModifyPlan settles space_id and id, and refuses at plan time what the apply would fail on or regret: a
// missing Confluence credential or space, a site whose role mode refuses classic permissions, a group that
// does not exist, leaving the space without an administrator, or taking the caller's own administration.
func (r *spacePrincipalPermissionsResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.data == nil {
		return
	}
	if req.Plan.Raw.IsNull() {
		r.modifyDestroyPlan(ctx, req, resp)
		return
	}
	if _, diags := r.data.Confluence(ctx); diags.HasError() {
		resp.Diagnostics.Append(diags...)
		return
	}
	var plan, state spacePrincipalPermissionsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	creating := req.State.Raw.IsNull()
	if !creating {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	// Before the unchanged-resource shortcut: an applied resource still fights an exclusive table added beside it.
	if !plan.SpaceKey.IsUnknown() && !r.data.claim(claim{
		kind: spaceClaimKind, key: plan.SpaceKey.ValueString(), resourceType: "confluence_space_principal_permissions",
		fingerprint: configFingerprint(req.Config), subject: principalSubject(plan.PrincipalType, plan.PrincipalID),
	}, path.Root("space_key"), &resp.Diagnostics) {
		return
	}
	// Before the shortcut below: a policy judges unchanged grants too, at no cost in requests.
	r.checkPolicy(ctx, plan, &resp.Diagnostics)
	replacing := !creating && (!plan.SpaceKey.Equal(state.SpaceKey) || !plan.PrincipalType.Equal(state.PrincipalType) ||
		!plan.PrincipalID.Equal(state.PrincipalID))
	if !creating && !replacing && plan.Permissions.Equal(state.Permissions) {
		return // nothing to write, so nothing to check: an unchanged resource costs no request at plan time
	}

	if plan.SpaceKey.IsUnknown() {
		plan.SpaceID = types.StringUnknown()
		plan.ID = types.StringUnknown()
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}
	space, diags := r.data.loadSpace(ctx, plan.SpaceKey.ValueString())
	resp.Diagnostics.Append(diags...)
	if diags.HasError() || !space.requireClassic(&resp.Diagnostics) {
		return
	}
	// Set here rather than by UseStateForUnknown alone, which would keep the old space's id when a new
	// space_key replaces the resource.
	plan.SpaceID = types.StringValue(space.Space.ID)
	principal, known := plan.principal()
	if known {
		plan.ID = types.StringValue(spacePrincipalID(plan.SpaceKey.ValueString(), principal))
	} else {
		plan.ID = types.StringUnknown()
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
	if !known || !fullyKnown(plan.Permissions) || resp.Diagnostics.HasError() {
		return
	}

	want := setStrings(ctx, plan.Permissions)
	have, err := space.heldPermissions(ctx, principal)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Could not read the space's permissions", err)
		return
	}
	if principal.Type == confluence.PrincipalGroup && len(have) == 0 && !groupExists(ctx, space.client, principal.ID, &resp.Diagnostics) {
		return
	}

	planned := map[confluence.Principal][]string{principal: want}
	if replacing && plan.SpaceKey.Equal(state.SpaceKey) {
		if old, ok := state.principal(); ok && old != principal {
			planned[old] = nil // the replacement removes the old principal's permissions
		}
	}
	space.checkAdminKept(ctx, planned, plan.AllowSelfLockout.ValueBool(), &resp.Diagnostics)
	r.data.warnAccessChanges(ctx, space.Space.Key, classicDeltas(map[confluence.Principal][]string{principal: have}, planned, false), &resp.Diagnostics)

	if taken := access.Difference(have, want); (creating || replacing) && len(taken) > 0 && !resp.Diagnostics.HasError() {
		resp.Diagnostics.AddWarning("Existing permissions will be removed",
			fmt.Sprintf("%s already holds permissions in space %s. This resource takes them over and removes those not "+
				"configured: %s. Add them to permissions to keep them.", principal, space.Space.Key, strings.Join(taken, ", ")))
	}
}

// checkPolicy judges the planned permissions against the provider's access_policy, once they are known.
func (r *spacePrincipalPermissionsResource) checkPolicy(ctx context.Context, plan spacePrincipalPermissionsModel, diags *diag.Diagnostics) {
	principal, known := plan.principal()
	if !known || plan.SpaceKey.IsUnknown() || !fullyKnown(plan.Permissions) {
		return
	}
	c := access.Change{Classic: map[confluence.Principal][]string{principal: setStrings(ctx, plan.Permissions)}}
	checkPolicy(ctx, r.data.policy, plan.SpaceKey.ValueString(), c, nil, plan.PolicyExemption, path.Root("permissions"), diags)
}

// modifyDestroyPlan refuses, at plan time, a destroy that would remove the space's last administrator or
// the caller's own administration.
func (r *spacePrincipalPermissionsResource) modifyDestroyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var state spacePrincipalPermissionsModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	principal, ok := state.principal()
	if resp.Diagnostics.HasError() || !ok {
		return
	}
	client, diags := r.data.Confluence(ctx)
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	space, err := client.SpaceByKey(ctx, state.SpaceKey.ValueString())
	if transport.IsNotFound(err) {
		return // the space, and the permissions with it, are gone
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Could not look up the space", err)
		return
	}
	mode, err := client.SpaceRoleMode(ctx) // whether administration through roles counts too
	if err != nil {
		addAPIError(&resp.Diagnostics, "Could not read the site's space role mode", err)
		return
	}
	var check diag.Diagnostics
	newSpaceAccess(client, space, mode).checkAdminKept(ctx, map[confluence.Principal][]string{principal: nil},
		state.AllowSelfLockout.ValueBool(), &check)
	for _, d := range check {
		if d.Severity() != diag.SeverityError {
			resp.Diagnostics.Append(d)
			continue
		}
		resp.Diagnostics.AddError(d.Summary(), d.Detail()+fmt.Sprintf("\n\nDestroying this resource removes every permission "+
			"of %s in space %s. To stop managing them without removing them, use a removed block with "+
			"lifecycle { destroy = false }.", principal, space.Key))
	}
}

// spaceForWrite resolves the space and refuses classic writes on a site in ROLES mode.
func (r *spacePrincipalPermissionsResource) spaceForWrite(ctx context.Context, key string, diags *diag.Diagnostics) *spaceAccess {
	space, d := r.data.loadSpace(ctx, key)
	diags.Append(d...)
	if d.HasError() || !space.requireClassic(diags) {
		return nil
	}
	return space
}

// withHeld is the model holding the permissions read back after a write.
func withHeld(m spacePrincipalPermissionsModel, space access.Space, principal confluence.Principal, held []string) spacePrincipalPermissionsModel {
	m.SpaceID = types.StringValue(space.ID)
	m.ID = types.StringValue(spacePrincipalID(space.Key, principal))
	m.Permissions = stringSet(held)
	if m.AllowSelfLockout.IsNull() || m.AllowSelfLockout.IsUnknown() {
		m.AllowSelfLockout = types.BoolValue(false)
	}
	return m
}

// apply makes the principal hold the planned permissions and records (through set) what it holds
// afterwards, even when some writes failed; nothing is recorded when nothing could be read back, or when a
// failed create left the principal holding nothing.
func (r *spacePrincipalPermissionsResource) apply(ctx context.Context, plan spacePrincipalPermissionsModel, set func(spacePrincipalPermissionsModel) diag.Diagnostics, diags *diag.Diagnostics) {
	space := r.spaceForWrite(ctx, plan.SpaceKey.ValueString(), diags)
	principal, ok := plan.principal()
	if space == nil || !ok {
		if !ok {
			diags.AddError("Principal unknown at apply", "principal_type and principal_id must be known when the resource is applied.")
		}
		return
	}
	if r.checkPolicy(ctx, plan, diags); diags.HasError() { // values unknown at plan time are judged now
		return
	}
	want := setStrings(ctx, plan.Permissions)
	held, err := space.SetPermissions(ctx, principal, want, r.data.settings.parallelism)
	if held != nil && (err == nil || len(held) > 0) {
		diags.Append(set(withHeld(plan, space.Space, principal, held))...)
	}
	if err != nil {
		addPermissionWriteError(diags, fmt.Sprintf("Could not set the permissions of %s in space %s", principal, space.Space.Key), err, space.Space.Key)
		return
	}
	if !slices.Equal(held, want) {
		// Confluence changed more than was asked (UNCONFIRMED "companion" permissions, reference §3.3).
		diags.AddError("Confluence holds different permissions than configured",
			fmt.Sprintf("After the change %s holds %s in space %s, not the configured %s. Confluence may grant or remove "+
				"related permissions by itself; align permissions with what it holds.", principal,
				strings.Join(held, ", "), space.Space.Key, strings.Join(want, ", ")))
		return
	}
	tflog.Info(ctx, "set space permissions", map[string]any{"space": space.Space.Key, "principal": principal.String(), "permissions": held})
}

func (r *spacePrincipalPermissionsResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer spacePrincipalPermissionsID.identifyCreate(ctx, resp)
	var plan spacePrincipalPermissionsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, warnAdopted := watchAdoptions(ctx, &resp.Diagnostics)
	defer warnAdopted()
	r.apply(ctx, plan, func(m spacePrincipalPermissionsModel) diag.Diagnostics { return resp.State.Set(ctx, &m) }, &resp.Diagnostics)
}

func (r *spacePrincipalPermissionsResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer spacePrincipalPermissionsID.identifyUpdate(ctx, resp)
	var plan spacePrincipalPermissionsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, warnAdopted := watchAdoptions(ctx, &resp.Diagnostics)
	defer warnAdopted()
	// Without a successful read-back the prior state stays (the framework starts from it).
	r.apply(ctx, plan, func(m spacePrincipalPermissionsModel) diag.Diagnostics { return resp.State.Set(ctx, &m) }, &resp.Diagnostics)
}

func (r *spacePrincipalPermissionsResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer spacePrincipalPermissionsID.identifyRead(ctx, req, resp)
	var state spacePrincipalPermissionsModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client, diags := r.data.Confluence(ctx)
	resp.Diagnostics.Append(diags...)
	principal, ok := state.principal()
	if resp.Diagnostics.HasError() {
		return
	}
	if !ok {
		resp.Diagnostics.AddError("Invalid state", "The state holds no principal_type/principal_id; import the resource again.")
		return
	}
	key := state.SpaceKey.ValueString()
	var perms []string
	space, found, err := readStateSpace(ctx, client, key, state.SpaceID.ValueString(), func(sp *confluence.Space) (err error) {
		perms, err = newSpaceAccess(client, sp, "").heldPermissions(ctx, principal)
		return err
	})
	if !found || transport.IsNotFound(err) {
		resp.Diagnostics.AddWarning("Space no longer exists",
			fmt.Sprintf("Space %s was not found (deleted, or no longer visible to the Confluence account), so %s holds no "+
				"permission in it. The resource is removed from the state.", key, principal))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Could not read the space's permissions", err)
		return
	}
	if len(perms) == 0 {
		resp.Diagnostics.AddWarning("Space permissions removed outside Terraform",
			fmt.Sprintf("%s holds no permission in space %s any more (removing read/space removes them all). The resource "+
				"is removed from the state and the next apply grants the configured permissions again.", principal, key))
		resp.State.RemoveResource(ctx)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, withHeld(state, spaceRef(space), principal, perms))...)
}

func (r *spacePrincipalPermissionsResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state spacePrincipalPermissionsModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client, diags := r.data.Confluence(ctx)
	resp.Diagnostics.Append(diags...)
	principal, ok := state.principal()
	if resp.Diagnostics.HasError() || !ok {
		return
	}
	space, err := client.SpaceByKey(ctx, state.SpaceKey.ValueString())
	if transport.IsNotFound(err) {
		return // the space, and the permissions with it, are gone
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Could not look up the space", err)
		return
	}
	held, err := newSpaceAccess(client, space, "").SetPermissions(ctx, principal, nil, r.data.settings.parallelism)
	if err == nil || (held != nil && len(held) == 0) {
		return // nothing left: done, even if a write on the way failed
	}
	if len(held) > 0 {
		resp.Diagnostics.Append(resp.State.Set(ctx, withHeld(state, spaceRef(space), principal, held))...)
	}
	addPermissionWriteError(&resp.Diagnostics, fmt.Sprintf("Could not remove the permissions of %s in space %s", principal, space.Key), err, space.Key)
}

func (r *spacePrincipalPermissionsResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if values, ok := spacePrincipalPermissionsID.importState(ctx, req, resp); ok {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), spacePrincipalPermissionsID.join(values))...)
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("allow_self_lockout"), false)...)
	}
}

// spacePrincipalPermissionsID names one principal's permissions in a space.
var spacePrincipalPermissionsID = idSpec{
	parts: []idPart{
		{attr: "space_key", desc: "Key of the space."},
		{attr: "principal_type", desc: "`group`, `user` or `anonymous`."},
		{attr: "principal_id", desc: "Group id or account id; absent for anonymous.", optional: true},
	},
	parse: func(id string) ([]string, error) {
		parts := strings.Split(id, "/")
		if len(parts) >= 2 && spaceKeyPattern.MatchString(parts[0]) {
			switch {
			case len(parts) == 2 && parts[1] == confluence.PrincipalAnonymous:
				return []string{parts[0], parts[1], ""}, nil
			case len(parts) == 3 && (parts[1] == confluence.PrincipalGroup || parts[1] == confluence.PrincipalUser) &&
				principalIDPattern.MatchString(parts[2]) && parts[2] != confluence.PrincipalAnonymous:
				return parts, nil
			}
		}
		return nil, badID("Expected SPACEKEY/group/GROUP_ID, SPACEKEY/user/ACCOUNT_ID or SPACEKEY/anonymous, such as "+
			"ENG/group/6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f; got %q.", id)
	},
}
