package main

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"

	"github.com/aws/aws-lambda-go/events"

	"github.com/liftcdk/lift/runtime/cache"
	"github.com/liftcdk/lift/runtime/lift"
)

// api routes HTTP-API style requests:
//
//	GET /greeting?name=Ada  {"message":"Hello, Ada!","coldStart":true}
//	GET /items              {"items":[...]}
//	GET /items/{id}         {"id":...,"name":...,"priceCents":...,"cached":true}
//
// "cached" says the item was served without running the loader in this
// request: from the memory tier, from the L2 tier, or by another request's load.
type api struct {
	items  ItemStore
	served atomic.Int64
}

func newAPI(items ItemStore) *api { return &api{items: items} }

// Served is how many requests the API answered in this process.
func (a *api) Served() int64 { return a.served.Load() }

// Handle is the Lambda handler.
func (a *api) Handle(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	a.served.Add(1)
	method := req.RequestContext.HTTP.Method
	if method == "" {
		method = http.MethodGet // a bare test event with only rawPath
	}
	path := strings.TrimSuffix(req.RawPath, "/")
	log := lift.Logger(ctx)
	log.Info("request", "method", method, "path", path)

	if method != http.MethodGet {
		return reply(http.StatusMethodNotAllowed, problem{Error: "only GET is supported"})
	}
	switch {
	case path == "/greeting" || path == "":
		name := req.QueryStringParameters["name"]
		if name == "" {
			name = "world"
		}
		if len(name) > 64 {
			return reply(http.StatusBadRequest, problem{Error: "name is longer than 64 characters"})
		}
		return reply(http.StatusOK, greeting{Message: "Hello, " + name + "!", ColdStart: lift.ColdStart(ctx)})
	case path == "/items":
		items, err := a.items.List(ctx)
		if err != nil {
			log.Error("list items", "error", err)
			return reply(http.StatusInternalServerError, problem{Error: "could not list items"})
		}
		return reply(http.StatusOK, itemList{Items: items})
	case strings.HasPrefix(path, "/items/"):
		id := strings.TrimPrefix(path, "/items/")
		ctx, loaded := withLoadTracking(ctx)
		it, err := a.items.Get(ctx, id)
		switch {
		case errors.Is(err, cache.ErrNotFound): // ErrNotFound, or the cache's memory of it
			return reply(http.StatusNotFound, problem{Error: "no item " + id})
		case err != nil:
			log.Error("get item", "id", id, "error", err)
			return reply(http.StatusInternalServerError, problem{Error: "could not read item"})
		}
		return reply(http.StatusOK, itemReply{Item: it, Cached: !loaded.Load()})
	}
	return reply(http.StatusNotFound, problem{Error: "no route " + path})
}

type greeting struct {
	Message   string `json:"message"`
	ColdStart bool   `json:"coldStart"`
}

type itemReply struct {
	Item
	Cached bool `json:"cached"`
}

type itemList struct {
	Items []Item `json:"items"`
}

type problem struct {
	Error string `json:"error"`
}

func reply(status int, body any) (events.APIGatewayV2HTTPResponse, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	return events.APIGatewayV2HTTPResponse{
		StatusCode: status,
		Headers:    map[string]string{"content-type": "application/json"},
		Body:       string(b),
	}, nil
}
