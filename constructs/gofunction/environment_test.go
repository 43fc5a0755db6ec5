package gofunction_test

import (
	"testing"

	"github.com/liftcdk/lift/constructs/gofunction"
)

func TestEnvironmentFromCLI(t *testing.T) {
	for _, tc := range []struct {
		name, account, region string
		wantAccount, wantReg  string // "<nil>" for nil
	}{
		{"both", "123456789012", "eu-west-1", "123456789012", "eu-west-1"},
		{"neither", "", "", "<nil>", "<nil>"},
		{"region only", "", "us-east-1", "<nil>", "us-east-1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("CDK_DEFAULT_ACCOUNT", tc.account)
			t.Setenv("CDK_DEFAULT_REGION", tc.region)
			env := gofunction.EnvironmentFromCLI()
			if got := str(env.Account); got != tc.wantAccount {
				t.Errorf("Account = %s, want %s", got, tc.wantAccount)
			}
			if got := str(env.Region); got != tc.wantReg {
				t.Errorf("Region = %s, want %s", got, tc.wantReg)
			}
		})
	}
}

func str(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}
