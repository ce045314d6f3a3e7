// Package examples_test runs every example configuration under examples/ as a user would: with the terraform
// CLI (>= 1.11; TF_ACC_TERRAFORM_PATH names another CLI, such as a newer Terraform or OpenTofu) and a provider
// binary built once for the run, reached through dev_overrides, against a fresh emulator of the three Atlassian
// APIs started in process for each folder. The provider reads its settings from the environment variables the
// emulator's -env-file writes, so the examples carry no credentials.
//
// Every folder holding .tf files is run, so a new example is tested as soon as it exists; only examples/demo is
// left out, because make demo runs it (and changes things by hand between its steps). For each folder the test
// copies the .tf files to a temporary directory and runs, each command bounded in time:
//
//	terraform apply -auto-approve           must succeed
//	terraform plan -detailed-exitcode       must exit 0: the example converges in one apply
//	terraform destroy -auto-approve         must succeed
//
// Import blocks (import-by-string-id.tf, shown on the resource's page) name ids of objects that exist only in
// some organization, so the folder is first applied without them. Then the test learns each import target's
// real id from the state (the documented id must have the same shape: as many "/"-separated parts), forgets the
// targets with terraform state rm, renders the import file with the real ids and applies it: the apply must
// import every target and add and destroy nothing, and the plan after it must be empty. It changes nothing
// either, but for an exclusive space table whose labels replace the default keys of the import: that update
// must write nothing to the API. The commands of import.sh are not run; they must name resources of the
// folder, with ids of the real ones' shape.
//
// Some folders run again with more settings (variants): the SCIM directory health check, with an API key
// expiry date far off and one that is close.
//
// The same harness renders plans as a reviewer reads them (render_test.go: the exclusive space table's drift,
// first plan and plan CPU) and adopts state and spaces (upgrade_test.go: the state upgrade from the set of
// grants, -generate-config-out).
package examples_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/accessplane/terraform-provider-confluence/internal/syncbuf"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"

	"github.com/accessplane/terraform-provider-confluence/internal/acctest"
	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
)

const (
	// importFile holds the import blocks of a resource's page; it is applied separately (see the package doc).
	importFile = "import-by-string-id.tf"
	// identityImportFile holds the import blocks by resource identity of a resource's page (identity_test.go).
	identityImportFile = "import-by-identity.tf"
	// importScript holds the terraform import commands of a resource's page; it is never run.
	importScript = "import.sh"

	// maxConcurrentFolders bounds the folders run at once: each runs terraform and the provider.
	maxConcurrentFolders = 2
	// commandTimeout bounds one terraform command.
	commandTimeout = 3 * time.Minute
)

// providerAddresses are the provider's source addresses the dev_overrides CLI configuration redirects to the
// binary the test builds, for Terraform and for OpenTofu.
var providerAddresses = []string{
	"registry.terraform.io/accessplane/confluence",
	"registry.opentofu.org/accessplane/confluence",
}

// importIDAttribute names, per resource type, the attribute whose value is the import id when it is not "id".
var importIDAttribute = map[string]string{
	"confluence_scim_group_members_exclusive": "group_id",
}

// variant is a further run of one folder with more provider settings in the environment.
type variant struct {
	name string
	env  func() []string
	// warnings are the titles of the warnings the run may show (besides the dev_overrides one); any other
	// warning fails the test, in every run.
	warnings []string
	// want are texts the apply output must contain.
	want []string
}

// variants are keyed by folder (slash-separated, relative to examples/).
var variants = map[string][]variant{
	// The health check works with and without an expiry date, and warns when the key expires soon.
	"data-sources/confluence_scim_directory": {
		{
			name: "key_expires_in_a_year",
			env:  func() []string { return []string{expiresAt(365 * 24 * time.Hour)} },
		},
		{
			name:     "key_expires_in_ten_days",
			env:      func() []string { return []string{expiresAt(10 * 24 * time.Hour)} },
			warnings: []string{"SCIM API key expires soon", "Check block assertion failed"}, // the provider's and the example's
			want:     []string{"The SCIM directory API key expires in 9 days"},
		},
	},
}

func expiresAt(in time.Duration) string {
	return "ATLASSIAN_SCIM_API_KEY_EXPIRES_AT=" + time.Now().Add(in).UTC().Format(time.RFC3339)
}

var (
	// workRoot is TestMain's temporary directory: the provider binary and the CLI configuration.
	workRoot  string
	buildOnce sync.Once
	buildErr  error
	cliConfig string
)

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

// runTests runs the tests inside a temporary directory that is removed afterwards, whatever they do.
func runTests(m *testing.M) int {
	dir, err := os.MkdirTemp("", "confluence-examples-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "examples:", err)
		return 1
	}
	defer func() { _ = os.RemoveAll(dir) }()
	workRoot = dir
	return m.Run()
}

// providerCLIConfig builds the provider once per test binary and returns the path of a CLI configuration whose
// dev_overrides point Terraform at it (no terraform init, nothing downloaded).
func providerCLIConfig(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		bin := filepath.Join(workRoot, "bin")
		name := "terraform-provider-confluence"
		if runtime.GOOS == "windows" {
			name += ".exe"
		}
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(bin, name), ".")
		cmd.Dir = ".." // the module root: go test runs in the package's folder
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("building the provider: %w\n%s", err, out)
			return
		}
		var b strings.Builder
		b.WriteString("provider_installation {\n  dev_overrides {\n")
		for _, addr := range providerAddresses {
			fmt.Fprintf(&b, "    %q = %q\n", addr, bin)
		}
		b.WriteString("  }\n  direct {}\n}\n")
		path := filepath.Join(workRoot, "terraformrc")
		if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
			buildErr = err
			return
		}
		cliConfig = path
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return cliConfig
}

// terraformBinary is the CLI the examples run with: TF_ACC_TERRAFORM_PATH when set (as for terraform-plugin-testing,
// e.g. a newer Terraform or OpenTofu), else terraform on PATH.
func terraformBinary() (string, error) {
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("TF_ACC_TERRAFORM_PATH: %w", err)
		}
		return p, nil
	}
	return exec.LookPath("terraform")
}

// isOpenTofu reports whether bin is OpenTofu: its -version starts with "OpenTofu v". Any answer it cannot give
// fails the test.
func isOpenTofu(t *testing.T, bin string) bool {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), commandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-version")
	// Without a CLI configuration: a missing one makes OpenTofu warn on standard output.
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+os.DevNull, "CHECKPOINT_DISABLE=1")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s -version: %v", bin, err)
	}
	return regexp.MustCompile(`(?m)^OpenTofu v`).Match(out)
}

// exampleFolders lists the folders under examples/ that hold .tf files, slash-separated and sorted.
func exampleFolders(t *testing.T) []string {
	t.Helper()
	var folders []string
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch {
			case p == "demo":
				// make demo applies it, changes things by hand through the APIs and checks that plan sees them.
				return filepath.SkipDir
			case p != "." && strings.HasPrefix(d.Name(), "."):
				return filepath.SkipDir // .terraform of a run by hand
			}
			return nil
		}
		if dir := filepath.ToSlash(filepath.Dir(p)); filepath.Ext(p) == ".tf" && !slices.Contains(folders, dir) {
			folders = append(folders, dir)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(folders) == 0 {
		t.Fatal("no example folders found under examples/")
	}
	slices.Sort(folders)
	return folders
}

func TestExamples(t *testing.T) {
	bin, err := terraformBinary()
	switch {
	case errors.Is(err, exec.ErrNotFound):
		t.Skip("terraform is not on PATH: install Terraform >= 1.11 to run the examples")
	case err != nil:
		t.Fatal(err)
	}
	config := providerCLIConfig(t)
	sem := make(chan struct{}, maxConcurrentFolders)
	for _, folder := range exampleFolders(t) {
		t.Run(folder, func(t *testing.T) {
			t.Parallel()
			sem <- struct{}{}
			defer func() { <-sem }()
			runFolder(t, bin, config, folder, variant{})
			for _, v := range variants[folder] {
				t.Run(v.name, func(t *testing.T) { runFolder(t, bin, config, folder, v) })
			}
		})
	}
}

// runFolder applies, re-plans and destroys one example folder against a fresh emulator.
func runFolder(t *testing.T, bin, config, folder string, v variant) {
	env := acctest.New(t, emulator.Options{})
	tf := &terraform{t: t, bin: bin, dir: t.TempDir(), env: emulator.CommandEnv(config, env.Emulator.Env(env.URL)), warnings: v.warnings}
	if v.env != nil {
		tf.env = append(tf.env, v.env()...)
	}
	src := filepath.FromSlash(folder)
	copyConfig(t, src, tf.dir)

	out := tf.mustRun("apply", "-auto-approve", "-input=false")
	for _, s := range v.want {
		if !strings.Contains(out, s) {
			t.Errorf("terraform apply: the output does not contain %q:\n%s", s, out)
		}
	}
	tf.emptyPlan("after apply")

	if _, err := os.Stat(filepath.Join(src, importFile)); err == nil && v.name == "" {
		checkImports(t, tf, env, src)
		tf.emptyPlan("after import")
	}

	tf.mustRun("destroy", "-auto-approve", "-input=false")
}

// copyConfig copies the folder's .tf files, except the import blocks (by id and by identity), to dst.
func copyConfig(t *testing.T, src, dst string) {
	t.Helper()
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() || filepath.Ext(e.Name()) != ".tf" || e.Name() == importFile || e.Name() == identityImportFile {
			continue
		}
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// terraform runs the CLI in one working directory.
type terraform struct {
	t   *testing.T
	bin string
	dir string
	env []string
	// warnings are the warning titles the commands may show besides devOverridesWarning.
	warnings []string
	// lastCPU is the CPU time of the last command, with the provider it started.
	lastCPU time.Duration
}

// devOverridesWarning is the warning every command shows with dev_overrides.
const devOverridesWarning = "Provider development overrides are in effect"

// changeWarning matches the warnings a plan adds to name who gains or loses access: they say what the plan
// does, so an example that changes access shows them.
var changeWarning = regexp.MustCompile(`^(Access|Membership) changes in `)

// warningTitle matches the title line of a warning in terraform's output (without color).
var warningTitle = regexp.MustCompile(`(?m)^[│╷ ]*Warning: (.+?)\s*$`)

// run runs one command with a bounded context and returns its combined output, its standard output and its exit
// code; it fails the test when the command cannot run or times out, and when it shows a warning it should not.
func (tf *terraform) run(args ...string) (combined, stdout string, code int) {
	tf.t.Helper()
	ctx, cancel := context.WithTimeout(tf.t.Context(), commandTimeout)
	defer cancel()
	// -no-color goes right after the (sub)command: flags after a positional argument are not parsed as flags.
	at := 1
	if args[0] == "state" {
		at = 2
	}
	cmd := exec.CommandContext(ctx, tf.bin, slices.Insert(slices.Clone(args), at, "-no-color")...)
	cmd.Dir = tf.dir
	cmd.Env = tf.env
	// Interrupt first, so that terraform stops the provider it started; kill if it has not exited soon after.
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 30 * time.Second
	// Standard output and error are copied by two goroutines: out takes both, one at a time.
	var (
		out        syncbuf.Buffer
		stdoutOnly bytes.Buffer
	)
	cmd.Stdout = io.MultiWriter(&out, &stdoutOnly)
	cmd.Stderr = &out
	start := time.Now()
	err := cmd.Run()
	if cmd.ProcessState != nil {
		tf.lastCPU = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	tf.t.Logf("terraform %s (%s): %s", strings.Join(args, " "), time.Since(start).Round(time.Millisecond), summary(out.String()))
	if ctx.Err() != nil {
		tf.t.Fatalf("terraform %s: no answer within %s:\n%s", strings.Join(args, " "), commandTimeout, out.String())
	}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		tf.t.Fatalf("terraform %s: %v", strings.Join(args, " "), err)
	}
	for _, m := range warningTitle.FindAllStringSubmatch(out.String(), -1) {
		if m[1] != devOverridesWarning && !changeWarning.MatchString(m[1]) && !slices.Contains(tf.warnings, m[1]) {
			tf.t.Errorf("terraform %s: unexpected warning %q:\n%s", strings.Join(args, " "), m[1], out.String())
		}
	}
	return out.String(), stdoutOnly.String(), code
}

// summaryLine matches the lines of terraform's output that say what a command did.
var summaryLine = regexp.MustCompile(`(?m)^(Apply complete!|Destroy complete!|No changes\.|Plan:|Removed |Successfully removed|Error:|Warning:).*$`)

// summary returns the lines of a command's output that say what it did, for the test log.
func summary(out string) string {
	lines := slices.DeleteFunc(summaryLine.FindAllString(out, -1), func(l string) bool { return strings.Contains(l, devOverridesWarning) })
	if len(lines) == 0 {
		return "(no summary line)"
	}
	return strings.Join(lines, " | ")
}

// mustRun runs one command and fails the test with its output unless it succeeds.
func (tf *terraform) mustRun(args ...string) string {
	tf.t.Helper()
	out, _, code := tf.run(args...)
	if code != 0 {
		tf.t.Fatalf("terraform %s exited %d:\n%s", strings.Join(args, " "), code, out)
	}
	return out
}

// emptyPlan fails the test unless a plan proposes no change.
func (tf *terraform) emptyPlan(when string) {
	tf.t.Helper()
	switch out, _, code := tf.run("plan", "-detailed-exitcode", "-input=false"); code {
	case 0:
	case 2:
		tf.t.Fatalf("terraform plan %s is not empty:\n%s", when, out)
	default:
		tf.t.Fatalf("terraform plan %s exited %d:\n%s", when, code, out)
	}
}

// importBlock is one import block of an example, as written.
type importBlock struct {
	to, id string
	block  *hclwrite.Block
}

// checkImports runs the folder's import blocks with the real ids of what the apply made (see the package doc).
func checkImports(t *testing.T, tf *terraform, env *acctest.Env, src string) {
	t.Helper()
	content, err := os.ReadFile(filepath.Join(src, importFile))
	if err != nil {
		t.Fatal(err)
	}
	f, diags := hclwrite.ParseConfig(content, importFile, hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatalf("%s: %s", importFile, diags.Error())
	}
	var blocks []importBlock
	for _, b := range f.Body().Blocks() {
		if b.Type() != "import" {
			t.Fatalf("%s: a %s block; the file holds import blocks only", importFile, b.Type())
		}
		to, id := b.Body().GetAttribute("to"), b.Body().GetAttribute("id")
		if to == nil || id == nil {
			t.Fatalf("%s: an import block without to or id", importFile)
		}
		blocks = append(blocks, importBlock{
			to:    strings.TrimSpace(string(to.Expr().BuildTokens(nil).Bytes())),
			id:    strings.Trim(strings.TrimSpace(string(id.Expr().BuildTokens(nil).Bytes())), `"`),
			block: b,
		})
	}
	if len(blocks) == 0 {
		t.Fatalf("%s holds no import block", importFile)
	}

	ids := stateImportIDs(t, tf)
	checkImportScript(t, src, ids)
	addresses := make([]string, 0, len(blocks))
	for _, b := range blocks {
		actual, ok := ids[b.to]
		if !ok {
			t.Fatalf("%s imports %s, which the example does not declare", importFile, b.to)
		}
		if !sameShape(b.id, actual) {
			t.Errorf("%s: the id %q of %s does not have the shape of the real one, %q", importFile, b.id, b.to, actual)
		}
		b.block.Body().SetAttributeValue("id", cty.StringVal(actual))
		addresses = append(addresses, b.to)
	}
	tf.mustRun(append([]string{"state", "rm"}, addresses...)...)
	rendered := filepath.Join(tf.dir, importFile)
	if err := os.WriteFile(rendered, f.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	env.ResetRequests()
	out := tf.mustRun("apply", "-auto-approve", "-input=false")
	if want := fmt.Sprintf("Resources: %d imported, 0 added, %d changed, 0 destroyed.", len(blocks), relabelled(addresses)); !strings.Contains(out, want) {
		t.Fatalf("terraform apply of %s: want %q in the output:\n%s", importFile, want, out)
	}
	for route, n := range env.APIStats() {
		if !strings.HasPrefix(route, "GET ") && !strings.HasSuffix(route, "/search") { // Admin searches are reads

			t.Errorf("terraform apply of %s wrote to the API: %s (%d)", importFile, route, n)
		}
	}
	// What is imported stays managed; the import blocks have done their work.
	if err := os.Remove(rendered); err != nil {
		t.Fatal(err)
	}
}

// relabelled counts the imports that are followed by an in-place update that writes nothing: an exclusive
// space table is imported with its default keys (group/<id>, …), and the example's labels replace them.
func relabelled(addresses []string) int {
	n := 0
	for _, a := range addresses {
		if strings.HasPrefix(a, "confluence_space_permissions_exclusive.") {
			n++
		}
	}
	return n
}

// importScriptLine is one command of import.sh: terraform import ADDRESS ID.
var importScriptLine = regexp.MustCompile(`(?m)^terraform import (\S+) (\S+)$`)

// checkImportScript checks that import.sh names resources of the example, with ids of the real ones' shape.
func checkImportScript(t *testing.T, src string, ids map[string]string) {
	t.Helper()
	content, err := os.ReadFile(filepath.Join(src, importScript))
	if errors.Is(err, fs.ErrNotExist) {
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	lines := importScriptLine.FindAllStringSubmatch(string(content), -1)
	if len(lines) == 0 {
		t.Errorf("%s holds no terraform import command", importScript)
	}
	for _, l := range lines {
		actual, ok := ids[l[1]]
		switch {
		case !ok:
			t.Errorf("%s imports %s, which the example does not declare", importScript, l[1])
		case !sameShape(l[2], actual):
			t.Errorf("%s: the id %q of %s does not have the shape of the real one, %q", importScript, l[2], l[1], actual)
		}
	}
}

// sameShape reports whether a documented import id has as many "/"-separated parts as the real one.
func sameShape(documented, actual string) bool {
	return strings.Count(documented, "/") == strings.Count(actual, "/")
}

// stateImportIDs returns the import id of every managed resource in the state, by address.
func stateImportIDs(t *testing.T, tf *terraform) map[string]string {
	t.Helper()
	var state struct {
		Values *struct {
			RootModule struct {
				Resources []struct {
					Address string         `json:"address"`
					Mode    string         `json:"mode"`
					Type    string         `json:"type"`
					Values  map[string]any `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	out, stdout, code := tf.run("show", "-json")
	if code != 0 {
		t.Fatalf("terraform show -json exited %d:\n%s", code, out)
	}
	if err := json.Unmarshal([]byte(stdout), &state); err != nil {
		t.Fatalf("terraform show -json: %v\n%s", err, out)
	}
	ids := map[string]string{}
	if state.Values == nil {
		return ids
	}
	for _, r := range state.Values.RootModule.Resources {
		if r.Mode != "managed" {
			continue
		}
		attr := "id"
		if a, ok := importIDAttribute[r.Type]; ok {
			attr = a
		}
		if id, ok := r.Values[attr].(string); ok {
			ids[r.Address] = id
		}
	}
	return ids
}
