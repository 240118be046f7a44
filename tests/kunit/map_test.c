// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for iomem_dma mapping: bus addresses from the backend,
 * the host path, refusals with a reason, mixed RAM/iomem tables, unwind.
 */

#include <kunit/test.h>
#include <linux/dma-direct.h>
#include <linux/dma-mapping.h>
#include <linux/iomem_dma_provider.h>

#define FAKE_WINDOW 3
#include "iomem_dma_test.h"

#define POOL (64 * 1024)

static void map_bus_address_from_backend(struct kunit *test)
{
	struct iomem_dma_node *sw;
	struct fake_prov *fp;
	struct fake_client *fc;
	struct scatterlist *s;
	struct sg_table sgt;
	unsigned int i;

	fake_fabric_init(test);
	sw = fake_node(test, NULL, "sw", IOMEM_DMA_NODE_ROUTES_PEER);
	fp = fake_prov_create(test, "busp", POOL, sw);
	fc = fake_client_create(test, "busc", sw);

	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sgt(fc->client, fp->prov, &sgt,
						  2 * PAGE_SIZE, GFP_KERNEL), 0);
	KUNIT_ASSERT_EQ(test, iomem_dma_map_sgtable(fc->client, &sgt,
						    DMA_BIDIRECTIONAL, 0), 0);
	KUNIT_EXPECT_EQ(test, sgt.nents, sgt.orig_nents);
	for_each_sgtable_dma_sg(&sgt, s, i) {
		KUNIT_EXPECT_EQ(test, sg_dma_address(s),
				(dma_addr_t)(fake_entry_phys(s) + FAKE_BUS_OFFSET));
		KUNIT_EXPECT_EQ(test, sg_dma_len(s), s->length);
		KUNIT_EXPECT_NE(test, sg_dma_len(s), 0U);
		KUNIT_EXPECT_TRUE(test, sg_dma_is_bus_address(s));
	}
	KUNIT_EXPECT_GE(test, atomic_read(&fp->bus_calls), 1);
	/* Mapped memory cannot be freed. */
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sgt(fc->client, &sgt), -EBUSY);

	iomem_dma_unmap_sgtable(fc->client, &sgt, DMA_BIDIRECTIONAL, 0);
	for_each_sgtable_sg(&sgt, s, i) {
		KUNIT_EXPECT_FALSE(test, sg_dma_is_bus_address(s));
		KUNIT_EXPECT_EQ(test, sg_dma_len(s), 0U);
	}
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sgt(fc->client, &sgt), 0);
}

static void map_denied_with_reason(struct kunit *test)
{
	struct iomem_dma_node *a, *b;
	struct iomem_dma_verdict v;
	struct fake_prov *fp;
	struct fake_client *fc;
	struct sg_table sgt;

	fake_fabric_init(test);
	a = fake_node(test, NULL, "islandA", IOMEM_DMA_NODE_ROUTES_PEER);
	b = fake_node(test, NULL, "islandB", IOMEM_DMA_NODE_ROUTES_PEER);
	fp = fake_prov_create(test, "denyp", POOL, a);
	fc = fake_client_create(test, "denyc", b);

	KUNIT_EXPECT_EQ(test, iomem_dma_last_refusal(fc->client, &v), -ENOENT);
	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sgt(fc->client, fp->prov, &sgt,
						  PAGE_SIZE, GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, iomem_dma_map_sgtable(fc->client, &sgt,
						    DMA_TO_DEVICE, 0),
			-EREMOTEIO);
	KUNIT_EXPECT_EQ(test, sg_dma_len(sgt.sgl), 0U);
	KUNIT_EXPECT_EQ(test, atomic_read(&fp->bus_calls), 0);
	KUNIT_ASSERT_EQ(test, iomem_dma_last_refusal(fc->client, &v), 0);
	KUNIT_EXPECT_EQ(test, v.path, IOMEM_DMA_PATH_DENIED);
	KUNIT_EXPECT_EQ(test, v.reason, IOMEM_DMA_REASON_NO_COMMON_NODE);
	KUNIT_EXPECT_EQ(test, v.distance, -1);
	/* Nothing stayed mapped: the memory can be freed. */
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sgt(fc->client, &sgt), 0);
}

static void map_unwinds_on_refusal(struct kunit *test)
{
	struct iomem_dma_node *sw, *island;
	struct fake_prov *near, *far;
	struct fake_client *fc;
	struct scatterlist sg[2];
	struct sg_table sgt = { .sgl = sg, .orig_nents = 2, .nents = 2 };

	fake_fabric_init(test);
	sw = fake_node(test, NULL, "sw", IOMEM_DMA_NODE_ROUTES_PEER);
	island = fake_node(test, NULL, "island", IOMEM_DMA_NODE_ROUTES_PEER);
	near = fake_prov_create(test, "nearp", POOL, sw);
	far = fake_prov_create(test, "farp", POOL, island);
	fc = fake_client_create(test, "unwc", sw);

	sg_init_table(sg, 2);
	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sg(fc->client, near->prov, &sg[0],
						 PAGE_SIZE, 0), 0);
	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sg(fc->client, far->prov, &sg[1],
						 PAGE_SIZE, 0), 0);
	KUNIT_EXPECT_EQ(test, iomem_dma_map_sgtable(fc->client, &sgt,
						    DMA_FROM_DEVICE, 0),
			-EREMOTEIO);
	/* The first entry was mapped, then undone. */
	KUNIT_EXPECT_EQ(test, atomic_read(&near->bus_calls), 1);
	KUNIT_EXPECT_EQ(test, sg_dma_len(&sg[0]), 0U);
	KUNIT_EXPECT_FALSE(test, sg_dma_is_bus_address(&sg[0]));
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sg(fc->client, &sg[0]), 0);
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sg(fc->client, &sg[1]), 0);
}

static void map_backend_error_propagates(struct kunit *test)
{
	struct iomem_dma_node *sw;
	struct fake_prov *fp;
	struct fake_client *fc;
	struct sg_table sgt;

	fake_fabric_init(test);
	sw = fake_node(test, NULL, "sw", IOMEM_DMA_NODE_ROUTES_PEER);
	fp = fake_prov_create(test, "errp", POOL, sw);
	fc = fake_client_create(test, "errc", sw);
	fp->fail_client = fc->dev;

	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sgt(fc->client, fp->prov, &sgt,
						  PAGE_SIZE, GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, iomem_dma_map_sgtable(fc->client, &sgt,
						    DMA_TO_DEVICE, 0), -ERANGE);
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sgt(fc->client, &sgt), 0);
}

static void map_same_device_needs_no_fabric(struct kunit *test)
{
	struct fake_prov *fp = fake_prov_create(test, "selfp", POOL, NULL);
	struct iomem_dma_client *self;
	struct sg_table sgt;

	fp->dev->dma_mask = &fp->dev->coherent_dma_mask;
	self = iomem_dma_client_register(fp->dev, &fake_client_ops, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, self);
	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sgt(self, fp->prov, &sgt,
						  PAGE_SIZE, GFP_KERNEL), 0);
	KUNIT_ASSERT_EQ(test, iomem_dma_map_sgtable(self, &sgt,
						    DMA_TO_DEVICE, 0), 0);
	KUNIT_EXPECT_TRUE(test, sg_dma_is_bus_address(sgt.sgl));
	KUNIT_EXPECT_EQ(test, sg_dma_address(sgt.sgl),
			(dma_addr_t)(fake_entry_phys(sgt.sgl) + FAKE_BUS_OFFSET));
	iomem_dma_unmap_sgtable(self, &sgt, DMA_TO_DEVICE, 0);
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sgt(self, &sgt), 0);
}

static void map_rejects_bad_input(struct kunit *test)
{
	struct fake_prov *fp = fake_prov_create(test, "badmap", POOL, NULL);
	struct fake_client *fc = fake_client_create(test, "badmapc", NULL);
	struct fake_client *ended = fake_client_ended(test, "nomapc",
						      fp->prov);
	struct sg_table sgt, empty = { };
	struct scatterlist stale;

	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sgt(fc->client, fp->prov, &sgt,
						  PAGE_SIZE, GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, iomem_dma_map_sgtable(NULL, &sgt, DMA_TO_DEVICE,
						    0), -EINVAL);
	KUNIT_EXPECT_EQ(test, iomem_dma_map_sgtable(fc->client, NULL,
						    DMA_TO_DEVICE, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, iomem_dma_map_sgtable(fc->client, &empty,
						    DMA_TO_DEVICE, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, iomem_dma_map_sgtable(fc->client, &sgt, DMA_NONE,
						    0), -EINVAL);
	/* A client whose registration has ended. */
	KUNIT_EXPECT_EQ(test, iomem_dma_map_sgtable(ended->client, &sgt,
						    DMA_TO_DEVICE, 0), -ENODEV);
	KUNIT_EXPECT_EQ(test, sg_dma_len(sgt.sgl), 0U);

	/* An entry whose allocation is gone. */
	stale = *sgt.sgl;
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sgt(fc->client, &sgt), 0);
	sg_mark_end(&stale);
	sgt.sgl = &stale;
	sgt.orig_nents = 1;
	sgt.nents = 1;
	KUNIT_EXPECT_EQ(test, iomem_dma_map_sgtable(fc->client, &sgt,
						    DMA_TO_DEVICE, 0), -EINVAL);
}

static void map_host_path_uses_dma_api(struct kunit *test)
{
	struct iomem_dma_node *host, *rp1, *rp2;
	struct fake_prov *fp;
	struct fake_client *fc;
	struct iomem_dma_verdict v;
	struct sg_table sgt;

	if (!IS_ENABLED(CONFIG_HAS_DMA))
		kunit_skip(test, "no DMA API on this architecture");
	fake_fabric_init(test);
	host = fake_node(test, NULL, "host",
			 IOMEM_DMA_NODE_HOST | IOMEM_DMA_NODE_ROUTES_PEER);
	rp1 = fake_node(test, host, "rp1", IOMEM_DMA_NODE_ROUTES_PEER);
	rp2 = fake_node(test, host, "rp2", IOMEM_DMA_NODE_ROUTES_PEER);
	fp = fake_prov_create(test, "hostp", POOL, rp1);
	fc = fake_client_create(test, "hostc", rp2);

	KUNIT_ASSERT_EQ(test, iomem_dma_check(fp->prov, fc->dev, &v), 0);
	KUNIT_EXPECT_EQ(test, v.path, IOMEM_DMA_PATH_HOST);
	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sgt(fc->client, fp->prov, &sgt,
						  PAGE_SIZE, GFP_KERNEL), 0);
	KUNIT_ASSERT_EQ(test, iomem_dma_map_sgtable(fc->client, &sgt,
						    DMA_TO_DEVICE, 0), 0);
	KUNIT_EXPECT_FALSE(test, sg_dma_is_bus_address(sgt.sgl));
	KUNIT_EXPECT_EQ(test, sg_dma_len(sgt.sgl), sgt.sgl->length);
	/* No IOMMU on the test device: the DMA API gives the CPU address. */
	KUNIT_EXPECT_EQ(test, sg_dma_address(sgt.sgl),
			phys_to_dma(fc->dev, fake_entry_phys(sgt.sgl)));
	KUNIT_EXPECT_EQ(test, atomic_read(&fp->bus_calls), 0);
	iomem_dma_unmap_sgtable(fc->client, &sgt, DMA_TO_DEVICE, 0);
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sgt(fc->client, &sgt), 0);
}

static void map_mixed_ram_and_iomem(struct kunit *test)
{
	struct iomem_dma_node *sw;
	struct fake_prov *fp;
	struct fake_client *fc;
	struct scatterlist sg[3];
	struct sg_table sgt = { .sgl = sg, .orig_nents = 3, .nents = 3 };
	void *ram;

	if (!IS_ENABLED(CONFIG_HAS_DMA))
		kunit_skip(test, "no DMA API on this architecture");
	ram = kunit_kzalloc(test, 2 * PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ram);
	fake_fabric_init(test);
	sw = fake_node(test, NULL, "sw", IOMEM_DMA_NODE_ROUTES_PEER);
	fp = fake_prov_create(test, "mixp", POOL, sw);
	fc = fake_client_create(test, "mixc", sw);

	sg_init_table(sg, 3);
	sg_set_buf(&sg[0], ram, 256);
	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sg(fc->client, fp->prov, &sg[1],
						 PAGE_SIZE, 0), 0);
	sg_set_buf(&sg[2], ram + PAGE_SIZE, 512);

	KUNIT_ASSERT_EQ(test, iomem_dma_map_sgtable(fc->client, &sgt,
						    DMA_BIDIRECTIONAL, 0), 0);
	KUNIT_EXPECT_FALSE(test, sg_dma_is_bus_address(&sg[0]));
	KUNIT_EXPECT_EQ(test, sg_dma_len(&sg[0]), 256U);
	KUNIT_EXPECT_EQ(test, sg_dma_address(&sg[0]),
			phys_to_dma(fc->dev, virt_to_phys(ram)));
	KUNIT_EXPECT_TRUE(test, sg_dma_is_bus_address(&sg[1]));
	KUNIT_EXPECT_EQ(test, sg_dma_address(&sg[1]),
			(dma_addr_t)(fake_entry_phys(&sg[1]) + FAKE_BUS_OFFSET));
	KUNIT_EXPECT_EQ(test, sg_dma_len(&sg[2]), 512U);
	iomem_dma_unmap_sgtable(fc->client, &sgt, DMA_BIDIRECTIONAL, 0);
	KUNIT_EXPECT_EQ(test, sg_dma_len(&sg[0]), 0U);
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sg(fc->client, &sg[1]), 0);
}

/*
 * The streaming lifecycle of a mixed table: map once, sync for the device
 * and for the CPU as often as the transfers need, unmap. The syncs go to
 * the DMA API for the RAM entries only (DMA_API_DEBUG checks each against
 * its mapping and reports a sync of something not mapped), leave every
 * address, length and flag as the map set them, and do nothing to the
 * bytes of the I/O memory. After the unmap a sync does nothing at all.
 */
static void map_sync_mixed_table(struct kunit *test)
{
	struct iomem_dma_node *sw;
	struct fake_prov *fp;
	struct fake_client *fc;
	struct scatterlist sg[3];
	struct sg_table sgt = { .sgl = sg, .orig_nents = 3, .nents = 3 };
	dma_addr_t addr[3];
	u8 pattern[64], back[64];
	unsigned int i, round;
	u8 *ram;

	if (!IS_ENABLED(CONFIG_HAS_DMA))
		kunit_skip(test, "no DMA API on this architecture");
	ram = kunit_kzalloc(test, 2 * PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ram);
	fake_fabric_init(test);
	sw = fake_node(test, NULL, "sw", IOMEM_DMA_NODE_ROUTES_PEER);
	fp = fake_prov_create(test, "syncp", POOL, sw);
	fc = fake_client_create(test, "syncc", sw);

	sg_init_table(sg, 3);
	sg_set_buf(&sg[0], ram, 256);
	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sg(fc->client, fp->prov, &sg[1],
						 PAGE_SIZE, 0), 0);
	sg_set_buf(&sg[2], ram + PAGE_SIZE, 512);
	for (i = 0; i < sizeof(pattern); i++)
		pattern[i] = i * 3 + 1;
	KUNIT_ASSERT_EQ(test, iomem_dma_sg_copy_to(&sg[1], 0, pattern,
						   sizeof(pattern)), 0);

	KUNIT_ASSERT_EQ(test, iomem_dma_map_sgtable(fc->client, &sgt,
						    DMA_BIDIRECTIONAL, 0), 0);
	for (i = 0; i < 3; i++)
		addr[i] = sg_dma_address(&sg[i]);
	for (round = 0; round < 4; round++) {
		iomem_dma_sync_sgtable_for_cpu(fc->client, &sgt,
					       DMA_BIDIRECTIONAL);
		memset(ram, round, 256);
		iomem_dma_sync_sgtable_for_device(fc->client, &sgt,
						  DMA_BIDIRECTIONAL);
	}
	iomem_dma_sync_sgtable_for_cpu(fc->client, &sgt, DMA_BIDIRECTIONAL);
	KUNIT_EXPECT_EQ(test, ram[255], 3);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, sg_dma_address(&sg[i]), addr[i]);
	KUNIT_EXPECT_EQ(test, sg_dma_len(&sg[0]), 256U);
	KUNIT_EXPECT_EQ(test, sg_dma_len(&sg[1]), (unsigned int)PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, sg_dma_len(&sg[2]), 512U);
	KUNIT_EXPECT_FALSE(test, sg_dma_is_bus_address(&sg[0]));
	KUNIT_EXPECT_TRUE(test, sg_dma_is_bus_address(&sg[1]));
	KUNIT_EXPECT_TRUE(test, iomem_dma_sg_is_iomem(&sg[1]));
	KUNIT_ASSERT_EQ(test, iomem_dma_sg_copy_from(&sg[1], 0, back,
						     sizeof(back)), 0);
	KUNIT_EXPECT_MEMEQ(test, back, pattern, sizeof(pattern));
	/* Still mapped: the syncs did not drop the pin. */
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sg(fc->client, &sg[1]), -EBUSY);

	iomem_dma_unmap_sgtable(fc->client, &sgt, DMA_BIDIRECTIONAL, 0);
	/* Nothing is mapped: DMA_API_DEBUG would report a sync reaching it. */
	iomem_dma_sync_sgtable_for_cpu(fc->client, &sgt, DMA_BIDIRECTIONAL);
	iomem_dma_sync_sgtable_for_device(fc->client, &sgt, DMA_BIDIRECTIONAL);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, sg_dma_len(&sg[i]), 0U);
	/* Bad arguments are ignored, as the DMA API's syncs have no errors. */
	iomem_dma_sync_sgtable_for_cpu(NULL, &sgt, DMA_BIDIRECTIONAL);
	iomem_dma_sync_sgtable_for_device(fc->client, NULL, DMA_TO_DEVICE);
	iomem_dma_sync_sgtable_for_device(fc->client, &sgt, DMA_NONE);
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sg(fc->client, &sg[1]), 0);
}

static struct kunit_case iomem_dma_map_cases[] = {
	KUNIT_CASE(map_bus_address_from_backend),
	KUNIT_CASE(map_denied_with_reason),
	KUNIT_CASE(map_unwinds_on_refusal),
	KUNIT_CASE(map_backend_error_propagates),
	KUNIT_CASE(map_same_device_needs_no_fabric),
	KUNIT_CASE(map_rejects_bad_input),
	KUNIT_CASE(map_host_path_uses_dma_api),
	KUNIT_CASE(map_mixed_ram_and_iomem),
	KUNIT_CASE(map_sync_mixed_table),
	{}
};

static struct kunit_suite iomem_dma_map_suite = {
	.name = "iomem_dma_map",
	.test_cases = iomem_dma_map_cases,
};

kunit_test_suite(iomem_dma_map_suite);

MODULE_DESCRIPTION("KUnit tests for iomem_dma mapping");
MODULE_LICENSE("GPL");
