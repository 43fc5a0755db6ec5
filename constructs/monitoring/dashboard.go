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
		refs = append(refs, awscloudwatch.CompositeAlarm_FromCompositeAlarmName(scope, jsii.String("CompositeRef"),
			jsii.String(mon.prefix+compositeSuffix)))
	}
	for _, n := range names {
		refs = append(refs, mon.alarmRef(n))
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
	if p.HTTP != nil {
		d.AddWidgets(httpWidgets(p.HTTP, m)...)
	}
	if p.Jobs != nil {
		d.AddWidgets(jobsWidgets(p.Jobs, m)...)
	}
	addAlarmWidgets(d, mon, names)
	return d
}

// addAlarmWidgets shows each named alarm's metric against its threshold, three to a row.
func addAlarmWidgets(d awscloudwatch.Dashboard, mon *Monitoring, names []string) {
	widgets := make([]awscloudwatch.IWidget, 0, len(names))
	for _, n := range names {
		widgets = append(widgets, awscloudwatch.NewAlarmWidget(&awscloudwatch.AlarmWidgetProps{
			Title: jsii.String(n), Alarm: mon.alarmRef(n), Width: jsii.Number(8),
		}))
	}
	for i := 0; i < len(widgets); i += 3 {
		d.AddWidgets(widgets[i:min(i+3, len(widgets))]...)
	}
}

// alarmRef refers to an alarm by its ARN built from its name, not by Fn::GetAtt:
// the dashboard then needs nothing from the alarm resources (which a local
// CloudFormation such as moto does not create) and does not wait for them.
// The name is the literal we set, not AlarmName() (a Ref to the resource).
func (mon *Monitoring) alarmRef(name string) awscloudwatch.IAlarm {
	if ref, ok := mon.refs[name]; ok {
		return ref
	}
	ref := awscloudwatch.Alarm_FromAlarmName(mon.Construct, jsii.String("Ref"+name), jsii.String(mon.prefix+name))
	mon.refs[name] = ref
	return ref
}

func graph(title string, metrics ...awscloudwatch.IMetric) awscloudwatch.GraphWidget {
	return awscloudwatch.NewGraphWidget(&awscloudwatch.GraphWidgetProps{
		Title: jsii.String(title), Left: &metrics, Width: jsii.Number(8),
	})
}
