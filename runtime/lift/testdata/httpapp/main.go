// Command httpapp is the net/http handler the end-to-end tests run with
// lift.StartHTTP under RIE, in local mode and in server mode.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"

	"github.com/liftcdk/lift/runtime/lift"
)

func main() {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) {
		cookie, err := r.Cookie("session")
		if err != nil {
			lift.WriteProblem(w, r, lift.NewProblem(http.StatusUnauthorized, "the session cookie is missing"))
			return
		}
		http.SetCookie(w, &http.Cookie{Name: "seen", Value: r.PathValue("id")})
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{
			"id": r.PathValue("id"), "color": r.URL.Query().Get("color"),
			"tenant": r.Header.Get("X-Tenant-Id"), "session": cookie.Value,
		})
	})
	mux.HandleFunc("POST /echo", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", r.Header.Get("Content-Type"))
		_, _ = io.Copy(w, r.Body)
	})
	mux.HandleFunc("GET /panic", func(http.ResponseWriter, *http.Request) { panic("requested panic") })
	mux.HandleFunc("GET /stream", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		for i := range 3 {
			fmt.Fprintf(w, "chunk %d\n", i)
			w.(http.Flusher).Flush()
		}
	})
	opts := []lift.Option{
		lift.OnWarmup("prime", func(ctx context.Context) error { return nil }),
		lift.OnShutdown("close", func(ctx context.Context) error {
			slog.InfoContext(ctx, "httpapp: close ran")
			return nil
		}),
	}
	if os.Getenv("HTTPAPP_STREAM") == "1" { // as for a function URL in RESPONSE_STREAM mode
		opts = append(opts, lift.WithResponseStreaming())
	}
	lift.StartHTTP(mux, opts...)
}
