package cachetier

import (
	"regexp"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// ElastiCache identifiers (serverless cache names, replication group ids, user
// and user group ids) are 1-40 characters: a lowercase letter, then lowercase
// letters, digits and single hyphens, not ending with a hyphen. The tier derives
// its user and user group ids from the cache name plus a suffix, so the cache
// name leaves room for the longest suffix.
const (
	maxElastiCacheID  = 40
	longestIDSuffix   = len(defaultUserSuffix)
	maxCacheNameChars = maxElastiCacheID - longestIDSuffix
	appUserSuffix     = "-app"
	defaultUserSuffix = "-default"
	userGroupSuffix   = "-users"
)

var (
	elastiCacheIDPattern = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)
	notIDChar            = regexp.MustCompile(`[^a-z0-9]+`)
)

// validCacheName reports whether name can be a cache name here.
func validCacheName(name string) bool {
	return len(name) <= maxCacheNameChars && elastiCacheIDPattern.MatchString(name)
}

// generatedCacheName derives a stable, unique-per-path cache name from c's
// construct path (with CDK's hash suffix), fitted to ElastiCache's rules.
func generatedCacheName(c constructs.IConstruct) string {
	raw := *awscdk.Names_UniqueResourceName(c, &awscdk.UniqueResourceNameOptions{
		MaxLength: jsii.Number(float64(maxCacheNameChars)),
		Separator: jsii.String("-"),
	})
	name := strings.Trim(notIDChar.ReplaceAllString(strings.ToLower(raw), "-"), "-")
	if name == "" || name[0] < 'a' || name[0] > 'z' {
		name = "c" + name
	}
	if len(name) > maxCacheNameChars {
		// Keep the tail: UniqueResourceName puts its hash there.
		name = "c" + strings.TrimLeft(name[len(name)-maxCacheNameChars+1:], "-")
	}
	return strings.TrimRight(name, "-")
}
