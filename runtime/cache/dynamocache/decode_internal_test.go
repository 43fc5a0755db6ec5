package dynamocache

import (
	"bytes"
	"errors"
	"strconv"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

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
