// Package scaffold writes the files of a new Lift app (lift new) from
// templates embedded in the lift binary.
package scaffold

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"text/template"
	"unicode"

	"github.com/liftcdk/lift/internal/contract"
)

//go:embed templates
var templates embed.FS

// Data fills the templates.
type Data struct {
	Name        string // the service name, also the default module path
	Module      string // the Go module path
	Stack       string // the stack's name: Name in CamelCase
	GoVersion   string // the go directive, e.g. 1.26.8
	LiftVersion string // the required version of github.com/liftcdk/lift
	LiftReplace string // a local Lift checkout to replace the module with, or ""
}

// NewData validates name and returns the data of an app named name.
func NewData(name, module string) (Data, error) {
	if err := contract.ValidServiceName(name); err != nil {
		return Data{}, err
	}
	if module == "" {
		module = name
	}
	return Data{Name: name, Module: module, Stack: StackName(name)}, nil
}

// StackName is name in CamelCase, as a CloudFormation stack name:
// "order-api" gives "OrderApi".
func StackName(name string) string {
	var b strings.Builder
	upper := true
	for _, r := range name {
		if r == '-' || r == '_' {
			upper = true
			continue
		}
		if upper {
			r = unicode.ToUpper(r)
		}
		upper = false
		b.WriteRune(r)
	}
	s := b.String()
	if s == "" || !unicode.IsLetter(rune(s[0])) {
		s = "App" + s // stack names start with a letter
	}
	return s
}

// ErrNotEmpty means the target folder already has files; nothing is overwritten.
var ErrNotEmpty = errors.New("folder is not empty")

// Write renders every template into dir (created; it must be empty or
// absent) and returns the paths written, relative to dir.
func Write(dir string, d Data) ([]string, error) {
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return nil, fmt.Errorf("%s: %w; choose another --dir or name", dir, ErrNotEmpty)
	}
	var written []string
	err := fs.WalkDir(templates, "templates", func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		rel := strings.TrimSuffix(strings.TrimPrefix(p, "templates/"), ".tmpl")
		if rel == "gitignore" {
			rel = ".gitignore" // embed leaves dot files out
		}
		src, err := templates.ReadFile(p)
		if err != nil {
			return err
		}
		t, err := template.New(path.Base(p)).Option("missingkey=error").Parse(string(src))
		if err != nil {
			return fmt.Errorf("template %s: %w", p, err)
		}
		var out bytes.Buffer
		if err := t.Execute(&out, d); err != nil {
			return fmt.Errorf("template %s: %w", p, err)
		}
		dst := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(dst, out.Bytes(), 0o644); err != nil {
			return err
		}
		written = append(written, rel)
		return nil
	})
	return written, err
}
