package testsvc

import (
	"archive/zip"
	"bytes"
	"context"
	"net/url"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
)

// LambdaFunction creates the function name in this server's Lambda, with an
// execution role of its own and a placeholder package: moto keeps its
// configuration (aliases, versions, event source mappings on it) and the
// emulator runs the real code. It returns the function's configuration.
func (m *MotoServer) LambdaFunction(t testing.TB, name string) *lambda.CreateFunctionOutput {
	t.Helper()
	ctx := context.Background()
	if _, err := m.Query(ctx, "iam", url.Values{"Action": {"CreateRole"}, "Version": {"2010-05-08"}, "RoleName": {name},
		"AssumeRolePolicyDocument": {`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`}}); err != nil {
		t.Fatalf("testsvc: role for %s: %v", name, err)
	}
	var pkg bytes.Buffer
	z := zip.NewWriter(&pkg)
	_, err := z.Create("bootstrap")
	if err == nil {
		err = z.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	fn, err := lambda.NewFromConfig(m.AWSConfig(t)).CreateFunction(ctx, &lambda.CreateFunctionInput{
		FunctionName: aws.String(name), Runtime: lambdatypes.RuntimeProvidedal2023, Handler: aws.String("bootstrap"),
		Role: aws.String("arn:aws:iam::123456789012:role/" + name), Code: &lambdatypes.FunctionCode{ZipFile: pkg.Bytes()},
	})
	if err != nil {
		t.Fatalf("testsvc: CreateFunction %s: %v", name, err)
	}
	return fn
}
