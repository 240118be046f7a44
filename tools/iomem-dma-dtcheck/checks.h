/* SPDX-License-Identifier: GPL-2.0-only */
/* The iomem_dma binding checks of iomem-dma-dtcheck (Documentation/devicetree/bindings/dma/). */
#ifndef IOMEM_DMA_DTCHECK_CHECKS_H
#define IOMEM_DMA_DTCHECK_CHECKS_H

/* One blob being checked and what was found in it. */
struct dtcheck {
	const char *file;	/* name used in messages */
	const void *fdt;	/* passed fdt_check_full() */
	unsigned int errors;
	unsigned int warnings;
};

/*
 * Run every check on @c->fdt, printing "FILE: /node: error: ..." and
 * "FILE: /node: warning: ..." lines on stdout and counting them in @c.
 * Returns 0, or -1 if memory ran out (the counts are then incomplete).
 */
int dtcheck_run(struct dtcheck *c);

#endif
