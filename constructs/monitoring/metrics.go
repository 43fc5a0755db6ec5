package monitoring

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/internal/contract"
)

// metricSource builds the metrics one service's alarms and dashboard share.
type metricSource struct {
	service string
	period  awscdk.Duration
}

// lift is a runtime EMF metric with the Service dimension plus extra dimensions.
func (m metricSource) lift(name, statistic string, extra ...string) awscloudwatch.Metric {
	dims := map[string]*string{contract.DimService: jsii.String(m.service)}
	for i := 0; i+1 < len(extra); i += 2 {
		dims[extra[i]] = jsii.String(extra[i+1])
	}
	return m.custom(contract.MetricsNamespace, name, statistic, dims)
}

// warmer is a warmer EMF metric; the warmer reports by Target only.
func (m metricSource) warmer(name, target string) awscloudwatch.Metric {
	return m.custom(contract.MetricsNamespace, name, "Maximum",
		map[string]*string{contract.DimTarget: jsii.String(target)})
}

func (m metricSource) custom(namespace, name, statistic string, dims map[string]*string) awscloudwatch.Metric {
	return awscloudwatch.NewMetric(&awscloudwatch.MetricProps{
		Namespace:     jsii.String(namespace),
		MetricName:    jsii.String(name),
		Statistic:     jsii.String(statistic),
		DimensionsMap: &dims,
		Period:        m.period,
	})
}

func (m metricSource) options(statistic string) *awscloudwatch.MetricOptions {
	return &awscloudwatch.MetricOptions{Statistic: jsii.String(statistic), Period: m.period}
}

// expr is a metric math expression over named metrics.
func (m metricSource) expr(label, expression string, using map[string]awscloudwatch.IMetric) awscloudwatch.MathExpression {
	return awscloudwatch.NewMathExpression(&awscloudwatch.MathExpressionProps{
		Expression:   jsii.String(expression),
		UsingMetrics: &using,
		Label:        jsii.String(label),
		Period:       m.period,
	})
}
