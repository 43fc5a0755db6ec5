package cache

import (
	"encoding/json"
	"fmt"
)

// Codec turns GetOrLoad values into bytes and back.
type Codec interface {
	Marshal(v any) ([]byte, error)
	Unmarshal(data []byte, v any) error
}

// JSON is the default codec (encoding/json).
var JSON Codec = jsonCodec{}

type jsonCodec struct{}

func (jsonCodec) Marshal(v any) ([]byte, error)      { return json.Marshal(v) }
func (jsonCodec) Unmarshal(data []byte, v any) error { return json.Unmarshal(data, v) }

// Bytes is a codec for []byte and string values that stores them as they are,
// without JSON's base64 and quoting.
var Bytes Codec = bytesCodec{}

type bytesCodec struct{}

func (bytesCodec) Marshal(v any) ([]byte, error) {
	switch x := v.(type) {
	case []byte:
		return x, nil
	case string:
		return []byte(x), nil
	default:
		return nil, fmt.Errorf("cache: Bytes codec encodes []byte or string, not %T", v)
	}
}

func (bytesCodec) Unmarshal(data []byte, v any) error {
	switch p := v.(type) {
	case *[]byte:
		*p = append([]byte(nil), data...)
	case *string:
		*p = string(data)
	default:
		return fmt.Errorf("cache: Bytes codec decodes into *[]byte or *string, not %T", v)
	}
	return nil
}
