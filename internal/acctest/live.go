package acctest

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
)

// liveSettings are the provider settings of a real Atlassian organization, read from the environment when the
// package loads — before New clears those variables for the emulator-bound tests.
var liveSettings = func() map[string]string {
	attrs := map[string]string{
		"CONFLUENCE_SITE_URL": "site_url", "CONFLUENCE_EMAIL": "email", "CONFLUENCE_API_TOKEN": "api_token",
		"CONFLUENCE_BEARER_TOKEN": "bearer_token", "ATLASSIAN_ORGANIZATION_ID": "organization_id",
		"ATLASSIAN_ADMIN_API_KEY": "admin_api_key", "ATLASSIAN_ADMIN_API_URL": "admin_api_url",
		"ATLASSIAN_SCIM_DIRECTORY_URL": "scim_directory_url", "ATLASSIAN_SCIM_API_KEY": "scim_api_key",
	}
	out := map[string]string{}
	for env, attr := range attrs {
		if v := os.Getenv(env); v != "" {
			out[attr] = v
		}
	}
	return out
}()

// Live returns a provider block for the real organization named by the provider's environment variables, for
// `make testacc`. The test is skipped, saying why, unless TF_ACC is set and every setting in need is present.
func Live(t *testing.T, need ...string) string {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("live test: set TF_ACC=1 and the provider's environment variables to run it against a real organization (make testacc)")
	}
	var missing []string
	for _, attr := range need {
		if liveSettings[attr] == "" {
			missing = append(missing, attr)
		}
	}
	if len(missing) > 0 {
		t.Skipf("live test: the environment does not set %s", strings.Join(missing, ", "))
	}
	setupTerraform()
	keys := make([]string, 0, len(liveSettings))
	for k := range liveSettings {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString("provider \"confluence\" {\n")
	for _, k := range keys {
		fmt.Fprintf(&b, "  %s = %q\n", k, liveSettings[k])
	}
	b.WriteString("}\n")
	return b.String()
}
