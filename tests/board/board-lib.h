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

/* "ok", or the message of the negative errno @ret. */
static inline char *err(int ret)
{
	return ret ? strerror(-ret) : "ok";
}

static char tool_out[8192];

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
	printf("  $ %s %s%s%s%s%s%s%s\n", path, a, b ? " " : "", b ? b : "",
	       c ? " " : "", c ? c : "", d ? " " : "", d ? d : "");
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
