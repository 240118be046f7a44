// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for iomem_dma allocation: sizes, alignment, exhaustion,
 * fragmentation, bad input and per-client accounting.
 */

#include <kunit/test.h>
#include <linux/kthread.h>
#include <linux/iomem_dma_provider.h>
#include <linux/sizes.h>

#define FAKE_WINDOW 1
#include "iomem_dma_test.h"

#define POOL (256 * 1024)

static const size_t alloc_sizes[] = { 1, 4096, 4097, 65536, POOL };

static void alloc_size_desc(const size_t *sz, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%zu bytes", *sz);
}

KUNIT_ARRAY_PARAM(alloc_size, alloc_sizes, alloc_size_desc);

static void alloc_sizes_round_to_granule(struct kunit *test)
{
	const size_t *size = test->param_value;
	size_t rounded = ALIGN(*size, PAGE_SIZE);
	struct fake_prov *fp = fake_prov_create(test, "sizes", POOL, NULL);
	struct fake_client *fc = fake_client_create(test, "sizec", NULL);
	struct scatterlist sg;

	sg_init_table(&sg, 1);
	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sg(fc->client, fp->prov, &sg, *size,
						 0), 0);
	KUNIT_EXPECT_TRUE(test, iomem_dma_sg_is_iomem(&sg));
	KUNIT_EXPECT_EQ(test, sg.length, (unsigned int)rounded);
	KUNIT_EXPECT_EQ(test, iomem_dma_provider_avail(fp->prov),
			(size_t)POOL - rounded);
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sg(fc->client, &sg), 0);
	KUNIT_EXPECT_EQ(test, iomem_dma_provider_avail(fp->prov), (size_t)POOL);
}

static const size_t alloc_aligns[] = { 4096, 16384, 65536, 131072 };
KUNIT_ARRAY_PARAM(alloc_align, alloc_aligns, alloc_size_desc);

static void alloc_alignment_of_phys(struct kunit *test)
{
	const size_t *align = test->param_value;
	struct fake_prov *fp = fake_prov_create(test, "align", POOL, NULL);
	struct fake_client *fc = fake_client_create(test, "alignc", NULL);
	struct scatterlist sg[2];
	struct iomem_dma_chunk *chunk;
	phys_addr_t phys;

	sg_init_table(sg, 2);
	/* Disturb the start of the pool first. */
	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sg(fc->client, fp->prov, &sg[0],
						 PAGE_SIZE, 0), 0);
	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sg(fc->client, fp->prov, &sg[1],
						 PAGE_SIZE, *align), 0);
	iomem_dma_chunk_lock(&sg[1]);
	chunk = iomem_dma_chunk_lookup(&sg[1]);
	phys = chunk ? chunk->phys : 1;
	iomem_dma_chunk_unlock(&sg[1]);
	KUNIT_EXPECT_TRUE(test, IS_ALIGNED((u64)phys, *align));
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sg(fc->client, &sg[0]), 0);
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sg(fc->client, &sg[1]), 0);
}

static void alloc_rejects_bad_input(struct kunit *test)
{
	struct fake_prov *fp = fake_prov_create(test, "badin", POOL, NULL);
	struct fake_client *fc = fake_client_create(test, "badinc", NULL);
	struct fake_prov *other = fake_prov_create(test, "badin2", POOL, NULL);
	struct fake_client *ended = fake_client_ended(test, "stranger",
						      other->prov);
	struct scatterlist sg;

	sg_init_table(&sg, 1);
	KUNIT_EXPECT_EQ(test, iomem_dma_alloc_sg(fc->client, fp->prov, &sg, 0, 0),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, iomem_dma_alloc_sg(fc->client, fp->prov, &sg,
						 POOL + 1, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, iomem_dma_alloc_sg(fc->client, fp->prov, &sg,
						 PAGE_SIZE, 3 * PAGE_SIZE),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, iomem_dma_alloc_sg(fc->client, fp->prov, &sg,
						 PAGE_SIZE, 2 * POOL), -EINVAL);
	KUNIT_EXPECT_EQ(test, iomem_dma_alloc_sg(NULL, fp->prov, &sg,
						 PAGE_SIZE, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, iomem_dma_alloc_sg(fc->client, NULL, &sg,
						 PAGE_SIZE, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, iomem_dma_alloc_sg(fc->client, fp->prov, NULL,
						 PAGE_SIZE, 0), -EINVAL);
	/* A client whose registration has ended. */
	KUNIT_EXPECT_EQ(test, iomem_dma_alloc_sg(ended->client, fp->prov, &sg,
						 PAGE_SIZE, 0), -ENODEV);
	KUNIT_EXPECT_EQ(test, iomem_dma_alloc_sgt(fc->client, fp->prov, NULL,
						  PAGE_SIZE, GFP_KERNEL), -EINVAL);
	/* Nothing was allocated, nothing was accounted. */
	KUNIT_EXPECT_FALSE(test, iomem_dma_sg_is_iomem(&sg));
	KUNIT_EXPECT_EQ(test, iomem_dma_provider_avail(fp->prov), (size_t)POOL);
	KUNIT_EXPECT_EQ(test, fp->prov->nr_chunks, 0UL);
	KUNIT_EXPECT_TRUE(test, list_empty(&fp->prov->holders));
}

static void alloc_exhaustion_and_reuse(struct kunit *test)
{
	const unsigned int n = POOL / PAGE_SIZE;
	struct fake_prov *fp = fake_prov_create(test, "exhaust", POOL, NULL);
	struct fake_client *fc = fake_client_create(test, "exhc", NULL);
	struct scatterlist *sg, extra;
	unsigned int i;

	sg = kunit_kcalloc(test, n, sizeof(*sg), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, sg);
	sg_init_table(sg, n);
	sg_init_table(&extra, 1);
	for (i = 0; i < n; i++)
		KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sg(fc->client, fp->prov,
							 &sg[i], PAGE_SIZE, 0),
				0);
	KUNIT_EXPECT_EQ(test, iomem_dma_provider_avail(fp->prov), 0);
	KUNIT_EXPECT_EQ(test, iomem_dma_alloc_sg(fc->client, fp->prov, &extra,
						 PAGE_SIZE, 0), -ENOMEM);
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sg(fc->client, &sg[n / 2]), 0);
	KUNIT_EXPECT_EQ(test, iomem_dma_alloc_sg(fc->client, fp->prov, &extra,
						 PAGE_SIZE, 0), 0);
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sg(fc->client, &extra), 0);
	for (i = 0; i < n; i++)
		if (i != n / 2)
			KUNIT_EXPECT_EQ(test,
					iomem_dma_free_sg(fc->client, &sg[i]), 0);
	KUNIT_EXPECT_EQ(test, iomem_dma_provider_avail(fp->prov), (size_t)POOL);
}

static void alloc_double_free_and_stale_copy(struct kunit *test)
{
	struct fake_prov *fp = fake_prov_create(test, "dfree", POOL, NULL);
	struct fake_client *fc = fake_client_create(test, "dfreec", NULL);
	struct scatterlist sg, copy;
	struct sg_table sgt;

	sg_init_table(&sg, 1);
	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sg(fc->client, fp->prov, &sg,
						 PAGE_SIZE, 0), 0);
	copy = sg;
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sg(fc->client, &sg), 0);
	/* The freed entry is no longer iomem; its copy is stale. */
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sg(fc->client, &sg), -EINVAL);
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sg(fc->client, &copy), -ENOENT);
	KUNIT_EXPECT_TRUE(test, !iomem_dma_sg_iomem(&copy));
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sg(NULL, &sg), -EINVAL);
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sg(fc->client, NULL), -EINVAL);

	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sgt(fc->client, fp->prov, &sgt,
						  2 * PAGE_SIZE, GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sgt(fc->client, &sgt), 0);
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sgt(fc->client, &sgt), -EINVAL);
	KUNIT_EXPECT_EQ(test, iomem_dma_provider_avail(fp->prov), (size_t)POOL);
}

static void alloc_free_by_other_client(struct kunit *test)
{
	struct fake_prov *fp = fake_prov_create(test, "other", POOL, NULL);
	struct fake_client *owner = fake_client_create(test, "owner", NULL);
	struct fake_client *thief = fake_client_create(test, "thief", NULL);
	struct sg_table sgt;

	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sgt(owner->client, fp->prov, &sgt,
						  PAGE_SIZE, GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sg(thief->client, sgt.sgl), -EPERM);
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sgt(thief->client, &sgt), -EPERM);
	KUNIT_EXPECT_TRUE(test, iomem_dma_sg_is_iomem(sgt.sgl));
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sgt(owner->client, &sgt), 0);
}

static void alloc_sgt_splits_when_fragmented(struct kunit *test)
{
	const unsigned int n = POOL / PAGE_SIZE;
	struct fake_prov *fp = fake_prov_create(test, "frag", POOL, NULL);
	struct fake_client *fc = fake_client_create(test, "fragc", NULL);
	struct scatterlist *sg, *s;
	struct sg_table sgt;
	size_t total = 0;
	unsigned int i;

	sg = kunit_kcalloc(test, n, sizeof(*sg), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, sg);
	sg_init_table(sg, n);
	for (i = 0; i < n; i++)
		KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sg(fc->client, fp->prov,
							 &sg[i], PAGE_SIZE, 0),
				0);
	/* Checkerboard: every other page free. */
	for (i = 0; i < n; i += 2)
		KUNIT_ASSERT_EQ(test, iomem_dma_free_sg(fc->client, &sg[i]), 0);

	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sgt(fc->client, fp->prov, &sgt,
						  4 * PAGE_SIZE, GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, sgt.orig_nents, 4U);
	for_each_sgtable_sg(&sgt, s, i) {
		KUNIT_EXPECT_TRUE(test, iomem_dma_sg_is_iomem(s));
		total += s->length;
	}
	KUNIT_EXPECT_EQ(test, total, (size_t)4 * PAGE_SIZE);

	/* More than is free in total fails and leaves nothing behind. */
	KUNIT_EXPECT_EQ(test, iomem_dma_alloc_sgt(fc->client, fp->prov, &sgt,
						  POOL / 2, GFP_KERNEL),
			-ENOMEM);
	KUNIT_EXPECT_EQ(test, iomem_dma_provider_avail(fp->prov),
			(size_t)POOL / 2 - 4 * PAGE_SIZE);

	KUNIT_EXPECT_EQ(test, iomem_dma_free_sgt(fc->client, &sgt), 0);
	for (i = 1; i < n; i += 2)
		KUNIT_EXPECT_EQ(test, iomem_dma_free_sg(fc->client, &sg[i]), 0);
	KUNIT_EXPECT_EQ(test, iomem_dma_provider_avail(fp->prov), (size_t)POOL);
}

static void alloc_accounting_per_client(struct kunit *test)
{
	struct fake_prov *fp = fake_prov_create(test, "acct", POOL, NULL);
	struct fake_client *a = fake_client_create(test, "accta", NULL);
	struct fake_client *b = fake_client_create(test, "acctb", NULL);
	struct sg_table ta, tb;
	struct iomem_dma_hold *hold;
	u64 bytes_a = 0, bytes_b = 0;
	unsigned int holds = 0;

	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sgt(a->client, fp->prov, &ta,
						  3 * PAGE_SIZE, GFP_KERNEL), 0);
	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sgt(b->client, fp->prov, &tb,
						  5 * PAGE_SIZE, GFP_KERNEL), 0);
	spin_lock(&fp->prov->lock);
	list_for_each_entry(hold, &fp->prov->holders, prov_node) {
		holds++;
		if (hold->client->dev == a->dev)
			bytes_a = hold->bytes;
		if (hold->client->dev == b->dev)
			bytes_b = hold->bytes;
	}
	spin_unlock(&fp->prov->lock);
	KUNIT_EXPECT_EQ(test, holds, 2U);
	KUNIT_EXPECT_EQ(test, bytes_a, (u64)3 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, bytes_b, (u64)5 * PAGE_SIZE);

	KUNIT_EXPECT_EQ(test, iomem_dma_free_sgt(a->client, &ta), 0);
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sgt(b->client, &tb), 0);
	/* What the magazines kept goes back, and with it the holds. */
	iomem_dma_provider_mags_drain(fp->prov);
	KUNIT_EXPECT_TRUE(test, list_empty(&fp->prov->holders));
	KUNIT_EXPECT_EQ(test, fp->prov->nr_chunks, 0UL);
}

static void alloc_from_several_ranges(struct kunit *test)
{
	struct fake_prov *fp = fake_prov_create_flags(test, "multi", POOL, NULL,
						      false);
	struct fake_client *fc = fake_client_create(test, "multic", NULL);
	struct iomem_dma_range ranges[2];
	struct iomem_dma_provider_desc desc = {
		.dev = fp->dev, .ranges = ranges, .nr_ranges = 2,
		.ops = &fake_prov_ops, .priv = fp,
	};
	struct iomem_dma_provider *prov;
	struct iomem_dma_chunk *chunk;
	struct scatterlist sg[4];
	void __iomem *cpu[4];
	phys_addr_t phys[4];
	unsigned int i, r;

	ranges[0] = fp->range;
	ranges[0].size = POOL / 2;
	ranges[1] = fp->range;
	ranges[1].phys += 2 * POOL;
	ranges[1].vaddr += POOL / 2;
	ranges[1].size = POOL / 2;
	prov = iomem_dma_provider_register(&desc);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, prov);
	KUNIT_EXPECT_EQ(test, iomem_dma_provider_size(prov), (size_t)POOL);

	/* Two allocations per range: each range's start and its middle. */
	sg_init_table(sg, 4);
	for (i = 0; i < 4; i++) {
		KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sg(fc->client, prov, &sg[i],
							 POOL / 4, 0), 0);
		iomem_dma_chunk_lock(&sg[i]);
		chunk = iomem_dma_chunk_lookup(&sg[i]);
		phys[i] = chunk ? chunk->phys : 0;
		iomem_dma_chunk_unlock(&sg[i]);
		cpu[i] = iomem_dma_sg_iomem(&sg[i]);
	}
	/* Each inside one range, with the CPU address at the same offset. */
	for (i = 0; i < 4; i++) {
		r = phys[i] >= ranges[1].phys ? 1 : 0;
		KUNIT_EXPECT_GE(test, phys[i], ranges[r].phys);
		KUNIT_EXPECT_LT(test, phys[i] - ranges[r].phys,
				(phys_addr_t)ranges[r].size);
		KUNIT_EXPECT_TRUE(test, cpu[i] == ranges[r].vaddr +
					(phys[i] - ranges[r].phys));
	}
	KUNIT_EXPECT_TRUE(test, phys[0] != phys[1] && phys[1] != phys[2] &&
			  phys[2] != phys[3] && phys[0] != phys[3]);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ(test, iomem_dma_free_sg(fc->client, &sg[i]), 0);
	KUNIT_EXPECT_EQ(test, iomem_dma_provider_unregister(prov), 0);
}

/*
 * A range whose last byte is the last address of the pool's address space
 * (a 32-bit SoC's OCM at 0xfffc0000-0xffffffff): registers and allocates.
 */
static void alloc_range_at_top_of_address_space(struct kunit *test)
{
	struct fake_prov *fp = fake_prov_create_flags(test, "top", POOL, NULL,
						      false);
	struct fake_client *fc = fake_client_create(test, "topc", NULL);
	struct iomem_dma_range range = fp->range;
	struct iomem_dma_provider_desc desc = {
		.dev = fp->dev, .ranges = &range, .nr_ranges = 1,
		.ops = &fake_prov_ops, .priv = fp,
	};
	struct iomem_dma_provider *prov;
	struct iomem_dma_chunk *chunk;
	struct scatterlist sg;
	phys_addr_t phys;

	range.phys = (phys_addr_t)(ULONG_MAX - POOL + 1);
	prov = iomem_dma_provider_register(&desc);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, prov);
	KUNIT_EXPECT_EQ(test, iomem_dma_provider_size(prov), (size_t)POOL);

	sg_init_table(&sg, 1);
	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sg(fc->client, prov, &sg, POOL, 0),
			0);
	iomem_dma_chunk_lock(&sg);
	chunk = iomem_dma_chunk_lookup(&sg);
	phys = chunk ? chunk->phys : 0;
	iomem_dma_chunk_unlock(&sg);
	KUNIT_EXPECT_EQ(test, phys, range.phys);
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sg(fc->client, &sg), 0);
	KUNIT_EXPECT_EQ(test, iomem_dma_provider_unregister(prov), 0);

	/* One byte more does not fit. */
	range.phys -= 1;
	KUNIT_EXPECT_EQ(test, PTR_ERR(iomem_dma_provider_register(&desc)),
			-EINVAL);
}

/*
 * Where indexes have 16 bits (32-bit kernels) the index allocator wraps
 * within a test: across the wrap a long-lived allocation keeps its index
 * (the next allocation does not take it), and a stale copy of an early
 * entry names nothing, whatever index came round again.
 */
static void alloc_ids_wrap_without_alias(struct kunit *test)
{
	struct fake_prov *fp = fake_prov_create(test, "wrapp", POOL, NULL);
	struct fake_client *fc = fake_client_create(test, "wrapc", NULL);
	struct scatterlist live, sg, stale, again;
	unsigned int i, n = IOMEM_DMA_ID_MAX + 1000;

	if (IOMEM_DMA_ID_MAX > 0xffff)
		kunit_skip(test, "%u indexes: no wrap within a test",
			   IOMEM_DMA_ID_MAX);
	sg_init_table(&live, 1);
	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sg(fc->client, fp->prov, &live,
						 PAGE_SIZE, 0), 0);
	sg_init_table(&sg, 1);
	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sg(fc->client, fp->prov, &sg,
						 PAGE_SIZE, 0), 0);
	stale = sg;
	KUNIT_ASSERT_EQ(test, iomem_dma_free_sg(fc->client, &sg), 0);
	sg_init_table(&again, 1);
	for (i = 0; i < n; i++) {
		sg_init_table(&sg, 1);
		KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sg(fc->client, fp->prov, &sg,
							 PAGE_SIZE, 0), 0);
		KUNIT_ASSERT_NE(test, sg.offset, live.offset);
		if (sg.offset == stale.offset && !iomem_dma_sg_is_iomem(&again)) {
			/* The stale copy's index, handed out again: keep it. */
			again = sg;
			continue;
		}
		KUNIT_ASSERT_EQ(test, iomem_dma_free_sg(fc->client, &sg), 0);
		if (!(i % 4096))
			cond_resched();
	}
	KUNIT_ASSERT_TRUE(test, iomem_dma_sg_is_iomem(&again));
	/* Its index is live again: the stale copy still names nothing. */
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sg(fc->client, &stale), -ENOENT);
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sg(fc->client, &again), 0);
	KUNIT_EXPECT_TRUE(test, !!iomem_dma_sg_iomem(&live));
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sg(fc->client, &live), 0);
	KUNIT_EXPECT_EQ(test, iomem_dma_provider_avail(fp->prov), (size_t)POOL);
}

static struct kunit_case iomem_dma_alloc_cases[] = {
	KUNIT_CASE_PARAM(alloc_sizes_round_to_granule, alloc_size_gen_params),
	KUNIT_CASE_PARAM(alloc_alignment_of_phys, alloc_align_gen_params),
	KUNIT_CASE(alloc_rejects_bad_input),
	KUNIT_CASE_SLOW(alloc_ids_wrap_without_alias),
	KUNIT_CASE(alloc_exhaustion_and_reuse),
	KUNIT_CASE(alloc_double_free_and_stale_copy),
	KUNIT_CASE(alloc_free_by_other_client),
	KUNIT_CASE(alloc_sgt_splits_when_fragmented),
	KUNIT_CASE(alloc_accounting_per_client),
	KUNIT_CASE(alloc_from_several_ranges),
	KUNIT_CASE(alloc_range_at_top_of_address_space),
	{}
};

static struct kunit_suite iomem_dma_alloc_suite = {
	.name = "iomem_dma_alloc",
	.test_cases = iomem_dma_alloc_cases,
};

/* ---- magazines (on in every case, whatever the boot said) ---- */

/* Allocations @prov's holds keep in magazines, under its lock. */
static unsigned long mag_kept(struct iomem_dma_provider *prov)
{
	struct iomem_dma_hold *hold;
	unsigned long n = 0;

	spin_lock(&prov->lock);
	list_for_each_entry(hold, &prov->holders, prov_node)
		n += READ_ONCE(hold->cached);
	spin_unlock(&prov->lock);
	return n;
}

/*
 * A kept allocation comes back to its client with the same block and a
 * new id: a copy of the entry it was freed through names nothing, before
 * and after the reuse, for free and map alike.
 */
static void mag_reuse_kills_stale_copy(struct kunit *test)
{
	struct fake_prov *fp = fake_prov_create(test, "magp", SZ_64K, NULL);
	struct fake_client *fc = fake_client_create(test, "magc", NULL);
	struct scatterlist sg, stale, stale_tbl[1];
	struct sg_table st = { .sgl = stale_tbl, .nents = 1, .orig_nents = 1 };
	phys_addr_t phys;

	sg_init_table(&sg, 1);
	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sg(fc->client, fp->prov, &sg,
						 SZ_4K, 0), 0);
	phys = fake_entry_phys(&sg);
	stale = sg;
	KUNIT_ASSERT_EQ(test, iomem_dma_free_sg(fc->client, &sg), 0);
	KUNIT_EXPECT_EQ(test, mag_kept(fp->prov), 1UL);
	/* Kept memory is free memory. */
	KUNIT_EXPECT_EQ(test, iomem_dma_provider_avail(fp->prov), (size_t)SZ_64K);
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sg(fc->client, &stale), -ENOENT);

	sg_init_table(&sg, 1);
	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sg(fc->client, fp->prov, &sg,
						 SZ_4K, 0), 0);
	KUNIT_EXPECT_EQ(test, mag_kept(fp->prov), 0UL);
	KUNIT_EXPECT_EQ(test, fake_entry_phys(&sg), phys);
	KUNIT_EXPECT_EQ(test, sg.offset, stale.offset);
	KUNIT_EXPECT_NE(test, iomem_dma_sg_epoch(&sg), iomem_dma_sg_epoch(&stale));
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sg(fc->client, &stale), -ENOENT);
	stale_tbl[0] = stale;
	sg_mark_end(&stale_tbl[0]);
	KUNIT_EXPECT_LT(test, iomem_dma_map_sgtable(fc->client, &st,
						    DMA_TO_DEVICE, 0), 0);
	/* The live entry is untouched by all of it. */
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sg(fc->client, &sg), 0);
}

/*
 * Every reuse names a new (index, epoch) pair, and an allocation goes
 * back to the pool before its epochs would run into the next handout's.
 */
static void mag_reuses_never_alias(struct kunit *test)
{
	struct fake_prov *fp = fake_prov_create(test, "magap", SZ_64K, NULL);
	struct fake_client *fc = fake_client_create(test, "magac", NULL);
	unsigned int i, j, n = 3 * IOMEM_DMA_EPOCH_REUSE;
	u64 *pairs = kunit_kcalloc(test, n, sizeof(*pairs), GFP_KERNEL);
	bool moved = false;
	struct scatterlist sg;

	KUNIT_ASSERT_NOT_NULL(test, pairs);
	for (i = 0; i < n; i++) {
		sg_init_table(&sg, 1);
		KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sg(fc->client, fp->prov,
							 &sg, SZ_4K, 0), 0);
		pairs[i] = (u64)sg.offset << 32 | iomem_dma_sg_epoch(&sg);
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_NE(test, pairs[i], pairs[j]);
		if (i && pairs[i] >> 32 != pairs[i - 1] >> 32)
			moved = true;
		KUNIT_ASSERT_EQ(test, iomem_dma_free_sg(fc->client, &sg), 0);
	}
	KUNIT_EXPECT_TRUE(test, moved);
}

/*
 * Memory one client keeps is not lost to the others: an allocation that
 * finds the pool short takes it back, and fails only when nothing fits.
 */
static void mag_kept_memory_serves_others(struct kunit *test)
{
	struct fake_prov *fp = fake_prov_create(test, "magsp", 4 * SZ_4K, NULL);
	struct fake_client *a = fake_client_create(test, "magsa", NULL);
	struct fake_client *b = fake_client_create(test, "magsb", NULL);
	struct scatterlist sa[4], sb[4], one;
	unsigned int i;

	sg_init_table(sa, 4);
	sg_init_table(sb, 4);
	for (i = 0; i < 4; i++)
		KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sg(a->client, fp->prov,
							 &sa[i], SZ_4K, 0), 0);
	for (i = 0; i < 4; i++)
		KUNIT_ASSERT_EQ(test, iomem_dma_free_sg(a->client, &sa[i]), 0);
	KUNIT_EXPECT_EQ(test, mag_kept(fp->prov), 4UL);
	/* One 16 KiB block: only a drain of a's magazine makes it. */
	sg_init_table(&one, 1);
	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sg(b->client, fp->prov, &one,
						 4 * SZ_4K, 0), 0);
	KUNIT_EXPECT_EQ(test, mag_kept(fp->prov), 0UL);
	KUNIT_EXPECT_EQ(test, iomem_dma_provider_avail(fp->prov), (size_t)0);
	sg_init_table(sb, 4);
	KUNIT_EXPECT_EQ(test, iomem_dma_alloc_sg(a->client, fp->prov, &sb[0],
						 SZ_4K, 0), -ENOMEM);
	/* b keeps its block; a foreign free of a kept one is refused. */
	KUNIT_ASSERT_EQ(test, iomem_dma_free_sg(b->client, &one), 0);
	KUNIT_EXPECT_EQ(test, mag_kept(fp->prov), 1UL);
	for (i = 0; i < 4; i++)
		KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sg(a->client, fp->prov,
							 &sb[i], SZ_4K, 0), 0);
	KUNIT_EXPECT_EQ(test, mag_kept(fp->prov), 0UL);
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sg(b->client, &sb[0]), -EPERM);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ(test, iomem_dma_free_sg(a->client, &sb[i]), 0);
}

/*
 * What clients keep goes back, without a revoke callback, when the
 * provider is unregistered or the client's registration ends, and with
 * it every reference it held.
 */
static void mag_drained_by_unregister(struct kunit *test)
{
	struct fake_prov *fp = fake_prov_create(test, "magup", SZ_64K, NULL);
	struct fake_prov *fq = fake_prov_create(test, "maguq", SZ_64K, NULL);
	struct fake_client *fc = fake_client_create(test, "maguc", NULL);
	unsigned int prov_refs = kref_read(&fp->prov->ref);
	unsigned int client_refs = kref_read(&fc->client->ref);
	struct scatterlist sg;

	sg_init_table(&sg, 1);
	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sg(fc->client, fp->prov, &sg,
						 SZ_4K, 0), 0);
	KUNIT_ASSERT_EQ(test, iomem_dma_free_sg(fc->client, &sg), 0);
	sg_init_table(&sg, 1);
	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sg(fc->client, fq->prov, &sg,
						 SZ_8K, 0), 0);
	KUNIT_ASSERT_EQ(test, iomem_dma_free_sg(fc->client, &sg), 0);
	KUNIT_EXPECT_EQ(test, mag_kept(fp->prov), 1UL);
	KUNIT_EXPECT_EQ(test, kref_read(&fp->prov->ref), prov_refs + 1);

	kref_get(&fp->prov->ref);
	KUNIT_ASSERT_EQ(test, iomem_dma_provider_unregister(fp->prov), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&fc->revokes), 0);
	KUNIT_EXPECT_EQ(test, fp->prov->nr_chunks, 0UL);
	KUNIT_EXPECT_TRUE(test, list_empty(&fp->prov->holders));
	KUNIT_EXPECT_EQ(test, kref_read(&fp->prov->ref), 1U);
	kref_put(&fp->prov->ref, iomem_dma_provider_release);
	fp->prov = NULL;
	/* The other provider's kept block still holds the client. */
	KUNIT_EXPECT_EQ(test, mag_kept(fq->prov), 1UL);
	KUNIT_EXPECT_EQ(test, kref_read(&fc->client->ref), client_refs + 1);

	KUNIT_ASSERT_EQ(test, iomem_dma_client_unregister(fc->client), 0);
	KUNIT_EXPECT_EQ(test, mag_kept(fq->prov), 0UL);
	KUNIT_EXPECT_EQ(test, fq->prov->nr_chunks, 0UL);
	KUNIT_EXPECT_EQ(test, iomem_dma_provider_avail(fq->prov), (size_t)SZ_64K);
}

/*
 * Two clients reuse what they keep while a third keeps asking for the
 * whole provider, which only a drain of both magazines can give: every
 * allocation succeeds or finds the pool short (nothing else), every
 * stale copy is refused, and at the end nothing is lost.
 */
struct mag_race {
	struct iomem_dma_provider *prov;
	struct iomem_dma_client *client;
	unsigned int ops, size;
	atomic_t *bad;
	struct completion done;
};

static int mag_race_fn(void *data)
{
	struct mag_race *r = data;
	struct scatterlist sg, stale;
	unsigned int i;
	int ret;

	for (i = 0; i < r->ops; i++) {
		sg_init_table(&sg, 1);
		ret = iomem_dma_alloc_sg(r->client, r->prov, &sg, r->size, 0);
		if (ret == -ENOMEM)
			continue;
		if (ret) {
			atomic_inc(r->bad);
			break;
		}
		stale = sg;
		if (iomem_dma_free_sg(r->client, &sg) ||
		    iomem_dma_free_sg(r->client, &stale) != -ENOENT)
			atomic_inc(r->bad);
		if (!(i % 64))
			cond_resched();
	}
	complete(&r->done);
	return 0;
}

static void mag_race_drains(struct kunit *test)
{
	struct fake_prov *fp = fake_prov_create(test, "magrp", 8 * SZ_4K, NULL);
	struct mag_race r[3] = { };
	atomic_t bad = ATOMIC_INIT(0);
	struct task_struct *t;
	char name[16];
	unsigned int i;

	for (i = 0; i < 3; i++) {
		snprintf(name, sizeof(name), "magr%u", i);
		r[i].client = fake_client_create(test, name, NULL)->client;
		r[i].prov = fp->prov;
		r[i].ops = 4000;
		r[i].size = i < 2 ? SZ_4K : 8 * SZ_4K;
		r[i].bad = &bad;
		init_completion(&r[i].done);
	}
	for (i = 0; i < 3; i++) {
		t = kthread_run(mag_race_fn, &r[i], "magrace%u", i);
		KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	}
	for (i = 0; i < 3; i++)
		wait_for_completion(&r[i].done);
	KUNIT_EXPECT_EQ(test, atomic_read(&bad), 0);
	KUNIT_EXPECT_EQ(test, iomem_dma_provider_avail(fp->prov),
			(size_t)(8 * SZ_4K));
	iomem_dma_provider_mags_drain(fp->prov);
	KUNIT_EXPECT_EQ(test, fp->prov->nr_chunks, 0UL);
	KUNIT_EXPECT_TRUE(test, list_empty(&fp->prov->holders));
}

static struct kunit_case iomem_dma_mag_cases[] = {
	KUNIT_CASE(mag_reuse_kills_stale_copy),
	KUNIT_CASE(mag_reuses_never_alias),
	KUNIT_CASE(mag_kept_memory_serves_others),
	KUNIT_CASE(mag_drained_by_unregister),
	KUNIT_CASE_SLOW(mag_race_drains),
	{}
};

static struct kunit_suite iomem_dma_mag_suite = {
	.name = "iomem_dma_magazines",
	.init = magazines_on,
	.test_cases = iomem_dma_mag_cases,
};

kunit_test_suite(iomem_dma_alloc_suite);
kunit_test_suite(iomem_dma_mag_suite);

MODULE_DESCRIPTION("KUnit tests for iomem_dma allocation");
MODULE_LICENSE("GPL");
