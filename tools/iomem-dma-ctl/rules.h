/* SPDX-License-Identifier: GPL-2.0-only */
/* Rule text as the kernel accepts it (Documentation/ABI/testing/sysfs-kernel-iomem_dma). */
#ifndef IOMEM_DMA_CTL_RULES_H
#define IOMEM_DMA_CTL_RULES_H

#include <stddef.h>

#define RULE_NAME_MAX	63
#define RULE_TEXT_MAX	256

/*
 * Check one rule in the syntax of IOMEM_DMA_IOC_ADD_RULE (no id, no
 * newline). Returns NULL if valid, otherwise a message for a person.
 */
const char *rule_check(const char *text, size_t len);

/*
 * Parse a rules file held in memory: one rule a line, '#' comments, blank
 * lines. Calls add(text, ctx) for each rule after the whole file is valid.
 * On error returns the 1-based line number and sets *msg; 0 on success,
 * and *count is the number of rules.
 */
int rules_file_parse(const char *buf, size_t len, const char **msg,
		     int (*add)(const char *rule, void *ctx), void *ctx,
		     int *count);

#endif
