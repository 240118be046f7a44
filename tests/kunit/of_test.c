// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for the iomem_dma devicetree backend: providers bound from
 * "peer-dma-region" nodes, consumer lookups, translation through ranges
 * and dma-ranges, the peer-dma-routing/allow/deny statements, and every
 * malformed node or consumer failing cleanly. The devicetree comes from
 * the overlays of_good.dtso, of_bad.dtso and of_ram.dtso, applied for the
 * suite.
 */
#include <kunit/device.h>
#include <kunit/of.h>
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/delay.h>
#include <linux/iomem_dma.h>
#include <linux/iomem_dma_provider.h>
#include <linux/ioport.h>
#include <linux/of.h>
#include <linux/of_device.h>
#include <linux/of_platform.h>
#include <linux/platform_device.h>
#include <linux/slab.h>

#include "internal.h"

#define FAKE_WINDOW 10
#include "iomem_dma_test.h"

/* The regions of of_good.dtso, backed by RAM where I/O memory is emulated. */
static const phys_addr_t good_regions[] = {
	0xea000000, 0xea100000, 0xea300000, 0xea600000,
};

#define OF_TEST_MAX_DEVS 16

struct of_test_dev_node {
	struct device_node *np;
	unsigned int refs;
};

/* Every node below @np that has a platform device, referenced. */
static void of_test_collect(struct device_node *np,
			    struct of_test_dev_node *out, unsigned int *n)
{
	struct platform_device *pdev;
	struct device_node *child;

	for_each_child_of_node(np, child) {
		pdev = of_find_device_by_node(child);
		if (pdev) {
			put_device(&pdev->dev);
			if (*n < OF_TEST_MAX_DEVS) {
				out[*n].np = of_node_get(child);
				out[*n].refs = kref_read(&child->kobj.kref);
				(*n)++;
			}
		}
		of_test_collect(child, out, n);
	}
}

static void of_test_depopulate(void *data)
{
	struct of_test_dev_node nodes[OF_TEST_MAX_DEVS];
	struct device_node *bus = data, *child;
	unsigned long deadline = jiffies + 10 * HZ;
	struct platform_device *pdev;
	unsigned int i, n = 0;

	of_test_collect(bus, nodes, &n);
	for_each_child_of_node(bus, child) {
		pdev = of_find_device_by_node(child);
		if (pdev) {
			of_platform_device_destroy(&pdev->dev, NULL);
			put_device(&pdev->dev);
		}
	}
	/*
	 * A platform device drops its node at release, which
	 * DEBUG_KOBJECT_RELEASE delays by up to 4 s; the overlay must not be
	 * removed while its nodes are still held.
	 */
	for (i = 0; i < n; i++) {
		while (kref_read(&nodes[i].np->kobj.kref) >= nodes[i].refs &&
		       time_before(jiffies, deadline))
			msleep(20);
		of_node_put(nodes[i].np);
	}
	of_node_clear_flag(bus, OF_POPULATED_BUS);
	of_node_put(bus);
}

/* Create the devices below @path (the overlay is not populated by itself). */
static void of_test_populate(struct kunit *test, const char *path)
{
	struct device_node *bus = of_find_node_by_path(path);

	KUNIT_ASSERT_NOT_NULL(test, bus);
	KUNIT_ASSERT_EQ(test, 0, of_platform_populate(bus,
						      of_default_bus_match_table,
						      NULL, NULL));
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test,
							   of_test_depopulate,
							   bus));
}

/* Back the regions the overlays bind with RAM, where I/O is emulated. */
static void of_test_back(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(good_regions); i++) {
		void *buf = kunit_kzalloc(test, FAKE_PHYS_STRIDE, GFP_KERNEL);

		KUNIT_ASSERT_NOT_NULL(test, buf);
		fake_iomem_map_buf(test, good_regions[i], buf, PAGE_SIZE);
	}
}

static void of_test_good(struct kunit *test)
{
	of_test_back(test);
	of_test_populate(test, "/iomem-dma-kunit-bus");
	of_test_populate(test, "/iomem-dma-kunit-other");
}

static void put_device_action(void *dev)
{
	put_device(dev);
}

/* The device of the node at @path; the reference is dropped at test end. */
static struct device *of_test_dev(struct kunit *test, const char *path)
{
	struct device_node *np = of_find_node_by_path(path);
	struct platform_device *pdev;

	KUNIT_ASSERT_NOT_NULL_MSG(test, np, "no node %s", path);
	pdev = of_find_device_by_node(np);
	of_node_put(np);
	KUNIT_ASSERT_NOT_NULL_MSG(test, pdev, "no device for %s", path);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, put_device_action,
						  &pdev->dev));
	return &pdev->dev;
}

static void prov_put_action(void *prov)
{
	iomem_dma_provider_put(prov);
}

static struct iomem_dma_provider *of_test_prov(struct kunit *test,
					       struct device *dev,
					       const char *suffix)
{
	struct iomem_dma_provider *prov;
	char name[IOMEM_DMA_NODE_NAME_LEN];

	snprintf(name, sizeof(name), "%s%s", dev_name(dev), suffix);
	prov = iomem_dma_provider_get_by_name(name);
	KUNIT_ASSERT_NOT_NULL_MSG(test, prov, "no provider %s", name);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test,
							   prov_put_action,
							   prov));
	return prov;
}

#define BUS		"/iomem-dma-kunit-bus"
#define OTHER		"/iomem-dma-kunit-other"
#define R0		BUS "/region@ea000000"
#define R1		BUS "/region@ea100000"
#define R2		BUS "/bus@ea300000/region@0"
#define MASTER		BUS "/master@ea200000"
#define MASTER2		OTHER "/master@ea400000"
#define MASTER3		OTHER "/bus@ea500000/master@ea500000"

static void of_providers_bound(struct kunit *test)
{
	struct iomem_dma_provider *p0, *p1a, *p1b, *p2;
	const struct iomem_dma_node *node;
	char name[IOMEM_DMA_NAME_MAX];

	of_test_good(test);
	KUNIT_EXPECT_NOT_NULL(test, of_test_dev(test, R0)->driver);
	p0 = of_test_prov(test, of_test_dev(test, R0), "");
	KUNIT_EXPECT_EQ(test, iomem_dma_provider_size(p0), 0x10000);
	/* Attached to the nearest bus that routes peer traffic. */
	rcu_read_lock();
	node = rcu_dereference(p0->fabric);
	strscpy(name, node ? iomem_dma_node_name(node) : "(none)",
		sizeof(name));
	rcu_read_unlock();
	KUNIT_EXPECT_STREQ(test, name, BUS);
	/* One cell: one provider per reg entry. */
	p1a = of_test_prov(test, of_test_dev(test, R1), "-0");
	p1b = of_test_prov(test, of_test_dev(test, R1), "-1");
	KUNIT_EXPECT_EQ(test, iomem_dma_provider_size(p1a), 0x1000);
	KUNIT_EXPECT_EQ(test, iomem_dma_provider_size(p1b), 0x1000);
	KUNIT_EXPECT_EQ(test, p1a->cpu_map, IOMEM_DMA_CPU_WC);
	KUNIT_EXPECT_EQ(test, p0->cpu_map, IOMEM_DMA_CPU_UNCACHED);
	/* The sub-bus's ranges move region@0 to 0xea300000. */
	p2 = of_test_prov(test, of_test_dev(test, R2), "");
	KUNIT_EXPECT_EQ(test, p2->ranges[0].phys, 0xea300000);
	KUNIT_EXPECT_EQ(test, p0->ranges[0].phys, 0xea000000);
	KUNIT_EXPECT_EQ(test, p1b->ranges[0].phys, 0xea101000);
	KUNIT_EXPECT_EQ(test, iomem_dma_of_check_region(dev_of_node(p0->dev)),
			0);
}

static void of_lookup_by_name(struct kunit *test)
{
	struct device *m;
	struct iomem_dma_provider *p;

	of_test_good(test);
	m = of_test_dev(test, MASTER);

	p = iomem_dma_of_get(m, "sram");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);
	KUNIT_EXPECT_PTR_EQ(test, iomem_dma_provider_dev(p),
			    of_test_dev(test, R0));
	iomem_dma_provider_put(p);

	p = iomem_dma_of_get(m, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);
	KUNIT_EXPECT_PTR_EQ(test, iomem_dma_provider_dev(p),
			    of_test_dev(test, R0));
	iomem_dma_provider_put(p);

	p = iomem_dma_of_get(m, "second");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);
	KUNIT_EXPECT_PTR_EQ(test, p, of_test_prov(test, of_test_dev(test, R1),
						  "-1"));
	iomem_dma_provider_put(p);

	KUNIT_EXPECT_EQ(test, PTR_ERR(iomem_dma_of_get(m, "nope")), -ENOENT);
}

static void of_devm_lookup(struct kunit *test)
{
	struct iomem_dma_provider *p;
	struct device *consumer;
	unsigned int before;

	of_test_good(test);
	p = of_test_prov(test, of_test_dev(test, R0), "");
	/* A consumer device of our own, with master2's node, to unbind. */
	consumer = iomem_dma_test_device(test, "iomem_dma_of_consumer");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, consumer);
	consumer->of_node = dev_of_node(of_test_dev(test, MASTER2));
	before = kref_read(&p->ref);
	KUNIT_ASSERT_FALSE(test, IS_ERR(devm_iomem_dma_of_get(consumer, NULL)));
	KUNIT_EXPECT_EQ(test, kref_read(&p->ref), before + 1);
	kunit_device_unregister(test, consumer);
	KUNIT_EXPECT_EQ(test, kref_read(&p->ref), before);
}

static void expect_verdict(struct kunit *test, struct iomem_dma_provider *p,
			   struct device *client, enum iomem_dma_path path,
			   enum iomem_dma_reason reason, const char *node)
{
	struct iomem_dma_verdict v;

	iomem_dma_check(p, client, &v);
	KUNIT_EXPECT_EQ_MSG(test, v.path, path, "%s -> %s: %s",
			    dev_name(client), iomem_dma_provider_name(p),
			    iomem_dma_reason_str(v.reason));
	KUNIT_EXPECT_EQ_MSG(test, v.reason, reason, "%s -> %s: %s",
			    dev_name(client), iomem_dma_provider_name(p),
			    iomem_dma_reason_str(v.reason));
	if (node)
		KUNIT_EXPECT_STREQ(test, v.node, node);
}

static void of_verdicts(struct kunit *test)
{
	struct iomem_dma_provider *p0, *p1, *p2;
	struct iomem_dma_verdict v;
	struct device *m, *m2;
	char rule[160];
	unsigned int id;

	of_test_good(test);
	iomem_dma_policy_clear();
	m = of_test_dev(test, MASTER);
	m2 = of_test_dev(test, MASTER2);
	p0 = of_test_prov(test, of_test_dev(test, R0), "");
	p1 = of_test_prov(test, of_test_dev(test, R1), "-0");
	p2 = of_test_prov(test, of_test_dev(test, R2), "");

	/* Same routing bus. */
	expect_verdict(test, p0, m, IOMEM_DMA_PATH_BUS,
		       IOMEM_DMA_REASON_COMMON_NODE, BUS);
	/* A deny statement on the master wins over the routing bus. */
	expect_verdict(test, p2, m, IOMEM_DMA_PATH_DENIED,
		       IOMEM_DMA_REASON_FW_DENY, MASTER);
	/* Only the root in common, which does not route: deny by default. */
	expect_verdict(test, p0, m2, IOMEM_DMA_PATH_DENIED,
		       IOMEM_DMA_REASON_HOST_NOT_ALLOWED, "/");
	/* An allow statement on the master. */
	expect_verdict(test, p2, m2, IOMEM_DMA_PATH_HOST,
		       IOMEM_DMA_REASON_FW_ALLOW, MASTER2);
	/* A deny statement on the master's bus. */
	expect_verdict(test, p1, m2, IOMEM_DMA_PATH_DENIED,
		       IOMEM_DMA_REASON_FW_DENY, OTHER);

	/* The administrator has the last word, both ways. */
	snprintf(rule, sizeof(rule), "allow provider=%s client=%s",
		 iomem_dma_provider_name(p1), MASTER2);
	KUNIT_ASSERT_EQ(test, 0, iomem_dma_policy_add(rule, strlen(rule), &id));
	expect_verdict(test, p1, m2, IOMEM_DMA_PATH_HOST,
		       IOMEM_DMA_REASON_RULE_ALLOW, NULL);
	snprintf(rule, sizeof(rule), "%u", id);
	KUNIT_EXPECT_EQ(test, 0, iomem_dma_policy_remove(rule, strlen(rule)));
	/* Over a deny statement on a routing bus: the route, and the rule. */
	snprintf(rule, sizeof(rule), "allow provider=%s client=%s",
		 iomem_dma_provider_name(p2), MASTER);
	KUNIT_ASSERT_EQ(test, 0, iomem_dma_policy_add(rule, strlen(rule), &id));
	expect_verdict(test, p2, m, IOMEM_DMA_PATH_BUS,
		       IOMEM_DMA_REASON_COMMON_NODE, BUS);
	iomem_dma_check(p2, m, &v);
	KUNIT_EXPECT_EQ(test, v.rule, id);
	iomem_dma_policy_clear();
	snprintf(rule, sizeof(rule), "deny provider=%s", R2);
	KUNIT_ASSERT_EQ(test, 0, iomem_dma_policy_add(rule, strlen(rule), &id));
	expect_verdict(test, p2, m2, IOMEM_DMA_PATH_DENIED,
		       IOMEM_DMA_REASON_RULE_DENY, NULL);
	iomem_dma_policy_clear();
	expect_verdict(test, p2, m2, IOMEM_DMA_PATH_HOST,
		       IOMEM_DMA_REASON_FW_ALLOW, MASTER2);
}

/*
 * Apply a changeset adding the property @prop to the node at @path: a
 * one-cell value *@val, or an empty (boolean) property if @val is NULL.
 */
static struct of_changeset *of_test_add_prop(struct kunit *test,
					     const char *path, const char *prop,
					     const u32 *val)
{
	struct of_changeset *cs;
	struct device_node *np;
	int ret;

	np = of_find_node_by_path(path);
	KUNIT_ASSERT_NOT_NULL(test, np);
	cs = kunit_kzalloc(test, sizeof(*cs), GFP_KERNEL);
	if (!cs)
		of_node_put(np);
	KUNIT_ASSERT_NOT_NULL(test, cs);
	of_changeset_init(cs);
	ret = val ? of_changeset_add_prop_u32(cs, np, prop, *val) :
		    of_changeset_add_prop_bool(cs, np, prop);
	of_node_put(np);
	if (ret)
		KUNIT_FAIL_AND_ABORT(test, "changeset not built");
	KUNIT_ASSERT_EQ(test, 0, of_changeset_apply(cs));
	return cs;
}

/* Apply a changeset adding "peer-dma-allow = <@p>" to the node at @path. */
static struct of_changeset *of_test_allow(struct kunit *test, const char *path,
					  struct iomem_dma_provider *p)
{
	u32 phandle = dev_of_node(p->dev)->phandle;

	return of_test_add_prop(test, path, "peer-dma-allow", &phandle);
}

/* A statement changed at run time makes cached verdicts stale. */
static void of_statement_change(struct kunit *test)
{
	struct iomem_dma_provider *p0;
	struct of_changeset *cs;
	struct iomem_dma_verdict v;
	struct device *m2;
	u64 gen;

	of_test_good(test);
	m2 = of_test_dev(test, MASTER2);
	p0 = of_test_prov(test, of_test_dev(test, R0), "");
	expect_verdict(test, p0, m2, IOMEM_DMA_PATH_DENIED,
		       IOMEM_DMA_REASON_HOST_NOT_ALLOWED, "/");
	gen = iomem_dma_generation();

	cs = of_test_allow(test, OTHER, p0);
	KUNIT_EXPECT_GT(test, iomem_dma_generation(), gen);
	expect_verdict(test, p0, m2, IOMEM_DMA_PATH_HOST,
		       IOMEM_DMA_REASON_FW_ALLOW, OTHER);
	gen = iomem_dma_generation();
	KUNIT_ASSERT_EQ(test, 0, of_changeset_revert(cs));
	of_changeset_destroy(cs);
	KUNIT_EXPECT_GT(test, iomem_dma_generation(), gen);
	iomem_dma_check(p0, m2, &v);
	KUNIT_EXPECT_EQ(test, v.reason, IOMEM_DMA_REASON_HOST_NOT_ALLOWED);
}

/*
 * A bus that is not a fabric node starts stating peer-dma-routing: a
 * provider (registered to follow its device) and a client on that bus,
 * both registered before, move to the new node, so their pair goes from
 * "no route" to the bus path; withdrawing the statement revokes the
 * mapping made on its strength. Before, attachments were fixed at
 * registration and the change reached neither.
 */
static void of_routing_added_to_bus(struct kunit *test)
{
	struct sg_table *sgt = kunit_kzalloc(test, sizeof(*sgt), GFP_KERNEL);
	struct fake_client *fc = kunit_kzalloc(test, sizeof(*fc), GFP_KERNEL);
	struct iomem_dma_provider_desc desc = { };
	struct iomem_dma_provider *prov;
	struct of_changeset *cs;
	struct fake_prov *fp;

	KUNIT_ASSERT_NOT_NULL(test, sgt);
	KUNIT_ASSERT_NOT_NULL(test, fc);
	of_test_good(test);
	iomem_dma_policy_clear();
	/* RAM standing in for memory of a device on OTHER, in a free slot. */
	fp = kunit_kzalloc(test, sizeof(*fp), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fp);
	fp->mem = kunit_kzalloc(test, FAKE_PHYS_STRIDE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fp->mem);
	fp->range.phys = FAKE_PHYS_BASE + 8 * FAKE_PHYS_STRIDE;
	fp->range.size = 0x10000;
	fp->range.vaddr = fake_iomem_map_buf(test, fp->range.phys, fp->mem,
					     fp->range.size);
	desc.dev = of_test_dev(test, MASTER3);
	desc.name = "of-rt";
	desc.ranges = &fp->range;
	desc.nr_ranges = 1;
	desc.ops = &fake_prov_ops;
	desc.priv = fp;
	desc.fabric_from_device = true;
	fake_prov_register(test, fp, &desc);
	prov = fp->prov;
	fc->dev = of_test_dev(test, MASTER2);
	fake_client_register(test, fc);
	KUNIT_ASSERT_EQ(test, 0, iomem_dma_alloc_sgt(fc->client, prov, sgt,
						     PAGE_SIZE, GFP_KERNEL));
	/* Both attach at the root, which routes nothing. */
	KUNIT_EXPECT_EQ(test, iomem_dma_map_sgtable(fc->client, sgt,
						    DMA_BIDIRECTIONAL, 0),
			-EREMOTEIO);

	cs = of_test_add_prop(test, OTHER, "peer-dma-routing", NULL);
	iomem_dma_policy_revoke_flush();
	KUNIT_EXPECT_EQ(test, iomem_dma_map_sgtable(fc->client, sgt,
						    DMA_BIDIRECTIONAL, 0), 0);
	KUNIT_EXPECT_TRUE(test, sg_dma_is_bus_address(sgt->sgl));
	fc->free_on_revoke = sgt;

	/* Withdrawn: the node routes nothing, the mapping is revoked. */
	KUNIT_ASSERT_EQ(test, 0, of_changeset_revert(cs));
	of_changeset_destroy(cs);
	iomem_dma_policy_revoke_flush();
	KUNIT_EXPECT_EQ(test, atomic_read(&fc->revokes), 1);
	KUNIT_EXPECT_NULL(test, fc->free_on_revoke);
	KUNIT_EXPECT_EQ(test, prov->nr_chunks, 0UL);
}

/*
 * A statement withdrawn at run time revokes the memory a client holds on
 * its strength, once the work item queued by the change has run.
 */
static void of_statement_withdrawn_revokes(struct kunit *test)
{
	struct sg_table *sgt = kunit_kzalloc(test, sizeof(*sgt), GFP_KERNEL);
	struct fake_client *fc = kunit_kzalloc(test, sizeof(*fc), GFP_KERNEL);
	struct iomem_dma_provider *p0;
	struct of_changeset *cs;

	KUNIT_ASSERT_NOT_NULL(test, sgt);
	KUNIT_ASSERT_NOT_NULL(test, fc);
	of_test_good(test);
	iomem_dma_policy_clear();
	fc->dev = of_test_dev(test, MASTER2);
	p0 = of_test_prov(test, of_test_dev(test, R0), "");
	fake_client_register(test, fc);

	cs = of_test_allow(test, OTHER, p0);
	KUNIT_ASSERT_EQ(test, 0, iomem_dma_alloc_sgt(fc->client, p0, sgt, 512,
						     GFP_KERNEL));
	KUNIT_ASSERT_EQ(test, 0, iomem_dma_map_sgtable(fc->client, sgt,
						       DMA_BIDIRECTIONAL, 0));
	fc->free_on_revoke = sgt;
	iomem_dma_policy_revoke_flush();
	KUNIT_EXPECT_EQ(test, atomic_read(&fc->revokes), 0);

	KUNIT_ASSERT_EQ(test, 0, of_changeset_revert(cs));
	of_changeset_destroy(cs);
	iomem_dma_policy_revoke_flush();
	KUNIT_EXPECT_EQ(test, atomic_read(&fc->revokes), 1);
	KUNIT_EXPECT_NULL(test, fc->free_on_revoke);
	KUNIT_EXPECT_EQ(test, 0, iomem_dma_client_unregister(fc->client));
}

static const char *const of_walk_regions[] = { R0, R1, R2 };

/* How many of the regions of of_good.dtso have a bound driver. */
static unsigned int of_walk_bound(struct kunit *test, struct device **unbound)
{
	unsigned int i, bound = 0;

	*unbound = NULL;
	for (i = 0; i < ARRAY_SIZE(of_walk_regions); i++) {
		struct device *dev = of_test_dev(test, of_walk_regions[i]);

		if (dev->driver)
			bound++;
		else
			*unbound = dev;
	}
	return bound;
}

/*
 * Fault walk of the devicetree backend: populate the bus of of_good.dtso
 * with its 1st, 2nd, ... step failed (the probe's allocation, the region
 * request and mapping, and every step of the core's provider registration
 * under it). Each failure leaves exactly one region without a driver, or
 * none where the core absorbs it (a provider without its sysfs entry); a
 * region whose probe failed binds when probed again without faults, so the
 * failure left no region requested or mapped; and depopulating leaves the
 * providers as they were.
 */
static void of_probe_fault_walk(struct kunit *test)
{
	struct device_node *bus;
	struct device *unbound;
	unsigned int steps, nth, providers, failed = 0;
	bool fired;

	if (!IS_ENABLED(CONFIG_IOMEM_DMA_FAULT_INJECTION))
		kunit_skip(test, "needs CONFIG_IOMEM_DMA_FAULT_INJECTION");
	of_test_back(test);
	providers = providers_count();
	for (nth = 0;; nth++) {
		bus = of_find_node_by_path(BUS);
		KUNIT_ASSERT_NOT_NULL(test, bus);
		iomem_dma_fault_arm(nth);
		KUNIT_EXPECT_EQ(test, 0,
				of_platform_populate(bus,
						     of_default_bus_match_table,
						     NULL, NULL));
		steps = iomem_dma_fault_disarm(&fired);
		if (nth && !fired) {
			of_test_depopulate(bus);
			break;
		}
		if (of_walk_bound(test, &unbound) < ARRAY_SIZE(of_walk_regions)) {
			KUNIT_EXPECT_EQ_MSG(test, of_walk_bound(test, &unbound),
					    (unsigned int)ARRAY_SIZE(of_walk_regions) - 1,
					    "step %u", nth);
			KUNIT_EXPECT_EQ_MSG(test, device_attach(unbound), 1,
					    "step %u: %s", nth,
					    dev_name(unbound));
			failed++;
		}
		KUNIT_EXPECT_EQ_MSG(test, of_walk_bound(test, &unbound),
				    (unsigned int)ARRAY_SIZE(of_walk_regions),
				    "step %u", nth);
		of_test_depopulate(bus);
		KUNIT_ASSERT_EQ_MSG(test, providers_count(), providers,
				    "step %u", nth);
		if (!nth)
			kunit_info(test, "N=%u\n", steps);
	}
	kunit_info(test, "%u steps failed a probe, %u were absorbed\n",
		   failed, nth - 1 - failed);
	KUNIT_EXPECT_GT(test, failed, 0U);
}

/* The bus address comes from the client's dma-ranges, not the identity. */
static void of_bus_address(struct kunit *test)
{
	struct iomem_dma_provider *p0;
	struct device *m3;
	dma_addr_t bus = 0;

	if (!IS_ENABLED(CONFIG_HAS_DMA))
		kunit_skip(test, "no DMA mapping on this architecture");
	of_test_good(test);
	m3 = of_test_dev(test, MASTER3);
	p0 = of_test_prov(test, of_test_dev(test, R0), "");
	/* What a bus does before probing a driver; freed with the device. */
	KUNIT_ASSERT_EQ(test, 0, of_dma_configure(m3, dev_of_node(m3), true));
	KUNIT_ASSERT_NOT_NULL(test, m3->dma_range_map);
	KUNIT_EXPECT_EQ(test, p0->ops->bus_addr(p0, m3, 0xea000000 + 0x1234,
						16, &bus), 0);
	KUNIT_EXPECT_EQ(test, bus, (dma_addr_t)0x10001234);
	/* Outside the dma-ranges window: the client cannot address it. */
	KUNIT_EXPECT_EQ(test, p0->ops->bus_addr(p0, m3, 0xeb000000, 16, &bus),
			-ERANGE);
	/* Allowed by the statement on the master. */
	expect_verdict(test, p0, m3, IOMEM_DMA_PATH_HOST,
		       IOMEM_DMA_REASON_FW_ALLOW, MASTER3);
}

#define BAD	"/iomem-dma-kunit-bad"

/* Each bad region fails its probe, says why, and registers nothing. */
static void of_bad_regions(struct kunit *test)
{
	static const char *const bad[] = {
		"region-noreg", "region@ea700000", "region@ea710000",
		"region@ea720100", "region@ea730000", "region@ea760000",
	};
	char path[96];
	unsigned int i;

	of_test_back(test);
	of_test_populate(test, BAD);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct device *dev;
		struct device_node *np;

		snprintf(path, sizeof(path), BAD "/%s", bad[i]);
		dev = of_test_dev(test, path);
		np = dev_of_node(dev);
		KUNIT_EXPECT_EQ_MSG(test, iomem_dma_of_check_region(np),
				    -EINVAL, "%s", path);
		KUNIT_EXPECT_NULL_MSG(test, dev->driver, "%s bound", path);
		KUNIT_EXPECT_NULL_MSG(test,
				      iomem_dma_provider_get_by_name(dev_name(dev)),
				      "%s registered", path);
	}
	/* The good one next to them works. */
	KUNIT_EXPECT_NOT_NULL(test, of_test_dev(test, BAD "/region@ea600000")->driver);
}

static void of_bad_ram(struct kunit *test)
{
	struct device *dev;

	if (region_intersects(0x40000000, 0x10000, IORESOURCE_SYSTEM_RAM,
			      IORES_DESC_NONE) != REGION_INTERSECTS)
		kunit_skip(test, "0x40000000 is not System RAM here");
	of_test_populate(test, "/iomem-dma-kunit-ram");
	dev = of_test_dev(test, "/iomem-dma-kunit-ram/region@40000000");
	KUNIT_EXPECT_EQ(test, iomem_dma_of_check_region(dev_of_node(dev)),
			-EINVAL);
	KUNIT_EXPECT_NULL(test, dev->driver);
	KUNIT_EXPECT_NULL(test, iomem_dma_provider_get_by_name(dev_name(dev)));
}

static void of_bad_lookups(struct kunit *test)
{
	static const struct {
		const char *master, *name;
		int err;
	} cases[] = {
		{ "master@ea800000", "disabled", -ENODEV },
		{ "master@ea800100", NULL, -EINVAL },	/* missing cell */
		{ "master@ea800200", NULL, -EINVAL },	/* no reg entry 5 */
		{ "master@ea800300", NULL, -EINVAL },	/* not a region */
		{ "master@ea800400", NULL, -EINVAL },	/* dangling phandle */
		{ "master@ea800500", NULL, -ENOENT },	/* no property */
		{ "master@ea800000", "other", -ENOENT },	/* unknown name */
		{ "master@ea800600", NULL, -EPROBE_DEFER },	/* not bound */
	};
	unsigned int i;
	char path[96];

	of_test_back(test);
	of_test_populate(test, BAD);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct iomem_dma_provider *p;

		snprintf(path, sizeof(path), BAD "/%s", cases[i].master);
		p = iomem_dma_of_get(of_test_dev(test, path), cases[i].name);
		KUNIT_EXPECT_EQ_MSG(test, PTR_ERR_OR_ZERO(p), cases[i].err,
				    "case %u: %s", i, path);
		if (!IS_ERR(p))
			iomem_dma_provider_put(p);
	}
}

/*
 * The fixtures are applied once for the suite and each test populates and
 * depopulates the buses it uses. Removing an overlay while anything still
 * holds one of its nodes fails ("memory leak ... unbalanced"), and with
 * DEBUG_KOBJECT_RELEASE devices drop their nodes 1 to 4 s after they are
 * destroyed, longer through a chain of such releases: one wait at the end
 * of the suite instead of one per test.
 */
#define OF_TEST_APPLY(name, id)						\
({									\
	extern u8 __dtbo_##name##_begin[], __dtbo_##name##_end[];	\
	of_overlay_fdt_apply(__dtbo_##name##_begin,			\
			     __dtbo_##name##_end - __dtbo_##name##_begin,	\
			     (id), NULL);				\
})

static int of_test_ovcs[3];

static const char *const of_test_tops[] = {
	"/iomem-dma-kunit-bus", "/iomem-dma-kunit-other",
	"/iomem-dma-kunit-bad", "/iomem-dma-kunit-ram",
};

static void of_suite_exit(struct kunit_suite *suite)
{
	struct platform_device *pdev;
	struct device_node *np;
	int i;

	/* Devices the platform code created for the top-level buses. */
	for (i = 0; i < ARRAY_SIZE(of_test_tops); i++) {
		np = of_find_node_by_path(of_test_tops[i]);
		if (!np)
			continue;
		pdev = of_find_device_by_node(np);
		if (pdev) {
			of_platform_device_destroy(&pdev->dev, NULL);
			put_device(&pdev->dev);
		}
		of_node_put(np);
	}
	if (IS_ENABLED(CONFIG_DEBUG_KOBJECT_RELEASE))
		msleep(10000);
	for (i = ARRAY_SIZE(of_test_ovcs) - 1; i >= 0; i--)
		if (of_test_ovcs[i] && of_overlay_remove(&of_test_ovcs[i]))
			pr_err("iomem_dma_of test: overlay %d not removed\n",
			       of_test_ovcs[i]);
}

static int of_suite_init(struct kunit_suite *suite)
{
	int ret;

	memset(of_test_ovcs, 0, sizeof(of_test_ovcs));
	ret = OF_TEST_APPLY(of_good, &of_test_ovcs[0]);
	if (!ret)
		ret = OF_TEST_APPLY(of_bad, &of_test_ovcs[1]);
	if (!ret)
		ret = OF_TEST_APPLY(of_ram, &of_test_ovcs[2]);
	if (ret) {
		pr_err("iomem_dma_of test: fixtures not applied (%d)\n", ret);
		of_suite_exit(suite);
	}
	return ret;
}

static struct kunit_case iomem_dma_of_cases[] = {
	KUNIT_CASE(of_providers_bound),
	KUNIT_CASE(of_lookup_by_name),
	KUNIT_CASE(of_devm_lookup),
	KUNIT_CASE(of_verdicts),
	KUNIT_CASE(of_statement_change),
	KUNIT_CASE(of_statement_withdrawn_revokes),
	KUNIT_CASE(of_routing_added_to_bus),
	KUNIT_CASE(of_probe_fault_walk),
	KUNIT_CASE(of_bus_address),
	KUNIT_CASE(of_bad_regions),
	KUNIT_CASE(of_bad_ram),
	KUNIT_CASE(of_bad_lookups),
	{}
};

static struct kunit_suite iomem_dma_of_suite = {
	.name = "iomem_dma_of",
	.suite_init = of_suite_init,
	.suite_exit = of_suite_exit,
	.test_cases = iomem_dma_of_cases,
};

kunit_test_suite(iomem_dma_of_suite);

MODULE_DESCRIPTION("KUnit tests for the iomem_dma devicetree backend");
MODULE_LICENSE("GPL");
