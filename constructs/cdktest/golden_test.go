package cdktest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestNormalizeAssets(t *testing.T) {
	h := strings.Repeat("ab12", 16)
	in := `{"S3Key":"` + h + `.zip","aws:asset:path":"asset.` + h + `","short":"abc123","upper":"` + strings.ToUpper(h) + `"}`
	want := `{"S3Key":"ASSET_HASH.zip","aws:asset:path":"asset.ASSET_HASH","short":"abc123","upper":"` + strings.ToUpper(h) + `"}`
	if got := string(NormalizeAssets([]byte(in))); got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

func TestGoldenRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "x.template.json")
	body := []byte(`{"S3Key":"` + strings.Repeat("0f", 32) + `.zip"}` + "\n")

	t.Setenv(UpdateGoldenEnv, "1")
	Golden(t, path, body)
	written, err := os.ReadFile(path)
	if err != nil || string(written) != `{"S3Key":"ASSET_HASH.zip"}`+"\n" {
		t.Fatalf("golden file = %q, %v", written, err)
	}

	t.Setenv(UpdateGoldenEnv, "")
	// Another asset hash, same template: still equal after normalization.
	Golden(t, path, []byte(`{"S3Key":"`+strings.Repeat("e1", 32)+`.zip"}`+"\n"))

	if d := lineDiff("a\nb\nc", "a\nB\nc"); !strings.Contains(d, "  - b") || !strings.Contains(d, "  + B") {
		t.Fatalf("lineDiff = %q", d)
	}
}
