package monitoring

import (
	"slices"

	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/interfaces/interfacesawscloudwatch"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/internal/contract"
)

// dashboard shows the alarms' states first, then traffic, then every alarm's
// metric against its threshold.
func dashboard(scope constructs.Construct, p *Props, stackName string, mon *Monitoring) awscloudwatch.Dashboard {
	name := p.DashboardName
	if name == nil {
		name = jsii.String(stackName + "-" + *p.ServiceName)
	}
	d := awscloudwatch.NewDashboard(scope, jsii.String("Dashboard"), &awscloudwatch.DashboardProps{DashboardName: name})
	m := metricSource{service: *p.ServiceName, period: p.Period}

	names := make([]string, 0, len(mon.Alarms))
	for n := range mon.Alarms {
		names = append(names, n)
	}
	slices.Sort(names) // stable widget order, stable template
	refs := make([]interfacesawscloudwatch.IAlarmRef, 0, len(names)+1)
	if mon.Composite != nil {
		refs = append(refs, mon.Composite)
	}
	for _, n := range names {
		refs = append(refs, mon.Alarms[n])
	}

	d.AddWidgets(awscloudwatch.NewTextWidget(&awscloudwatch.TextWidgetProps{
		Markdown: jsii.String("# " + *p.ServiceName + "\nLift service: alarms, traffic, runtime lifecycle, cache and discovery."),
		Width:    jsii.Number(24), Height: jsii.Number(2),
	}))
	if len(refs) > 0 {
		d.AddWidgets(awscloudwatch.NewAlarmStatusWidget(&awscloudwatch.AlarmStatusWidgetProps{
			Title: jsii.String("Alarms"), Alarms: &refs, Width: jsii.Number(24),
		}))
	}
	fn := p.Function
	d.AddWidgets(
		graph("Invocations, errors, throttles", fn.MetricInvocations(m.options("Sum")), fn.MetricErrors(m.options("Sum")), fn.MetricThrottles(m.options("Sum"))),
		graph("Duration", fn.MetricDuration(m.options("p50")), fn.MetricDuration(m.options("p99"))),
		graph("Lifecycle", m.lift(contract.MetricColdStart, "Sum"), m.lift(contract.MetricWarmups, "Sum"),
			m.lift(contract.MetricHandlerPanics, "Sum"), m.lift(contract.MetricHealthFailed, "Sum")),
	)
	addAlarmWidgets(d, mon.Alarms, names)
	return d
}

// addAlarmWidgets shows each named alarm's metric against its threshold, three to a row.
func addAlarmWidgets(d awscloudwatch.Dashboard, alarms map[string]awscloudwatch.Alarm, names []string) {
	widgets := make([]awscloudwatch.IWidget, 0, len(names))
	for _, n := range names {
		widgets = append(widgets, awscloudwatch.NewAlarmWidget(&awscloudwatch.AlarmWidgetProps{
			Title: jsii.String(n), Alarm: alarms[n], Width: jsii.Number(8),
		}))
	}
	for i := 0; i < len(widgets); i += 3 {
		d.AddWidgets(widgets[i:min(i+3, len(widgets))]...)
	}
}

func graph(title string, metrics ...awscloudwatch.IMetric) awscloudwatch.GraphWidget {
	return awscloudwatch.NewGraphWidget(&awscloudwatch.GraphWidgetProps{
		Title: jsii.String(title), Left: &metrics, Width: jsii.Number(8),
	})
}
