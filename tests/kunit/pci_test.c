// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite comparing the iomem_dma PCI backend's default verdict (no
 * administrator rules) with upstream pci_p2pdma_distance() for every pair
 * of PCI endpoints present, in the same boot. Runs on the arm64 board,
 * whose QEMU topology has a switch, several root ports and the root bus;
 * where fewer than two endpoints exist the cases are skipped.
 *
 * The explanation cases call upstream in verbose mode and read back what
 * it printed through the kernel's kmsg_dump iterator (after a marker line
 * of their own), then check that iomem_dma_verdict_explain() says the
 * same: the bridges of "pci=disable_acs_redir=", the vendor:device of
 * "Host bridge not in P2PDMA whitelist", and "do not share an upstream
 * bridge or whitelisted host bridge".
 */

#include <kunit/test.h>
#include <linux/iomem_dma_provider.h>
#include <linux/kmsg_dump.h>
#include <linux/pci.h>
#include <linux/pci-p2pdma.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "internal.h"

#define MAX_DEVS 16

static struct pci_dev *pci_devs[MAX_DEVS];
static unsigned int nr_pci_devs;

struct pci_pair {
	unsigned int a, b;
};

static struct pci_pair pci_pairs[MAX_DEVS * MAX_DEVS];
static unsigned int nr_pci_pairs;

static int pci_suite_init(struct kunit_suite *suite)
{
	struct pci_dev *pdev = NULL;
	unsigned int a, b;

	nr_pci_devs = 0;
	nr_pci_pairs = 0;
	for_each_pci_dev(pdev) {
		if (pdev->hdr_type != PCI_HEADER_TYPE_NORMAL ||
		    (pdev->class >> 8) == PCI_CLASS_BRIDGE_HOST)
			continue;
		if (nr_pci_devs == MAX_DEVS)
			continue;
		pci_devs[nr_pci_devs++] = pci_dev_get(pdev);
	}
	for (a = 0; a < nr_pci_devs; a++)
		for (b = 0; b < nr_pci_devs; b++)
			pci_pairs[nr_pci_pairs++] = (struct pci_pair){ a, b };
	return 0;
}

static void pci_suite_exit(struct kunit_suite *suite)
{
	unsigned int i;

	for (i = 0; i < nr_pci_devs; i++)
		pci_dev_put(pci_devs[i]);
	nr_pci_devs = 0;
	nr_pci_pairs = 0;
}

static const void *pci_pair_gen(const void *prev, char *desc)
{
	const struct pci_pair *p = prev ? (const struct pci_pair *)prev + 1 :
					  pci_pairs;

	if (nr_pci_devs < 2 || p >= pci_pairs + nr_pci_pairs)
		return NULL;
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s -> %s",
		 pci_name(pci_devs[p->a]), pci_name(pci_devs[p->b]));
	return p;
}

/*
 * A provider stand-in for the hardware verdict: the device and its place
 * in the PCI fabric are all the verdict looks at.
 */
static void pci_agrees_with_upstream(struct kunit *test)
{
	const struct pci_pair *p = test->param_value;
	struct pci_dev *prov_dev = pci_devs[p->a], *client = pci_devs[p->b];
	struct iomem_dma_provider prov = { };
	const struct iomem_dma_node *common;
	struct iomem_dma_node *cnode, *pnode;
	struct iomem_dma_verdict v;
	struct device *cdev = &client->dev;
	int upstream;

	prov.dev = &prov_dev->dev;
	pnode = iomem_dma_node_for_device(&prov_dev->dev);
	cnode = iomem_dma_node_for_device(cdev);
	KUNIT_ASSERT_NOT_NULL(test, pnode);
	KUNIT_ASSERT_NOT_NULL(test, cnode);
	iomem_dma_hw_verdict(&prov, pnode, cdev, cnode, &v, &common);
	upstream = pci_p2pdma_distance(prov_dev, cdev, false);

	kunit_info(test, "%s -> %s: iomem_dma %s (%s, distance %d, node %s), upstream %d\n",
		   pci_name(prov_dev), pci_name(client),
		   iomem_dma_path_str(v.path), iomem_dma_reason_str(v.reason),
		   v.distance, v.node[0] ? v.node : "-", upstream);
	KUNIT_EXPECT_EQ(test, v.path != IOMEM_DMA_PATH_DENIED, upstream >= 0);
	if (upstream >= 0)
		KUNIT_EXPECT_EQ(test, v.distance, upstream);
	iomem_dma_node_put(pnode);
	iomem_dma_node_put(cnode);
}

static void pci_enough_devices(struct kunit *test)
{
	if (nr_pci_devs < 2)
		kunit_skip(test, "fewer than two PCI endpoints on this machine");
	kunit_info(test, "%u endpoints, %u pairs compared\n", nr_pci_devs,
		   nr_pci_pairs);
	KUNIT_EXPECT_EQ(test, nr_pci_pairs, nr_pci_devs * nr_pci_devs);
}

/* ---- explanations against upstream's verbose messages ---- */

#define EXPLAIN_SIZE	1024
#define KMSG_LINE	1024
/* Outside the board's RAM and PCI windows: never accessed. */
#define EXPLAIN_PHYS	0xd1000000UL

static int explain_bus_addr(struct iomem_dma_provider *prov,
			    struct device *client, phys_addr_t phys,
			    size_t len, dma_addr_t *bus)
{
	*bus = phys;
	return 0;
}

static const struct iomem_dma_provider_ops explain_prov_ops = {
	.bus_addr = explain_bus_addr,
};

static void explain_revoke(struct iomem_dma_client *client,
			   struct iomem_dma_provider *prov, void *priv)
{
}

static const struct iomem_dma_client_ops explain_client_ops = {
	.revoke = explain_revoke,
};

static void explain_prov_unregister(void *prov)
{
	iomem_dma_provider_unregister(prov);
}

static void explain_client_unregister(void *client)
{
	iomem_dma_client_unregister(client);
}

static void explain_client_put(void *client)
{
	iomem_dma_client_put(client);
}

/*
 * A provider on @prov_dev (a RAM page standing in for its BAR; only its
 * place in the fabric matters) and a client on @client_dev (its own if a
 * driver registered one), both gone at the end of @test; then the
 * explanation of the pair into @buf.
 */
static int explain_pci_pair(struct kunit *test, struct pci_dev *prov_dev,
			    struct pci_dev *client_dev,
			    struct iomem_dma_verdict *v, char *buf)
{
	struct iomem_dma_provider_desc desc = { };
	struct iomem_dma_provider *prov;
	struct iomem_dma_client *client;
	struct iomem_dma_range *range;
	char *name;
	int n;

	range = kunit_kzalloc(test, sizeof(*range), GFP_KERNEL);
	name = kunit_kzalloc(test, 64, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, range);
	KUNIT_ASSERT_NOT_NULL(test, name);
	range->phys = EXPLAIN_PHYS;
	range->size = PAGE_SIZE;
	range->vaddr = (void __force __iomem *)kunit_kzalloc(test, PAGE_SIZE,
							     GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, (void __force *)range->vaddr);
	snprintf(name, 64, "kunit-explain-%s", pci_name(prov_dev));
	desc.dev = &prov_dev->dev;
	desc.name = name;
	desc.ranges = range;
	desc.nr_ranges = 1;
	desc.ops = &explain_prov_ops;
	desc.fabric_from_device = true;
	prov = iomem_dma_provider_register(&desc);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, prov);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, explain_prov_unregister,
						  prov));
	client = iomem_dma_client_register(&client_dev->dev,
					   &explain_client_ops, NULL);
	if (PTR_ERR_OR_ZERO(client) == -EBUSY) {
		/* A client driver of the board (edu's) registered it. */
		client = iomem_dma_client_find(&client_dev->dev);
		KUNIT_ASSERT_NOT_NULL(test, client);
		KUNIT_ASSERT_EQ(test, 0,
				kunit_add_action_or_reset(test, explain_client_put,
							  client));
	} else {
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, client);
		KUNIT_ASSERT_EQ(test, 0,
				kunit_add_action_or_reset(test,
							  explain_client_unregister,
							  client));
	}

	n = iomem_dma_verdict_explain(prov, client, v, buf, EXPLAIN_SIZE);
	KUNIT_ASSERT_GE(test, n, 0);
	kunit_info(test, "iomem_dma_verdict_explain(%s, %s): %s (%s), %d bytes:\n%s",
		   pci_name(prov_dev), pci_name(client_dev),
		   iomem_dma_path_str(v->path),
		   iomem_dma_reason_str(v->reason), n, buf);
	return n;
}

/* The line of @text with @key, whole, in a test allocation; "" if none. */
static const char *explain_line(struct kunit *test, const char *text,
				const char *key)
{
	size_t klen = strlen(key);
	const char *p, *end;
	char *line;

	for (p = text; *p; p = end + 1) {
		end = strchrnul(p, '\n');
		if (!strncmp(p, key, klen) && p[klen] == ':') {
			line = kunit_kzalloc(test, end - p + 1, GFP_KERNEL);
			KUNIT_ASSERT_NOT_NULL(test, line);
			memcpy(line, p, end - p);
			return line;
		}
		if (!*end)
			break;
	}
	return "";
}

/* A line of our own in the kernel log, to read upstream's lines after. */
static void kmsg_mark(char *marker, size_t len)
{
	static atomic_t seq = ATOMIC_INIT(0);

	snprintf(marker, len, "iomem_dma_pci explain mark %d",
		 atomic_inc_return(&seq));
	pr_info("%s\n", marker);
}

/*
 * The first line printed after @marker that contains @needle, whole and
 * without its newline, into @out (KMSG_LINE bytes); false if none.
 */
static bool kmsg_find(struct kunit *test, const char *marker,
		      const char *needle, char *out)
{
	struct kmsg_dump_iter iter;
	bool seen = false;
	char *line;
	size_t n;

	line = kunit_kzalloc(test, KMSG_LINE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, line);
	kmsg_dump_rewind(&iter);
	while (kmsg_dump_get_line(&iter, false, line, KMSG_LINE - 1, &n)) {
		line[min_t(size_t, n, KMSG_LINE - 1)] = '\0';
		strim(line);
		if (!seen) {
			seen = strstr(line, marker);
			continue;
		}
		if (strstr(line, needle)) {
			strscpy(out, line, KMSG_LINE);
			return true;
		}
	}
	KUNIT_EXPECT_TRUE_MSG(test, seen, "marker %s not in the log", marker);
	return false;
}

/* The text after @needle in @line, up to the end of the line. */
static const char *after(const char *line, const char *needle)
{
	const char *p = strstr(line, needle);

	return p ? p + strlen(needle) : "";
}

/* @anc is @dev or a bridge above it. */
static bool pci_is_at_or_above(struct pci_dev *anc, struct pci_dev *dev)
{
	for (; dev; dev = pci_upstream_bridge(dev))
		if (dev == anc)
			return true;
	return false;
}

/* The nearest bridge above both @a and @b, or NULL. */
static struct pci_dev *pci_common_bridge(struct pci_dev *a, struct pci_dev *b)
{
	struct pci_dev *up;

	for (up = pci_upstream_bridge(a); up; up = pci_upstream_bridge(up))
		if (pci_is_at_or_above(up, b))
			return up;
	return NULL;
}

/*
 * A port with an ACS capability where upstream looks for ACS redirect on
 * the way between @a and @b, below a common bridge: @a's side up to and
 * including the common bridge, @b's side below it.
 */
static bool path_has_acs_cap(struct pci_dev *a, struct pci_dev *b)
{
	struct pci_dev *common = pci_common_bridge(a, b), *d;

	if (!common)
		return false;
	for (d = pci_upstream_bridge(a); d; d = pci_upstream_bridge(d)) {
		if (d->acs_cap)
			return true;
		if (d == common)
			break;
	}
	for (d = pci_upstream_bridge(b); d && d != common;
	     d = pci_upstream_bridge(d))
		if (d->acs_cap)
			return true;
	return false;
}

#define ACS_REDIR	(PCI_ACS_RR | PCI_ACS_CR)
#define MAX_ACS		8

struct acs_saved {
	struct pci_dev *dev[MAX_ACS];
	u16 ctrl[MAX_ACS];
	unsigned int n;
};

/* Turn ACS redirect on at @dev, if it can, remembering the old control. */
static void acs_redirect_on(struct acs_saved *saved, struct pci_dev *dev)
{
	u16 ctrl;

	if (!dev->acs_cap || saved->n == MAX_ACS)
		return;
	pci_read_config_word(dev, dev->acs_cap + PCI_ACS_CTRL, &ctrl);
	saved->dev[saved->n] = dev;
	saved->ctrl[saved->n++] = ctrl;
	pci_write_config_word(dev, dev->acs_cap + PCI_ACS_CTRL,
			      ctrl | ACS_REDIR);
}

static void acs_restore(struct acs_saved *saved)
{
	while (saved->n--)
		pci_write_config_word(saved->dev[saved->n],
				      saved->dev[saved->n]->acs_cap +
				      PCI_ACS_CTRL, saved->ctrl[saved->n]);
	saved->n = 0;
}

static void acs_restore_action(void *saved)
{
	acs_restore(saved);
	iomem_dma_fabric_rescan();
}

/*
 * Upstream's first message: "ACS redirect is set between the client and
 * provider (%s)" and "... pci=disable_acs_redir=%s". For a pair of
 * endpoints below a common bridge, turn ACS redirect on at every port of
 * their path that has an ACS capability, rescan, and compare upstream's
 * list with our "redirect:" and "fix:" lines. The arm64 board has no such
 * port: QEMU 7.2's switch ports have no ACS capability and the root
 * ports' lies above the common bridge, so there the case is skipped
 * (even the SMMUv3 boots, where the kernel turns ACS redirect on at the
 * root ports, show "common_node" for the switch pair) and
 * topology_explain_lists_every_redirect covers the bus-neutral part.
 */
static void pci_explain_acs_matches_upstream(struct kunit *test)
{
	struct pci_dev *prov_dev = NULL, *client_dev = NULL, *common, *d;
	struct acs_saved *saved;
	char marker[64], *line, *buf, *want;
	const char *list;
	struct iomem_dma_verdict v;
	unsigned int a, b;

	for (a = 0; a < nr_pci_devs && !prov_dev; a++) {
		for (b = 0; b < nr_pci_devs; b++) {
			if (a != b && path_has_acs_cap(pci_devs[a], pci_devs[b])) {
				prov_dev = pci_devs[a];
				client_dev = pci_devs[b];
				break;
			}
		}
	}
	if (!prov_dev) {
		struct pci_dev *pdev = NULL;
		u16 ctrl;

		for_each_pci_dev(pdev) {
			if (!pdev->acs_cap)
				continue;
			pci_read_config_word(pdev, pdev->acs_cap + PCI_ACS_CTRL,
					     &ctrl);
			kunit_info(test, "ACS capability at %s (control %#06x)\n",
				   pci_name(pdev), ctrl);
		}
	}
	if (!prov_dev)
		kunit_skip(test, "%s: upstream prints no ACS redirect message here",
			   "no port with an ACS capability between two endpoints below a common bridge");

	saved = kunit_kzalloc(test, sizeof(*saved), GFP_KERNEL);
	line = kunit_kzalloc(test, KMSG_LINE, GFP_KERNEL);
	buf = kunit_kzalloc(test, EXPLAIN_SIZE, GFP_KERNEL);
	want = kunit_kzalloc(test, KMSG_LINE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, saved);
	KUNIT_ASSERT_NOT_NULL(test, line);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_NOT_NULL(test, want);
	common = pci_common_bridge(prov_dev, client_dev);
	for (d = pci_upstream_bridge(prov_dev); d; d = pci_upstream_bridge(d)) {
		acs_redirect_on(saved, d);
		if (d == common)
			break;
	}
	for (d = pci_upstream_bridge(client_dev); d && d != common;
	     d = pci_upstream_bridge(d))
		acs_redirect_on(saved, d);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, acs_restore_action,
						  saved));
	iomem_dma_fabric_rescan();

	kmsg_mark(marker, sizeof(marker));
	pci_p2pdma_distance(prov_dev, &client_dev->dev, true);
	KUNIT_ASSERT_TRUE(test, kmsg_find(test, marker, "ACS redirect is set",
					  line));
	KUNIT_EXPECT_NOT_NULL(test, strstr(line, pci_name(prov_dev)));
	KUNIT_ASSERT_TRUE(test, kmsg_find(test, marker,
					  "pci=disable_acs_redir=", line));
	list = after(line, "pci=disable_acs_redir=");
	kunit_info(test, "upstream: %s\n", line);

	explain_pci_pair(test, prov_dev, client_dev, &v, buf);
	KUNIT_EXPECT_TRUE(test, v.reason == IOMEM_DMA_REASON_ACS_REDIRECT ||
			  v.reason == IOMEM_DMA_REASON_ACS_VIA_HOST);
	snprintf(want, KMSG_LINE, "fix: pci=disable_acs_redir=%s", list);
	KUNIT_EXPECT_STREQ(test, explain_line(test, buf, "fix"), want);
	snprintf(want, KMSG_LINE, "redirect: %s", list);
	strreplace(want, ';', ' ');
	KUNIT_EXPECT_STREQ(test, explain_line(test, buf, "redirect"), want);
}

/*
 * Upstream's second message: "Host bridge not in P2PDMA whitelist:
 * %04x:%04x". Upstream prints it only for a path with ACS redirect, which
 * no pair of endpoints here has (see above); it is drawn out by asking
 * upstream about a root port with ACS redirect turned on, as provider,
 * and the endpoint below it: upstream checks the host bridge of both (the
 * board's one). Our "host:" line for a pair of endpoints under the same
 * host bridge must give the same root device and vendor:device.
 */
static void pci_explain_whitelist_matches_upstream(struct kunit *test)
{
	struct pci_dev *rp = NULL, *ep = NULL, *other = NULL;
	char marker[64], *line, *buf, *want, *root;
	struct acs_saved *saved;
	struct iomem_dma_verdict v;
	const char *vid, *host;
	unsigned int i;

	for (i = 0; i < nr_pci_devs && !rp; i++) {
		struct pci_dev *up = pci_upstream_bridge(pci_devs[i]);

		if (up && pci_pcie_type(up) == PCI_EXP_TYPE_ROOT_PORT &&
		    up->acs_cap) {
			rp = up;
			ep = pci_devs[i];
		}
	}
	if (!rp)
		kunit_skip(test, "no endpoint below a root port with an ACS capability");
	for (i = 0; i < nr_pci_devs && !other; i++)
		if (pci_devs[i] != ep &&
		    pci_find_host_bridge(pci_devs[i]->bus) ==
		    pci_find_host_bridge(ep->bus) &&
		    !pci_common_bridge(pci_devs[i], ep))
			other = pci_devs[i];
	if (!other)
		kunit_skip(test, "no endpoint sharing only the host bridge with %s",
			   pci_name(ep));

	saved = kunit_kzalloc(test, sizeof(*saved), GFP_KERNEL);
	line = kunit_kzalloc(test, KMSG_LINE, GFP_KERNEL);
	buf = kunit_kzalloc(test, EXPLAIN_SIZE, GFP_KERNEL);
	want = kunit_kzalloc(test, KMSG_LINE, GFP_KERNEL);
	root = kunit_kzalloc(test, KMSG_LINE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, saved);
	KUNIT_ASSERT_NOT_NULL(test, line);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_NOT_NULL(test, want);
	KUNIT_ASSERT_NOT_NULL(test, root);
	acs_redirect_on(saved, rp);
	kmsg_mark(marker, sizeof(marker));
	pci_p2pdma_distance(rp, &ep->dev, true);
	acs_restore(saved);
	KUNIT_ASSERT_TRUE(test, kmsg_find(test, marker,
					  "Host bridge not in P2PDMA whitelist: ",
					  line));
	kunit_info(test, "upstream: %s\n", line);
	vid = after(line, "Host bridge not in P2PDMA whitelist: ");
	/* The root device upstream printed it for: "<driver> <name>: Host". */
	strscpy(root, line, KMSG_LINE);
	KUNIT_ASSERT_NOT_NULL(test, strstr(root, ": Host bridge not in"));
	*strstr(root, ": Host bridge not in") = '\0';
	KUNIT_ASSERT_NOT_NULL(test, strrchr(root, ' '));

	explain_pci_pair(test, ep, other, &v, buf);
	host = explain_line(test, buf, "host");
	snprintf(want, KMSG_LINE, "root device %s: Host bridge not in P2PDMA whitelist: %s",
		 strrchr(root, ' ') + 1, vid);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(host, want), "want \"%s\" in \"%s\"",
				  want, host);
	KUNIT_EXPECT_NOT_NULL(test, strstr(host, "does not route peer traffic"));
	KUNIT_EXPECT_EQ(test, v.path, IOMEM_DMA_PATH_DENIED);
}

/*
 * Upstream's third message, for every pair of endpoints: "cannot be used
 * for peer-to-peer DMA as the client and provider (%s) do not share an
 * upstream bridge or whitelisted host bridge" exactly when our
 * explanation says the pair shares no node below a root (or no root), or
 * has its peer traffic redirected, and that the host bridge does not
 * route it.
 */
static void pci_explain_no_common_matches_upstream(struct kunit *test)
{
	const struct pci_pair *p = test->param_value;
	struct pci_dev *prov_dev = pci_devs[p->a], *client = pci_devs[p->b];
	char marker[64], *line, *buf;
	struct iomem_dma_verdict v;
	bool upstream, ours;
	int n;

	line = kunit_kzalloc(test, KMSG_LINE, GFP_KERNEL);
	buf = kunit_kzalloc(test, EXPLAIN_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, line);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	kmsg_mark(marker, sizeof(marker));
	pci_p2pdma_distance(prov_dev, &client->dev, true);
	upstream = kmsg_find(test, marker,
			     "do not share an upstream bridge or whitelisted host bridge",
			     line);
	if (upstream) {
		kunit_info(test, "upstream: %s\n", line);
		KUNIT_EXPECT_NOT_NULL(test, strstr(line, pci_name(client)));
		snprintf(marker, sizeof(marker), "(%s)", pci_name(prov_dev));
		KUNIT_EXPECT_NOT_NULL(test, strstr(line, marker));
	}

	n = explain_pci_pair(test, prov_dev, client, &v, buf);
	if (p->a == p->b) {
		KUNIT_EXPECT_FALSE(test, upstream);
		KUNIT_EXPECT_EQ(test, n, 0);
		return;
	}
	ours = (strstr(buf, "common: only the root ") ||
		strstr(buf, "common: none;") || strstr(buf, "redirect: ")) &&
	       strstr(buf, " does not route peer traffic");
	KUNIT_EXPECT_EQ(test, ours, upstream);
	KUNIT_EXPECT_EQ(test, v.path == IOMEM_DMA_PATH_DENIED, upstream);
}

static struct kunit_case iomem_dma_pci_cases[] = {
	KUNIT_CASE(pci_enough_devices),
	KUNIT_CASE_PARAM(pci_agrees_with_upstream, pci_pair_gen),
	KUNIT_CASE(pci_explain_acs_matches_upstream),
	KUNIT_CASE(pci_explain_whitelist_matches_upstream),
	KUNIT_CASE_PARAM(pci_explain_no_common_matches_upstream, pci_pair_gen),
	{}
};

static struct kunit_suite iomem_dma_pci_suite = {
	.name = "iomem_dma_pci",
	.suite_init = pci_suite_init,
	.suite_exit = pci_suite_exit,
	.test_cases = iomem_dma_pci_cases,
};

kunit_test_suite(iomem_dma_pci_suite);

MODULE_DESCRIPTION("KUnit comparison of iomem_dma PCI verdicts with upstream P2PDMA");
MODULE_LICENSE("GPL");
