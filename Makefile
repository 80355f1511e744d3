# os2pulse: see README.md. Targets: build, run, check, test, lint, soak, bench, fuzz, assets, image, clean.

GO          ?= go
# The release tag (vX.Y.Z, with -N-gCOMMIT after it); without tags, the
# latest release in CHANGELOG.md and the commit.
VERSION     ?= $(shell git describe --tags --match 'v[0-9]*' --dirty 2>/dev/null || \
                 echo "$$(sed -n 's/^\#\# \[\([0-9][0-9.]*\)\].*/v\1/p' CHANGELOG.md | head -1)+$$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)$$(git diff --quiet HEAD 2>/dev/null; [ $$? = 1 ] && echo -dirty)")
LDFLAGS     := -s -w -X main.version=$(VERSION)
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
CONFIG      ?=
FUZZTIME    ?= 30s
BENCHFLAGS  ?= -sizes 1x,10x -drivers sqlite,postgres
# How the embedded ECharts is bundled; assets/assets_test.go builds it the
# same way and compares.
ESBUILDFLAGS := --bundle --minify --format=iife --target=es2017 --legal-comments=none --log-level=warning

.PHONY: build run check test lint soak bench fuzz assets image clean

## build: compile bin/os2pulse (pure Go, no cgo needed)
build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/os2pulse .

## run: build, then serve the bundled example portfolio on SQLite at http://localhost:8080
run: build
	./bin/os2pulse serve $(if $(CONFIG),-config $(CONFIG))

## check: the quick loop, under a minute: go vet and the tests with -short, which leaves out
## the browser, reliability and end-to-end tests and the largest data sets (both databases
## still run); no race detector. Unchanged packages' results come from the cache.
check:
	$(GO) vet ./...
	$(GO) test -short ./...

## test: go vet and the whole test suite with the race detector
test:
	$(GO) vet ./...
	$(GO) test -race -count=1 ./...

## lint: gofmt, go vet, staticcheck, and go.mod tidiness
lint:
	@out="$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './node_modules/*'))"; \
	  if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...
	$(GO) mod tidy -diff

## soak: the reliability tests at length (docs/reliability.md): a 300,000-commit import while
## serving, 20 SIGKILLs of a backfill, rounds of injected GitHub faults, thousands of hostile
## requests. One package at a time and no race detector, so the timings mean something. The
## whole log goes to bin/soak.log; the RESULT lines are the table's rows.
soak:
	@mkdir -p bin
	@echo "OS2PULSE_SOAK=1 $(GO) test -p 1 -count=1 -timeout 2h -v -run '^TestReliability' ./... > bin/soak.log"
	@OS2PULSE_SOAK=1 $(GO) test -p 1 -count=1 -timeout 2h -v -run '^TestReliability' ./... > bin/soak.log 2>&1; status=$$?; \
	  grep -E '^(--- |ok |FAIL)|RESULT' bin/soak.log; exit $$status

## bench: Go benchmarks with allocation counts, then the driver on synthetic
## portfolios (1x and 10x, SQLite and PostgreSQL), which writes bench/results.md
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...
	$(GO) run ./bench $(BENCHFLAGS) -out bench/results.md

## fuzz: run each fuzz target for FUZZTIME (the seed corpora already run in make test)
fuzz:
	@for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

## assets: rebuild the embedded ECharts (only the parts the pages use, assets/echarts/entry.js)
## from the version pinned in package-lock.json
assets:
	npm ci --no-audit --no-fund
	node_modules/.bin/esbuild assets/echarts/entry.js $(ESBUILDFLAGS) --outfile=assets/static/echarts.min.js
	cp node_modules/echarts/LICENSE assets/static/echarts.LICENSE.txt

## image: the container image (Containerfile) with podman or docker, tagged
## $(IMAGE):VERSION and $(IMAGE):latest; nothing is pulled
IMAGE         ?= os2pulse
IMAGE_CONTEXT ?= bin/image
CA_BUNDLE     ?= /etc/ssl/certs/ca-certificates.crt
CONTAINER     ?= $(shell command -v podman 2>/dev/null || command -v docker 2>/dev/null)
image:
	@test -n "$(CONTAINER)" || { echo "make image needs podman or docker"; exit 1; }
	rm -rf $(IMAGE_CONTEXT) && mkdir -p $(IMAGE_CONTEXT)/data
	CGO_ENABLED=0 GOOS=linux $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(IMAGE_CONTEXT)/os2pulse .
	cp deploy/image/passwd deploy/image/group $(CA_BUNDLE) $(IMAGE_CONTEXT)/
	$(CONTAINER) build $(if $(findstring podman,$(CONTAINER)),--format docker --layers=false) -f Containerfile \
	  --build-arg VERSION=$(VERSION) --build-arg REVISION=$$(git rev-parse HEAD 2>/dev/null || echo unknown) \
	  --build-arg CREATED=$$(date -u +%Y-%m-%dT%H:%M:%SZ) \
	  -t $(IMAGE):$(subst +,-,$(VERSION)) -t $(IMAGE):latest $(IMAGE_CONTEXT)

clean:
	rm -rf bin
