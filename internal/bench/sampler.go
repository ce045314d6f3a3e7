package bench

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// sampleEvery is how often the sampler reads the provider processes' peak resident size. VmHWM only grows, so
// a sample misses only what a process adds after the last one before it exits.
const sampleEvery = 20 * time.Millisecond

// sampler follows the provider processes terraform starts (its children named like the provider binary) and
// keeps the largest VmHWM (peak resident set) any of them reached. Linux only: elsewhere it reports 0.
type sampler struct {
	parent int
	done   chan struct{}
	wg     sync.WaitGroup

	mu   sync.Mutex
	peak int64                 // bytes
	cpu  map[int]time.Duration // the last user + system time read of each provider process
}

func startSampler(parent int) *sampler {
	s := &sampler{parent: parent, done: make(chan struct{}), cpu: map[int]time.Duration{}}
	s.wg.Add(1)
	go s.loop()
	return s
}

// stop ends the sampling and returns the peak in bytes and the provider processes' CPU time (as last sampled:
// it misses at most one sampling period of each).
func (s *sampler) stop() (int64, time.Duration) {
	close(s.done)
	s.wg.Wait()
	s.mu.Lock()
	defer s.mu.Unlock()
	var cpu time.Duration
	for _, d := range s.cpu {
		cpu += d
	}
	return s.peak, cpu
}

func (s *sampler) loop() {
	defer s.wg.Done()
	t := time.NewTicker(sampleEvery)
	defer t.Stop()
	for {
		for _, pid := range providerChildren(s.parent) {
			hwm, cpu := vmHWM(pid), cpuTime(pid)
			s.mu.Lock()
			s.peak = max(s.peak, hwm)
			if cpu > 0 {
				s.cpu[pid] = cpu
			}
			s.mu.Unlock()
		}
		select {
		case <-s.done:
			return
		case <-t.C:
		}
	}
}

// providerComm is the provider's process name: the kernel keeps the first 15 bytes of the file name.
var providerComm = providerBinary[:15]

// providerChildren lists the children of parent whose process name is the provider binary's (truncated to the
// kernel's 15 bytes). It reads /proc/<parent>/task/*/children.
func providerChildren(parent int) []int {
	tasks, _ := filepath.Glob(filepath.Join("/proc", strconv.Itoa(parent), "task", "*", "children"))
	var out []int
	for _, t := range tasks {
		b, err := os.ReadFile(t) //nolint:gosec // a /proc path built from a pid
		if err != nil {
			continue
		}
		for _, f := range strings.Fields(string(b)) {
			pid, err := strconv.Atoi(f)
			if err != nil {
				continue
			}
			comm, err := os.ReadFile(filepath.Join("/proc", f, "comm")) //nolint:gosec // a /proc path built from a pid
			if err == nil && strings.TrimSpace(string(comm)) == providerComm {
				out = append(out, pid)
			}
		}
	}
	return out
}

// vmHWM returns the process's peak resident set size in bytes, or 0.
func vmHWM(pid int) int64 {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		return 0
	}
	for line := range bytes.Lines(b) {
		rest, ok := bytes.CutPrefix(line, []byte("VmHWM:"))
		if !ok {
			continue
		}
		fields := strings.Fields(string(rest))
		if len(fields) != 2 || fields[1] != "kB" {
			return 0
		}
		kb, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil {
			return 0
		}
		return kb * 1024
	}
	return 0
}

// clockTick is the unit of the times in /proc/<pid>/stat (USER_HZ, 100 on Linux).
const clockTick = 10 * time.Millisecond

// cpuTime returns the process's user + system time so far, or 0.
func cpuTime(pid int) time.Duration {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return 0
	}
	// The name (field 2) is in parentheses and may hold spaces: count the fields after its closing one, from
	// field 3 (state); utime and stime are fields 14 and 15.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0
	}
	fields := strings.Fields(string(b[i+1:]))
	if len(fields) < 13 {
		return 0
	}
	user, err1 := strconv.ParseInt(fields[11], 10, 64)
	sys, err2 := strconv.ParseInt(fields[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0
	}
	return time.Duration(user+sys) * clockTick
}
