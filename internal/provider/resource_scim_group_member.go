package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

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
	_ resource.ResourceWithConfigure   = &scimGroupMemberResource{}
	_ resource.ResourceWithImportState = &scimGroupMemberResource{}
	_ resource.ResourceWithIdentity    = &scimGroupMemberResource{}
	_ resource.ResourceWithModifyPlan  = &scimGroupMemberResource{}
)

// NewSCIMGroupMemberResource is the constructor of confluence_scim_group_member.
func NewSCIMGroupMemberResource() resource.Resource { return &scimGroupMemberResource{} }

type scimGroupMemberResource struct {
	data *providerData
}

type scimGroupMemberModel struct {
	ID      types.String `tfsdk:"id"`
	GroupID types.String `tfsdk:"group_id"`
	UserID  types.String `tfsdk:"user_id"`
}

// checkSCIMID accepts what can be a SCIM id. "/" is refused because it separates the parts of import IDs and
// cannot appear in an id that is also a URL path segment.
func checkSCIMID(s string) error {
	switch {
	case strings.TrimSpace(s) == "":
		return errors.New("must be a SCIM id such as 50202593-bc47-45df-8fa0-3f63343aa3c1, not an empty string")
	case strings.TrimSpace(s) != s:
		return fmt.Errorf("must be a SCIM id such as 50202593-bc47-45df-8fa0-3f63343aa3c1 without leading or trailing spaces; got %q", s)
	case strings.Contains(s, "/"):
		return fmt.Errorf("must be a SCIM id such as 50202593-bc47-45df-8fa0-3f63343aa3c1, which never contains \"/\"; got %q", s)
	}
	return nil
}

var scimIDValidator = stringCheck{description: "a SCIM id: not empty, without \"/\"", check: checkSCIMID}

func scimMemberID(groupID, userID string) string { return groupID + "/" + userID }

func (r *scimGroupMemberResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_scim_group_member"
}

func (r *scimGroupMemberResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = scimGroupMemberID.identitySchema()
}

func (r *scimGroupMemberResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "One user's membership of one group in the Atlassian SCIM directory, as an identity provider would " +
			"push it. Additive: other members of the group are left alone, so several configurations can add members to " +
			"the same group.\n\nAdding a user who is already a member adopts the membership instead of failing. If the " +
			"membership is removed outside Terraform (including when the user is deactivated, which hides them from " +
			"the members of every group until they are re-activated, or when the group is deleted), the next plan shows it being added again. Destroying the resource " +
			"removes the user from the group.\n\n**Do not combine** this resource with `confluence_scim_group_members_exclusive` " +
			"on the same group: the exclusive resource removes every member it does not list, and the two would undo each " +
			"other's changes on every apply. The plan refuses the combination within one configuration (during apply instead, for a " +
			"group created in the same run, whose id is unknown at plan time). " + crossStateNote("group"),
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`group_id/user_id`, the import ID of the membership.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"group_id": schema.StringAttribute{
				MarkdownDescription: "SCIM id of the group, such as `confluence_scim_group.<name>.id`. Changing it replaces the membership.",
				Required:            true,
				Validators:          []validator.String{scimIDValidator},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"user_id": schema.StringAttribute{
				MarkdownDescription: "SCIM id of the user (not the Atlassian account id). The user must be active in the " +
					"directory. Changing it replaces the membership.",
				Required:      true,
				Validators:    []validator.String{scimIDValidator},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
		},
	}
}

func (r *scimGroupMemberResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan fails the plan early when the SCIM API is not configured or an exclusive member list holds the same
// group, and shows the id of a new membership.
func (r *scimGroupMemberResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.data == nil || req.Plan.Raw.IsNull() {
		return
	}
	_, diags := r.data.SCIM(ctx)
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	var plan scimGroupMemberModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || plan.GroupID.IsUnknown() {
		return
	}
	// Claimed on every plan, not only on create: an existing membership still fights an exclusive list added later.
	if !r.data.claim(claim{
		kind: groupClaimKind, key: plan.GroupID.ValueString(), resourceType: "confluence_scim_group_member",
		fingerprint: configFingerprint(req.Config), subject: userSubject(plan.UserID),
	}, path.Root("group_id"), &resp.Diagnostics) {
		return
	}
	if !req.State.Raw.IsNull() || plan.UserID.IsUnknown() {
		return
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("id"), scimMemberID(plan.GroupID.ValueString(), plan.UserID.ValueString()))...)
}

func (r *scimGroupMemberResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer scimGroupMemberID.identifyCreate(ctx, resp)
	var plan scimGroupMemberModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	client, diags := r.data.SCIM(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	groupID, userID := plan.GroupID.ValueString(), plan.UserID.ValueString()
	if err := client.AddMembers(ctx, groupID, userID); err != nil {
		explainSCIMAddMembersError(ctx, client, &resp.Diagnostics, "Could not add the user to the SCIM group", groupID, []string{userID}, path.Root("user_id"), err)
		return
	}
	// The PATCH answer refreshed the client's cache, so this costs no request with servers that return members.
	ok, err := client.IsMember(ctx, groupID, userID)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Could not read the SCIM group after adding the user", err)
		return
	}
	if !ok {
		resp.Diagnostics.AddError("SCIM group membership did not take effect",
			fmt.Sprintf("The directory accepted adding user %q to group %q but does not list the user as a member. Run the "+
				"command again; if it persists, check the user in the directory.", userID, groupID))
		return
	}
	tflog.Info(ctx, "added SCIM group member", map[string]any{"group_id": groupID, "user_id": userID})
	plan.ID = types.StringValue(scimMemberID(groupID, userID))
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

// explainSCIMAddMembersError turns a failed member add into a diagnostic naming what is missing. Atlassian answers
// 404 alike for a missing group and for a missing or deactivated user, so on 404 the group and then the users
// are looked up (an error path only; successful applies pay nothing for it).
func explainSCIMAddMembersError(ctx context.Context, client *scim.Client, diags *diag.Diagnostics, summary, groupID string, userIDs []string, userAttr path.Path, err error) {
	if !transport.IsNotFound(err) {
		addAPIError(diags, summary, err)
		return
	}
	if _, gerr := client.GetGroup(ctx, groupID); transport.IsNotFound(gerr) {
		diags.AddAttributeError(path.Root("group_id"), "SCIM group not found",
			fmt.Sprintf("Group %q does not exist in the directory: it was deleted outside Terraform or the id is wrong.", groupID))
		return
	}
	const maxReported = 20 // enough to act on without one lookup per user of a very large set
	var missing []string
	for _, id := range userIDs {
		if _, uerr := client.GetUser(ctx, id); transport.IsNotFound(uerr) {
			missing = append(missing, id)
			if len(missing) == maxReported {
				break
			}
		}
	}
	if len(missing) == 0 {
		addAPIError(diags, summary, err)
		return
	}
	diags.AddAttributeError(userAttr, "SCIM user not found",
		fmt.Sprintf("These users do not exist in the directory or are deactivated (Atlassian answers 404 for deactivated "+
			"users, and a group cannot hold them): %s. Reactivate them (confluence_scim_user with active = true) or "+
			"remove them from the configuration.\n\nThe directory answered: %s", strings.Join(missing, ", "), err))
}

func (r *scimGroupMemberResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer scimGroupMemberID.identifyRead(ctx, req, resp)
	var state scimGroupMemberModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client, diags := r.data.SCIM(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	groupID, userID := state.GroupID.ValueString(), state.UserID.ValueString()
	// Members are cached per run: any number of memberships of one group cost one read of the group.
	ok, err := client.IsMember(ctx, groupID, userID)
	if transport.IsNotFound(err) {
		resp.Diagnostics.AddWarning("SCIM group no longer exists",
			fmt.Sprintf("Group %q was not found in the directory; it was deleted outside Terraform. The membership of user %q "+
				"is removed from the state.", groupID, userID))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Could not read the SCIM group's members", err)
		return
	}
	if !ok {
		why := "The user was removed from the group outside Terraform; the next apply adds them again."
		// Only memberships that drifted pay for this lookup; it tells a removal from a deactivation.
		if _, uerr := client.GetUser(ctx, userID); transport.IsNotFound(uerr) {
			why = "The user no longer exists in the directory or was deactivated (a deactivated user is hidden from the " +
				"members of every group until re-activated). Adding them again fails until the user is reactivated; remove the membership from the configuration " +
				"if the user has left."
		}
		resp.Diagnostics.AddWarning("SCIM group membership no longer exists",
			fmt.Sprintf("User %q is not a member of group %q. %s", userID, groupID, why))
		resp.State.RemoveResource(ctx)
		return
	}
	state.ID = types.StringValue(scimMemberID(groupID, userID))
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// Update is never called with a change (both ids replace the resource); it keeps the planned values.
func (r *scimGroupMemberResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer scimGroupMemberID.identifyUpdate(ctx, resp)
	var plan scimGroupMemberModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.ID = types.StringValue(scimMemberID(plan.GroupID.ValueString(), plan.UserID.ValueString()))
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

func (r *scimGroupMemberResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state scimGroupMemberModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client, diags := r.data.SCIM(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	err := client.RemoveMembers(ctx, state.GroupID.ValueString(), state.UserID.ValueString())
	if err != nil && !transport.IsNotFound(err) { // a missing group holds nobody: done
		addAPIError(&resp.Diagnostics, "Could not remove the user from the SCIM group", err)
	}
}

func (r *scimGroupMemberResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if values, ok := scimGroupMemberID.importState(ctx, req, resp); ok {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), scimGroupMemberID.join(values))...)
	}
}

// scimGroupMemberID names a membership by the SCIM ids of its group and user.
var scimGroupMemberID = idSpec{
	parts: []idPart{{attr: "group_id", desc: "SCIM id of the group."}, {attr: "user_id", desc: "SCIM id of the user."}},
	parse: func(id string) ([]string, error) {
		parts := strings.Split(id, "/")
		if len(parts) != 2 || checkSCIMID(parts[0]) != nil || checkSCIMID(parts[1]) != nil {
			return nil, badID("Expected group_id/user_id, the SCIM ids of the group and the user separated by \"/\", such as "+
				"50202593-bc47-45df-8fa0-3f63343aa3c1/c6993c94-dbda-40f1-b6f0-18c855522ade; got %q.", id)
		}
		return parts, nil
	},
}
