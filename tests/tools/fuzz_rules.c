// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for the rules-file parser of iomem-dma-ctl
 * (tools/iomem-dma-ctl/rules.c), built by make -C tools fuzzers with
 * clang -fsanitize=fuzzer,address,undefined and run by tests/tools/fuzz.sh
 * from the seeds in tests/tools/corpus/rules/. Each input is a rules file
 * and also a single rule. Checks that a file the parser accepts yields as
 * many rules as it counts, each of which rule_check() accepts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../tools/iomem-dma-ctl/rules.h"

static int check_rule(const char *rule, void *ctx)
{
	int *seen = ctx;

	if (rule_check(rule, strlen(rule)))
		abort();
	(*seen)++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *msg;
	int count, seen = 0;

	if (!rules_file_parse((const char *)data, size, &msg, NULL, NULL, &count)) {
		if (rules_file_parse((const char *)data, size, &msg, check_rule,
				     &seen, &count) || seen != count)
			abort();
	}
	rule_check((const char *)data, size);
	return 0;
}
