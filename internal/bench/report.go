package bench

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// Report writes a scenario's tables: per step the requests (of them, those answered 429) beside the floor and
// the budget (judged on the requests not answered 429), wall, CPU (terraform with its provider, and the
// provider's share) and the provider's peak memory beside Terraform's own floor; then the requests by route and
// step.
func Report(w io.Writer, r *Result) error {
	out := &printer{w: w}
	s := r.Scenario
	out.f("\n== %s: %d spaces × %d groups × %d permissions = %d grants, %s, %s ==\n",
		s.Name, s.Spaces, s.Groups, s.Permissions, s.Grants(), s.Shape, s.Environment())
	out.f("%s\n\n", r.Floors.Formula)

	tw := &printer{w: tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)}
	tw.f("%s\n", "step\trequests\t429s\tAPI floor\t×floor\tbudget\t\twall\tCPU\tprovider CPU\tpeak MiB\ttf_data wall\ttf_data CPU\twall ×tf_data\t")
	for _, st := range r.Steps {
		budget, verdict := "-", ""
		if st.Budget > 0 {
			budget = fmt.Sprint(st.Budget)
			verdict = "ok"
			if st.OverBudget() {
				verdict = "OVER"
			}
		}
		tfWall, tfCPU, ratio := "-", "-", "-"
		if f := st.TerraformFloor; f != nil {
			tfWall, tfCPU = dur(f.Wall), dur(f.CPU)
			if f.Wall > 0 {
				ratio = fmt.Sprintf("%.2f", float64(st.Wall)/float64(f.Wall))
			}
		}
		tw.f("%s\t%d\t%d\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n",
			st.Name, st.Total, st.Throttled, st.Floor, times(st.Total, st.Floor), budget, verdict,
			dur(st.Wall), dur(st.CPU), dur(st.ProviderCPU), mib(st.PeakRSS), tfWall, tfCPU, ratio)
	}
	tw.flush()

	routes := map[string]bool{}
	for _, st := range r.Steps {
		for k := range st.Requests {
			routes[k] = true
		}
	}
	keys := make([]string, 0, len(routes))
	for k := range routes {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int { return strings.Compare(routePath(a)+a, routePath(b)+b) })
	out.f("\n")
	tw = &printer{w: tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)}
	header := "route\t"
	for _, st := range r.Steps {
		header += st.Name + "\t"
	}
	tw.f("%s\n", header)
	for _, k := range keys {
		line := k + "\t"
		for _, st := range r.Steps {
			line += fmt.Sprint(st.Requests[k]) + "\t"
		}
		tw.f("%s\n", line)
	}
	line := "total\t"
	for _, st := range r.Steps {
		line += fmt.Sprint(st.Total) + "\t"
	}
	tw.f("%s\n", line)
	tw.flush()
	out.f("\nscenario wall %s (setup and the terraform_data floor included)\n", dur(r.Wall))
	return out.err
}

// Summary writes one line per scenario and budget, and the total time.
func Summary(w io.Writer, results []*Result, total time.Duration) error {
	out := &printer{w: w}
	out.f("\n== budgets ==\n")
	tw := &printer{w: tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)}
	for _, r := range results {
		for _, st := range r.Steps {
			if st.Budget == 0 {
				continue
			}
			verdict := "ok"
			if st.OverBudget() {
				verdict = "OVER"
			}
			throttled := ""
			if st.Throttled > 0 {
				throttled = fmt.Sprintf(" (+%d answered 429)", st.Throttled)
			}
			tw.f("%s\t%s\t%d requests%s\tbudget %d\t%s\n", r.Scenario.Name, st.Name, st.Counted(), throttled, st.Budget, verdict)
		}
	}
	tw.flush()

	// Issue 14's targets for time and memory, reported (these machines are shared), never judged.
	out.f("\n== plan wall against terraform_data (target ≤ 2×) and provider peak memory (target ≤ 200 MiB) ==\n")
	tw = &printer{w: tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)}
	for _, r := range results {
		var peak int64
		for _, st := range r.Steps {
			peak = max(peak, st.PeakRSS)
		}
		plan := "plan not run"
		for _, st := range r.Steps {
			if st.Name != StepPlan {
				continue
			}
			plan = "plan " + dur(st.Wall)
			if f := st.TerraformFloor; f != nil && f.Wall > 0 {
				plan += fmt.Sprintf("\ttf_data %s\t×%.2f", dur(f.Wall), float64(st.Wall)/float64(f.Wall))
			} else {
				plan += "\ttf_data -\t-"
			}
		}
		tw.f("%s\t%s\tpeak %s MiB\n", r.Scenario.Name, plan, mib(peak))
	}
	tw.flush()
	out.f("\ntotal bench wall time %s\n", dur(total))
	return out.err
}

// routePath orders the routes by path, then method.
func routePath(route string) string {
	_, p, _ := strings.Cut(route, " ")
	return p
}

func times(n, floor int) string {
	if floor == 0 {
		if n == 0 {
			return "1.00"
		}
		return "-"
	}
	return fmt.Sprintf("%.2f", float64(n)/float64(floor))
}

func dur(d time.Duration) string {
	switch {
	case d >= 10*time.Second:
		return d.Round(100 * time.Millisecond).String()
	default:
		return d.Round(10 * time.Millisecond).String()
	}
}

func mib(b int64) string {
	if b == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f", float64(b)/(1<<20))
}

// printer writes formatted text and keeps the first error, so that a report is checked once, at its end.
type printer struct {
	w   io.Writer
	err error
}

func (p *printer) f(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}

// Write lets a printer be a tabwriter's output, keeping its error.
func (p *printer) Write(b []byte) (int, error) {
	if p.err != nil {
		return 0, p.err
	}
	n, err := p.w.Write(b)
	p.err = err
	return n, err
}

// flush flushes the tabwriter underneath p.
func (p *printer) flush() {
	if tw, ok := p.w.(*tabwriter.Writer); ok && p.err == nil {
		p.err = tw.Flush()
	}
}
