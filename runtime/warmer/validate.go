package warmer

import (
	"fmt"
	"strings"
)

// validateTargets splits targets into the ones to warm and, by index, the
// errors of the ones refused.
func validateTargets(targets []Target) ([]Target, map[int]error) {
	var valid []Target
	invalid := map[int]error{}
	names := map[string]int{}
	for i, t := range targets {
		err := validateTarget(t)
		if j, dup := names[t.Name]; dup && err == nil {
			err = fmt.Errorf("%w: targets[%d].name %q repeats targets[%d]: names are metric dimensions, give each target its own", ErrInvalidTarget, i, t.Name, j)
		}
		if err != nil {
			invalid[i] = fmt.Errorf("targets[%d]: %w", i, err)
			continue
		}
		names[t.Name] = i
		valid = append(valid, t)
	}
	return valid, invalid
}

func validateTarget(t Target) error {
	if t.Name == "" {
		return fmt.Errorf("%w: name is empty: set it to the function's logical name (the Target metric dimension)", ErrInvalidTarget)
	}
	if t.Concurrency < 1 {
		return fmt.Errorf("%w: %s: concurrency %d: set it to 1 or more environments", ErrInvalidTarget, t.Name, t.Concurrency)
	}
	if _, err := Qualifier(t.ARN); err != nil {
		return fmt.Errorf("%w: %s: %w", ErrInvalidTarget, t.Name, err)
	}
	return nil
}

// Qualifier returns the alias or version of a qualified Lambda function ARN
// (arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME:QUALIFIER). Unqualified
// ARNs and $LATEST are refused: warming $LATEST does not warm what an alias
// serves, and provisioned concurrency never applies to it.
func Qualifier(arn string) (string, error) {
	parts := strings.Split(arn, ":")
	if len(parts) < 7 || parts[0] != "arn" || parts[2] != "lambda" || parts[5] != "function" || parts[6] == "" {
		return "", fmt.Errorf("arn %q is not a Lambda function ARN: use the alias or version ARN (arn:aws:lambda:REGION:ACCOUNT:function:NAME:ALIAS)", arn)
	}
	if len(parts) == 7 {
		return "", fmt.Errorf("arn %q is unqualified: append the alias or version (…:%s:live)", arn, parts[6])
	}
	if len(parts) > 8 || parts[7] == "" {
		return "", fmt.Errorf("arn %q has a malformed qualifier: use …:function:NAME:ALIAS", arn)
	}
	if parts[7] == "$LATEST" {
		return "", fmt.Errorf("arn %q targets $LATEST: warm an alias or a published version instead", arn)
	}
	return parts[7], nil
}
