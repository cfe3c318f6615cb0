# Kalkyl — build, test and run. `make run` and `make test` work on a fresh Debian machine:
# both first install the two system libraries when they are missing.
SHELL := /bin/bash
export PATH := $(PATH):/opt/swift/usr/bin
SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_PACKAGES := libexpat1-dev libxlsxwriter-dev zlib1g-dev pkg-config
CONFIG ?= release
PERIOD ?= 2026-05

.PHONY: deps build run test bench clean

deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build -c $(CONFIG)

# Until `kalkyl report` lands: generate a sample ledger and show what the reader finds in it.
run: build
	@mkdir -p out
	.build/$(CONFIG)/kalkyl-bench generate-ledger --rows 1000 -o out/ledger-sample.xlsx
	.build/$(CONFIG)/kalkyl inspect out/ledger-sample.xlsx
	.build/$(CONFIG)/kalkyl cells out/ledger-sample.xlsx "Huvudbok!A1:H4"

bench: deps
	$(SWIFT) build -c release --product kalkyl-bench
	.build/release/kalkyl-bench read

test: deps
	$(SWIFT) test

clean:
	rm -rf .build out
