// SPDX-License-Identifier: GPL-2.0-only
/*
 * /init of the zynq board (scripts/board-zynq.sh): QEMU xilinx-zynq-a9,
 * the on-chip memory as a devicetree peer DMA region, the pl330 DMA
 * controller as its consumer, bytes moved by dmaengine memcpy through an
 * iomem_dma scatterlist and checked through __iomem reads (the kernel's
 * dmaengine client, tests/drivers/dmaengine_client.c).
 *
 * Prints one "board-zynq: ok N - ..." or "board-zynq: not ok N - ..." line
 * per check, then "board-zynq: 1..N" and "iomem_dma board-zynq: done".
 * The board cannot power off: the init then resets it, which ends QEMU
 * started with -no-reboot.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include <linux/dma-heap.h>

#define BOARD_TAG "board-zynq"
#include "board-lib.h"

#define DT_BUS		"/proc/device-tree/axi"
#define DT_REGION	DT_BUS "/ocm@fffc0000"
#define DT_DMAC		DT_BUS "/dma-controller@f8003000"
#define REGION_PATH	"/axi/ocm@fffc0000"
#define REGION_DEV	"fffc0000.ocm"
#define CLIENT_PATH	"/axi/dma-controller@f8003000"
#define PL330_BOUND	"/sys/bus/amba/drivers/dma-pl330/f8003000.dma-controller"
#define CTL		"/sys/kernel/debug/iomem_dma_dmaengine/ctl"
#define OCM_SIZE	(256 * 1024)

static int prop_is(const char *path, const char *want)
{
	char buf[256];

	return !read_file(path, buf, sizeof(buf)) && !strcmp(buf, want);
}

/* The provider's sysfs directory: the class device whose node is the region. */
static char prov_dir[128];

static int find_provider(void)
{
	const char *want = "/devicetree/base" REGION_PATH;
	char path[PATH_MAX], target[PATH_MAX];
	DIR *d = opendir("/sys/class/iomem_dma");
	struct dirent *de;
	ssize_t n;

	prov_dir[0] = '\0';
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/class/iomem_dma/%s/device/of_node",
			 de->d_name);
		n = readlink(path, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		if (n >= (ssize_t)strlen(want) &&
		    !strcmp(target + n - strlen(want), want))
			snprintf(prov_dir, sizeof(prov_dir), "/sys/class/iomem_dma/%.100s",
				 de->d_name);
	}
	closedir(d);
	return prov_dir[0] != '\0';
}

/* Why is there no provider? What the driver core knows about the region. */
static void provider_diagnosis(void)
{
	char buf[2048], path[PATH_MAX];
	ssize_t n;

	n = readlink("/sys/bus/platform/devices/" REGION_DEV "/driver", path,
		     sizeof(path) - 1);
	path[n > 0 ? n : 0] = '\0';
	printf("  platform device " REGION_DEV ": %s, driver %s\n",
	       access("/sys/bus/platform/devices/" REGION_DEV, F_OK) ? "absent" : "present",
	       n > 0 ? strrchr(path, '/') + 1 : "(none)");
	printf("  driver iomem_dma_of: %s\n",
	       access("/sys/bus/platform/drivers/iomem_dma_of", F_OK) ? "absent" : "registered");
	read_file("/sys/kernel/debug/devices_deferred", buf, sizeof(buf));
	printf("  devices_deferred: %s\n", buf[0] ? buf : "(none)");
}

static long prov_attr(const char *attr)
{
	char path[PATH_MAX], buf[64];

	snprintf(path, sizeof(path), "%s/%s", prov_dir, attr);
	if (read_file(path, buf, sizeof(buf)))
		return -1;
	return strtol(buf, NULL, 0);
}

static char result[1024];

static int ctl_cmd(const char *cmd)
{
	int ret = write_file(CTL, cmd);

	read_file(CTL, result, sizeof(result));
	printf("  # echo '%s' > ctl -> %s\n    %.*s\n", cmd, err(ret),
	       (int)strcspn(result, "\n"), result);
	return ret;
}

/* The client's verdict line, asked through /dev/iomem_dma. */
static void show_verdict(char *out, size_t size)
{
	query_line(strrchr(prov_dir, '/') + 1, CLIENT_PATH, out, size, NULL);
	printf("  verdict: %s\n", out[0] ? out : "(no verdict for " CLIENT_PATH ")");
}

/* Add a rule through IOMEM_DMA_IOC_ADD_RULE; return its id, or -1. */
static int add_rule(const char *text)
{
	int id = ioctl_add_rule(text);

	printf("  # ioctl(/dev/iomem_dma, ADD_RULE, \"%s\") -> %s\n", text,
	       id < 0 ? err(id) : "ok");
	return id < 0 ? -1 : id;
}

/* iomem-dma-ctl explain PROVIDER CLIENT. */
static int ctl_explain(const char *prov, const char *client)
{
	return run_tool("iomem-dma-ctl", "explain", prov, client, NULL);
}

/* iomem-dma-dtcheck on the devicetree the kernel booted with. */
static void dt_selfcheck(bool fw_deny)
{
	int r = run_tool("iomem-dma-dtcheck", "-W", "/sys/firmware/fdt", NULL,
			 NULL);

	if (fw_deny)
		check(r == 1 && strstr(tool_out, "can never allow"),
		      "iomem-dma-dtcheck on the live devicetree reports the deliberate deny (exit %d)",
		      r);
	else
		check(r == 0 && strstr(tool_out, "0 errors, 0 warnings"),
		      "iomem-dma-dtcheck -W on the live devicetree: clean (exit %d)",
		      r);
}

static void copy_checks(const char *when)
{
	static const int sizes[] = { 1000, 4096, 5000, 65536, OCM_SIZE };
	char cmd[64];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		snprintf(cmd, sizeof(cmd), "copy %d ocm", sizes[i]);
		check(!ctl_cmd(cmd) && !strncmp(result, "ok:", 3) &&
		      strstr(result, "bus path"),
		      "%s: %d bytes RAM -> OCM -> RAM by pl330 memcpy, verified",
		      when, sizes[i]);
	}
	check(prov_attr("available") == OCM_SIZE,
	      "%s: all of the OCM is free again (available %ld)", when,
	      prov_attr("available"));
}

/*
 * The administrator offers the OCM as a DMA-BUF heap; a program allocates
 * 64 KiB, maps it, and hands the fd to the dmaengine client, which imports
 * it as a dynamic peer2peer importer and lets the pl330 write a pattern
 * into it; the program checks every byte through its mapping.
 */
static void heap_checks(void)
{
	struct dma_heap_allocation_data d = {
		.len = 65536, .fd_flags = O_RDWR | O_CLOEXEC,
	};
	char path[PATH_MAX], cmd[64];
	unsigned char *p;
	int heap, i, seed;
	const char *s;

	printf("\n== the OCM as a DMA-BUF heap: the pl330 writes an imported buffer ==\n");
	snprintf(path, sizeof(path), "%s/heap_limit", prov_dir);
	check(!write_file(path, "131072"), "# echo 131072 > %s", path);
	snprintf(path, sizeof(path), "/dev/dma_heap/%s", strrchr(prov_dir, '/') + 1);
	heap = open(path, O_RDONLY | O_CLOEXEC);
	check(heap >= 0, "%s opens", path);
	if (heap < 0)
		return;
	check(!ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &d) && d.fd > 0,
	      "DMA_HEAP_IOCTL_ALLOC of 64 KiB gives dma-buf fd %u", d.fd);
	check(prov_attr("available") == OCM_SIZE - 65536,
	      "the buffer holds 64 KiB of the OCM");
	p = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_SHARED, d.fd, 0);
	check(p != MAP_FAILED, "the buffer mmaps (write-combined: the region is prefetchable)");
	if (p == MAP_FAILED)
		goto close_buf;
	buf_sync(d.fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_WRITE);
	memset(p, 0, 65536);
	buf_sync(d.fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_WRITE);
	snprintf(cmd, sizeof(cmd), "import %u 65536", d.fd);
	check(!ctl_cmd(cmd) && !strncmp(result, "ok:", 3) &&
	      strstr(result, "bus path") && strstr(result, "orig_nents 0"),
	      "the dmaengine client imports the fd: %.*s", (int)strcspn(result, "\n"),
	      result);
	s = strstr(result, "seed ");
	seed = s ? atoi(s + 5) : -1;
	buf_sync(d.fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ);
	for (i = 0; i < 65536; i++)
		if (p[i] != (unsigned char)(i * 31 + (i >> 8) + seed))
			break;
	buf_sync(d.fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ);
	check(seed >= 0 && i == 65536,
	      "the program reads the pl330's 65536 bytes through its mapping (first bad byte %d)",
	      i);
	munmap(p, 65536);
close_buf:
	close(d.fd);
	check(prov_attr("available") == OCM_SIZE,
	      "the program closed the fd: the OCM is all available again");
	close(heap);
}

/* zynq-ocm.dtso: the bus routes the pl330 to the OCM. */
static void routed_board(void)
{
	char line[512];
	int ret, id;

	printf("\n== pl330 copies between RAM and the OCM ==\n");
	copy_checks("default policy");
	check(!!strstr(result, "client f8003000.dma-controller"),
	      "the client is the pl330's own device");
	show_verdict(line, sizeof(line));
	check(strstr(line, " bus ") && strstr(line, "reason=common_node") &&
	      strstr(line, "node=/axi "),
	      "the verdict explains it: bus path, routed by /axi");
	check(ctl_explain(strrchr(prov_dir, '/') + 1, CLIENT_PATH) == 0 &&
	      strstr(tool_out, "ALLOWED, peer to peer by bus address") &&
	      strstr(tool_out, "decided at /axi"),
	      "iomem-dma-ctl explain says the same in words");

	check(ctl_cmd("copy 4096 nosuch") == -ENOENT,
	      "an unknown region name is refused with ENOENT");
	snprintf(line, sizeof(line), "copy %d ocm", OCM_SIZE + 4096);
	check(ctl_cmd(line) != 0 && strstr(result, "allocation"),
	      "more than the OCM holds: the allocation fails");

	printf("\n== a fragmented OCM: one copy over two entries ==\n");
	check(!ctl_cmd("hold 65536 ocm") && !ctl_cmd("hold 65536 ocm") &&
	      !ctl_cmd("hold 65536 ocm") && !ctl_cmd("release 1"),
	      "three 64 KiB holds, the middle one released");
	check(!ctl_cmd("copy 131072 ocm") && !strncmp(result, "ok:", 3) &&
	      strstr(result, "2 entries"),
	      "131072 bytes RAM -> OCM -> RAM over 2 entries, verified");
	check(!ctl_cmd("release") && prov_attr("available") == OCM_SIZE,
	      "all released: all of the OCM is free again");

	printf("\n== one mapping of a mixed RAM + OCM table, reused with syncs ==\n");
	check(!ctl_cmd("cycle 8 4096 ocm") && !strncmp(result, "ok: 8 rounds", 12) &&
	      strstr(result, "bus path"),
	      "8 rounds of 4096 bytes RAM -> OCM -> RAM through one mapping, synced for device and CPU each round, every byte verified");
	check(!ctl_cmd("cycle 3 65536 ocm") && !strncmp(result, "ok: 3 rounds", 12),
	      "3 rounds of 65536 bytes through one mapping, every byte verified");
	check(ctl_cmd("cycle 0 4096 ocm") == -EINVAL,
	      "cycle with 0 rounds is refused with EINVAL");
	check(prov_attr("available") == OCM_SIZE,
	      "after the cycles all of the OCM is free again");

	heap_checks();

	printf("\n== the administrator denies the region while a buffer is mapped ==\n");
	check(!ctl_cmd("hold 4096 ocm") && strstr(result, "holds 1"),
	      "the client holds 4096 bytes, mapped");
	id = add_rule("deny provider=" REGION_PATH);
	check(id > 0, "deny rule accepted (id %d)", id);
	read_file(CTL, result, sizeof(result));
	check(strstr(result, "revokes 1") && strstr(result, "holds 0") &&
	      prov_attr("available") == OCM_SIZE,
	      "the client was revoked and gave its buffer back");
	show_verdict(line, sizeof(line));
	check(strstr(line, " denied ") && strstr(line, "reason=rule_deny"),
	      "the verdict says: denied by rule");
	ret = ctl_cmd("copy 4096 ocm");
	check(ret == -EREMOTEIO && !strncmp(result, "denied:", 7) &&
	      strstr(result, "denied by rule"),
	      "the map is refused with EREMOTEIO, the client reports why");
	check(prov_attr("available") == OCM_SIZE,
	      "the refused allocation was given back");

	printf("\n== the administrator removes the rule ==\n");
	ret = ioctl_remove_rule(id);
	printf("  # ioctl(/dev/iomem_dma, REMOVE_RULE, %d) -> %s\n", id, err(ret));
	check(!ret, "rule %d removed", id);
	show_verdict(line, sizeof(line));
	check(strstr(line, " bus ") && strstr(line, "reason=common_node"),
	      "the verdict is back to the bus path");
	copy_checks("after the rule");
}

/* Under the firmware's deny the pl330's map of a heap buffer is refused. */
static void heap_denied_check(void)
{
	struct dma_heap_allocation_data d = {
		.len = 4096, .fd_flags = O_RDWR | O_CLOEXEC,
	};
	char path[PATH_MAX], cmd[64];
	int heap;

	snprintf(path, sizeof(path), "%s/heap_limit", prov_dir);
	write_file(path, "4096");
	snprintf(path, sizeof(path), "/dev/dma_heap/%s", strrchr(prov_dir, '/') + 1);
	heap = open(path, O_RDONLY | O_CLOEXEC);
	check(heap >= 0 && !ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &d),
	      "a program allocates 4 KiB from the OCM heap");
	if (heap < 0)
		return;
	snprintf(cmd, sizeof(cmd), "import %u 4096", d.fd);
	check(ctl_cmd(cmd) == -EREMOTEIO && !strncmp(result, "denied:", 7),
	      "the pl330's map of the heap buffer is refused (EREMOTEIO)");
	close(d.fd);
	close(heap);
}

/* zynq-ocm-deny.dtso on top: the pl330's node denies it the OCM. */
static void fw_deny_board(void)
{
	char line[512];
	int ret, id;

	printf("\n== the devicetree denies the pl330 the OCM ==\n");
	check(access(DT_DMAC "/peer-dma-deny", F_OK) == 0,
	      "the pl330 node states peer-dma-deny");
	/* The first command registers the client: then it has a verdict. */
	ret = ctl_cmd("copy 4096 ocm");
	check(ret == -EREMOTEIO && strstr(result, "denied by a firmware statement"),
	      "the map is refused with EREMOTEIO, the client reports why");
	show_verdict(line, sizeof(line));
	check(strstr(line, " denied ") && strstr(line, "reason=fw_deny") &&
	      strstr(line, "node=" CLIENT_PATH " "),
	      "the verdict says: denied by the firmware, at the pl330's node");
	check(ctl_explain(strrchr(prov_dir, '/') + 1, CLIENT_PATH) == 0 &&
	      strstr(tool_out, "DENIED") && strstr(tool_out, "peer-dma-deny") &&
	      strstr(tool_out, "devicetree node " CLIENT_PATH " decided"),
	      "iomem-dma-ctl explain names the devicetree statement");
	check(prov_attr("available") == OCM_SIZE,
	      "the refused allocation was given back");
	heap_denied_check();

	printf("\n== an administrator rule overrides the firmware ==\n");
	id = add_rule("allow provider=" REGION_PATH " client=" CLIENT_PATH);
	check(id > 0, "allow rule for the pair accepted (id %d)", id);
	show_verdict(line, sizeof(line));
	check(strstr(line, " bus ") && !strstr(line, "fw_deny"),
	      "the verdict is the bus path again");
	check(!ctl_cmd("copy 65536 ocm") && !strncmp(result, "ok:", 3),
	      "65536 bytes RAM -> OCM -> RAM by pl330 memcpy, verified");
	ret = ioctl_remove_rule(id);
	printf("  # ioctl(/dev/iomem_dma, REMOVE_RULE, %d) -> %s\n", id, err(ret));
	check(!ret, "rule %d removed", id);
	show_verdict(line, sizeof(line));
	check(strstr(line, " denied ") && strstr(line, "reason=fw_deny"),
	      "the firmware's deny stands again");
	check(ctl_cmd("copy 4096 ocm") == -EREMOTEIO,
	      "and the map is refused again");
}

int main(void)
{
	char cmdline[1024];
	int ret, fw_deny;

	board_setup();
	read_file("/proc/cmdline", cmdline, sizeof(cmdline));
	fw_deny = !!strstr(cmdline, "board_zynq=fw-deny");

	printf("\n== iomem_dma on QEMU xilinx-zynq-a9: pl330 and the OCM%s ==\n",
	       fw_deny ? ", denied by the devicetree" : "");
	check(access(PL330_BOUND, F_OK) == 0, "pl330 bound at f8003000");
	check(prop_is("/proc/device-tree/cpus/cpu@1/status", "fail"),
	      "the overlay marks the second CPU, absent in QEMU, as failed");
	check(prop_is(DT_REGION "/compatible", "peer-dma-region"),
	      "the overlay's region " REGION_PATH " is in the live tree");
	check(prop_is(DT_BUS "/sram@fffc0000/status", "disabled"),
	      "the board's mmio-sram node for the same OCM is disabled");
	check(prop_is(DT_DMAC "/peer-dma-region-names", "ocm") &&
	      access(DT_DMAC "/peer-dma-regions", F_OK) == 0,
	      "the pl330 node names the region \"ocm\"");
	check(access(DT_BUS "/peer-dma-routing", F_OK) == 0,
	      "the axi bus states peer-dma-routing");
	dt_selfcheck(fw_deny);

	ret = find_provider();
	check(ret, "provider for " REGION_PATH " registered: %s", prov_dir);
	if (!ret)
		provider_diagnosis();
	check(prov_attr("size") == OCM_SIZE, "the provider has %ld bytes",
	      prov_attr("size"));
	if (access(CTL, F_OK)) {
		check(0, "the dmaengine client's %s exists", CTL);
		goto out;
	}

	if (fw_deny)
		fw_deny_board();
	else
		routed_board();

	printf("\n== kernel log ==\n");
	ret = kernel_problems();
	check(ret == 0, "no WARNING, BUG or Oops in the kernel log (%d)", ret);

out:
	printf("board-zynq: 1..%d\n", checks);
	printf("iomem_dma board-zynq: done (%d checks, %d failed)\n", checks,
	       failures);
	fflush(stdout);
	tcdrain(STDOUT_FILENO);
	sync();
	/* No power-off on this board: a reset ends QEMU (-no-reboot). */
	reboot(RB_AUTOBOOT);
	return 0;
}
