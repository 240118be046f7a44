// SPDX-License-Identifier: GPL-2.0-only
/*
 * iomem-dma-ctl: administer the iomem_dma peer-to-peer DMA policy through
 * /dev/iomem_dma (include/uapi/linux/iomem_dma.h,
 * Documentation/ABI/testing/dev-iomem_dma) and sysfs
 * (Documentation/ABI/testing/sysfs-class-iomem_dma).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/iomem_dma.h>

#include "ctl.h"
#include "rules.h"

const char *root = "/sys";
static const char *device = "/dev/iomem_dma";
int json;

static const struct {
	const char *cmd, *args, *help;
} cmds[] = {
	{ "list", "", "providers with size, available bytes, bus, and the verdict for each client" },
	{ "rules", "", "the active rules with their ids" },
	{ "allow", "provider=P [client=C] [force] | client=C [force] | node=N [force]", "add an allow rule" },
	{ "deny", "provider=P [client=C] | client=C | node=N", "add a deny rule" },
	{ "remove", "ID", "remove the rule with this id" },
	{ "explain", "PROVIDER CLIENT", "why the pair is allowed or denied, and by what" },
	{ "save", "FILE", "write the active rules to FILE (one rule a line)" },
	{ "restore", "FILE", "replace the active rules by FILE's, all or nothing" },
	{ "preference", "PROVIDER [VALUE]", "show or set a provider's tie-break preference (-100..100)" },
	{ "rescan", "", "read the fabric again (after setpci changed ACS bits); returns once revoked" },
	{ "bufs", "", "exported dma-bufs (provider, size, maps, revokes, importers) and DMA-BUF heaps; root, debugfs" },
	{ "trace", "[provider=P] [client=C] [--count N] [--seconds S]", "enable the iomem_dma trace events (those of P and C) and print them as they come; root, tracefs" },
	{ "stat", "[--interval S] [--count N]", "bytes per provider and client, and events per second, every S seconds; root, debugfs and tracefs" },
};

static void show_help(FILE *f)
{
	unsigned int i;

	fprintf(f, "usage: iomem-dma-ctl [--sysfs-root DIR] [--device PATH] [--json] COMMAND [ARGS]\n\ncommands:\n");
	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		fprintf(f, "  %-10s %s\n             %s\n", cmds[i].cmd, cmds[i].args, cmds[i].help);
	fprintf(f, "\n--json gives machine-readable output for list, rules and explain.\n"
		"--device PATH is the administration device (default /dev/iomem_dma): verdicts,\n"
		"  clients and rules; changing rules or rescanning needs root (CAP_SYS_ADMIN).\n"
		"--sysfs-root DIR reads the providers in DIR/class/iomem_dma (default /sys);\n"
		"  bufs reads DIR/kernel/debug/iomem_dma/dmabufs (debugfs mounted there);\n"
		"  trace and stat use DIR/kernel/tracing (tracefs), stat also\n"
		"  DIR/kernel/debug/iomem_dma/accounting.\n"
		"exit codes: 0 ok, 1 usage, 2 not found, 3 permission denied, 4 invalid input\n"
		"            rejected, 5 I/O or other error.\n"
		"The rule syntax and precedence: Documentation/driver-api/iomem_dma/policy.rst.\n");
}

static int cmd_usage(const char *cmd)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		if (!strcmp(cmds[i].cmd, cmd)) {
			printf("usage: iomem-dma-ctl %s %s\n  %s\n", cmd, cmds[i].args, cmds[i].help);
			return EXIT_OK;
		}
	fprintf(stderr, "iomem-dma-ctl: unknown command '%s'; see iomem-dma-ctl --help\n", cmd);
	return EXIT_USAGE;
}

void path_of(char *buf, size_t size, const char *fmt, const char *a, const char *b)
{
	int n = snprintf(buf, size, "%s/", root);

	if (n > 0 && (size_t)n < size)
		snprintf(buf + n, size - n, fmt, a ? a : "", b ? b : "");
}

/* Read a whole file into a malloc'd NUL-terminated buffer. */
char *slurp(const char *path, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	ssize_t r;
	int fd;

	if (!buf)
		return NULL;
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		free(buf);
		return NULL;
	}
	while ((r = read(fd, buf + n, cap - n - 1)) > 0) {
		n += r;
		if (n + 1 == cap) {
			char *b = realloc(buf, cap *= 2);

			if (!b) {
				free(buf);
				close(fd);
				errno = ENOMEM;
				return NULL;
			}
			buf = b;
		}
	}
	close(fd);
	if (r < 0) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

int errno_exit(int err, const char *what)
{
	switch (err) {
	case EPERM:
	case EACCES:
		fprintf(stderr, "iomem-dma-ctl: %s: permission denied; this needs root (CAP_SYS_ADMIN) and a kernel that is not locked down\n", what);
		return EXIT_PERM;
	case EINVAL:
		fprintf(stderr, "iomem-dma-ctl: %s: the kernel rejected it as invalid (see iomem-dma-ctl rules for what exists)\n", what);
		return EXIT_INVALID;
	case ENOENT:
	case ENODEV:
	case ENXIO:
		fprintf(stderr, "iomem-dma-ctl: %s: not found; is iomem_dma in this kernel (%s, %s/class/iomem_dma)?\n",
			what, device, root);
		return EXIT_NOTFOUND;
	case ENOTTY:
		fprintf(stderr, "iomem-dma-ctl: %s: %s is not the iomem_dma device (or an older kernel)\n",
			what, device);
		return EXIT_IO;
	default:
		fprintf(stderr, "iomem-dma-ctl: %s: %s\n", what, strerror(err));
		return EXIT_IO;
	}
}

static int write_attr(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return errno;
	n = write(fd, text, strlen(text));
	if (n < 0) {
		int err = errno;

		close(fd);
		return err;
	}
	if (close(fd))
		return errno;
	return n == (ssize_t)strlen(text) ? 0 : EIO;
}

void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

/* /dev/iomem_dma, read-only for queries or read-write for changes. */
static int dev_open(int write, const char *what, int *fd)
{
	*fd = open(device, write ? O_RDWR | O_CLOEXEC : O_RDONLY | O_CLOEXEC);
	if (*fd >= 0)
		return EXIT_OK;
	return errno_exit(errno, what);
}

/* The rules as the kernel lists them, "ID RULE" a line; NULL with *err. */
static char *rules_text(int *err)
{
	struct iomem_dma_rule_info ri = { 0 };
	size_t n = 0, cap = 1;
	char *t = malloc(cap), *b;
	int fd = open(device, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || !t) {
		*err = fd < 0 ? errno : ENOMEM;
		if (fd >= 0)
			close(fd);
		free(t);
		return NULL;
	}
	t[0] = '\0';
	while (!ioctl(fd, IOMEM_DMA_IOC_RULE, &ri)) {
		size_t l = strlen(ri.text) + 16;

		b = realloc(t, cap + l);
		if (!b) {
			errno = ENOMEM;
			break;
		}
		t = b;
		cap += l;
		n += snprintf(t + n, cap - n, "%u %s\n", ri.id, ri.text);
		ri.id++;
		ri.flags = 0;
	}
	*err = errno;
	close(fd);
	if (*err != ENOENT) {
		free(t);
		return NULL;
	}
	*err = 0;
	return t;
}

static int cmd_rules(void)
{
	char *t, *line, *save;
	int err, first = 1;

	t = rules_text(&err);
	if (!t)
		return errno_exit(err, "reading rules");
	if (json)
		printf("[");
	for (line = strtok_r(t, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *sp = strchr(line, ' ');

		if (!json) {
			printf("%s\n", line);
			continue;
		}
		if (!sp)
			continue;
		*sp = '\0';
		printf("%s{\"id\":%s,\"rule\":", first ? "" : ",", line);
		json_str(sp + 1);
		printf("}");
		first = 0;
	}
	if (json)
		printf("]\n");
	else if (!*t)
		printf("(no rules: only what the hardware routes is allowed)\n");
	free(t);
	return EXIT_OK;
}

static int add_rule(const char *text, int quiet)
{
	struct iomem_dma_rule_info ri = { 0 };
	const char *msg = rule_check(text, strlen(text));
	int fd, ret;

	if (msg) {
		fprintf(stderr, "iomem-dma-ctl: '%s': %s\n", text, msg);
		return EXIT_INVALID;
	}
	ret = dev_open(1, "adding the rule", &fd);
	if (ret)
		return ret;
	snprintf(ri.text, sizeof(ri.text), "%s", text);
	if (ioctl(fd, IOMEM_DMA_IOC_ADD_RULE, &ri)) {
		int err = errno;

		close(fd);
		if (err == EINVAL) {
			fprintf(stderr, "iomem-dma-ctl: '%s' is refused by the kernel (the same rule exists already?)\n", text);
			return EXIT_INVALID;
		}
		if (err == ENOSPC) {
			fprintf(stderr, "iomem-dma-ctl: the rule table is full (1024 rules)\n");
			return EXIT_INVALID;
		}
		return errno_exit(err, "adding the rule");
	}
	close(fd);
	if (!quiet)
		printf("added rule %u: %s\n", ri.id, text);
	return EXIT_OK;
}

static int cmd_add(const char *action, int argc, char **argv)
{
	char text[RULE_TEXT_MAX + 1];
	size_t n;
	int i;

	if (argc < 1) {
		fprintf(stderr, "iomem-dma-ctl: %s needs a target, e.g. '%s provider=0000:03:00.0-bar2 client=0000:04:00.0'\n", action, action);
		return EXIT_USAGE;
	}
	n = snprintf(text, sizeof(text), "%s", action);
	for (i = 0; i < argc && n < sizeof(text); i++)
		n += snprintf(text + n, sizeof(text) - n, " %s", argv[i]);
	if (n >= sizeof(text)) {
		fprintf(stderr, "iomem-dma-ctl: rule longer than %d bytes\n", RULE_TEXT_MAX);
		return EXIT_INVALID;
	}
	return add_rule(text, 0);
}

static int remove_id(unsigned long id)
{
	__u32 kid = id;
	int fd, ret, err;

	if (kid != id) {
		fprintf(stderr, "iomem-dma-ctl: there is no rule %lu (see iomem-dma-ctl rules)\n", id);
		return EXIT_NOTFOUND;
	}
	ret = dev_open(1, "removing the rule", &fd);
	if (ret)
		return ret;
	ret = ioctl(fd, IOMEM_DMA_IOC_REMOVE_RULE, &kid);
	err = errno;
	close(fd);
	if (ret && err == ENOENT) {
		fprintf(stderr, "iomem-dma-ctl: there is no rule %lu (see iomem-dma-ctl rules)\n", id);
		return EXIT_NOTFOUND;
	}
	return ret ? errno_exit(err, "removing the rule") : EXIT_OK;
}

static int cmd_remove(int argc, char **argv)
{
	char *end;
	unsigned long id;

	if (argc != 1) {
		fprintf(stderr, "iomem-dma-ctl: remove takes one rule id (see iomem-dma-ctl rules)\n");
		return EXIT_USAGE;
	}
	errno = 0;
	id = strtoul(argv[0], &end, 10);
	if (errno || *end || !*argv[0] || argv[0][0] == '-') {
		fprintf(stderr, "iomem-dma-ctl: '%s' is not a rule id (a decimal number)\n", argv[0]);
		return EXIT_USAGE;
	}
	return remove_id(id);
}

static int cmd_rescan(int argc)
{
	int fd, ret, err;

	if (argc) {
		fprintf(stderr, "iomem-dma-ctl: rescan takes no arguments\n");
		return EXIT_USAGE;
	}
	ret = dev_open(1, "rescanning the fabric", &fd);
	if (ret)
		return ret;
	ret = ioctl(fd, IOMEM_DMA_IOC_RESCAN);
	err = errno;
	close(fd);
	if (ret)
		return errno_exit(err, "rescanning the fabric");
	if (!json)
		printf("rescanned: verdicts are fresh, denied mappings revoked\n");
	return EXIT_OK;
}

static unsigned int edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	unsigned int *row = calloc(lb + 1, sizeof(*row)), prev, tmp, best;

	if (!row)
		return UINT_MAX;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			tmp = row[j];
			best = prev + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = tmp;
		}
	}
	best = row[lb];
	free(row);
	return best;
}

/* Print up to three names from @names (n of them) closest to @want. */
static void suggest(const char *want, char **names, int n)
{
	int used[3] = { -1, -1, -1 }, k, i;

	if (!n)
		return;
	fprintf(stderr, "  closest names that exist:");
	for (k = 0; k < 3 && k < n; k++) {
		unsigned int best = UINT_MAX, d;

		for (i = 0; i < n; i++) {
			if (i == used[0] || i == used[1])
				continue;
			d = edit_distance(want, names[i]);
			if (d < best) {
				best = d;
				used[k] = i;
			}
		}
		fprintf(stderr, " %s", names[used[k]]);
	}
	fprintf(stderr, "\n");
}

static int providers(char ***out)
{
	char path[PATH_MAX], **names = NULL;
	struct dirent *de;
	int n = 0;
	DIR *d;

	path_of(path, sizeof(path), "class/iomem_dma", NULL, NULL);
	d = opendir(path);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		names = realloc(names, (n + 1) * sizeof(*names));
		if (!names)
			break;
		names[n++] = strdup(de->d_name);
	}
	closedir(d);
	*out = names;
	return n;
}

static void free_names(char **names, int n)
{
	while (n-- > 0)
		free(names[n]);
	free(names);
}

static char *attr(const char *prov, const char *name)
{
	char path[PATH_MAX], *t;

	path_of(path, sizeof(path), "class/iomem_dma/%s/%s", prov, name);
	t = slurp(path, NULL);
	if (t)
		t[strcspn(t, "\n")] = '\0';
	return t ? t : strdup("?");
}

/* The names of the registered clients, in registration order; -errno. */
static int client_names(int fd, char ***out)
{
	struct iomem_dma_client_info ci = { 0 };
	char **names = NULL, **b;
	int n = 0;

	for (;;) {
		if (ioctl(fd, IOMEM_DMA_IOC_CLIENT, &ci)) {
			if (errno != ENAMETOOLONG)
				break;
			fprintf(stderr,
				"iomem-dma-ctl: client %u: name longer than %d bytes, skipped\n",
				ci.id, IOMEM_DMA_UAPI_NAME_LEN - 1);
			ci.id++;
			ci.flags = 0;
			continue;
		}
		b = realloc(names, (n + 1) * sizeof(*names));
		if (b)
			b[n] = strdup(ci.name);
		if (!b || !b[n]) {
			free_names(b ? b : names, n);
			return -ENOMEM;
		}
		names = b;
		n++;
		ci.id++;
		ci.flags = 0;
	}
	if (errno != ENOENT) {
		int err = errno;

		free_names(names, n);
		return -err;
	}
	*out = names;
	return n;
}

/* The verdict of @prov and @client computed now: 0 or an errno. */
static int query(int fd, const char *prov, const char *client,
		 struct iomem_dma_query *q)
{
	memset(q, 0, sizeof(*q));
	snprintf(q->provider, sizeof(q->provider), "%s", prov);
	snprintf(q->client, sizeof(q->client), "%s", client);
	return ioctl(fd, IOMEM_DMA_IOC_QUERY, q) ? errno : 0;
}

static int cmd_list(void)
{
	char **names, **clients = NULL, *v;
	struct iomem_dma_query q;
	int n, nc, i, j, fd, ret;

	ret = dev_open(0, "listing clients", &fd);
	if (ret)
		return ret;
	nc = client_names(fd, &clients);
	if (nc < 0) {
		close(fd);
		return errno_exit(-nc, "listing clients");
	}
	n = providers(&names);
	if (n < 0) {
		free_names(clients, nc);
		close(fd);
		return errno_exit(-n, "listing providers");
	}
	if (json)
		printf("[");
	for (i = 0; i < n; i++) {
		static const char *const keys[] = { "size", "available", "published", "bus", "preference" };
		unsigned int k;
		int firstc = 1;

		if (json) {
			printf("%s{\"name\":", i ? "," : "");
			json_str(names[i]);
		} else {
			printf("%s\n", names[i]);
		}
		for (k = 0; k < 5; k++) {
			v = attr(names[i], keys[k]);
			if (json) {
				printf(",\"%s\":", keys[k]);
				json_str(v);
			} else {
				printf("  %-11s %s\n", keys[k], v);
			}
			free(v);
		}
		if (json)
			printf(",\"clients\":[");
		for (j = 0; j < nc; j++) {
			/* A provider or client that went meanwhile: skipped. */
			if (query(fd, names[i], clients[j], &q))
				continue;
			if (json) {
				printf("%s{\"client\":", firstc ? "" : ",");
				json_str(clients[j]);
				printf(",\"path\":");
				json_str(q.path);
				printf(",\"reason\":");
				json_str(q.reason);
				printf("}");
			} else {
				printf("  client      %s: %s (%s)\n", clients[j], q.path, q.reason);
			}
			firstc = 0;
		}
		if (json)
			printf("]}");
	}
	if (json)
		printf("]\n");
	else if (!n)
		printf("(no providers registered)\n");
	free_names(names, n);
	free_names(clients, nc);
	close(fd);
	return EXIT_OK;
}

static const struct {
	const char *code, *words;
} reasons[] = {
	{ "same_device", "the provider and the client are the same device" },
	{ "common_node", "their nearest common node (a PCI switch or bridge, or a devicetree bus with peer-dma-routing) routes peer traffic" },
	{ "host_allowed", "their common host bridge is known to route peer traffic" },
	{ "no_common_node", "the two devices share no fabric node" },
	{ "host_not_allowed", "the traffic would cross a host bridge that is not known to route peer traffic" },
	{ "acs_redirect", "a port on the way redirects peer requests to the host bridge, which does not route them" },
	{ "no_routing", "their common bus does not route peer traffic" },
	{ "client_not_on_fabric", "no bus backend knows where the client sits" },
	{ "provider_not_on_fabric", "the provider has no place in the fabric" },
	{ "provider_gone", "the provider is being removed" },
	{ "acs_via_host", "a port redirects peer requests to the host bridge, which routes them" },
	{ "rule_deny", "an administrator rule denies the pair" },
	{ "rule_allow", "an administrator rule allows the pair, through the host bridge or IOMMU" },
	{ "rule_forced", "an administrator rule with force overrides a hardware no" },
	{ "needs_force", "an allow rule matches, but the hardware says no and the rule lacks force" },
	{ "fw_deny", "a firmware statement (devicetree peer-dma-deny) on the node shown denies the pair" },
	{ "fw_allow", "a firmware statement (devicetree peer-dma-allow) on the node shown allows the pair, through the host bridge or IOMMU" },
};

static const char *reason_words(const char *code)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(reasons); i++)
		if (!strcmp(reasons[i].code, code))
			return reasons[i].words;
	return "unknown reason";
}

/* Print the kernel's "KEY: TEXT" lines, aligned under the others. */
static void print_detail(const char *detail)
{
	const char *p = detail;

	while (*p) {
		const char *nl = strchr(p, '\n'), *colon = strstr(p, ": ");
		int len = nl ? (int)(nl - p) : (int)strlen(p);

		if (colon && colon < p + len)
			printf("  %-9.*s %.*s\n", (int)(colon - p) + 1, p,
			       len - (int)(colon - p) - 2, colon + 2);
		else
			printf("  %.*s\n", len, p);
		p += len + (nl ? 1 : 0);
	}
}

/* The same lines as a JSON array [{"key":KEY,"text":TEXT},...]: a key may repeat. */
static void json_detail(const char *detail)
{
	const char *p = detail;
	int first = 1;

	printf("[");
	while (*p) {
		const char *nl = strchr(p, '\n'), *colon = strstr(p, ": ");
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char key[64], *text;

		if (colon && colon < p + len && (size_t)(colon - p) < sizeof(key)) {
			snprintf(key, sizeof(key), "%.*s", (int)(colon - p), p);
			text = strndup(colon + 2, len - (colon - p) - 2);
			if (text) {
				printf("%s{\"key\":", first ? "" : ",");
				json_str(key);
				printf(",\"text\":");
				json_str(text);
				printf("}");
				first = 0;
				free(text);
			}
		}
		p += len + (nl ? 1 : 0);
	}
	printf("]");
}

static int cmd_explain(int argc, char **argv)
{
	char **names, *rules, *line = NULL, *save;
	const char *path, *reason, *node, *iommu, *iommu_path;
	struct iomem_dma_query q;
	unsigned long rule, gen;
	int n, dist, err, ret, fd;

	if (argc != 2) {
		fprintf(stderr, "iomem-dma-ctl: explain takes PROVIDER CLIENT (see iomem-dma-ctl list)\n");
		return EXIT_USAGE;
	}
	ret = dev_open(0, "asking for the verdict", &fd);
	if (ret)
		return ret;
	err = query(fd, argv[0], argv[1], &q);
	if (err == ENOENT) {
		fprintf(stderr, "iomem-dma-ctl: no provider named '%s'\n", argv[0]);
		n = providers(&names);
		if (n > 0) {
			suggest(argv[0], names, n);
			free_names(names, n);
		}
		close(fd);
		return EXIT_NOTFOUND;
	}
	if (err == ENXIO) {
		fprintf(stderr, "iomem-dma-ctl: '%s' is not a registered client of the iomem_dma core\n", argv[1]);
		n = client_names(fd, &names);
		if (n > 0) {
			suggest(argv[1], names, n);
			free_names(names, n);
		}
		close(fd);
		return EXIT_NOTFOUND;
	}
	close(fd);
	if (err)
		return errno_exit(err, "asking for the verdict");
	path = q.path;
	reason = q.reason;
	node = q.node[0] ? q.node : "-";
	iommu = q.iommu;
	iommu_path = q.iommu_path[0] ? q.iommu_path : "-";
	dist = q.distance;
	rule = q.rule;
	gen = q.generation;

	rules = rules_text(&err);
	line = NULL;
	if (rule && rules) {
		char key[32];

		snprintf(key, sizeof(key), "%lu ", rule);
		for (line = strtok_r(rules, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
			if (!strncmp(line, key, strlen(key)))
				break;
	}
	if (json) {
		printf("{\"provider\":");
		json_str(argv[0]);
		printf(",\"client\":");
		json_str(argv[1]);
		printf(",\"path\":");
		json_str(path);
		printf(",\"reason\":");
		json_str(reason);
		printf(",\"explanation\":");
		json_str(reason_words(reason));
		printf(",\"distance\":%d,\"node\":", dist);
		json_str(node);
		printf(",\"rule\":%lu,\"rule_text\":", rule);
		json_str(line ? strchr(line, ' ') + 1 : "");
		printf(",\"generation\":%lu,\"iommu\":", gen);
		json_str(iommu);
		printf(",\"iommu_path\":");
		json_str(iommu_path);
		printf(",\"detail\":");
		json_detail(q.detail);
		printf("}\n");
	} else {
		bool fw = !strncmp(reason, "fw_", 3);

		printf("%s -> %s: %s\n", argv[0], argv[1],
		       !strcmp(path, "denied") ? "DENIED" :
		       !strcmp(path, "bus") ? "ALLOWED, peer to peer by bus address" :
		       "ALLOWED, through the host bridge or IOMMU");
		printf("  why:      %s (%s)\n", reason_words(reason), reason);
		if (dist >= 0)
			printf("  path:     %d links between the devices%s%s\n", dist,
			       fw ? "" : ", decided at ", fw ? "" : node);
		else
			printf("  path:     the devices share no fabric node\n");
		if (rule)
			printf("  rule:     %lu: %s\n", rule, line ? strchr(line, ' ') + 1 : "(removed since)");
		else if (fw)
			printf("  rule:     none; the devicetree node %s decided\n", node);
		else
			printf("  rule:     none; the hardware decided\n");
		if (!strcmp(iommu, "identity"))
			printf("  iommu:    the client's IOMMU is in identity (passthrough) mode: no translation\n");
		else if (!strcmp(iommu, "translating"))
			printf("  iommu:    the client's IOMMU translates its DMA (a DMA domain)\n");
		else
			printf("  iommu:    none translates the client's DMA\n");
		if (!strcmp(iommu_path, "kept"))
			printf("            the fabric would route by bus address; the traffic goes through the IOMMU\n"
			       "            instead (%s)\n",
			       strcmp(iommu, "translating") ? "an allow rule with 'iommu' says so" :
			       "a bus address would bypass the translation and fault");
		else if (!strcmp(iommu_path, "bypassed"))
			printf("            an allow rule with 'bus' sends a bus address past the translating IOMMU:\n"
			       "            right only if the fabric delivers it before the IOMMU\n");
		print_detail(q.detail);
		printf("  policy generation %lu\n", gen);
		if (!strcmp(path, "denied") && strcmp(reason, "rule_deny"))
			printf("  to allow it: iomem-dma-ctl allow provider=%s client=%s%s\n", argv[0], argv[1],
			       !strcmp(reason, "needs_force") || !strcmp(reason, "acs_redirect") ||
			       !strcmp(reason, "no_routing") ? " force   (overrides hardware; taints the kernel)" : "");
	}
	free(rules);
	return EXIT_OK;
}

static int cmd_save(int argc, char **argv)
{
	char *t, *line, *save;
	FILE *f;
	int err;

	if (argc != 1) {
		fprintf(stderr, "iomem-dma-ctl: save takes a FILE\n");
		return EXIT_USAGE;
	}
	t = rules_text(&err);
	if (!t)
		return errno_exit(err, "reading rules");
	f = fopen(argv[0], "w");
	if (!f) {
		free(t);
		return errno_exit(errno, argv[0]);
	}
	fprintf(f, "# iomem_dma rules, one per line (iomem-dma-ctl restore %s)\n", argv[0]);
	for (line = strtok_r(t, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *sp = strchr(line, ' ');

		if (sp)
			fprintf(f, "%s\n", sp + 1);
	}
	free(t);
	if (fclose(f))
		return errno_exit(errno, argv[0]);
	return EXIT_OK;
}

/* Collect the rules of a file into one text, a rule a line. */
struct rule_set {
	char *text;
	size_t len, cap;
};

static int collect_rule(const char *rule, void *ctx)
{
	struct rule_set *set = ctx;
	size_t l = strlen(rule) + 1;

	if (set->len + l + 1 > set->cap) {
		size_t cap = (set->cap + l + 1) * 2;
		char *t = realloc(set->text, cap);

		if (!t)
			return -1;
		set->text = t;
		set->cap = cap;
	}
	set->len += snprintf(set->text + set->len, set->cap - set->len, "%s\n", rule);
	return 0;
}

/*
 * Parse the whole file here, for FILE:LINE messages, then hand the kernel
 * the whole set at once: it replaces the rules all or nothing, and a pair
 * the old and the new set both allow is never revoked on the way.
 */
static int cmd_restore(int argc, char **argv)
{
	struct rule_set set = { 0 };
	struct iomem_dma_rules r = { 0 };
	int lineno, count, ret, fd, err;
	const char *msg;
	char *file;
	size_t len;

	if (argc != 1) {
		fprintf(stderr, "iomem-dma-ctl: restore takes a FILE\n");
		return EXIT_USAGE;
	}
	file = slurp(argv[0], &len);
	if (!file)
		return errno_exit(errno, argv[0]);
	lineno = rules_file_parse(file, len, &msg, collect_rule, &set, &count);
	free(file);
	if (lineno) {
		fprintf(stderr, "%s:%d: %s\n", argv[0], lineno, msg);
		fprintf(stderr, "iomem-dma-ctl: nothing changed\n");
		free(set.text);
		return EXIT_INVALID;
	}
	ret = dev_open(1, "replacing the rules", &fd);
	if (ret) {
		free(set.text);
		return ret;
	}
	r.text = (unsigned long)set.text;
	r.len = set.len;
	ret = ioctl(fd, IOMEM_DMA_IOC_REPLACE_RULES, &r);
	err = errno;
	close(fd);
	free(set.text);
	if (ret && (err == EINVAL || err == ENOSPC)) {
		fprintf(stderr, "iomem-dma-ctl: the kernel refused %s (%s); nothing changed\n",
			argv[0], err == ENOSPC ? "more than 1024 rules" : "a rule it does not accept");
		return EXIT_INVALID;
	}
	if (ret)
		return errno_exit(err, "replacing the rules");
	printf("restored %u rule(s) from %s\n", r.count, argv[0]);
	return EXIT_OK;
}

static int cmd_preference(int argc, char **argv)
{
	char path[PATH_MAX], *v, *end;
	long val;
	int err;

	if (argc < 1 || argc > 2) {
		fprintf(stderr, "iomem-dma-ctl: preference takes PROVIDER [VALUE]\n");
		return EXIT_USAGE;
	}
	path_of(path, sizeof(path), "class/iomem_dma/%s/preference", argv[0], NULL);
	if (argc == 1) {
		v = slurp(path, NULL);
		if (!v)
			return errno_exit(errno, argv[0]);
		printf("%s", v);
		free(v);
		return EXIT_OK;
	}
	val = strtol(argv[1], &end, 10);
	if (*end || !*argv[1] || val < -100 || val > 100) {
		fprintf(stderr, "iomem-dma-ctl: preference is a number from -100 to 100\n");
		return EXIT_INVALID;
	}
	err = write_attr(path, argv[1]);
	return err ? errno_exit(err, argv[0]) : EXIT_OK;
}

/*
 * "bufs": the dma-bufs iomem_dma exported and its heaps, from debugfs
 * (iomem_dma/dmabufs; Documentation/driver-api/iomem_dma/dmabuf.rst):
 *   INODE PROVIDER SIZE[ revoked] maps=N revokes=N
 *     importer DEVICE maps=N path=P[ refused]
 *   heap NAME[ (no provider)] limit=N used=N allocs=N refused=N
 */
static int cmd_bufs(int argc)
{
	char path[PATH_MAX], *t, *line, *save;
	bool buf_open = false, heaps = false;
	int nbuf = 0, nimp = 0, nheap = 0;

	if (argc) {
		fprintf(stderr, "iomem-dma-ctl: bufs takes no arguments\n");
		return EXIT_USAGE;
	}
	path_of(path, sizeof(path), "kernel/debug/iomem_dma/dmabufs", NULL, NULL);
	t = slurp(path, NULL);
	if (!t) {
		if (errno != ENOENT)
			return errno_exit(errno, path);
		fprintf(stderr, "iomem-dma-ctl: %s: not found; is debugfs mounted and the kernel built with CONFIG_IOMEM_DMA_DMABUF?\n",
			path);
		return EXIT_NOTFOUND;
	}
	if (json)
		printf("{\"buffers\":[");
	for (line = strtok_r(t, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned long long ino, size, limit, used, allocs, refused;
		const char *kv_limit = strstr(line, "limit=");
		const char *kv_maps = strstr(line, "maps=");
		unsigned int maps, revokes;
		char a[256], b[256];

		if (sscanf(line, " importer %255s maps=%u path=%255s", a, &maps, b) == 3) {
			bool ref = !!strstr(line, " refused");

			if (!json) {
				printf("    importer %s: %u mapping(s), path %s%s\n", a, maps, b,
				       ref ? ", last map refused by the policy" : "");
				continue;
			}
			if (!buf_open)
				continue;
			printf("%s{\"device\":", nimp++ ? "," : "");
			json_str(a);
			printf(",\"maps\":%u,\"path\":", maps);
			json_str(b);
			printf(",\"refused\":%s}", ref ? "true" : "false");
		} else if (kv_limit && sscanf(line, "heap %255s", a) == 1 &&
			   sscanf(kv_limit, "limit=%llu used=%llu allocs=%llu refused=%llu",
				  &limit, &used, &allocs, &refused) == 4) {
			bool orphan = !!strstr(line, "(no provider)");

			nheap++;
			if (!json) {
				printf("heap /dev/dma_heap/%s%s: limit %llu, used %llu, %llu allocation(s), %llu refused\n",
				       a, orphan ? " (provider gone)" : "", limit, used,
				       allocs, refused);
				continue;
			}
			if (!heaps)
				printf("%s],\"heaps\":[", buf_open ? "]}" : "");
			else
				printf(",");
			heaps = true;
			buf_open = false;
			printf("{\"name\":");
			json_str(a);
			printf(",\"provider\":%s,\"limit\":%llu,\"used\":%llu,\"allocs\":%llu,\"refused\":%llu}",
			       orphan ? "false" : "true", limit, used, allocs, refused);
		} else if (kv_maps && sscanf(line, "%llu %255s %llu", &ino, a, &size) == 3 &&
			   sscanf(kv_maps, "maps=%u revokes=%u", &maps, &revokes) == 2) {
			bool revoked = !!strstr(line, " revoked ");

			nbuf++;
			nimp = 0;
			if (!json) {
				printf("dma-buf inode %llu: %llu bytes of %s%s, %u mapping(s), %u revoke(s)\n",
				       ino, size, a, revoked ? ", revoked" : "", maps, revokes);
				continue;
			}
			if (heaps)
				continue;
			printf("%s{\"inode\":%llu,\"provider\":", buf_open ? "]}," : "", ino);
			json_str(a);
			printf(",\"size\":%llu,\"revoked\":%s,\"maps\":%u,\"revokes\":%u,\"importers\":[",
			       size, revoked ? "true" : "false", maps, revokes);
			buf_open = true;
		}
	}
	if (json) {
		if (!heaps)
			printf("%s],\"heaps\":[", buf_open ? "]}" : "");
		printf("]}\n");
	} else if (!nbuf && !nheap) {
		printf("(no dma-bufs exported, no heaps)\n");
	}
	free(t);
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	const char *cmd;
	int i = 1;

	while (i < argc && argv[i][0] == '-') {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			show_help(stdout);
			return EXIT_OK;
		}
		if (!strcmp(argv[i], "--json")) {
			json = 1;
		} else if (!strcmp(argv[i], "--sysfs-root") && i + 1 < argc) {
			root = argv[++i];
		} else if (!strcmp(argv[i], "--device") && i + 1 < argc) {
			device = argv[++i];
		} else {
			fprintf(stderr, "iomem-dma-ctl: unknown option '%s'\n", argv[i]);
			show_help(stderr);
			return EXIT_USAGE;
		}
		i++;
	}
	if (i >= argc) {
		show_help(stderr);
		return EXIT_USAGE;
	}
	cmd = argv[i++];
	argc -= i;
	argv += i;
	if (!strcmp(cmd, "help")) {
		if (argc)
			return cmd_usage(argv[0]);
		show_help(stdout);
		return EXIT_OK;
	}
	if (argc && (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h")))
		return cmd_usage(cmd);
	if (!strcmp(cmd, "list"))
		return argc ? EXIT_USAGE : cmd_list();
	if (!strcmp(cmd, "rules"))
		return argc ? EXIT_USAGE : cmd_rules();
	if (!strcmp(cmd, "allow") || !strcmp(cmd, "deny"))
		return cmd_add(cmd, argc, argv);
	if (!strcmp(cmd, "remove"))
		return cmd_remove(argc, argv);
	if (!strcmp(cmd, "explain"))
		return cmd_explain(argc, argv);
	if (!strcmp(cmd, "save"))
		return cmd_save(argc, argv);
	if (!strcmp(cmd, "restore"))
		return cmd_restore(argc, argv);
	if (!strcmp(cmd, "preference"))
		return cmd_preference(argc, argv);
	if (!strcmp(cmd, "rescan"))
		return cmd_rescan(argc);
	if (!strcmp(cmd, "bufs"))
		return cmd_bufs(argc);
	if (!strcmp(cmd, "trace"))
		return cmd_trace(argc, argv);
	if (!strcmp(cmd, "stat"))
		return cmd_stat(argc, argv);
	return cmd_usage(cmd);
}
