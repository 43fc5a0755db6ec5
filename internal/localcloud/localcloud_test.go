package localcloud

import (
	"debug/elf"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/liftcdk/lift/internal/contract"
)

// assemblyWithBootstrap copies the fixture assembly to a temp dir and puts an
// ELF executable (this test binary) in the asset directory as bootstrap.
func assemblyWithBootstrap(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range []string{"manifest.json", "Demo.template.json", "Demo.assets.json"} {
		b, err := os.ReadFile(filepath.Join("testdata", "assembly", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "asset.abc123"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "asset.abc123", "bootstrap"), b, 0o700); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestLocateAsset(t *testing.T) {
	dir := assemblyWithBootstrap(t)
	a, err := LocateAsset(dir, "Demo", "ApiFunctionAAAA")
	if err != nil {
		t.Fatal(err)
	}
	if a.ID != "abc123" || a.Bootstrap != filepath.Join(dir, "asset.abc123", "bootstrap") || a.Size == 0 {
		t.Fatalf("asset = %+v", a)
	}
	wantMachine := map[string]elf.Machine{"amd64": elf.EM_X86_64, "arm64": elf.EM_AARCH64}[runtime.GOARCH]
	if a.Machine != wantMachine.String() || lambdaArchitecture(a.Machine) != HostArchitecture() {
		t.Fatalf("machine %s (%s), want %s", a.Machine, lambdaArchitecture(a.Machine), HostArchitecture())
	}

	errs := []struct {
		stack, logical, want string
	}{
		{"Nope", "ApiFunctionAAAA", "no stack artifact Nope"},
		{"Demo", "Role", "no AWS::Lambda::Function Role"},
		{"Demo", "InlineFunctionBBBB", "not an asset object key"},
		{"Demo", "OrphanFunctionCCCC", "publishes object key nosuch.zip"},
	}
	for _, e := range errs {
		if _, err := LocateAsset(dir, e.stack, e.logical); err == nil || !strings.Contains(err.Error(), e.want) {
			t.Errorf("LocateAsset(%s, %s) error = %v, want it to mention %q", e.stack, e.logical, err, e.want)
		}
	}
	if err := os.Chmod(filepath.Join(dir, "asset.abc123", "bootstrap"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LocateAsset(dir, "Demo", "ApiFunctionAAAA"); err == nil || !strings.Contains(err.Error(), "not executable") {
		t.Errorf("non-executable bootstrap: error = %v", err)
	}
}

func TestOutputRef(t *testing.T) {
	dir := assemblyWithBootstrap(t)
	for output, want := range map[string]string{"ApiName": "ApiFunctionAAAA", "Literal": "", "Missing": ""} {
		got, err := outputRef(dir, "Demo", output)
		if err != nil || got != want {
			t.Errorf("outputRef(%s) = %q, %v; want %q", output, got, err, want)
		}
	}
	if _, err := outputRef(dir, "Nope", "ApiName"); err == nil {
		t.Error("outputRef on an unknown stack: no error")
	}
}

func TestFunctionResource(t *testing.T) {
	st := Stack{Name: "S", Outputs: map[string]string{}, Resources: []Resource{
		{LogicalID: "A", PhysicalID: "fa", Type: "AWS::Lambda::Function"},
		{LogicalID: "R", PhysicalID: "r", Type: "AWS::IAM::Role"},
	}}
	if r, err := functionResource(st, "Out", ""); err != nil || r.LogicalID != "A" {
		t.Fatalf("single function: %+v, %v", r, err)
	}
	st.Resources = append(st.Resources, Resource{LogicalID: "B", PhysicalID: "fb", Type: "AWS::Lambda::Function"})
	if _, err := functionResource(st, "Out", ""); err == nil || !strings.Contains(err.Error(), "Options.FunctionOutput") {
		t.Fatalf("two functions, no output: %v", err)
	}
	if r, err := functionResource(st, "Out", "B"); err != nil || r.LogicalID != "B" {
		t.Fatalf("template output refers to B: %+v, %v", r, err)
	}
	if _, err := functionResource(st, "Out", "R"); err == nil {
		t.Fatal("template output referring to a role: no error")
	}
	st.Outputs["Out"] = "fb"
	if r, err := functionResource(st, "Out", "A"); err != nil || r.LogicalID != "B" {
		t.Fatalf("deployed output names fb: %+v, %v", r, err)
	}
	st.Outputs["Out"] = "other"
	if _, err := functionResource(st, "Out", ""); err == nil {
		t.Fatal("output naming an unknown function: no error")
	}
}

func TestDecodeRequest(t *testing.T) {
	r, err := decodeRequest(Invocation{Response: []byte(`{"statusCode":200,"headers":{"content-type":"application/json"},"body":"{\"message\":\"Hello\",\"coldStart\":false}"}`)})
	if err != nil || r.StatusCode != 200 || r.ColdStart == nil || *r.ColdStart || string(r.Body) != `{"message":"Hello","coldStart":false}` {
		t.Fatalf("decodeRequest = %+v, %v", r, err)
	}
	r, err = decodeRequest(Invocation{Response: []byte(`{"statusCode":404,"body":"not json"}`)})
	if err != nil || r.StatusCode != 404 || r.Body != nil || r.ColdStart != nil {
		t.Fatalf("non-JSON body: %+v, %v", r, err)
	}
	if _, err := decodeRequest(Invocation{Response: []byte(`Task timed out after 10.00 seconds`)}); err == nil {
		t.Fatal("plain-text answer decoded without error")
	}
}

func TestFunctionError(t *testing.T) {
	for body, want := range map[string]string{
		`{"errorMessage":"boom","errorType":"Panic"}`: "Panic: boom",
		`Task timed out after 3.00 seconds`:           "Task timed out after 3.00 seconds",
		`{"statusCode":200}`:                          "",
		`{"lift":"warmup"}`:                           "",
	} {
		if got := functionError([]byte(body)); got != want {
			t.Errorf("functionError(%s) = %q, want %q", body, got, want)
		}
	}
}

func TestShutdownLines(t *testing.T) {
	logs := strings.Join([]string{
		"START RequestId: 1 Version: $LATEST",
		`{"level":"INFO","msg":"request","path":"/greeting"}`,
		`26 Nov 2026 12:00:00 [INFO] (rapid) Received signal signal=terminated`,
		`{"level":"INFO","msg":"shutdown hook ran","served":1}`,
		`{"level":"INFO","msg":"lift: shutdown hook done","hook":"report"}`,
		`{"level":"INFO","msg":"lift: shutdown complete","hooks":1,"abandoned":0}`,
		`{not json`,
	}, "\n")
	got := shutdownLines(logs)
	if len(got) != 3 || got[1].Fields["hook"] != "report" || got[2].Msg != "lift: shutdown complete" {
		t.Fatalf("shutdownLines = %+v", got)
	}
	rep := &Report{Shutdown: ShutdownResult{Lines: got}}
	var shutdownCheck Check
	for _, c := range rep.Checks() {
		if c.Name == "shutdown hooks ran" {
			shutdownCheck = c
		}
	}
	if !shutdownCheck.OK {
		t.Fatalf("shutdown check on these lines: %+v", shutdownCheck)
	}
	if (&Report{}).OK() {
		t.Fatal("an empty report passes its checks")
	}
}

func FuzzStructuredLines(f *testing.F) {
	f.Add(`{"msg":"lift: shutdown complete"}` + "\nplain\n{")
	f.Add(`{"msg":1}`)
	f.Fuzz(func(t *testing.T, logs string) {
		for _, l := range LogLines(logs) {
			if !strings.HasPrefix(l.Raw, "{") || l.Fields == nil {
				t.Fatalf("line %+v", l)
			}
		}
	})
}

func TestQuickstartGreetingEvent(t *testing.T) {
	b := string(QuickstartGreetingEvent("Ada"))
	for _, want := range []string{`"rawPath":"/greeting"`, `"name":"Ada"`, `"method":"GET"`} {
		if !strings.Contains(b, want) {
			t.Errorf("event lacks %s: %s", want, b)
		}
	}
}

func TestEMFSum(t *testing.T) {
	logs := strings.Join([]string{
		`{"_aws":{"Timestamp":1},"Service":"q","Tier":"memory","CacheHits":1}`,
		`{"_aws":{"Timestamp":2},"Service":"q","Tier":"dynamodb","CacheHits":5}`,
		`{"level":"INFO","msg":"not EMF","Tier":"memory","CacheHits":7}`,
		`{"_aws":{"Timestamp":3},"Service":"q","Tier":"memory","CacheHits":2,"CacheMisses":1}`,
		`START RequestId: x`,
	}, "\n")
	if got := emfSum(logs, contract.MetricCacheHits, contract.DimTier, contract.TierMemory); got != 3 {
		t.Fatalf("memory hits = %g, want 3 (EMF records only, this tier only)", got)
	}
}

func TestQuickstartItemEvent(t *testing.T) {
	b := string(QuickstartItemEvent("espresso"))
	for _, want := range []string{`"rawPath":"/items/espresso"`, `"method":"GET"`} {
		if !strings.Contains(b, want) {
			t.Errorf("event lacks %s: %s", want, b)
		}
	}
}

// The health answer carries names, statuses and durations only; the demo
// prints those and points to the function log for a check that did not pass.
func TestHealthLines(t *testing.T) {
	answer := `{"status":"warn","serviceId":"orders","instanceId":"i1","checks":{
		"db":[{"componentId":"db","status":"pass","observedValue":0.029,"observedUnit":"ms","time":"2026-11-26T13:02:25Z"}],
		"cache":[{"componentId":"cache","status":"warn","observedValue":0.006,"observedUnit":"ms","time":"2026-11-26T13:02:25Z"}]}}`
	h, err := decodeHealth(Invocation{Response: []byte(answer)})
	if err != nil {
		t.Fatal(err)
	}
	got := healthLines(h.Answer, 1500*time.Microsecond)
	want := []string{
		"status=warn (1.5 ms)",
		"  check cache: warn in 0.006 ms (the reason is in the function log)",
		"  check db: pass in 0.029 ms",
	}
	if !slices.Equal(got, want) {
		t.Errorf("healthLines:\n got %q\nwant %q", got, want)
	}
}

// TestTemplateFunctions: the functions whose code is an asset of the
// assembly, with their environment (literals as strings, references as the
// intrinsic) and their timeout and memory (Lambda's defaults when unset).
func TestTemplateFunctions(t *testing.T) {
	fns, err := TemplateFunctions(assemblyWithBootstrap(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(fns) != 2 || fns[0].LogicalID != "ApiFunctionAAAA" || fns[1].LogicalID != "WorkerFunctionDDDD" {
		t.Fatalf("functions = %+v, want the two asset-backed ones", fns)
	}
	api, worker := fns[0], fns[1]
	if api.Env[contract.EnvService] != "api" || api.TimeoutSeconds != 30 || api.MemoryMB != 512 {
		t.Errorf("api = %+v", api)
	}
	if _, ok := api.Env["TABLE"].(map[string]any); !ok {
		t.Errorf("a reference must stay the intrinsic: TABLE = %#v", api.Env["TABLE"])
	}
	if worker.TimeoutSeconds != 3 || worker.MemoryMB != 128 {
		t.Errorf("worker timeout %d s, memory %d MB: want Lambda's defaults 3 and 128", worker.TimeoutSeconds, worker.MemoryMB)
	}
}
