package bundling

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// BenchmarkBuildHandlers builds four distinct handlers (stdlib net/http,
// warm Go build cache after the first round) through the Scheduler: "serial"
// (one build at a time, what CDK's own bundling does) is the baseline for
// "parallel" (GOMAXPROCS builds at once, gofunction's default).
func BenchmarkBuildHandlers(b *testing.B) {
	const handlers = 4
	var entries []Entry
	for i := range handlers {
		dir := b.TempDir()
		for name, body := range map[string]string{
			"go.mod": fmt.Sprintf("module example.com/h%d\n\ngo 1.26\n", i),
			"main.go": fmt.Sprintf("package main\n\nimport (\n\t\"fmt\"\n\t\"net/http\"\n)\n\n"+
				"func main() { http.HandleFunc(\"/\", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, %d) }); http.ListenAndServe(\"127.0.0.1:0\", nil) }\n", i),
		} {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
				b.Fatal(err)
			}
		}
		e, err := ResolveEntry(dir, runtime.GOARCH)
		if err != nil {
			b.Fatal(err)
		}
		entries = append(entries, e)
	}
	for _, bc := range []struct {
		name string
		jobs int
	}{{"serial", 1}, {"parallel", runtime.GOMAXPROCS(0)}} {
		b.Run(bc.name, func(b *testing.B) {
			s := NewScheduler(bc.jobs)
			round := 0
			for b.Loop() {
				round++
				group := fmt.Sprintf("%s-%d", bc.name, round) // never shared across rounds
				var all []*Pending
				for i, e := range entries {
					all = append(all, s.Start(group, BuildOptions{Entry: e, GOARCH: runtime.GOARCH, Label: fmt.Sprint("h", i), Progress: io.Discard}))
				}
				for _, p := range all {
					if err := p.Wait(); err != nil {
						b.Fatal(err)
					}
					s.Release(p)
				}
			}
		})
	}
}
