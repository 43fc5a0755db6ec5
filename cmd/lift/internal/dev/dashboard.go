package dev

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"strings"
	"time"
)

//go:embed static
var static embed.FS

// dashboard serves the page, its state as JSON and as server-sent events,
// and the actions of its buttons.
func (d *Dev) dashboard() http.Handler {
	mux := http.NewServeMux()
	files, _ := fs.Sub(static, "static")
	mux.Handle("GET /", http.FileServerFS(files))
	mux.HandleFunc("GET /api/state", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, http.StatusOK, d.hub.snapshot(0, 0)) })
	mux.HandleFunc("GET /api/traces", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, http.StatusOK, d.hub.traceSummaries()) })
	mux.HandleFunc("GET /api/traces/{id}", d.trace)
	mux.HandleFunc("GET /events", d.events)
	mux.HandleFunc("POST /api/services/{name}/{action}", d.action)
	return mux
}

// events streams the state: all of it first, then the changes (new log
// lines and changed traces only), at most every 250 ms, and once a second so the last-minute
// percentiles move on.
func (d *Dev) events(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	var seq, traceSeq int64
	send := func() bool {
		snap := d.hub.snapshot(seq, traceSeq)
		if n := len(snap.Logs); n > 0 {
			seq = snap.Logs[n-1].Seq
		}
		for _, t := range snap.Traces {
			traceSeq = max(traceSeq, t.Seq)
		}
		b, _ := json.Marshal(snap)
		if _, err := fmt.Fprintf(w, "event: state\ndata: %s\n\n", b); err != nil {
			return false
		}
		fl.Flush()
		return true
	}
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	sub := d.hub.subscribe()
	defer d.hub.unsubscribe(sub)
	for send() {
		select {
		case <-r.Context().Done():
			return
		case <-sub:
		case <-tick.C:
		}
		time.Sleep(250 * time.Millisecond) // coalesce a burst of changes
	}
}

// trace answers one trace with its spans, parents first.
func (d *Dev) trace(w http.ResponseWriter, r *http.Request) {
	t, ok := d.hub.trace(r.PathValue("id"))
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no trace " + r.PathValue("id") + " (lift dev keeps the last 200)"})
		return
	}
	writeJSON(w, http.StatusOK, t)
}

// action runs a button: warmup, health, request (the saved request) or
// rebuild. It takes only same-origin requests carrying X-Lift-Dev, so
// another web page in the browser cannot press the buttons.
func (d *Dev) action(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("X-Lift-Dev") == "" || (r.Header.Get("Sec-Fetch-Site") != "" && r.Header.Get("Sec-Fetch-Site") != "same-origin") {
		writeJSON(w, http.StatusForbidden, map[string]string{"error": "the dashboard's own page only"})
		return
	}
	s := d.service(r.PathValue("name"))
	if s == nil {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no service " + r.PathValue("name")})
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 60*time.Second)
	defer cancel()
	start := time.Now()
	switch r.PathValue("action") {
	case "warmup":
		ev, _ := json.Marshal(map[string]string{"lift": "warmup", "token": d.token})
		out, _, err := s.invoke(ctx, ev)
		reply(w, out, err, start)
	case "health":
		out, err := s.health(ctx)
		reply(w, out, err, start)
	case "rebuild":
		err := s.reload(context.WithoutCancel(ctx), "rebuild asked on the dashboard")
		reply(w, []byte(`{"rebuilt":true}`), err, start)
	case "request":
		var in struct{ Method, Path, Body string }
		if err := json.NewDecoder(io.LimitReader(r.Body, maxBody)).Decode(&in); err != nil || !strings.HasPrefix(in.Path, "/") {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": `send {"method":"GET","path":"/...","body":""}`})
			return
		}
		req, err := http.NewRequestWithContext(ctx, strings.ToUpper(in.Method), s.url()+in.Path, bytes.NewReader([]byte(in.Body)))
		if err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			reply(w, nil, err, start)
			return
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		writeJSON(w, http.StatusOK, map[string]any{"status": resp.StatusCode, "body": string(body), "ms": time.Since(start).Milliseconds()})
	default:
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no action " + r.PathValue("action")})
	}
}

func reply(w http.ResponseWriter, out []byte, err error, start time.Time) {
	if err != nil {
		writeJSON(w, http.StatusBadGateway, map[string]any{"error": err.Error(), "body": string(out), "ms": time.Since(start).Milliseconds()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": 200, "body": string(out), "ms": time.Since(start).Milliseconds()})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
