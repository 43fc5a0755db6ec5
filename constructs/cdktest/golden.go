package cdktest

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// UpdateGoldenEnv set to 1 makes Golden rewrite golden files (`make golden`).
const UpdateGoldenEnv = "LIFT_UPDATE_GOLDEN"

// AssetHashPlaceholder replaces asset hashes in golden files.
const AssetHashPlaceholder = "ASSET_HASH"

// assetHash matches CDK asset hashes (sha256 hex), as S3 keys
// ("<hash>.zip"), asset paths ("asset.<hash>") and asset parameter names.
var assetHash = regexp.MustCompile(`[0-9a-f]{64}`)

// currentVersionID matches the logical id of Function.CurrentVersion: CDK
// appends a hash of the function's configuration, code asset included, so any
// change to the handler's binary (or the runtime it links) changes it.
var currentVersionID = regexp.MustCompile(`(CurrentVersion[0-9A-F]{8})[0-9a-f]{32}`)

// NormalizeAssets replaces asset hashes with AssetHashPlaceholder. A Go
// handler's asset hash is the hash of its binary, which changes with the Go
// toolchain; the golden file records the template's shape, while the hash's
// behaviour is tested directly (stability and change on source change).
func NormalizeAssets(b []byte) []byte {
	b = assetHash.ReplaceAll(b, []byte(AssetHashPlaceholder))
	return currentVersionID.ReplaceAll(b, []byte("${1}"+AssetHashPlaceholder))
}

// Golden compares got (normalized) with the golden file at path. With
// LIFT_UPDATE_GOLDEN=1 it writes the file instead.
func Golden(t testing.TB, path string, got []byte) {
	t.Helper()
	got = NormalizeAssets(got)
	if os.Getenv(UpdateGoldenEnv) == "1" {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("cdktest: wrote %s", path)
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("cdktest: read golden %s: %v (create it with %s=1 go test ./...; `make golden`)", path, err, UpdateGoldenEnv)
	}
	if !bytes.Equal(want, got) {
		t.Fatalf("cdktest: template differs from %s (if the change is intended, run `make golden` and review the diff):\n%s",
			path, lineDiff(string(want), string(got)))
	}
}

// lineDiff shows the first differing lines with a little context: enough to
// see what changed without a diff library.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	i := 0
	for i < len(w) && i < len(g) && w[i] == g[i] {
		i++
	}
	var b strings.Builder
	from := max(i-3, 0)
	for j := from; j < i; j++ {
		b.WriteString("    " + w[j] + "\n")
	}
	for j := i; j < min(i+8, len(w)); j++ {
		b.WriteString("  - " + w[j] + "\n")
	}
	for j := i; j < min(i+8, len(g)); j++ {
		b.WriteString("  + " + g[j] + "\n")
	}
	return b.String()
}
