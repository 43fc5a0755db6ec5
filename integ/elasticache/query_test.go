package elasticache

import (
	"context"
	"encoding/xml"
	"fmt"
	"net/url"

	"github.com/liftcdk/lift/internal/localsvc"
)

// The module has no SDK client for EC2 or ElastiCache, and a few Describe
// calls do not warrant two more SDK modules: both speak the query protocol,
// which localsvc.Moto.Query calls.
type queryClient struct{ moto *localsvc.Moto }

// call runs action of service at API version with params and decodes the
// XML answer into out.
func (q queryClient) call(ctx context.Context, service, version, action string, params url.Values, out any) error {
	params.Set("Action", action)
	params.Set("Version", version)
	answer, err := q.moto.Query(ctx, service, params)
	if err != nil {
		return err
	}
	if err := xml.Unmarshal(answer, out); err != nil {
		return fmt.Errorf("%s %s: answer %s: %w", service, action, answer, err)
	}
	return nil
}

// ec2 runs an EC2 Describe action for the ids, passed as idParam.1, .2, ...
func (q queryClient) ec2(ctx context.Context, action, idParam string, ids []string, out any) error {
	params := url.Values{}
	for i, id := range ids {
		params.Set(fmt.Sprintf("%s.%d", idParam, i+1), id)
	}
	return q.call(ctx, "ec2", "2016-11-15", action, params, out)
}

// cacheUser is an ElastiCache user as DescribeUsers returns it.
type cacheUser struct {
	UserID         string `xml:"UserId"`
	UserName       string `xml:"UserName"`
	Engine         string `xml:"Engine"`
	AccessString   string `xml:"AccessString"`
	Authentication struct {
		Type string `xml:"Type"`
	} `xml:"Authentication"`
}

func (q queryClient) describeUser(ctx context.Context, id string) (cacheUser, error) {
	var out struct {
		Users []cacheUser `xml:"DescribeUsersResult>Users>member"`
	}
	if err := q.call(ctx, "elasticache", "2015-02-02", "DescribeUsers", url.Values{"UserId": {id}}, &out); err != nil {
		return cacheUser{}, err
	}
	if len(out.Users) != 1 {
		return cacheUser{}, fmt.Errorf("elasticache DescribeUsers %s: %d users", id, len(out.Users))
	}
	return out.Users[0], nil
}

type vpc struct {
	ID string `xml:"vpcId"`
}

type subnet struct {
	ID                  string `xml:"subnetId"`
	VpcID               string `xml:"vpcId"`
	AvailabilityZone    string `xml:"availabilityZone"`
	MapPublicIPOnLaunch bool   `xml:"mapPublicIpOnLaunch"`
}

type securityGroup struct {
	ID      string         `xml:"groupId"`
	VpcID   string         `xml:"vpcId"`
	Ingress []ipPermission `xml:"ipPermissions>item"`
}

type ipPermission struct {
	Protocol string   `xml:"ipProtocol"`
	FromPort int      `xml:"fromPort"`
	ToPort   int      `xml:"toPort"`
	Groups   []string `xml:"groups>item>groupId"`
	CIDRs    []string `xml:"ipRanges>item>cidrIp"`
	CIDRv6s  []string `xml:"ipv6Ranges>item>cidrIpv6"`
}

func (q queryClient) describeVpcs(ctx context.Context, ids ...string) ([]vpc, error) {
	var out struct {
		Vpcs []vpc `xml:"vpcSet>item"`
	}
	err := q.ec2(ctx, "DescribeVpcs", "VpcId", ids, &out)
	return out.Vpcs, err
}

func (q queryClient) describeSubnets(ctx context.Context, ids ...string) ([]subnet, error) {
	var out struct {
		Subnets []subnet `xml:"subnetSet>item"`
	}
	err := q.ec2(ctx, "DescribeSubnets", "SubnetId", ids, &out)
	return out.Subnets, err
}

func (q queryClient) describeSecurityGroups(ctx context.Context, ids ...string) ([]securityGroup, error) {
	var out struct {
		Groups []securityGroup `xml:"securityGroupInfo>item"`
	}
	err := q.ec2(ctx, "DescribeSecurityGroups", "GroupId", ids, &out)
	return out.Groups, err
}
