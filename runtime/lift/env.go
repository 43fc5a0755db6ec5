package lift

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/liftcdk/lift/internal/contract"
)

// ErrInvalidConfig is returned (wrapped) by NewHandler for a bad option or
// environment variable. The message names the option or variable, the value
// and the fix. Start reports it and exits with status 1: a misconfigured
// function fails its init loudly (Lambda shows Runtime.ExitError and the log
// line) instead of serving with a guessed setting.
var ErrInvalidConfig = errors.New("lift: invalid configuration")

// Lambda's own environment, set by the service (and by RIE).
const (
	envRuntimeAPI      = "AWS_LAMBDA_RUNTIME_API"
	envInitType        = "AWS_LAMBDA_INITIALIZATION_TYPE"
	envFunctionTimeout = "AWS_LAMBDA_FUNCTION_TIMEOUT"
)

const (
	initOnDemand = "on-demand"
	// defaultLocalTimeout matches RIE's default function timeout.
	defaultLocalTimeout = 300 * time.Second
)

type envConfig struct {
	shutdownBudget time.Duration
	logLevel       slog.Level
	initType       string
	controlAuth    controlAuth
}

func readEnv(getenv func(string) string) (envConfig, error) {
	e := envConfig{
		shutdownBudget: contract.DefaultShutdownBudget,
		logLevel:       slog.LevelInfo,
		initType:       getenv(envInitType),
	}
	// Lambda always sets the init type; the emulator and SAM local do not,
	// and there every process start is an on-demand init.
	if e.initType == "" {
		e.initType = initOnDemand
	}
	var errs []error
	if v := getenv(contract.EnvShutdownBudget); v != "" {
		d, err := time.ParseDuration(v)
		if err == nil {
			err = validBudget(d)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%w: %s=%q: %v; set a Go duration such as %q, or unset it for the default %v",
				ErrInvalidConfig, contract.EnvShutdownBudget, v, err, "400ms", contract.DefaultShutdownBudget))
		} else {
			e.shutdownBudget = d
		}
	}
	if v := getenv(contract.EnvLogLevel); v != "" {
		if err := e.logLevel.UnmarshalText([]byte(strings.ToLower(v))); err != nil || strings.ContainsAny(v, "+-") {
			errs = append(errs, fmt.Errorf("%w: %s=%q is not a log level; use debug, info, warn or error, or unset it for info",
				ErrInvalidConfig, contract.EnvLogLevel, v))
		}
	}
	var err error
	if e.controlAuth, err = readControlAuth(getenv); err != nil {
		errs = append(errs, err)
	}
	return e, errors.Join(errs...)
}

// localAddr reads LIFT_LOCAL_ADDR for local mode.
func localAddr(getenv func(string) string) (string, error) {
	addr := getenv(contract.EnvLocalAddr)
	if addr == "" {
		return contract.DefaultLocalAddr, nil
	}
	if _, port, err := net.SplitHostPort(addr); err != nil || port == "" {
		return "", fmt.Errorf("%w: %s=%q is not host:port; set it like %q (loopback keeps the local server private), or unset it for the default",
			ErrInvalidConfig, contract.EnvLocalAddr, addr, contract.DefaultLocalAddr)
	}
	return addr, nil
}

// localTimeout reads AWS_LAMBDA_FUNCTION_TIMEOUT (seconds) for local mode.
func localTimeout(getenv func(string) string) (time.Duration, error) {
	v := getenv(envFunctionTimeout)
	if v == "" {
		return defaultLocalTimeout, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%w: %s=%q must be a positive whole number of seconds, such as 30", ErrInvalidConfig, envFunctionTimeout, v)
	}
	return time.Duration(n) * time.Second, nil
}
