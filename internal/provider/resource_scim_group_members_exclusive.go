package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/scim"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/transport"
)

var (
	_ resource.ResourceWithConfigure   = &scimGroupMembersExclusiveResource{}
	_ resource.ResourceWithImportState = &scimGroupMembersExclusiveResource{}
	_ resource.ResourceWithIdentity    = &scimGroupMembersExclusiveResource{}
	_ resource.ResourceWithModifyPlan  = &scimGroupMembersExclusiveResource{}
)

// NewSCIMGroupMembersExclusiveResource is the constructor of confluence_scim_group_members_exclusive.
func NewSCIMGroupMembersExclusiveResource() resource.Resource {
	return &scimGroupMembersExclusiveResource{}
}

type scimGroupMembersExclusiveResource struct {
	data *providerData
}

type scimGroupMembersExclusiveModel struct {
	GroupID types.String `tfsdk:"group_id"`
	UserIDs types.Set    `tfsdk:"user_ids"`
}

func (r *scimGroupMembersExclusiveResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_scim_group_members_exclusive"
}

func (r *scimGroupMembersExclusiveResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = scimGroupMembersExclusiveID.identitySchema()
}

func (r *scimGroupMembersExclusiveResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The complete member list of one group in the Atlassian SCIM directory, authoritatively. Every " +
			"plan compares `user_ids` with the group's actual members: a member added outside Terraform shows as drift and " +
			"is removed on apply, and a listed user removed outside Terraform is added back. Creating the resource takes " +
			"over the group as it is, adding the missing users and removing the unlisted ones.\n\n" +
			"!> Creating this resource removes every member of the group that `user_ids` does not list; review the first " +
			"plan, which names them.\n\n" +
			"Destroying the resource only stops managing the membership: **nobody is removed from the group**. To empty " +
			"the group, apply `user_ids = []` first.\n\n" +
			fmt.Sprintf("A refresh reads the group once. Changes are SCIM PATCH requests, additions together and removals "+
				"together, at most %d users per request (Atlassian publishes no PATCH size limit; bounded requests stay "+
				"clear of an unpublished one).\n\n", scim.MembersPerPatch) +
			"**Do not combine** this resource with `confluence_scim_group_member` on the same group, nor with a second " +
			"`confluence_scim_group_members_exclusive`: each would undo the other's changes on every apply. The plan " +
			"refuses such a combination within one configuration (during apply instead, for a group created in the same run, " +
			"whose id is unknown at plan time). " + crossStateNote("group"),
		Attributes: map[string]schema.Attribute{
			"group_id": schema.StringAttribute{
				MarkdownDescription: "SCIM id of the group, such as `confluence_scim_group.<name>.id`. It is also the import ID. " +
					"Changing it manages another group (the previous group's members are left as they are).",
				Required:      true,
				Validators:    []validator.String{scimIDValidator},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"user_ids": schema.SetAttribute{
				MarkdownDescription: "SCIM ids of every user who must be a member (not Atlassian account ids); members not " +
					"listed are removed. An empty set removes all members. The users must be active in the directory.",
				Required:    true,
				ElementType: types.StringType,
				Validators:  []validator.Set{setvalidator.ValueStringsAre(scimIDValidator)},
			},
		},
	}
}

func (r *scimGroupMembersExclusiveResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan fails the plan early when the SCIM API is not configured or another resource of this configuration
// manages the same group's members.
func (r *scimGroupMembersExclusiveResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.data == nil || req.Plan.Raw.IsNull() {
		return
	}
	_, diags := r.data.SCIM(ctx)
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	var plan scimGroupMembersExclusiveModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || plan.GroupID.IsUnknown() {
		return
	}
	r.data.claim(claim{
		kind: groupClaimKind, key: plan.GroupID.ValueString(), resourceType: "confluence_scim_group_members_exclusive",
		exclusive: true, fingerprint: configFingerprint(req.Config), subject: countSubject(plan.UserIDs, "member", "user_ids"),
	}, path.Root("group_id"), &resp.Diagnostics)
	r.warnChanges(ctx, req, plan, &resp.Diagnostics)
}

// warnChanges names the members a plan adds or removes: those leaving by the display the group lists for them
// (from the refresh's one read of the group), those joining by SCIM id. Nothing is read when nothing changes.
func (r *scimGroupMembersExclusiveResource) warnChanges(ctx context.Context, req resource.ModifyPlanRequest, plan scimGroupMembersExclusiveModel, diags *diag.Diagnostics) {
	if req.State.Raw.IsNull() || plan.UserIDs.IsUnknown() || !fullyKnown(plan.UserIDs) {
		return
	}
	var state scimGroupMembersExclusiveModel
	if d := req.State.Get(ctx, &state); d.HasError() || !state.GroupID.Equal(plan.GroupID) {
		return
	}
	joins, leaves := diff(setStrings(ctx, state.UserIDs), setStrings(ctx, plan.UserIDs))
	if len(joins)+len(leaves) == 0 {
		return
	}
	client, d := r.data.SCIM(ctx)
	if d.HasError() {
		return
	}
	displays, err := client.MemberDisplays(ctx, plan.GroupID.ValueString(), leaves)
	if err != nil {
		displays = map[string]string{} // a courtesy: ids stand
	}
	var parts []string
	for _, id := range joins {
		parts = append(parts, "user "+id+" joins")
	}
	for _, id := range leaves {
		name := id
		if d := displays[id]; d != "" {
			name = d + " (" + id + ")"
		}
		parts = append(parts, "user "+name+" leaves")
	}
	diags.AddWarning("Membership changes in SCIM group "+plan.GroupID.ValueString(),
		"SCIM group "+plan.GroupID.ValueString()+": "+strings.Join(parts, "; "))
}

func (r *scimGroupMembersExclusiveResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer scimGroupMembersExclusiveID.identifyCreate(ctx, resp)
	var plan scimGroupMembersExclusiveModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if m, ok := r.reconcile(ctx, plan, &resp.Diagnostics); ok {
		resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
	}
}

func (r *scimGroupMembersExclusiveResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer scimGroupMembersExclusiveID.identifyUpdate(ctx, resp)
	var plan scimGroupMembersExclusiveModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if m, ok := r.reconcile(ctx, plan, &resp.Diagnostics); ok {
		resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
	}
}

// reconcile makes the group's members exactly the planned set and returns the group as it then is. The diff is
// taken against the group as it is now, not the prior state, so members added or removed since the plan are
// reconciled too.
func (r *scimGroupMembersExclusiveResource) reconcile(ctx context.Context, plan scimGroupMembersExclusiveModel, diags *diag.Diagnostics) (scimGroupMembersExclusiveModel, bool) {
	client, d := r.data.SCIM(ctx)
	diags.Append(d...)
	var want []string
	diags.Append(plan.UserIDs.ElementsAs(ctx, &want, false)...)
	if diags.HasError() {
		return plan, false
	}
	groupID := plan.GroupID.ValueString()
	current, err := client.Members(ctx, groupID)
	if transport.IsNotFound(err) {
		diags.AddAttributeError(path.Root("group_id"), "SCIM group not found",
			fmt.Sprintf("Group %q does not exist in the directory: it was deleted outside Terraform or the id is wrong.", groupID))
		return plan, false
	}
	if err != nil {
		addAPIError(diags, "Could not read the SCIM group's members", err)
		return plan, false
	}
	add, remove := diff(current, want)
	// Adds go first, so a user moving in never waits behind a long removal.
	if err := client.AddMembers(ctx, groupID, add...); err != nil {
		explainSCIMAddMembersError(ctx, client, diags, "Could not add users to the SCIM group", groupID, add, path.Root("user_ids"), err)
		return plan, false
	}
	if err := client.RemoveMembers(ctx, groupID, remove...); err != nil {
		addAPIError(diags, "Could not remove users from the SCIM group", err)
		return plan, false
	}
	tflog.Info(ctx, "reconciled SCIM group members", map[string]any{"group_id": groupID, "added": len(add), "removed": len(remove)})
	// The PATCH answers refreshed the cache: this normally costs no request.
	got, err := client.Members(ctx, groupID)
	if err != nil {
		addAPIError(diags, "Could not read the SCIM group's members after changing them", err)
		return plan, false
	}
	if missing, extra := diff(got, want); len(missing) > 0 || len(extra) > 0 {
		diags.AddError("SCIM group members did not take effect",
			fmt.Sprintf("The directory accepted the changes to group %q but its members still differ from user_ids "+
				"(missing: [%s]; unlisted: [%s]). Run the command again.", groupID, strings.Join(missing, ", "), strings.Join(extra, ", ")))
		return plan, false
	}
	return scimMembersModel(groupID, got), true
}

func scimMembersModel(groupID string, members []string) scimGroupMembersExclusiveModel {
	ids := make([]types.String, len(members))
	for i, id := range members {
		ids[i] = types.StringValue(id)
	}
	set, _ := types.SetValueFrom(context.Background(), types.StringType, ids) // string elements cannot fail
	return scimGroupMembersExclusiveModel{GroupID: types.StringValue(groupID), UserIDs: set}
}

func (r *scimGroupMembersExclusiveResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer scimGroupMembersExclusiveID.identifyRead(ctx, req, resp)
	var state scimGroupMembersExclusiveModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client, diags := r.data.SCIM(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	groupID := state.GroupID.ValueString()
	members, err := client.Members(ctx, groupID)
	if transport.IsNotFound(err) {
		resp.Diagnostics.AddWarning("SCIM group no longer exists",
			fmt.Sprintf("Group %q was not found in the directory; it was deleted outside Terraform. Its member list is removed "+
				"from the state.", groupID))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Could not read the SCIM group's members", err)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, scimMembersModel(groupID, members))...)
}

// Delete stops managing the group's members; it removes nobody, as the resource's description says.
func (r *scimGroupMembersExclusiveResource) Delete(ctx context.Context, req resource.DeleteRequest, _ *resource.DeleteResponse) {
	var state scimGroupMembersExclusiveModel
	_ = req.State.Get(ctx, &state)
	tflog.Info(ctx, "stopped managing SCIM group members; nobody was removed", map[string]any{"group_id": state.GroupID.ValueString()})
}

// ImportState takes the group id; Read then fills user_ids with the group's current members, so the next plan
// shows exactly which members the configuration would remove or add.
func (r *scimGroupMembersExclusiveResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	scimGroupMembersExclusiveID.importState(ctx, req, resp)
}

// scimGroupMembersExclusiveID names a group's member list by the group's SCIM id.
var scimGroupMembersExclusiveID = idSpec{
	parts: []idPart{{attr: "group_id", desc: "SCIM id of the group."}},
	parse: func(id string) ([]string, error) {
		if err := checkSCIMID(id); err != nil {
			return nil, badID("Expected the SCIM id of the group, such as 50202593-bc47-45df-8fa0-3f63343aa3c1; got %q.", id)
		}
		return []string{id}, nil
	},
}
