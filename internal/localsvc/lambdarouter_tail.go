package localsvc

import (
	"bytes"
	"encoding/base64"
	"io"
	"net/http"
	"os"
	"time"
)

// Lambda returns at most the last 4 KB of an invocation's log with LogType Tail.
const maxLogTail = 4 << 10

// reportWait bounds the wait for the emulator's REPORT line, which it writes
// just after the response.
const reportWait = 500 * time.Millisecond

// logTail captures what an RIE instance logs during one invocation.
type logTail struct {
	path   string
	offset int64
}

// startTail notes the end of the instance's log before an invocation that
// asked for LogType Tail; nil when it did not or the log is not a file.
func (r *LambdaRouter) startTail(req *http.Request, url string) *logTail {
	path, ok := r.opts.LogFiles[url]
	if !ok || req.Header.Get("X-Amz-Log-Type") != "Tail" {
		return nil
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil
	}
	return &logTail{path: path, offset: fi.Size()}
}

// result is the invocation's log lines, base64-encoded as Lambda sends them
// in X-Amz-Log-Result.
func (t *logTail) result() string {
	deadline := time.Now().Add(reportWait)
	var logs []byte
	for {
		logs = t.read()
		if bytes.Contains(logs, []byte("REPORT RequestId")) || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Millisecond) // fine-grained: the wait adds to the caller's round trip
	}
	if len(logs) > maxLogTail {
		logs = logs[len(logs)-maxLogTail:]
	}
	return base64.StdEncoding.EncodeToString(logs)
}

func (t *logTail) read() []byte {
	f, err := os.Open(t.path)
	if err != nil {
		return nil
	}
	defer f.Close()
	if _, err := f.Seek(t.offset, io.SeekStart); err != nil {
		return nil
	}
	b, _ := io.ReadAll(io.LimitReader(f, 1<<20))
	return b
}
