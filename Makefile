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

# The three sample reports for $(PERIOD) from the templates and sample data in Workbooks/.
KALKYL = .build/$(CONFIG)/kalkyl
LEDGER_2026 = Workbooks/data/huvudbok-2026-jan-maj.csv
run: build
	@mkdir -p out
	$(KALKYL) report --template Workbooks/templates/intakter-kostnader.xlsx \
	  --data Workbooks/data/huvudbok-2025.xlsx --data $(LEDGER_2026) \
	  --period $(PERIOD) -o out/intakter-kostnader-$(PERIOD).xlsx
	$(KALKYL) report --template Workbooks/templates/bemanning.xlsx \
	  --data Workbooks/data/huvudbok-2024.xlsx --data Workbooks/data/huvudbok-2025.xlsx --data $(LEDGER_2026) \
	  --period $(PERIOD) -o out/bemanning-$(PERIOD).xlsx
	$(KALKYL) report --template Workbooks/templates/vardstatistik.xlsx \
	  --data Workbooks/data/vardstatistik.csv \
	  --period $(PERIOD) -o out/vardstatistik-$(PERIOD).xlsx

# Renders the first page of each sample report with LibreOffice into docs/*.png.
.PHONY: render
render: run
	@command -v soffice >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libreoffice-calc-nogui; }
	@command -v pdftoppm >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils; }
	soffice -env:UserInstallation=file://$(CURDIR)/.build/lo-profile --headless --norestore --convert-to pdf --outdir out/pdf \
	  out/intakter-kostnader-$(PERIOD).xlsx out/bemanning-$(PERIOD).xlsx out/vardstatistik-$(PERIOD).xlsx
	for r in intakter-kostnader bemanning vardstatistik; do pdftoppm -png -r 100 -f 1 -l 1 -singlefile out/pdf/$$r-$(PERIOD).pdf docs/$$r; done

# Regenerates the templates and sample data in Workbooks/ from Workbooks/Generator.
.PHONY: workbooks
workbooks: deps
	$(SWIFT) run -c $(CONFIG) kalkyl-workbooks Workbooks

bench: deps
	$(SWIFT) build -c release --product kalkyl-bench
	.build/release/kalkyl-bench read

test: deps
	$(SWIFT) test

clean:
	rm -rf .build out

# --- Writing (.xlsx writer, kalkyl recalc) ---
.PHONY: test-writer test-decimal-comma test-libreoffice bench-write

# The writer's tests (round trip of the conformance corpus included).
test-writer: deps
	$(SWIFT) test --filter WriterTests

# The decimal-comma test needs a locale such as sv_SE.UTF-8; generate it when missing.
test-decimal-comma: deps
	@locale -a 2>/dev/null | grep -qi '^sv_SE\.utf-\?8$$' || { \
	  echo "Generating the sv_SE.UTF-8 locale"; \
	  dpkg-query -W -f='$${Status}' locales 2>/dev/null | grep -q "ok installed" || \
	    { $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq locales; }; \
	  $(SUDO) localedef -i sv_SE -f UTF-8 sv_SE.UTF-8; }
	$(SWIFT) test --filter 'WriterTests/decimalCommaLocale'

# Installs LibreOffice (headless Calc) when missing, then checks that it reads written files
# without recalculating and without repairs, that the sample reports render and recalculate to
# Kalkyl's values, and compares LibreOffice's recalculation of the conformance corpus with Kalkyl's
# (the differences are listed with reasons in Tests/KalkylXLSXTests/libreoffice-differences.tsv).
test-libreoffice: deps
	@command -v soffice >/dev/null 2>&1 || command -v libreoffice >/dev/null 2>&1 || { \
	  echo "Installing LibreOffice (libreoffice-calc-nogui)"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libreoffice-calc-nogui; }
	$(SWIFT) test --filter 'WriterTests/libreOffice|LibreOfficeReportTests'
	KALKYL_LIBREOFFICE_CORPUS=1 $(SWIFT) test --filter 'LibreOfficeRecalcTests'

# Kalkyl side by side with Formualizer, IronCalc, formulas and LibreOffice (a Python venv in
# bench/.venv); rewrites docs/performance.md (about 13 minutes).
.PHONY: bench-peers
bench-peers: deps
	bench/peers.sh > docs/performance.md.tmp && mv docs/performance.md.tmp docs/performance.md

# Writing the 100,000-row ledger and a 20,000-formula report, against plain libxlsxwriter.
bench-write: deps
	$(SWIFT) build -c release --product kalkyl-bench
	.build/release/kalkyl-bench write
