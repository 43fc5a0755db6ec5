package main_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/liftcdk/lift/internal/localsvc"
	"github.com/liftcdk/lift/internal/testsvc"
)

// order is an order event for the multiservice example's orders service.
const order = `{"orderId":"o-1","sku":"sku-1","qty":1}`

// devState is the part of the dashboard's /api/state the test reads.
type devState struct {
	Services []devService
	Tracing  string
}

type devService struct {
	Name        string
	Status      string
	Invocations int
	Warmups     int
	Discovery   map[string]struct{ Calls int }
	Cache       map[string]struct{ Hits, Misses int }
	Spans       int
}

func state(t *testing.T, dashboard string) devState {
	t.Helper()
	resp, err := http.Get(dashboard + "api/state")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var s devState
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

// browser starts headless Chromium for the test.
func browser(t *testing.T) context.Context {
	t.Helper()
	chrome := testsvc.Tool(t, "chromium")
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chrome), chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true), chromedp.WindowSize(1280, 900))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	return ctx
}

// openDashboard opens the dashboard and returns a context bounding the
// test's browser steps to 2 minutes.
func openDashboard(t *testing.T, ctx context.Context, dashboard string) context.Context {
	t.Helper()
	// The first Run starts the browser: no timeout on its context.
	if err := chromedp.Do(ctx, chromedp.Navigate(dashboard)); err != nil {
		t.Fatalf("open the dashboard: %v", err)
	}
	tctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(cancel)
	return tctx
}

// TestDevMultiServiceDashboard runs lift dev on the multiservice example:
// an order to orders reaches inventory through local discovery, and the
// dashboard, in headless Chromium, shows both services and its counts move
// after requests. The screenshot is saved as a test artifact
// ($LIFT_ARTIFACTS, default the test's temporary folder).
func TestDevMultiServiceDashboard(t *testing.T) {
	for _, tool := range []string{"go", "node", "cdk"} {
		testsvc.Tool(t, tool)
	}
	root, err := localsvc.FindRoot()
	if err != nil {
		t.Fatal(err)
	}
	d := startDev(t, root, "--app", "go run ./examples/multiservice")
	for _, svc := range []string{"orders", "inventory"} {
		if d.services[svc] == "" {
			t.Fatalf("lift dev printed no %s line: %v", svc, d.services)
		}
		d.waitStderr(t, svc+" started in", time.Minute)
	}
	invoke := func() string {
		t.Helper()
		resp, err := http.Post(d.services["orders"]+"/2015-03-31/functions/function/invocations", "application/json", strings.NewReader(order))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || resp.Header.Get("X-Amz-Function-Error") != "" {
			t.Fatalf("orders: %d %s", resp.StatusCode, b)
		}
		return string(b)
	}
	if out := invoke(); !strings.Contains(out, `"service":"inventory"`) {
		t.Fatalf("orders' answer carries no inventory reply: %s", out)
	}
	// The functions' EMF lines reach lift dev through their output, just
	// after the answer: wait for orders' discovery count.
	s := state(t, d.dashboard)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if slices.ContainsFunc(s.Services, func(svc devService) bool { return svc.Name == "orders" && svc.Discovery["inventory"].Calls > 0 }) {
			break
		}
		s = state(t, d.dashboard)
	}
	counts := map[string]int{}
	for _, svc := range s.Services {
		counts[svc.Name] = svc.Invocations
		if svc.Status != "up" || svc.Warmups != 1 {
			t.Errorf("%s: status %q, %d warm-ups; want up, 1 (the warm-up at start)", svc.Name, svc.Status, svc.Warmups)
		}
		if svc.Name == "orders" && svc.Discovery["inventory"].Calls != 1 {
			t.Errorf("orders: %d discovery calls to inventory, want 1: %+v", svc.Discovery["inventory"].Calls, svc.Discovery)
		}
	}
	if counts["orders"] != 1 || counts["inventory"] != 1 {
		t.Errorf("invocations %v, want orders 1 and inventory 1 (reached through local discovery)", counts)
	}
	// The order is one trace across both services (lift dev forwards the
	// trace context when it answers orders' Lambda Invoke of inventory).
	first := tracesOf(t, d.dashboard, 1, "orders", "inventory")[0]
	checkOrderTrace(t, first)
	var missing map[string]string
	if code := getJSON(t, d.dashboard+"api/traces/4bf92f3577b34da6a3ce929d0e0e4736", &missing); code != http.StatusNotFound || missing["error"] == "" {
		t.Errorf("an unknown trace: %d %v, want 404 with an error", code, missing)
	}

	ctx := browser(t)
	invocations := func(svc string) string {
		return `[data-service="` + svc + `"] [data-stat="invocations"]`
	}
	tctx := openDashboard(t, ctx, d.dashboard)
	if err := chromedp.Do(tctx,
		chromedp.WaitVisible(chromedp.CSS(`[data-service="orders"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-service="inventory"]`)),
	); err != nil {
		t.Fatalf("the dashboard shows no service cards: %v", err)
	}
	before, err := chromedp.Run(tctx, chromedp.Text(chromedp.CSS(invocations("inventory"))))
	if err != nil || before != "1" {
		t.Errorf("the dashboard shows %q inventory invocations (%v), want 1", before, err)
	}
	for range 3 {
		invoke()
	}
	// The counts move on the page over the event stream, with no reload.
	moved := `document.querySelector('` + invocations("inventory") + `').textContent === "4" && document.querySelector('` + invocations("orders") + `').textContent === "4"`
	if err := chromedp.Do(tctx,
		chromedp.Poll[chromedp.Void](moved, chromedp.WithPollingTimeout(30*time.Second)),
		// A button, pressed from the keyboard: inventory's health check, answered on the page.
		chromedp.Focus(chromedp.CSS(`[data-service="inventory"] .buttons button:nth-child(2)`)),
		chromedp.KeyEvent("\r"),
		chromedp.Poll[chromedp.Void](`document.getElementById("req-out").textContent.includes("inventory health")`, chromedp.WithPollingTimeout(30*time.Second)),
		// The health status reaches the card over the event stream.
		chromedp.WaitVisible(chromedp.CSS(`[data-service="inventory"] .badge.pass`)),
		// The first order's trace, chosen from the keyboard, draws its
		// spans across both services; a span's attributes open on Enter.
		chromedp.Focus(chromedp.CSS(`#traces [data-trace="`+first.ID+`"]`)),
		chromedp.KeyEvent("\r"),
		chromedp.WaitVisible(chromedp.CSS(`#spans .span-row`)),
		chromedp.Poll[chromedp.Void](`[...document.querySelectorAll("#spans .span-row")].map((r) => r.querySelector(".svc").textContent + " " + r.textContent).join("|").match(/orders orders.*orders discovery\.call.*inventory inventory.*inventory cache\.get/)`,
			chromedp.WithPollingTimeout(10*time.Second)),
		chromedp.Focus(chromedp.CSS(`#spans li:nth-child(2) .span-row`)),
		chromedp.KeyEvent("\r"),
		chromedp.WaitVisible(chromedp.CSS(`#spans li:nth-child(2) .attrs`)),
		chromedp.Poll[chromedp.Void](`document.querySelector("#spans li:nth-child(2) .attrs").textContent.includes("lift.discovery.service") && document.querySelector("#spans li:nth-child(1) .attrs").offsetParent === null`,
			chromedp.WithPollingTimeout(10*time.Second)),
	); err != nil {
		text, _ := chromedp.Run(tctx, chromedp.Text(chromedp.CSS("main")))
		t.Fatalf("the page did not follow: %v\n%s", err, text)
	}
	// A refused order's error line in the log view links to its trace.
	if resp, err := http.Post(d.services["orders"]+"/2015-03-31/functions/function/invocations", "application/json", strings.NewReader(`{"orderId":"o-2","sku":"widget","qty":0}`)); err != nil {
		t.Fatal(err)
	} else {
		resp.Body.Close()
	}
	if err := chromedp.Do(tctx,
		chromedp.WaitVisible(chromedp.CSS(`#logs .lvl-ERROR .trace`)),
		chromedp.Click(chromedp.CSS(`#logs .lvl-ERROR .trace`)),
		chromedp.WaitVisible(chromedp.CSS(`#traces button[aria-current="true"] .st-error`)),
		chromedp.Poll[chromedp.Void](`document.getElementById("wf-h").textContent.includes("orders")`, chromedp.WithPollingTimeout(10*time.Second)),
		// Back to the first order's waterfall, as the screenshot shows it.
		chromedp.Click(chromedp.CSS(`#traces [data-trace="`+first.ID+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#spans li:nth-child(4) .span-row`)),
		chromedp.Click(chromedp.CSS(`#spans li:nth-child(2) .span-row`)),
		chromedp.WaitVisible(chromedp.CSS(`#spans li:nth-child(2) .attrs`)),
	); err != nil {
		text, _ := chromedp.Run(tctx, chromedp.Text(chromedp.CSS("main")))
		t.Fatalf("the log line's trace link: %v\n%s", err, text)
	}
	shot, err := chromedp.Run(tctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	dir := os.Getenv("LIFT_ARTIFACTS")
	if dir == "" {
		dir = t.TempDir()
	}
	file := filepath.Join(dir, "dev-dashboard.png")
	if err := os.WriteFile(file, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("dashboard screenshot: %s (%s bytes)", file, strconv.Itoa(len(shot)))

	// At a phone's width the page reflows: nothing wider than the screen.
	if err := chromedp.Do(tctx, chromedp.EmulateViewport(390, 844), chromedp.Sleep(500*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	overflow, err := chromedp.Run(tctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
	if err != nil || overflow {
		t.Errorf("at 390 px the page scrolls sideways (%v)", err)
	}
	if narrow, err := chromedp.Run(tctx, chromedp.FullScreenshot(100)); err == nil {
		_ = os.WriteFile(filepath.Join(dir, "dev-dashboard-narrow.png"), narrow, 0o644)
	}
}
