package lift

import (
	"context"
	"encoding/json"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/runtime/health"
)

// health answers a health event with every check's name and status.
func (h *Handler) health(ctx context.Context) ([]byte, error) {
	r := health.Run(ctx, h.checks, h.checkTimeout)
	r.ServiceID = h.service.Value
	r.InstanceID = h.instanceID
	h.healthChecks.Add(1)
	if r.Status == contract.StatusFail {
		h.healthBad.Add(1)
	}
	h.report(ctx, r.Status)
	if r.Status != contract.StatusPass {
		Logger(ctx).Warn("lift: health "+r.Status, "checks", r.Checks)
	}
	// The caller gets names and statuses; error text, which may name hosts
	// and users, stays in the log above.
	for _, results := range r.Checks {
		for i := range results {
			results[i].Output = ""
		}
	}
	return json.Marshal(r)
}
