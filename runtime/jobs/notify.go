package jobs

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
)

// Notifier tells callers that don't poll that a job finished (succeeded,
// or failed after its last attempt). It gets the finished Job.
type Notifier func(ctx context.Context, job Job) error

// Publisher is the part of the SNS client SNSNotifier uses; *sns.Client implements it.
type Publisher interface {
	Publish(ctx context.Context, in *sns.PublishInput, opts ...func(*sns.Options)) (*sns.PublishOutput, error)
}

// SNSNotifier publishes each finished job to topicARN: the message is the
// Job as JSON (what the status URL returns), with the message attributes
// "jobId" and "status" for subscription filter policies.
func SNSNotifier(api Publisher, topicARN string) Notifier {
	return func(ctx context.Context, job Job) error {
		b, err := json.Marshal(job)
		if err != nil {
			return fmt.Errorf("jobs: encode notice of job %s: %w", job.ID, err)
		}
		msg, str := string(b), "String"
		_, err = api.Publish(ctx, &sns.PublishInput{TopicArn: &topicARN, Message: &msg, MessageAttributes: map[string]snstypes.MessageAttributeValue{
			"jobId":  {DataType: &str, StringValue: &job.ID},
			"status": {DataType: &str, StringValue: (*string)(&job.Status)},
		}})
		if err != nil {
			return fmt.Errorf("jobs: publish notice of job %s to %s: %w", job.ID, topicARN, err)
		}
		return nil
	}
}
