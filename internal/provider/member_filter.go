package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/objectvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/admin"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/confluence"
)

// A mirrored group mapping's member_filter keeps some of the SCIM group's members out of the target group: those
// whose account status is not listed, and those idle on the Confluence site for longer than inactive_days.

// memberStatuses are the account statuses member_filter.statuses accepts (the Organizations API's status).
var memberStatuses = []string{"active", "suspended", "deactivated"}

type memberFilterModel struct {
	Statuses     types.Set   `tfsdk:"statuses"`
	InactiveDays types.Int64 `tfsdk:"inactive_days"`
}

func memberFilterAttribute() schema.SingleNestedAttribute {
	return schema.SingleNestedAttribute{
		MarkdownDescription: "Mirrored mapping only: which of the SCIM group's members the target group gets. A member left " +
			"out is removed from the target group, and the plan's warning says why.",
		Optional:   true,
		Validators: []validator.Object{objectvalidator.AlsoRequires(path.MatchRoot("target_group_id"))},
		Attributes: map[string]schema.Attribute{
			"statuses": schema.SetAttribute{
				MarkdownDescription: "Account statuses that are mirrored: " + markdownList(memberStatuses) + ". Unset mirrors every status.",
				ElementType:         types.StringType,
				Optional:            true,
				Validators: []validator.Set{setvalidator.SizeAtLeast(1),
					setvalidator.ValueStringsAre(stringvalidator.OneOf(memberStatuses...))},
			},
			"inactive_days": schema.Int64Attribute{
				MarkdownDescription: "Leave out members with no activity on the Confluence site for this many days (or never " +
					"active, and in the organization for longer). Activity dates may lag by up to 24 hours.",
				Optional:   true,
				Validators: []validator.Int64{int64validator.AtLeast(1)},
			},
		},
	}
}

// memberFilter is a member_filter as the mapping applies it; the zero value keeps everyone.
type memberFilter struct {
	statuses     []string
	inactiveDays int
}

func memberFilterFrom(ctx context.Context, v types.Object) (memberFilter, diag.Diagnostics) {
	var f memberFilter
	if v.IsNull() || v.IsUnknown() {
		return f, nil
	}
	var m memberFilterModel
	diags := v.As(ctx, &m, basetypes.ObjectAsOptions{})
	f.statuses = setStrings(ctx, m.Statuses)
	f.inactiveDays = int(m.InactiveDays.ValueInt64())
	return f, diags
}

// active reports whether the filter reads activity, which costs the site's ARI and an expanded search.
func (f memberFilter) active() bool { return f.inactiveDays > 0 }

// excludes says why u is left out, or "" when it is mirrored.
func (f memberFilter) excludes(u admin.User, siteARI string, now time.Time) string {
	if len(f.statuses) > 0 && !slices.Contains(f.statuses, u.Status) {
		return fmt.Sprintf("status %s", u.Status)
	}
	if f.inactiveDays == 0 {
		return ""
	}
	cutoff := now.AddDate(0, 0, -f.inactiveDays)
	var last time.Time
	for _, p := range u.ProductAccess {
		if p.ID == siteARI {
			last, _ = time.Parse(time.RFC3339, p.LastActiveTimestamp)
		}
	}
	added, _ := time.Parse(time.RFC3339, u.AddedToOrg)
	switch {
	case !last.IsZero() && last.Before(cutoff):
		return fmt.Sprintf("inactive since %s", last.UTC().Format(time.DateOnly))
	case last.IsZero() && !added.IsZero() && added.Before(cutoff):
		return "never active"
	}
	return ""
}

// warnFiltered adds one warning naming the members that leave the target group because of member_filter, with why.
func (d *providerData) warnFiltered(ctx context.Context, group string, leaves []string, reasons map[string]string, diags *diag.Diagnostics) {
	var filtered []string
	for _, id := range leaves {
		if reasons[id] != "" {
			filtered = append(filtered, id)
		}
	}
	if len(filtered) == 0 {
		return
	}
	principals := make([]confluence.Principal, len(filtered))
	for i, id := range filtered {
		principals[i] = confluence.Principal{Type: confluence.PrincipalUser, ID: id}
	}
	names := d.principalNames(ctx, principals)
	parts := make([]string, len(filtered))
	for i, p := range principals {
		parts[i] = fmt.Sprintf("%s (%s)", names[p], reasons[p.ID])
	}
	slices.Sort(parts)
	diags.AddWarning("Members left out by member_filter",
		fmt.Sprintf("Group %s: member_filter keeps out, and the target group loses: %s.", group, strings.Join(parts, "; ")))
}
