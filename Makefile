# Kalkyl — build, test and run. `make run` and `make test` work on a fresh Debian machine:
# both first install the two system libraries when they are missing.
SHELL := /bin/bash
export PATH := $(PATH):/opt/swift/usr/bin
SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_PACKAGES := libexpat1-dev libxlsxwriter-dev pkg-config
CONFIG ?= release
PERIOD ?= 2026-05

.PHONY: deps build run test clean

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

run: build
	@mkdir -p out
	$(SWIFT) run -c $(CONFIG) kalkyl inspect Workbooks/samples/budget-2026.xlsx

test: deps
	$(SWIFT) test

clean:
	rm -rf .build out
