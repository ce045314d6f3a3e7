package bench

import (
	"os"
	"runtime"
	"testing"
	"time"
)

// TestProcReaders reads this test process's own peak resident size and CPU time, as the sampler reads the
// provider's.
func TestProcReaders(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the sampler reads /proc: Linux only")
	}
	buf := make([]byte, 8<<20)
	for i := range buf {
		buf[i] = byte(i) // touch the pages, so that they count in the resident set
	}
	// Spend CPU until the kernel has counted a tick of it (10 ms), for at most a few seconds.
	deadline := time.Now().Add(5 * time.Second)
	for i := 0; cpuTime(os.Getpid()) == 0 && time.Now().Before(deadline); i++ {
		for j := range 1_000_000 {
			buf[(i+j)%len(buf)]++
		}
	}
	if hwm := vmHWM(os.Getpid()); hwm < int64(len(buf)) {
		t.Errorf("VmHWM %d bytes, want at least the %d this test touched", hwm, len(buf))
	}
	if cpu := cpuTime(os.Getpid()); cpu <= 0 {
		t.Errorf("CPU time %s, want more than 0", cpu)
	}
	if vmHWM(-1) != 0 || cpuTime(-1) != 0 {
		t.Error("a process that does not exist must read 0")
	}
}
