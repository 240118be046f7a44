// SPDX-License-Identifier: GPL-2.0-only
/*
 * /init of the arm64 board (make demo, make check): iomem_dma on a real
 * (emulated) PCIe fabric with edu's DMA engine moving the bytes.
 *
 * Prints a readable story, and one "board: ok N - ..." or
 * "board: not ok N - ..." line per check, then "board: 1..N" and
 * "iomem_dma board: done", and powers the board off.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <drm/drm.h>

#define BOARD_TAG "board"
#include "board-lib.h"

struct pcidev {
	char name[64];
	unsigned int vendor, device;
	int depth;
};

static struct pcidev devs[32];
static int ndevs;

static void scan_pci(void)
{
	DIR *d = opendir("/sys/bus/pci/devices");
	struct dirent *de;
	char path[PATH_MAX], buf[64], real[PATH_MAX];

	if (!d)
		return;
	while ((de = readdir(d)) && ndevs < 32) {
		struct pcidev *p = &devs[ndevs];
		const char *c;

		if (de->d_name[0] == '.')
			continue;
		snprintf(p->name, sizeof(p->name), "%.63s", de->d_name);
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vendor",
			 de->d_name);
		read_file(path, buf, sizeof(buf));
		p->vendor = strtoul(buf, NULL, 16);
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/device",
			 de->d_name);
		read_file(path, buf, sizeof(buf));
		p->device = strtoul(buf, NULL, 16);
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s",
			 de->d_name);
		if (!realpath(path, real))
			continue;
		p->depth = 0;
		for (c = real; *c; c++)
			p->depth += *c == '/';
		ndevs++;
	}
	closedir(d);
}

/* The n-th device with these IDs, ordered by depth (deepest first). */
static struct pcidev *find_dev(unsigned int vendor, unsigned int device,
			       int deepest)
{
	struct pcidev *best = NULL;
	int i;

	for (i = 0; i < ndevs; i++) {
		if (devs[i].vendor != vendor || devs[i].device != device)
			continue;
		if (!best || (deepest ? devs[i].depth > best->depth :
				       devs[i].depth < best->depth))
			best = &devs[i];
	}
	return best;
}

static int bind_provider(const char *dev)
{
	char path[PATH_MAX];
	int ret;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override",
		 dev);
	ret = write_file(path, "iomem_dma_pci");
	if (!ret)
		ret = write_file("/sys/bus/pci/drivers_probe", dev);
	return ret;
}

static char edu_ctl[PATH_MAX];
static char result[1024];

static int edu_cmd(const char *cmd)
{
	int ret = write_file(edu_ctl, cmd);

	read_file(edu_ctl, result, sizeof(result));
	printf("  edu %-38s -> %.*s\n", cmd, (int)strcspn(result, "\n"),
	       result);
	return ret;
}

/* The pair's verdict line, asked through /dev/iomem_dma: see query_line(). */
static void verdict_line(const char *prov, const char *client, char *out,
			 size_t size)
{
	query_line(prov, client, out, size, NULL);
}

/* The PCI address of the bridge right above @bdf, from its sysfs path. */
static int upstream_bridge(const char *bdf, char *out, size_t size)
{
	char path[PATH_MAX], link[PATH_MAX], *last, *prev;
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", bdf);
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		return -ENOENT;
	link[n] = '\0';
	last = strrchr(link, '/');
	if (!last)
		return -ENOENT;
	*last = '\0';
	prev = strrchr(link, '/');
	prev = prev ? prev + 1 : link;
	if (strlen(prev) >= size)
		return -ENAMETOOLONG;
	memcpy(out, prev, strlen(prev) + 1);
	return strchr(out, ':') ? 0 : -ENOENT;
}

#define PCI_EXT_CAP_ID_ACS	0x0d
#define PCI_ACS_CTRL_OFF	6
#define PCI_ACS_RR_CR		0x000c	/* request and completion redirect */

/*
 * Find the ACS capability of @bdf in its config space and return the
 * offset of its control word, or -1.
 */
static int acs_ctrl_offset(const char *bdf)
{
	char path[PATH_MAX];
	unsigned int hdr, pos = 0x100, n;
	int fd, ret = -1;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", bdf);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	for (n = 0; pos >= 0x100 && n < 64; n++) {
		if (pread(fd, &hdr, 4, pos) != 4 || !hdr || hdr == ~0U)
			break;
		if ((hdr & 0xffff) == PCI_EXT_CAP_ID_ACS) {
			ret = pos + PCI_ACS_CTRL_OFF;
			break;
		}
		pos = hdr >> 20;
	}
	close(fd);
	return ret;
}

/* Read or write the 16-bit word at @off of @bdf's config space. */
static int config_word(const char *bdf, int off, unsigned short *val,
		       int write)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", bdf);
	fd = open(path, write ? O_WRONLY : O_RDONLY);
	if (fd < 0)
		return -errno;
	n = write ? pwrite(fd, val, 2, off) : pread(fd, val, 2, off);
	close(fd);
	return n == 2 ? 0 : -EIO;
}

/* Add a rule through IOMEM_DMA_IOC_ADD_RULE: 0 or the negative errno. */
static int rule(const char *text)
{
	int ret = ioctl_add_rule(text);

	printf("  # ioctl(/dev/iomem_dma, ADD_RULE, \"%s\") -> %s\n", text,
	       ret < 0 ? err(ret) : "ok");
	return ret < 0 ? ret : 0;
}

static int run_ctl(const char *a, const char *b, const char *c, const char *d)
{
	return run_tool("iomem-dma-ctl", a, b, c, d);
}

/*
 * iomem-dma-dtcheck on the devicetree this boot runs on, as the kernel
 * got it (QEMU's DTB plus the boot's overlay from dts/): the binding
 * checks must find no error in it.
 */
static void dt_selfcheck(void)
{
	int r = run_tool("iomem-dma-dtcheck", "/sys/firmware/fdt", NULL, NULL, NULL);

	check(r == 0 && strstr(tool_out, "/sys/firmware/fdt: 0 errors"),
	      "iomem-dma-dtcheck on the live devicetree (/sys/firmware/fdt): exit %d, 0 errors",
	      r);
}

#define DT_PROV		"7f000000.peer-dma-region"

/* The rule id in "added rule N" from iomem-dma-ctl's output, or -1. */
static int added_rule(void)
{
	const char *p = strstr(tool_out, "added rule ");

	return p ? atoi(p + 11) : -1;
}

/* Write @s as the whole of a regular file, created if need be. */
static int put_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	int ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		ret = -EIO;
	close(fd);
	return ret;
}

/*
 * In a child: drop CAP_SYS_ADMIN (keeping uid 0 and CAP_DAC_OVERRIDE, so
 * the open for writing succeeds), open /dev/iomem_dma read-write and try
 * ADD_RULE, REMOVE_RULE and RESCAN: the opener's credentials must refuse
 * all three with EPERM. Exit 0 if they did.
 */
static int changes_without_cap_sys_admin(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];
	struct iomem_dma_rule_info ri = { .text = "deny node=nocap" };
	int status, fd, bad = 0;
	__u32 kid = 1;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (syscall(SYS_capget, &hdr, data))
			_exit(10);
		data[CAP_SYS_ADMIN / 32].effective &= ~(1U << (CAP_SYS_ADMIN % 32));
		data[CAP_SYS_ADMIN / 32].permitted &= ~(1U << (CAP_SYS_ADMIN % 32));
		if (syscall(SYS_capset, &hdr, data))
			_exit(11);
		fd = open("/dev/iomem_dma", O_RDWR);
		if (fd < 0)
			_exit(12);
		bad += !(ioctl(fd, IOMEM_DMA_IOC_ADD_RULE, &ri) && errno == EPERM);
		bad += !(ioctl(fd, IOMEM_DMA_IOC_REMOVE_RULE, &kid) && errno == EPERM);
		bad += !(ioctl(fd, IOMEM_DMA_IOC_RESCAN) && errno == EPERM);
		_exit(bad);
	}
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/*
 * The administrator ABI on the real kernel: /dev/iomem_dma through
 * iomem-dma-ctl (its JSON, its errors, save and an atomic restore), the
 * debugfs verdicts table, and what an unprivileged user may do: ask, not
 * change. Starts and ends with no rules.
 */
static void admin_checks(const char *sw_prov, const char *rp_prov,
			 struct pcidev *edudev)
{
	char line[512], table[16384], want[1024], num[16], *p;
	struct iomem_dma_query q;
	int id = -1, r;

	printf("\n== the administrator interface: /dev/iomem_dma, debugfs, sysfs ==\n");
	snprintf(want, sizeof(want), "/sys/class/iomem_dma/%s/", sw_prov);
	check(!access(want, F_OK) && !access("/sys/kernel/iomem_dma/generation", F_OK) &&
	      access("/sys/kernel/iomem_dma/rules", F_OK) &&
	      access("/sys/kernel/iomem_dma/add", F_OK) &&
	      access(strcat(want, "verdicts"), F_OK),
	      "sysfs has one value per file: no rules, add or verdicts tables");
	check(!query_line(sw_prov, edudev->name, line, sizeof(line), &q) &&
	      strstr(line, " bus "), "IOMEM_DMA_IOC_QUERY answers: %s", line);
	check(!read_file("/sys/kernel/debug/iomem_dma/verdicts", table,
			 sizeof(table)), "debugfs iomem_dma/verdicts reads");
	/* The table's line of the pair, without the generation (it moves). */
	snprintf(want, sizeof(want), "%s %s", sw_prov, line);
	if (strstr(want, " generation="))
		*strstr(want, " generation=") = '\0';
	check(!!strstr(table, want), "the table has the query's verdict: %s", want);
	q.provider[0] = '\0';
	check(iomem_dma_ioctl(0, IOMEM_DMA_IOC_QUERY, &q) == -EINVAL,
	      "a query without a provider name: EINVAL");
	check(iomem_dma_ioctl(0, _IOWR(IOMEM_DMA_IOC_MAGIC, 0x3f, int), &r) == -ENOTTY,
	      "an unknown ioctl: ENOTTY");

	r = run_ctl("--json", "explain", sw_prov, edudev->name);
	check(r == 0 && tool_out[0] == '{' && strstr(tool_out, "\"path\":\"bus\"") &&
	      strstr(tool_out, "\"reason\":\"common_node\"") &&
	      strstr(tool_out, "\"detail\":[{\"key\":\"route\",\"text\":\""),
	      "iomem-dma-ctl --json explain, with the kernel's explanation lines");
	r = run_ctl("explain", "no-such-provider", edudev->name, NULL);
	check(r == 2 && strstr(tool_out, "no provider named") &&
	      strstr(tool_out, "closest names that exist:"),
	      "explain of an unknown provider: exit 2 and the closest names");
	snprintf(want, sizeof(want), "%.12s9", edudev->name);
	r = run_ctl("explain", sw_prov, want, NULL);
	check(r == 2 && strstr(tool_out, "not a registered client") &&
	      strstr(tool_out, edudev->name),
	      "explain of an unknown client: exit 2, suggests %s", edudev->name);
	r = run_ctl("--json", "list", NULL, NULL);
	snprintf(want, sizeof(want),
		 "{\"client\":\"%s\",\"path\":\"denied\",\"reason\":\"%s\"}",
		 edudev->name, "host_not_allowed");
	check(r == 0 && tool_out[0] == '[' && strstr(tool_out, want),
	      "iomem-dma-ctl --json list has every provider's verdict for edu");

	snprintf(line, sizeof(line), "provider=%s", rp_prov);
	r = run_ctl("deny", line, NULL, NULL);
	id = added_rule();
	check(r == 0 && id > 0, "iomem-dma-ctl deny %s: rule %d", line, id);
	check(run_ctl("deny", line, NULL, NULL) == 4 &&
	      strstr(tool_out, "refused by the kernel"),
	      "the same rule again: refused by the kernel, exit 4");
	snprintf(want, sizeof(want), "{\"id\":%d,\"rule\":\"deny provider=%s\"}", id, rp_prov);
	check(run_ctl("--json", "rules", NULL, NULL) == 0 && strstr(tool_out, want),
	      "iomem-dma-ctl --json rules: %s", want);
	check(run_ctl("remove", "99999", NULL, NULL) == 2 &&
	      strstr(tool_out, "there is no rule 99999"),
	      "remove of a rule that does not exist: exit 2");

	/* An unprivileged user asks, but cannot change anything. */
	tool_uid = 65534;
	r = run_ctl("explain", sw_prov, edudev->name, NULL);
	check(r == 0 && strstr(tool_out, "ALLOWED, peer to peer by bus address"),
	      "uid 65534 may ask for a verdict (explain)");
	check(run_ctl("rules", NULL, NULL, NULL) == 0 && strstr(tool_out, line),
	      "uid 65534 may list the rules");
	r = run_ctl("allow", "node=pci0000:00", NULL, NULL);
	check(r == 3 && strstr(tool_out, "permission denied"),
	      "uid 65534 may not add a rule: exit 3");
	snprintf(num, sizeof(num), "%d", id);
	check(run_ctl("remove", num, NULL, NULL) == 3, "nor remove one: exit 3");
	check(run_ctl("rescan", NULL, NULL, NULL) == 3, "nor rescan: exit 3");
	tool_uid = 0;
	r = changes_without_cap_sys_admin();
	check(r == 0,
	      "root without CAP_SYS_ADMIN, the device open for writing: ADD_RULE, REMOVE_RULE and RESCAN refused with EPERM (%d)",
	      r);
	check(run_ctl("rules", NULL, NULL, NULL) == 0 && strstr(tool_out, line),
	      "the rule is still there");

	/* save, then restore a set: all at once, with new ids. */
	check(run_ctl("save", "/saved.rules", NULL, NULL) == 0 &&
	      !read_file("/saved.rules", table, sizeof(table)) &&
	      strstr(table, "\ndeny provider=") && strstr(table, line),
	      "iomem-dma-ctl save writes the rules without ids");
	p = table + strlen(table);
	snprintf(p, sizeof(table) - (p - table), "allow node=pci0000:00\n");
	put_file("/saved.rules", table);
	check(run_ctl("restore", "/saved.rules", NULL, NULL) == 0 &&
	      strstr(tool_out, "restored 2 rule(s)"),
	      "iomem-dma-ctl restore of the saved rules plus one: 2 rules");
	check(run_ctl("rules", NULL, NULL, NULL) == 0 && strstr(tool_out, line) &&
	      strstr(tool_out, "allow node=pci0000:00") &&
	      atoi(tool_out) > id, "both in force, with new ids");
	put_file("/saved.rules", "allow node=a\nallow node=a\n");
	check(run_ctl("restore", "/saved.rules", NULL, NULL) == 4 &&
	      run_ctl("rules", NULL, NULL, NULL) == 0 &&
	      strstr(tool_out, "allow node=pci0000:00"),
	      "a file with a duplicate: exit 4, the rules unchanged");
	{
		static const char dup[] = "deny node=k1\ndeny node=k1\n";
		struct iomem_dma_rules set = {
			.text = (unsigned long)dup, .len = sizeof(dup) - 1,
		};

		r = iomem_dma_ioctl(1, IOMEM_DMA_IOC_REPLACE_RULES, &set);
		check(r == -EINVAL && run_ctl("rules", NULL, NULL, NULL) == 0 &&
		      strstr(tool_out, "allow node=pci0000:00") &&
		      !strstr(tool_out, "node=k1"),
		      "the same set straight to REPLACE_RULES: EINVAL from the kernel, the rules unchanged");
		set.len = 0;
		set.flags = 1;
		check(iomem_dma_ioctl(1, IOMEM_DMA_IOC_REPLACE_RULES, &set) == -EINVAL,
		      "REPLACE_RULES with nonzero flags: EINVAL");
	}
	put_file("/saved.rules", "\n");
	check(run_ctl("restore", "/saved.rules", NULL, NULL) == 0 &&
	      run_ctl("rules", NULL, NULL, NULL) == 0 && strstr(tool_out, "no rules"),
	      "restore of an empty file: no rules");
}

/*
 * dts/virt-carveout.dtso: a devicetree provider on a no-map carve-out of
 * RAM, and edu, a PCI master. Nothing connects the two fabrics: denied
 * until the administrator allows the pair.
 */
static void dt_carveout(struct pcidev *edudev)
{
	char line[512], cmd[160], id[16];
	int r;

	printf("\n== a devicetree provider: 1 MiB no-map carve-out (dts/virt-carveout.dtso) ==\n");
	dt_selfcheck();
	check(!read_file("/sys/class/iomem_dma/" DT_PROV "/size", line, sizeof(line)) &&
	      atoi(line) == 1048576, "provider " DT_PROV " registered from the devicetree (1 MiB)");
	check(!read_file("/sys/class/iomem_dma/" DT_PROV "/bus", line, sizeof(line)) &&
	      strstr(line, "platform"), "its bus is platform (%s)", strtok(line, "\n"));
	verdict_line(DT_PROV, edudev->name, line, sizeof(line));
	printf("  %s: %s\n", DT_PROV, line);
	check(strstr(line, " denied ") && strstr(line, "reason=no_common_node"),
	      "PCI edu and the carve-out: denied by default (no common fabric node)");
	snprintf(cmd, sizeof(cmd), "copy %s", DT_PROV);
	r = edu_cmd(cmd);
	check(r == -EREMOTEIO && strstr(result, "denied"),
	      "edu cannot DMA into the carve-out (%s)", err(r));
	check(run_ctl("allow", "provider=" DT_PROV, edudev->name, NULL) == 4,
	      "iomem-dma-ctl allow wants client=NAME, not a bare name (exit 4)");
	snprintf(line, sizeof(line), "client=%s", edudev->name);
	check(run_ctl("allow", "provider=" DT_PROV, line, NULL) == 0 && added_rule() > 0,
	      "iomem-dma-ctl allow provider=" DT_PROV " %s", line);
	snprintf(id, sizeof(id), "%d", added_rule());
	verdict_line(DT_PROV, edudev->name, line, sizeof(line));
	printf("  %s: %s\n", DT_PROV, line);
	check(strstr(line, " host ") && strstr(line, "reason=rule_allow"),
	      "cross-bus pair allowed by the rule, through the host");
	r = edu_cmd(cmd);
	check(!r && strstr(result, "ok:") && strstr(result, "host path"),
	      "edu DMA: carve-out -> edu -> carve-out, 2048 bytes verified through __iomem");
	check(run_ctl("remove", id, NULL, NULL) == 0, "iomem-dma-ctl remove %s", id);
	r = edu_cmd(cmd);
	check(r == -EREMOTEIO, "without the rule the pair is denied again (%s)", err(r));
}

/*
 * The second boot, with dts/virt-carveout-policy.dtso: the PCI host
 * bridge's node states peer-dma-allow for the carve-out.
 */
static void dt_policy(struct pcidev *edudev)
{
	char line[512], cmd[160];
	int r;

	printf("\n== devicetree policy: the PCI host bridge node allows the carve-out ==\n");
	dt_selfcheck();
	check(access("/proc/device-tree/pcie@10000000/peer-dma-allow", F_OK) == 0,
	      "/pcie@10000000 has peer-dma-allow (dts/virt-carveout-policy.dtso)");
	verdict_line(DT_PROV, edudev->name, line, sizeof(line));
	printf("  %s: %s\n", DT_PROV, line);
	check(strstr(line, " host ") && strstr(line, "reason=fw_allow") &&
	      strstr(line, "node=/pcie@10000000 "),
	      "edu and the carve-out: allowed by the devicetree, no rule");
	check(run_ctl("explain", DT_PROV, edudev->name, NULL) == 0 &&
	      strstr(tool_out, "firmware statement"),
	      "iomem-dma-ctl explain names the devicetree statement");
	snprintf(cmd, sizeof(cmd), "copy %s", DT_PROV);
	r = edu_cmd(cmd);
	check(!r && strstr(result, "ok:") && strstr(result, "host path"),
	      "edu DMA into the carve-out: 2048 bytes verified (%s)", err(r));
	check(rule("deny provider=" DT_PROV) == 0, "the administrator denies the provider");
	r = edu_cmd(cmd);
	check(r == -EREMOTEIO && strstr(result, "denied by rule"),
	      "a deny rule overrides the devicetree (%s)", err(r));
}

/* Lines of the kernel log that contain @what. */
static int klog_count(const char *what)
{
	static char klog[262144];
	int n = klogctl(3, klog, sizeof(klog) - 1), count = 0;
	const char *p;

	klog[n > 0 ? n : 0] = '\0';
	for (p = klog; (p = strstr(p, what)); p += strlen(what))
		count++;
	return count;
}

/* The start address of BAR @bar of @bdf, from its resource file. */
static unsigned long long bar_start(const char *bdf, int bar)
{
	char path[PATH_MAX], buf[1024], *line = buf;
	int i;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource", bdf);
	if (read_file(path, buf, sizeof(buf)))
		return 0;
	for (i = 0; i < bar && line; i++) {
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return line ? strtoull(line, NULL, 16) : 0;
}

/* The dma address edu's last result printed, or 0. */
static unsigned long long result_dma(void)
{
	const char *p = strstr(result, "dma address ");

	return p ? strtoull(p + 12, NULL, 16) : 0;
}

/*
 * QEMU virt with an SMMUv3 (-machine virt,iommu=smmuv3): the SMMU
 * translates every DMA of every PCI device, also between the ports of
 * one switch. With @identity the boot asked for identity domains
 * (iommu.passthrough=1): nothing is translated.
 */
static void smmu_checks(struct pcidev *ivsw, struct pcidev *ivrp,
			struct pcidev *edudev, int identity)
{
	char sw_prov[80], rp_prov[80], line[512], cmd[160], type[32] = "";
	unsigned long long bar, dma;
	int events, id, ret;

	printf("\n== an SMMUv3 translates the PCI devices' DMA%s ==\n",
	       identity ? " (identity domains: iommu.passthrough=1)" : "");
	check(klog_count("arm-smmu-v3") > 0 &&
	      access("/sys/class/iommu", F_OK) == 0,
	      "arm-smmu-v3 probed (/sys/class/iommu)");
	snprintf(cmd, sizeof(cmd), "/sys/bus/pci/devices/%s/iommu_group/type",
		 edudev->name);
	read_file(cmd, type, sizeof(type));
	type[strcspn(type, "\n")] = '\0';
	if (identity)
		check(!strcmp(type, "identity"),
		      "edu's IOMMU group is in identity mode (%s)", type);
	else
		check(!strncmp(type, "DMA", 3),
		      "edu's IOMMU group translates (domain type %s)", type);

	check(!bind_provider(ivsw->name) && !bind_provider(ivrp->name),
	      "driver_override binds iomem_dma_pci to both ivshmem devices");
	snprintf(sw_prov, sizeof(sw_prov), "%s-bar2", ivsw->name);
	snprintf(rp_prov, sizeof(rp_prov), "%s-bar2", ivrp->name);
	bar = bar_start(ivsw->name, 2);

	verdict_line(sw_prov, edudev->name, line, sizeof(line));
	printf("  %s: %s\n", sw_prov, line);
	snprintf(cmd, sizeof(cmd), "copy %s", sw_prov);
	if (identity) {
		check(strstr(line, " bus ") && strstr(line, "reason=common_node") &&
		      strstr(line, "iommu=identity") && !strstr(line, "iommu_path="),
		      "same switch, identity domain: the bus path stands");
		check(!edu_cmd(cmd) && strstr(result, "ok:") && strstr(result, "bus path") &&
		      result_dma() == bar,
		      "switch pair: bytes verified by bus address %#llx (nothing translates it)",
		      bar);
		check(run_ctl("explain", sw_prov, edudev->name, NULL) == 0 &&
		      strstr(tool_out, "identity (passthrough) mode"),
		      "iomem-dma-ctl explain says the IOMMU is in identity mode");
		snprintf(line, sizeof(line), "provider=%s", sw_prov);
		id = run_ctl("allow", line, "iommu", NULL) == 0 ? added_rule() : -1;
		check(id > 0, "iomem-dma-ctl allow provider=%s iommu (rule %d)", sw_prov, id);
		verdict_line(sw_prov, edudev->name, line, sizeof(line));
		printf("  %s: %s\n", sw_prov, line);
		check(strstr(line, " host ") && strstr(line, "iommu_path=kept"),
		      "the 'iommu' option keeps the IOMMU in the path of the switch pair");
		ret = edu_cmd(cmd);
		check(!ret && strstr(result, "ok:") && strstr(result, "host path"),
		      "switch pair: bytes verified through dma_map_resource()");
		snprintf(line, sizeof(line), "%d", id);
		check(id > 0 && run_ctl("remove", line, NULL, NULL) == 0,
		      "the 'iommu' rule removed");
		goto log_check;
	}
	check(strstr(line, " host ") && strstr(line, "reason=common_node") &&
	      strstr(line, "iommu=translating iommu_path=kept"),
	      "same switch, translating SMMU: the path goes through the IOMMU, not by bus address");
	check(run_ctl("explain", sw_prov, edudev->name, NULL) == 0 &&
	      strstr(tool_out, "IOMMU translates its DMA") &&
	      strstr(tool_out, "would bypass the translation and fault"),
	      "iomem-dma-ctl explain says why");
	events = klog_count("event 0x10 received");
	ret = edu_cmd(cmd);
	dma = result_dma();
	check(!ret && strstr(result, "ok:") && strstr(result, "host path"),
	      "switch pair: 2048 bytes provider -> edu -> provider verified through the SMMU");
	check(dma && (dma < bar || dma >= bar + (1 << 20)),
	      "edu used an IOVA (%#llx), not the BAR's bus address (%#llx)", dma, bar);
	check(klog_count("event 0x10 received") == events,
	      "no SMMU translation fault for it");

	printf("\n== measured: a bus address under the translating SMMU ==\n");
	snprintf(line, sizeof(line), "provider=%s", sw_prov);
	id = run_ctl("allow", line, "bus", NULL) == 0 ? added_rule() : -1;
	check(id > 0, "iomem-dma-ctl allow provider=%s bus: the bus address kept (rule %d)",
	      sw_prov, id);
	verdict_line(sw_prov, edudev->name, line, sizeof(line));
	printf("  %s: %s\n", sw_prov, line);
	check(strstr(line, " bus ") && strstr(line, "iommu_path=bypassed"),
	      "the verdict says the bus path bypasses the IOMMU");
	events = klog_count("event 0x10 received");
	check(edu_cmd(cmd) != 0 && strstr(result, "differ"),
	      "edu's DMA to bus address %#llx moved nothing: the bytes differ", bar);
	check(klog_count("event 0x10 received") > events,
	      "the SMMU logged translation faults (event 0x10): %d",
	      klog_count("event 0x10 received") - events);
	snprintf(line, sizeof(line), "%d", id);
	check(id > 0 && run_ctl("remove", line, NULL, NULL) == 0,
	      "the 'bus' rule removed");
	verdict_line(sw_prov, edudev->name, line, sizeof(line));
	check(strstr(line, " host ") && strstr(line, "iommu_path=kept"),
	      "without it the IOMMU is back in the path");

	printf("\n== across root ports: the host bridge, through the SMMU ==\n");
	verdict_line(rp_prov, edudev->name, line, sizeof(line));
	printf("  %s: %s\n", rp_prov, line);
	check(strstr(line, " denied ") && strstr(line, "reason=host_not_allowed") &&
	      strstr(line, "iommu=translating"),
	      "across root ports: denied by default, the IOMMU state shown");
	check(run_ctl("allow", "node=pci0000:00", NULL, NULL) == 0,
	      "iomem-dma-ctl allow node=pci0000:00");
	snprintf(cmd, sizeof(cmd), "copy %s", rp_prov);
	bar = bar_start(ivrp->name, 2);
	ret = edu_cmd(cmd);
	dma = result_dma();
	check(!ret && strstr(result, "ok:") && strstr(result, "host path") &&
	      dma && (dma < bar || dma >= bar + (1 << 20)),
	      "root-port pair: bytes verified through the SMMU at IOVA %#llx", dma);
log_check:
	check(klog_count("arm-smmu-v3") > 0, "the SMMU stayed up");
}

#define OOPS_CTL "/sys/kernel/debug/iomem_dma_misuse_oops/run"

/*
 * The boot with "board_oops": code that does not know about I/O memory
 * dereferences what sg_virt(), kmap_local_page(sg_page()) and
 * get_page(sg_page()) give for an iomem entry of an ivshmem BAR, each in a
 * kthread of its own (tests/drivers/misuse_oops.c). Each must oops at an
 * address where nothing is mapped, and the BAR must keep its bytes.
 */
static void oops_checks(struct pcidev *ivsw)
{
	static const struct {
		const char *mode, *fault;
	} cases[] = {
		{ "sg_virt", "Unable to handle kernel paging request at virtual address ffff8010" },
		{ "kmap", "Unable to handle kernel paging request at virtual address ffff8010" },
		{ "get_page", "NULL pointer dereference at virtual address 00000000000000" },
	};
	char prov[80], cmd[160], out[256];
	unsigned int i;
	int oopses, faults, ret;

	printf("\n== unaware code dereferences an iomem entry (deliberate oopses) ==\n");
	check(!bind_provider(ivsw->name), "iomem_dma_pci bound to %s", ivsw->name);
	snprintf(prov, sizeof(prov), "%s-bar2", ivsw->name);
	check(kernel_problems() == 0, "a clean kernel log before the first oops");
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		/* Each case is judged on its own log. */
		klogctl(5, NULL, 0);
		oopses = klog_count("Internal error: Oops");
		faults = klog_count(cases[i].fault);
		snprintf(cmd, sizeof(cmd), "%s %s", cases[i].mode, prov);
		ret = write_file(OOPS_CTL, cmd);
		read_file(OOPS_CTL, out, sizeof(out));
		printf("  # echo '%s' > %s\n    %s", cmd, OOPS_CTL, out);
		check(!ret && !strncmp(out, "stopped:", 8) && strstr(out, "unchanged"),
		      "%s: the access faulted, the kthread died, the BAR's bytes are unchanged",
		      cases[i].mode);
		check(klog_count("Internal error: Oops") == oopses + 1 &&
		      klog_count(cases[i].fault) == faults + 1 &&
		      klog_count("WARNING:") == 0 && klog_count("BUG:") == 0,
		      "%s: one oops, at \"%s...\", nothing else", cases[i].mode,
		      cases[i].fault);
	}
}

static char big_text[8192];

/* The line of edu's state that starts with @key, e.g. "attached mapped". */
static int edu_state(const char *key)
{
	char *p;

	if (read_file(edu_ctl, result, sizeof(result)))
		return -1;
	p = strstr(result, key);
	return p ? atoi(p + strlen(key)) : -1;
}

/* Clear the second 2 KiB of @p, let edu copy the first into it, compare. */
static int copied(int fd, unsigned char *p)
{
	int i;

	buf_sync(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_WRITE);
	memset(p + 2048, 0, 2048);
	buf_sync(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_WRITE);
	if (edu_cmd("xfer") || !strstr(result, "ok:"))
		return -2;
	buf_sync(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ);
	for (i = 0; i < 2048; i++)
		if (p[2048 + i] != p[i])
			break;
	buf_sync(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ);
	return i < 2048 ? i : -1;
}

/*
 * edu keeps the buffer attached and mapped across transfers; a deny rule
 * for the pair revokes the buffer: edu is told (move_notify) and unmaps,
 * its next map is refused, the program's mapping faults with SIGBUS, the
 * memory goes back to the heap, and removing the rule does not revive it.
 */
static void attached_checks(const char *prov, struct pcidev *edudev, int fd,
			    unsigned char *p)
{
	char cmd[64], a[160], b[96], num[16];
	int id, bad;

	printf("\n== edu keeps the dma-buf attached; a deny rule revokes the buffer ==\n");
	snprintf(cmd, sizeof(cmd), "attach %d", fd);
	check(!edu_cmd(cmd) && strstr(result, "attached: fd") &&
	      strstr(result, "bus path"),
	      "edu attaches the fd and keeps it mapped (bus path)");
	bad = copied(fd, p);
	check(bad == -1,
	      "edu copies through the kept mapping, the program verifies (first difference %d)",
	      bad);
	snprintf(a, sizeof(a), "importer %s: 1 mapping(s), path bus", edudev->name);
	check(!run_ctl("bufs", NULL, NULL, NULL) && strstr(tool_out, a) &&
	      strstr(tool_out, prov),
	      "iomem-dma-ctl bufs shows the buffer, its provider and edu as its importer");
	snprintf(a, sizeof(a), "provider=%s", prov);
	snprintf(b, sizeof(b), "client=%s", edudev->name);
	id = run_ctl("deny", a, b, NULL) == 0 ? added_rule() : -1;
	check(id > 0 && edu_state("attached notified ") == 1 &&
	      edu_state("attached mapped ") == 0,
	      "a deny rule while attached: edu is told (move_notify) and unmapped");
	check(edu_cmd("xfer") == -ENODEV,
	      "edu's next map of the attached buffer: ENODEV (the buffer is revoked)");
	{
		int status = 0;
		pid_t pid = fork();

		if (pid == 0)
			_exit(p[0] == 3);
		waitpid(pid, &status, 0);
		check(WIFSIGNALED(status) && WTERMSIG(status) == SIGBUS,
		      "the program's mapping gets SIGBUS after the deny (status %#x)",
		      status);
	}
	check(buf_sync(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ) == -ENODEV,
	      "DMA_BUF_IOCTL_SYNC on the revoked buffer: ENODEV");
	check(mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED &&
	      errno == ENODEV, "a new mmap of the revoked buffer: ENODEV");
	snprintf(a, sizeof(a), "heap %s limit=65536 used=0 ", prov);
	check(!read_file("/sys/kernel/debug/iomem_dma/dmabufs", big_text,
			 sizeof(big_text)) && strstr(big_text, a) &&
	      strstr(big_text, " revoked"),
	      "the buffer is shown revoked and its bytes are back in the heap while the program holds the fd");
	snprintf(a, sizeof(a), "revoked: the pair with %s is denied: denied by rule (rule %d)",
		 edudev->name, id);
	check(klog_count(a) == 1, "the kernel log names the denied pair as the cause");
	snprintf(num, sizeof(num), "%d", id);
	check(id > 0 && !run_ctl("remove", num, NULL, NULL), "the deny rule removed");
	check(edu_cmd("xfer") == -ENODEV,
	      "removing the rule does not revive the buffer: edu's map still ENODEV");
	check(!edu_cmd("detach") && edu_state("attached ") == 0, "edu detaches");
}

/*
 * The kernel's vgem, an importer no one here wrote, takes dma-bufs only
 * with struct pages: PRIME import of the fd is refused at attach.
 */
static void vgem_checks(int fd)
{
	struct drm_prime_handle h = { .fd = fd };
	char name[32] = "";
	struct drm_version v = { .name = name, .name_len = sizeof(name) - 1 };
	int card, r, err, before;

	printf("\n== the kernel's vgem, which needs struct pages, imports the dma-buf ==\n");
	card = open("/dev/dri/card0", O_RDWR | O_CLOEXEC);
	check(card >= 0 && !ioctl(card, DRM_IOCTL_VERSION, &v) &&
	      !strcmp(name, "vgem"), "/dev/dri/card0 is vgem (%s)", name);
	if (card < 0)
		return;
	before = klog_count("does not take memory without struct pages");
	r = ioctl(card, DRM_IOCTL_PRIME_FD_TO_HANDLE, &h);
	err = errno;
	check(r != 0 && err == EOPNOTSUPP,
	      "vgem's DRM_IOCTL_PRIME_FD_TO_HANDLE of the fd: refused (%s)",
	      r ? strerror(err) : "succeeded");
	check(klog_count("does not take memory without struct pages") == before + 1,
	      "the kernel log says why: vgem does not take memory without struct pages");
	close(card);
}

#define TRACEFS "/sys/kernel/tracing"

/* Empty the trace buffer (an open with O_TRUNC does it). */
static int trace_clear(void)
{
	int fd = open(TRACEFS "/trace", O_WRONLY | O_TRUNC);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

/* How many lines of the trace buffer hold all of @a, @b and @c. */
static int trace_lines(const char *a, const char *b, const char *c)
{
	static char buf[65536];
	char *line, *save;
	int n = 0;

	if (read_file(TRACEFS "/trace", buf, sizeof(buf)))
		return -1;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		if (strstr(line, a) && (!b || strstr(line, b)) &&
		    (!c || strstr(line, c)))
			n++;
	return n;
}

/*
 * The trace events through tracefs: every iomem_dma event is there; one
 * scenario (a copy, a held mapping a deny rule revokes, a refused copy,
 * the rule removed) leaves the events it should, with their fields; and
 * iomem-dma-ctl trace, filtered on the provider, prints the events of a
 * copy made while it runs.
 */
static void trace_checks(const char *prov, struct pcidev *edudev)
{
	char cmd[160], a[320], b[192], num[16], out[8192];
	int id, fds[2], status = 0, n = 0, r;
	pid_t pid;

	printf("\n== the iomem_dma trace events (tracefs) ==\n");
	mount("tracefs", TRACEFS, "tracefs", 0, NULL);
	check(access(TRACEFS "/events/iomem_dma/iomem_dma_map/format", R_OK) == 0 &&
	      access(TRACEFS "/events/iomem_dma/iomem_dma_revoke/format", R_OK) == 0 &&
	      access(TRACEFS "/events/iomem_dma/iomem_dma_buf_revoke/format", R_OK) == 0,
	      "tracefs lists the iomem_dma events");
	check(!run_ctl("restore", "/dev/null", NULL, NULL),
	      "the scenes' rules cleared (iomem-dma-ctl restore of an empty file)");
	check(!trace_clear() && !write_file(TRACEFS "/events/iomem_dma/enable", "1"),
	      "# echo 1 > " TRACEFS "/events/iomem_dma/enable");
	snprintf(cmd, sizeof(cmd), "copy %s", prov);
	check(!edu_cmd(cmd), "edu copies through the switch pair");
	snprintf(cmd, sizeof(cmd), "hold %s", prov);
	check(!edu_cmd(cmd), "edu holds a mapping of the provider");
	snprintf(a, sizeof(a), "provider=%s", prov);
	snprintf(b, sizeof(b), "client=%s", edudev->name);
	id = run_ctl("deny", a, b, NULL) == 0 ? added_rule() : -1;
	snprintf(cmd, sizeof(cmd), "copy %s", prov);
	check(id > 0 && edu_cmd(cmd) == -EREMOTEIO, "a deny rule; edu's next copy is refused");
	snprintf(num, sizeof(num), "%d", id);
	check(id > 0 && !run_ctl("remove", num, NULL, NULL), "the rule removed");
	write_file(TRACEFS "/events/iomem_dma/enable", "0");

	snprintf(a, sizeof(a), "provider=%s client=%s size=4096", prov, edudev->name);
	check(trace_lines("iomem_dma_alloc: ", a, NULL) >= 2 &&
	      trace_lines("iomem_dma_free: ", a, NULL) >= 2,
	      "alloc and free events name the provider, edu and the size");
	snprintf(a, sizeof(a), "client=%s entries=1 bytes=4096 bus=1 host=0", edudev->name);
	check(trace_lines("iomem_dma_map: ", a, "err=0") >= 2 &&
	      trace_lines("iomem_dma_unmap: ", a, NULL) >= 2,
	      "map and unmap events: one entry, 4096 bytes, by bus address, no address");
	snprintf(a, sizeof(a), "provider=%s client=%s", prov, edudev->name);
	check(trace_lines("iomem_dma_verdict: ", a, "path=denied") >= 1,
	      "the deny's verdict was computed and traced");
	snprintf(b, sizeof(b), "rule=%d", id);
	check(trace_lines("iomem_dma_refuse: ", a, b) == 1,
	      "the refused copy: one refuse event with the reason and the rule");
	check(trace_lines("iomem_dma_revoke: ", a, "cause=policy") == 1,
	      "the held mapping: one revoke event, cause policy");
	snprintf(a, sizeof(a), "id=%d rule=\"deny provider=%s client=%s\"", id, prov,
		 edudev->name);
	snprintf(b, sizeof(b), "iomem_dma_rule_remove: id=%d", id);
	check(trace_lines("iomem_dma_rule_add: ", a, NULL) == 1 && trace_lines(b, NULL, NULL) == 1,
	      "rule add and remove events with the id and the rule");
	check(trace_lines("iomem_dma_", "phys", NULL) == 0,
	      "no event line carries a physical address");

	/* iomem-dma-ctl trace while edu copies. */
	trace_clear();
	snprintf(a, sizeof(a), "provider=%s", prov);
	printf("  $ /bin/iomem-dma-ctl trace %s --count 2 (while edu copies)\n", a);
	if (pipe(fds))
		return;
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		close(fds[0]);
		execl("/bin/iomem-dma-ctl", "iomem-dma-ctl", "trace", a, "--count", "2",
		      "--seconds", "10", (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	usleep(500000);
	snprintf(cmd, sizeof(cmd), "copy %s", prov);
	edu_cmd(cmd);
	while (n < (int)sizeof(out) - 1 && (r = read(fds[0], out + n, sizeof(out) - 1 - n)) > 0)
		n += r;
	out[n] = '\0';
	close(fds[0]);
	waitpid(pid, &status, 0);
	printf("%s", out);
	snprintf(b, sizeof(b), "iomem_dma_alloc: provider=%s", prov);
	check(WIFEXITED(status) && !WEXITSTATUS(status) && strstr(out, b) &&
	      !strstr(out, "iomem_dma_map:"),
	      "iomem-dma-ctl trace provider=... prints the copy's events of that provider only");
	check(!read_file(TRACEFS "/events/iomem_dma/iomem_dma_alloc/enable", out, sizeof(out)) &&
	      out[0] == '0' &&
	      !read_file(TRACEFS "/events/iomem_dma/iomem_dma_alloc/filter", out, sizeof(out)) &&
	      !strncmp(out, "none", 4),
	      "it turned off and unfiltered the events when it stopped");
	/* The revoke took what "hold" kept; nothing is left to release. */
	edu_cmd("release");

	snprintf(cmd, sizeof(cmd), "hold %s", prov);
	edu_cmd(cmd);
	snprintf(a, sizeof(a), "provider %s: 4096 of ", prov);
	snprintf(b, sizeof(b), "  client %s: 4096 bytes, 1 allocation(s)", edudev->name);
	check(!run_ctl("stat", "--count", "1", NULL) && strstr(tool_out, a) &&
	      strstr(tool_out, b) && strstr(tool_out, "events over "),
	      "iomem-dma-ctl stat: the bytes edu holds of the provider, and the events of 1 s");
	edu_cmd("release");
}

/*
 * User space and dma-bufs: the administrator offers the switch's ivshmem
 * BAR as a DMA-BUF heap; a program allocates from it, mmaps the buffer,
 * writes a pattern, hands the fd to edu, which imports it and copies
 * through its own DMA; the program checks through its mapping.
 */
static void heap_checks(const char *prov, struct pcidev *edudev)
{
	char path[PATH_MAX], cmd[160], line[256], num[16];
	struct dma_heap_allocation_data d = {
		.len = 8192, .fd_flags = O_RDWR | O_CLOEXEC,
	};
	unsigned char *p;
	int heap, i, bad, id;

	printf("\n== user space allocates from a DMA-BUF heap of the ivshmem BAR ==\n");
	snprintf(path, sizeof(path), "/dev/dma_heap/%s", prov);
	check(access(path, F_OK) != 0, "no heap by default (%s absent)", path);
	snprintf(cmd, sizeof(cmd), "/sys/class/iomem_dma/%s/heap_limit", prov);
	check(write_file(cmd, "65536") == 0, "# echo 65536 > %s", cmd);
	heap = open(path, O_RDONLY | O_CLOEXEC);
	check(heap >= 0, "%s appeared and opens", path);
	if (heap < 0)
		return;
	check(ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &d) == 0 && d.fd > 0,
	      "DMA_HEAP_IOCTL_ALLOC of 8192 bytes gives dma-buf fd %u", d.fd);
	p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, d.fd, 0);
	check(p != MAP_FAILED, "the buffer mmaps (write-combined BAR memory)");
	if (p == MAP_FAILED)
		goto close_heap;
	check(!buf_sync(d.fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_WRITE),
	      "DMA_BUF_IOCTL_SYNC start");
	for (i = 0; i < 2048; i++) {
		p[i] = (unsigned char)(i * 29 + 3);
		p[2048 + i] = 0;
	}
	check(!buf_sync(d.fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_WRITE),
	      "DMA_BUF_IOCTL_SYNC end");
	snprintf(cmd, sizeof(cmd), "import %u", d.fd);
	check(!edu_cmd(cmd) && strstr(result, "ok:") && strstr(result, "bus path") &&
	      strstr(result, "orig_nents 0"),
	      "edu imports the fd as a peer2peer importer: bus path, a table without CPU entries");
	buf_sync(d.fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ);
	for (i = 0, bad = -1; i < 2048 && bad < 0; i++)
		if (p[2048 + i] != (unsigned char)(i * 29 + 3))
			bad = i;
	buf_sync(d.fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ);
	check(bad < 0, "the program reads edu's copy through its mapping (first bad byte %d)",
	      bad);

	snprintf(line, sizeof(line), "provider=%s", prov);
	snprintf(path, sizeof(path), "client=%s", edudev->name);
	id = run_ctl("deny", line, path, NULL) == 0 ? added_rule() : -1;
	check(id > 0, "iomem-dma-ctl deny %s %s (rule %d)", line, path, id);
	check(edu_cmd(cmd) == -EREMOTEIO && strstr(result, "denied"),
	      "with the pair denied, edu's import is refused at map");
	snprintf(num, sizeof(num), "%d", id);
	check(id > 0 && !run_ctl("remove", num, NULL, NULL), "the deny rule removed");
	check(!edu_cmd(cmd) && strstr(result, "ok:"), "edu imports again");

	vgem_checks(d.fd);
	attached_checks(prov, edudev, d.fd, p);

	{
		struct dma_heap_allocation_data big = {
			.len = 1 << 20, .fd_flags = O_RDWR | O_CLOEXEC,
		};

		check(ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &big) != 0 && errno == ENOSPC,
		      "1 MiB from a heap limited to 64 KiB: ENOSPC");
	}
	munmap(p, 8192);
	close(d.fd);
	snprintf(line, sizeof(line), "heap %s limit=65536 used=0 ", prov);
	check(!read_file("/sys/kernel/debug/iomem_dma/dmabufs", big_text,
			 sizeof(big_text)) && strstr(big_text, line),
	      "the program closed the fd: the heap's bytes are all back (nothing kept them)");
close_heap:
	close(heap);
}

int main(void)
{
	char sw_prov[80], rp_prov[80], root_prov[80], line[512], cmd[160];
	struct pcidev *ivsw, *ivrp, *testdev, *edudev;
	unsigned char *heap_map = MAP_FAILED;
	int ret, bad, heap_fd = -1, heap_buf = -1;

	board_setup();

	printf("\n== iomem_dma on QEMU arm64 virt: a PCIe fabric ==\n");
	scan_pci();
	ivsw = find_dev(0x1af4, 0x1110, 1);
	ivrp = find_dev(0x1af4, 0x1110, 0);
	testdev = find_dev(0x1b36, 0x0005, 0);
	edudev = find_dev(0x1234, 0x11e8, 1);
	check(ivsw && ivrp && ivsw != ivrp && testdev && edudev,
	      "found two ivshmem-plain, a pci-testdev and an edu");
	if (!(ivsw && ivrp && testdev && edudev))
		goto out;
	printf("  edu (client)            %s, behind a switch\n", edudev->name);
	printf("  ivshmem (provider)      %s, behind the same switch\n", ivsw->name);
	printf("  ivshmem (provider)      %s, on another root port\n", ivrp->name);
	printf("  pci-testdev (provider)  %s, on the root bus\n", testdev->name);
	snprintf(edu_ctl, sizeof(edu_ctl), "/sys/kernel/debug/iomem_dma_edu/%s/ctl",
		 edudev->name);

	read_file("/proc/cmdline", line, sizeof(line));
	/* make bench's boot without tracing: the benchmarks ran at boot. */
	if (strstr(line, "board_bench_only")) {
		printf("  benchmarks only (board_bench_only)\n");
		goto out;
	}
	if (strstr(line, "board_dt_policy")) {
		dt_policy(edudev);
		goto log;
	}
	if (strstr(line, "board_oops")) {
		oops_checks(ivsw);
		goto out;
	}
	if (strstr(line, "board_smmu")) {
		smmu_checks(ivsw, ivrp, edudev, !!strstr(line, "iommu.passthrough=1"));
		goto log;
	}

	printf("\n== the administrator binds the generic provider driver ==\n");
	check(write_file("/sys/module/iomem_dma/parameters/pci_bars", "0x40") == -EINVAL,
	      "pci_bars=0x40 (no BAR 6) is refused with EINVAL");
	/*
	 * The default (pci_bars=0) takes prefetchable BARs only: pci-testdev
	 * has a 4 KiB register BAR 0 and a prefetchable BAR 2.
	 */
	check(write_file("/sys/module/iomem_dma/parameters/pci_bars", "0") == 0,
	      "pci_bars=0: the default, prefetchable BARs only");
	check(!bind_provider(ivsw->name) && !bind_provider(ivrp->name) &&
	      !bind_provider(testdev->name),
	      "driver_override binds iomem_dma_pci to the three devices");
	snprintf(cmd, sizeof(cmd), "/sys/class/iomem_dma/%s-bar0", testdev->name);
	check(access(cmd, F_OK) != 0,
	      "%s's register BAR 0 is not a provider by default", testdev->name);
	snprintf(cmd, sizeof(cmd), "/sys/class/iomem_dma/%s-bar0", ivsw->name);
	check(access(cmd, F_OK) != 0,
	      "ivshmem's register BAR 0 is not a provider by default");
	check(write_file("/sys/module/iomem_dma/parameters/pci_bars", "0x4") == 0,
	      "pci_bars=0x4 again for the devices bound later");
	snprintf(sw_prov, sizeof(sw_prov), "%s-bar2", ivsw->name);
	snprintf(rp_prov, sizeof(rp_prov), "%s-bar2", ivrp->name);
	snprintf(root_prov, sizeof(root_prov), "%s-bar2", testdev->name);
	snprintf(cmd, sizeof(cmd), "/sys/class/iomem_dma/%s/size", sw_prov);
	check(!read_file(cmd, line, sizeof(line)) && atoi(line) > 0,
	      "provider %s registered (%s bytes)", sw_prov, strtok(line, "\n"));
	snprintf(cmd, sizeof(cmd), "/sys/class/iomem_dma/%s/size", root_prov);
	check(!read_file(cmd, line, sizeof(line)) && atoi(line) > 0,
	      "provider %s registered", root_prov);

	check(run_ctl("list", NULL, NULL, NULL) == 0 && strstr(tool_out, sw_prov) &&
	      strstr(tool_out, root_prov), "iomem-dma-ctl list shows the providers");

	printf("\n== default verdicts (no rules) ==\n");
	verdict_line(sw_prov, edudev->name, line, sizeof(line));
	printf("  %s: %s\n", sw_prov, line);
	check(strstr(line, " bus ") && strstr(line, "reason=common_node"),
	      "same switch: bus path by default");
	verdict_line(rp_prov, edudev->name, line, sizeof(line));
	printf("  %s: %s\n", rp_prov, line);
	check(strstr(line, " denied ") && strstr(line, "reason=host_not_allowed"),
	      "across root ports: denied, host bridge not allowed");
	verdict_line(root_prov, edudev->name, line, sizeof(line));
	printf("  %s: %s\n", root_prov, line);
	check(!!strstr(line, " denied "), "root bus to switch: denied");

	printf("\n== edu moves bytes peer to peer ==\n");
	snprintf(cmd, sizeof(cmd), "copy %s", sw_prov);
	check(!edu_cmd(cmd) && strstr(result, "ok:") && strstr(result, "bus path"),
	      "switch pair: 2048 bytes provider -> edu -> provider verified");
	snprintf(cmd, sizeof(cmd), "copy %s", rp_prov);
	ret = edu_cmd(cmd);
	check(ret == -EREMOTEIO && strstr(result, "denied"),
	      "root-port pair: map refused with EREMOTEIO and a reason");

	check(run_ctl("explain", rp_prov, edudev->name, NULL) == 0 &&
	      strstr(tool_out, "DENIED") && strstr(tool_out, "host bridge that is not known"),
	      "iomem-dma-ctl explain says why the root-port pair is denied");
	check(strstr(tool_out, "  route:    ") &&
	      strstr(tool_out, "Host bridge not in P2PDMA whitelist: 1b36:0008"),
	      "and names the route and the host bridge's root device, as upstream does");

	admin_checks(sw_prov, rp_prov, edudev);

	heap_checks(sw_prov, edudev);

	dt_carveout(edudev);

	printf("\n== the administrator allows the host bridge ==\n");
	check(run_ctl("allow", "node=pci0000:00", NULL, NULL) == 0 &&
	      strstr(tool_out, "added rule "), "iomem-dma-ctl allow node=pci0000:00");
	check(run_ctl("allow", "node=pci0000:00", "force", "extra") == 4,
	      "iomem-dma-ctl refuses a malformed rule before writing (exit 4)");
	check(rule("allow node=pci0000:00 sometimes") == -EINVAL,
	      "malformed rule refused with EINVAL");
	verdict_line(rp_prov, edudev->name, line, sizeof(line));
	printf("  %s: %s\n", rp_prov, line);
	check(strstr(line, " host ") && strstr(line, "reason=rule_allow"),
	      "across root ports: now through the host bridge, by rule");
	check(run_ctl("explain", rp_prov, edudev->name, NULL) == 0 &&
	      strstr(tool_out, ": allow node=pci0000:00"),
	      "iomem-dma-ctl explain names the allow rule");
	check(!edu_cmd(cmd) && strstr(result, "ok:") && strstr(result, "host path"),
	      "root-port pair: bytes verified through the host bridge");

	printf("\n== ACS turned on through config space; the administrator rescans ==\n");
	{
		/*
		 * QEMU 7.2 models ACS on root ports only (not on xio3130
		 * switch ports): the root port above the second ivshmem.
		 * Its pair with edu meets at the host bridge, where ACS does
		 * not change the verdict (as upstream); what is checked is
		 * that a rescan reads config space again. KUnit's
		 * contract_rescan_revokes shows the revoke that follows.
		 */
		char bridge[32] = "", klog[65536], want[96], before[256];
		unsigned short ctrl = 0, acs;
		int off = -1, n;

		verdict_line(rp_prov, edudev->name, before, sizeof(before));
		if (strstr(before, " generation="))
			*strstr(before, " generation=") = '\0';

		if (!upstream_bridge(ivrp->name, bridge, sizeof(bridge)))
			off = acs_ctrl_offset(bridge);
		check(off > 0 && !config_word(bridge, off, &ctrl, 0),
		      "root port %s (above %s) has an ACS capability, control %#x",
		      bridge, ivrp->name, ctrl);
		acs = ctrl | PCI_ACS_RR_CR;
		check(off > 0 && !config_word(bridge, off, &acs, 1),
		      "setpci-style write: ACS request/completion redirect on at %s",
		      bridge);
		check(iomem_dma_ioctl(0, IOMEM_DMA_IOC_RESCAN, NULL) == -EBADF,
		      "a rescan on a read-only descriptor is refused (EBADF)");
		check(run_ctl("rescan", NULL, NULL, NULL) == 0 &&
		      strstr(tool_out, "rescanned"), "# iomem-dma-ctl rescan");
		n = klogctl(3, klog, sizeof(klog) - 1);
		klog[n > 0 ? n : 0] = '\0';
		snprintf(want, sizeof(want), "%s: ACS redirect now on", bridge);
		check(!!strstr(klog, want), "the rescan saw it: \"%s\"", want);
		verdict_line(rp_prov, edudev->name, line, sizeof(line));
		if (strstr(line, " generation="))
			*strstr(line, " generation=") = '\0';
		check(before[0] && !strcmp(line, before),
		      "the pair meets at the host bridge: verdict unchanged (%s)",
		      line);
		check(off > 0 && !config_word(bridge, off, &ctrl, 1) &&
		      !iomem_dma_ioctl(1, IOMEM_DMA_IOC_RESCAN, NULL),
		      "ACS control restored to %#x and rescanned", ctrl);
		n = klogctl(3, klog, sizeof(klog) - 1);
		klog[n > 0 ? n : 0] = '\0';
		snprintf(want, sizeof(want), "%s: ACS redirect now off", bridge);
		check(!!strstr(klog, want), "the rescan saw the restore: \"%s\"", want);
	}

	printf("\n== a mapping is held; the administrator denies the pair ==\n");
	snprintf(cmd, sizeof(cmd), "hold %s", sw_prov);
	check(!edu_cmd(cmd) && strstr(result, "holding 4096"), "edu holds a mapping");
	snprintf(line, sizeof(line), "deny provider=%s", ivsw->name);
	check(rule(line) == 0, "deny rule accepted");
	read_file(edu_ctl, result, sizeof(result));
	printf("  edu state: %s", strstr(result, "revokes") ?: result);
	check(strstr(result, "revokes 1") && strstr(result, "holding 0"),
	      "edu was revoked: mapping gone");
	snprintf(cmd, sizeof(cmd), "copy %s", sw_prov);
	check(edu_cmd(cmd) == -EREMOTEIO && strstr(result, "denied by rule"),
	      "the switch pair is denied by the rule now");

	printf("\n== the root port's ivshmem is hot-unplugged while edu holds a mapping ==\n");
	snprintf(cmd, sizeof(cmd), "hold %s", rp_prov);
	check(!edu_cmd(cmd) && strstr(result, "holding 4096"),
	      "edu holds a mapping (host path, allowed by rule)");
	{
		struct dma_heap_allocation_data d = {
			.len = 4096, .fd_flags = O_RDWR | O_CLOEXEC,
		};

		snprintf(line, sizeof(line), "/sys/class/iomem_dma/%s/heap_limit", rp_prov);
		heap_fd = write_file(line, "4096") ? -1 : 0;
		snprintf(line, sizeof(line), "/dev/dma_heap/%s", rp_prov);
		if (!heap_fd)
			heap_fd = open(line, O_RDONLY | O_CLOEXEC);
		if (heap_fd >= 0 && !ioctl(heap_fd, DMA_HEAP_IOCTL_ALLOC, &d)) {
			heap_buf = d.fd;
			heap_map = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
					MAP_SHARED, heap_buf, 0);
		}
		check(heap_map != MAP_FAILED &&
		      (heap_map[0] = 0x5c, heap_map[0] == 0x5c),
		      "a program has a 4 KiB buffer of the heap of %s mapped and writes it",
		      rp_prov);
	}
	snprintf(cmd, sizeof(cmd), "attach %d", heap_buf);
	check(heap_buf >= 0 && !edu_cmd(cmd) && strstr(result, "attached: fd"),
	      "edu has the buffer attached and mapped (%s)", strtok(result, "\n"));
	printf("board: unplug iv2 (QEMU device_del at root port rp2)\n");
	snprintf(line, sizeof(line), "/sys/bus/pci/devices/%s", ivrp->name);
	for (ret = 0; ret < 600 && access(line, F_OK) == 0; ret++)
		usleep(100000);
	check(access(line, F_OK) != 0, "%s is gone after device_del (%d.%d s)",
	      ivrp->name, ret / 10, ret % 10);
	read_file(edu_ctl, result, sizeof(result));
	printf("  edu state: %s", strstr(result, "revokes") ?: result);
	check(strstr(result, "revokes 2") && strstr(result, "holding 0"),
	      "edu was revoked before the device went");
	check(edu_state("attached notified ") == 1 &&
	      edu_state("attached mapped ") == 0,
	      "edu's attachment was told (move_notify) and unmapped before the device went");
	check(edu_cmd("xfer") == -ENODEV,
	      "edu's next map of the revoked buffer: ENODEV");
	check(!edu_cmd("detach"), "edu detaches from the revoked buffer");
	snprintf(line, sizeof(line), "/sys/class/iomem_dma/%s", rp_prov);
	check(access(line, F_OK) != 0, "provider %s is gone from sysfs", rp_prov);
	{
		int status = 0;
		pid_t pid = fork();

		if (pid == 0) {
			/* The first touch after the revoke faults. */
			_exit(heap_map[1] == 0x77);
		}
		waitpid(pid, &status, 0);
		check(heap_map != MAP_FAILED && WIFSIGNALED(status) &&
		      WTERMSIG(status) == SIGBUS,
		      "after the unplug the program's mapping gets SIGBUS (status %#x)",
		      status);
		check(heap_buf >= 0 &&
		      buf_sync(heap_buf, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ) == -ENODEV,
		      "DMA_BUF_IOCTL_SYNC on the revoked buffer: ENODEV");
		if (heap_map != MAP_FAILED)
			munmap(heap_map, 4096);
		if (heap_buf >= 0)
			close(heap_buf);
		if (heap_fd >= 0)
			close(heap_fd);
	}

	printf("\n== a provider on the root bus is removed through sysfs ==\n");
	snprintf(cmd, sizeof(cmd), "hold %s", root_prov);
	check(!edu_cmd(cmd) && strstr(result, "holding 4096"),
	      "edu holds a mapping of %s (host path, allowed by rule)", root_prov);
	snprintf(line, sizeof(line), "/sys/bus/pci/devices/%s/remove", testdev->name);
	check(write_file(line, "1") == 0, "# echo 1 > %s completed (no hang)", line);
	read_file(edu_ctl, result, sizeof(result));
	printf("  edu state: %s", strstr(result, "revokes") ?: result);
	check(strstr(result, "revokes 3") && strstr(result, "holding 0"),
	      "edu was revoked before the device went");

	check(run_ctl("rules", NULL, NULL, NULL) == 0 &&
	      strstr(tool_out, "deny provider="), "iomem-dma-ctl rules lists the rules");

	/* Last: its revokes would change the counts the scenes above read. */
	trace_checks(sw_prov, edudev);

log:
	printf("\n== kernel log ==\n");
	bad = kernel_problems();
	check(bad == 0, "no WARNING, BUG, Oops or KASAN report in the kernel log");

out:
	printf("board: 1..%d\n", checks);
	printf("iomem_dma board: done (%d checks, %d failed)\n", checks, failures);
	fflush(stdout);
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}
