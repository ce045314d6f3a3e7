// Command bench runs the provider's scale scenarios with the terraform CLI against the in-process emulator and
// prints, per scenario and step, the API requests beside the floor and the budget, wall and CPU time and the
// provider's peak memory, beside Terraform's own cost for terraform_data in the same shape (package bench).
//
//	go run ./internal/bench/cmd/bench [-quick] [-scenario name]
//
// It exits 1 when a scenario fails and 2 when a request budget is exceeded (times are never judged).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/accessplane/terraform-provider-confluence/internal/bench"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx)
	stop()
	os.Exit(code)
}

func run(ctx context.Context) int {
	quick := flag.Bool("quick", false, "run the quick scenarios only (the 250 and 1,250 sizes at latency 0)")
	name := flag.String("scenario", "", "run only this scenario")
	list := flag.Bool("list", false, "list the scenarios and exit")
	noFloor := flag.Bool("no-floor", false, "leave out Terraform's own floor (terraform_data)")
	noDestroy := flag.Bool("no-destroy", false, "leave out the destroy step")
	keep := flag.Bool("keep", false, "keep the working directory (printed) with the configurations and states")
	flag.Parse()
	if *list {
		for _, s := range bench.Scenarios() {
			fmt.Printf("%-26s %4d spaces × %2d groups × %d permissions  %s  quick=%t\n", s.Name, s.Spaces, s.Groups, s.Permissions, s.Environment(), s.Quick)
		}
		return 0
	}
	scenarios, err := bench.Select(*quick, *name)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 1
	}
	dir, err := os.MkdirTemp("", "confluence-bench-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 1
	}
	if *keep {
		fmt.Fprintln(os.Stderr, "bench: working directory", dir)
	} else {
		defer func() { _ = os.RemoveAll(dir) }()
	}

	start := time.Now()
	r, err := bench.NewRunner(ctx, bench.Options{WorkDir: dir, NoFloor: *noFloor, NoDestroy: *noDestroy, Progress: os.Stderr})
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 1
	}
	var results []*bench.Result
	code := 0
	for _, s := range scenarios {
		res, err := r.Run(ctx, s)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			code = 1
			continue
		}
		if err := bench.Report(os.Stdout, res); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			return 1
		}
		results = append(results, res)
		if ctx.Err() != nil {
			break
		}
	}
	if err := bench.Summary(os.Stdout, results, time.Since(start)); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 1
	}
	if code == 0 {
		for _, res := range results {
			for _, st := range res.Steps {
				if st.OverBudget() {
					code = 2
				}
			}
		}
	}
	return code
}
