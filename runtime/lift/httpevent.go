package lift

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"

	"github.com/aws/aws-lambda-go/events"
)

// detectHTTP tells the HTTP event kinds apart from their top-level members
// and their requestContext's members, in one allocation-free scan, before the
// event is decoded once into its aws-lambda-go type. Every kind needs a
// requestContext object; then
//   - "rawPath" with requestContext.http is payload 2.0 (HTTP API), a function
//     URL when requestContext.domainName is a lambda-url domain;
//   - "httpMethod" with requestContext.elb is an ALB target group;
//   - "httpMethod" and "resource" without elb is payload 1.0 (REST API).
//
// Anything else, including every other AWS event source, is "" (not HTTP).
func detectHTTP(p []byte) EventKind {
	var top objectMembers
	var rc objectMembers
	s := scanner{b: p}
	s.ws()
	if !s.eat('{') {
		return ""
	}
	for {
		s.ws()
		key, ok := s.str()
		if !ok {
			return ""
		}
		s.ws()
		if !s.eat(':') {
			return ""
		}
		s.ws()
		start := s.i
		if string(key) == `"requestContext"` && s.i < len(p) && p[s.i] == '{' {
			var n int
			if rc, n = members(p[s.i:]); n == 0 { // one scan gives its members and its end
				return ""
			}
			s.i += n
		} else if !s.skipValue() {
			return ""
		}
		top.note(key, p[start:s.i])
		// Stop once the kind is certain: the rest (often the body) need not
		// be scanned here, as decoding checks the whole document anyway.
		if k := kindOf(top, rc); k != "" && (k != EventAPIGatewayV1 || top.resource) {
			return k
		}
		s.ws()
		if !s.eat(',') {
			return ""
		}
	}
}

func kindOf(top, rc objectMembers) EventKind {
	if top.requestContext == nil {
		return ""
	}
	switch {
	case top.rawPath && rc.http:
		if rc.lambdaURL {
			return EventFunctionURL
		}
		return EventAPIGatewayV2
	case top.httpMethod && rc.elb && !top.resource:
		return EventALB
	case top.httpMethod && top.resource && !rc.elb:
		return EventAPIGatewayV1
	}
	return ""
}

type objectMembers struct {
	rawPath, httpMethod, resource bool
	http, elb, lambdaURL          bool
	requestContext                []byte
}

// members scans the JSON object at the start of p for its own members (not
// nested ones) and returns the length of the object, or 0 when it is not a
// whole object.
func members(p []byte) (objectMembers, int) {
	var m objectMembers
	s := scanner{b: p}
	if !s.eat('{') {
		return m, 0
	}
	s.ws()
	if s.eat('}') {
		return m, s.i
	}
	for {
		s.ws()
		key, ok := s.str()
		if !ok {
			return m, 0
		}
		s.ws()
		if !s.eat(':') {
			return m, 0
		}
		s.ws()
		start := s.i
		if !s.skipValue() {
			return m, 0
		}
		m.note(key, p[start:s.i])
		s.ws()
		if s.eat('}') {
			return m, s.i
		}
		if !s.eat(',') {
			return m, 0
		}
	}
}

// note records what a member tells about the event kind.
func (m *objectMembers) note(key, val []byte) {
	switch string(key) {
	case `"rawPath"`:
		m.rawPath = val[0] == '"'
	case `"httpMethod"`:
		m.httpMethod = val[0] == '"'
	case `"resource"`:
		m.resource = val[0] == '"'
	case `"http"`:
		m.http = val[0] == '{'
	case `"elb"`:
		m.elb = val[0] == '{'
	case `"domainName"`:
		m.lambdaURL = bytes.Contains(val, []byte(".lambda-url."))
	case `"requestContext"`:
		m.requestContext = nil
		if val[0] == '{' {
			m.requestContext = val
		}
	}
}

// httpEvent is one decoded HTTP event; exactly one of its pointers is set.
type httpEvent struct {
	kind EventKind
	v1   *events.APIGatewayProxyRequest
	v2   *events.APIGatewayV2HTTPRequest
	alb  *events.ALBTargetGroupRequest
	// multiValue is set when the response must use multiValueHeaders: an ALB
	// target group with multi-value headers on answers only in that shape.
	multiValue bool
}

func decodeHTTPEvent(p []byte) (httpEvent, error) {
	ev := httpEvent{kind: detectHTTP(p)}
	var err error
	switch ev.kind {
	case EventAPIGatewayV2, EventFunctionURL:
		ev.v2 = new(events.APIGatewayV2HTTPRequest)
		err = json.Unmarshal(p, ev.v2)
	case EventAPIGatewayV1:
		ev.v1 = new(events.APIGatewayProxyRequest)
		err = json.Unmarshal(p, ev.v1)
	case EventALB:
		ev.alb = new(events.ALBTargetGroupRequest)
		err = json.Unmarshal(p, ev.alb)
		ev.multiValue = ev.alb.MultiValueHeaders != nil
	default:
		return ev, fmt.Errorf("%w: use lift.Start for other event sources; StartHTTP answers API Gateway, function URL and ALB events", ErrNotHTTPEvent)
	}
	if err != nil {
		return ev, fmt.Errorf("%w: its %s event does not decode: %w", ErrNotHTTPEvent, ev.kind, err)
	}
	return ev, nil
}

// requestCtx is the context of a request StartHTTP serves: the
// invocation's, carrying the request's RequestContext. It holds the
// request's URL too, so the three take one allocation.
type requestCtx struct {
	context.Context
	rc  RequestContext
	url url.URL
}

func (c *requestCtx) Value(key any) any {
	if _, ok := key.(requestContextKey); ok {
		return &c.rc
	}
	return c.Context.Value(key)
}

// request translates the event into the *http.Request the handler sees,
// with ctx as its context, and fills in ctx's RequestContext. A body that
// is not valid base64 when the event says it is returns an error for a 400.
func (ev httpEvent) request(ctx *requestCtx) (*http.Request, error) {
	var (
		method, host, remote, body string
		b64                        bool
		header                     http.Header
	)
	rc, u := &ctx.rc, &ctx.url
	switch {
	case ev.v2 != nil:
		e := ev.v2
		rc.V2 = &e.RequestContext
		method, body, b64 = e.RequestContext.HTTP.Method, e.Body, e.IsBase64Encoded
		remote = e.RequestContext.HTTP.SourceIP
		setPath(u, e.RawPath, true)
		u.RawQuery = e.RawQueryString
		header = make(http.Header, len(e.Headers)+1)
		vals := make([]string, len(e.Headers)+1) // one allocation for every value and the cookies
		i := 0
		for k, v := range e.Headers {
			vals[i] = v
			header[canonicalKey(k)] = vals[i : i+1 : i+1]
			i++
		}
		if len(e.Cookies) > 0 {
			vals[i] = strings.Join(e.Cookies, "; ")
			header["Cookie"] = vals[i : i+1 : i+1]
		}
		host = e.RequestContext.DomainName
	case ev.v1 != nil:
		e := ev.v1
		rc.V1 = &e.RequestContext
		method, body, b64 = e.HTTPMethod, e.Body, e.IsBase64Encoded
		remote = e.RequestContext.Identity.SourceIP
		setPath(u, e.Path, false) // REST APIs pass the path and query decoded
		u.RawQuery = encodeQuery(e.MultiValueQueryStringParameters, e.QueryStringParameters, true)
		header = headerOf(e.MultiValueHeaders, e.Headers)
	case ev.alb != nil:
		e := ev.alb
		rc.ALB = &e.RequestContext.ELB
		method, body, b64 = e.HTTPMethod, e.Body, e.IsBase64Encoded
		setPath(u, e.Path, true) // ALB passes the path and query as sent
		u.RawQuery = encodeQuery(e.MultiValueQueryStringParameters, e.QueryStringParameters, false)
		header = headerOf(e.MultiValueHeaders, e.Headers)
	}
	if method == "" {
		return nil, fmt.Errorf("the %s event has no HTTP method", ev.kind)
	}
	// The body is read from the event's string; only a base64 one is copied,
	// decoded.
	var (
		content io.ReadCloser = http.NoBody
		size    int
	)
	if b64 {
		raw, err := base64.StdEncoding.DecodeString(body)
		if err != nil {
			return nil, fmt.Errorf("the %s event's body is marked base64 but is not valid base64", ev.kind)
		}
		if size = len(raw); size > 0 {
			content = binaryBody{bytes.NewReader(raw)}
		}
	} else if size = len(body); size > 0 {
		content = textBody{strings.NewReader(body)}
	}
	if h := header.Get("Host"); h != "" {
		host = h
	}
	if remote == "" {
		remote = firstForwardedFor(header.Get("X-Forwarded-For"))
	}
	// WithContext copies the request: built on the stack, that copy is its
	// only allocation.
	r := &http.Request{
		Method:        method,
		URL:           u,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        header,
		Host:          host,
		RemoteAddr:    remote,
		RequestURI:    u.RequestURI(),
		ContentLength: int64(size),
		Body:          content,
	}
	if size > 0 && header.Get("Content-Length") == "" {
		header["Content-Length"] = []string{strconv.Itoa(size)}
	}
	return r.WithContext(ctx), nil
}

type textBody struct{ *strings.Reader }

func (textBody) Close() error { return nil }

type binaryBody struct{ *bytes.Reader }

func (binaryBody) Close() error { return nil }

// setPath sets u's path; escaped paths are unescaped into Path and kept as
// RawPath, so ServeMux patterns see decoded segments.
func setPath(u *url.URL, p string, escaped bool) {
	if p == "" {
		p = "/"
	}
	if escaped && strings.IndexByte(p, '%') >= 0 {
		if dec, err := url.PathUnescape(p); err == nil {
			u.Path, u.RawPath = dec, p
			return
		}
	}
	u.Path = p
}

// encodeQuery rebuilds a raw query string, preferring the multi-value form.
// decoded says the values arrive decoded (REST API) and must be escaped;
// ALB passes them as sent.
func encodeQuery(multi map[string][]string, single map[string]string, decoded bool) string {
	if len(multi) == 0 && len(single) == 0 {
		return ""
	}
	if multi == nil {
		multi = make(map[string][]string, len(single))
		for k, v := range single {
			multi[k] = []string{v}
		}
	}
	if decoded {
		return url.Values(multi).Encode()
	}
	var b strings.Builder
	for k, vs := range multi {
		for _, v := range vs {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(k)
			b.WriteByte('=')
			b.WriteString(v)
		}
	}
	return b.String()
}

func headerOf(multi map[string][]string, single map[string]string) http.Header {
	if multi != nil {
		h := make(http.Header, len(multi))
		for k, vs := range multi {
			h[canonicalKey(k)] = vs
		}
		return h
	}
	h := make(http.Header, len(single))
	vals := make([]string, len(single))
	i := 0
	for k, v := range single {
		vals[i] = v
		h[canonicalKey(k)] = vals[i : i+1 : i+1]
		i++
	}
	return h
}

func firstForwardedFor(v string) string {
	if i := strings.IndexByte(v, ','); i >= 0 {
		v = v[:i]
	}
	return strings.TrimSpace(v)
}

// commonHeaders maps the lower-case names the front doors send (HTTP API
// and function URLs lower-case every name) to their canonical form without
// an allocation per name.
var commonHeaders = func() map[string]string {
	m := map[string]string{}
	for _, k := range []string{"Accept", "Accept-Encoding", "Accept-Language", "Authorization", "Cache-Control",
		"Content-Encoding", "Content-Length", "Content-Type", "Cookie", "Host", "If-Match", "If-Modified-Since",
		"If-None-Match", "Origin", "Referer", "Traceparent", "Tracestate", "User-Agent", "Via",
		"X-Amz-Cf-Id", "X-Amzn-Trace-Id", "X-Forwarded-For", "X-Forwarded-Port", "X-Forwarded-Proto", "X-Request-Id"} {
		m[strings.ToLower(k)] = k
		m[k] = k
	}
	return m
}()

func canonicalKey(k string) string {
	if c, ok := commonHeaders[k]; ok {
		return c
	}
	return textproto.CanonicalMIMEHeaderKey(k)
}
