/* SPDX-License-Identifier: GPL-2.0-only */
/* The iomem_dma binding checks of iomem-dma-dtcheck (Documentation/devicetree/bindings/dma/). */
#ifndef IOMEM_DMA_DTCHECK_CHECKS_H
#define IOMEM_DMA_DTCHECK_CHECKS_H

#include <stddef.h>
#include <stdio.h>

/* One blob being checked and what was found in it. */
struct dtcheck {
	const char *file;	/* name used in messages */
	FILE *out;		/* where the messages go */
	const void *fdt;	/* passed dt_check_blob() */
	unsigned int errors;
	unsigned int warnings;
};

/*
 * Run every check on @c->fdt, printing "FILE: /node: error: ..." and
 * "FILE: /node: warning: ..." lines on @c->out and counting them in @c.
 * Returns 0, or -1 if memory ran out (the counts are then incomplete).
 */
int dtcheck_run(struct dtcheck *c);

/*
 * Check the @size bytes at @blob, held in memory by the caller, as a
 * devicetree blob: refuse what is not a DTB, a damaged one and an overlay,
 * then dtcheck_run() on it with @c->fdt set to @blob. Nothing is kept
 * after the return and the process is never ended, so a fuzzer can call
 * it in a loop. Returns 0 when the checks ran (the counts are in @c), or
 * -1 with a message for a person in @msg (without the file name).
 */
int dtcheck_blob(struct dtcheck *c, const void *blob, size_t size,
		 char *msg, size_t len);

#endif
