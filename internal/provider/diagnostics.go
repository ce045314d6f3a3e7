package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/transport"
)

// credentialAdvice says, per API, which setting a 401 points at and what a 403 usually lacks.
var credentialAdvice = map[transport.API]struct{ unauthorized, forbidden string }{
	transport.SCIM: {
		unauthorized: "The SCIM directory rejected the API key. Check scim_api_key (" + envSCIMAPIKey + ") and scim_directory_url (" +
			envSCIMDirectoryURL + "); directory keys expire after a year and can be regenerated in admin.atlassian.com " +
			"(Security → Identity providers → your directory).",
		forbidden: "The directory API key is not allowed to do this. Check that scim_directory_url names the directory the key belongs to.",
	},
	transport.Admin: {
		unauthorized: "The Organizations API rejected the API key. Check admin_api_key (" + envAdminAPIKey + ") and organization_id (" +
			envOrganizationID + "); the key must be an organization API key created in admin.atlassian.com → Settings → API keys.",
		forbidden: "The organization API key lacks the permission for this operation: it needs organization admin rights " +
			"(scopes read:group:admin and write:group:admin for a scoped key).",
	},
	transport.Confluence: {
		unauthorized: "Confluence rejected the credential. Check email and api_token (" + envEmail + ", " + envAPIToken +
			") or bearer_token (" + envBearerToken + "), and site_url (" + envSiteURL + "); API tokens expire.",
		forbidden: "The Confluence account lacks permission for this operation: space permission changes need the space's " +
			"Admin permission (scopes read:space.permission:confluence and write:space.permission:confluence).",
	},
}

// urlSetting names, per API, the provider setting whose URL its requests go to.
var urlSetting = map[transport.API]string{
	transport.SCIM:       "scim_directory_url (" + envSCIMDirectoryURL + ")",
	transport.Admin:      "admin_api_url (" + envAdminAPIURL + ")",
	transport.Confluence: "site_url (" + envSiteURL + ")",
}

// addAPIError adds an error diagnostic for a failed API call: the API's own message, plus what to do about it.
func addAPIError(diags *diag.Diagnostics, summary string, err error) {
	diags.AddError(summary, apiErrorDetail(err))
}

// watchAdoptions makes ctx collect what the clients find already applied after a lost answer (transport.Settle)
// during one operation; the returned function warns about it, once, after the operation.
func watchAdoptions(ctx context.Context, diags *diag.Diagnostics) (context.Context, func()) {
	ctx, adopted := transport.WithAdoptions(ctx)
	return ctx, func() {
		n := len(adopted.List())
		if n == 0 {
			return
		}
		diags.AddWarning("Adopted what a request with a lost answer had made",
			fmt.Sprintf("The answer to %s was lost (a server error, a timeout or a dropped connection after the request "+
				"was sent). A read afterwards found it applied as asked, so it was saved to the state instead of being "+
				"made twice: %s. Nothing needs doing.", plural(n, "request"), adopted.Summary(5)))
	}
}

// addCreateError adds the error of a create whose outcome a client settled (transport.Settle): a mismatch gets the
// import of what holds the key, an interruption says what was saved; anything else is addAPIError.
func addCreateError(diags *diag.Diagnostics, resourceType, summary string, err error) {
	var mismatch *transport.MismatchError
	var interrupted *transport.InterruptedError
	switch {
	case errors.As(err, &mismatch):
		diags.AddError(summary, fmt.Sprintf("%v\n\nIf that is the object you mean, import it instead of creating it:\n\n%s\n\n"+
			"Otherwise change the configuration so that it names another one.", err, importBlock(resourceType, mismatch.ID)))
	case errors.As(err, &interrupted) && interrupted.Saved:
		diags.AddError(summary+": interrupted",
			fmt.Sprintf("The operation was interrupted (%v) after %s had been created. It was found and saved to the "+
				"state, so nothing is left behind: the next apply continues from there.", interrupted.Err, interrupted.What))
	case errors.As(err, &interrupted):
		diags.AddError(summary+": interrupted",
			fmt.Sprintf("The operation was interrupted (%v) while %s was being created. A lookup afterwards found that "+
				"nothing was created; run the command again.", interrupted.Err, interrupted.What))
	default:
		addAPIError(diags, summary, err)
	}
}

// importBlock is a ready import block for id, with a note on instances of for_each and count.
func importBlock(resourceType, id string) string {
	return fmt.Sprintf("  import {\n    to = %s.<name>\n    id = %q\n  }\n\n"+
		"For a resource with for_each or count, \"to\" names the instance, such as %s.<name>[\"<key>\"]. Many objects can "+
		"be adopted at once with import { for_each = ... }: see the guide \"Recovering from an interrupted apply\".",
		resourceType, id, resourceType)
}

// addAPIErrorWithHint is addAPIError with advice of the caller's appended.
func addAPIErrorWithHint(diags *diag.Diagnostics, summary string, err error, hint string) {
	diags.AddError(summary, apiErrorDetail(err)+"\n\n"+hint)
}

// addPermissionWriteError reports failed permission writes: every failure with the permission it concerned
// (err names them), plus what to do.
func addPermissionWriteError(diags *diag.Diagnostics, summary string, err error, spaceKey string) {
	detail := apiErrorDetail(err)
	var apiErr *transport.Error
	if errors.As(err, &apiErr) && apiErr.StatusCode == 400 && strings.Contains(strings.ToLower(apiErr.Message), "admin permissions cannot be removed") {
		detail += fmt.Sprintf("\n\nConfluence never removes the last administrator of space %s. Grant %s to another "+
			"principal first.", spaceKey, administerSpace)
	}
	detail += "\n\nThe state records the permissions the principal holds now; run apply again to finish the change."
	diags.AddError(summary, detail)
}

// apiErrorDetail is the whole error chain (what was being done and the API's own message) followed by advice
// for the failures a user can act on.
func apiErrorDetail(err error) string {
	detail := err.Error()
	var unreach *transport.UnreachableError
	if errors.As(err, &unreach) {
		what := "refuses connections: is the server (or the emulator) running?"
		if unreach.NotFound {
			what = "does not exist: check the spelling of the host name."
		}
		setting := "the URL"
		if s, ok := urlSetting[unreach.API]; ok {
			setting = s
		}
		return detail + "\n\nCheck " + setting + ": its host " + unreach.Host + " " + what
	}
	if transport.IsAmbiguous(err) {
		detail += "\n\nThe request may have been applied although no success came back. Run the command again: the " +
			"next plan reads what is there and shows what is left to do."
	}
	var apiErr *transport.Error
	if !errors.As(err, &apiErr) {
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
			detail += ". The operation was interrupted before it finished; run the command again, or raise request_timeout if the API is slow."
		}
		return detail
	}
	switch apiErr.StatusCode {
	case 401:
		detail += "\n\n" + credentialAdvice[apiErr.API].unauthorized
	case 403:
		detail += "\n\n" + credentialAdvice[apiErr.API].forbidden
	case 404:
		if dir := scimDirectoryOf404(apiErr); dir != "" {
			detail += "\n\nThe SCIM directory " + dir + " was not found. Check scim_directory_url (" + envSCIMDirectoryURL + "): it " +
				"must be the Directory base URL of your identity provider's directory, shown in admin.atlassian.com → Security → " +
				"Identity providers → your directory, and scim_api_key must be that directory's key (a staging URL with a " +
				"production key, or the reverse, answers 404)."
		}
	case 429, 503:
		detail += "\n\n" + retryAdvice(apiErr)
	}
	return detail
}

// retryAdvice says what a 429 or 503 answer means and, once the retries ran out, after how many attempts.
func retryAdvice(e *transport.Error) string {
	what, advice := "The API kept asking to slow down (429)", "Run the command again, lower parallelism, or raise max_retries."
	if e.StatusCode == 503 {
		what, advice = "The service stayed unavailable (503)", "Run the command again later, or raise max_retries."
	}
	if e.RetriesExhausted {
		what += " after " + transport.AttemptsText(e.Attempts)
	}
	return what + ". " + advice
}

// scimDirectoryCollection matches the SCIM paths that name no object of their own (collections, discovery), so a
// 404 there is the directory's: /scim/directory/{id}/Users, /Groups, /ServiceProviderConfig, /Schemas…, /ResourceTypes….
var scimDirectoryCollection = regexp.MustCompile(`/scim/directory/([^/]+)/(?:Users|Groups|ServiceProviderConfig|Schemas(?:/.*)?|ResourceTypes(?:/.*)?)$`)

// scimDirectoryOf404 returns the directory id of a SCIM 404 that can only mean the directory is unknown, else "".
func scimDirectoryOf404(e *transport.Error) string {
	if e.API != transport.SCIM {
		return ""
	}
	if m := scimDirectoryCollection.FindStringSubmatch(e.Path); m != nil {
		return m[1]
	}
	return ""
}

// providerDataFrom unpacks what the provider's Configure handed to a resource or data source.
func providerDataFrom(data any, diags *diag.Diagnostics) *providerData {
	if data == nil { // Terraform calls Configure before the provider itself is configured
		return nil
	}
	d, ok := data.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider; please report it.", data))
		return nil
	}
	return d
}
