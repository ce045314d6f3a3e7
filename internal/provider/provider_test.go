package provider_test

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/accessplane/terraform-provider-confluence/internal/acctest"
	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
)

// Provider settings are checked at plan time, with the attribute and the expected shape in the message.
func TestAccProvider_invalidSettings(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, emulator.Options{})
	body := `data "confluence_space" "eng" { key = "ENG" }`
	cases := map[string]struct{ extra, want string }{
		"scim url shape":    {`scim_directory_url = "https://api.atlassian.com/scim/v2/abc"`, `(?s)scim_directory_url.*expected\s+https://api.atlassian.com/scim/directory/<directoryId>`},
		"plain http remote": {`site_url = "http://acme.atlassian.net"`, `(?s)site_url.*must use https://`},
		"duration":          {`request_timeout = "soon"`, `(?s)request_timeout.*not a duration`},
		"parallelism":       {`parallelism = 0`, `(?s)parallelism.*between 1 and 32`},
		"max retries":       {`max_retries = -1`, `(?s)max_retries.*at least 0`},
		"expired key":       {`scim_api_key_expires_at = "2020-01-01"`, `(?s)SCIM API key has expired.*Regenerate`},
		"expiry format":     {`scim_api_key_expires_at = "01/02/2027"`, `(?s)scim_api_key_expires_at.*RFC 3339`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			omit := []string{}
			if m := regexp.MustCompile(`^(\w+) =`).FindStringSubmatch(c.extra); m != nil {
				omit = append(omit, m[1])
			}
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      env.ProviderBlock(omit, c.extra) + body,
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(c.want),
				}},
			})
		})
	}
}
