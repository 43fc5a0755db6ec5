package jobs

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/liftcdk/lift/runtime/lift"
)

// MaxInputBytes bounds a submitted input: SQS's message size limit (1 MiB)
// less room for the job id.
const MaxInputBytes = 1<<20 - 1024

// SubmitHandler answers a request whose body is the job's input (JSON) with
// 202 Accepted, a Location header naming the status URL, and the queued Job.
func (r *Runner[In, Out]) SubmitHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, req.Body, MaxInputBytes))
		if err != nil {
			lift.WriteProblem(w, req, &lift.Problem{Status: http.StatusRequestEntityTooLarge, Title: "Input too large",
				Detail: fmt.Sprintf("A job's input is at most %d bytes.", MaxInputBytes)})
			return
		}
		var in In
		if err := json.Unmarshal(body, &in); err != nil {
			lift.WriteProblem(w, req, &lift.Problem{Status: http.StatusBadRequest, Title: "Invalid input",
				Detail: "The body must be the job's input as JSON."})
			return
		}
		job, err := r.Submit(req.Context(), in)
		if err != nil {
			lift.Logger(req.Context()).Error("jobs: submit failed", "error", err)
			lift.WriteProblem(w, req, &lift.Problem{Status: http.StatusServiceUnavailable, Title: "Job not accepted",
				Detail: "The job could not be queued; retry later."})
			return
		}
		w.Header().Set("Location", job.StatusURL)
		writeJSON(w, http.StatusAccepted, job)
	})
}

// StatusHandler answers GET with the Job whose id is the request's path
// value "id" (register it under a pattern such as "GET /reports/{id}").
func (r *Runner[In, Out]) StatusHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		job, err := r.Get(req.Context(), req.PathValue("id"))
		switch {
		case errors.Is(err, ErrNotFound):
			lift.WriteProblem(w, req, &lift.Problem{Status: http.StatusNotFound, Title: "No such job",
				Detail: "No job has this id, or its record has expired."})
		case err != nil:
			lift.Logger(req.Context()).Error("jobs: status read failed", "error", err)
			lift.WriteProblem(w, req, &lift.Problem{Status: http.StatusServiceUnavailable, Title: "Status unavailable",
				Detail: "The job's status could not be read; retry later."})
		default:
			job.StatusURL = r.cfg.StatusURL(job.ID)
			if job.Status == StatusQueued || job.Status == StatusRunning {
				w.Header().Set("Retry-After", "1")
			}
			writeJSON(w, http.StatusOK, job)
		}
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
