// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz the rules-file parser of iomem-dma-ctl. Built with
 * -fsanitize=address,undefined; feeds N random and mutated inputs from a
 * printed seed (or, with clang -fsanitize=fuzzer and -DLIBFUZZER, is a
 * libFuzzer target). Checks that a file the parser accepts yields only
 * rules that rule_check() accepts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../tools/iomem-dma-ctl/rules.h"

static int check_rule(const char *rule, void *ctx)
{
	(void)ctx;
	if (rule_check(rule, strlen(rule)))
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *msg;
	int count;

	if (!rules_file_parse((const char *)data, size, &msg, NULL, NULL, &count))
		rules_file_parse((const char *)data, size, &msg, check_rule,
				 NULL, &count);
	rule_check((const char *)data, size);
	return 0;
}

#ifndef LIBFUZZER
static const char *const seeds[] = {
	"allow node=pci0000:00\n", "deny provider=a client=b\n# c\n\n",
	"allow client=0000:00:03.0 force\nallow provider=x\n",
	"allow provider=a client=/soc/dma@0 force\n",
};

int main(int argc, char **argv)
{
	unsigned long runs = argc > 1 ? strtoul(argv[1], NULL, 10) : 20000, i;
	unsigned int seed = argc > 2 ? strtoul(argv[2], NULL, 10) : (unsigned int)time(NULL);
	static const char alphabet[] = "\n \t#=allowdenyproviderclientnodeforce:/.@_-0x\xff\r";
	uint8_t buf[512];

	srand(seed);
	for (i = 0; i < runs; i++) {
		const char *s = seeds[rand() % 4];
		size_t n = strlen(s), edits = rand() % 8, k;

		memcpy(buf, s, n);
		for (k = 0; k < edits; k++) {
			size_t pos = rand() % (n + 1);
			uint8_t c = rand() % 4 ? alphabet[rand() % (sizeof(alphabet) - 1)] : rand();

			if (rand() % 2 && n < sizeof(buf)) {
				memmove(buf + pos + 1, buf + pos, n - pos);
				buf[pos] = c;
				n++;
			} else if (pos < n) {
				buf[pos] = c;
			}
		}
		LLVMFuzzerTestOneInput(buf, n);
	}
	printf("%lu inputs from seed %u, 0 crashes\n", runs, seed);
	return 0;
}
#endif
