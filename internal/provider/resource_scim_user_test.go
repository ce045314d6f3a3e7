package provider_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/accessplane/terraform-provider-confluence/internal/acctest"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/admin"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/scim"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/transport"
	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
)

const (
	scimUserAddr = "confluence_scim_user.jane"

	routeUser      = "/scim/directory/{directoryId}/Users/{userId}"
	routeUsers     = "/scim/directory/{directoryId}/Users"
	routePatchUser = "PATCH " + routeUser
	routePutUser   = "PUT " + routeUser
)

// scimUserConfig renders the jane user with the given attribute lines (HCL, one per element).
func scimUserConfig(env *acctest.Env, lines ...string) string {
	return env.Config("resource \"confluence_scim_user\" \"jane\" {\n  " + strings.Join(lines, "\n  ") + "\n}\n")
}

// janeBase are the required attributes, in the mixed case an identity provider might send.
var janeBase = []string{`user_name = "Jane.Doe@Example.com"`, `email = "Jane.Doe@Example.com"`}

func janeWith(lines ...string) []string { return append(append([]string{}, janeBase...), lines...) }

// expectUser checks the user with SCIM id *id through the SCIM API.
func expectUser(c *scim.Client, id *string, check func(*scim.User) error) statecheck.StateCheck {
	return acctest.CheckAPI(func(ctx context.Context) error {
		u, err := c.GetUser(ctx, *id)
		if err != nil {
			return err
		}
		return check(u)
	})
}

// expectRequests checks the emulator's request counters (since the last reset) for the given routes.
func expectRequests(env *acctest.Env, want map[string]int) statecheck.StateCheck {
	return acctest.CheckAPI(func(context.Context) error {
		for route, n := range want {
			if got := env.Requests(route); got != n {
				return fmt.Errorf("%s: %d requests, want %d (all: %v)", route, got, n, env.Emulator.Stats())
			}
		}
		return nil
	})
}

func userGone(c *scim.Client, id *string) func(*terraform.State) error {
	return func(*terraform.State) error {
		_, err := c.GetUser(context.Background(), *id)
		if !transport.IsNotFound(err) {
			return fmt.Errorf("user %s still readable after destroy (err=%w)", *id, err)
		}
		return nil
	}
}

func TestAccSCIMUser_lifecycle(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	api := env.SCIM(t)
	var id, accountID, relinkedAccount string

	created := janeWith(
		`external_id        = "00u1abcd"`,
		`display_name       = "Jane Doe"`,
		`given_name         = "Jane"`,
		`family_name        = "Doe"`,
		`title              = "Engineer"`,
		`department         = "R&D"`,
		`timezone           = "Europe/London"`,
		`preferred_language = "en-GB"`,
	)
	updated := janeWith(
		`external_id        = "00u1abcd"`,
		`display_name       = "Jane Q. Doe"`,
		`given_name         = "Jane"`,
		`family_name        = "Doe"`,
		`nick_name          = "JD"`,
		`title              = "Staff Engineer"`,
		`department         = "Platform"`,
		`timezone           = "America/Los_Angeles"`,
		`preferred_language = "en-GB"`,
	)
	cleared := janeWith(
		`external_id        = "00u1abcd"`,
		`display_name       = "Jane Q. Doe"`,
		`given_name         = "Jane"`,
		`family_name        = "Doe"`,
		`nick_name          = "JD"`,
		`title              = ""`,
		`department         = ""`,
		`timezone           = "America/Los_Angeles"`,
		`preferred_language = "en-GB"`,
	)

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             userGone(api, &id),
		Steps: []resource.TestStep{
			{ // create: every configured attribute reaches the directory, department in the enterprise extension
				Config: scimUserConfig(env, created...),
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.CaptureString(scimUserAddr, tfjsonpath.New("id"), &id),
					acctest.CaptureString(scimUserAddr, tfjsonpath.New("atlassian_account_id"), &accountID),
					statecheck.ExpectKnownValue(scimUserAddr, tfjsonpath.New("user_name"), knownvalue.StringExact("Jane.Doe@Example.com")),
					statecheck.ExpectKnownValue(scimUserAddr, tfjsonpath.New("email"), knownvalue.StringExact("Jane.Doe@Example.com")),
					statecheck.ExpectKnownValue(scimUserAddr, tfjsonpath.New("active"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(scimUserAddr, tfjsonpath.New("department"), knownvalue.StringExact("R&D")),
					statecheck.ExpectKnownValue(scimUserAddr, tfjsonpath.New("nick_name"), knownvalue.Null()),
					statecheck.ExpectKnownValue(scimUserAddr, tfjsonpath.New("organization"), knownvalue.Null()),
					statecheck.ExpectKnownValue(scimUserAddr, tfjsonpath.New("atlassian_account_id"), knownvalue.NotNull()),
					expectUser(api, &id, func(u *scim.User) error {
						if u.UserName != "Jane.Doe@Example.com" || u.PrimaryEmail() != "Jane.Doe@Example.com" || u.ExternalID != "00u1abcd" ||
							u.DisplayName != "Jane Doe" || u.GivenNameValue() != "Jane" || u.FamilyNameValue() != "Doe" || u.Title != "Engineer" ||
							u.Timezone != "Europe/London" || u.PreferredLanguage != "en-GB" || !u.IsActive() {
							return fmt.Errorf("directory holds %+v", u)
						}
						if u.Enterprise == nil || u.Enterprise.Department != "R&D" || u.Department != "" {
							return fmt.Errorf("department not in the enterprise extension: top-level %q, extension %+v", u.Department, u.Enterprise)
						}
						if u.AccountID() != accountID {
							return fmt.Errorf("account %q, state says %q", u.AccountID(), accountID)
						}
						return nil
					}),
				},
			},
			{ // nothing to do on a second plan
				Config:           scimUserConfig(env, created...),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{ // import fills every attribute
				ResourceName:      scimUserAddr,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{ // import takes the SCIM id; a user name is refused with the expected form
				ResourceName:  scimUserAddr,
				ImportState:   true,
				ImportStateId: "jane.doe@example.com",
				ExpectError:   regexp.MustCompile(`(?s)Expected the SCIM id of the user.*data source`),
			},
			{ // several attributes change in place, in one PATCH carrying only them, never a PUT
				PreConfig: env.ResetRequests,
				Config:    scimUserConfig(env, updated...),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(scimUserAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(scimUserAddr, tfjsonpath.New("id"), knownvalue.NotNull()),
					plancheck.ExpectKnownValue(scimUserAddr, tfjsonpath.New("organization"), knownvalue.Null()),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					expectRequests(env, map[string]int{routePatchUser: 1, routePutUser: 0, "POST " + routeUsers: 0, "DELETE " + routeUser: 0}),
					statecheck.ExpectKnownValue(scimUserAddr, tfjsonpath.New("title"), knownvalue.StringExact("Staff Engineer")),
					expectUser(api, &id, func(u *scim.User) error {
						if u.DisplayName != "Jane Q. Doe" || u.NickName != "JD" || u.Title != "Staff Engineer" ||
							u.DepartmentValue() != "Platform" || u.Timezone != "America/Los_Angeles" {
							return fmt.Errorf("directory holds %+v", u)
						}
						return nil
					}),
				},
			},
			{ // the identity provider sets an attribute this configuration does not manage: kept, no diff
				PreConfig: func() {
					if _, err := api.PatchUser(context.Background(), id, scim.Replace(scim.EnterprisePath("organization"), "Example Corp")); err != nil {
						t.Fatal(err)
					}
				},
				Config:           scimUserConfig(env, updated...),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(scimUserAddr, tfjsonpath.New("organization"), knownvalue.StringExact("Example Corp")),
					expectUser(api, &id, func(u *scim.User) error {
						if u.OrganizationValue() != "Example Corp" {
							return fmt.Errorf("organization %q was wiped", u.OrganizationValue())
						}
						return nil
					}),
				},
			},
			{ // the directory lower-cases the user name and email: same user, no diff
				PreConfig: func() {
					ctx := context.Background()
					u, err := api.GetUser(ctx, id)
					if err != nil {
						t.Fatal(err)
					}
					if _, err := api.PatchUser(ctx, id, scim.Replace("userName", "jane.doe@example.com"),
						scim.Replace("emails", u.WithPrimaryEmail("jane.doe@example.com"))); err != nil {
						t.Fatal(err)
					}
				},
				Config:           scimUserConfig(env, updated...),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(scimUserAddr, tfjsonpath.New("user_name"), knownvalue.StringExact("Jane.Doe@Example.com")),
					expectUser(api, &id, func(u *scim.User) error {
						if u.UserName != "jane.doe@example.com" {
							return fmt.Errorf("user name %q", u.UserName)
						}
						return nil
					}),
				},
			},
			{ // "" removes a value; department goes from the extension and from Atlassian's top-level copy
				PreConfig: func() {
					if _, err := api.PatchUser(context.Background(), id, scim.Replace("department", "Sales")); err != nil {
						t.Fatal(err)
					}
					env.ResetRequests()
				},
				Config: scimUserConfig(env, cleared...),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(scimUserAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					// one PATCH removing title and the extension's department, one removing the uncovered top-level copy
					expectRequests(env, map[string]int{routePatchUser: 2, routePutUser: 0}),
					statecheck.ExpectKnownValue(scimUserAddr, tfjsonpath.New("title"), knownvalue.StringExact("")),
					statecheck.ExpectKnownValue(scimUserAddr, tfjsonpath.New("department"), knownvalue.StringExact("")),
					expectUser(api, &id, func(u *scim.User) error {
						if u.Title != "" || u.DepartmentValue() != "" || u.Department != "" {
							return fmt.Errorf("title %q, department %q (top-level %q) not removed", u.Title, u.DepartmentValue(), u.Department)
						}
						if u.OrganizationValue() != "Example Corp" || u.NickName != "JD" {
							return fmt.Errorf("unrelated attributes changed: %+v", u)
						}
						return nil
					}),
				},
			},
			{ // a cleared value stays cleared: no perpetual diff
				Config:           scimUserConfig(env, cleared...),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{ // drift: managed attributes changed through the API, including a cleared one; apply restores them
				PreConfig: func() {
					if _, err := api.PatchUser(context.Background(), id, scim.Replace("displayName", "J. Doe"), scim.Replace("title", "Intern")); err != nil {
						t.Fatal(err)
					}
				},
				Config: scimUserConfig(env, cleared...),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(scimUserAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(scimUserAddr, tfjsonpath.New("display_name"), knownvalue.StringExact("Jane Q. Doe")),
					plancheck.ExpectKnownValue(scimUserAddr, tfjsonpath.New("title"), knownvalue.StringExact("")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{expectUser(api, &id, func(u *scim.User) error {
					if u.DisplayName != "Jane Q. Doe" || u.Title != "" {
						return fmt.Errorf("drift not corrected: display name %q, title %q", u.DisplayName, u.Title)
					}
					return nil
				})},
			},
			{ // drift: deactivated through the API (the directory answers 404 from then on); plan re-activates it
				PreConfig: func() {
					if _, err := api.PatchUser(context.Background(), id, scim.Replace("active", false)); err != nil {
						t.Fatal(err)
					}
				},
				Config: scimUserConfig(env, cleared...),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(scimUserAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(scimUserAddr, tfjsonpath.New("active"), knownvalue.Bool(true)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{expectUser(api, &id, func(u *scim.User) error {
					if !u.IsActive() {
						return fmt.Errorf("user still inactive")
					}
					return nil
				})},
			},
			{ // drift: SCIM DELETE (deactivation, 404) through the API; plan re-activates it, on the same account
				PreConfig: func() {
					if err := api.DeleteUser(context.Background(), id); err != nil {
						t.Fatal(err)
					}
				},
				Config: scimUserConfig(env, cleared...),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(scimUserAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.CaptureString(scimUserAddr, tfjsonpath.New("id"), &id),
					acctest.CaptureString(scimUserAddr, tfjsonpath.New("atlassian_account_id"), &relinkedAccount),
					acctest.CheckAPI(func(context.Context) error {
						if relinkedAccount != accountID {
							return fmt.Errorf("re-created user is linked to account %q, was %q", relinkedAccount, accountID)
						}
						return nil
					}),
					expectUser(api, &id, func(u *scim.User) error {
						if !u.IsActive() || u.DisplayName != "Jane Q. Doe" {
							return fmt.Errorf("re-created user: %+v", u)
						}
						return nil
					}),
				},
			},
		},
	})
}

// active = false deactivates in place as one PATCH; the directory answers 404 from then on, and true re-activates
// the user as one POST of the same user name, keeping its SCIM id and account.
func TestAccSCIMUser_activeInPlace(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	api := env.SCIM(t)
	var id string
	isActive := func(want bool) statecheck.StateCheck {
		return expectUser(api, &id, func(u *scim.User) error {
			if u.IsActive() != want {
				return fmt.Errorf("active = %v in the directory, want %v", u.IsActive(), want)
			}
			return nil
		})
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             userGone(api, &id),
		Steps: []resource.TestStep{
			{
				Config:            scimUserConfig(env, janeBase...),
				ConfigStateChecks: []statecheck.StateCheck{acctest.CaptureString(scimUserAddr, tfjsonpath.New("id"), &id), isActive(true)},
			},
			{
				PreConfig: env.ResetRequests,
				Config:    scimUserConfig(env, janeWith(`active = false`)...),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(scimUserAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					expectRequests(env, map[string]int{routePatchUser: 1, routePutUser: 0, "DELETE " + routeUser: 0}),
					statecheck.ExpectKnownValue(scimUserAddr, tfjsonpath.New("active"), knownvalue.Bool(false)),
					acctest.CheckAPI(func(ctx context.Context) error { return userGone(api, &id)(nil) }), // deactivated: 404
				},
			},
			{
				Config:           scimUserConfig(env, janeWith(`active = false`)...),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				PreConfig: env.ResetRequests,
				Config:    scimUserConfig(env, janeBase...),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(scimUserAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					expectRequests(env, map[string]int{"POST " + routeUsers: 1, routePatchUser: 0, routePutUser: 0}),
					statecheck.ExpectKnownValue(scimUserAddr, tfjsonpath.New("active"), knownvalue.Bool(true)),
					isActive(true),
				},
			},
		},
	})
}

// on_destroy = "unmanage" retires the resource without offboarding: destroy forgets the user, which stays active
// with its account. Changing the setting is an in-place update that writes nothing to the directory.
func TestAccSCIMUser_onDestroyUnmanage(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	api := env.SCIM(t)
	var id string
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(*terraform.State) error { // still there, still active
			u, err := api.GetUser(context.Background(), id)
			if err != nil {
				return fmt.Errorf("the unmanaged user: %w", err)
			}
			if !u.IsActive() {
				return errors.New("destroy deactivated a user with on_destroy = \"unmanage\"")
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: scimUserConfig(env, janeBase...),
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.CaptureString(scimUserAddr, tfjsonpath.New("id"), &id),
					statecheck.ExpectKnownValue(scimUserAddr, tfjsonpath.New("on_destroy"), knownvalue.StringExact("deactivate")),
				},
			},
			{
				PreConfig: env.ResetRequests,
				Config:    scimUserConfig(env, janeWith(`on_destroy = "unmanage"`)...),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(scimUserAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					expectRequests(env, map[string]int{routePatchUser: 0, routePutUser: 0, "DELETE " + routeUser: 0}),
					statecheck.ExpectKnownValue(scimUserAddr, tfjsonpath.New("on_destroy"), knownvalue.StringExact("unmanage")),
				},
			},
			{
				Config:           scimUserConfig(env, janeWith(`on_destroy = "unmanage"`)...),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{ // import knows nothing of the setting: the default, which the configuration then changes in place
				ResourceName:            scimUserAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"on_destroy"},
			},
		},
	})
}

// user_name and email change in place (Atlassian allows both through PATCH); the identity provider's other
// email addresses survive, and the user keeps its SCIM id and account.
func TestAccSCIMUser_renameInPlace(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	api := env.SCIM(t)
	var id, accountID string
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             userGone(api, &id),
		Steps: []resource.TestStep{
			{
				Config: scimUserConfig(env, janeBase...),
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.CaptureString(scimUserAddr, tfjsonpath.New("id"), &id),
					acctest.CaptureString(scimUserAddr, tfjsonpath.New("atlassian_account_id"), &accountID),
				},
			},
			{
				PreConfig: func() {
					ctx := context.Background()
					u, err := api.GetUser(ctx, id)
					if err != nil {
						t.Fatal(err)
					}
					home := append(u.Emails, scim.Email{Value: "jane@home.example", Type: "home"})
					if _, err := api.PatchUser(ctx, id, scim.Replace("emails", home)); err != nil {
						t.Fatal(err)
					}
					env.ResetRequests()
				},
				Config: scimUserConfig(env, `user_name = "jane.smith@example.com"`, `email = "jane.smith@example.com"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(scimUserAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					// refresh, then the read of the current email list, then one PATCH
					expectRequests(env, map[string]int{"GET " + routeUser: 2, routePatchUser: 1, routePutUser: 0, "POST " + routeUsers: 0}),
					expectUser(api, &id, func(u *scim.User) error { // same SCIM id as before
						if u.UserName != "jane.smith@example.com" || u.PrimaryEmail() != "jane.smith@example.com" {
							return fmt.Errorf("user name %q, primary email %q", u.UserName, u.PrimaryEmail())
						}
						if len(u.Emails) != 2 || u.Emails[1].Value != "jane@home.example" || u.Emails[1].Primary {
							return fmt.Errorf("the identity provider's home address was not kept: %+v", u.Emails)
						}
						if u.AccountID() != accountID {
							return fmt.Errorf("account changed from %q to %q", accountID, u.AccountID())
						}
						return nil
					}),
				},
			},
			{
				Config:           scimUserConfig(env, `user_name = "jane.smith@example.com"`, `email = "jane.smith@example.com"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// Destroy deactivates (GET answers 404); creating the same user name again re-activates the same account.
func TestAccSCIMUser_recreateRelinksAccount(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	api := env.SCIM(t)
	var id, firstAccount, secondAccount string
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             userGone(api, &id),
		Steps: []resource.TestStep{
			{
				Config: scimUserConfig(env, janeWith(`display_name = "Jane Doe"`)...),
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.CaptureString(scimUserAddr, tfjsonpath.New("id"), &id),
					acctest.CaptureString(scimUserAddr, tfjsonpath.New("atlassian_account_id"), &firstAccount),
				},
			},
			{ // destroy: SCIM DELETE; the directory answers 404 from then on
				Config: env.Config(""),
				ConfigStateChecks: []statecheck.StateCheck{acctest.CheckAPI(func(context.Context) error {
					return userGone(api, &id)(nil)
				})},
			},
			{
				Config: scimUserConfig(env, janeWith(`display_name = "Jane Doe"`)...),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(scimUserAddr, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.CaptureString(scimUserAddr, tfjsonpath.New("id"), &id),
					acctest.CaptureString(scimUserAddr, tfjsonpath.New("atlassian_account_id"), &secondAccount),
					acctest.CheckAPI(func(context.Context) error {
						if firstAccount == "" || secondAccount != firstAccount {
							return fmt.Errorf("re-created user is linked to account %q, the destroyed one to %q", secondAccount, firstAccount)
						}
						return nil
					}),
				},
			},
		},
	})
}

func TestAccSCIMUser_existingUserIsAnImport(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	api := env.SCIM(t)
	ctx := context.Background()
	byName, err := api.CreateUser(ctx, scim.User{UserName: "jane.doe@example.com", Emails: []scim.Email{{Value: "jane.doe@example.com", Primary: true}}})
	if err != nil {
		t.Fatal(err)
	}
	byExternal, err := api.CreateUser(ctx, scim.User{UserName: "ken@example.com", ExternalID: "00u-ken", Emails: []scim.Email{{Value: "ken@example.com", Primary: true}}})
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]acctest.ErrorCase{
		"same user name in another case": {Config: scimUserConfig(env, janeBase...),
			Error: `(?s)user_name.*already exists.*terraform import confluence_scim_user.<name> ` + regexp.QuoteMeta(byName.ID) + `.*import \{`},
		"same external id": {Config: scimUserConfig(env, `user_name = "kenneth@example.com"`, `email = "kenneth@example.com"`, `external_id = "00u-ken"`),
			Error: `(?s)external_id.*"00u-ken" already belongs.*terraform import confluence_scim_user.<name> ` + regexp.QuoteMeta(byExternal.ID)},
	}
	acctest.ExpectErrors(t, cases)
}

// An email held by another user cannot be seen at plan time (SCIM cannot filter on it); the apply fails with
// the API's own message and what to do, and nothing is stored.
func TestAccSCIMUser_emailConflictAtApply(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	if _, err := env.SCIM(t).CreateUser(context.Background(), scim.User{UserName: "jdoe", Emails: []scim.Email{{Value: "jane.doe@example.com", Primary: true}}}); err != nil {
		t.Fatal(err)
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      scimUserConfig(env, `user_name = "jane@example.com"`, `email = "jane.doe@example.com"`),
			ExpectError: regexp.MustCompile(`(?s)409.*with email\[jane\.doe@example\.com\]\s+already exists.*unique.*terraform import confluence_scim_user`),
		}},
	})
	if n := env.Requests("POST " + routeUsers); n != 2 { // the seeding create and the refused one
		t.Errorf("POST /Users: %d requests, want 2", n)
	}
}

func TestAccSCIMUser_badInput(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	cases := map[string]acctest.ErrorCase{
		"empty user name":    {Config: scimUserConfig(env, `user_name = ""`, `email = "a@example.com"`), Error: `(?s)user_name.*length must be at least 1`},
		"user name leading":  {Config: scimUserConfig(env, `user_name = " a@example.com"`, `email = "a@example.com"`), Error: `(?s)Invalid user_name.*must not start or end with spaces`},
		"user name trailing": {Config: scimUserConfig(env, `user_name = "a@example.com\t"`, `email = "a@example.com"`), Error: `(?s)Invalid user_name.*must not start or end with spaces`},
		"empty email":        {Config: scimUserConfig(env, `user_name = "a"`, `email = ""`), Error: `(?s)email.*not an email address.*jane.doe@example.com`},
		"email shape":        {Config: scimUserConfig(env, `user_name = "a"`, `email = "jane at example.com"`), Error: `(?s)email.*not an email address`},
		"timezone":           {Config: scimUserConfig(env, janeWith(`timezone = "Pacific Standard Time"`)...), Error: `(?s)timezone.*not an IANA time zone.*Europe/London.*UTC`},
		"timezone case":      {Config: scimUserConfig(env, janeWith(`timezone = "europe/london"`)...), Error: `(?s)timezone.*not an IANA time zone`},
		"language":           {Config: scimUserConfig(env, janeWith(`preferred_language = "English"`)...), Error: `(?s)preferred_language.*not a language tag.*en-US`},
		"language separator": {Config: scimUserConfig(env, janeWith(`preferred_language = "en_US"`)...), Error: `(?s)preferred_language.*not a language tag`},
		"on_destroy":         {Config: scimUserConfig(env, janeWith(`on_destroy = "delete"`)...), Error: `(?s)on_destroy.*value must be one of.*"deactivate".*"unmanage"`},
		"no credential": {Config: env.ProviderBlock([]string{"scim_api_key"}) + "resource \"confluence_scim_user\" \"jane\" {\n  user_name = \"a@example.com\"\n  email = \"a@example.com\"\n}\n",
			Error: `(?s)SCIM API is not configured.*"scim_api_key".*ATLASSIAN_SCIM_API_KEY`},
	}
	t.Cleanup(func() { // after the parallel subtests: bad input is refused before any API call
		if stats := env.Emulator.Stats(); len(stats) != 0 {
			t.Errorf("bad input reached the API: %v", stats)
		}
	})
	acctest.ExpectErrors(t, cases)
}

// warningRecorder serves the provider and keeps the warnings its reads return, which terraform-plugin-testing does
// not expose.
type warningRecorder struct {
	mu   sync.Mutex
	seen []string
}

func (w *warningRecorder) factories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"confluence": func() (tfprotov6.ProviderServer, error) {
			s, err := acctest.ProviderFactories["confluence"]()
			return &warningServer{ProviderServer: s, w: w}, err
		},
	}
}

func (w *warningRecorder) reset() { w.mu.Lock(); w.seen = nil; w.mu.Unlock() }

// expect checks that some warning since the last reset matches pattern (or, with pattern "", that there was none).
func (w *warningRecorder) expect(pattern string) statecheck.StateCheck {
	return acctest.CheckAPI(func(context.Context) error {
		w.mu.Lock()
		defer w.mu.Unlock()
		if pattern == "" {
			if len(w.seen) > 0 {
				return fmt.Errorf("unexpected warnings: %q", w.seen)
			}
			return nil
		}
		re := regexp.MustCompile(pattern)
		for _, s := range w.seen {
			if re.MatchString(s) {
				return nil
			}
		}
		return fmt.Errorf("no warning matches %s; got %q", pattern, w.seen)
	})
}

type warningServer struct {
	tfprotov6.ProviderServer
	w *warningRecorder
}

func (s *warningServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	resp, err := s.ProviderServer.ReadResource(ctx, req)
	if resp != nil {
		for _, d := range resp.Diagnostics {
			if d.Severity == tfprotov6.DiagnosticSeverityWarning {
				s.w.mu.Lock()
				s.w.seen = append(s.w.seen, d.Summary+": "+d.Detail)
				s.w.mu.Unlock()
			}
		}
	}
	return resp, err
}

const routeAdminUser = "GET /admin/v2/orgs/{orgId}/directories/{directoryId}/users/{accountId}"

// deactivateByHand are the ways an admin or identity provider deactivates a user through the SCIM API.
var deactivateByHand = map[string]func(*scim.Client, string) error{
	"PATCH active=false": func(c *scim.Client, id string) error {
		_, err := c.PatchUser(context.Background(), id, scim.Replace("active", false))
		return err
	},
	"DELETE": func(c *scim.Client, id string) error { return c.DeleteUser(context.Background(), id) },
}

// expectSingleActiveUser checks through the SCIM and Admin APIs that userName is one active user with SCIM id *id on
// account *account, and that no other record or account holds it or its email.
func expectSingleActiveUser(orgAPI *admin.Client, c *scim.Client, userName, email string, id, account *string) statecheck.StateCheck {
	return acctest.CheckAPI(func(ctx context.Context) error {
		all, err := c.ListUsers(ctx)
		if err != nil {
			return err
		}
		var same []scim.User
		for _, u := range all {
			if strings.EqualFold(u.UserName, userName) || strings.EqualFold(u.PrimaryEmail(), email) {
				same = append(same, u)
			}
		}
		if len(same) != 1 || same[0].ID != *id || same[0].AccountID() != *account || !same[0].IsActive() {
			return fmt.Errorf("want one active SCIM user %s on account %s, the directory lists %+v", *id, *account, same)
		}
		accounts, err := orgAPI.UsersByEmail(ctx, admin.AllDirectories, email)
		if err != nil {
			return err
		}
		if len(accounts) != 1 || accounts[0].AccountID != *account || accounts[0].Status != "active" {
			return fmt.Errorf("want one active account %s for %s, the organization has %+v", *account, email, accounts)
		}
		return nil
	})
}

// equalStrings checks that two captured values are equal and set.
func equalStrings(what string, got, want *string) statecheck.StateCheck {
	return acctest.CheckAPI(func(context.Context) error {
		if *want == "" || *got != *want {
			return fmt.Errorf("%s is %q, want %q", what, *got, *want)
		}
		return nil
	})
}

// A user deactivated outside Terraform (PATCH active=false or DELETE through the SCIM API; the directory answers 404
// from then on) is drift: the plan updates active (not a create), the apply re-activates the same record and account
// without a duplicate, and the next plans are empty. The Organizations API tells the deactivation apart, silently.
func TestAccSCIMUser_deactivatedOutsideTerraform(t *testing.T) {
	t.Parallel()
	for name, deactivate := range deactivateByHand {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			env := acctest.New(t, emulator.Options{})
			api := env.SCIM(t)
			w := &warningRecorder{}
			var id, account, idAfter, accountAfter string
			config := scimUserConfig(env, janeWith(`display_name = "Jane Doe"`, `title = "Engineer"`)...)
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: w.factories(),
				CheckDestroy:             userGone(api, &id),
				Steps: []resource.TestStep{
					{
						Config: config,
						ConfigStateChecks: []statecheck.StateCheck{
							acctest.CaptureString(scimUserAddr, tfjsonpath.New("id"), &id),
							acctest.CaptureString(scimUserAddr, tfjsonpath.New("atlassian_account_id"), &account),
						},
					},
					{
						PreConfig: func() {
							if err := deactivate(api, id); err != nil {
								t.Fatal(err)
							}
							if _, err := api.GetUser(context.Background(), id); !transport.IsNotFound(err) {
								t.Fatalf("deactivated user still readable (err=%v)", err)
							}
							env.ResetRequests()
							w.reset()
						},
						Config: config,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction(scimUserAddr, plancheck.ResourceActionUpdate),
							plancheck.ExpectKnownValue(scimUserAddr, tfjsonpath.New("active"), knownvalue.Bool(true)),
							plancheck.ExpectKnownValue(scimUserAddr, tfjsonpath.New("title"), knownvalue.StringExact("Engineer")),
							plancheck.ExpectUnknownValue(scimUserAddr, tfjsonpath.New("id")),
						}},
						ConfigStateChecks: []statecheck.StateCheck{
							// one re-POST of the user name, no PATCH (it carried every attribute), no DELETE
							expectRequests(env, map[string]int{"POST " + routeUsers: 1, routePatchUser: 0, routePutUser: 0, "DELETE " + routeUser: 0}),
							acctest.CheckAPI(func(context.Context) error {
								if n := env.Requests(routeAdminUser); n == 0 {
									return fmt.Errorf("the refresh did not look the account up in the Organizations API")
								}
								return nil
							}),
							w.expect(""),
							acctest.CaptureString(scimUserAddr, tfjsonpath.New("id"), &idAfter),
							acctest.CaptureString(scimUserAddr, tfjsonpath.New("atlassian_account_id"), &accountAfter),
							equalStrings("SCIM id after re-activation", &idAfter, &id),
							equalStrings("account after re-activation", &accountAfter, &account),
							statecheck.ExpectKnownValue(scimUserAddr, tfjsonpath.New("active"), knownvalue.Bool(true)),
							expectSingleActiveUser(env.Admin(t), api, "Jane.Doe@Example.com", "jane.doe@example.com", &id, &account),
							expectUser(api, &id, func(u *scim.User) error {
								if u.DisplayName != "Jane Doe" || u.Title != "Engineer" {
									return fmt.Errorf("re-activated user lost attributes: %+v", u)
								}
								return nil
							}),
						},
					},
					{
						Config:           config,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
					},
				},
			})
		})
	}
}

// Offboarding kept in code: active = false deactivates the user, and every later plan is empty although the
// directory answers 404 for it (the Organizations API shows the account deactivated). Nothing else can change
// while it is deactivated, and the plan says so naming the attribute. Destroy of the deactivated user succeeds.
func TestAccSCIMUser_declaredInactive(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	api := env.SCIM(t)
	w := &warningRecorder{}
	var id, account string
	orgAPI := env.Admin(t)
	inactive := scimUserConfig(env, janeWith(`title = "Engineer"`, `active = false`)...)
	stillInactive := resource.TestStep{
		PreConfig:        func() { env.ResetRequests(); w.reset() },
		Config:           inactive,
		ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
		ConfigStateChecks: []statecheck.StateCheck{
			expectRequests(env, map[string]int{"POST " + routeUsers: 0, routePatchUser: 0, routePutUser: 0, "DELETE " + routeUser: 0}),
			statecheck.ExpectKnownValue(scimUserAddr, tfjsonpath.New("active"), knownvalue.Bool(false)),
			statecheck.ExpectKnownValue(scimUserAddr, tfjsonpath.New("title"), knownvalue.StringExact("Engineer")),
			w.expect(""),
		},
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: w.factories(),
		CheckDestroy:             userGone(api, &id),
		Steps: []resource.TestStep{
			{
				Config: scimUserConfig(env, janeWith(`title = "Engineer"`)...),
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.CaptureString(scimUserAddr, tfjsonpath.New("id"), &id),
					acctest.CaptureString(scimUserAddr, tfjsonpath.New("atlassian_account_id"), &account),
				},
			},
			{
				Config: inactive,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(scimUserAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(scimUserAddr, tfjsonpath.New("active"), knownvalue.Bool(false)),
					expectDeactivated(api, orgAPI, &id, &account),
				},
			},
			stillInactive,
			stillInactive,
			stillInactive,
			{ // nothing can change while deactivated: a plan-time error naming the attribute, before any write
				Config:      scimUserConfig(env, janeWith(`title = "Staff Engineer"`, `active = false`)...),
				ExpectError: regexp.MustCompile(`(?s)Cannot change a deactivated SCIM user.*title.*Set active = true`),
			},
			stillInactive,
		},
	})
}

// Created with active = false, the user is deactivated from the start and plans clean; it cannot be imported by its
// SCIM id (the directory answers 404), and active = true re-activates it on the same account.
func TestAccSCIMUser_createInactive(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	api := env.SCIM(t)
	orgAPI := env.Admin(t)
	var id, account, accountAfter string
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             userGone(api, &id),
		Steps: []resource.TestStep{
			{
				Config: scimUserConfig(env, janeWith(`active = false`)...),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(scimUserAddr, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.CaptureString(scimUserAddr, tfjsonpath.New("id"), &id),
					acctest.CaptureString(scimUserAddr, tfjsonpath.New("atlassian_account_id"), &account),
					statecheck.ExpectKnownValue(scimUserAddr, tfjsonpath.New("active"), knownvalue.Bool(false)),
					expectDeactivated(api, orgAPI, &id, &account),
				},
			},
			{
				Config:           scimUserConfig(env, janeWith(`active = false`)...),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				ResourceName: scimUserAddr,
				ImportState:  true,
				ImportStateIdFunc: func(*terraform.State) (string, error) {
					return id, nil
				},
				ExpectError: regexp.MustCompile(`(?s)SCIM user not found.*deactivated\s+user\s+cannot\s+be\s+imported.*active\s+=\s+false`),
			},
			{
				Config: scimUserConfig(env, janeBase...),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(scimUserAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.CaptureString(scimUserAddr, tfjsonpath.New("atlassian_account_id"), &accountAfter),
					equalStrings("account after re-activation", &accountAfter, &account),
					expectSingleActiveUser(env.Admin(t), api, "Jane.Doe@Example.com", "jane.doe@example.com", &id, &account),
				},
			},
		},
	})
}

// Without the Organizations API the provider cannot tell deactivated from deleted: it assumes deactivated (the SCIM
// API cannot delete an account), says so in a warning naming the settings that would let it check, and behaves as
// with the API: hand deactivation plans an update that re-activates the same account, and active = false plans clean.
func TestAccSCIMUser_deactivatedWithoutOrganizationAPI(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	api := env.SCIM(t)
	w := &warningRecorder{}
	var id, account, idAfter, accountAfter string
	provider := env.ProviderBlock([]string{"organization_id", "admin_api_key"})
	config := func(lines ...string) string {
		return provider + "\nresource \"confluence_scim_user\" \"jane\" {\n  " + strings.Join(janeWith(lines...), "\n  ") + "\n}\n"
	}
	const assumed = `SCIM user assumed deactivated: .*answers 404.*"organization_id" and "admin_api_key".*ATLASSIAN_ORGANIZATION_ID`
	stillInactive := resource.TestStep{
		PreConfig:        func() { env.ResetRequests(); w.reset() },
		Config:           config(`active = false`),
		ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
		ConfigStateChecks: []statecheck.StateCheck{
			expectRequests(env, map[string]int{"POST " + routeUsers: 0, routePatchUser: 0, routeAdminUser: 0}),
			statecheck.ExpectKnownValue(scimUserAddr, tfjsonpath.New("active"), knownvalue.Bool(false)),
			w.expect(assumed),
		},
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: w.factories(),
		CheckDestroy:             userGone(api, &id),
		Steps: []resource.TestStep{
			{
				Config: config(),
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.CaptureString(scimUserAddr, tfjsonpath.New("id"), &id),
					acctest.CaptureString(scimUserAddr, tfjsonpath.New("atlassian_account_id"), &account),
					w.expect(""),
				},
			},
			{
				PreConfig: func() {
					if err := api.DeleteUser(context.Background(), id); err != nil {
						t.Fatal(err)
					}
					w.reset()
				},
				Config: config(),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(scimUserAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(scimUserAddr, tfjsonpath.New("active"), knownvalue.Bool(true)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					w.expect(assumed),
					acctest.CaptureString(scimUserAddr, tfjsonpath.New("id"), &idAfter),
					acctest.CaptureString(scimUserAddr, tfjsonpath.New("atlassian_account_id"), &accountAfter),
					equalStrings("SCIM id after re-activation", &idAfter, &id),
					equalStrings("account after re-activation", &accountAfter, &account),
					expectSingleActiveUser(env.Admin(t), api, "Jane.Doe@Example.com", "jane.doe@example.com", &id, &account),
				},
			},
			{ // readable again: no warning
				PreConfig:         w.reset,
				Config:            config(),
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{w.expect("")},
			},
			{
				Config: config(`active = false`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(scimUserAddr, plancheck.ResourceActionUpdate),
				}},
			},
			stillInactive,
			stillInactive,
		},
	})
}

// A 404 whose account the Organizations API does not show deactivated means the SCIM record itself is gone (here:
// the address moved to another SCIM user, which re-activated the account): the resource leaves the state with a
// warning and the plan creates it, rather than planning a re-activation.
func TestAccSCIMUser_goneWhenAccountNotDeactivated(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	api := env.SCIM(t)
	w := &warningRecorder{}
	var id string
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: w.factories(),
		Steps: []resource.TestStep{
			{
				Config:            scimUserConfig(env, janeBase...),
				ConfigStateChecks: []statecheck.StateCheck{acctest.CaptureString(scimUserAddr, tfjsonpath.New("id"), &id)},
			},
			{
				PreConfig: func() {
					ctx := context.Background()
					if err := api.DeleteUser(ctx, id); err != nil {
						t.Fatal(err)
					}
					if _, err := api.CreateUser(ctx, scim.User{UserName: "jdoe", Emails: []scim.Email{{Value: "jane.doe@example.com", Primary: true}}}); err != nil {
						t.Fatal(err)
					}
					w.reset()
				},
				Config:             scimUserConfig(env, janeBase...),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(scimUserAddr, plancheck.ResourceActionCreate),
				}},
			},
		},
	})
	w.mu.Lock()
	defer w.mu.Unlock()
	re := regexp.MustCompile(`(?s)SCIM user no longer exists: .*not deactivated \(status "active"\).*removed from the state`)
	if !slices.ContainsFunc(w.seen, re.MatchString) {
		t.Errorf("no warning matches %s; got %q", re, w.seen)
	}
}

// expectDeactivated checks through the APIs that a SCIM user is deactivated: SCIM answers 404 for it, and the
// Admin API shows its account as deactivated.
func expectDeactivated(api *scim.Client, orgAPI *admin.Client, id, account *string) statecheck.StateCheck {
	return acctest.CheckAPI(func(ctx context.Context) error {
		if _, err := api.GetUser(ctx, *id); !transport.IsNotFound(err) {
			return fmt.Errorf("deactivated user %s is still readable (err=%w)", *id, err)
		}
		a, err := orgAPI.GetUser(ctx, admin.AllDirectories, *account)
		if err != nil {
			return err
		}
		if a.Status != admin.UserStatusDeactivated {
			return fmt.Errorf("account %s has status %q, want deactivated", *account, a.Status)
		}
		return nil
	})
}
