package localcloud

import (
	"debug/elf"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// The parts of the cloud assembly (cdk.out) that locate a stack's template
// and a function's code.
type cloudManifest struct {
	Artifacts map[string]struct {
		Type         string   `json:"type"`
		Dependencies []string `json:"dependencies"`
		Properties   struct {
			TemplateFile string `json:"templateFile"`
			File         string `json:"file"`
		} `json:"properties"`
	} `json:"artifacts"`
}

type assetManifest struct {
	Files map[string]struct {
		Source struct {
			Path      string `json:"path"`
			Packaging string `json:"packaging"`
		} `json:"source"`
		Destinations map[string]struct {
			ObjectKey string `json:"objectKey"`
		} `json:"destinations"`
	} `json:"files"`
}

// Template is a stack's template as the cloud assembly holds it, each
// resource's properties and each output's value undecoded.
type Template struct {
	Resources map[string]struct {
		Type       string
		Properties json.RawMessage
	}
	Outputs map[string]struct{ Value json.RawMessage }
}

// stackTemplate reads the assembly's manifest and the template of its stack
// artifact named stack.
func stackTemplate(assembly, stack string) (cloudManifest, Template, error) {
	var cm cloudManifest
	if err := readJSON(filepath.Join(assembly, "manifest.json"), &cm); err != nil {
		return cm, Template{}, err
	}
	art, ok := cm.Artifacts[stack]
	if !ok || art.Type != "aws:cloudformation:stack" {
		return cm, Template{}, fmt.Errorf("cloud assembly %s has no stack artifact %s", assembly, stack)
	}
	var tpl Template
	err := readJSON(filepath.Join(assembly, art.Properties.TemplateFile), &tpl)
	return cm, tpl, err
}

// LocateAsset finds the code of the function with logicalID in stack's
// template through the assembly's manifests: template Code.S3Key -> the
// asset manifest entry published under that key -> its source directory.
func LocateAsset(assembly, stack, logicalID string) (Asset, error) {
	cm, tpl, err := stackTemplate(assembly, stack)
	if err != nil {
		return Asset{}, err
	}
	res, ok := tpl.Resources[logicalID]
	if !ok || res.Type != "AWS::Lambda::Function" {
		return Asset{}, fmt.Errorf("template of %s has no AWS::Lambda::Function %s", stack, logicalID)
	}
	var props struct{ Code struct{ S3Key any } }
	_ = json.Unmarshal(res.Properties, &props) // properties without an S3Key leave it nil, refused next
	key, ok := props.Code.S3Key.(string)
	if !ok || key == "" {
		return Asset{}, fmt.Errorf("function %s: Code.S3Key is %v, not an asset object key (inline or image code cannot run under the emulator)", logicalID, props.Code.S3Key)
	}
	for _, dep := range cm.Artifacts[stack].Dependencies {
		am := cm.Artifacts[dep]
		if am.Type != "cdk:asset-manifest" {
			continue
		}
		var assets assetManifest
		if err := readJSON(filepath.Join(assembly, am.Properties.File), &assets); err != nil {
			return Asset{}, err
		}
		for id, f := range assets.Files {
			for _, d := range f.Destinations {
				if d.ObjectKey != key {
					continue
				}
				if f.Source.Packaging != "zip" {
					return Asset{}, fmt.Errorf("asset %s for %s is packaged as %q, want a zip directory", id, logicalID, f.Source.Packaging)
				}
				return describeAsset(id, filepath.Join(assembly, f.Source.Path))
			}
		}
	}
	return Asset{}, fmt.Errorf("no asset manifest of %s publishes object key %s (function %s)", stack, key, logicalID)
}

// outputRef returns the logical id an output of stack's template refers to
// with {"Ref": id}, or "" when the output is absent or not a plain Ref.
func outputRef(assembly, stack, output string) (string, error) {
	_, tpl, err := stackTemplate(assembly, stack)
	if err != nil {
		return "", err
	}
	var ref map[string]any
	_ = json.Unmarshal(tpl.Outputs[output].Value, &ref) // absent or not an object: no Ref
	id, _ := ref["Ref"].(string)
	return id, nil
}

func describeAsset(id, dir string) (Asset, error) {
	a := Asset{ID: id, Dir: dir, Bootstrap: filepath.Join(dir, "bootstrap")}
	fi, err := os.Stat(a.Bootstrap)
	if err != nil {
		return a, fmt.Errorf("asset %s: %w", id, err)
	}
	if fi.Mode()&0o111 == 0 {
		return a, fmt.Errorf("asset %s: %s is not executable", id, a.Bootstrap)
	}
	a.Size = fi.Size()
	f, err := elf.Open(a.Bootstrap)
	if err != nil {
		return a, fmt.Errorf("asset %s: bootstrap is not an ELF executable: %w", id, err)
	}
	defer f.Close()
	a.Machine = f.Machine.String()
	return a, nil
}

// lambdaArchitecture maps an ELF machine to a Lambda architecture name.
func lambdaArchitecture(machine string) string {
	switch machine {
	case elf.EM_X86_64.String():
		return "x86_64"
	case elf.EM_AARCH64.String():
		return "arm64"
	}
	return strings.ToLower(machine)
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("cloud assembly: %w", err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("cloud assembly: %s: %w", path, err)
	}
	return nil
}

// Stacks lists the stack artifacts of a cloud assembly, sorted.
func Stacks(assembly string) ([]string, error) {
	var cm cloudManifest
	if err := readJSON(filepath.Join(assembly, "manifest.json"), &cm); err != nil {
		return nil, err
	}
	var out []string
	for id, art := range cm.Artifacts {
		if art.Type == "aws:cloudformation:stack" {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out, nil
}
