// SPDX-License-Identifier: GPL-2.0-only
/*
 * Devicetree reading for iomem-dma-dtcheck: see dt.h. The blob has been
 * through dt_check_blob() before any of the rest runs, so libfdt's offsets
 * and string lists can be trusted; property contents cannot.
 */
#include <stdio.h>
#include <string.h>

#include <libfdt.h>

#include "dt.h"

#define PATH_BUFS	8
#define PATH_LEN	1024

int dt_check_blob(const void *fdt, size_t size)
{
	int offset = 0, next, depth = 0, roots = 0, len, err;
	const char *name;
	uint32_t tag;

	if (size < sizeof(struct fdt_header))
		return -FDT_ERR_TRUNCATED;
	err = fdt_check_header(fdt);
	if (err)
		return err;
	if (fdt_totalsize(fdt) > size)
		return -FDT_ERR_TRUNCATED;
	/* The reservation map ends inside its block. */
	err = fdt_num_mem_rsv(fdt);
	if (err < 0)
		return err;
	for (;; offset = next) {
		tag = fdt_next_tag(fdt, offset, &next);
		if (next < 0)
			return next;
		/*
		 * libfdt 1.6.1 lets a property length wrap the offset round
		 * to itself, and then every walk of the tree loops forever.
		 * Refusing that here makes each tag a step forward.
		 */
		if (next <= offset)
			return -FDT_ERR_BADSTRUCTURE;
		switch (tag) {
		case FDT_BEGIN_NODE:
			if (!depth && roots++)
				return -FDT_ERR_BADSTRUCTURE;
			depth++;
			name = fdt_get_name(fdt, offset, &len);
			if (!name)
				return len;
			if (depth == 1 && len)
				return -FDT_ERR_BADSTRUCTURE;
			break;
		case FDT_END_NODE:
			if (--depth < 0)
				return -FDT_ERR_BADSTRUCTURE;
			break;
		case FDT_PROP:
			if (!depth ||
			    !fdt_getprop_by_offset(fdt, offset, &name, &len))
				return depth ? len : -FDT_ERR_BADSTRUCTURE;
			break;
		case FDT_NOP:
			break;
		case FDT_END:
			return depth || !roots ? -FDT_ERR_BADSTRUCTURE : 0;
		default:
			return -FDT_ERR_BADSTRUCTURE;
		}
	}
}

const char *dt_path(const void *fdt, int node)
{
	static char bufs[PATH_BUFS][PATH_LEN];
	static unsigned int next;
	char *buf = bufs[next++ % PATH_BUFS];

	if (fdt_get_path(fdt, node, buf, PATH_LEN) < 0)
		snprintf(buf, PATH_LEN, "<node at offset %d>", node);
	return buf;
}

bool dt_enabled(const void *fdt, int node)
{
	int len;
	const char *s = fdt_getprop(fdt, node, "status", &len);

	if (!s)
		return true;
	/* The value must be the whole property, NUL included. */
	return (len == 5 && !memcmp(s, "okay", 5)) ||
	       (len == 3 && !memcmp(s, "ok", 3));
}

bool dt_has(const void *fdt, int node, const char *name)
{
	return fdt_getprop(fdt, node, name, NULL);
}

bool dt_u32(const void *fdt, int node, const char *name, uint32_t *val)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, name, &len);

	if (!p || len != sizeof(*p))
		return false;
	*val = fdt32_ld(p);
	return true;
}

int dt_phandle_node(const void *fdt, uint32_t ph)
{
	return fdt_node_offset_by_phandle(fdt, ph);
}

/*
 * #address-cells or #size-cells of @bus, @def when absent. Returns the
 * count, or -1 with @msg filled if it is malformed or too large.
 */
static int bus_cells(const void *fdt, int bus, const char *name, int def,
		     char *msg, size_t len)
{
	int plen;
	const fdt32_t *p = fdt_getprop(fdt, bus, name, &plen);
	uint32_t v;

	if (!p)
		return def;
	if (plen != sizeof(*p)) {
		snprintf(msg, len, "%s of %s is %d bytes, not one cell",
			 name, dt_path(fdt, bus), plen);
		return -1;
	}
	v = fdt32_ld(p);
	if (v > DT_MAX_CELLS) {
		snprintf(msg, len, "%s of %s is <%u>; this checker handles 0 to %d",
			 name, dt_path(fdt, bus), v, DT_MAX_CELLS);
		return -1;
	}
	return v;
}

/* An address of @n cells: the low two as a number, the rest as a tag. */
static void read_addr(const fdt32_t *c, int n, struct dt_addr *a)
{
	int i, ntag = n > 2 ? n - 2 : 0;

	memset(a, 0, sizeof(*a));
	for (i = 0; i < ntag; i++)
		a->tag[i] = fdt32_ld(&c[i]);
	for (i = ntag; i < n; i++)
		a->val = a->val << 32 | fdt32_ld(&c[i]);
}

/* A size of @n cells; false if it does not fit in 64 bits. */
static bool read_size(const fdt32_t *c, int n, uint64_t *size)
{
	int i;

	*size = 0;
	for (i = 0; i < n; i++) {
		if (i < n - 2 && fdt32_ld(&c[i]))
			return false;
		*size = *size << 32 | fdt32_ld(&c[i]);
	}
	return true;
}

static bool same_tag(const struct dt_addr *a, const struct dt_addr *b)
{
	return !memcmp(a->tag, b->tag, sizeof(a->tag));
}

/*
 * Translate @a (an address on the bus of @bus's children, @size bytes
 * long) one level up, through @bus's ranges, into the address space of
 * @bus's parent. Returns 0, or -1 with @msg filled.
 */
static int translate_one(const void *fdt, int bus, int parent,
			 struct dt_addr *a, uint64_t size, char *msg, size_t len)
{
	int na, ns, pna, rlen, entry, i;
	const fdt32_t *r;

	na = bus_cells(fdt, bus, "#address-cells", 2, msg, len);
	ns = bus_cells(fdt, bus, "#size-cells", 1, msg, len);
	pna = bus_cells(fdt, parent, "#address-cells", 2, msg, len);
	if (na < 0 || ns < 0 || pna < 0)
		return -1;

	r = fdt_getprop(fdt, bus, "ranges", &rlen);
	if (!r) {
		snprintf(msg, len,
			 "%s has no ranges, so the addresses of its children do not reach the CPU",
			 dt_path(fdt, bus));
		return -1;
	}
	if (!rlen) {
		/* Identity mapping; a tag has no meaning on a narrower bus. */
		if (pna <= 2)
			memset(a->tag, 0, sizeof(a->tag));
		return 0;
	}
	if (!na || !pna || !ns) {
		snprintf(msg, len,
			 "ranges of %s cannot be read with #address-cells <%d>, parent #address-cells <%d>, #size-cells <%d>",
			 dt_path(fdt, bus), na, pna, ns);
		return -1;
	}
	entry = (na + pna + ns) * (int)sizeof(fdt32_t);
	if (rlen % entry) {
		snprintf(msg, len, "ranges of %s is %d bytes, not a multiple of %d cells",
			 dt_path(fdt, bus), rlen, na + pna + ns);
		return -1;
	}
	for (i = 0; i < rlen / entry; i++) {
		const fdt32_t *c = r + i * (na + pna + ns);
		struct dt_addr child, up;
		uint64_t wlen, off;

		read_addr(c, na, &child);
		read_addr(c + na, pna, &up);
		if (!read_size(c + na + pna, ns, &wlen))
			continue;
		if (!same_tag(a, &child) || a->val < child.val)
			continue;
		off = a->val - child.val;
		if (off >= wlen || size > wlen - off)
			continue;
		if (up.val + off < up.val) {
			snprintf(msg, len,
				 "ranges of %s maps it past the top of the parent's address space",
				 dt_path(fdt, bus));
			return -1;
		}
		up.val += off;
		*a = up;
		return 0;
	}
	snprintf(msg, len,
		 "0x%llx..0x%llx is not inside one window of the ranges of %s",
		 (unsigned long long)a->val,
		 (unsigned long long)(a->val + (size - 1)), dt_path(fdt, bus));
	return -1;
}

int dt_reg_count(const void *fdt, int node, char *msg, size_t len)
{
	int plen, parent, na, ns;
	const fdt32_t *p = fdt_getprop(fdt, node, "reg", &plen);

	if (!p)
		return -1;
	parent = fdt_parent_offset(fdt, node);
	if (parent < 0) {
		snprintf(msg, len, "the root node cannot be a region");
		return -2;
	}
	na = bus_cells(fdt, parent, "#address-cells", 2, msg, len);
	ns = bus_cells(fdt, parent, "#size-cells", 1, msg, len);
	if (na < 0 || ns < 0)
		return -2;
	if (!na || !ns) {
		snprintf(msg, len,
			 "parent %s has #address-cells = <%d> and #size-cells = <%d>, so reg cannot describe a range",
			 dt_path(fdt, parent), na, ns);
		return -2;
	}
	if (plen % ((na + ns) * (int)sizeof(fdt32_t))) {
		snprintf(msg, len,
			 "reg is %d bytes, not a multiple of %d cells (#address-cells = <%d> + #size-cells = <%d> of %s)",
			 plen, na + ns, na, ns, dt_path(fdt, parent));
		return -2;
	}
	return plen / ((na + ns) * (int)sizeof(fdt32_t));
}

int dt_reg_cpu(const void *fdt, int node, int idx, struct dt_range *out,
	       char *msg, size_t len)
{
	int bus = fdt_parent_offset(fdt, node);
	int na, ns, parent;
	const fdt32_t *c;
	struct dt_addr a;
	uint64_t size;

	/* dt_reg_count() has checked all of this. */
	na = bus_cells(fdt, bus, "#address-cells", 2, msg, len);
	ns = bus_cells(fdt, bus, "#size-cells", 1, msg, len);
	c = fdt_getprop(fdt, node, "reg", NULL);
	if (na <= 0 || ns <= 0 || !c)
		return -1;
	c += idx * (na + ns);
	read_addr(c, na, &a);
	if (!read_size(c + na, ns, &size)) {
		snprintf(msg, len, "reg entry %d: the size does not fit in 64 bits", idx);
		return -1;
	}
	if (!size) {
		snprintf(msg, len, "reg entry %d: the size is 0", idx);
		return -1;
	}
	if (a.val + (size - 1) < a.val) {
		snprintf(msg, len, "reg entry %d: 0x%llx + 0x%llx wraps around",
			 idx, (unsigned long long)a.val, (unsigned long long)size);
		return -1;
	}
	/* Climb from the bus the entry lives on up to the root. */
	for (; (parent = fdt_parent_offset(fdt, bus)) >= 0; bus = parent) {
		if (translate_one(fdt, bus, parent, &a, size, msg, len)) {
			char why[512];

			snprintf(why, sizeof(why), "%s", msg);
			snprintf(msg, len, "reg entry %d cannot be translated to a CPU address: %s",
				 idx, why);
			return -1;
		}
	}
	if (a.val + (size - 1) < a.val) {
		snprintf(msg, len,
			 "reg entry %d: the CPU address 0x%llx + 0x%llx wraps around",
			 idx, (unsigned long long)a.val, (unsigned long long)size);
		return -1;
	}
	out->start = a.val;
	out->size = size;
	return 0;
}
