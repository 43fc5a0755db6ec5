package testsvc_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/liftcdk/lift/internal/testsvc"
)

// fakeRIE answers an invocation with "<name>:<payload>" once release is
// closed (or at once when release is nil), as one RIE environment would.
func fakeRIE(t *testing.T, name string, entered chan<- struct{}, release <-chan struct{}) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.URL.Path != "/2015-03-31/functions/function/invocations" {
			http.Error(w, "RIE serves only the function named function", http.StatusNotFound)
			return
		}
		body, _ := io.ReadAll(req.Body)
		if entered != nil {
			entered <- struct{}{}
		}
		if release != nil {
			<-release
		}
		_, _ = io.WriteString(w, `"`+name+`:`+string(body)+`"`)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/2015-03-31/functions/function/invocations"
}

func lambdaClient(url string) *lambda.Client {
	return lambda.New(lambda.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(url),
		Credentials:      aws.AnonymousCredentials{},
		RetryMaxAttempts: 1, // a throttle must reach the test, not be retried
	})
}

const arn = "arn:aws:lambda:us-east-1:123456789012:function:inventory"

// TestLambdaRouterRoutesByNameARNAndQualifier: the SDK's Invoke reaches the
// route the caller named, whether the qualifier is in the ARN or in the
// Qualifier parameter, and every call is recorded.
func TestLambdaRouterRoutesByNameARNAndQualifier(t *testing.T) {
	r := testsvc.LambdaRouter(t, testsvc.LambdaRoutes{
		arn + ":live": {fakeRIE(t, "live", nil, nil)},
		"orders":      {fakeRIE(t, "orders", nil, nil)},
	})
	lc := lambdaClient(r.URL)
	ctx := context.Background()
	for _, tc := range []struct {
		name, qualifier, want string
	}{
		{arn + ":live", "", `"live:{}"`},
		{arn, "live", `"live:{}"`},
		{"orders", "", `"orders:{}"`},
	} {
		in := &lambda.InvokeInput{FunctionName: aws.String(tc.name), Payload: []byte(`{}`)}
		if tc.qualifier != "" {
			in.Qualifier = aws.String(tc.qualifier)
		}
		out, err := lc.Invoke(ctx, in)
		if err != nil || string(out.Payload) != tc.want || aws.ToString(out.ExecutedVersion) != "1" {
			t.Errorf("Invoke(%s, qualifier %q) = %v; want payload %s", tc.name, tc.qualifier, err, tc.want)
			continue
		}
	}
	want := []string{arn + ":live", arn + ":live", "orders"}
	if got := r.Asked(); !slices.Equal(got, want) {
		t.Errorf("Asked() = %v, want %v", got, want)
	}
	for _, c := range r.Invocations() {
		if c.Instance != 0 || c.Status != http.StatusOK || string(c.Payload) != "{}" || c.ErrorType != "" {
			t.Errorf("recorded %+v, want instance 0, 200, payload {}", c)
		}
	}
}

// TestLambdaRouterErrorsAreLambdas: an unknown function is the SDK's typed
// ResourceNotFoundException, a non-Invoke request is recorded as unrouted.
func TestLambdaRouterErrorsAreLambdas(t *testing.T) {
	r := testsvc.LambdaRouter(t, testsvc.LambdaRoutes{"orders": {fakeRIE(t, "orders", nil, nil)}})
	_, err := lambdaClient(r.URL).Invoke(context.Background(), &lambda.InvokeInput{FunctionName: aws.String("nope")})
	var nf *lambdatypes.ResourceNotFoundException
	if !errors.As(err, &nf) || !strings.Contains(nf.ErrorMessage(), "nope") {
		t.Fatalf("Invoke(nope) = %v, want ResourceNotFoundException naming it", err)
	}
	resp, err := http.Get(r.URL + "/2015-03-31/functions/orders/invocations")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound || len(r.Unrouted()) != 1 {
		t.Errorf("GET answered %d, unrouted %v; want 404 and one unrouted request", resp.StatusCode, r.Unrouted())
	}
	if c := r.Invocations(); len(c) != 1 || c[0].ErrorType != "ResourceNotFoundException" || c[0].Instance != -1 {
		t.Errorf("Invocations() = %+v, want the one not-found call", c)
	}
}

// TestLambdaRouterPicksIdleInstancesThenThrottles: two environments busy with
// one invocation each; the third concurrent invoke is throttled as Lambda
// throttles at the concurrency limit, and the busy ones are not reused.
func TestLambdaRouterPicksIdleInstancesThenThrottles(t *testing.T) {
	entered, release := make(chan struct{}, 2), make(chan struct{})
	r := testsvc.LambdaRouter(t, testsvc.LambdaRoutes{"api": {
		fakeRIE(t, "a", entered, release), fakeRIE(t, "b", entered, release),
	}})
	lc := lambdaClient(r.URL)
	ctx := context.Background()
	var wg sync.WaitGroup
	answers := make([]string, 2)
	for i := range 2 {
		wg.Go(func() {
			out, err := lc.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("api"), Payload: []byte(`1`)})
			if err != nil {
				t.Errorf("invoke %d: %v", i, err)
				return
			}
			answers[i] = string(out.Payload)
		})
	}
	<-entered
	<-entered // both environments are now running one invocation each
	_, err := lc.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("api"), Payload: []byte(`1`)})
	var tooMany *lambdatypes.TooManyRequestsException
	if !errors.As(err, &tooMany) || tooMany.Reason != lambdatypes.ThrottleReasonReservedFunctionConcurrentInvocationLimitExceeded {
		t.Errorf("third concurrent invoke = %v, want TooManyRequestsException (concurrency limit)", err)
	}
	close(release)
	wg.Wait()
	slices.Sort(answers)
	if !slices.Equal(answers, []string{`"a:1"`, `"b:1"`}) {
		t.Errorf("answers %v, want one from each environment", answers)
	}
	instances := map[int]int{}
	for _, c := range r.Invocations() {
		instances[c.Instance]++
	}
	if instances[0] != 1 || instances[1] != 1 || instances[-1] != 1 {
		t.Errorf("invocations per instance %v, want one each on 0 and 1, one throttled (-1)", instances)
	}
	// Idle again: the first instance is picked.
	out, err := lc.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("api"), Payload: []byte(`2`)})
	if err != nil || string(out.Payload) != `"a:2"` {
		t.Errorf("invoke after release = %v, %v; want instance a", out, err)
	}
}

// TestLambdaRouterUnreachableRIE: an emulator that is gone is Lambda's
// ServiceException, not a hang or an empty 200.
func TestLambdaRouterUnreachableRIE(t *testing.T) {
	gone := httptest.NewServer(http.NotFoundHandler())
	url := gone.URL + "/2015-03-31/functions/function/invocations"
	gone.Close()
	r := testsvc.LambdaRouter(t, testsvc.LambdaRoutes{"api": {url}})
	_, err := lambdaClient(r.URL).Invoke(context.Background(), &lambda.InvokeInput{FunctionName: aws.String("api")})
	var svc *lambdatypes.ServiceException
	if !errors.As(err, &svc) {
		t.Fatalf("invoke with the RIE gone = %v, want ServiceException", err)
	}
}

// TestLambdaRouterFunctionErrors: a handler's error (RIE: a plain 200) and a
// runtime that exited (RIE: 502) reach the SDK as Lambda sends them: 200 with
// FunctionError "Unhandled"; a normal answer has no FunctionError.
func TestLambdaRouterFunctionErrors(t *testing.T) {
	rie := func(status int, body string) string {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(status)
			_, _ = io.WriteString(w, body)
		}))
		t.Cleanup(srv.Close)
		return srv.URL
	}
	r := testsvc.LambdaRouter(t, testsvc.LambdaRoutes{
		"handler-error": {rie(http.StatusOK, `{"errorMessage":"boom","errorType":"errorString"}`)},
		"exited":        {rie(http.StatusBadGateway, "runtime exited")},
		"ok":            {rie(http.StatusOK, `{"errorMessage":"a field of a normal answer","sku":"widget"}`)},
	})
	lc := lambdaClient(r.URL)
	for _, tc := range []struct{ fn, wantErr, wantBody string }{
		{"handler-error", "Unhandled", `"boom"`},
		{"exited", "Unhandled", `Runtime.ExitError`},
		{"ok", "", `"widget"`},
	} {
		out, err := lc.Invoke(context.Background(), &lambda.InvokeInput{FunctionName: aws.String(tc.fn)})
		if err != nil {
			t.Errorf("Invoke(%s): %v", tc.fn, err)
			continue
		}
		if aws.ToString(out.FunctionError) != tc.wantErr || out.StatusCode != http.StatusOK || !strings.Contains(string(out.Payload), tc.wantBody) {
			t.Errorf("Invoke(%s) = status %d, FunctionError %q, payload %s; want 200, %q, containing %s",
				tc.fn, out.StatusCode, aws.ToString(out.FunctionError), out.Payload, tc.wantErr, tc.wantBody)
		}
	}
}
