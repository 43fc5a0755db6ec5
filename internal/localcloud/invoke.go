package localcloud

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/internal/localsvc"
)

func invoke(ctx context.Context, rie *localsvc.RIE, payload []byte, timeout time.Duration) (Invocation, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	body, latency, err := rie.Invoke(ctx, payload)
	inv := Invocation{Payload: payload, Response: body, Latency: latency}
	if err != nil {
		return inv, err
	}
	if fe := functionError(body); fe != "" {
		return inv, fmt.Errorf("the function answered an error: %s", fe)
	}
	return inv, nil
}

// functionError returns the error of a Lambda error response, or "".
func functionError(body []byte) string {
	var e struct {
		ErrorMessage string `json:"errorMessage"`
		ErrorType    string `json:"errorType"`
	}
	if json.Unmarshal(body, &e) == nil && e.ErrorMessage != "" {
		return e.ErrorType + ": " + e.ErrorMessage
	}
	if strings.HasPrefix(string(body), "Task timed out") {
		return string(body)
	}
	return ""
}

func warmupPayload() []byte {
	b, _ := json.Marshal(contract.WarmupEvent{Lift: contract.ControlWarmup, Round: "liftdemo"})
	return b
}

func healthPayload() []byte {
	b, _ := json.Marshal(contract.HealthEvent{Lift: contract.ControlHealth})
	return b
}

func decodeWarmup(inv Invocation) (WarmupResult, error) {
	r := WarmupResult{Invocation: inv}
	if err := json.Unmarshal(inv.Response, &r.Answer); err != nil {
		return r, fmt.Errorf("warm-up answer %q: %w", inv.Response, err)
	}
	return r, nil
}

func decodeHealth(inv Invocation) (HealthResult, error) {
	r := HealthResult{Invocation: inv}
	if err := json.Unmarshal(inv.Response, &r.Answer); err != nil {
		return r, fmt.Errorf("health answer %q: %w", inv.Response, err)
	}
	return r, nil
}

// healthLines prints a health answer: the status, then each check's status and
// duration. The answer carries no error text (that goes to the function's
// log), so a check that did not pass points there.
func healthLines(a contract.HealthResponse, latency time.Duration) []string {
	lines := []string{fmt.Sprintf("status=%s (%s)", a.Status, ms(latency))}
	for _, name := range slices.Sorted(maps.Keys(a.Checks)) {
		for _, c := range a.Checks[name] {
			line := fmt.Sprintf("  check %s: %s in %.3f %s", name, c.Status, c.ObservedValue, c.ObservedUnit)
			if c.Status != contract.StatusPass {
				line += " (the reason is in the function log)"
			}
			lines = append(lines, line)
		}
	}
	return lines
}

// decodeRequest reads an HTTP API response and, when its body is JSON, the
// body and its coldStart field.
func decodeRequest(inv Invocation) (RequestResult, error) {
	r := RequestResult{Invocation: inv}
	var resp events.APIGatewayV2HTTPResponse
	if err := json.Unmarshal(inv.Response, &resp); err != nil {
		return r, fmt.Errorf("request answer %q is not an HTTP API response: %w", inv.Response, err)
	}
	r.StatusCode = resp.StatusCode
	if json.Valid([]byte(resp.Body)) {
		r.Body = json.RawMessage(resp.Body)
		var b struct {
			ColdStart *bool `json:"coldStart"`
		}
		if json.Unmarshal(r.Body, &b) == nil {
			r.ColdStart = b.ColdStart
		}
	}
	return r, nil
}

// LogLines parses the JSON log records in a function's output; other lines (the
// emulator's own, START/END reports) are skipped.
func LogLines(logs string) []LogLine {
	var out []LogLine
	sc := bufio.NewScanner(strings.NewReader(logs))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if !strings.HasPrefix(line, "{") {
			continue
		}
		var fields map[string]any
		if json.Unmarshal([]byte(line), &fields) != nil {
			continue
		}
		msg, _ := fields["msg"].(string)
		out = append(out, LogLine{Msg: msg, Fields: fields, Raw: line})
	}
	return out
}

// shutdownLines are the records about shutdown: the runtime's hook reports
// and whatever the hooks themselves logged with "shutdown" in the message.
func shutdownLines(logs string) []LogLine {
	var out []LogLine
	for _, l := range LogLines(logs) {
		if strings.Contains(strings.ToLower(l.Msg), "shutdown") {
			out = append(out, l)
		}
	}
	return out
}
