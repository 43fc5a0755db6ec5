package docs_test

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapplicationautoscaling"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsscheduler"
	"github.com/aws/jsii-runtime-go"

	"github.com/liftcdk/lift/constructs/gofunction"
	"github.com/liftcdk/lift/constructs/prewarm"
)

// Example_warmer holds the warmer snippets of prewarm.md. Compiled, not run:
// synthesis builds the handler and needs the CDK's Node.
func Example_warmer() {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("Shop"), nil)
	api := gofunction.New(stack, jsii.String("Api"), &gofunction.Props{Entry: jsii.String("cmd/api")})

	prewarm.NewWarmer(stack, jsii.String(prewarm.WarmerID), &prewarm.WarmerProps{
		Schedules: &[]awsscheduler.ScheduleExpression{
			awsscheduler.ScheduleExpression_Cron(&awsscheduler.CronOptionsWithTimezone{
				Minute: jsii.String("0/5"), Hour: jsii.String("8-19"), WeekDay: jsii.String("MON-FRI"),
				TimeZone: awscdk.TimeZone_EUROPE_PARIS(),
			}),
		},
	})

	live := api.AddAlias(jsii.String("live"), nil) // warm an alias or a version, never $LATEST
	prewarm.WarmerOf(stack).AddTarget(live, &prewarm.TargetOptions{Concurrency: jsii.Number(10)})

	app.Synth(nil)
}

// Example_provisioned is the provisioned-concurrency snippet of prewarm.md.
func Example_provisioned() {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("Shop"), nil)
	api := gofunction.New(stack, jsii.String("Api"), &gofunction.Props{Entry: jsii.String("cmd/api")})

	weekdays := func(hour string) awsapplicationautoscaling.Schedule { // hour:00, Monday to Friday
		return awsapplicationautoscaling.Schedule_Cron(&awsapplicationautoscaling.CronOptions{
			Minute: jsii.String("0"), Hour: jsii.String(hour), WeekDay: jsii.String("MON-FRI"),
		})
	}
	pc := prewarm.NewProvisioned(stack, jsii.String("ApiProvisioned"), &prewarm.ProvisionedProps{
		Function:    api,
		MinCapacity: jsii.Number(1), MaxCapacity: jsii.Number(2),
		Windows: &[]*prewarm.Window{{
			Start: weekdays("8"), End: weekdays("20"), TimeZone: awscdk.TimeZone_AMERICA_NEW_YORK(),
			MinCapacity: jsii.Number(10), MaxCapacity: jsii.Number(20),
		}},
	})
	// invoke pc.Alias (the "live" alias), not the function
	_ = pc.Alias

	app.Synth(nil)
}
