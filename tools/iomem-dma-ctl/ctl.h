/* SPDX-License-Identifier: GPL-2.0-only */
/* What the commands of iomem-dma-ctl share. */
#ifndef IOMEM_DMA_CTL_H
#define IOMEM_DMA_CTL_H

#include <stddef.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

enum {
	EXIT_OK = 0, EXIT_USAGE = 1, EXIT_NOTFOUND = 2, EXIT_PERM = 3,
	EXIT_INVALID = 4, EXIT_IO = 5,
};

/* --sysfs-root (default /sys) and --json. */
extern const char *root;
extern int json;

/* @buf = root/ + @fmt with @a and @b. */
void path_of(char *buf, size_t size, const char *fmt, const char *a, const char *b);
/* The whole file, NUL-terminated, or NULL with errno set. */
char *slurp(const char *path, size_t *len);
/* Print what @err means for @what and return the exit code. */
int errno_exit(int err, const char *what);
/* @s as a JSON string. */
void json_str(const char *s);

int cmd_trace(int argc, char **argv);
int cmd_stat(int argc, char **argv);

#endif /* IOMEM_DMA_CTL_H */
