package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v4"
)

// goreleaserBuild is the part of .goreleaser.yml that decides what a release builds.
type goreleaserBuild struct {
	GOOS    []string `yaml:"goos"`
	GOARCH  []string `yaml:"goarch"`
	LDFlags []string `yaml:"ldflags"`
	Ignore  []struct {
		GOOS   string `yaml:"goos"`
		GOARCH string `yaml:"goarch"`
	} `yaml:"ignore"`
}

// releasePairs returns the os/arch pairs .goreleaser.yml builds, and its ldflags.
func releasePairs(t *testing.T) ([]string, []string) {
	t.Helper()
	raw, err := os.ReadFile(".goreleaser.yml")
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Builds []goreleaserBuild `yaml:"builds"`
	}
	if err := yaml.Unmarshal(raw, &cfg); err != nil {
		t.Fatal(err)
	}
	if len(cfg.Builds) != 1 {
		t.Fatalf(".goreleaser.yml has %d builds, want 1", len(cfg.Builds))
	}
	b := cfg.Builds[0]
	var pairs []string
	for _, goos := range b.GOOS {
		for _, goarch := range b.GOARCH {
			if !slices.ContainsFunc(b.Ignore, func(i struct {
				GOOS   string `yaml:"goos"`
				GOARCH string `yaml:"goarch"`
			}) bool {
				return i.GOOS == goos && i.GOARCH == goarch
			}) {
				pairs = append(pairs, goos+"/"+goarch)
			}
		}
	}
	return pairs, b.LDFlags
}

// Every pair a release builds is one the Go toolchain supports (Go 1.26 refuses windows/arm), and the release
// stamps the version and the commit into the binary.
func TestReleaseTargets(t *testing.T) {
	t.Parallel()
	pairs, ldflags := releasePairs(t)
	out, err := exec.CommandContext(t.Context(), "go", "tool", "dist", "list").Output()
	if err != nil {
		t.Fatal(err)
	}
	supported := strings.Fields(string(out))
	for _, p := range pairs {
		if !slices.Contains(supported, p) {
			t.Errorf(".goreleaser.yml builds %s, which this Go toolchain refuses: add it to the build's ignore list", p)
		}
	}
	if len(pairs) < 10 {
		t.Errorf("only %d release targets: %v", len(pairs), pairs)
	}
	flags := strings.Join(ldflags, " ")
	for _, want := range []string{"-X main.version={{.Version}}", "-X main.commit={{.Commit}}"} {
		if !strings.Contains(flags, want) {
			t.Errorf("ldflags %q do not set %s", flags, want)
		}
	}
}

// A release build for a platform other than this one's links, with the version and the commit stamped in. The
// other targets are checked by TestReleaseTargets; building each one would take minutes.
func TestReleaseCrossBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the provider for another platform")
	}
	t.Parallel()
	pairs, _ := releasePairs(t)
	const target = "darwin/arm64"
	if !slices.Contains(pairs, target) {
		t.Fatalf("the release no longer builds %s", target)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	bin := filepath.Join(t.TempDir(), "terraform-provider-confluence")
	build := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", bin,
		"-ldflags", "-s -w -X main.version=9.9.9 -X main.commit=abc123", ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=darwin", "GOARCH=arm64")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build for %s: %v\n%s", target, err, out)
	}
	raw, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"9.9.9", "abc123"} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("the %s binary does not carry %q", target, want)
		}
	}
}

func TestVersionLine(t *testing.T) {
	t.Parallel()
	if got := versionLine("0.1.0", "abc123"); got != "terraform-provider-confluence 0.1.0 (commit abc123)" {
		t.Errorf("versionLine = %q", got)
	}
	if got := versionLine("dev", ""); got != "terraform-provider-confluence dev (commit unknown)" {
		t.Errorf("versionLine without a commit = %q", got)
	}
}
