#!/usr/bin/env bash
# Installs everything `make test` and `make demo` need, and nothing twice:
#   - Node 22 and the CDK CLI, pinned in package.json / package-lock.json (npm ci)
#   - the Lambda Runtime Interface Emulator (tools/go.mod) and staticcheck
#     (tools/lint/go.mod), pinned, into .tools/bin
#   - redis-server and valkey-server from Debian (valkey from bookworm-backports),
#     and pyflakes3, the Python linter `make lint` runs on internal/localsvc/motocfn
#   - chromium from Debian, the headless browser the lift dev dashboard test drives
#   - checks for the preinstalled Python tools: moto_server, cfn-lint, aws
# Idempotent: each step is skipped when its pinned result is already in place.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: ERROR: %s\n' "$*" >&2; exit 1; }

# sha256 of the given files, used as an install stamp.
fingerprint() { cat "$@" | sha256sum | cut -d' ' -f1; }

# --- Go ----------------------------------------------------------------------
command -v go >/dev/null || die "go not found on PATH; install Go >= 1.26.6 (see go.mod)"
go_minor="$(go env GOVERSION | sed -E 's/^go1\.([0-9]+).*/\1/')"
[[ "$go_minor" -ge 26 ]] || die "Go $(go env GOVERSION) is too old; the RIE pin and go.mod need Go >= 1.26.6"

# --- Node 22 + CDK CLI (npm) ---------------------------------------------------
command -v npm >/dev/null || die "npm not found on PATH; install Node.js >= 18 with npm (it bootstraps the pinned Node 22)"
npm_stamp="node_modules/.lift-setup-stamp"
want="$(fingerprint package.json package-lock.json)"
if [[ -x node_modules/.bin/node && -x node_modules/.bin/cdk && -f "$npm_stamp" && "$(cat "$npm_stamp")" == "$want" ]]; then
  say "node $(node_modules/.bin/node --version), cdk $(node_modules/.bin/cdk --version 2>/dev/null | cut -d' ' -f1): up to date"
else
  say "npm ci (aws-cdk CLI + Node 22, pinned in package-lock.json)"
  npm ci --no-audit --no-fund --loglevel=error
  [[ -x node_modules/.bin/node ]] || die "npm ci did not install node_modules/.bin/node (the 'node' package's install script was blocked?)"
  echo "$want" >"$npm_stamp"
  say "installed node $(node_modules/.bin/node --version), cdk $(node_modules/.bin/cdk --version 2>/dev/null | cut -d' ' -f1)"
fi

# --- Go tools, each module's `tool` lines built into .tools/bin ----------------
# install_tools DIR BIN...: `go install tool` in the module DIR, skipped when
# its go.mod/go.sum and the Go version are unchanged since the last install.
install_tools() {
  local dir="$1"; shift
  local stamp=".tools/$(echo "$dir" | tr / -).stamp"
  local want bin
  want="$(fingerprint "$dir/go.mod" "$dir/go.sum" <(go env GOVERSION))"
  local have=1
  for bin in "$@"; do [[ -x ".tools/bin/$bin" ]] || have=0; done
  if [[ "$have" == 1 && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    say "$*: up to date"
    return
  fi
  say "building $* (pinned in $dir/go.mod) into .tools/bin"
  mkdir -p .tools/bin
  (cd "$dir" && GOBIN="$root/.tools/bin" GOFLAGS=-mod=mod go install tool)
  for bin in "$@"; do [[ -x ".tools/bin/$bin" ]] || die "go install did not produce .tools/bin/$bin"; done
  echo "$want" >"$stamp"
}
# The Lambda Runtime Interface Emulator; staticcheck in a module of its own so
# its dependencies never change the emulator's.
install_tools tools aws-lambda-rie
install_tools tools/lint staticcheck

# --- redis-server / valkey-server / pyflakes3 (Debian packages) ----------------
need=()
command -v redis-server >/dev/null || need+=(redis-server)
command -v valkey-server >/dev/null || need+=(valkey-server)
command -v pyflakes3 >/dev/null || need+=(pyflakes3)
command -v chromium >/dev/null || need+=(chromium)
if [[ ${#need[@]} -eq 0 ]]; then
  say "redis-server $(redis-server --version | sed -E 's/.* v=([^ ]+).*/\1/'), valkey-server $(valkey-server --version | sed -E 's/.* v=([^ ]+).*/\1/'), pyflakes3 $(pyflakes3 --version | cut -d' ' -f1), $(chromium --version 2>/dev/null | head -n1): installed"
else
  command -v apt-get >/dev/null || die "missing ${need[*]} and no apt-get: install Redis >= 7 and Valkey >= 8 (both with TLS) yourself"
  sudo=()
  if [[ "$(id -u)" -ne 0 ]]; then
    command -v sudo >/dev/null || die "missing ${need[*]}: run 'make setup' as root or install them yourself"
    sudo=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  mkdir -p .tools
  apt_log="$root/.tools/apt.log"
  : >"$apt_log"
  # Quiet on success; on failure show apt's own words.
  apt_get() {
    "${sudo[@]}" apt-get -q -y -o Dpkg::Use-Pty=0 "$@" >>"$apt_log" 2>&1 ||
      { tail -n 30 "$apt_log" >&2; die "apt-get $* failed (full log: $apt_log)"; }
  }
  say "apt-get install ${need[*]}"
  apt_get update
  if [[ " ${need[*]} " == *" redis-server "* ]]; then
    apt_get install --no-install-recommends redis-server
  fi
  if [[ " ${need[*]} " == *" pyflakes3 "* ]]; then
    apt_get install --no-install-recommends pyflakes3
  fi
  if [[ " ${need[*]} " == *" chromium "* ]]; then
    apt_get install --no-install-recommends chromium
  fi
  if [[ " ${need[*]} " == *" valkey-server "* ]]; then
    # Debian 12 ships Valkey only in bookworm-backports; newer releases have it in main.
    if ! apt-cache show valkey-server >/dev/null 2>&1; then
      codename="$(. /etc/os-release && echo "${VERSION_CODENAME:-}")"
      [[ -n "$codename" ]] || die "cannot tell the Debian release to add its backports for valkey-server"
      src="/etc/apt/sources.list.d/${codename}-backports.sources"
      if [[ ! -f "$src" ]]; then
        say "adding ${codename}-backports to apt sources ($src)"
        printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: %s-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$codename" |
          "${sudo[@]}" tee "$src" >/dev/null
      fi
      apt_get update
      apt_get install --no-install-recommends -t "${codename}-backports" valkey-server
    else
      apt_get install --no-install-recommends valkey-server
    fi
  fi
  for b in "${need[@]}"; do
    command -v "$b" >/dev/null || die "$b still missing after apt-get install"
  done
  say "installed ${need[*]}"
fi

# --- Preinstalled Python tools -------------------------------------------------
missing=()
for b in moto_server cfn-lint aws; do
  command -v "$b" >/dev/null || missing+=("$b")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  die "missing ${missing[*]}: install them with pip (pip install 'moto[server]==5.2.1' cfn-lint==1.51.0 awscli); PyPI is not reachable from here, so they must come with the machine image"
fi
# The local cloud runs moto through internal/localsvc/motocfn with python3,
# which extends moto's CloudFormation and so needs this exact moto.
moto_version="$(python3 -c 'import moto; print(moto.__version__)' 2>/dev/null || true)"
[[ "$moto_version" == "5.2.1" ]] || die "python3 imports moto '${moto_version:-none}', the local cloud needs moto 5.2.1 (pip install 'moto[server]==5.2.1' for the python3 on PATH)"
say "moto_server (moto $moto_version for python3), cfn-lint, aws: found"
say "done"
