package lift

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"

	"github.com/aws/aws-lambda-go/lambda/messages"

	"github.com/liftcdk/lift/internal/contract"
)

// unauthenticatedHold caps the hold of a warm-up without a valid token when
// LIFT_CONTROL_AUTH is optional: enough for a bare warmer's parallel invokes
// to overlap a little, too little for forged warm-ups to burn compute (20 of
// them hold 2 s in all, not 100 s).
const unauthenticatedHold = contract.UnauthenticatedWarmupHold

// controlRefusedType is the errorType of the answer to a control event
// refused for want of a valid token.
const controlRefusedType = "Lift.ControlEventRefused"

// errControlRefused is that answer. It says what the caller lacks and no more.
var errControlRefused = messages.InvokeResponse_Error{
	Type:    controlRefusedType,
	Message: "control event refused: it carries no valid token",
}

// controlAuth decides whether a control event is authenticated: its token's
// SHA-256 equals LIFT_CONTROL_TOKEN_SHA256.
type controlAuth struct {
	tokenSHA256 [sha256.Size]byte
	hasHash     bool
	required    bool // LIFT_CONTROL_AUTH=required: refuse the others
}

// readControlAuth reads LIFT_CONTROL_AUTH and LIFT_CONTROL_TOKEN_SHA256.
func readControlAuth(getenv func(string) string) (controlAuth, error) {
	var a controlAuth
	switch mode := getenv(contract.EnvControlAuth); mode {
	case "", contract.ControlAuthOptional:
	case contract.ControlAuthRequired:
		a.required = true
	default:
		return a, fmt.Errorf("%w: %s=%.40q is not a control-event auth mode; use %s (the default: unauthenticated control events are answered, their warm-up hold capped at %v) or %s (they are refused)",
			ErrInvalidConfig, contract.EnvControlAuth, mode, contract.ControlAuthOptional, unauthenticatedHold, contract.ControlAuthRequired)
	}
	v := getenv(contract.EnvControlTokenSHA256)
	if v == "" {
		if a.required {
			return a, fmt.Errorf("%w: %s=%s but %s is unset, so no control event could be authenticated; set %s to the hex SHA-256 of the warmer's control token, or set %s=%s",
				ErrInvalidConfig, contract.EnvControlAuth, contract.ControlAuthRequired, contract.EnvControlTokenSHA256, contract.EnvControlTokenSHA256, contract.EnvControlAuth, contract.ControlAuthOptional)
		}
		return a, nil
	}
	if len(v) != hex.EncodedLen(sha256.Size) || !decodeHex(a.tokenSHA256[:], v) {
		// The value is not repeated: it may be the token itself, set by mistake.
		return a, fmt.Errorf("%w: %s is not a SHA-256 in hex (%d characters); set it to the 64 hex digits of the control token's SHA-256 (printf %%s \"$TOKEN\" | sha256sum), or unset it",
			ErrInvalidConfig, contract.EnvControlTokenSHA256, len(v))
	}
	a.hasHash = true
	return a, nil
}

func decodeHex(dst []byte, s string) bool {
	_, err := hex.Decode(dst, []byte(s))
	return err == nil
}

// authenticated reports, in constant time for a given token length, whether
// token is the control token.
func (a *controlAuth) authenticated(token string) bool {
	if !a.hasHash || token == "" {
		return false
	}
	sum := sha256.Sum256([]byte(token))
	return subtle.ConstantTimeCompare(sum[:], a.tokenSHA256[:]) == 1
}

// refuse answers a control event refused for want of a valid token: logged
// at WARN and counted, never passed to the user's handler.
func (h *Handler) refuse(ctx context.Context, ev controlEvent) error {
	h.controlRefused.Add(1)
	Logger(ctx).Warn("lift: control event refused: no valid token ("+contract.EnvControlAuth+"="+contract.ControlAuthRequired+")",
		"event", ev.kind.String(), "tokenPresent", ev.token != "")
	return errControlRefused
}
