package main_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
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
	Services []struct {
		Name        string
		Status      string
		Invocations int
		Warmups     int
		Discovery   map[string]struct{ Calls int }
		Cache       map[string]struct{ Hits, Misses int }
	}
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
	s := state(t, d.dashboard)
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

	chrome := testsvc.Tool(t, "chromium")
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chrome), chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true), chromedp.WindowSize(1280, 900))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	invocations := func(svc string) string {
		return `[data-service="` + svc + `"] [data-stat="invocations"]`
	}
	// The first Run starts the browser: no timeout on its context.
	if err := chromedp.Do(ctx, chromedp.Navigate(d.dashboard)); err != nil {
		t.Fatalf("open the dashboard: %v", err)
	}
	tctx, cancelTimeout := context.WithTimeout(ctx, 2*time.Minute)
	defer cancelTimeout()
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
	); err != nil {
		text, _ := chromedp.Run(tctx, chromedp.Text(chromedp.CSS("main")))
		t.Fatalf("the page did not follow: %v\n%s", err, text)
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
