// SPDX-License-Identifier: GPL-2.0-only
/*
 * iomem-dma-dtcheck: check the iomem_dma devicetree properties of
 * flattened devicetree blobs (Documentation/devicetree/bindings/dma/
 * peer-dma-region.yaml, peer-dma-region-consumer.yaml and
 * peer-dma-routing.yaml) before they reach a board.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks.h"

enum { EXIT_CLEAN = 0, EXIT_FOUND = 1, EXIT_USAGE = 2 };

/* Larger files are not devicetree blobs anyone boots. */
#define BLOB_MAX	(64u << 20)

static void show_help(FILE *f)
{
	fprintf(f, "usage: iomem-dma-dtcheck [-W] [-q] FILE.dtb...\n"
		"\n"
		"Checks the iomem_dma properties of devicetree blobs: peer-dma-region\n"
		"providers (reg, #peer-dma-region-cells, translation to CPU addresses\n"
		"through ranges, overlaps, RAM not reserved with no-map), consumers'\n"
		"peer-dma-regions and peer-dma-region-names, and the peer-dma-allow,\n"
		"peer-dma-deny and peer-dma-routing policy. Overlaps and RAM are\n"
		"checked between enabled providers only. An overlay must be applied\n"
		"first (fdtoverlay -i base.dtb -o out.dtb overlay.dtbo).\n"
		"\n"
		"  -W      treat warnings as errors for the exit code\n"
		"  -q      no summary on stderr\n"
		"  --help  this text\n"
		"\n"
		"Messages on stdout: FILE: /node/path: error|warning: text\n"
		"exit codes: 0 clean, 1 errors found (or warnings with -W),\n"
		"            2 usage error, or a file that cannot be read or is not a DTB.\n"
		"The bindings: Documentation/devicetree/bindings/dma/peer-dma-*.yaml;\n"
		"administrator rules: iomem-dma-ctl --help.\n");
}

/* Read @name whole; NULL with a message printed on failure. */
static void *load(const char *name, size_t *size)
{
	FILE *f = fopen(name, "rb");
	size_t cap = 1 << 16, n = 0, r;
	char *buf = NULL, *b;

	if (!f) {
		fprintf(stderr, "%s: %s\n", name, strerror(errno));
		return NULL;
	}
	for (;;) {
		b = realloc(buf, cap);
		if (!b) {
			fprintf(stderr, "%s: out of memory\n", name);
			goto fail;
		}
		buf = b;
		r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (n < cap)
			break;
		if (cap >= BLOB_MAX) {
			fprintf(stderr, "%s: larger than %u MiB, not a devicetree blob\n",
				name, BLOB_MAX >> 20);
			goto fail;
		}
		cap *= 2;
	}
	if (ferror(f)) {
		fprintf(stderr, "%s: %s\n", name, strerror(errno));
		goto fail;
	}
	fclose(f);
	*size = n;
	return buf;
fail:
	free(buf);
	fclose(f);
	return NULL;
}

/* Check one file; returns an exit code for it. */
static int check_file(const char *name, int werror, int quiet)
{
	struct dtcheck c = { .file = name, .out = stdout };
	char msg[256];
	size_t size;
	void *fdt = load(name, &size);
	int ret = EXIT_USAGE;

	if (!fdt)
		return EXIT_USAGE;
	if (dtcheck_blob(&c, fdt, size, msg, sizeof(msg))) {
		fprintf(stderr, "%s: %s\n", name, msg);
		goto free;
	}
	/* The summary after the messages, also when both go to one file. */
	fflush(stdout);
	if (!quiet)
		fprintf(stderr, "%s: %u error%s, %u warning%s\n", name,
			c.errors, c.errors == 1 ? "" : "s",
			c.warnings, c.warnings == 1 ? "" : "s");
	ret = c.errors || (werror && c.warnings) ? EXIT_FOUND : EXIT_CLEAN;
free:
	free(fdt);
	return ret;
}

int main(int argc, char **argv)
{
	int werror = 0, quiet = 0, i, ret = EXIT_CLEAN, r;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			show_help(stdout);
			return EXIT_CLEAN;
		}
		if (!strcmp(argv[i], "-W")) {
			werror = 1;
		} else if (!strcmp(argv[i], "-q")) {
			quiet = 1;
		} else {
			fprintf(stderr,
				"iomem-dma-dtcheck: unknown option '%s'; see iomem-dma-dtcheck --help\n",
				argv[i]);
			return EXIT_USAGE;
		}
	}
	if (i == argc) {
		fprintf(stderr,
			"iomem-dma-dtcheck: no FILE.dtb given; see iomem-dma-dtcheck --help\n");
		return EXIT_USAGE;
	}
	for (; i < argc; i++) {
		r = check_file(argv[i], werror, quiet);
		if (r > ret)
			ret = r;
	}
	fflush(stdout);
	return ret;
}
