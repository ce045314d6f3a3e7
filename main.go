// Command terraform-provider-confluence serves the Confluence provider over the Terraform plugin protocol.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/accessplane/terraform-provider-confluence/internal/provider"
)

// version and commit are set by the release build (-ldflags "-X main.version=… -X main.commit=…").
var (
	version = "dev"
	commit  = ""
)

func main() {
	var debug, showVersion bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers such as delve")
	flag.BoolVar(&showVersion, "version", false, "print the version and the commit it was built from, then exit")
	flag.Parse()
	if showVersion {
		fmt.Println(versionLine(version, commit))
		return
	}

	quietUnlessLogged(debug)
	governMemory(softMemoryLimit)
	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: provider.RegistryAddress,
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}

// versionLine is what -version prints: "terraform-provider-confluence 0.1.0 (commit abc123)".
func versionLine(version, commit string) string {
	if commit == "" {
		commit = "unknown"
	}
	return fmt.Sprintf("terraform-provider-confluence %s (commit %s)", version, commit)
}

// quietUnlessLogged turns off the plugin SDK's logs, and the provider's own, when nobody reads them. Terraform
// and OpenTofu keep what a provider logs only when TF_LOG or TF_LOG_PROVIDER is set, yet with TF_LOG_SDK unset
// the SDK logs every request at TRACE, and each line is built, encoded and sent to the CLI to be dropped: a sixth
// of the provider's CPU in the empty plan of 200 spaces of 60 grants (make bench). Any logging setting, and the
// -debug mode (whose logs are the developer's terminal), leaves every level as it is.
func quietUnlessLogged(debug bool) {
	if debug {
		return
	}
	for _, k := range []string{"TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", providerLogEnv} {
		if os.Getenv(k) != "" {
			return
		}
	}
	for _, k := range []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", providerLogEnv} {
		_ = os.Setenv(k, "OFF")
	}
}

// providerLogEnv sets the level of the provider's own logs (TF_LOG_PROVIDER_ and the name in its address).
const providerLogEnv = "TF_LOG_PROVIDER_CONFLUENCE"
