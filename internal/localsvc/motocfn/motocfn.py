"""moto_server, taught to deploy the resource types Lift's stacks use that
moto's CloudFormation skips (and then fails the stack on a Fn::GetAtt of
them) or gets wrong. README.md beside this file lists each type it creates
or patches, and why.

Run as `python3 motocfn.py [moto_server arguments]`. It relies on moto's
CloudFormation internals, so it insists on the moto version it was written
against. A serverless cache's endpoint is the local Valkey or Redis server
named by LIFT_MOTO_CACHE_ENDPOINT (host:port).
"""

import json
import os
import sys
import threading
from datetime import datetime

import moto

MOTO_VERSION = "5.2.1"
if moto.__version__ != MOTO_VERSION:
    sys.exit(
        f"motocfn.py: moto {moto.__version__} is installed, Lift's local cloud needs "
        f"moto {MOTO_VERSION} (pip install 'moto[server]=={MOTO_VERSION}')"
    )

# Imported only after the version check: their internals are what this patches.
from moto.cloudformation.exceptions import ValidationError
from moto.core.common_models import CloudFormationModel
from moto.applicationautoscaling.models import applicationautoscaling_backends
from moto.apigatewayv2.models import apigatewayv2_backends
from moto.awslambda.models import LambdaVersion, lambda_backends
from moto.cloudwatch.models import Dimension, Metric, MetricDataQuery, MetricStat, cloudwatch_backends
from moto.dynamodb.models import dynamodb_backends
from moto.sns.models import sns_backends
from moto.dynamodb.models.table import Table
from moto.moto_server.werkzeug_app import DomainDispatcherApplication
from moto.elasticache.models import elasticache_backends
from moto.scheduler.models import scheduler_backends
from moto.servicediscovery.models import servicediscovery_backends
from moto.sqs.models import Queue

CACHE_ENDPOINT_ENV = "LIFT_MOTO_CACHE_ENDPOINT"

# moto files every model under the service its module names (moto.<service>...).
MODULE = "moto.cloudformation.liftcdk"


class _Created:
    """A created resource: its Ref value and its Fn::GetAtt attributes. Mixed
    into direct subclasses of CloudFormationModel, which is how moto finds
    the types it can create (CloudFormationModel.__subclasses__())."""

    cfn_type = ""
    attributes: tuple[str, ...] = ()

    def __init__(self, ref, attrs):
        self.ref = ref
        self.attrs = attrs

    @staticmethod
    def cloudformation_name_type():
        return ""

    @classmethod
    def cloudformation_type(cls):
        return cls.cfn_type

    @classmethod
    def has_cfn_attr(cls, attr):
        return attr in cls.attributes

    @property
    def physical_resource_id(self):
        return self.ref

    def get_cfn_attribute(self, attr):
        if attr not in self.attrs:
            raise ValidationError(
                message=f"Template error: {self.cfn_type} has no attribute {attr} "
                f"(Lift's local cloud knows {', '.join(sorted(self.attrs))})"
            )
        return self.attrs[attr]

    def is_created(self):
        return True

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        return cls.create(resource_name, _props(cloudformation_json), account_id, region_name, kwargs.get("LogicalId", ""))

    @classmethod
    def create(cls, resource_name, props, account_id, region_name, logical_id):
        """Creates the resource in moto's backends and returns cls(ref, attrs)."""
        raise NotImplementedError

    @classmethod
    def delete_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name):
        pass  # each local cloud is thrown away whole


def _props(cloudformation_json):
    return cloudformation_json.get("Properties") or {}


def _tags(props):
    return [{"Key": t["Key"], "Value": t["Value"]} for t in props.get("Tags") or []]


class HttpNamespace(_Created, CloudFormationModel):
    __module__ = MODULE
    cfn_type = "AWS::ServiceDiscovery::HttpNamespace"
    attributes = ("Id", "Arn")

    @classmethod
    def create(cls, resource_name, props, account_id, region_name, logical_id):
        backend = servicediscovery_backends[account_id][region_name]
        op = backend.create_http_namespace(
            name=props["Name"],
            creator_request_id=logical_id,
            description=props.get("Description", ""),
            tags=_tags(props),
        )
        ns = backend.get_namespace(backend.get_operation(op).targets["NAMESPACE"])
        return cls(ns.id, {"Id": ns.id, "Arn": ns.arn})


class Service(_Created, CloudFormationModel):
    __module__ = MODULE
    cfn_type = "AWS::ServiceDiscovery::Service"
    attributes = ("Id", "Arn", "Name")

    @classmethod
    def create(cls, resource_name, props, account_id, region_name, logical_id):
        svc = servicediscovery_backends[account_id][region_name].create_service(
            name=props["Name"],
            namespace_id=props.get("NamespaceId"),
            creator_request_id=logical_id,
            description=props.get("Description", ""),
            dns_config=props.get("DnsConfig"),
            health_check_config=props.get("HealthCheckConfig"),
            health_check_custom_config=props.get("HealthCheckCustomConfig"),
            tags=_tags(props),
            service_type=props.get("Type"),
        )
        return cls(svc.id, {"Id": svc.id, "Arn": svc.arn, "Name": svc.name})


class Instance(_Created, CloudFormationModel):
    __module__ = MODULE
    cfn_type = "AWS::ServiceDiscovery::Instance"

    @classmethod
    def create(cls, resource_name, props, account_id, region_name, logical_id):
        instance_id = props.get("InstanceId") or resource_name
        attrs = {k: str(v) for k, v in (props.get("InstanceAttributes") or {}).items()}
        servicediscovery_backends[account_id][region_name].register_instance(
            service_id=props["ServiceId"],
            instance_id=instance_id,
            creator_request_id=logical_id,
            attributes=attrs,
        )
        return cls(instance_id, {})


def _metric_query(q):
    stat = q.get("MetricStat")
    metric_stat = None
    if stat:
        m = stat["Metric"]
        metric_stat = MetricStat(
            metric=Metric(
                metric_name=m.get("MetricName"),
                namespace=m.get("Namespace"),
                dimensions=[Dimension(name=d["Name"], value=d["Value"]) for d in m.get("Dimensions") or []],
            ),
            period=stat.get("Period"),
            stat=stat.get("Stat"),
            unit=stat.get("Unit"),
        )
    return MetricDataQuery(
        query_id=q.get("Id"),
        label=q.get("Label"),
        period=q.get("Period"),
        return_data=q.get("ReturnData"),
        expression=q.get("Expression"),
        metric_stat=metric_stat,
    )


def _put_alarm(account_id, region_name, name, props, rule=None):
    backend = cloudwatch_backends[account_id][region_name]
    queries = props.get("Metrics")
    alarm = backend.put_metric_alarm(
        name=name,
        namespace=props.get("Namespace"),
        metric_name=props.get("MetricName"),
        metric_data_queries=[_metric_query(q) for q in queries] if queries else None,
        comparison_operator=props.get("ComparisonOperator"),
        evaluation_periods=props.get("EvaluationPeriods"),
        datapoints_to_alarm=props.get("DatapointsToAlarm"),
        period=props.get("Period"),
        threshold=props.get("Threshold"),
        statistic=props.get("Statistic"),
        extended_statistic=props.get("ExtendedStatistic"),
        description=props.get("AlarmDescription"),
        dimensions=props.get("Dimensions") or [],
        alarm_actions=props.get("AlarmActions") or [],
        ok_actions=props.get("OKActions"),
        insufficient_data_actions=props.get("InsufficientDataActions"),
        unit=props.get("Unit"),
        actions_enabled=props.get("ActionsEnabled", True),
        treat_missing_data=props.get("TreatMissingData"),
        evaluate_low_sample_count_percentile=props.get("EvaluateLowSampleCountPercentile"),
        threshold_metric_id=props.get("ThresholdMetricId"),
        rule=rule,
    )
    return alarm.name, {"Arn": alarm.alarm_arn}


class Alarm(_Created, CloudFormationModel):
    __module__ = MODULE
    cfn_type = "AWS::CloudWatch::Alarm"
    attributes = ("Arn",)

    @staticmethod
    def cloudformation_name_type():
        return "AlarmName"

    @classmethod
    def create(cls, resource_name, props, account_id, region_name, logical_id):
        return cls(*_put_alarm(account_id, region_name, resource_name, props))


class CompositeAlarm(_Created, CloudFormationModel):
    __module__ = MODULE
    cfn_type = "AWS::CloudWatch::CompositeAlarm"
    attributes = ("Arn",)

    @staticmethod
    def cloudformation_name_type():
        return "AlarmName"

    @classmethod
    def create(cls, resource_name, props, account_id, region_name, logical_id):
        return cls(*_put_alarm(account_id, region_name, resource_name, props, rule=props["AlarmRule"]))


class Alias(_Created, CloudFormationModel):
    __module__ = MODULE
    cfn_type = "AWS::Lambda::Alias"
    attributes = ("AliasArn",)

    @classmethod
    def create(cls, resource_name, props, account_id, region_name, logical_id):
        alias = lambda_backends[account_id][region_name].create_alias(
            name=props["Name"],
            function_name=props["FunctionName"],
            function_version=props["FunctionVersion"],
            description=props.get("Description", ""),
            routing_config=props.get("RoutingConfig"),
        )
        return cls(alias.arn, {"AliasArn": alias.arn})


class TopicPolicy(_Created, CloudFormationModel):
    __module__ = MODULE
    cfn_type = "AWS::SNS::TopicPolicy"

    @classmethod
    def create(cls, resource_name, props, account_id, region_name, logical_id):
        for topic in props["Topics"]:
            sns_backends[account_id][region_name].set_topic_attribute(topic, "policy", json.dumps(props["PolicyDocument"]))
        return cls(resource_name, {})


class EventInvokeConfig(_Created, CloudFormationModel):
    __module__ = MODULE
    cfn_type = "AWS::Lambda::EventInvokeConfig"

    @classmethod
    def create(cls, resource_name, props, account_id, region_name, logical_id):
        config = {k: props[k] for k in ("MaximumEventAgeInSeconds", "MaximumRetryAttempts", "DestinationConfig") if k in props}
        lambda_backends[account_id][region_name].put_function_event_invoke_config(props["FunctionName"], config)
        return cls(resource_name, {})


class Schedule(_Created, CloudFormationModel):
    __module__ = MODULE
    cfn_type = "AWS::Scheduler::Schedule"
    attributes = ("Arn",)

    @staticmethod
    def cloudformation_name_type():
        return "Name"

    @classmethod
    def create(cls, resource_name, props, account_id, region_name, logical_id):
        schedule = scheduler_backends[account_id][region_name].create_schedule(
            description=props.get("Description"),
            end_date=props.get("EndDate"),
            flexible_time_window=props.get("FlexibleTimeWindow"),
            group_name=props.get("GroupName"),
            kms_key_arn=props.get("KmsKeyArn"),
            name=resource_name,
            schedule_expression=props.get("ScheduleExpression"),
            schedule_expression_timezone=props.get("ScheduleExpressionTimezone"),
            start_date=props.get("StartDate"),
            state=props.get("State"),
            target=props.get("Target"),
            action_after_completion=None,
        )
        return cls(schedule.name, {"Arn": schedule.arn})


def _int(v):
    return None if v is None else int(v)


def _epoch(v):
    """A template's ISO 8601 time as the epoch seconds the JSON API answers."""
    return None if v is None else datetime.fromisoformat(v.replace("Z", "+00:00")).timestamp()


class ScalableTarget(_Created, CloudFormationModel):
    __module__ = MODULE
    cfn_type = "AWS::ApplicationAutoScaling::ScalableTarget"
    attributes = ("Id",)

    @classmethod
    def create(cls, resource_name, props, account_id, region_name, logical_id):
        backend = applicationautoscaling_backends[account_id][region_name]
        namespace, resource_id, dimension = props["ServiceNamespace"], props["ResourceId"], props["ScalableDimension"]
        backend.register_scalable_target(
            namespace=namespace,
            r_id=resource_id,
            dimension=dimension,
            min_capacity=_int(props.get("MinCapacity")),
            max_capacity=_int(props.get("MaxCapacity")),
            role_arn=props.get("RoleARN"),
            suspended_state=props.get("SuspendedState"),
        )
        for action in props.get("ScheduledActions") or []:
            capacity = action.get("ScalableTargetAction") or {}
            backend.put_scheduled_action(
                service_namespace=namespace,
                schedule=action["Schedule"],
                timezone=action.get("Timezone"),
                scheduled_action_name=action["ScheduledActionName"],
                resource_id=resource_id,
                scalable_dimension=dimension,
                start_time=_epoch(action.get("StartTime")),
                end_time=_epoch(action.get("EndTime")),
                scalable_target_action={
                    k: int(capacity[k]) for k in ("MinCapacity", "MaxCapacity") if capacity.get(k) is not None
                },
            )
        # CloudFormation's Ref (and Id) of a scalable target.
        ref = f"{resource_id}|{dimension}|{namespace}"
        return cls(ref, {"Id": ref})


class ScalingPolicy(_Created, CloudFormationModel):
    __module__ = MODULE
    cfn_type = "AWS::ApplicationAutoScaling::ScalingPolicy"
    attributes = ("Arn",)

    @classmethod
    def create(cls, resource_name, props, account_id, region_name, logical_id):
        name = props["PolicyName"]
        if "ScalingTargetId" in props:
            target = props["ScalingTargetId"].split("|")
            if len(target) != 3:
                raise ValidationError(
                    message=f"{cls.cfn_type} {name}: ScalingTargetId {props['ScalingTargetId']!r} is not a "
                    "scalable target's Ref (ResourceId|ScalableDimension|ServiceNamespace)"
                )
            resource_id, dimension, namespace = target
        else:
            resource_id, dimension, namespace = props["ResourceId"], props["ScalableDimension"], props["ServiceNamespace"]
        policy_type = props.get("PolicyType")
        body = props.get("StepScalingPolicyConfiguration" if policy_type == "StepScaling" else "TargetTrackingScalingPolicyConfiguration")
        policy = applicationautoscaling_backends[account_id][region_name].put_scaling_policy(
            policy_name=name,
            service_namespace=namespace,
            resource_id=resource_id,
            scalable_dimension=dimension,
            policy_body=body,
            policy_type=policy_type,
        )
        return cls(policy.policy_arn, {"Arn": policy.policy_arn})


def _elasticache_arn(region, account_id, kind, name):
    return f"arn:aws:elasticache:{region}:{account_id}:{kind}:{name}"


class CacheUser(_Created, CloudFormationModel):
    __module__ = MODULE
    cfn_type = "AWS::ElastiCache::User"
    attributes = ("Arn", "Status")

    @classmethod
    def create(cls, resource_name, props, account_id, region_name, logical_id):
        auth = (props.get("AuthenticationMode") or {}).get("Type") or "no-password-required"
        user = elasticache_backends[account_id][region_name].create_user(
            user_id=props["UserId"],
            user_name=props["UserName"],
            engine=props["Engine"],
            passwords=(props.get("AuthenticationMode") or {}).get("Passwords") or [],
            access_string=props.get("AccessString", ""),
            no_password_required=auth == "no-password-required",
            authentication_type=auth,
            tags=_tags(props),
        )
        return cls(user.id, {"Arn": user.arn, "Status": "active"})


class CacheUserGroup(_Created, CloudFormationModel):
    __module__ = MODULE
    cfn_type = "AWS::ElastiCache::UserGroup"
    attributes = ("Arn", "Status")

    @classmethod
    def create(cls, resource_name, props, account_id, region_name, logical_id):
        group = props["UserGroupId"]
        arn = _elasticache_arn(region_name, account_id, "usergroup", group)
        return cls(group, {"Arn": arn, "Status": "active"})


class ServerlessCache(_Created, CloudFormationModel):
    __module__ = MODULE
    cfn_type = "AWS::ElastiCache::ServerlessCache"
    attributes = (
        "ARN", "Status", "FullEngineVersion", "CreateTime",
        "Endpoint.Address", "Endpoint.Port", "ReaderEndpoint.Address", "ReaderEndpoint.Port",
    )

    @classmethod
    def create(cls, resource_name, props, account_id, region_name, logical_id):
        name = props["ServerlessCacheName"]
        endpoint = os.environ.get(CACHE_ENDPOINT_ENV, "")
        host, sep, port = endpoint.rpartition(":")
        if not sep or not host or not port.isdigit():
            raise ValidationError(
                message=f"{cls.cfn_type} {name}: Lift's local cloud stands in a local Valkey/Redis server for "
                f"ElastiCache, and {CACHE_ENDPOINT_ENV}={endpoint!r} does not name one as host:port "
                "(start the local cloud with a cache stand-in)"
            )
        return cls(name, {
            "ARN": _elasticache_arn(region_name, account_id, "serverlesscache", name),
            "Status": "available",
            "FullEngineVersion": props.get("MajorEngineVersion", ""),
            "CreateTime": "",
            "Endpoint.Address": host,
            "Endpoint.Port": port,
            "ReaderEndpoint.Address": host,
            "ReaderEndpoint.Port": port,
        })


def _camel(v):
    """CloudFormation's PascalCase keys as API Gateway v2's JSON (camelCase) names them."""
    if isinstance(v, dict):
        return {k[:1].lower() + k[1:]: _camel(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_camel(x) for x in v]
    return v


def _apigw(account_id, region_name):
    return apigatewayv2_backends[account_id][region_name]


class HttpApi(_Created, CloudFormationModel):
    __module__ = MODULE
    cfn_type = "AWS::ApiGatewayV2::Api"
    attributes = ("ApiId", "ApiEndpoint")

    @classmethod
    def create(cls, resource_name, props, account_id, region_name, logical_id):
        api = _apigw(account_id, region_name).create_api(
            api_key_selection_expression=props.get("ApiKeySelectionExpression"),
            cors_configuration=_camel(props.get("CorsConfiguration")),
            description=props.get("Description"),
            disable_schema_validation=props.get("DisableSchemaValidation"),
            disable_execute_api_endpoint=props.get("DisableExecuteApiEndpoint"),
            name=props.get("Name", resource_name),
            protocol_type=props.get("ProtocolType", "HTTP"),
            route_selection_expression=props.get("RouteSelectionExpression"),
            tags=props.get("Tags") or {},
            version=props.get("Version"),
        )
        return cls(api.api_id, {"ApiId": api.api_id, "ApiEndpoint": api.api_endpoint})


class HttpApiIntegration(_Created, CloudFormationModel):
    __module__ = MODULE
    cfn_type = "AWS::ApiGatewayV2::Integration"
    attributes = ("IntegrationId",)

    @classmethod
    def create(cls, resource_name, props, account_id, region_name, logical_id):
        integration = _apigw(account_id, region_name).create_integration(
            api_id=props["ApiId"],
            connection_id=props.get("ConnectionId"),
            connection_type=props.get("ConnectionType"),
            content_handling_strategy=props.get("ContentHandlingStrategy"),
            credentials_arn=props.get("CredentialsArn"),
            description=props.get("Description"),
            integration_method=props.get("IntegrationMethod"),
            integration_subtype=props.get("IntegrationSubtype"),
            integration_type=props["IntegrationType"],
            integration_uri=props.get("IntegrationUri"),
            passthrough_behavior=props.get("PassthroughBehavior"),
            payload_format_version=props.get("PayloadFormatVersion"),
            request_parameters=props.get("RequestParameters"),
            request_templates=props.get("RequestTemplates"),
            response_parameters=props.get("ResponseParameters"),
            template_selection_expression=props.get("TemplateSelectionExpression"),
            timeout_in_millis=props.get("TimeoutInMillis"),
            tls_config=_camel(props.get("TlsConfig")),
        )
        return cls(integration.id, {"IntegrationId": integration.id})


class HttpApiAuthorizer(_Created, CloudFormationModel):
    __module__ = MODULE
    cfn_type = "AWS::ApiGatewayV2::Authorizer"
    attributes = ("AuthorizerId",)

    @classmethod
    def create(cls, resource_name, props, account_id, region_name, logical_id):
        authorizer = _apigw(account_id, region_name).create_authorizer(
            api_id=props["ApiId"],
            auth_creds_arn=props.get("AuthorizerCredentialsArn"),
            auth_payload_format_version=props.get("AuthorizerPayloadFormatVersion"),
            auth_result_ttl=props.get("AuthorizerResultTtlInSeconds"),
            authorizer_uri=props.get("AuthorizerUri"),
            authorizer_type=props["AuthorizerType"],
            enable_simple_response=props.get("EnableSimpleResponses"),
            identity_source=props.get("IdentitySource"),
            identity_validation_expr=props.get("IdentityValidationExpression"),
            jwt_config=_camel(props.get("JwtConfiguration")),
            name=props["Name"],
        )
        return cls(authorizer.id, {"AuthorizerId": authorizer.id})


class HttpApiRoute(_Created, CloudFormationModel):
    __module__ = MODULE
    cfn_type = "AWS::ApiGatewayV2::Route"
    attributes = ("RouteId",)

    @classmethod
    def create(cls, resource_name, props, account_id, region_name, logical_id):
        route = _apigw(account_id, region_name).create_route(
            api_id=props["ApiId"],
            api_key_required=props.get("ApiKeyRequired", False),
            authorization_scopes=props.get("AuthorizationScopes"),
            authorization_type=props.get("AuthorizationType"),
            authorizer_id=props.get("AuthorizerId"),
            model_selection_expression=props.get("ModelSelectionExpression"),
            operation_name=props.get("OperationName"),
            request_models=props.get("RequestModels"),
            request_parameters=props.get("RequestParameters"),
            route_key=props["RouteKey"],
            route_response_selection_expression=props.get("RouteResponseSelectionExpression"),
            target=props.get("Target"),
        )
        return cls(route.route_id, {"RouteId": route.route_id})


class HttpApiStage(_Created, CloudFormationModel):
    __module__ = MODULE
    cfn_type = "AWS::ApiGatewayV2::Stage"

    @classmethod
    def create(cls, resource_name, props, account_id, region_name, logical_id):
        config = _camel({k: v for k, v in props.items() if k not in ("ApiId", "Tags")})
        config["tags"] = props.get("Tags") or {}
        stage = _apigw(account_id, region_name).create_stage(props["ApiId"], config)
        return cls(stage.name, {})


class HttpApiDomainName(_Created, CloudFormationModel):
    __module__ = MODULE
    cfn_type = "AWS::ApiGatewayV2::DomainName"
    attributes = ("RegionalDomainName", "RegionalHostedZoneId", "DomainNameArn")

    @classmethod
    def create(cls, resource_name, props, account_id, region_name, logical_id):
        name = props["DomainName"]
        domain = _apigw(account_id, region_name).create_domain_name(
            domain_name=name,
            domain_name_configurations=_camel(props.get("DomainNameConfigurations") or []),
            mutual_tls_authentication=_camel(props.get("MutualTlsAuthentication")),
            tags=props.get("Tags") or {},
        )
        return cls(name, {
            "RegionalDomainName": f"d-{logical_id.lower()[:10]}.execute-api.{region_name}.amazonaws.com",
            "RegionalHostedZoneId": "Z1UJRXOUMOOFQ8",
            "DomainNameArn": domain.domain_name_arn,
        })


class HttpApiMapping(_Created, CloudFormationModel):
    __module__ = MODULE
    cfn_type = "AWS::ApiGatewayV2::ApiMapping"
    attributes = ("ApiMappingId",)

    @classmethod
    def create(cls, resource_name, props, account_id, region_name, logical_id):
        mapping = _apigw(account_id, region_name).create_api_mapping(
            api_id=props["ApiId"],
            api_mapping_key=props.get("ApiMappingKey", ""),
            domain_name=props["DomainName"],
            stage=props["Stage"],
        )
        return cls(mapping.api_mapping_id, {"ApiMappingId": mapping.api_mapping_id})


class FunctionUrl(_Created, CloudFormationModel):
    __module__ = MODULE
    cfn_type = "AWS::Lambda::Url"
    attributes = ("FunctionArn", "FunctionUrl")

    @classmethod
    def create(cls, resource_name, props, account_id, region_name, logical_id):
        # moto keeps one URL per function and ignores Qualifier (the alias);
        # the readback asks for it the same way.
        config = {k: props[k] for k in ("AuthType", "Cors", "InvokeMode") if k in props}
        url = lambda_backends[account_id][region_name].create_function_url_config(props["TargetFunctionArn"], config)
        arn = url.function.function_arn
        if props.get("Qualifier"):
            arn = f"{arn}:{props['Qualifier']}"
        return cls(arn, {"FunctionArn": arn, "FunctionUrl": url.url + "/"})


_create_table = Table.create_from_cloudformation_json.__func__


def _create_table_as_cloudformation_does(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
    props = _props(cloudformation_json)
    sse = props.get("SSESpecification")
    if sse and "SSEEnabled" in sse:
        props["SSESpecification"] = {
            "Enabled": sse["SSEEnabled"],
            "SSEType": sse.get("SSEType", "KMS"),
            **({"KMSMasterKeyId": sse["KMSMasterKeyId"]} if "KMSMasterKeyId" in sse else {}),
        }
    table = _create_table(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
    ttl = props.get("TimeToLiveSpecification")
    if ttl:
        dynamodb_backends[account_id][region_name].update_time_to_live(
            table.name, {"AttributeName": ttl.get("AttributeName", ""), "Enabled": bool(ttl.get("Enabled"))}
        )
    return table


Table.create_from_cloudformation_json = classmethod(_create_table_as_cloudformation_does)

_create_version = LambdaVersion.create_from_cloudformation_json.__func__


def _create_version_with_arn(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
    version = _create_version(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
    fn = lambda_backends[account_id][region_name].get_function(cloudformation_json["Properties"]["FunctionName"])
    version.arn = f"{fn.function_arn}:{version.version}"
    return version


_VERSION_ATTRIBUTES = ("Version", "FunctionArn")


def _version_attribute(self, attr):
    if attr == "Version":
        return str(self.version)  # a string in CloudFormation, and what moto's alias API expects
    if attr == "FunctionArn":
        return self.arn
    raise ValidationError(message=f"Template error: AWS::Lambda::Version has no attribute {attr} ({', '.join(_VERSION_ATTRIBUTES)})")


LambdaVersion.create_from_cloudformation_json = classmethod(_create_version_with_arn)
LambdaVersion.physical_resource_id = property(lambda self: self.arn)
LambdaVersion.get_cfn_attribute = _version_attribute
# moto checks outputs' Fn::GetAtt with this before creating anything; its
# default (any attribute) let CreateStack succeed and DescribeStacks fail.
LambdaVersion.has_cfn_attr = classmethod(lambda cls, attr: attr in _VERSION_ATTRIBUTES)


# moto answers requests on threads and checks a DynamoDB condition, then
# writes, without a lock: two conditional writes racing for one item can both
# succeed, which DynamoDB never allows (idempotency claims rely on it). DynamoDB
# requests run one at a time; others (an SQS long poll) stay concurrent.
_dynamodb_serial = threading.Lock()
_dispatch = DomainDispatcherApplication.__call__


def _dynamodb_one_at_a_time(self, environ, start_response):
    if not environ.get("HTTP_X_AMZ_TARGET", "").startswith("DynamoDB_"):
        return _dispatch(self, environ, start_response)
    with _dynamodb_serial:
        return list(_dispatch(self, environ, start_response))


DomainDispatcherApplication.__call__ = _dynamodb_one_at_a_time


# moto runs a queue's enabled event source mappings itself inside SendMessage:
# it receives the batch at once and invokes the function through Docker,
# which is not there, so each send costs the message one receive (its
# ApproximateReceiveCount, and with it the redrive to the dead-letter queue,
# is off by one) and logs a Docker error. Lift's local cloud polls the
# mappings itself and runs the functions under the emulator
# (internal/localsvc's QueueFeeder), so a queue here never links to its
# mappings: they are still created, listed, updated and deleted as on AWS.
Queue.lambda_event_source_mappings = property(lambda self: {}, lambda self, value: None)


if __name__ == "__main__":
    from moto.server import main

    main(sys.argv[1:])
