// Command terraform-provider-confluence serves the Confluence provider over the Terraform plugin protocol.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"

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
