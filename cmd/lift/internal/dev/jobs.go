package dev

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/internal/localsvc"
)

// devVisibilityTimeout is a job queue's visibility timeout under lift dev,
// instead of the synthesized six times the worker's timeout: a failed
// attempt is retried after seconds, not many minutes. A job still running
// is never delivered again meanwhile: the feeder sends one batch at a time,
// and a rebuild's swap waits for the job in flight (retire).
const devVisibilityTimeout = 10 * time.Second

// startJobs gives each service with jobs (a function marked LIFT_JOBS_WORKER)
// its queue and dead-letter queue on moto, redriven after the synthesized
// LIFT_JOBS_MAX_ATTEMPTS, and points the service's function and worker at
// it; feedJobs then delivers the queue to the worker.
func (d *Dev) startJobs(ctx context.Context, fns []Function) error {
	for i := range fns {
		w := fns[i]
		if !w.worker() {
			continue
		}
		svc := w.liftService()
		if _, err := localsvc.LookTool(d.App, "moto_server"); err != nil {
			return fmt.Errorf("service %s has jobs: lift dev runs their queue on moto, and moto_server is not installed (pip install 'moto[server]'): %w", svc, err)
		}
		attempts := contract.DefaultJobsMaxAttempts
		if s := w.Env[contract.EnvJobsMaxAttempts]; s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 {
				return fmt.Errorf("service %s: %s=%q is not a whole number of attempts", w.Service, contract.EnvJobsMaxAttempts, s)
			}
			attempts = n
		}
		m, err := d.startMoto("the job queues")
		if err != nil {
			return err
		}
		url, queueARN, err := createJobQueue(ctx, sqs.NewFromConfig(m.AWSConfig()), "lift-dev-"+svc+"-jobs", attempts)
		if err != nil {
			return fmt.Errorf("service %s: create its local job queue: %w", svc, err)
		}
		for j := range fns {
			if f := &fns[j]; f.liftService() == svc {
				f.Env[contract.EnvJobsQueueURL] = url
				f.Env[contract.EnvJobsMaxAttempts] = strconv.Itoa(attempts)
				f.Env["AWS_ENDPOINT_URL_SQS"] = m.URL
			}
		}
		d.jobQueues = append(d.jobQueues, localsvc.QueueMapping{
			Function: w.Service, QueueARN: queueARN,
			// One job per invocation, as service.Props.Jobs's default
			// BatchSize; each gets the worker's whole timeout.
			BatchSize: 1, ReportBatchItemFailures: true,
		})
		fmt.Fprintf(d.Stderr, "%s: job queue on moto (%s; %d attempts, then its dead-letter queue; retried after %s)\n",
			w.Service, url, attempts, devVisibilityTimeout)
	}
	return nil
}

// createJobQueue creates name and its dead-letter queue name-dlq, and
// returns the queue's URL and ARN.
func createJobQueue(ctx context.Context, q *sqs.Client, name string, maxAttempts int) (string, string, error) {
	dlq, err := q.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name + "-dlq")})
	if err != nil {
		return "", "", err
	}
	dlqARN, err := queueARN(ctx, q, *dlq.QueueUrl)
	if err != nil {
		return "", "", err
	}
	redrive, _ := json.Marshal(map[string]any{"deadLetterTargetArn": dlqARN, "maxReceiveCount": maxAttempts})
	out, err := q.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name), Attributes: map[string]string{
		string(sqstypes.QueueAttributeNameVisibilityTimeout): strconv.Itoa(int(devVisibilityTimeout / time.Second)),
		string(sqstypes.QueueAttributeNameRedrivePolicy):     string(redrive),
	}})
	if err != nil {
		return "", "", err
	}
	arn, err := queueARN(ctx, q, *out.QueueUrl)
	return *out.QueueUrl, arn, err
}

func queueARN(ctx context.Context, q *sqs.Client, url string) (string, error) {
	out, err := q.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{
		QueueUrl: aws.String(url), AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn},
	})
	if err != nil {
		return "", err
	}
	return out.Attributes[string(sqstypes.QueueAttributeNameQueueArn)], nil
}

// feedJobs delivers the job queues to their workers through lift dev's own
// Lambda endpoint (so each delivery counts on the worker's dashboard card)
// until ctx ends or stop cancels it; stop waits for feedDone.
func (d *Dev) feedJobs(ctx context.Context) error {
	if len(d.jobQueues) == 0 {
		return nil
	}
	level := slog.LevelWarn
	if d.Verbose {
		level = slog.LevelInfo
	}
	feeder, err := localsvc.NewQueueFeeder(localsvc.QueueFeederOptions{
		AWS: d.moto.AWSConfig(), Lambda: d.awsURL, Mappings: slices.Clone(d.jobQueues),
		Log: slog.New(slog.NewTextHandler(d.Stderr, &slog.HandlerOptions{Level: level})),
	})
	if err != nil {
		return err
	}
	ctx, d.feedCancel = context.WithCancel(ctx)
	d.feedDone = make(chan struct{})
	go func() {
		defer close(d.feedDone)
		feeder.Run(ctx)
	}()
	return nil
}
