// Command checked answers LIFT_CHECK=1 the way lift.Start does (one JSON line
// on stderr, exit 0 or 1, no serving), so gofunction's synth-time check is
// tested without the runtime: CHECK_VERDICT=pass in its environment makes it
// valid, anything else makes it refuse its handler signature.
package main

import (
	"encoding/json"
	"fmt"
	"os"
)

func main() {
	if os.Getenv("LIFT_CHECK") != "1" {
		fmt.Println("serving")
		return
	}
	answer := map[string]any{"lift": "check", "ok": true}
	switch {
	case os.Getenv("HOME") != "":
		answer["ok"], answer["error"] = false, "the check passed the synth process's environment (HOME) to the handler"
	case os.Getenv("CHECK_VERDICT") != "pass":
		answer["ok"], answer["error"] = false, fmt.Sprintf(
			"lift.Start: handler func(int, int) is not supported: use func(context.Context, In) (Out, error) (LIFT_SERVICE=%s, CHECK_VERDICT=%q)",
			os.Getenv("LIFT_SERVICE"), os.Getenv("CHECK_VERDICT"))
	}
	line, _ := json.Marshal(answer)
	fmt.Fprintln(os.Stderr, string(line))
	if answer["ok"] == false {
		os.Exit(1)
	}
}
