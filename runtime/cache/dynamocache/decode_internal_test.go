package dynamocache

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/liftcdk/lift/internal/contract"
	"github.com/liftcdk/lift/runtime/cache"
)

// FuzzDecodeItem: any item read from the table either decodes to its value
// and a non-negative expiry or fails with ErrCorruptEntry; it never panics.
func FuzzDecodeItem(f *testing.F) {
	f.Add("1800000000", []byte("v"), false)
	f.Add("-1", []byte{}, false)
	f.Add("1e9", []byte{0xff}, true)
	f.Add("99999999999999999999", []byte(nil), false)
	f.Fuzz(func(t *testing.T, ttl string, value []byte, valueAsString bool) {
		item := map[string]types.AttributeValue{"expiresAt": &types.AttributeValueMemberN{Value: ttl}}
		if valueAsString {
			item[ValueAttribute] = &types.AttributeValueMemberS{Value: string(value)}
		} else {
			item[ValueAttribute] = &types.AttributeValueMemberB{Value: value}
		}
		v, exp, err := decodeItem(item, "expiresAt")
		if err != nil {
			if !errors.Is(err, cache.ErrCorruptEntry) {
				t.Fatalf("error %v does not wrap ErrCorruptEntry", err)
			}
			return
		}
		if valueAsString || !bytes.Equal(v, value) || v == nil {
			t.Fatalf("decoded %q from %q (string %v)", v, value, valueAsString)
		}
		if secs, _ := strconv.ParseInt(ttl, 10, 64); exp.Unix() != secs || secs < 0 {
			t.Fatalf("expiry %v from %q", exp, ttl)
		}
	})
}

// The runtime refuses at start exactly what cachetier refuses at synth
// (contract.ValidCacheAttributes), from the environment and from options.
func TestAttributesFollowTheContractRule(t *testing.T) {
	for _, a := range []struct{ key, ttl string }{
		{"v", "expiresAt"}, {"pk", "v"}, {"pk", "pk"}, {strings.Repeat("k", 256), "expiresAt"},
	} {
		env := func(k string) (string, bool) {
			v, ok := map[string]string{contract.EnvCacheTable: "t", contract.EnvCacheKeyAttribute: a.key, contract.EnvCacheTTLAttribute: a.ttl}[k]
			return v, ok
		}
		if _, err := ConfigFromEnv(env); !errors.Is(err, cache.ErrInvalidConfig) || contract.ValidCacheAttributes(a.key, a.ttl) == nil {
			t.Errorf("key %.20q, TTL %q: ConfigFromEnv = %v, want ErrInvalidConfig as the contract rule says", a.key, a.ttl, err)
		}
		if _, err := New(noAPI{}, "t", WithKeyAttribute(a.key), WithTTLAttribute(a.ttl)); !errors.Is(err, cache.ErrInvalidConfig) {
			t.Errorf("key %.20q, TTL %q: New = %v, want ErrInvalidConfig", a.key, a.ttl, err)
		}
	}
}

type noAPI struct{ API }
