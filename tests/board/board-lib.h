/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the /init programs of the board tests share: TAP-style checks on
 * the console, small file helpers, running a tool of /bin with its
 * output captured, and the scan of the kernel log for problems.
 *
 * The includer defines BOARD_TAG (the prefix of its check lines, e.g.
 * "board") first. Everything is static inline: each board is one static
 * program and uses what it needs.
 */
#ifndef BOARD_LIB_H
#define BOARD_LIB_H

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#include <errno.h>
#include <grp.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include <linux/dma-buf.h>
#include <linux/iomem_dma.h>

#ifndef BOARD_TAG
#error "define BOARD_TAG before including board-lib.h"
#endif

static int checks, failures;

/* As /init: the pseudo filesystems, and the console as stdio. */
static inline void board_setup(void)
{
	int fd;

	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	fd = open("/dev/console", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
}

/* One "TAG: ok N - ..." or "TAG: not ok N - ..." line. */
static inline void check(int ok, const char *fmt, ...)
{
	va_list ap;

	checks++;
	if (!ok)
		failures++;
	printf(BOARD_TAG ": %s %d - ", ok ? "ok" : "not ok", checks);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	/* Let the console catch up so kernel lines appear in order. */
	fflush(stdout);
	tcdrain(STDOUT_FILENO);
}

/* Read a file whole; a devicetree string property keeps its NUL. */
static inline int read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n, total = 0;

	buf[0] = '\0';
	if (fd < 0)
		return -errno;
	while (total < (ssize_t)size - 1 &&
	       (n = read(fd, buf + total, size - 1 - total)) > 0)
		total += n;
	buf[total] = '\0';
	close(fd);
	return 0;
}

static inline int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	int ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/*
 * /dev/iomem_dma (include/uapi/linux/iomem_dma.h): one ioctl on a fresh
 * descriptor, opened read-write for changes and read-only for queries.
 * 0 or the negative errno.
 */
static inline int iomem_dma_ioctl(int write, unsigned long cmd, void *arg)
{
	int fd = open("/dev/iomem_dma", write ? O_RDWR : O_RDONLY);
	int ret = 0;

	if (fd < 0)
		return -errno;
	if (ioctl(fd, cmd, arg))
		ret = -errno;
	close(fd);
	return ret;
}

/*
 * The verdict of @prov and @client from IOMEM_DMA_IOC_QUERY, as a line in
 * the format of debugfs iomem_dma/verdicts: "CLIENT PATH distance=D
 * node=N rule=R reason=C generation=G iommu=M[ iommu_path=P]"; "" and the
 * negative errno when the kernel refuses. @q (may be NULL) gets the rest,
 * such as the explanation lines.
 */
static inline int query_line(const char *prov, const char *client, char *out,
			     size_t size, struct iomem_dma_query *q)
{
	struct iomem_dma_query mine;
	int ret;

	if (!q)
		q = &mine;
	memset(q, 0, sizeof(*q));
	snprintf(q->provider, sizeof(q->provider), "%s", prov);
	snprintf(q->client, sizeof(q->client), "%s", client);
	out[0] = '\0';
	ret = iomem_dma_ioctl(0, IOMEM_DMA_IOC_QUERY, q);
	if (ret)
		return ret;
	ret = snprintf(out, size, "%s %.15s distance=%d node=%.63s rule=%u",
		       client, q->path, q->distance, q->node[0] ? q->node : "-",
		       q->rule);
	if (ret >= (int)size)
		return -ENOSPC;
	ret += snprintf(out + ret, size - ret,
			" reason=%.31s generation=%llu iommu=%.15s%s%.15s",
			q->reason, (unsigned long long)q->generation, q->iommu,
			q->iommu_path[0] ? " iommu_path=" : "", q->iommu_path);
	return ret < (int)size ? 0 : -ENOSPC;
}

/* IOMEM_DMA_IOC_ADD_RULE: the new rule's id, or the negative errno. */
static inline int ioctl_add_rule(const char *text)
{
	struct iomem_dma_rule_info ri = { 0 };
	int ret;

	snprintf(ri.text, sizeof(ri.text), "%s", text);
	ret = iomem_dma_ioctl(1, IOMEM_DMA_IOC_ADD_RULE, &ri);
	return ret ? ret : (int)ri.id;
}

static inline int ioctl_remove_rule(unsigned int id)
{
	__u32 kid = id;

	return iomem_dma_ioctl(1, IOMEM_DMA_IOC_REMOVE_RULE, &kid);
}

/* "ok", or the message of the negative errno @ret. */
static inline char *err(int ret)
{
	return ret ? strerror(-ret) : "ok";
}

static char tool_out[8192];
/* Nonzero: run_tool() runs the tool as this user and group, unprivileged. */
static unsigned int tool_uid;

/*
 * Run /bin/TOOL with up to four arguments (NULL ends them); its stdout and
 * stderr go to tool_out and are printed indented. Returns its exit code.
 */
static inline int run_tool(const char *tool, const char *a, const char *b,
			   const char *c, const char *d)
{
	const char *argv[6] = { tool, a, b, c, d, NULL };
	int fds[2], status, n = 0, r;
	char *line, *save, copy[sizeof(tool_out)], path[64];
	pid_t pid;

	snprintf(path, sizeof(path), "/bin/%s", tool);
	printf("  %s %s %s%s%s%s%s%s%s\n", tool_uid ? "(uid 65534) $" : "$",
	       path, a, b ? " " : "", b ? b : "", c ? " " : "", c ? c : "",
	       d ? " " : "", d ? d : "");
	tool_out[0] = '\0';
	if (pipe(fds))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		close(fds[0]);
		if (tool_uid && (setgroups(0, NULL) ||
				 setregid(tool_uid, tool_uid) ||
				 setreuid(tool_uid, tool_uid)))
			_exit(126);
		execv(path, (char *const *)argv);
		_exit(127);
	}
	close(fds[1]);
	while (n < (int)sizeof(tool_out) - 1 &&
	       (r = read(fds[0], tool_out + n, sizeof(tool_out) - 1 - n)) > 0)
		n += r;
	tool_out[n] = '\0';
	close(fds[0]);
	waitpid(pid, &status, 0);
	memcpy(copy, tool_out, n + 1);
	for (line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		printf("    %s\n", line);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Print and count the kernel log's WARNING, BUG, KASAN and Oops lines. */
static inline int kernel_problems(void)
{
	static char log[1 << 20];
	int n = klogctl(3, log, sizeof(log) - 1), bad = 0;
	char *line, *save;

	if (n < 0)
		return -1;
	log[n] = '\0';
	for (line = strtok_r(log, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		if (strstr(line, "WARNING:") || strstr(line, "BUG:") ||
		    strstr(line, "KASAN") || strstr(line, "Oops") ||
		    strstr(line, "------------[ cut here")) {
			printf("  kernel: %s\n", line);
			bad++;
		}
	return bad;
}

/* DMA_BUF_IOCTL_SYNC of @fd; 0 or -errno. */
static inline int buf_sync(int fd, unsigned long long flags)
{
	struct dma_buf_sync sync = { .flags = flags };

	return ioctl(fd, DMA_BUF_IOCTL_SYNC, &sync) ? -errno : 0;
}

#endif /* BOARD_LIB_H */
