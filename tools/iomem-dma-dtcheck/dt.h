/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reading a flattened devicetree for iomem-dma-dtcheck: cell counts, reg
 * entries, and the translation of a bus address to a CPU address through
 * the ranges of every ancestor. Nothing here prints; failures come back
 * as a message for a person.
 */
#ifndef IOMEM_DMA_DTCHECK_DT_H
#define IOMEM_DMA_DTCHECK_DT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Largest #address-cells or #size-cells the checker understands. */
#define DT_MAX_CELLS	4

/*
 * An address on some bus: the low two cells as a number, and the cells
 * above them (e.g. the space code of a PCI address) kept as a tag that
 * must match exactly when translating.
 */
struct dt_addr {
	uint32_t tag[DT_MAX_CELLS - 2];
	uint64_t val;
};

/* A translated CPU address range; @size is never 0 and never wraps. */
struct dt_range {
	uint64_t start;
	uint64_t size;
};

/* The last address of @r (inclusive). */
static inline uint64_t dt_range_last(const struct dt_range *r)
{
	return r->start + (r->size - 1);
}

/*
 * Check that the @size bytes at @fdt are a whole, well-formed blob: the
 * header, the memory reservation map, every tag of the structure block,
 * one root node with an empty name, balanced nodes, properties only
 * inside nodes, every name readable. Everything else in this file relies
 * on it. dtc's libfdt has fdt_check_full() for this, but the kernel's
 * copy (scripts/dtc/libfdt, what a cross build uses) lacks it, and
 * libfdt 1.6.1's crashes on some version 4 blobs; so every build checks
 * this way, at least as strictly (tests/tools/fuzz_dtcheck.c compares).
 * Returns 0 or a negative libfdt error (for fdt_strerror()).
 */
int dt_check_blob(const void *fdt, size_t size);

/*
 * Full path of @node for messages. Returns one of a few static buffers
 * used in turn, so up to seven paths may appear in one message.
 */
const char *dt_path(const void *fdt, int node);

/* status absent, "okay" or "ok". */
bool dt_enabled(const void *fdt, int node);

/* @node has property @name (of any length). */
bool dt_has(const void *fdt, int node, const char *name);

/* A u32 property of exactly one cell; false if absent or another length. */
bool dt_u32(const void *fdt, int node, const char *name, uint32_t *val);

/*
 * The node with phandle @ph, or a negative libfdt error if no node has it
 * (0 and 0xffffffff never resolve).
 */
int dt_phandle_node(const void *fdt, uint32_t ph);

/*
 * Number of reg entries of @node, in the cells given by its parent.
 * Returns the count (0 for an empty property), -1 if there is no reg, or
 * -2 with @msg filled when reg or the parent's cell counts are malformed.
 */
int dt_reg_count(const void *fdt, int node, char *msg, size_t len);

/*
 * Entry @idx of a reg that dt_reg_count() accepted, translated to a CPU
 * address. Returns 0, or -1 with @msg filled when the range is empty,
 * wraps, or cannot be translated.
 */
int dt_reg_cpu(const void *fdt, int node, int idx, struct dt_range *out,
	       char *msg, size_t len);

#endif
