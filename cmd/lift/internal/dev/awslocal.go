package dev

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/internal/localsvc"
)

// functionARN is the ARN a service's local instance advertises: discovery
// invokes it through this endpoint, which routes it to the service.
func functionARN(service string) string {
	return "arn:aws:lambda:" + localsvc.MotoRegion + ":" + localsvc.MotoAccountID + ":function:" + service
}

// awsLocal is the AWS endpoint the functions see under lift dev
// (AWS_ENDPOINT_URL_SERVICEDISCOVERY and _LAMBDA): Cloud Map's
// DiscoverInstances answered from the running services, and Lambda Invoke
// routed to the service's stable port, so discovery between the app's
// services reaches the local processes, through their proxies.
type awsLocal struct{ dev *Dev }

func (a awsLocal) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if target := r.Header.Get("X-Amz-Target"); target != "" {
		a.cloudMap(w, r, strings.TrimPrefix(target, "Route53AutoNaming_v20170314."))
		return
	}
	name, ok := invokedName(r)
	if !ok {
		awsError(w, http.StatusNotFound, "UnknownOperationException", "lift dev serves Cloud Map discovery and Lambda Invoke only")
		return
	}
	s := a.dev.service(name)
	if s == nil {
		awsError(w, http.StatusNotFound, "ResourceNotFoundException", "Function not found: "+name+" (lift dev runs no such service)")
		return
	}
	if r.Header.Get("X-Amz-Invocation-Type") == "DryRun" {
		// The queue feeder's check before it receives: a worker whose first
		// build failed is not ready, so its jobs stay queued (rather than
		// fail into the dead-letter queue) until a fix builds.
		if s.cur.Load() == nil {
			awsError(w, http.StatusServiceUnavailable, "ServiceException", name+" has no build running yet")
			return
		}
		w.WriteHeader(http.StatusNoContent)
		return
	}
	// Through the service's proxy, with every header: X-Amz-Client-Context
	// (its Custom carries the caller's traceparent) and X-Amzn-Trace-Id
	// reach the callee, so its spans join the caller's trace.
	s.ServeHTTP(w, r)
}

// invokedName reads the function of POST /2015-03-31/functions/{fn}/invocations,
// where fn is a name or an ARN, with or without a qualifier.
func invokedName(r *http.Request) (string, bool) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/2015-03-31/functions/")
	if !ok || r.Method != http.MethodPost {
		return "", false
	}
	fn, ok := strings.CutSuffix(rest, "/invocations")
	if !ok {
		return "", false
	}
	if _, after, found := strings.Cut(fn, ":function:"); found {
		fn = after
	}
	fn, _, _ = strings.Cut(fn, ":")
	return fn, fn != ""
}

func (a awsLocal) cloudMap(w http.ResponseWriter, r *http.Request, op string) {
	var in struct{ NamespaceName, ServiceName string }
	_ = json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&in)
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	switch op {
	case "DiscoverInstancesRevision":
		_ = json.NewEncoder(w).Encode(map[string]any{"InstancesRevision": 1})
	case "DiscoverInstances":
		var instances []map[string]any
		if s := a.dev.discoverable(in.ServiceName); s != nil && in.NamespaceName == Namespace {
			instances = append(instances, map[string]any{
				"InstanceId": "dev-" + s.fn.Service, "NamespaceName": Namespace, "ServiceName": in.ServiceName,
				"HealthStatus": "HEALTHY",
				"Attributes": map[string]string{
					contract.AttrFunctionARN: functionARN(s.fn.Service), contract.AttrRegion: localsvc.MotoRegion,
					contract.AttrProtocol: contract.ProtocolLambda,
				},
			})
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"Instances": instances, "InstancesRevision": 1})
	case "UpdateInstanceCustomHealthStatus":
		_, _ = w.Write([]byte("{}"))
	default:
		awsError(w, http.StatusBadRequest, "UnknownOperationException", "lift dev does not serve Cloud Map "+op)
	}
}

func awsError(w http.ResponseWriter, status int, typ, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-Errortype", typ)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"__type": typ, "message": msg, "Message": msg})
}
