package main

import (
	"net/http"

	"github.com/liftcdk/lift/examples/reports/report"
	"github.com/liftcdk/lift/runtime/lift"
	"github.com/liftcdk/lift/runtime/web"
)

// routes is the reports API:
//
//	POST /reports       {"month":"2026-10"} → 202 Accepted, Location: /reports/{id}, the queued job
//	GET  /reports/{id}  the job: queued, running with progress, succeeded with the report, or failed with why
//
// The body of POST is checked against report.Schema first (400 listing
// every violation), so only valid requests are queued.
func routes(r *report.Runner) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("POST /reports", web.ValidateRequest(report.Schema, report.MaxRequestBytes)(r.SubmitHandler()))
	mux.Handle("GET /reports/{id}", r.StatusHandler())
	mux.HandleFunc("/", func(w http.ResponseWriter, req *http.Request) {
		lift.WriteProblem(w, req, lift.NewProblem(http.StatusNotFound,
			"no route "+req.Method+" "+req.URL.Path+": this API answers POST /reports and GET /reports/{id}"))
	})
	return web.RequestID(web.AccessLog(mux))
}
