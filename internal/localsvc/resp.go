package localsvc

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"
)

// A minimal RESP2 client: enough to probe, configure and poke a server in a
// test without pulling a Redis client library into this package.

// RESPError is an error reply from the server ("-ERR ...").
type RESPError string

func (e RESPError) Error() string { return string(e) }

// Bounds on replies, so a broken or hostile peer cannot make the reader
// allocate without limit or recurse forever.
const (
	maxBulkLen  = 64 << 20
	maxArrayLen = 1 << 20
	maxDepth    = 16
)

var errProtocol = errors.New("resp: protocol error")

type respConn struct {
	conn net.Conn
	r    *bufio.Reader
}

func dialRESP(ctx context.Context, addr string, tlsConfig *tls.Config) (*respConn, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	if tlsConfig != nil {
		tc := tls.Client(conn, tlsConfig.Clone())
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return nil, fmt.Errorf("TLS handshake with %s: %w", addr, err)
		}
		conn = tc
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	return &respConn{conn: conn, r: bufio.NewReader(conn)}, nil
}

func (c *respConn) Close() error { return c.conn.Close() }

// do sends one command and reads its reply: string, int64, []any or nil; an
// error reply is returned as a RESPError.
func (c *respConn) do(args ...string) (any, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
	}
	if _, err := io.WriteString(c.conn, b.String()); err != nil {
		return nil, err
	}
	reply, err := readReply(c.r, 0)
	if err != nil {
		return nil, err
	}
	if e, ok := reply.(RESPError); ok {
		return nil, e
	}
	return reply, nil
}

func readReply(r *bufio.Reader, depth int) (any, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("%w: nesting deeper than %d", errProtocol, maxDepth)
	}
	line, err := r.ReadString('\n')
	if err != nil {
		return nil, err
	}
	if len(line) < 3 || !strings.HasSuffix(line, "\r\n") {
		return nil, fmt.Errorf("%w: bad line %q", errProtocol, line)
	}
	kind, body := line[0], line[1:len(line)-2]
	switch kind {
	case '+':
		return body, nil
	case '-':
		return RESPError(body), nil
	case ':':
		n, err := strconv.ParseInt(body, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%w: bad integer %q", errProtocol, body)
		}
		return n, nil
	case '$':
		n, err := strconv.Atoi(body)
		if err != nil || n < -1 || n > maxBulkLen {
			return nil, fmt.Errorf("%w: bad bulk length %q", errProtocol, body)
		}
		if n == -1 {
			return nil, nil
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(r, buf); err != nil {
			return nil, err
		}
		if buf[n] != '\r' || buf[n+1] != '\n' {
			return nil, fmt.Errorf("%w: bulk string not terminated by CRLF", errProtocol)
		}
		return string(buf[:n]), nil
	case '*':
		n, err := strconv.Atoi(body)
		if err != nil || n < -1 || n > maxArrayLen {
			return nil, fmt.Errorf("%w: bad array length %q", errProtocol, body)
		}
		if n == -1 {
			return nil, nil
		}
		out := make([]any, 0, min(n, 1024))
		for range n {
			v, err := readReply(r, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	default:
		return nil, fmt.Errorf("%w: unknown reply type %q", errProtocol, kind)
	}
}

// respDo dials, authenticates when password is set, runs one command and closes.
func respDo(ctx context.Context, addr string, tlsConfig *tls.Config, password string, args ...string) (any, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	c, err := dialRESP(ctx, addr, tlsConfig)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	if password != "" {
		if _, err := c.do("AUTH", password); err != nil {
			return nil, fmt.Errorf("AUTH: %w", err)
		}
	}
	return c.do(args...)
}
