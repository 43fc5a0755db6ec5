// Package httpproblem writes RFC 9457 problem documents, the error body of
// Lift's HTTP middleware and handlers. Titles and details are fixed text
// written for the caller: nothing internal goes in them.
package httpproblem

import (
	"encoding/json"
	"net/http"
)

// Write answers status with an application/problem+json body.
func Write(w http.ResponseWriter, status int, title, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"type": "about:blank", "title": title, "status": status, "detail": detail})
}
