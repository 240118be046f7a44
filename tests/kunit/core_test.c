// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for the iomem_dma registry: registration, publishing,
 * deterministic lookup, clients, unregister with revoke.
 */

#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/iomem_dma_provider.h>
#include <linux/workqueue.h>

#define FAKE_WINDOW 0
#include "iomem_dma_test.h"

#define SZ (64 * 1024)

static void core_register_rejects_bad_desc(struct kunit *test)
{
	struct fake_prov *fp = fake_prov_create_flags(test, "badp", SZ, NULL,
						      false);
	struct iomem_dma_range ranges[2];
	struct iomem_dma_provider_desc desc = {
		.dev = fp->dev, .name = "badp", .ranges = &fp->range,
		.nr_ranges = 1,
		.ops = &fake_prov_ops, .priv = fp,
	};
	struct iomem_dma_provider_desc bad;
	static const struct iomem_dma_provider_ops no_bus = { };

	KUNIT_EXPECT_EQ(test, PTR_ERR(iomem_dma_provider_register(NULL)),
			-EINVAL);
	bad = desc;
	bad.dev = NULL;
	KUNIT_EXPECT_EQ(test, PTR_ERR(iomem_dma_provider_register(&bad)),
			-EINVAL);
	bad = desc;
	bad.ops = NULL;
	KUNIT_EXPECT_EQ(test, PTR_ERR(iomem_dma_provider_register(&bad)),
			-EINVAL);
	bad.ops = &no_bus;
	KUNIT_EXPECT_EQ(test, PTR_ERR(iomem_dma_provider_register(&bad)),
			-EINVAL);
	bad = desc;
	bad.nr_ranges = 0;
	KUNIT_EXPECT_EQ(test, PTR_ERR(iomem_dma_provider_register(&bad)),
			-EINVAL);
	bad = desc;
	bad.name = "with space";
	KUNIT_EXPECT_EQ(test, PTR_ERR(iomem_dma_provider_register(&bad)),
			-EINVAL);
	bad = desc;
	bad.granule_order = 3;
	KUNIT_EXPECT_EQ(test, PTR_ERR(iomem_dma_provider_register(&bad)),
			-EINVAL);

	ranges[0] = fp->range;
	ranges[0].size = 0;
	bad = desc;
	bad.ranges = ranges;
	KUNIT_EXPECT_EQ(test, PTR_ERR(iomem_dma_provider_register(&bad)),
			-EINVAL);
	ranges[0] = fp->range;
	ranges[0].size = PAGE_SIZE + 1;
	KUNIT_EXPECT_EQ(test, PTR_ERR(iomem_dma_provider_register(&bad)),
			-EINVAL);
	ranges[0] = fp->range;
	ranges[0].phys += 512;
	KUNIT_EXPECT_EQ(test, PTR_ERR(iomem_dma_provider_register(&bad)),
			-EINVAL);
	ranges[0] = fp->range;
	ranges[0].vaddr = NULL;
	KUNIT_EXPECT_EQ(test, PTR_ERR(iomem_dma_provider_register(&bad)),
			-EINVAL);
	/* Two ranges that overlap. */
	ranges[0] = fp->range;
	ranges[1] = fp->range;
	ranges[1].phys += PAGE_SIZE;
	ranges[1].size = PAGE_SIZE;
	bad.nr_ranges = 2;
	KUNIT_EXPECT_EQ(test, PTR_ERR(iomem_dma_provider_register(&bad)),
			-EINVAL);

	/* None of the attempts left anything behind. */
	KUNIT_EXPECT_NULL(test, iomem_dma_provider_get_by_name("badp"));
}

static void core_register_duplicate_name(struct kunit *test)
{
	struct fake_prov *a = fake_prov_create(test, "dup", SZ, NULL);
	struct fake_prov *b = fake_prov_create_flags(test, "dup2", SZ, NULL,
						     false);
	struct iomem_dma_provider_desc desc = {
		.dev = b->dev, .name = "dup", .ranges = &b->range,
		.nr_ranges = 1, .ops = &fake_prov_ops, .priv = b,
	};
	struct iomem_dma_provider *p;

	KUNIT_EXPECT_EQ(test, PTR_ERR(iomem_dma_provider_register(&desc)),
			-EEXIST);
	p = iomem_dma_provider_get_by_name("dup");
	KUNIT_EXPECT_PTR_EQ(test, p, a->prov);
	iomem_dma_provider_put(p);
}

static void core_unregister_twice(struct kunit *test)
{
	struct fake_prov *fp = fake_prov_create(test, "twice", SZ, NULL);

	KUNIT_EXPECT_EQ(test, iomem_dma_provider_unregister(NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, iomem_dma_provider_unregister(fp->prov), 0);
	KUNIT_EXPECT_EQ(test, iomem_dma_provider_unregister(fp->prov),
			-ENOENT);
	KUNIT_EXPECT_NULL(test, iomem_dma_provider_get_by_name("twice"));
}

static void core_private_until_published(struct kunit *test)
{
	struct iomem_dma_node *sw = fake_node(test, NULL, "sw",
					      IOMEM_DMA_NODE_ROUTES_PEER);
	struct fake_prov *fp;
	struct fake_client *fc;
	struct iomem_dma_provider *found;

	fake_fabric_init(test);
	fp = fake_prov_create(test, "pub", SZ, sw);
	fc = fake_client_create(test, "pubc", sw);

	KUNIT_EXPECT_EQ(test, PTR_ERR(iomem_dma_find(&fc->dev, 1)), -ENODEV);
	KUNIT_ASSERT_EQ(test, iomem_dma_provider_publish(fp->prov, true), 0);
	found = iomem_dma_find(&fc->dev, 1);
	KUNIT_EXPECT_PTR_EQ(test, found, fp->prov);
	iomem_dma_provider_put(found);
	KUNIT_ASSERT_EQ(test, iomem_dma_provider_publish(fp->prov, false), 0);
	KUNIT_EXPECT_EQ(test, PTR_ERR(iomem_dma_find(&fc->dev, 1)), -ENODEV);

	KUNIT_EXPECT_EQ(test, PTR_ERR(iomem_dma_find(NULL, 1)), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(iomem_dma_find(&fc->dev, 0)), -EINVAL);
	KUNIT_EXPECT_EQ(test, iomem_dma_provider_publish(NULL, true), -EINVAL);
}

static void core_find_closest_then_by_name(struct kunit *test)
{
	struct iomem_dma_node *root, *sw, *far_sw, *dp;
	struct fake_prov *far, *zeta, *alpha;
	struct iomem_dma_provider *found;
	struct fake_client *fc;

	fake_fabric_init(test);
	root = fake_node(test, NULL, "root", IOMEM_DMA_NODE_ROUTES_PEER);
	sw = fake_node(test, root, "sw", IOMEM_DMA_NODE_ROUTES_PEER);
	far_sw = fake_node(test, root, "far", IOMEM_DMA_NODE_ROUTES_PEER);
	dp = fake_node(test, far_sw, "dp", IOMEM_DMA_NODE_ROUTES_PEER);

	/* Registered in an order that does not match the expected choice. */
	far = fake_prov_create(test, "a-far", SZ, dp);
	zeta = fake_prov_create(test, "zeta", SZ, sw);
	alpha = fake_prov_create(test, "beta", SZ, sw);
	fc = fake_client_create(test, "findc", sw);
	iomem_dma_provider_publish(far->prov, true);
	iomem_dma_provider_publish(zeta->prov, true);
	iomem_dma_provider_publish(alpha->prov, true);

	found = iomem_dma_find(&fc->dev, 1);
	KUNIT_EXPECT_PTR_EQ(test, found, alpha->prov);
	iomem_dma_provider_put(found);

	/* Without the near ones, the far one is chosen. */
	iomem_dma_provider_publish(zeta->prov, false);
	iomem_dma_provider_publish(alpha->prov, false);
	found = iomem_dma_find(&fc->dev, 1);
	KUNIT_EXPECT_PTR_EQ(test, found, far->prov);
	iomem_dma_provider_put(found);
}

static void core_find_needs_every_client(struct kunit *test)
{
	struct iomem_dma_provider *found;
	struct iomem_dma_node *sw, *other;
	struct fake_client *a, *b;
	struct device *both[2];
	struct fake_prov *fp;

	fake_fabric_init(test);
	sw = fake_node(test, NULL, "sw", IOMEM_DMA_NODE_ROUTES_PEER);
	other = fake_node(test, NULL, "island", IOMEM_DMA_NODE_ROUTES_PEER);
	fp = fake_prov_create(test, "needall", SZ, sw);
	iomem_dma_provider_publish(fp->prov, true);
	a = fake_client_create(test, "ca", sw);
	b = fake_client_create(test, "cb", other);
	both[0] = a->dev;
	both[1] = b->dev;

	KUNIT_EXPECT_EQ(test, PTR_ERR(iomem_dma_find(both, 2)), -ENODEV);
	found = iomem_dma_find(both, 1);
	KUNIT_EXPECT_PTR_EQ(test, found, fp->prov);
	iomem_dma_provider_put(found);
	KUNIT_EXPECT_PTR_EQ(test, iomem_dma_find(&both[1], 1),
			    ERR_PTR(-ENODEV));
}

static void core_client_register_bad(struct kunit *test)
{
	static const struct iomem_dma_client_ops no_revoke = { };
	struct fake_prov *fp = fake_prov_create(test, "cbadp", SZ, NULL);
	struct device *dev = iomem_dma_test_device(test, "cbad");
	struct iomem_dma_client *client;
	struct scatterlist sg;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);
	KUNIT_EXPECT_PTR_EQ(test, iomem_dma_client_register(NULL,
							    &fake_client_ops,
							    NULL),
			    ERR_PTR(-EINVAL));
	KUNIT_EXPECT_PTR_EQ(test, iomem_dma_client_register(dev, NULL, NULL),
			    ERR_PTR(-EINVAL));
	KUNIT_EXPECT_PTR_EQ(test, iomem_dma_client_register(dev, &no_revoke,
							    NULL),
			    ERR_PTR(-EINVAL));
	KUNIT_EXPECT_FALSE(test, iomem_dma_is_client(dev));
	client = iomem_dma_client_register(dev, &fake_client_ops, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, client);
	KUNIT_EXPECT_PTR_EQ(test, iomem_dma_client_dev(client), dev);
	KUNIT_EXPECT_TRUE(test, iomem_dma_is_client(dev));
	KUNIT_EXPECT_PTR_EQ(test, iomem_dma_client_register(dev,
							    &fake_client_ops,
							    NULL),
			    ERR_PTR(-EBUSY));
	/* Memory held keeps the handle valid after the registration ends. */
	sg_init_table(&sg, 1);
	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sg(client, fp->prov, &sg,
						 PAGE_SIZE, 0), 0);
	KUNIT_EXPECT_EQ(test, iomem_dma_client_unregister(client), 0);
	KUNIT_EXPECT_FALSE(test, iomem_dma_is_client(dev));
	KUNIT_EXPECT_EQ(test, iomem_dma_client_unregister(client), -ENOENT);
	KUNIT_EXPECT_EQ(test, iomem_dma_client_unregister(NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sg(client, &sg), 0);
	/* The device can register again, with a new handle. */
	client = iomem_dma_client_register(dev, &fake_client_ops, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, client);
	KUNIT_EXPECT_EQ(test, iomem_dma_client_unregister(client), 0);
}

static void core_unregister_revokes(struct kunit *test)
{
	struct fake_prov *fp = fake_prov_create(test, "revoke", SZ, NULL);
	struct fake_client *fc = fake_client_create(test, "revc", NULL);
	struct sg_table *sgt = kunit_kzalloc(test, sizeof(*sgt), GFP_KERNEL);
	struct iomem_dma_provider *ref;
	struct iomem_dma_verdict v;
	struct scatterlist sg;

	KUNIT_ASSERT_NOT_NULL(test, sgt);
	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sgt(fc->client, fp->prov, sgt,
						  3 * PAGE_SIZE, GFP_KERNEL), 0);
	fc->free_on_revoke = sgt;
	ref = iomem_dma_provider_get_by_name("revoke");
	KUNIT_ASSERT_PTR_EQ(test, ref, fp->prov);

	KUNIT_EXPECT_EQ(test, iomem_dma_provider_unregister(fp->prov), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&fc->revokes), 1);
	KUNIT_EXPECT_NULL(test, fc->free_on_revoke);
	KUNIT_EXPECT_EQ(test, ref->nr_chunks, 0UL);

	/* The reference keeps the memory valid; the provider is dead. */
	KUNIT_EXPECT_EQ(test, iomem_dma_check(ref, fc->dev, &v), -EREMOTEIO);
	KUNIT_EXPECT_EQ(test, v.reason, IOMEM_DMA_REASON_PROVIDER_GONE);
	KUNIT_EXPECT_EQ(test, iomem_dma_provider_publish(ref, true), -ENODEV);
	sg_init_table(&sg, 1);
	KUNIT_EXPECT_EQ(test, iomem_dma_alloc_sg(fc->client, ref, &sg, PAGE_SIZE,
						 0), -ENODEV);
	KUNIT_EXPECT_EQ(test, iomem_dma_provider_avail(ref), 0);
	iomem_dma_provider_put(ref);
}

struct late_free {
	struct delayed_work work;
	struct iomem_dma_client *client;
	struct scatterlist sg;
	int ret;
};

static void late_free_fn(struct work_struct *work)
{
	struct late_free *lf = container_of(to_delayed_work(work),
					    struct late_free, work);

	lf->ret = iomem_dma_free_sg(lf->client, &lf->sg);
}

static void restore_stall_ms(void *old)
{
	iomem_dma_stall_report_ms = (unsigned long)old;
}

static void core_unregister_names_holders(struct kunit *test)
{
	struct fake_prov *fp = fake_prov_create(test, "stall", SZ, NULL);
	struct fake_client *fc = fake_client_create(test, "slowc", NULL);
	struct late_free *lf;
	void *old_ms;
	int before;

	lf = kunit_kzalloc(test, sizeof(*lf), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, lf);
	fc->ignore_revoke = true;
	lf->client = fc->client;
	lf->ret = 1;
	sg_init_table(&lf->sg, 1);
	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sg(fc->client, fp->prov, &lf->sg,
						 PAGE_SIZE, 0), 0);

	old_ms = (void *)(unsigned long)iomem_dma_stall_report_ms;
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, restore_stall_ms,
						  old_ms));
	iomem_dma_stall_report_ms = 20;
	before = atomic_read(&iomem_dma_stall_reports);

	/* The client ignores the revoke and frees 200 ms later. */
	INIT_DELAYED_WORK(&lf->work, late_free_fn);
	schedule_delayed_work(&lf->work, msecs_to_jiffies(200));
	KUNIT_EXPECT_EQ(test, iomem_dma_provider_unregister(fp->prov), 0);
	flush_delayed_work(&lf->work);

	KUNIT_EXPECT_EQ(test, lf->ret, 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&fc->revokes), 1);
	KUNIT_EXPECT_GT(test, atomic_read(&iomem_dma_stall_reports), before);
}

static void core_devm_provider_goes_with_device(struct kunit *test)
{
	struct fake_prov *fp = fake_prov_create_flags(test, "devmp", SZ, NULL,
						      false);
	struct iomem_dma_provider_desc desc = {
		.dev = fp->dev, .name = "devmp", .ranges = &fp->range,
		.nr_ranges = 1, .ops = &fake_prov_ops, .priv = fp,
	};
	struct iomem_dma_provider *p;

	KUNIT_EXPECT_EQ(test,
			PTR_ERR(devm_iomem_dma_provider_register(NULL, &desc)),
			-EINVAL);
	p = devm_iomem_dma_provider_register(fp->dev, &desc);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);
	KUNIT_EXPECT_PTR_EQ(test, iomem_dma_provider_dev(p), fp->dev);
	KUNIT_EXPECT_STREQ(test, iomem_dma_provider_name(p), "devmp");
	KUNIT_EXPECT_EQ(test, iomem_dma_provider_size(p), (size_t)SZ);

	kunit_device_unregister(test, fp->dev);
	KUNIT_EXPECT_NULL(test, iomem_dma_provider_get_by_name("devmp"));
}

static void core_client_unregister_keeps_memory(struct kunit *test)
{
	struct fake_prov *fp = fake_prov_create(test, "keep", SZ, NULL);
	struct fake_client *fc = fake_client_create(test, "keepc", NULL);
	struct sg_table sgt;

	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sgt(fc->client, fp->prov, &sgt,
						  PAGE_SIZE, GFP_KERNEL), 0);
	KUNIT_ASSERT_EQ(test, iomem_dma_client_unregister(fc->client), 0);
	KUNIT_EXPECT_EQ(test, fp->prov->nr_chunks, 1UL);
	KUNIT_EXPECT_EQ(test, iomem_dma_map_sgtable(fc->client, &sgt,
						    DMA_TO_DEVICE, 0), -ENODEV);
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sgt(fc->client, &sgt), 0);
	KUNIT_EXPECT_EQ(test, fp->prov->nr_chunks, 0UL);
	KUNIT_EXPECT_EQ(test, iomem_dma_provider_avail(fp->prov), (size_t)SZ);
}

static struct kunit_case iomem_dma_core_cases[] = {
	KUNIT_CASE(core_register_rejects_bad_desc),
	KUNIT_CASE(core_register_duplicate_name),
	KUNIT_CASE(core_unregister_twice),
	KUNIT_CASE(core_private_until_published),
	KUNIT_CASE(core_find_closest_then_by_name),
	KUNIT_CASE(core_find_needs_every_client),
	KUNIT_CASE(core_client_register_bad),
	KUNIT_CASE(core_unregister_revokes),
	KUNIT_CASE(core_unregister_names_holders),
	KUNIT_CASE(core_devm_provider_goes_with_device),
	KUNIT_CASE(core_client_unregister_keeps_memory),
	{}
};

static struct kunit_suite iomem_dma_core_suite = {
	.name = "iomem_dma_core",
	.test_cases = iomem_dma_core_cases,
};

kunit_test_suite(iomem_dma_core_suite);

MODULE_DESCRIPTION("KUnit tests for the iomem_dma registry");
MODULE_LICENSE("GPL");
