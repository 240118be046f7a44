// SPDX-License-Identifier: GPL-2.0-only
/*
 * The checks of iomem-dma-dtcheck, in three passes over the tree:
 * providers one by one (cells, reg, translation), then the translated
 * regions against each other and against RAM, then every reference to a
 * provider (peer-dma-regions, peer-dma-allow, peer-dma-deny) with the
 * policy it implies. Messages appear in that order.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "checks.h"
#include "dt.h"

#define PROVIDER_COMPAT		"peer-dma-region"
#define PROVIDER_MAX_REG	8
#define MSG_LEN			1024

/* One reg entry of a provider, or of a memory or reserved-memory node. */
struct region {
	int node;
	int idx;
	struct dt_range r;
};

struct regions {
	struct region *v;
	size_t n;
	size_t cap;
};

#define __printf(a, b)	__attribute__((format(printf, a, b)))

enum severity { SEV_ERROR, SEV_WARNING };

/* "0x1000..0x1fff" for messages; a few static buffers used in turn. */
static const char *range_str(const struct dt_range *r)
{
	static char bufs[4][40];
	static unsigned int next;
	char *buf = bufs[next++ % 4];

	snprintf(buf, sizeof(bufs[0]), "0x%llx..0x%llx",
		 (unsigned long long)r->start,
		 (unsigned long long)dt_range_last(r));
	return buf;
}

static void __printf(4, 5)
report(struct dtcheck *c, int node, enum severity sev, const char *fmt, ...)
{
	va_list ap;

	fprintf(c->out, "%s: %s: %s: ", c->file, dt_path(c->fdt, node),
		sev == SEV_ERROR ? "error" : "warning");
	va_start(ap, fmt);
	vfprintf(c->out, fmt, ap);
	va_end(ap);
	fputc('\n', c->out);
	if (sev == SEV_ERROR)
		c->errors++;
	else
		c->warnings++;
}

static int regions_add(struct regions *rs, int node, int idx,
		       const struct dt_range *r)
{
	if (rs->n == rs->cap) {
		size_t cap = rs->cap ? rs->cap * 2 : 16;
		struct region *v = realloc(rs->v, cap * sizeof(*v));

		if (!v)
			return -1;
		rs->v = v;
		rs->cap = cap;
	}
	rs->v[rs->n].node = node;
	rs->v[rs->n].idx = idx;
	rs->v[rs->n].r = *r;
	rs->n++;
	return 0;
}

static bool is_provider(const void *fdt, int node)
{
	return !fdt_node_check_compatible(fdt, node, PROVIDER_COMPAT);
}

/* Add every translatable reg entry of @node to @rs; bad ones are skipped. */
static int collect_reg(const void *fdt, int node, struct regions *rs)
{
	char msg[MSG_LEN];
	struct dt_range r;
	int i, n = dt_reg_count(fdt, node, msg, sizeof(msg));

	for (i = 0; i < n; i++)
		if (!dt_reg_cpu(fdt, node, i, &r, msg, sizeof(msg)) &&
		    regions_add(rs, node, i, &r))
			return -1;
	return 0;
}

/* Pass 1: one provider on its own. Its good reg entries go to @rs. */
static int check_provider(struct dtcheck *c, int node, struct regions *rs)
{
	const void *fdt = c->fdt;
	char msg[MSG_LEN];
	struct dt_range r;
	const fdt32_t *p;
	int len, n, i;

	p = fdt_getprop(fdt, node, "#peer-dma-region-cells", &len);
	if (!p)
		report(c, node, SEV_ERROR,
		       "#peer-dma-region-cells is missing; it must be <0> or <1>");
	else if (len != sizeof(*p))
		report(c, node, SEV_ERROR,
		       "#peer-dma-region-cells is %d bytes; it must be one cell, <0> or <1>",
		       len);
	else if (fdt32_ld(p) > 1)
		report(c, node, SEV_ERROR, "#peer-dma-region-cells is <%u>; it must be <0> or <1>",
		       fdt32_ld(p));

	if (dt_has(fdt, node, "peer-dma-routing"))
		report(c, node, SEV_WARNING,
		       "peer-dma-routing on a peer-dma-region has no effect; it belongs on the bus node above the masters and regions");

	n = dt_reg_count(fdt, node, msg, sizeof(msg));
	if (n == -1) {
		report(c, node, SEV_ERROR, "no reg: a peer-dma-region needs 1 to %d reg entries",
		       PROVIDER_MAX_REG);
		return 0;
	}
	if (n == -2) {
		report(c, node, SEV_ERROR, "%s", msg);
		return 0;
	}
	if (n == 0) {
		report(c, node, SEV_ERROR,
		       "reg is empty: a peer-dma-region needs 1 to %d reg entries",
		       PROVIDER_MAX_REG);
		return 0;
	}
	if (n > PROVIDER_MAX_REG)
		report(c, node, SEV_ERROR, "reg has %d entries; a peer-dma-region has at most %d",
		       n, PROVIDER_MAX_REG);
	for (i = 0; i < n; i++) {
		if (dt_reg_cpu(fdt, node, i, &r, msg, sizeof(msg)))
			report(c, node, SEV_ERROR, "%s", msg);
		else if (regions_add(rs, node, i, &r))
			return -1;
	}
	return 0;
}

static bool overlap(const struct dt_range *a, const struct dt_range *b)
{
	return a->start <= dt_range_last(b) && b->start <= dt_range_last(a);
}

/* Pass 2a: enabled provider regions must not overlap, within or across nodes. */
static void check_overlaps(struct dtcheck *c, const struct regions *prov)
{
	size_t i, j;

	for (j = 0; j < prov->n; j++) {
		const struct region *b = &prov->v[j];

		if (!dt_enabled(c->fdt, b->node))
			continue;
		for (i = 0; i < j; i++) {
			const struct region *a = &prov->v[i];

			if (!dt_enabled(c->fdt, a->node) || !overlap(&a->r, &b->r))
				continue;
			report(c, b->node, SEV_ERROR,
			       "reg entry %d (%s) overlaps reg entry %d (%s) of %s",
			       b->idx, range_str(&b->r), a->idx, range_str(&a->r),
			       a->node == b->node ? "the same node" :
			       dt_path(c->fdt, a->node));
		}
	}
}

/* The first region of @rs that contains @addr, or NULL. */
static const struct region *containing(const struct regions *rs, uint64_t addr)
{
	size_t i;

	for (i = 0; i < rs->n; i++)
		if (rs->v[i].r.start <= addr && addr <= dt_range_last(&rs->v[i].r))
			return &rs->v[i];
	return NULL;
}

/*
 * The first stretch of [@first, @last] that no region of @rs contains,
 * in @gap; false if they cover all of it.
 */
static bool first_hole(const struct regions *rs, uint64_t first, uint64_t last,
		       struct dt_range *gap)
{
	const struct region *r;
	size_t i;

	for (;;) {
		r = containing(rs, first);
		if (!r)
			break;
		if (dt_range_last(&r->r) >= last)
			return false;
		first = dt_range_last(&r->r) + 1;
	}
	for (i = 0; i < rs->n; i++)
		if (rs->v[i].r.start > first && rs->v[i].r.start - 1 < last)
			last = rs->v[i].r.start - 1;
	gap->start = first;
	gap->size = last - first + 1;
	return true;
}

/* Pass 2b: a provider region in RAM must be reserved with no-map. */
static int check_ram(struct dtcheck *c, const struct regions *prov)
{
	const void *fdt = c->fdt;
	struct regions ram = { 0 }, nomap = { 0 }, mapped = { 0 };
	int node, rmem, ret = -1;
	size_t i, j;

	fdt_for_each_subnode(node, fdt, 0) {
		int len;
		const char *type = fdt_getprop(fdt, node, "device_type", &len);

		/* The whole value, NUL included: it may not be a string at all. */
		if (type && len == sizeof("memory") &&
		    !memcmp(type, "memory", len) && dt_enabled(fdt, node) &&
		    collect_reg(fdt, node, &ram))
			goto free;
	}
	rmem = fdt_path_offset(fdt, "/reserved-memory");
	if (rmem >= 0) {
		fdt_for_each_subnode(node, fdt, rmem) {
			if (!dt_enabled(fdt, node))
				continue;
			if (collect_reg(fdt, node, dt_has(fdt, node, "no-map") ?
					&nomap : &mapped))
				goto free;
		}
	}

	for (i = 0; i < prov->n; i++) {
		const struct region *p = &prov->v[i];

		if (!dt_enabled(fdt, p->node))
			continue;
		for (j = 0; j < ram.n; j++) {
			const struct region *m = &ram.v[j];
			const struct region *hint;
			uint64_t first, last;
			struct dt_range gap;

			if (!overlap(&p->r, &m->r))
				continue;
			first = p->r.start > m->r.start ? p->r.start : m->r.start;
			last = dt_range_last(&p->r) < dt_range_last(&m->r) ?
			       dt_range_last(&p->r) : dt_range_last(&m->r);
			if (!first_hole(&nomap, first, last, &gap))
				continue;
			hint = containing(&mapped, gap.start);
			report(c, p->node, SEV_ERROR,
			       "reg entry %d (%s) is in RAM (%s) but %s of it is not in a /reserved-memory node with no-map%s%s%s",
			       p->idx, range_str(&p->r), dt_path(fdt, m->node),
			       range_str(&gap),
			       hint ? " (" : "",
			       hint ? dt_path(fdt, hint->node) : "",
			       hint ? " reserves it but lacks no-map)" : "");
			break;
		}
	}
	ret = 0;
free:
	free(ram.v);
	free(nomap.v);
	free(mapped.v);
	return ret;
}

/* Does the phandle list @prop of @node name @target? Bad entries are skipped. */
static bool list_has(const void *fdt, int node, const char *prop, int target)
{
	int len, i;
	const fdt32_t *p = fdt_getprop(fdt, node, prop, &len);

	if (!p)
		return false;
	for (i = 0; i < len / (int)sizeof(*p); i++)
		if (dt_phandle_node(fdt, fdt32_ld(&p[i])) == target)
			return true;
	return false;
}

/* Pass 3: peer-dma-allow or peer-dma-deny of @node. */
static void check_policy_list(struct dtcheck *c, int node, const char *prop)
{
	const void *fdt = c->fdt;
	int len, i, target;
	const fdt32_t *p = fdt_getprop(fdt, node, prop, &len);

	if (!p)
		return;
	if (!len || len % sizeof(*p)) {
		report(c, node, SEV_ERROR,
		       "%s is %d bytes; it must be a list of phandles of peer-dma-region nodes",
		       prop, len);
		return;
	}
	for (i = 0; i < len / (int)sizeof(*p); i++) {
		uint32_t ph = fdt32_ld(&p[i]);

		target = dt_phandle_node(fdt, ph);
		if (target < 0)
			report(c, node, SEV_ERROR, "%s entry %d: phandle 0x%x points to no node",
			       prop, i, ph);
		else if (!is_provider(fdt, target))
			report(c, node, SEV_ERROR, "%s entry %d: %s is not a peer-dma-region",
			       prop, i, dt_path(fdt, target));
	}
}

/* The deepest node that is @a or an ancestor of it and also of @b. */
static int common_ancestor(const void *fdt, int a, int b)
{
	int da = fdt_node_depth(fdt, a), db = fdt_node_depth(fdt, b), d;

	for (d = da < db ? da : db; d > 0; d--) {
		int x = fdt_supernode_atdepth_offset(fdt, a, d, NULL);

		if (x >= 0 && x == fdt_supernode_atdepth_offset(fdt, b, d, NULL))
			return x;
	}
	return 0;
}

/* @node or its nearest ancestor whose @prop lists @target, or -1. */
static int listed_above(const void *fdt, int node, const char *prop, int target)
{
	for (; node >= 0; node = fdt_parent_offset(fdt, node))
		if (list_has(fdt, node, prop, target))
			return node;
	return -1;
}

/* Pass 3: what the devicetree policy says about consumer @node and @prov. */
static void check_pair(struct dtcheck *c, int node, int entry, int prov)
{
	const void *fdt = c->fdt;
	int deny, bus, r;

	if (!dt_enabled(fdt, prov))
		report(c, node, SEV_WARNING,
		       "peer-dma-regions entry %d: %s is disabled, so the lookup fails with -ENODEV",
		       entry, dt_path(fdt, prov));

	deny = listed_above(fdt, node, "peer-dma-deny", prov);
	if (deny >= 0) {
		report(c, node, SEV_ERROR,
		       "peer-dma-regions entry %d: %s is denied by peer-dma-deny on %s, so the devicetree policy can never allow this pair",
		       entry, dt_path(fdt, prov), dt_path(fdt, deny));
		return;
	}
	if (!dt_enabled(fdt, prov) || listed_above(fdt, node, "peer-dma-allow", prov) >= 0)
		return;
	/*
	 * Like the kernel, which only sees buses that state routing: any
	 * common ancestor that routes peer traffic carries the pair.
	 */
	bus = common_ancestor(fdt, node, prov);
	for (r = bus == prov ? fdt_parent_offset(fdt, bus) : bus; r >= 0;
	     r = fdt_parent_offset(fdt, r))
		if (dt_has(fdt, r, "peer-dma-routing"))
			return;
	report(c, node, SEV_WARNING,
	       "peer-dma-regions entry %d: nothing allows %s (no peer-dma-allow here or above, no peer-dma-routing on the common bus %s or above); the pair needs an administrator rule: iomem-dma-ctl allow provider=%s client=DEVICE",
	       entry, dt_path(fdt, prov), dt_path(fdt, bus), dt_path(fdt, prov));
}

/* Pass 3: peer-dma-region-names against @entries parsed entries. */
static void check_names(struct dtcheck *c, int node, int entries, bool complete)
{
	const void *fdt = c->fdt;
	const char *prop = "peer-dma-region-names";
	int n = fdt_stringlist_count(fdt, node, prop), i, j;

	if (n == -FDT_ERR_NOTFOUND) {
		if (complete && entries > 1)
			report(c, node, SEV_ERROR,
			       "%s is missing; it is required with more than one peer-dma-regions entry (there are %d)",
			       prop, entries);
		return;
	}
	if (n < 0) {
		report(c, node, SEV_ERROR, "%s is not a list of strings", prop);
		return;
	}
	if (complete && n != entries)
		report(c, node, SEV_ERROR, "%s has %d name%s for %d peer-dma-regions entr%s",
		       prop, n, n == 1 ? "" : "s", entries, entries == 1 ? "y" : "ies");
	for (j = 1; j < n; j++) {
		const char *b = fdt_stringlist_get(fdt, node, prop, j, NULL);

		for (i = 0; b && i < j; i++) {
			const char *a = fdt_stringlist_get(fdt, node, prop, i, NULL);

			if (a && !strcmp(a, b)) {
				report(c, node, SEV_ERROR, "%s: \"%s\" is both name %d and name %d",
				       prop, b, i, j);
				break;
			}
		}
	}
}

/* Pass 3: a node with peer-dma-regions. */
static void check_consumer(struct dtcheck *c, int node)
{
	const void *fdt = c->fdt;
	int len, ncells, i = 0, entry = 0, prev = -1, prov, nreg;
	const fdt32_t *p = fdt_getprop(fdt, node, "peer-dma-regions", &len);
	char msg[MSG_LEN];
	uint32_t cells = 0, ph;

	if (!len || len % sizeof(*p)) {
		report(c, node, SEV_ERROR,
		       "peer-dma-regions is %d bytes; it must be a list of <&region [index]> entries",
		       len);
		return;
	}
	ncells = len / sizeof(*p);
	for (; i < ncells; i += 1 + cells, entry++, prev = prov) {
		ph = fdt32_ld(&p[i]);
		prov = dt_phandle_node(fdt, ph);
		if (prov < 0) {
			if (prev >= 0 && dt_u32(fdt, prev, "#peer-dma-region-cells", &cells))
				snprintf(msg, sizeof(msg),
					 " (entry %d was taken as %u cell%s, from #peer-dma-region-cells = <%u> of %s)",
					 entry - 1, 1 + cells, cells ? "s" : "",
					 cells, dt_path(fdt, prev));
			else
				msg[0] = '\0';
			report(c, node, SEV_ERROR,
			       "peer-dma-regions entry %d: phandle 0x%x points to no node%s; the rest of the property cannot be parsed",
			       entry, ph, msg);
			break;
		}
		if (!is_provider(fdt, prov)) {
			report(c, node, SEV_ERROR,
			       "peer-dma-regions entry %d: %s is not a peer-dma-region; the rest of the property cannot be parsed",
			       entry, dt_path(fdt, prov));
			break;
		}
		if (!dt_u32(fdt, prov, "#peer-dma-region-cells", &cells) || cells > 1) {
			report(c, node, SEV_ERROR,
			       "peer-dma-regions entry %d: %s has no valid #peer-dma-region-cells; the rest of the property cannot be parsed",
			       entry, dt_path(fdt, prov));
			break;
		}
		if (ncells - i - 1 < (int)cells) {
			report(c, node, SEV_ERROR,
			       "peer-dma-regions entry %d: %s takes %u cell after the phandle (#peer-dma-region-cells) but the property ends; the cell count does not match and the rest of the property cannot be parsed",
			       entry, dt_path(fdt, prov), cells);
			break;
		}
		if (cells) {
			uint32_t idx = fdt32_ld(&p[i + 1]);

			nreg = dt_reg_count(fdt, prov, msg, sizeof(msg));
			if (nreg >= 0 && idx >= (uint32_t)nreg)
				report(c, node, SEV_ERROR,
				       "peer-dma-regions entry %d: index %u but %s has %d reg entr%s",
				       entry, idx, dt_path(fdt, prov), nreg,
				       nreg == 1 ? "y" : "ies");
		}
		check_pair(c, node, entry, prov);
	}
	check_names(c, node, entry, i == ncells);
}

int dtcheck_run(struct dtcheck *c)
{
	struct regions prov = { 0 };
	int node, ret = -1;

	for (node = fdt_next_node(c->fdt, -1, NULL); node >= 0;
	     node = fdt_next_node(c->fdt, node, NULL))
		if (is_provider(c->fdt, node) && check_provider(c, node, &prov))
			goto free;

	check_overlaps(c, &prov);
	if (check_ram(c, &prov))
		goto free;

	for (node = fdt_next_node(c->fdt, -1, NULL); node >= 0;
	     node = fdt_next_node(c->fdt, node, NULL)) {
		check_policy_list(c, node, "peer-dma-allow");
		check_policy_list(c, node, "peer-dma-deny");
		if (dt_has(c->fdt, node, "peer-dma-regions"))
			check_consumer(c, node);
	}
	ret = 0;
free:
	free(prov.v);
	return ret;
}

int dtcheck_blob(struct dtcheck *c, const void *blob, size_t size,
		 char *msg, size_t len)
{
	int err;

	if (size < sizeof(uint32_t) || fdt_magic(blob) != FDT_MAGIC) {
		snprintf(msg, len,
			 "not a devicetree blob (no FDT magic); compile a .dts with dtc -I dts -O dtb");
		return -1;
	}
	err = dt_check_blob(blob, size);
	if (err) {
		snprintf(msg, len, "damaged devicetree blob: %s", fdt_strerror(err));
		return -1;
	}
	if (fdt_path_offset(blob, "/__fixups__") >= 0 ||
	    fdt_path_offset(blob, "/__local_fixups__") >= 0) {
		snprintf(msg, len, "an overlay; apply it with fdtoverlay and check the result");
		return -1;
	}
	c->fdt = blob;
	if (dtcheck_run(c)) {
		snprintf(msg, len, "out of memory");
		return -1;
	}
	return 0;
}
