package bundling

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"testing"
)

// BenchmarkBuildHandlers builds four handlers of one module that share a
// package (warm Go build cache after the first round, a fresh output
// directory each round so every binary links): "separate" (one go build per
// handler, what per-function bundling does) is the baseline for "batched"
// (one go build for all four, what gofunction does).
func BenchmarkBuildHandlers(b *testing.B) {
	files := map[string]string{
		"go.mod":           "module example.com/h\n\ngo 1.26\n",
		"shared/shared.go": "package shared\n\nimport (\n\t\"fmt\"\n\t\"net/http\"\n)\n\nfunc Serve(n int) { http.HandleFunc(\"/\", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, n) }) }\n",
	}
	for i := range 4 {
		files[fmt.Sprintf("h%d/main.go", i)] = fmt.Sprintf("package main\n\nimport \"example.com/h/shared\"\n\nfunc main() { shared.Serve(%d) }\n", i)
	}
	mod := writeTree(b, files)
	var entries []Entry
	for i := range 4 {
		e, err := ResolveEntry(fmt.Sprintf("%s/h%d", mod, i), runtime.GOARCH)
		must(b, err)
		entries = append(entries, e)
	}
	run := func(b *testing.B, batches []*Batch) {
		for _, batch := range batches {
			batch.OutDir = b.TempDir()
			batch.Progress = io.Discard
			if _, err := batch.Run(context.Background()); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("separate", func(b *testing.B) {
		for b.Loop() {
			var batches []*Batch
			for _, e := range entries {
				batches = append(batches, &Batch{ModuleDir: mod, GOOS: "linux", GOARCH: runtime.GOARCH, Entries: []Entry{e}})
			}
			run(b, batches)
		}
	})
	b.Run("batched", func(b *testing.B) {
		for b.Loop() {
			run(b, PlanBatches(entries, "linux", runtime.GOARCH, b.TempDir()))
		}
	})
}
