package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/accessplane/terraform-provider-confluence/internal/gomod"
	"github.com/accessplane/terraform-provider-confluence/internal/syncbuf"

	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/admin"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/confluence"
	"github.com/accessplane/terraform-provider-confluence/internal/atlassian/transport"
	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
)

// providerAddresses are the source addresses the dev_overrides CLI configuration points at the built binary.
var providerAddresses = []string{
	"registry.terraform.io/accessplane/confluence",
	"registry.opentofu.org/accessplane/confluence",
}

// providerBinary is the provider's file name; its process name (/proc/<pid>/comm) is its first 15 bytes.
const providerBinary = "terraform-provider-confluence"

// commandTimeout bounds one terraform command.
const commandTimeout = 10 * time.Minute

// Step names, in run order.
const (
	StepApply   = "apply"
	StepRefresh = "refresh"
	StepPlan    = "plan"
	StepDestroy = "destroy"
)

// Options tune a Runner.
type Options struct {
	// Terraform is the CLI to run; "" = terraform on PATH.
	Terraform string
	// WorkDir holds the provider binary, the CLI configuration and the scenarios' working directories.
	WorkDir string
	// ModuleRoot is the provider module's root ("" = found from the current directory).
	ModuleRoot string
	// NoDestroy leaves out the destroy step; NoFloor leaves out Terraform's own floor (terraform_data).
	NoDestroy, NoFloor bool
	// Progress receives a line per command, when set.
	Progress io.Writer
}

// Runner runs scenarios with one provider build.
type Runner struct {
	opts      Options
	tf        string
	cliConfig string

	floors map[floorKey]map[string]Measure // Terraform's floor by configuration, measured once per invocation
}

type floorKey struct {
	spaces, groups, perms int
	shape                 Shape
}

// Measure is what one terraform command cost.
type Measure struct {
	Wall, CPU   time.Duration // CPU: user + system of terraform and the provider processes it waited for
	ProviderCPU time.Duration // of CPU, the provider processes' share, sampled from /proc (0 = none seen)
	PeakRSS     int64         // bytes: the largest VmHWM of a provider process of the command (0 = none seen)
}

// Step is one measured step of a scenario.
type Step struct {
	Name      string
	Requests  map[string]int // API requests by route ("METHOD /template"), from the emulator's stats
	Total     int
	Throttled int // of Total, requests answered 429
	Floor     int
	Budget    int // 0 = none
	Measure
	TerraformFloor *Measure // the same command on terraform_data in the same shape; nil = not measured
}

// Counted is the requests a budget counts: those not answered 429. A rate limit's refusals and their retries are
// the environment's cost, reported beside (the quick scenarios that TestBudgets runs have no rate limit).
func (s Step) Counted() int { return s.Total - s.Throttled }

// OverBudget reports whether the step has a budget and its counted requests exceed it.
func (s Step) OverBudget() bool { return s.Budget > 0 && s.Counted() > s.Budget }

// Result is one scenario's run.
type Result struct {
	Scenario Scenario
	Floors   Floors
	Budgets  Budgets
	Steps    []Step
	Wall     time.Duration // the whole scenario, setup and floor included
}

// NewRunner builds the provider into opts.WorkDir and writes the CLI configuration that points terraform at it.
func NewRunner(ctx context.Context, opts Options) (*Runner, error) {
	tf := opts.Terraform
	if tf == "" {
		p, err := exec.LookPath("terraform")
		if err != nil {
			return nil, err
		}
		tf = p
	}
	root := opts.ModuleRoot
	if root == "" {
		r, err := gomod.Root()
		if err != nil {
			return nil, err
		}
		root = r
	}
	bin := filepath.Join(opts.WorkDir, "bin")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(bin, providerBinary), ".") //nolint:gosec // a folder of the harness's own
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("building the provider: %w\n%s", err, out)
	}
	var b strings.Builder
	b.WriteString("provider_installation {\n  dev_overrides {\n")
	for _, addr := range providerAddresses {
		fmt.Fprintf(&b, "    %q = %q\n", addr, bin)
	}
	b.WriteString("  }\n  direct {}\n}\n")
	config := filepath.Join(opts.WorkDir, "terraformrc")
	if err := os.WriteFile(config, []byte(b.String()), 0o600); err != nil {
		return nil, err
	}
	return &Runner{opts: opts, tf: tf, cliConfig: config, floors: map[floorKey]map[string]Measure{}}, nil
}

// Run runs one scenario on a fresh emulator.
func (r *Runner) Run(ctx context.Context, s Scenario) (*Result, error) {
	start := time.Now()
	emu := emulator.New(emulator.Options{ExtraSpaces: s.Spaces, Latency: s.Latency, RateLimit: s.RateLimit})
	srv, err := serve(emu)
	if err != nil {
		return nil, err
	}
	defer srv.close()

	site, err := prepare(ctx, emu, srv.url, s)
	if err != nil {
		return nil, fmt.Errorf("%s: preparing the site: %w", s.Name, err)
	}
	res := &Result{Scenario: s, Floors: FloorsOf(s, site)}
	res.Budgets = BudgetsOf(s, res.Floors)

	dir := filepath.Join(r.opts.WorkDir, s.Name)
	if err := writeConfig(dir, Config(s, site, false)); err != nil {
		return nil, err
	}
	env := emulator.CommandEnv(r.cliConfig, emu.Env(srv.url))
	steps := []struct {
		name         string
		args         []string
		floor, budgt int
	}{
		{StepApply, []string{"apply", "-auto-approve"}, res.Floors.Apply, res.Budgets.Apply},
		{StepRefresh, []string{"plan", "-refresh-only"}, res.Floors.Refresh, res.Budgets.Refresh},
		{StepPlan, []string{"plan", "-detailed-exitcode"}, res.Floors.Plan, 0},
		{StepDestroy, []string{"destroy", "-auto-approve"}, res.Floors.Destroy, 0},
	}
	if r.opts.NoDestroy {
		steps = steps[:3]
	}
	for _, st := range steps {
		emu.ResetStats()
		srv.throttled.Store(0)
		m, out, code, err := r.terraform(ctx, dir, env, st.args...)
		if err != nil {
			return nil, fmt.Errorf("%s: terraform %s: %w", s.Name, strings.Join(st.args, " "), err)
		}
		if code != 0 {
			return nil, fmt.Errorf("%s: terraform %s exited %d (the plan after apply must be empty):\n%s",
				s.Name, strings.Join(st.args, " "), code, tail(out, 60))
		}
		step := Step{Name: st.name, Requests: emu.Stats(), Throttled: int(srv.throttled.Load()), Floor: st.floor, Budget: st.budgt, Measure: m}
		for _, n := range step.Requests {
			step.Total += n
		}
		r.progress("%s %-8s %6d requests (floor %d) %8s wall %8s cpu  %s", s.Name, st.name, step.Total, step.Floor,
			m.Wall.Round(10*time.Millisecond), m.CPU.Round(10*time.Millisecond), summary(out))
		res.Steps = append(res.Steps, step)
	}

	if !r.opts.NoFloor {
		floor, err := r.terraformFloor(ctx, s, site)
		if err != nil {
			return nil, err
		}
		for i := range res.Steps {
			if m, ok := floor[res.Steps[i].Name]; ok {
				res.Steps[i].TerraformFloor = &m
			}
		}
	}
	res.Wall = time.Since(start)
	return res, nil
}

// terraformFloor measures Terraform's own cost for the scenario's count and shape (terraform_data): apply and
// plan, once per invocation for each configuration (environments share it: it makes no request). Its refresh
// and destroy are not measured, to keep the full run short: at 2,000 instances Terraform alone spends minutes.
func (r *Runner) terraformFloor(ctx context.Context, s Scenario, site Site) (map[string]Measure, error) {
	key := floorKey{s.Spaces, s.Groups, s.Permissions, s.Shape}
	if m, ok := r.floors[key]; ok {
		return m, nil
	}
	dir := filepath.Join(r.opts.WorkDir, fmt.Sprintf("floor-%d-%s", s.Grants(), s.Shape))
	if err := writeConfig(dir, Config(s, site, true)); err != nil {
		return nil, err
	}
	env := emulator.CommandEnv(r.cliConfig, nil)
	out := map[string]Measure{}
	for _, st := range []struct {
		name string
		args []string
	}{
		{StepApply, []string{"apply", "-auto-approve"}},
		{StepPlan, []string{"plan", "-detailed-exitcode"}},
	} {
		m, text, code, err := r.terraform(ctx, dir, env, st.args...)
		if err != nil {
			return nil, fmt.Errorf("%s floor: terraform %s: %w", s.Name, strings.Join(st.args, " "), err)
		}
		if code != 0 {
			return nil, fmt.Errorf("%s floor: terraform %s exited %d:\n%s", s.Name, strings.Join(st.args, " "), code, tail(text, 40))
		}
		r.progress("%s %-8s terraform_data floor %8s wall %8s cpu  %s", s.Name, st.name,
			m.Wall.Round(10*time.Millisecond), m.CPU.Round(10*time.Millisecond), summary(text))
		out[st.name] = m
	}
	r.floors[key] = out
	return out, nil
}

func writeConfig(dir, config string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600)
}

// SetProgress sends the progress lines to w (nil: nowhere).
func (r *Runner) SetProgress(w io.Writer) { r.opts.Progress = w }

func (r *Runner) progress(format string, args ...any) {
	if r.opts.Progress != nil {
		_, _ = fmt.Fprintf(r.opts.Progress, format+"\n", args...)
	}
}

// terraform runs one command in dir and measures it. err is set only when the command could not run or timed
// out; a non-zero exit is the code.
func (r *Runner) terraform(ctx context.Context, dir string, env []string, args ...string) (Measure, string, int, error) {
	ctx, cancel := context.WithTimeout(ctx, commandTimeout)
	defer cancel()
	full := append(slices.Clone(args[:1]), "-no-color", "-input=false")
	full = append(full, args[1:]...)
	cmd := exec.CommandContext(ctx, r.tf, full...) //nolint:gosec // the terraform on PATH or the caller's, with the harness's arguments
	cmd.Dir = dir
	cmd.Env = env
	// Interrupt first, so that terraform stops the provider it started; kill if it has not exited soon after.
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 30 * time.Second
	var out syncbuf.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return Measure{}, "", 0, err
	}
	sampler := startSampler(cmd.Process.Pid)
	err := cmd.Wait()
	m := Measure{Wall: time.Since(start)}
	m.PeakRSS, m.ProviderCPU = sampler.stop()
	if cmd.ProcessState != nil {
		m.CPU = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	if ctx.Err() != nil {
		return m, out.String(), 0, fmt.Errorf("no answer within %s:\n%s", commandTimeout, tail(out.String(), 40))
	}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		return m, out.String(), exit.ExitCode(), nil
	case err != nil:
		return m, out.String(), 0, err
	}
	return m, out.String(), 0, nil
}

// summaryLine matches the lines of terraform's output that say what a command did.
var summaryLine = regexp.MustCompile(`(?m)^(Apply complete!|Destroy complete!|No changes\.|Plan:|Error:).*$`)

func summary(out string) string {
	lines := summaryLine.FindAllString(out, -1)
	if len(lines) == 0 {
		return "(no summary line)"
	}
	return strings.Join(lines, " | ")
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{"…"}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}

// server serves the emulator on a loopback port and counts the requests it answers 429.
type server struct {
	url       string
	srv       *http.Server
	throttled atomic.Int64
}

func serve(emu *emulator.Emulator) (*server, error) {
	ln, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &server{url: "http://" + ln.Addr().String()}
	emu.SetBaseURL(s.url)
	h := emu.Handler()
	s.srv = &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		h.ServeHTTP(&statusWriter{ResponseWriter: w, throttled: &s.throttled}, req)
	})}
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

func (s *server) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.srv.Shutdown(ctx); err != nil {
		_ = s.srv.Close()
	}
}

// statusWriter counts 429 answers.
type statusWriter struct {
	http.ResponseWriter
	throttled *atomic.Int64
}

func (w *statusWriter) WriteHeader(code int) {
	if code == http.StatusTooManyRequests {
		w.throttled.Add(1)
	}
	w.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// setupClientConfig is the transport of the harness's own requests: it retries like the provider does, so that
// setup against a rate-limited emulator waits instead of failing.
var setupClientConfig = transport.Config{UserAgent: "bench", MaxRetries: 10, MinBackoff: 50 * time.Millisecond, MaxBackoff: 2 * time.Second}

// prepare makes the scenario's groups and reads what the configurations name: the seeded group and the
// provider account's permissions in the generated spaces.
func prepare(ctx context.Context, emu *emulator.Emulator, url string, s Scenario) (Site, error) {
	creds := emu.Credentials()
	hc := transport.NewHTTPClient(setupClientConfig)
	ac, err := admin.New(hc, url, creds.OrgID, creds.AdminAPIKey)
	if err != nil {
		return Site{}, err
	}
	cc, err := confluence.New(hc, url, transport.Basic(creds.Email, creds.APIToken))
	if err != nil {
		return Site{}, err
	}
	site := Site{Groups: map[string]string{}, AdminAccountID: creds.AdminAccountID}
	for i := 1; i <= s.Groups; i++ {
		g, err := ac.CreateGroup(ctx, creds.LocalDirectoryID, fmt.Sprintf("bench-group-%02d", i), "")
		if err != nil {
			return Site{}, err
		}
		site.Groups[fmt.Sprintf("g%02d", i)] = g.ID
	}
	users, err := ac.GroupByName(ctx, creds.LocalDirectoryID, "confluence-users")
	if err != nil {
		return Site{}, err
	}
	site.UsersGroupID = users.ID
	space, err := cc.SpaceByKey(ctx, "GEN0001")
	if err != nil {
		return Site{}, err
	}
	perms, err := cc.SpacePermissions(ctx, space.ID)
	if err != nil {
		return Site{}, err
	}
	for _, p := range perms {
		switch {
		case p.Principal.Type == confluence.PrincipalUser && p.Principal.ID == creds.AdminAccountID:
			site.AdminPermissions = append(site.AdminPermissions, p.Operation.String())
		case p.Principal.Type == confluence.PrincipalGroup && p.Principal.ID == users.ID && p.Operation == confluence.ReadSpace:
		default:
			return Site{}, fmt.Errorf("GEN0001 holds a grant the configurations do not keep: %s %s", p.Principal, p.Operation)
		}
	}
	slices.Sort(site.AdminPermissions)
	if !slices.Contains(site.AdminPermissions, "read/space") || !slices.Contains(site.AdminPermissions, "administer/space") {
		return Site{}, fmt.Errorf("the provider account does not administer GEN0001: %v", site.AdminPermissions)
	}
	return site, nil
}
