package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/admin"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/scim"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/transport"
)

// What the provider knows about the organization as a whole: which directory is the identity provider's, where
// a new local group goes, and whether the three APIs' settings name one organization.

// scimDirectoryID is the directory id in scim_directory_url, or "" when it is not set.
func (s settings) scimDirectoryID() string {
	if s.scimDirectoryURL == "" {
		return ""
	}
	_, id, err := scim.ParseDirectoryURL(s.scimDirectoryURL)
	if err != nil {
		return ""
	}
	return id
}

func describeDirectories(dirs []admin.Directory) string {
	parts := make([]string, 0, len(dirs))
	for _, d := range dirs {
		parts = append(parts, fmt.Sprintf("%s (%q)", d.ID, d.Name))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// groupDirectory decides the directory a new confluence_group is created in. A configured id must be a local
// directory of the organization; without one, the organization's one directory that is not the provider's
// SCIM directory is used. It returns "" (and no error) when the configured value is not known yet.
func (d *providerData) groupDirectory(ctx context.Context, client *admin.Client, configured types.String) (string, diag.Diagnostics) {
	var diags diag.Diagnostics
	if configured.IsUnknown() {
		return "", diags
	}
	dirs, err := client.Directories(ctx)
	if err != nil {
		addAPIError(&diags, "Could not list the organization's directories", err)
		return "", diags
	}
	scimDir := d.settings.scimDirectoryID()
	var local []admin.Directory
	for _, dir := range dirs {
		if dir.ID != scimDir {
			local = append(local, dir)
		}
	}
	attr := path.Root("directory_id")
	if !configured.IsNull() {
		want := configured.ValueString()
		switch {
		case want == scimDir:
			diags.AddAttributeError(attr, "Directory is the identity provider's",
				fmt.Sprintf("directory_id %q is the SCIM directory of scim_directory_url: its groups come from the identity "+
					"provider. Manage such a group with confluence_scim_group, or set directory_id to a local directory: %s.",
					want, describeDirectories(local)))
		case !directoryListed(dirs, want):
			diags.AddAttributeError(attr, "Directory not found",
				fmt.Sprintf("directory_id %q is not a directory of organization %s (organization_id). Its directories are: %s.",
					want, client.OrgID(), describeDirectories(dirs)))
		}
		return want, diags
	}
	switch len(local) {
	case 1:
		return local[0].ID, diags
	case 0:
		diags.AddAttributeError(attr, "No directory for the group",
			fmt.Sprintf("Organization %s has no directory besides the SCIM directory of scim_directory_url (its directories: %s), "+
				"so there is nowhere to create a local group.", client.OrgID(), describeDirectories(dirs)))
	default:
		hint := "Set directory_id to one of them."
		if scimDir == "" {
			hint = "Set directory_id to one of them, or set scim_directory_url so that the identity provider's directory is left out."
		}
		diags.AddAttributeError(attr, "Directory is ambiguous",
			fmt.Sprintf("Organization %s has %d directories a group could be created in: %s. %s",
				client.OrgID(), len(local), describeDirectories(local), hint))
	}
	return "", diags
}

func directoryListed(dirs []admin.Directory, id string) bool {
	return slices.ContainsFunc(dirs, func(d admin.Directory) bool { return d.ID == id })
}

// checkOrganization verifies, once per run and only when the organization credential is configured beside
// another API's settings, that they name one organization: the SCIM directory is one of its directories and
// site_url is one of its Confluence workspaces. It costs the directory listing and the workspace lookup, both
// kept by the Admin client for the lookups that follow (default group directory, site resource id).
// That the SCIM URL's directory id is the Admin API's id of the same directory is UNCONFIRMED (reference §1.1,
// §8.5: Atlassian's knowledge base says the SCIM directory id is found with the Get directories endpoint).
// A mismatch is an error naming both settings, returned to every caller; a failure to look is a warning, given
// once, so that an Admin API outage does not stop the other APIs' resources.
func (d *providerData) checkOrganization(ctx context.Context) diag.Diagnostics {
	s := d.settings
	if s.organizationID == "" || s.adminAPIKey == "" || (s.scimDirectoryURL == "" && s.siteURL == "") {
		return nil
	}
	d.orgCheckMu.Lock()
	defer d.orgCheckMu.Unlock()
	if d.orgChecked {
		return d.orgCheckErrors
	}
	client, diags := d.adminClient()
	if diags.HasError() {
		return nil // reported by the resources that use the Organizations API
	}
	if scimDir := s.scimDirectoryID(); scimDir != "" {
		dirs, err := client.Directories(ctx)
		switch {
		case err != nil:
			diags.AddWarning("Could not check the SCIM directory's organization", fmt.Sprintf(
				"The provider checks that scim_directory_url names a directory of organization_id's organization, but listing "+
					"its directories failed: %s", apiErrorDetail(err)))
		case !directoryListed(dirs, scimDir):
			diags.AddError("SCIM directory and organization do not match", fmt.Sprintf(
				"scim_directory_url (%s) names directory %s, but organization_id (%s) names an organization whose directories "+
					"are %s. The two settings point at different organizations, such as a staging SCIM URL with a production "+
					"organization key. Set both for the same organization: the Directory base URL is shown in admin.atlassian.com "+
					"→ Security → Identity providers → your directory.",
				envSCIMDirectoryURL, scimDir, envOrganizationID, describeDirectories(dirs)))
		}
	}
	if s.siteURL != "" {
		_, err := client.SiteARI(ctx, s.siteURL)
		switch {
		case transport.IsNotFound(err):
			diags.AddError("Confluence site and organization do not match", fmt.Sprintf(
				"site_url (%s) is %s, which is not one of the Confluence sites of organization_id's (%s) organization: %s. "+
					"The two settings point at different organizations. Set site_url to a site of this organization, or "+
					"organization_id and admin_api_key to the organization that owns the site.",
				envSiteURL, s.siteURL, envOrganizationID, err))
		case err != nil:
			diags.AddWarning("Could not check the Confluence site's organization", fmt.Sprintf(
				"The provider checks that site_url is a Confluence site of organization_id's organization, but the lookup "+
					"failed: %s", apiErrorDetail(err)))
		}
	}
	if ctx.Err() == nil {
		d.orgChecked = true
		for _, x := range diags.Errors() {
			d.orgCheckErrors.Append(x)
		}
	}
	return diags
}
