# Lift — build, test and demo entry points. `make demo` and `make test` install
# or start everything they need (see scripts/setup.sh); nothing is assumed to be
# installed by hand beyond Go, npm, apt (Debian) and the Python AWS tools.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

# Pinned tools first: Node 22 + cdk from node_modules, aws-lambda-rie from .tools.
export PATH := $(CURDIR)/node_modules/.bin:$(CURDIR)/.tools/bin:$(PATH)
# Keep CDK and Go from phoning home or prompting.
export CDK_DISABLE_VERSION_CHECK := true
export CDK_CLI_NOTICES := false

GO          ?= go
TEST_TIMEOUT ?= 30m
GOTESTFLAGS ?=

# Package trees, each included only once it exists, so a tree that has not
# landed yet never breaks `make test`.
tree = $(if $(wildcard $(1)/*),./$(1)/...)
RACE_PKGS  := $(strip $(call tree,runtime) $(call tree,internal))
CDK_PKGS   := $(strip $(call tree,constructs) $(call tree,examples) $(call tree,docs))
INTEG_PKGS := $(strip $(call tree,integ) $(call tree,cmd))
BENCH_PKGS := $(strip $(call tree,runtime) $(call tree,internal) $(call tree,constructs))

.PHONY: help setup test vet test-race test-cdk test-integ demo synth golden bench lint fmt clean

help: ## list targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-11s %s\n", $$1, $$2}'

setup: ## install pinned tools: Node 22 + cdk (npm ci), aws-lambda-rie, redis/valkey; check moto/cfn-lint/aws
	@scripts/setup.sh

test: setup lint test-race test-cdk test-integ ## everything CI runs

# A test whose tool is missing skips on its own (one line saying how to get the
# tool); under `make test`, which installs them all, it fails instead.
test: export LIFT_REQUIRE_SERVICES := 1

vet: ## go vet the whole module
	$(GO) vet ./...

test-race: ## runtime/ and internal/ with the race detector
	$(if $(RACE_PKGS),$(GO) test -race -timeout $(TEST_TIMEOUT) $(GOTESTFLAGS) $(RACE_PKGS),@echo "no runtime/ or internal/ packages yet")

test-cdk: ## constructs/, examples/ and docs/ (CDK synth; no -race: too slow with jsii)
	$(if $(CDK_PKGS),$(GO) test -timeout $(TEST_TIMEOUT) $(GOTESTFLAGS) $(CDK_PKGS),@echo "no constructs/ or examples/ packages yet")

test-integ: ## integ/ and cmd/: real moto, cdk deploy, RIE (never cached: they drive outside processes)
	$(if $(INTEG_PKGS),$(GO) test -count=1 -timeout $(TEST_TIMEOUT) $(GOTESTFLAGS) $(INTEG_PKGS),@echo "no integ/ or cmd/ packages yet")

demo: setup ## deploy the quickstart to a local cloud (moto) and run it under the Lambda RIE
	$(GO) run ./internal/cmd/liftdemo

synth: setup ## cdk synth the quickstart (cdk.json at the root)
	cdk synth

golden: setup ## regenerate golden templates
	LIFT_UPDATE_GOLDEN=1 $(GO) test -count=1 -timeout $(TEST_TIMEOUT) $(CDK_PKGS)

bench: setup ## benchmarks (compare each against its named baseline in the same run)
	$(GO) test -run '^$$' -bench . -benchmem -timeout $(TEST_TIMEOUT) $(BENCH_PKGS)
	$(GO) run ./internal/cmd/bench/compare -runs 9
	$(GO) run ./internal/cmd/benchtable -count 7

lint: setup ## gofmt, go vet, staticcheck (pinned in tools/lint/go.mod) and pyflakes3 on the Python files
	@out="$$(gofmt -l $$(git ls-files '*.go'))"; \
	  if [[ -n "$$out" ]]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	staticcheck ./...
	pyflakes3 $$(git ls-files '*.py')

fmt: ## gofmt -w the tracked Go files
	gofmt -w $$(git ls-files '*.go')

clean: ## remove build outputs (keeps installed tools)
	rm -rf cdk.out examples/*/cdk.out

.PHONY: synth-scale
synth-scale: setup ## cdk synth time and peak memory of generated 1/10/30-service apps (SYNTHSCALE_FLAGS="-cold=false -o f.md")
	$(GO) run ./internal/cmd/bench/synthscale $(SYNTHSCALE_FLAGS)
