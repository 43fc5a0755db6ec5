package main

import (
	"net/http"

	"github.com/liftcdk/lift/runtime/warmer"
)

// keepConnections lets every concurrent invoke keep its connection between
// waves and rounds: the SDK's default keeps only 10 idle per host, so each
// wave of a wide target would pay new TLS handshakes.
func keepConnections(t *http.Transport) {
	t.MaxIdleConns = warmer.MaxParallelism
	t.MaxIdleConnsPerHost = warmer.MaxParallelism
}
