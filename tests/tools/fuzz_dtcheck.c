// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for iomem-dma-dtcheck: each input is a devicetree blob
 * handed to dtcheck_blob(), the code behind each FILE.dtb of the command
 * line (blob checks, then every binding check). Built by make -C tools
 * fuzzers with clang -fsanitize=fuzzer,address,undefined and run by
 * tests/tools/fuzz.sh, whose seeds are the fixtures of tests/tools/dtcheck/
 * compiled with dtc. The messages are formatted for real, into /dev/null.
 * Also checks that a blob dt_check_blob() accepts is one that libfdt's
 * own fdt_check_full() accepts too (the reverse need not hold: ours is
 * stricter, and fdt_check_full() of libfdt 1.6.1 can crash on what ours
 * refuses, so it only sees blobs ours accepted).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <libfdt.h>

#include "../../tools/iomem-dma-dtcheck/checks.h"
#include "../../tools/iomem-dma-dtcheck/dt.h"

static FILE *sink;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	sink = fopen("/dev/null", "w");
	if (!sink) {
		perror("/dev/null");
		exit(1);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dtcheck c = { .file = "fuzz.dtb", .out = sink };
	char msg[256] = "";

	if (!dt_check_blob(data, size) && fdt_check_full(data, size))
		abort();
	/* A refused blob always says why. */
	if (dtcheck_blob(&c, data, size, msg, sizeof(msg)) && !msg[0])
		abort();
	return 0;
}
