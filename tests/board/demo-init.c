// SPDX-License-Identifier: GPL-2.0-only
/*
 * /init of the `make demo` initramfs: shows the iomem_dma sysfs state,
 * exercises the administrator interface (good and bad input), prints the
 * kernel's iomem_dma log lines, and powers the board off.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <unistd.h>

static void cat(const char *path)
{
	char buf[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0) {
		printf("  %s: (absent: %s)\n", path, strerror(errno));
		return;
	}
	printf("  %s:\n", path);
	while ((n = read(fd, buf, sizeof(buf) - 1)) > 0) {
		buf[n] = '\0';
		printf("%s", buf);
	}
	if (n < 0)
		printf("    (read error: %s)\n", strerror(errno));
	close(fd);
}

static int write_str(const char *path, const char *s)
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

static void dump_dir(const char *dir)
{
	char path[512];
	struct dirent *de;
	DIR *d = opendir(dir);
	int any = 0;

	if (!d) {
		printf("  %s: (none yet: %s)\n", dir, strerror(errno));
		return;
	}
	while ((de = readdir(d))) {
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (lstat(path, &st) || S_ISLNK(st.st_mode) || S_ISDIR(st.st_mode)) {
			printf("  %s/\n", path);
			any = 1;
			continue;
		}
		if (st.st_mode & 0444) {
			cat(path);
			any = 1;
		}
	}
	closedir(d);
	if (!any)
		printf("  %s: (empty)\n", dir);
}

static void remove_rule(const char *id)
{
	int ret = write_str("/sys/kernel/iomem_dma/remove", id);

	printf("$ echo '%s' > /sys/kernel/iomem_dma/remove  -> %s\n", id,
	       ret ? strerror(-ret) : "ok");
}

static void rule(const char *text)
{
	int ret = write_str("/sys/kernel/iomem_dma/add", text);

	printf("$ echo '%s' > /sys/kernel/iomem_dma/add  -> %s\n", text,
	       ret ? strerror(-ret) : "ok");
}

/* The kernel's own lines about iomem_dma from this boot. */
static void kernel_lines(void)
{
	static char log[1 << 20];
	int n = klogctl(3, log, sizeof(log) - 1);
	char *line, *save;

	if (n < 0)
		return;
	log[n] = '\0';
	printf("\n== kernel log lines about iomem_dma ==\n");
	for (line = strtok_r(log, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		if (strstr(line, "iomem_dma"))
			printf("  %s\n", line);
}

int main(void)
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

	printf("\n== iomem_dma demo (QEMU arm64 virt) ==\n");
	cat("/proc/cmdline");
	printf("\n== policy (/sys/kernel/iomem_dma) ==\n");
	dump_dir("/sys/kernel/iomem_dma");
	printf("\n== providers (/sys/class/iomem_dma) ==\n");
	dump_dir("/sys/class/iomem_dma");
	printf("\n== accounting (debugfs) ==\n");
	cat("/sys/kernel/debug/iomem_dma/accounting");
	printf("\n== module parameters ==\n");
	dump_dir("/sys/module/iomem_dma/parameters");

	printf("\n== administrator at work ==\n");
	rule("allow node=pci0000:00");
	rule("allow provider=0000:00:02.0 client=0000:00:03.0");
	rule("allow provider=");
	rule("deny provider=x force");
	rule("allow node=pci0000:00");
	cat("/sys/kernel/iomem_dma/rules");
	remove_rule("1");
	remove_rule("99");
	remove_rule("1x");
	cat("/sys/kernel/iomem_dma/rules");
	cat("/sys/kernel/iomem_dma/generation");

	kernel_lines();
	printf("\niomem_dma demo: done\n");
	fflush(stdout);
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}
