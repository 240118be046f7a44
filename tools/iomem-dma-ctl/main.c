// SPDX-License-Identifier: GPL-2.0-only
/*
 * iomem-dma-ctl: administer the iomem_dma peer-to-peer DMA policy through
 * sysfs (Documentation/ABI/testing/sysfs-kernel-iomem_dma and
 * sysfs-class-iomem_dma).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctl.h"
#include "rules.h"

const char *root = "/sys";
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

	fprintf(f, "usage: iomem-dma-ctl [--sysfs-root DIR] [--json] COMMAND [ARGS]\n\ncommands:\n");
	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		fprintf(f, "  %-10s %s\n             %s\n", cmds[i].cmd, cmds[i].args, cmds[i].help);
	fprintf(f, "\n--json gives machine-readable output for list, rules and explain.\n"
		"--sysfs-root DIR reads DIR/kernel/iomem_dma and DIR/class/iomem_dma (default /sys);\n"
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
		fprintf(stderr, "iomem-dma-ctl: %s: not found; is iomem_dma in this kernel (%s/kernel/iomem_dma)?\n", what, root);
		return EXIT_NOTFOUND;
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

static char *rules_text(int *err)
{
	char path[PATH_MAX];
	char *t;

	path_of(path, sizeof(path), "kernel/iomem_dma/rules", NULL, NULL);
	t = slurp(path, NULL);
	*err = t ? 0 : errno;
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

/* The id of the rule with this text in a rules listing, or 0. */
static unsigned long rule_id(const char *listing, const char *text)
{
	const char *p = listing;

	while (p && *p) {
		const char *sp = strchr(p, ' '), *nl = strchr(p, '\n');
		size_t len;

		if (!nl)
			nl = p + strlen(p);
		if (sp && sp < nl) {
			len = nl - sp - 1;
			if (len == strlen(text) && !strncmp(sp + 1, text, len))
				return strtoul(p, NULL, 10);
		}
		p = *nl ? nl + 1 : NULL;
	}
	return 0;
}

static int add_rule(const char *text, int quiet)
{
	char path[PATH_MAX];
	const char *msg = rule_check(text, strlen(text));
	char *after;
	int err;

	if (msg) {
		fprintf(stderr, "iomem-dma-ctl: '%s': %s\n", text, msg);
		return EXIT_INVALID;
	}
	path_of(path, sizeof(path), "kernel/iomem_dma/add", NULL, NULL);
	err = write_attr(path, text);
	if (err) {
		if (err == EINVAL)
			fprintf(stderr, "iomem-dma-ctl: '%s' is refused by the kernel (the same rule exists already?)\n", text);
		return err == EINVAL ? EXIT_INVALID : errno_exit(err, "adding the rule");
	}
	after = rules_text(&err);
	if (!quiet)
		printf("added rule %lu: %s\n", after ? rule_id(after, text) : 0UL, text);
	free(after);
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
	char path[PATH_MAX], text[32];
	int err;

	path_of(path, sizeof(path), "kernel/iomem_dma/remove", NULL, NULL);
	snprintf(text, sizeof(text), "%lu", id);
	err = write_attr(path, text);
	if (err == EINVAL) {
		fprintf(stderr, "iomem-dma-ctl: there is no rule %lu (see iomem-dma-ctl rules)\n", id);
		return EXIT_NOTFOUND;
	}
	return err ? errno_exit(err, "removing the rule") : EXIT_OK;
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
	char path[PATH_MAX];
	int err;

	if (argc) {
		fprintf(stderr, "iomem-dma-ctl: rescan takes no arguments\n");
		return EXIT_USAGE;
	}
	path_of(path, sizeof(path), "kernel/iomem_dma/rescan", NULL, NULL);
	err = write_attr(path, "1");
	if (err)
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

/* A multi-line file of a provider, whole (the verdicts). */
static char *attr_lines(const char *prov, const char *name)
{
	char path[PATH_MAX], *t;

	path_of(path, sizeof(path), "class/iomem_dma/%s/%s", prov, name);
	t = slurp(path, NULL);
	return t ? t : strdup("");
}

static int cmd_list(void)
{
	char **names, *v, *line, *save;
	int n, i, first = 1;

	n = providers(&names);
	if (n < 0)
		return errno_exit(-n, "listing providers");
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
		v = attr_lines(names[i], "verdicts");
		if (json)
			printf(",\"clients\":[");
		for (line = strtok_r(v, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			char client[256], path[16], reason[64];

			if (sscanf(line, "%255s %15s", client, path) != 2)
				continue;
			reason[0] = '\0';
			if (strstr(line, "reason="))
				sscanf(strstr(line, "reason=") + 7, "%63s", reason);
			if (json) {
				printf("%s{\"client\":", firstc ? "" : ",");
				json_str(client);
				printf(",\"path\":");
				json_str(path);
				printf(",\"reason\":");
				json_str(reason);
				printf("}");
			} else {
				printf("  client      %s: %s (%s)\n", client, path, reason);
			}
			firstc = 0;
		}
		if (json)
			printf("]}");
		free(v);
		first = 0;
	}
	if (json)
		printf("]\n");
	else if (first)
		printf("(no providers registered)\n");
	free_names(names, n);
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

static int cmd_explain(int argc, char **argv)
{
	char **names, **clients = NULL, *v, *line, *save, *rules, *found = NULL;
	char client[256], path[16], node[128] = "-", reason[64] = "?";
	char iommu[16] = "none", iommu_path[16] = "-";
	unsigned long rule = 0, gen = 0;
	int n, i, nc = 0, dist = -1, err, ret;

	if (argc != 2) {
		fprintf(stderr, "iomem-dma-ctl: explain takes PROVIDER CLIENT (see iomem-dma-ctl list)\n");
		return EXIT_USAGE;
	}
	n = providers(&names);
	if (n < 0)
		return errno_exit(-n, "listing providers");
	for (i = 0; i < n && strcmp(names[i], argv[0]); i++)
		;
	if (i == n) {
		fprintf(stderr, "iomem-dma-ctl: no provider named '%s'\n", argv[0]);
		suggest(argv[0], names, n);
		free_names(names, n);
		return EXIT_NOTFOUND;
	}
	free_names(names, n);
	v = attr_lines(argv[0], "verdicts");
	for (line = strtok_r(v, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "%255s %15s", client, path) != 2)
			continue;
		if (!strcmp(client, argv[1])) {
			found = line;
			break;
		}
		clients = realloc(clients, (nc + 1) * sizeof(*clients));
		if (clients)
			clients[nc++] = strdup(client);
	}
	if (!found) {
		fprintf(stderr, "iomem-dma-ctl: '%s' is not a registered client of the iomem_dma core\n", argv[1]);
		suggest(argv[1], clients, nc);
		free_names(clients, nc);
		free(v);
		return EXIT_NOTFOUND;
	}
	free_names(clients, nc);
	if (!strstr(found, "distance=") ||
	    sscanf(strstr(found, "distance="), "distance=%d", &dist) != 1)
		dist = -1;
	if (strstr(found, "node="))
		sscanf(strstr(found, "node="), "node=%127s", node);
	if (strstr(found, "rule="))
		sscanf(strstr(found, "rule="), "rule=%lu", &rule);
	if (strstr(found, "reason="))
		sscanf(strstr(found, "reason="), "reason=%63s", reason);
	if (strstr(found, "generation="))
		sscanf(strstr(found, "generation="), "generation=%lu", &gen);
	if (strstr(found, " iommu="))
		sscanf(strstr(found, " iommu="), " iommu=%15s", iommu);
	if (strstr(found, " iommu_path="))
		sscanf(strstr(found, " iommu_path="), " iommu_path=%15s", iommu_path);

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
		printf("  policy generation %lu\n", gen);
		if (!strcmp(path, "denied") && strcmp(reason, "rule_deny"))
			printf("  to allow it: iomem-dma-ctl allow provider=%s client=%s%s\n", argv[0], argv[1],
			       !strcmp(reason, "needs_force") || !strcmp(reason, "acs_redirect") ||
			       !strcmp(reason, "no_routing") ? " force   (overrides hardware; taints the kernel)" : "");
	}
	ret = EXIT_OK;
	free(rules);
	free(v);
	return ret;
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

static int restore_add(const char *rule, void *ctx)
{
	(void)ctx;
	return add_rule(rule, 1);
}

static int remove_all(const char *listing)
{
	const char *p = listing;
	int ret;

	while (p && *p) {
		ret = remove_id(strtoul(p, NULL, 10));
		if (ret)
			return ret;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return EXIT_OK;
}

static int cmd_restore(int argc, char **argv)
{
	char *file, *old, *line, *save, *cur;
	const char *msg;
	int lineno, count, err, ret;
	size_t len;

	if (argc != 1) {
		fprintf(stderr, "iomem-dma-ctl: restore takes a FILE\n");
		return EXIT_USAGE;
	}
	file = slurp(argv[0], &len);
	if (!file)
		return errno_exit(errno, argv[0]);
	lineno = rules_file_parse(file, len, &msg, NULL, NULL, &count);
	if (lineno) {
		fprintf(stderr, "%s:%d: %s\n", argv[0], lineno, msg);
		fprintf(stderr, "iomem-dma-ctl: nothing changed\n");
		free(file);
		return EXIT_INVALID;
	}
	old = rules_text(&err);
	if (!old) {
		free(file);
		return errno_exit(err, "reading rules");
	}
	ret = remove_all(old);
	if (!ret) {
		lineno = rules_file_parse(file, len, &msg, restore_add, NULL, &count);
		if (lineno) {
			fprintf(stderr, "%s:%d: %s; putting the previous rules back\n", argv[0], lineno, msg);
			cur = rules_text(&err);
			remove_all(cur);
			free(cur);
			for (line = strtok_r(old, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
				if (strchr(line, ' '))
					add_rule(strchr(line, ' ') + 1, 1);
			ret = EXIT_INVALID;
		} else {
			printf("restored %d rule(s) from %s\n", count, argv[0]);
		}
	}
	free(old);
	free(file);
	return ret;
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
