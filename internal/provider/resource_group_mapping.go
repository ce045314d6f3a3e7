package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/accessplane/terraform-provider-confluence/internal/access"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/admin"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/scim"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/transport"
	"github.com/accessplane/terraform-provider-confluence/internal/parallel"
)

var (
	_ resource.ResourceWithConfigure   = &groupMappingResource{}
	_ resource.ResourceWithImportState = &groupMappingResource{}
	_ resource.ResourceWithIdentity    = &groupMappingResource{}
	_ resource.ResourceWithModifyPlan  = &groupMappingResource{}
)

const (
	modeSameName = "same-name"
	modeMirrored = "mirrored"
)

// NewGroupMappingResource is the constructor of confluence_group_mapping.
func NewGroupMappingResource() resource.Resource { return &groupMappingResource{} }

type groupMappingResource struct {
	data *providerData
}

type groupMappingModel struct {
	ID                  types.String `tfsdk:"id"`
	SCIMGroupID         types.String `tfsdk:"scim_group_id"`
	TargetGroupID       types.String `tfsdk:"target_group_id"`
	ProductAccess       types.Set    `tfsdk:"product_access"`
	ConfluenceGroupID   types.String `tfsdk:"confluence_group_id"`
	ConfluenceGroupName types.String `tfsdk:"confluence_group_name"`
	Mode                types.String `tfsdk:"mode"`
	MemberAccountIDs    types.Set    `tfsdk:"member_account_ids"`
	MemberFilter        types.Object `tfsdk:"member_filter"`
	PolicyExemption     types.String `tfsdk:"policy_exemption"`
}

func (m *groupMappingModel) mirrored() bool { return !m.TargetGroupID.IsNull() }

func (r *groupMappingResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_group_mapping"
}

func (r *groupMappingResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = groupMappingID.identitySchema()
}

func (r *groupMappingResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	roles := admin.ConfluenceRoles()
	resp.Schema = schema.Schema{
		MarkdownDescription: "Maps a SCIM directory group onto Confluence: the group that space permissions are granted to, " +
			"and the product access it gives on the provider's Confluence site (`site_url`).\n\n" +
			"* **Same-name mapping** (no `target_group_id`): the Atlassian group that the identity provider's group is synced " +
			"into is used as it is. A freshly created SCIM group takes a while to appear in the organization; the provider " +
			"waits up to `consistency_timeout`.\n" +
			"* **Mirrored mapping** (`target_group_id` set): the members of a local Atlassian group (see `confluence_group`) " +
			"are kept equal to the SCIM group's members, for a Confluence group with a different name. The plan lists the " +
			"accounts to add or remove in `member_account_ids`; members added to or removed from either group later show as drift.\n\n" +
			"~> `product_access` is authoritative for the group's roles on the site: a role granted by hand shows as drift. " +
			"Destroying the mapping revokes the product access it manages and, in mirrored mode, removes the members it " +
			"mirrored; it never deletes a group. Needs the SCIM API (to read the SCIM group), the Organizations API and `site_url`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`scim_group_id`, or `scim_group_id/target_group_id` for a mirrored mapping (the import ID).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"scim_group_id": schema.StringAttribute{
				MarkdownDescription: "SCIM id of the directory group, e.g. `confluence_scim_group.x.id`.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1), stringvalidator.NoneOf("-")},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"target_group_id": schema.StringAttribute{
				MarkdownDescription: "Id of a local Atlassian group whose membership mirrors the SCIM group's (mirrored mapping). " +
					"Leave unset to use the SCIM group's own synced group (same-name mapping). The target must not be synced " +
					"from an identity provider: such groups are read-only.",
				Optional:      true,
				Validators:    []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"product_access": schema.SetAttribute{
				MarkdownDescription: "Roles the group holds on the Confluence site: " + markdownList(roles) + ". " +
					"`atlassian/user` is product access (a billable seat), `atlassian/guest` guest access, `atlassian/admin` " +
					"product administration, `atlassian/user-access-admin` user administration without a seat. Empty by default.",
				ElementType: types.StringType,
				Optional:    true,
				Computed:    true,
				Default:     setdefault.StaticValue(types.SetValueMust(types.StringType, nil)),
				Validators:  []validator.Set{setvalidator.ValueStringsAre(stringvalidator.OneOf(roles...))},
			},
			"policy_exemption": policyExemptionAttribute(),
			"member_filter":    memberFilterAttribute(),
			"confluence_group_id": schema.StringAttribute{
				MarkdownDescription: "Id of the Atlassian group to grant space permissions to.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"confluence_group_name": schema.StringAttribute{
				MarkdownDescription: "Name of that Atlassian group.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"mode": schema.StringAttribute{
				MarkdownDescription: "`same-name` or `mirrored`.",
				Computed:            true,
			},
			"member_account_ids": schema.SetAttribute{
				MarkdownDescription: "Mirrored mapping: the Atlassian account ids of the target group's members, planned to match " +
					"the SCIM group's members. Null for a same-name mapping.",
				ElementType: types.StringType,
				Computed:    true,
			},
		},
	}
}

func (r *groupMappingResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// mappingClients are the two APIs and the site a mapping works with.
type mappingClients struct {
	scim  *scim.Client
	admin *admin.Client
}

func (r *groupMappingResource) clients(ctx context.Context) (*mappingClients, diag.Diagnostics) {
	var diags diag.Diagnostics
	s, d := r.data.SCIM(ctx)
	diags.Append(d...)
	a, d := r.data.Admin(ctx)
	diags.Append(d...)
	if r.data.settings.siteURL == "" {
		diags.Append(missingCredentials("the Confluence site", []credential{{"site_url", envSiteURL}}))
	}
	if diags.HasError() {
		return nil, diags
	}
	return &mappingClients{scim: s, admin: a}, diags
}

func (c *mappingClients) siteARI(ctx context.Context, siteURL string) (string, error) {
	return c.admin.SiteARI(ctx, siteURL)
}

// syncedGroup finds the Atlassian group the SCIM group is synced into (by its exact name), waiting up to
// timeout for a new SCIM group to appear in the organization (zero: look once).
func (c *mappingClients) syncedGroup(ctx context.Context, scimGroupID string, timeout time.Duration) (*admin.Group, error) {
	sg, err := c.scim.GetGroup(ctx, scimGroupID)
	if err != nil {
		return nil, err
	}
	if timeout <= 0 {
		return c.admin.GroupByName(ctx, admin.AllDirectories, sg.DisplayName)
	}
	var found *admin.Group
	err = transport.WaitFor(ctx, timeout, transport.DefaultPolling, func(ctx context.Context) (bool, error) {
		g, err := c.admin.GroupByName(ctx, admin.AllDirectories, sg.DisplayName)
		if transport.IsNotFound(err) {
			return false, nil
		}
		found = g
		return err == nil, err
	})
	if errors.Is(err, transport.ErrWaitTimeout) {
		return nil, fmt.Errorf("SCIM group %q (%s) has not appeared in the organization after %s. Atlassian syncs directory "+
			"groups eventually; run the command again later, or raise consistency_timeout: %w", sg.DisplayName, sg.ID, timeout, err)
	}
	return found, err
}

func (r *groupMappingResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.data == nil || req.Plan.Raw.IsNull() {
		return
	}
	var excluded map[string]string // mirrored members left out by member_filter, and why
	c, diags := r.clients(ctx)
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	var plan groupMappingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if plan.TargetGroupID.IsUnknown() {
		plan.Mode = types.StringUnknown()
		plan.MemberAccountIDs = types.SetUnknown(types.StringType)
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}
	plan.Mode = types.StringValue(modeSameName)
	plan.MemberAccountIDs = types.SetNull(types.StringType)
	if plan.mirrored() {
		plan.Mode = types.StringValue(modeMirrored)
		plan.ConfluenceGroupID = plan.TargetGroupID
		target, err := c.admin.GetGroup(ctx, admin.AllDirectories, plan.TargetGroupID.ValueString())
		switch {
		case transport.IsNotFound(err):
			resp.Diagnostics.AddAttributeError(path.Root("target_group_id"), "Target group not found",
				fmt.Sprintf("No Atlassian group with id %q exists in the organization. Create it with confluence_group, or fix the id.", plan.TargetGroupID.ValueString()))
			return
		case err != nil:
			addAPIError(&resp.Diagnostics, "Could not read the target group", err)
			return
		case target.ExternalSynced:
			resp.Diagnostics.AddAttributeError(path.Root("target_group_id"), "Target group is synced from an identity provider",
				fmt.Sprintf("Group %q (%s) is managed by an identity provider, so its members cannot be written here. Leave "+
					"target_group_id unset to map the SCIM group by its own name, or target a local group (confluence_group).",
					target.Name, target.ID))
			return
		}
		plan.ConfluenceGroupName = types.StringValue(target.Name)
		plan.MemberAccountIDs = types.SetUnknown(types.StringType)
		filter, d := memberFilterFrom(ctx, plan.MemberFilter)
		resp.Diagnostics.Append(d...)
		if !plan.SCIMGroupID.IsUnknown() && !plan.MemberFilter.IsUnknown() {
			desired, why, known, err := c.desiredMembers(ctx, plan.SCIMGroupID.ValueString(), filter, r.data.settings.siteURL)
			excluded = why
			if isSCIMNotFound(err) {
				addSCIMGroupNotFound(&resp.Diagnostics, plan.SCIMGroupID.ValueString())
				return
			}
			if err != nil {
				addAPIError(&resp.Diagnostics, "Could not read the SCIM group's members", err)
				return
			}
			if known {
				plan.MemberAccountIDs = stringSet(desired)
			}
		}
	} else if !plan.SCIMGroupID.IsUnknown() && plan.ConfluenceGroupID.IsUnknown() {
		// Show the group a new same-name mapping will use when it is already synced; otherwise it is known after
		// apply. The same read tells an unknown SCIM group, refused here rather than at apply.
		g, err := c.syncedGroup(ctx, plan.SCIMGroupID.ValueString(), 0)
		if isSCIMNotFound(err) {
			addSCIMGroupNotFound(&resp.Diagnostics, plan.SCIMGroupID.ValueString())
			return
		}
		if err == nil {
			plan.ConfluenceGroupID = types.StringValue(g.ID)
			plan.ConfluenceGroupName = types.StringValue(g.Name)
		}
	}
	if !plan.SCIMGroupID.IsUnknown() && !plan.TargetGroupID.IsUnknown() {
		plan.ID = types.StringValue(mappingID(plan.SCIMGroupID.ValueString(), plan.TargetGroupID.ValueString()))
	}
	if !plan.ConfluenceGroupID.IsUnknown() && !plan.ProductAccess.IsUnknown() { // else judged at apply
		checkProductAccessPolicy(r.data.policy, plan.ConfluenceGroupID.ValueString(), setStrings(ctx, plan.ProductAccess), plan.PolicyExemption, &resp.Diagnostics)
	}
	r.warnChanges(ctx, req, plan, excluded, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// warnChanges names the accounts a mirrored mapping adds or removes and the product access it changes, once
// both are known. Nothing is read when nothing changes.
func (r *groupMappingResource) warnChanges(ctx context.Context, req resource.ModifyPlanRequest, plan groupMappingModel, excluded map[string]string, diags *diag.Diagnostics) {
	if req.State.Raw.IsNull() || plan.ProductAccess.IsUnknown() {
		return
	}
	var state groupMappingModel
	if d := req.State.Get(ctx, &state); d.HasError() {
		return
	}
	var joins, leaves []string
	if plan.mirrored() && !plan.MemberAccountIDs.IsUnknown() && !state.MemberAccountIDs.IsNull() {
		joins, leaves = diff(setStrings(ctx, state.MemberAccountIDs), setStrings(ctx, plan.MemberAccountIDs))
	}
	gains, losses := diff(setStrings(ctx, state.ProductAccess), setStrings(ctx, plan.ProductAccess))
	group := plan.ConfluenceGroupName.ValueString()
	if group == "" {
		group = plan.ConfluenceGroupID.ValueString()
	}
	r.data.warnGroupChanges(ctx, group, joins, leaves, gains, losses, diags)
	r.data.warnFiltered(ctx, group, leaves, excluded, diags)
}

// isSCIMNotFound reports whether err is the SCIM directory's 404, as opposed to the organization's 404 of a
// SCIM group that Atlassian has not synced yet.
func isSCIMNotFound(err error) bool {
	var apiErr *transport.Error
	return errors.As(err, &apiErr) && apiErr.API == transport.SCIM && apiErr.StatusCode == http.StatusNotFound
}

func addSCIMGroupNotFound(diags *diag.Diagnostics, id string) {
	diags.AddAttributeError(path.Root("scim_group_id"), "SCIM group not found",
		fmt.Sprintf("No SCIM group with id %q exists in the directory that scim_directory_url names. Refer to the group's "+
			"resource (confluence_scim_group.<name>.id), or look a group up by its name with the confluence_scim_group data source "+
			"and use its id.", id))
}

// desiredMembers are the accounts of the SCIM group's members that f keeps, read from the group it is synced
// into (one listing, whatever the filter), and why each other member is left out. known is false while
// Atlassian has not synced the group yet.
func (c *mappingClients) desiredMembers(ctx context.Context, scimGroupID string, f memberFilter, siteURL string) (ids []string, excluded map[string]string, known bool, err error) {
	synced, err := c.syncedGroup(ctx, scimGroupID, 0)
	if err != nil {
		var apiErr *transport.Error
		if errors.As(err, &apiErr) && apiErr.API == transport.Admin && apiErr.StatusCode == 404 {
			return nil, nil, false, nil // not synced yet
		}
		return nil, nil, false, err
	}
	if len(f.statuses) == 0 && !f.active() {
		ids, err = c.admin.GroupMemberIDs(ctx, admin.AllDirectories, synced.ID)
		return ids, nil, err == nil, err
	}
	q := admin.UserSearch{GroupIDs: []string{synced.ID}}
	var ari string
	if f.active() {
		if ari, err = c.siteARI(ctx, siteURL); err != nil {
			return nil, nil, false, err
		}
		q.Expand = []string{admin.ExpandUserProductAccess}
	}
	users, err := c.admin.SearchUsers(ctx, admin.AllDirectories, q)
	if err != nil {
		return nil, nil, false, err
	}
	excluded = map[string]string{}
	now := time.Now()
	for _, u := range users {
		if why := f.excludes(u, ari, now); why != "" {
			excluded[u.AccountID] = why
			continue
		}
		ids = append(ids, u.AccountID)
	}
	slices.Sort(ids)
	return slices.Compact(ids), excluded, true, nil
}

func mappingID(scimGroupID, targetGroupID string) string {
	if targetGroupID == "" {
		return scimGroupID
	}
	return scimGroupID + "/" + targetGroupID
}

func (r *groupMappingResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer groupMappingID.identifyCreate(ctx, resp)
	var plan groupMappingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	c, diags := r.clients(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	state := plan
	state.ID = types.StringValue(mappingID(plan.SCIMGroupID.ValueString(), plan.TargetGroupID.ValueString()))
	state.ProductAccess = stringSet(nil)

	var groupID string
	if plan.mirrored() {
		target, err := c.admin.GetGroup(ctx, admin.AllDirectories, plan.TargetGroupID.ValueString())
		if err != nil {
			addAPIError(&resp.Diagnostics, "Could not read the target group", err)
			return
		}
		groupID = target.ID
		state.Mode = types.StringValue(modeMirrored)
		state.ConfluenceGroupID = types.StringValue(target.ID)
		state.ConfluenceGroupName = types.StringValue(target.Name)
	} else {
		synced, err := c.syncedGroup(ctx, plan.SCIMGroupID.ValueString(), r.data.settings.consistencyTimeout)
		if err != nil {
			addAPIError(&resp.Diagnostics, "Could not find the SCIM group's Atlassian group", err)
			return
		}
		groupID = synced.ID
		state.Mode = types.StringValue(modeSameName)
		state.ConfluenceGroupID = types.StringValue(synced.ID)
		state.ConfluenceGroupName = types.StringValue(synced.Name)
		state.MemberAccountIDs = types.SetNull(types.StringType)
	}
	resp.Diagnostics.Append(r.apply(ctx, c, groupID, nil, &plan, &state)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// apply brings product access and (mirrored) membership from what priorAccess says is granted to what the plan
// wants. state records what was actually done, so that a partial failure leaves the truth in Terraform's state.
func (r *groupMappingResource) apply(ctx context.Context, c *mappingClients, groupID string, priorAccess []string,
	plan, state *groupMappingModel,
) diag.Diagnostics {
	var diags diag.Diagnostics
	timeout := r.data.settings.consistencyTimeout
	parallelism := r.data.settings.parallelism
	// Before any write: a group known only now (a SCIM group synced in this run) is judged here.
	if checkProductAccessPolicy(r.data.policy, groupID, setStrings(ctx, plan.ProductAccess), plan.PolicyExemption, &diags); diags.HasError() {
		return diags
	}

	if plan.mirrored() {
		// Apply what the plan showed; only a plan that could not know (a SCIM group created in this run) reads now.
		desired, known, err := setStrings(ctx, plan.MemberAccountIDs), !plan.MemberAccountIDs.IsUnknown(), error(nil)
		filter, d := memberFilterFrom(ctx, plan.MemberFilter)
		if diags.Append(d...); diags.HasError() {
			return diags
		}
		if !known {
			desired, _, known, err = c.desiredMembers(ctx, plan.SCIMGroupID.ValueString(), filter, r.data.settings.siteURL)
		}
		if err == nil && !known {
			// A SCIM group created in this run: wait for Atlassian to sync it before mirroring it.
			if _, err = c.syncedGroup(ctx, plan.SCIMGroupID.ValueString(), timeout); err == nil {
				desired, _, _, err = c.desiredMembers(ctx, plan.SCIMGroupID.ValueString(), filter, r.data.settings.siteURL)
			}
		}
		if err != nil {
			addAPIError(&diags, "Could not read the SCIM group's members", err)
			return diags
		}
		current, err := c.admin.GroupMemberIDs(ctx, admin.AllDirectories, groupID)
		if err != nil {
			addAPIError(&diags, "Could not read the target group's members", err)
			return diags
		}
		var mu sync.Mutex
		members := slices.Clone(current)
		add, remove := diff(current, desired)
		addErr := parallel.ForEach(ctx, parallelism, add, func(ctx context.Context, id string) error {
			err := c.admin.AddMember(ctx, groupID, id)
			if err != nil && !admin.IsAlreadyMember(err) {
				return fmt.Errorf("adding account %s: %w", id, err)
			}
			mu.Lock()
			members = append(members, id)
			mu.Unlock()
			return nil
		})
		removeErr := parallel.ForEach(ctx, parallelism, remove, func(ctx context.Context, id string) error {
			if err := c.admin.RemoveMember(ctx, groupID, id); err != nil {
				return fmt.Errorf("removing account %s: %w", id, err)
			}
			mu.Lock()
			members = slices.DeleteFunc(members, func(m string) bool { return m == id })
			mu.Unlock()
			return nil
		})
		slices.Sort(members)
		state.MemberAccountIDs = stringSet(slices.Compact(members))
		if err := errors.Join(addErr, removeErr); err != nil {
			addAPIError(&diags, "Could not mirror the SCIM group's members into the target group", err)
			return diags
		}
	}

	ari, err := c.siteARI(ctx, r.data.settings.siteURL)
	if err != nil {
		addAPIError(&diags, "Could not resolve the Confluence site's resource id from site_url", err)
		return diags
	}
	want := setStrings(ctx, plan.ProductAccess)
	held := slices.Clone(priorAccess)
	for _, role := range access.Difference(want, priorAccess) {
		if err := c.admin.AssignGroupRole(ctx, groupID, ari, role); err != nil {
			state.ProductAccess = stringSet(held)
			addAPIError(&diags, fmt.Sprintf("Could not grant %s on the Confluence site", role), err)
			return diags
		}
		held = append(held, role)
	}
	for _, role := range access.Difference(priorAccess, want) {
		if err := c.admin.RevokeGroupRole(ctx, groupID, ari, role); err != nil {
			state.ProductAccess = stringSet(held)
			addAPIError(&diags, fmt.Sprintf("Could not revoke %s on the Confluence site", role), err)
			return diags
		}
		held = slices.DeleteFunc(held, func(h string) bool { return h == role })
	}
	slices.Sort(held)
	state.ProductAccess = stringSet(held)
	if !slices.Equal(want, priorAccess) {
		// Role changes take up to ~30 s to be visible; wait so the next plan does not see a false drift.
		err := transport.WaitFor(ctx, timeout, transport.DefaultPolling, func(ctx context.Context) (bool, error) {
			roles, err := c.admin.GroupRoles(ctx, admin.AllDirectories, groupID, ari)
			return slices.Equal(roles, want), err
		})
		if err != nil {
			addAPIError(&diags, "Product access was changed but Atlassian has not shown the change yet", fmt.Errorf(
				"%w. The change was accepted; run the command again later, or raise consistency_timeout", err))
		}
	}
	tflog.Debug(ctx, "group mapping applied", map[string]any{"group_id": groupID, "roles": held})
	return diags
}

func (r *groupMappingResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer groupMappingID.identifyRead(ctx, req, resp)
	var state groupMappingModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	c, diags := r.clients(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	gone := func(what string) {
		resp.Diagnostics.AddWarning("Group mapping target no longer exists",
			fmt.Sprintf("%s was not found, so mapping %s was removed from the state; the next plan shows what it takes to restore it.",
				what, state.ID.ValueString()))
		resp.State.RemoveResource(ctx)
	}
	var group *admin.Group
	if state.mirrored() {
		g, err := c.admin.GetGroup(ctx, admin.AllDirectories, state.TargetGroupID.ValueString())
		if transport.IsNotFound(err) {
			gone(fmt.Sprintf("Target group %s", state.TargetGroupID.ValueString()))
			return
		}
		if err != nil {
			addAPIError(&resp.Diagnostics, "Could not read the target group", err)
			return
		}
		group = g
		members, err := c.admin.GroupMemberIDs(ctx, admin.AllDirectories, g.ID)
		if err != nil {
			addAPIError(&resp.Diagnostics, "Could not read the target group's members", err)
			return
		}
		state.MemberAccountIDs = stringSet(members)
		state.Mode = types.StringValue(modeMirrored)
	} else {
		g, err := c.syncedGroup(ctx, state.SCIMGroupID.ValueString(), 0)
		if transport.IsNotFound(err) {
			gone(fmt.Sprintf("SCIM group %s or the Atlassian group it is synced into", state.SCIMGroupID.ValueString()))
			return
		}
		if err != nil {
			addAPIError(&resp.Diagnostics, "Could not read the SCIM group's Atlassian group", err)
			return
		}
		group = g
		state.MemberAccountIDs = types.SetNull(types.StringType)
		state.Mode = types.StringValue(modeSameName)
	}
	ari, err := c.siteARI(ctx, r.data.settings.siteURL)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Could not resolve the Confluence site's resource id from site_url", err)
		return
	}
	roles, err := c.admin.GroupRoles(ctx, admin.AllDirectories, group.ID, ari)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Could not read the group's product access", err)
		return
	}
	state.ID = types.StringValue(mappingID(state.SCIMGroupID.ValueString(), state.TargetGroupID.ValueString()))
	state.ConfluenceGroupID = types.StringValue(group.ID)
	state.ConfluenceGroupName = types.StringValue(group.Name)
	state.ProductAccess = stringSet(roles)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *groupMappingResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer groupMappingID.identifyUpdate(ctx, resp)
	var plan, state groupMappingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	c, diags := r.clients(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	next := plan
	next.ID = state.ID
	next.Mode = state.Mode
	next.ConfluenceGroupID = state.ConfluenceGroupID
	next.ConfluenceGroupName = state.ConfluenceGroupName
	next.MemberAccountIDs = state.MemberAccountIDs
	resp.Diagnostics.Append(r.apply(ctx, c, state.ConfluenceGroupID.ValueString(), setStrings(ctx, state.ProductAccess), &plan, &next)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &next)...)
}

// Delete revokes the product access the mapping manages and, in mirrored mode, removes the members it mirrored.
// It never deletes a group.
func (r *groupMappingResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state groupMappingModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	c, diags := r.clients(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	groupID := state.ConfluenceGroupID.ValueString()
	if state.mirrored() {
		members := setStrings(ctx, state.MemberAccountIDs)
		err := parallel.ForEach(ctx, r.data.settings.parallelism, members, func(ctx context.Context, id string) error {
			return c.admin.RemoveMember(ctx, groupID, id)
		})
		if err != nil {
			addAPIError(&resp.Diagnostics, "Could not remove the mirrored members from the target group", err)
			return
		}
	}
	roles := setStrings(ctx, state.ProductAccess)
	if len(roles) == 0 {
		return
	}
	ari, err := c.siteARI(ctx, r.data.settings.siteURL)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Could not resolve the Confluence site's resource id from site_url", err)
		return
	}
	for _, role := range roles {
		if err := c.admin.RevokeGroupRole(ctx, groupID, ari, role); err != nil {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Could not revoke %s on the Confluence site", role), err)
			return
		}
	}
}

func (r *groupMappingResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if values, ok := groupMappingID.importState(ctx, req, resp); ok {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), groupMappingID.join(values))...)
	}
}

// groupMappingID names a mapping by its SCIM group, and the target group of a mirrored one.
var groupMappingID = idSpec{
	parts: []idPart{
		{attr: "scim_group_id", desc: "SCIM id of the identity provider's group."},
		{attr: "target_group_id", desc: "Atlassian id of the target group of a mirrored mapping; absent for a same-name mapping.", optional: true},
	},
	parse: func(id string) ([]string, error) {
		parts := strings.Split(id, "/")
		if len(parts) > 2 || slices.Contains(parts, "") {
			return nil, badID("Expected <scim_group_id> for a same-name mapping or <scim_group_id>/<target_group_id> for a mirrored one; got %q.", id)
		}
		return append(parts, "")[:2], nil
	},
}
