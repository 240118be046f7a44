# iomem_dma: the user's entry point. The kernel build reads the Kbuild
# files under drivers/iomem_dma/ and tests/, never this file.
#
#   make demo    build an arm64 kernel, boot QEMU virt, show iomem_dma at work
#   make check   every test: bindings, KUnit on UML, arm64 and arm, the
#                arm64 and zynq boards, tools, lint, patch export
#   make kunit-um|kunit-arm64|kunit-arm|board|board-zynq|
#        dtschema|lint|bench|patch|patch-check|clean|distclean   one part
#   make reliability-long   the long reliability runs (reliability.rst)
#
# Variables: IOMEM_DMA_CACHE (default ~/.cache/iomem_dma), KSRC (another
# Linux 6.12 tree instead of Debian's linux-source-6.12), FILTER (KUnit
# suite glob for the kunit-* targets), KUNIT_ARGS (kernel arguments for
# the kunit-* targets, e.g. iomem_dma_stress.ops=1000000), JOBS.

SHELL := /bin/bash
S := scripts

.PHONY: all demo check deps overlay kunit-um kunit-arm64 kunit-arm kunit \
	board board-zynq dtschema lint patch patch-check bench clean distclean help \
	reliability-long

all: help

help:
	@sed -n '2,14p' Makefile | sed 's/^# \{0,1\}//'

deps:
	@bash $(S)/deps.sh

overlay: deps
	@bash $(S)/ksrc.sh

demo: overlay
	@bash $(S)/demo.sh

check:
	@bash $(S)/check.sh

kunit-um kunit-arm64 kunit-arm: kunit-%: overlay
	@bash $(S)/kunit.sh $* $(FILTER)

kunit: kunit-um kunit-arm64 kunit-arm

# A million stress operations on UML (debug options), 250,000 on arm64
# (four CPUs, KCSAN: a million take longer there than KUnit's 300 s per
# case), the model test with 20,000 operations per client on both, then
# each libFuzzer target for ten minutes.
reliability-long: overlay
	@KUNIT_ARGS=iomem_dma_stress.ops=1000000 bash $(S)/kunit.sh um 'iomem_dma_stress*'
	@KUNIT_ARGS=iomem_dma_stress.ops=250000 bash $(S)/kunit.sh arm64 'iomem_dma_stress*'
	@KUNIT_ARGS=iomem_dma_model.ops=20000 bash $(S)/kunit.sh um 'iomem_dma_model*'
	@KUNIT_ARGS=iomem_dma_model.ops=20000 bash $(S)/kunit.sh arm64 'iomem_dma_model*'
	@$(MAKE) -C tools fuzz FUZZ_TIME=600

board: overlay
	@bash $(S)/board.sh

board-zynq: overlay
	@bash $(S)/board-zynq.sh

dtschema: overlay
	@bash $(S)/dtschema.sh

lint: overlay
	@bash $(S)/lint.sh

patch: overlay
	@bash $(S)/patch.sh

patch-check: overlay
	@bash $(S)/patch.sh --verify

bench: overlay
	@bash $(S)/bench.sh

clean:
	@. $(S)/common.sh && rm -rf "$$CACHE/build" "$$CACHE/out" \
		"$$CACHE/results" "$$CACHE/logs" "$$CACHE/pristine" && \
		echo "removed build outputs under $$CACHE"

distclean:
	@. $(S)/common.sh && rm -rf "$$CACHE" && echo "removed $$CACHE"
