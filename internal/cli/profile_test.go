package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestPhaseProfiles: the profiles asked for of a benchmark's measured
// phases are written, private, as pprof's gzip-compressed protocol
// buffers, and no others; none asked for starts nothing.
func TestPhaseProfiles(t *testing.T) {
	for _, tc := range []struct {
		name     string
		cpu, mem bool
		want     []string
	}{
		{name: "none"},
		{name: "cpu", cpu: true, want: []string{"cpu.prof"}},
		{name: "mem", mem: true, want: []string{"mem.prof", "mem.prof.base"}},
		{name: "both", cpu: true, mem: true, want: []string{"cpu.prof", "mem.prof", "mem.prof.base"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			var cpu, mem string
			if tc.cpu {
				cpu = filepath.Join(dir, "cpu.prof")
			}
			if tc.mem {
				mem = filepath.Join(dir, "mem.prof")
			}
			start := phaseProfiles(cpu, mem)
			if len(tc.want) == 0 {
				if start != nil {
					t.Fatal("profiles started with none asked for")
				}
				return
			}
			stop, err := start()
			if err != nil {
				t.Fatal(err)
			}
			stop()
			entries, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range entries {
				got = append(got, e.Name())
				info, err := e.Info()
				if err != nil {
					t.Fatal(err)
				}
				if info.Mode().Perm() != 0o600 {
					t.Errorf("%s: mode %v, want private (0600)", e.Name(), info.Mode().Perm())
				}
				data, err := os.ReadFile(filepath.Join(dir, e.Name()))
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.HasPrefix(data, []byte{0x1f, 0x8b}) {
					t.Errorf("%s is not a gzip-compressed profile", e.Name())
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("files %v, want %v", got, tc.want)
			}
		})
	}
}
