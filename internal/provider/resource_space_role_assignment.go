package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

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
	"github.com/accessplane/terraform-provider-confluence/internal/access/cloud"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/confluence"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/transport"
)

var (
	_ resource.ResourceWithConfigure      = &spaceRoleAssignmentResource{}
	_ resource.ResourceWithImportState    = &spaceRoleAssignmentResource{}
	_ resource.ResourceWithIdentity       = &spaceRoleAssignmentResource{}
	_ resource.ResourceWithModifyPlan     = &spaceRoleAssignmentResource{}
	_ resource.ResourceWithValidateConfig = &spaceRoleAssignmentResource{}
)

// rolePrincipalTypes are the principals a space role can be assigned to.
var rolePrincipalTypes = []string{confluence.PrincipalGroup, confluence.PrincipalUser, confluence.PrincipalAccessClass}

// roleAccessClasses are the built-in principals of role assignments (reference §3.7).
var roleAccessClasses = []string{"anonymous-users", "authenticated-users", "all-licensed-users", "all-product-admins", "jsm-project-admins"}

// NewSpaceRoleAssignmentResource is the constructor of confluence_space_role_assignment.
func NewSpaceRoleAssignmentResource() resource.Resource { return &spaceRoleAssignmentResource{} }

type spaceRoleAssignmentResource struct {
	data *providerData
}

type spaceRoleAssignmentModel struct {
	ID               types.String `tfsdk:"id"`
	SpaceKey         types.String `tfsdk:"space_key"`
	PrincipalType    types.String `tfsdk:"principal_type"`
	PrincipalID      types.String `tfsdk:"principal_id"`
	RoleID           types.String `tfsdk:"role_id"`
	AllowSelfLockout types.Bool   `tfsdk:"allow_self_lockout"`
	SpaceID          types.String `tfsdk:"space_id"`
	RoleName         types.String `tfsdk:"role_name"`
	PolicyExemption  types.String `tfsdk:"policy_exemption"`
}

func (m *spaceRoleAssignmentModel) principal() confluence.Principal {
	return confluence.Principal{Type: m.PrincipalType.ValueString(), ID: m.PrincipalID.ValueString()}
}

func (r *spaceRoleAssignmentResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_space_role_assignment"
}

func (r *spaceRoleAssignmentResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = spaceRoleAssignmentID.identitySchema()
}

func (r *spaceRoleAssignmentResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "One principal's space role in one space, on a site with space roles (role mode `ROLES` or " +
			"`ROLES_TRANSITION`; refused at plan time on a `PRE_ROLES` site). A principal holds at most one role per space, so " +
			"changing `role_id` is a single in-place change with no moment without access. Authoritative for this principal " +
			"only: other principals' roles in the space are left alone.\n\n" +
			"Do not combine it with `confluence_space_permissions_exclusive` on the same space: that resource owns the whole " +
			"access table and would remove this assignment, or fight over it. The plan refuses the combination within one " +
			"configuration. " + crossStateNote("space") + "\n\n" +
			"The plan refuses a change that takes the space's administration away from the account the provider runs as, when " +
			"that account holds it through its own user assignment, unless `allow_self_lockout = true`, and always refuses a " +
			"change that leaves the space without an administrator (directly or through a role), which Confluence would " +
			"refuse too. A group that does not exist is a plan-time error. A principal that " +
			"already holds a role in the space is not taken over: the plan refuses it and gives the import command, so that an " +
			"assignment someone else made is adopted knowingly. Refreshing any number of assignments in a space reads the space's assignments once per run.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`SPACEKEY/principal_type/principal_id`, such as `DOCS/group/6f1c2d3e-…` (the import ID).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"space_key": schema.StringAttribute{
				MarkdownDescription: "Key of the space, such as `DOCS` (case-sensitive). Changing it replaces the assignment.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.RegexMatches(spaceKeyPattern, "must be a space key: letters and digits, or ~ and an account id for a personal space")},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"principal_type": schema.StringAttribute{
				MarkdownDescription: "Who holds the role: " + markdownList(rolePrincipalTypes) + ". Changing it replaces the assignment.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.OneOf(rolePrincipalTypes...)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"principal_id": schema.StringAttribute{
				MarkdownDescription: "Atlassian group id (`group`), account id (`user`), or for `access_class` one of " +
					markdownList(roleAccessClasses) + ". Changing it replaces the assignment.",
				Required: true,
				Validators: []validator.String{
					stringvalidator.RegexMatches(principalIDPattern, "must be a group id, an account id or an access class, without / or spaces"),
				},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"role_id": schema.StringAttribute{
				MarkdownDescription: "Id of the space role, a system role (see the `confluence_space_roles` data source) or a " +
					"`confluence_space_role`. Checked at plan time. Changes in place.",
				Required:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"allow_self_lockout": schema.BoolAttribute{
				MarkdownDescription: "Allow a change (including destroy) that takes `administer/space` away from the role the " +
					"provider's own account holds directly in the space. Default `false`: such a change fails at plan time.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
			"policy_exemption": policyExemptionAttribute(),
			"space_id": schema.StringAttribute{
				MarkdownDescription: "Id of the space (a numeric string).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"role_name": schema.StringAttribute{
				MarkdownDescription: "Name of the role, such as `Viewer`.",
				Computed:            true,
			},
		},
	}
}

func (r *spaceRoleAssignmentResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig checks access class ids, which need no API call.
func (r *spaceRoleAssignmentResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m spaceRoleAssignmentModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || m.PrincipalType.ValueString() != confluence.PrincipalAccessClass ||
		m.PrincipalID.IsUnknown() || m.PrincipalID.IsNull() {
		return
	}
	if !slices.Contains(roleAccessClasses, m.PrincipalID.ValueString()) {
		resp.Diagnostics.AddAttributeError(path.Root("principal_id"), "Unknown access class",
			fmt.Sprintf("%q is not an access class. With principal_type = \"access_class\", principal_id must be one of %s.",
				m.PrincipalID.ValueString(), strings.Join(roleAccessClasses, ", ")))
	}
}

// ModifyPlan refuses, before any write: a missing credential, a space without roles, an unknown role, a principal
// that already holds a role in the space (to be imported instead), and a change that takes the calling account's
// own administration of the space away.
func (r *spaceRoleAssignmentResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.data == nil {
		return
	}
	var state spaceRoleAssignmentModel
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	}
	if req.Plan.Raw.IsNull() { // destroy
		r.checkAdministration(ctx, state, nil, state.AllowSelfLockout.ValueBool(), &resp.Diagnostics)
		return
	}
	client, diags := r.data.Confluence(ctx)
	resp.Diagnostics.Append(diags...)
	var plan spaceRoleAssignmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Before the shortcuts below: an unchanged assignment still fights an exclusive table added beside it.
	if !plan.SpaceKey.IsUnknown() && !r.data.claim(claim{
		kind: spaceClaimKind, key: plan.SpaceKey.ValueString(), resourceType: "confluence_space_role_assignment",
		fingerprint: configFingerprint(req.Config), subject: principalSubject(plan.PrincipalType, plan.PrincipalID) + roleSubject(plan.RoleID),
	}, path.Root("space_key"), &resp.Diagnostics) {
		return
	}
	// Before the shortcuts below: a policy judges unchanged assignments too.
	r.checkPolicy(ctx, client, plan, &resp.Diagnostics)
	allow := plan.AllowSelfLockout.ValueBool()
	if !req.State.Raw.IsNull() {
		if !plan.SpaceKey.Equal(state.SpaceKey) || !plan.PrincipalType.Equal(state.PrincipalType) || !plan.PrincipalID.Equal(state.PrincipalID) {
			// Replacement: the old assignment goes (Terraform plans the new one separately, as a create).
			r.checkAdministration(ctx, state, nil, allow, &resp.Diagnostics)
			return
		}
		if plan.RoleID.Equal(state.RoleID) {
			return // nothing is written
		}
	}
	if plan.SpaceKey.IsUnknown() {
		return
	}
	s, diags := r.data.loadSpace(ctx, plan.SpaceKey.ValueString())
	resp.Diagnostics.Append(diags...)
	if diags.HasError() || !s.requireRoles(&resp.Diagnostics) {
		return
	}
	creating := req.State.Raw.IsNull()
	known := !plan.PrincipalType.IsUnknown() && !plan.PrincipalID.IsUnknown()
	if creating {
		plan.SpaceID = types.StringValue(s.Space.ID)
		if known {
			plan.ID = types.StringValue(spacePrincipalID(s.Space.Key, plan.principal()))
		}
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		// Before anything else in the apply (a role created beside it) is written.
		if known && plan.PrincipalType.ValueString() == confluence.PrincipalGroup && !groupExists(ctx, client, plan.PrincipalID.ValueString(), &resp.Diagnostics) {
			return
		}
	}
	if plan.RoleID.IsUnknown() { // a role created in the same apply
		return
	}
	role, ok := r.plannedRole(ctx, client, plan.RoleID.ValueString(), &resp.Diagnostics)
	if !ok || !known {
		return
	}
	if creating {
		current, err := heldRole(ctx, s, plan.principal())
		if err != nil {
			addAPIError(&resp.Diagnostics, "Could not read the space's role assignments", err)
			return
		}
		if current != nil {
			held := current.RoleID
			if r, err := s.client.SpaceRoleByID(ctx, held); err == nil {
				held = fmt.Sprintf("%s (%s)", r.Name, r.ID)
			}
			id := spacePrincipalID(s.Space.Key, plan.principal())
			resp.Diagnostics.AddAttributeError(path.Root("principal_id"), "Principal already holds a role in the space",
				fmt.Sprintf("%s %q already holds space role %s in space %s (a principal holds one role per space). To manage that "+
					"assignment with Terraform, import it instead of creating it:\n\n  terraform import confluence_space_role_assignment.<name> %s\n\n"+
					"or add an import block:\n\n  import {\n    to = confluence_space_role_assignment.<name>\n    id = %q\n  }\n\n"+
					"then set role_id to the role it should hold.", plan.PrincipalType.ValueString(), plan.PrincipalID.ValueString(),
					held, s.Space.Key, id, id))
			return
		}
		r.data.warnAccessChanges(ctx, s.Space.Key, []accessDelta{{principal: plan.principal(), roleAfter: role.Name}}, &resp.Diagnostics)
		return
	}
	r.checkAdministration(ctx, plan, role, allow, &resp.Diagnostics)
	before := nameOr(map[string]string{state.RoleID.ValueString(): state.RoleName.ValueString()}, state.RoleID.ValueString())
	r.data.warnAccessChanges(ctx, s.Space.Key, []accessDelta{{principal: plan.principal(), roleBefore: before, roleAfter: role.Name}}, &resp.Diagnostics)
}

// checkPolicy judges the planned role against the provider's access_policy, once principal and role are known.
func (r *spaceRoleAssignmentResource) checkPolicy(ctx context.Context, client *confluence.Client, plan spaceRoleAssignmentModel, diags *diag.Diagnostics) {
	if client == nil || plan.SpaceKey.IsUnknown() || plan.PrincipalType.IsUnknown() || plan.PrincipalID.IsUnknown() || plan.RoleID.IsUnknown() {
		return
	}
	adminRoles := func(ctx context.Context) (map[string]bool, error) {
		roles, err := cloud.New(client).Roles(ctx)
		return access.AdminRoleIDs(roles), err
	}
	c := access.Change{Roles: map[confluence.Principal]string{plan.principal(): plan.RoleID.ValueString()}}
	checkPolicy(ctx, r.data.policy, plan.SpaceKey.ValueString(), c, adminRoles, plan.PolicyExemption, path.Root("role_id"), diags)
}

// plannedRole reads the role an assignment names, from the run's role catalogue.
func (r *spaceRoleAssignmentResource) plannedRole(ctx context.Context, client *confluence.Client, id string, diags *diag.Diagnostics) (*confluence.SpaceRole, bool) {
	role, err := client.SpaceRoleByID(ctx, id)
	if transport.IsNotFound(err) {
		var known []string
		if roles, lerr := client.SpaceRoles(ctx); lerr == nil {
			slices.SortFunc(roles, func(a, b confluence.SpaceRole) int { return strings.Compare(a.Name, b.Name) })
			for _, x := range roles {
				known = append(known, fmt.Sprintf("%s (%s)", x.Name, x.ID))
			}
		}
		diags.AddAttributeError(path.Root("role_id"), "Space role not found",
			fmt.Sprintf("No space role with id %q exists on the site. Roles on the site: %s. The confluence_space_roles data "+
				"source looks roles up by name.", id, strings.Join(known, ", ")))
		return nil, false
	}
	if err != nil {
		addAPIError(diags, "Could not read the space role", err)
		return nil, false
	}
	return role, true
}

// heldRole returns the principal's role assignment in the space, or nil, from the space's listing (read once per run).
func heldRole(ctx context.Context, s *spaceAccess, p confluence.Principal) (*confluence.RoleAssignment, error) {
	return findRoleAssignment(ctx, s.client, s.Space.ID, p)
}

func findRoleAssignment(ctx context.Context, client *confluence.Client, spaceID string, p confluence.Principal) (*confluence.RoleAssignment, error) {
	all, err := client.RoleAssignments(ctx, spaceID)
	if err != nil {
		return nil, err
	}
	for i := range all {
		if all[i].Principal == p {
			return &all[i], nil
		}
	}
	return nil, nil
}

func grantsAdmin(role *confluence.SpaceRole) bool {
	return role != nil && slices.Contains(role.Permissions, administerSpace)
}

// checkAdministration refuses, before anything is written, a change of the role m names to after (nil: the
// assignment is removed) that leaves the space without an administrator or takes the calling account's own
// administration away; the access engine judges, from the space's listings (read once per run). Nothing is read
// beyond the assignment listing unless the principal administers the space through its role now.
func (r *spaceRoleAssignmentResource) checkAdministration(ctx context.Context, m spaceRoleAssignmentModel, after *confluence.SpaceRole, allow bool, diags *diag.Diagnostics) {
	if grantsAdmin(after) || m.SpaceKey.IsUnknown() || m.PrincipalType.IsUnknown() || m.PrincipalID.IsUnknown() {
		return
	}
	client, cd := r.data.Confluence(ctx)
	if cd.HasError() {
		return // whatever writes next reports the missing credential
	}
	if _, err := client.SpaceByKey(ctx, m.SpaceKey.ValueString()); transport.IsNotFound(err) {
		return // nothing left to lose
	}
	s, d := r.data.loadSpace(ctx, m.SpaceKey.ValueString())
	if diags.Append(d...); d.HasError() {
		return
	}
	current, err := heldRole(ctx, s, m.principal())
	if err != nil {
		addAPIError(diags, "Could not read the space's role assignments", err)
		return
	}
	if current == nil {
		return
	}
	held, err := s.client.SpaceRoleByID(ctx, current.RoleID)
	if err != nil && !transport.IsNotFound(err) {
		addAPIError(diags, "Could not read the space role", err)
		return
	}
	if !grantsAdmin(held) {
		return // it administers nothing through this role: nothing to lose
	}
	afterID := ""
	if after != nil {
		afterID = after.ID
	}
	err = s.CheckAdmins(ctx, access.Change{Roles: map[confluence.Principal]string{m.principal(): afterID}}, allow)
	var self *access.SelfLockoutError
	if !errors.As(err, &self) {
		s.reportAdminCheck(err, diags)
		return
	}
	what := "removes that assignment"
	if after != nil {
		what = fmt.Sprintf("changes it to role %s, which lacks %s", after.Name, administerSpace)
	}
	diags.AddError("This change would remove your own administration of the space",
		fmt.Sprintf("The account the provider runs as (%s) holds space role %s, with %s, in space %s through its own user "+
			"assignment, and this change %s: the provider could lose the right to manage the space's access. Keep a role with "+
			"%s for that account, or set allow_self_lockout = true if that is intended.",
			self.Account, held.Name, administerSpace, s.Space.Key, what, administerSpace))
}

// readAssignment fills m from the API: the principal's role in the space and the role's name. found is false when
// the principal holds no role there.
func readAssignment(ctx context.Context, client *confluence.Client, space access.Space, m spaceRoleAssignmentModel) (spaceRoleAssignmentModel, bool, error) {
	a, err := findRoleAssignment(ctx, client, space.ID, m.principal())
	if err != nil || a == nil {
		return m, false, err
	}
	m, err = assignmentState(ctx, client, space, *a, m)
	if m.AllowSelfLockout.IsNull() || m.AllowSelfLockout.IsUnknown() {
		m.AllowSelfLockout = types.BoolValue(false)
	}
	return m, true, err
}

// assignmentState is the state of assignment a in space, keeping prior's settings. Read and the list resource
// build the state here.
func assignmentState(ctx context.Context, client *confluence.Client, space access.Space, a confluence.RoleAssignment, m spaceRoleAssignmentModel) (spaceRoleAssignmentModel, error) {
	m.ID = types.StringValue(spacePrincipalID(space.Key, a.Principal))
	m.SpaceKey = types.StringValue(space.Key)
	m.SpaceID = types.StringValue(space.ID)
	m.PrincipalType = types.StringValue(a.Principal.Type)
	m.PrincipalID = types.StringValue(a.Principal.ID)
	m.RoleID = types.StringValue(a.RoleID)
	m.RoleName = types.StringValue("")
	role, err := client.SpaceRoleByID(ctx, a.RoleID)
	switch {
	case err == nil:
		m.RoleName = types.StringValue(role.Name)
	case !transport.IsNotFound(err): // a role deleted meanwhile leaves the name empty
		return m, err
	}
	return m, nil
}

// addAssignmentWriteError reports a refused role assignment write, with what to do when the API refused to remove
// the space's last administrator.
func addAssignmentWriteError(ctx context.Context, s *spaceAccess, p confluence.Principal, summary string, err error, diags *diag.Diagnostics) {
	if transport.IsNotFound(err) {
		addAPIErrorWithHint(diags, summary, err, fmt.Sprintf("Confluence answers 404 when the account may not manage roles in "+
			"space %s: it needs a role (or a classic permission) with %s there.", s.Space.Key, administerSpace))
		return
	}
	if !transport.IsBadRequest(err) {
		addAPIError(diags, summary, err)
		return
	}
	hint := "Check that the principal exists and that role_id names a role of the site."
	if current, cerr := heldRole(ctx, s, p); cerr == nil && current != nil {
		if role, rerr := s.client.SpaceRoleByID(ctx, current.RoleID); rerr == nil && grantsAdmin(role) {
			hint = fmt.Sprintf("%s holds role %s, with %s, in space %s. Confluence refuses to remove a space's last administrator: "+
				"give another principal a role with %s in the space first.", p, role.Name, administerSpace, s.Space.Key, administerSpace)
		}
	}
	addAPIErrorWithHint(diags, summary, err, hint)
}

func (r *spaceRoleAssignmentResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer spaceRoleAssignmentID.identifyCreate(ctx, resp)
	var plan spaceRoleAssignmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	s, diags := r.data.loadSpace(ctx, plan.SpaceKey.ValueString())
	resp.Diagnostics.Append(diags...)
	if diags.HasError() || !s.requireRoles(&resp.Diagnostics) {
		return
	}
	if r.checkPolicy(ctx, s.client, plan, &resp.Diagnostics); resp.Diagnostics.HasError() { // values unknown at plan time
		return
	}
	p := plan.principal()
	if err := s.client.SetRoleAssignments(ctx, s.Space.ID, []confluence.RoleAssignment{{Principal: p, RoleID: plan.RoleID.ValueString()}}); err != nil {
		addAssignmentWriteError(ctx, s, p, "Could not assign the space role", err, &resp.Diagnostics)
		return
	}
	tflog.Info(ctx, "assigned space role", map[string]any{"space": s.Space.Key, "principal": p.String(), "role": plan.RoleID.ValueString()})
	state, found, err := readAssignment(ctx, s.client, s.Space, plan)
	if err == nil && !found {
		err = fmt.Errorf("confluence accepted the assignment of role %s to %s in space %s, but the space's assignments do not list it", plan.RoleID.ValueString(), p, s.Space.Key)
	}
	if err != nil {
		// The assignment exists: keep it in the state (tainted by the error) rather than leave it unmanaged.
		plan.ID = types.StringValue(spacePrincipalID(s.Space.Key, p))
		plan.SpaceID = types.StringValue(s.Space.ID)
		plan.RoleName = types.StringValue("")
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		addAPIError(&resp.Diagnostics, "Could not read the space role assignment back", err)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *spaceRoleAssignmentResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer spaceRoleAssignmentID.identifyRead(ctx, req, resp)
	var state spaceRoleAssignmentModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client, diags := r.data.Confluence(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	gone := func(why string) {
		resp.Diagnostics.AddWarning("Space role assignment no longer exists",
			fmt.Sprintf("%s %q holds no role in space %s any more: %s. It is removed from the state and the next apply assigns "+
				"the role again.", state.PrincipalType.ValueString(), state.PrincipalID.ValueString(), state.SpaceKey.ValueString(), why))
		resp.State.RemoveResource(ctx)
	}
	var next spaceRoleAssignmentModel
	var found bool
	_, spaceFound, err := readStateSpace(ctx, client, state.SpaceKey.ValueString(), state.SpaceID.ValueString(), func(sp *confluence.Space) (err error) {
		next, found, err = readAssignment(ctx, client, spaceRef(sp), state)
		return err
	})
	if !spaceFound {
		gone("the space was not found (deleted, or the Confluence account can no longer view it)")
		return
	}
	if transport.IsNotFound(err) {
		gone("the space's role assignments could not be read (the space is gone or hidden from the account)")
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Could not read the space's role assignments", err)
		return
	}
	if !found {
		gone("the assignment was removed outside Terraform")
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &next)...)
}

func (r *spaceRoleAssignmentResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer spaceRoleAssignmentID.identifyUpdate(ctx, resp)
	var plan, state spaceRoleAssignmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	s, diags := r.data.loadSpace(ctx, plan.SpaceKey.ValueString())
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	p := plan.principal()
	current, err := heldRole(ctx, s, p)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Could not read the space's role assignments", err)
		return
	}
	if current == nil || current.RoleID != plan.RoleID.ValueString() {
		if !s.requireRoles(&resp.Diagnostics) {
			return
		}
		if r.checkPolicy(ctx, s.client, plan, &resp.Diagnostics); resp.Diagnostics.HasError() {
			return
		}
		// One write: the principal's role is replaced, never revoked and granted again.
		if err := s.client.SetRoleAssignments(ctx, s.Space.ID, []confluence.RoleAssignment{{Principal: p, RoleID: plan.RoleID.ValueString()}}); err != nil {
			state.AllowSelfLockout = plan.AllowSelfLockout // a setting of this configuration, not of the API
			resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
			addAssignmentWriteError(ctx, s, p, "Could not change the space role", err, &resp.Diagnostics)
			return
		}
		tflog.Info(ctx, "changed space role", map[string]any{"space": s.Space.Key, "principal": p.String(), "role": plan.RoleID.ValueString()})
	}
	next, found, err := readAssignment(ctx, s.client, s.Space, plan)
	if err == nil && !found {
		err = fmt.Errorf("confluence accepted the assignment of role %s to %s in space %s, but the space's assignments do not list it", plan.RoleID.ValueString(), p, s.Space.Key)
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Could not read the space role assignment back", err)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &next)...)
}

func (r *spaceRoleAssignmentResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state spaceRoleAssignmentModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client, diags := r.data.Confluence(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	space, err := client.SpaceByKey(ctx, state.SpaceKey.ValueString())
	if transport.IsNotFound(err) {
		return // the space is gone, and its assignments with it
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Could not look up the space", err)
		return
	}
	s := newSpaceAccess(client, space, "")
	p := state.principal()
	err = client.SetRoleAssignments(ctx, space.ID, []confluence.RoleAssignment{{Principal: p}}) // no role: remove
	if transport.IsNotFound(err) {
		// Confluence answers 404 for a space that is gone and for one the account may not manage: only the first is done.
		if held, lerr := heldRole(ctx, s, p); lerr == nil && held == nil || transport.IsNotFound(lerr) {
			return
		}
	}
	if err != nil {
		addAssignmentWriteError(ctx, s, p, "Could not remove the space role assignment", err, &resp.Diagnostics)
		return
	}
	tflog.Info(ctx, "removed space role assignment", map[string]any{"space": space.Key, "principal": p.String()})
}

func (r *spaceRoleAssignmentResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if values, ok := spaceRoleAssignmentID.importState(ctx, req, resp); ok {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), spaceRoleAssignmentID.join(values))...)
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("allow_self_lockout"), false)...)
	}
}

// spaceRoleAssignmentID names one principal's role in a space.
var spaceRoleAssignmentID = idSpec{
	parts: []idPart{
		{attr: "space_key", desc: "Key of the space."},
		{attr: "principal_type", desc: "`group`, `user` or `access_class`."},
		{attr: "principal_id", desc: "Group id, account id or access class."},
	},
	parse: func(id string) ([]string, error) {
		parts := strings.Split(id, "/")
		if len(parts) != 3 || !spaceKeyPattern.MatchString(parts[0]) || !slices.Contains(rolePrincipalTypes, parts[1]) ||
			!principalIDPattern.MatchString(parts[2]) {
			return nil, badID("Expected SPACEKEY/principal_type/principal_id with principal_type one of %s, such as "+
				"DOCS/group/6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f or DOCS/access_class/authenticated-users; got %q.",
				strings.Join(rolePrincipalTypes, ", "), id)
		}
		if parts[1] == confluence.PrincipalAccessClass && !slices.Contains(roleAccessClasses, parts[2]) {
			return nil, badID("%q is not an access class: use one of %s.", parts[2], strings.Join(roleAccessClasses, ", "))
		}
		return parts, nil
	},
}
