// Command emulator runs the in-memory Atlassian Cloud on a loopback address and prints the provider
// environment variables that point at it.
//
//	go run ./internal/emulator/cmd/emulator -addr 127.0.0.1:8080 -page-size 2
//
// Behind a reverse proxy, a container port mapping or a TLS terminator, -public-url names the address
// clients use; every URL the emulator returns (and the printed environment) names it:
//
//	go run ./internal/emulator/cmd/emulator -addr 0.0.0.0:8080 -public-url https://emulator.example.test
//
// For access and licence-usage trials, -idle, -never-active, -suspended, -deactivated and -guests seed
// generated accounts (emulator.Population): find them by email (idle-001@example.com, never-001@…,
// suspended-001@…, deactivated-001@…, guest-001@partner.example) or by status through the Admin API:
//
//	go run ./internal/emulator/cmd/emulator -idle 5 -idle-days 120 -never-active 3 -suspended 2 -deactivated 1 -guests 2
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"github.com/accessplane/terraform-provider-confluence/internal/emulator"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "emulator:", err)
		stop()
		os.Exit(1)
	}
}

// run serves until ctx ends (SIGINT/SIGTERM in main).
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var opts emulator.Options
	addr := fs.String("addr", "127.0.0.1:0", "listen address (port 0 picks a free port)")
	envFile := fs.String("env-file", "", "also write the KEY=value lines to this file once listening")
	fs.DurationVar(&opts.Latency, "latency", 0, "latency added to every API request, e.g. 50ms")
	fs.Float64Var(&opts.ErrorRate, "error-rate", 0, "share (0..1) of API requests answered 503")
	fs.Float64Var(&opts.LostAnswerRate, "lost-answer-rate", 0, "share (0..1) of API writes applied and then answered 503: the write happened, its answer was lost")
	fs.Float64Var(&opts.RateLimit, "rate-limit", 0, "API requests per second before 429 with Retry-After (0 = unlimited)")
	fs.IntVar(&opts.PageSize, "page-size", 0, "cap on every page size the server returns (0 = API defaults)")
	fs.DurationVar(&opts.PropagationDelay, "propagation-delay", 0, "lag before SCIM groups and role changes show in the Admin API, and before accepted space-role updates and deletions apply")
	fs.IntVar(&opts.ExtraSpaces, "spaces", 0, "number of extra generated classic spaces (GEN0001…)")
	fs.Int64Var(&opts.Seed, "seed", 1, "seed of the error-rate randomness")
	fs.StringVar(&opts.PublicURL, "public-url", "", "the address clients use, scheme://host[:port], when not the listener's (reverse proxy, port mapping, TLS terminator)")
	pop := &opts.Population
	fs.IntVar(&pop.Idle, "idle", 0, "seed N idle accounts: members of confluence-users (licensed: atlassian/user on the site, read on every seeded space), last active -idle-days ago; emails idle-001@example.com…")
	fs.IntVar(&pop.IdleDays, "idle-days", 90, "days since the last Confluence activity of the -idle, -suspended and -deactivated accounts")
	fs.IntVar(&pop.NeverActive, "never-active", 0, "seed N licensed members of confluence-users with no recorded activity; emails never-001@example.com…")
	fs.IntVar(&pop.Suspended, "suspended", 0, "seed N members of confluence-users whose access is suspended (status suspended, no product access); emails suspended-001@example.com…")
	fs.IntVar(&pop.Deactivated, "deactivated", 0, "seed N deactivated members of confluence-users (status deactivated); emails deactivated-001@example.com…")
	fs.IntVar(&pop.Guests, "guests", 0, "seed N guests of the Confluence site (atlassian/guest through the confluence-guests group, isGuest in v1), active at start; emails guest-001@partner.example…")
	fs.StringVar(&opts.RoleMode, "role-mode", "ROLES_TRANSITION", "the site's space role mode: "+strings.Join(emulator.RoleModes(), " | "))
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if opts.ErrorRate < 0 || opts.ErrorRate > 1 {
		return fmt.Errorf("-error-rate must be between 0 and 1")
	}
	if opts.LostAnswerRate < 0 || opts.LostAnswerRate > 1 {
		return fmt.Errorf("-lost-answer-rate must be between 0 and 1")
	}
	for name, n := range map[string]int{"-idle": pop.Idle, "-idle-days": pop.IdleDays, "-never-active": pop.NeverActive, "-suspended": pop.Suspended, "-deactivated": pop.Deactivated, "-guests": pop.Guests} {
		if n < 0 {
			return fmt.Errorf("%s must not be negative", name)
		}
	}
	if opts.PublicURL != "" {
		if err := emulator.CheckPublicURL(opts.PublicURL); err != nil {
			return fmt.Errorf("-public-url: %w", err)
		}
	}
	if !slices.Contains(emulator.RoleModes(), strings.ToUpper(strings.TrimSpace(opts.RoleMode))) {
		return fmt.Errorf("-role-mode must be one of %s", strings.Join(emulator.RoleModes(), ", "))
	}

	emu := emulator.New(opts)
	base, err := emu.Serve(*addr)
	if err != nil {
		return err
	}
	lines := emu.Env("") // the public URL when set, else the listener's
	if *envFile != "" {
		if err := writeEnvFile(*envFile, lines); err != nil {
			_ = emu.Close()
			return err
		}
	}
	out := bufio.NewWriter(stdout)
	for _, l := range lines {
		_, _ = fmt.Fprintln(out, l) // write errors surface at Flush
	}
	if err := out.Flush(); err != nil {
		_ = emu.Close()
		return err
	}
	if public := emu.PublicURL(); public != base {
		_, _ = fmt.Fprintf(stderr, "# emulator listening on %s, answering as %s (Ctrl-C to stop)\n", base, public)
	} else {
		_, _ = fmt.Fprintf(stderr, "# emulator listening on %s (Ctrl-C to stop)\n", base)
	}

	if p := opts.Population; p.Idle+p.NeverActive+p.Suspended+p.Deactivated+p.Guests > 0 {
		_, _ = fmt.Fprintf(stderr, "# seeded accounts: %d idle (last active %d days ago), %d never active, %d suspended, %d deactivated, %d guests\n",
			p.Idle, p.IdleDays, p.NeverActive, p.Suspended, p.Deactivated, p.Guests)
	}

	<-ctx.Done()
	_, _ = fmt.Fprintln(stderr, "# emulator shutting down")
	return emu.Close()
}

// writeEnvFile writes the lines atomically and readable by the owner only: they hold secrets.
func writeEnvFile(path string, lines []string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".emulator-env-*")
	if err != nil {
		return err
	}
	defer func() { _ = os.Remove(tmp.Name()) }() // fails harmlessly after the rename
	if err := tmp.Chmod(0o600); err != nil {
		_ = tmp.Close()
		return err
	}
	if _, err := tmp.WriteString(strings.Join(lines, "\n") + "\n"); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
