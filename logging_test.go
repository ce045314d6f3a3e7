package main

import (
	"os"
	"testing"
)

// quietLevels are the settings quietUnlessLogged turns off.
var quietLevels = []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", providerLogEnv}

// unsetAll clears every logging setting for the test (t.Setenv restores them after).
func unsetAll(t *testing.T) {
	t.Helper()
	for _, k := range append([]string{"TF_LOG", "TF_LOG_PROVIDER"}, quietLevels...) {
		unsetenv(t, k)
	}
}

// unsetenv unsets k for the test; t.Setenv restores it after.
func unsetenv(t *testing.T, k string) {
	t.Helper()
	t.Setenv(k, "")
	if err := os.Unsetenv(k); err != nil {
		t.Fatal(err)
	}
}

// With no logging setting the SDK's and the provider's logs are off; any setting, or -debug, leaves them be.
func TestQuietUnlessLogged(t *testing.T) {
	for _, tc := range []struct {
		name  string
		set   string // a setting made before the call, "" for none
		debug bool
		quiet bool
	}{
		{name: "nothing set", quiet: true},
		{name: "TF_LOG", set: "TF_LOG"},
		{name: "TF_LOG_PROVIDER", set: "TF_LOG_PROVIDER"},
		{name: "TF_LOG_SDK_FRAMEWORK", set: "TF_LOG_SDK_FRAMEWORK"},
		{name: "the provider's own level", set: providerLogEnv},
		{name: "debug mode", debug: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			unsetAll(t)
			if tc.set != "" {
				t.Setenv(tc.set, "DEBUG")
			}
			quietUnlessLogged(tc.debug)
			for _, k := range quietLevels {
				got, want := os.Getenv(k), ""
				if tc.quiet {
					want = "OFF"
				} else if k == tc.set {
					want = "DEBUG"
				}
				if got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
		})
	}
}
