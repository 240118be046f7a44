// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for iomem-dma-dtcheck: each input is a devicetree blob
 * handed to dtcheck_blob(), the code behind each FILE.dtb of the command
 * line (blob checks, then every binding check). Built by make -C tools
 * fuzzers with clang -fsanitize=fuzzer,address,undefined and run by
 * tests/tools/fuzz.sh, whose seeds are the fixtures of tests/tools/dtcheck/
 * compiled with dtc. The messages are formatted for real, into /dev/null.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "../../tools/iomem-dma-dtcheck/checks.h"

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

	/* A refused blob always says why. */
	if (dtcheck_blob(&c, data, size, msg, sizeof(msg)) && !msg[0])
		abort();
	return 0;
}
