// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for iomem_dma flagged scatterlists: the predicate, sg_page()
 * giving NULL, refused page/virtual address lookups, __iomem copies.
 */

#include <kunit/test.h>
#include <linux/iomem_dma_provider.h>
#include <linux/mm.h>
#include <linux/string.h>

#define FAKE_WINDOW 2
#include "iomem_dma_test.h"

#define POOL (64 * 1024)

static void sg_predicate(struct kunit *test)
{
	struct fake_prov *fp = fake_prov_create(test, "pred", POOL, NULL);
	struct fake_client *fc = fake_client_create(test, "predc", NULL);
	struct scatterlist sg[3];
	void *ram = kunit_kzalloc(test, 64, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, ram);
	sg_init_table(sg, 3);
	sg_set_buf(&sg[0], ram, 64);
	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sg(fc->client, fp->prov, &sg[1],
						 PAGE_SIZE, 0), 0);

	KUNIT_EXPECT_FALSE(test, iomem_dma_sg_is_iomem(&sg[0]));
	KUNIT_EXPECT_TRUE(test, iomem_dma_sg_is_iomem(&sg[1]));
	/* An entry with no page and no flag (e.g. a DMA-only table). */
	KUNIT_EXPECT_FALSE(test, iomem_dma_sg_is_iomem(&sg[2]));
	KUNIT_EXPECT_FALSE(test, iomem_dma_sg_is_iomem(NULL));
	/* The chain/end marks survive. */
	KUNIT_EXPECT_FALSE(test, sg_is_last(&sg[1]));
	KUNIT_EXPECT_TRUE(test, sg_is_last(&sg[2]));

	KUNIT_EXPECT_EQ(test, iomem_dma_free_sg(fc->client, &sg[1]), 0);
	KUNIT_EXPECT_FALSE(test, iomem_dma_sg_is_iomem(&sg[1]));
}

static void sg_last_entry_keeps_end_mark(struct kunit *test)
{
	struct fake_prov *fp = fake_prov_create(test, "endm", POOL, NULL);
	struct fake_client *fc = fake_client_create(test, "endmc", NULL);
	struct scatterlist sg[2], *s;
	unsigned int n = 0;
	int i;

	sg_init_table(sg, 2);
	for (i = 0; i < 2; i++)
		KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sg(fc->client, fp->prov,
							 &sg[i], PAGE_SIZE, 0),
				0);
	KUNIT_EXPECT_TRUE(test, sg_is_last(&sg[1]));
	for_each_sg(sg, s, 2, i)
		n += iomem_dma_sg_is_iomem(s);
	KUNIT_EXPECT_EQ(test, n, 2U);
	KUNIT_EXPECT_EQ(test, sg_nents(sg), 2);
	for (i = 0; i < 2; i++)
		KUNIT_EXPECT_EQ(test, iomem_dma_free_sg(fc->client, &sg[i]), 0);
}

static void sg_page_is_null(struct kunit *test)
{
	struct fake_prov *fp = fake_prov_create(test, "nopage", POOL, NULL);
	struct fake_client *fc = fake_client_create(test, "nopagec", NULL);
	struct sg_table sgt;
	struct scatterlist *s;
	unsigned int i;

	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sgt(fc->client, fp->prov, &sgt,
						  3 * PAGE_SIZE, GFP_KERNEL), 0);
	for_each_sgtable_sg(&sgt, s, i) {
		/* The kernel's own accessor gives no page at all. */
		KUNIT_EXPECT_NULL(test, sg_page(s));
		KUNIT_EXPECT_EQ(test, s->page_link & ~(SG_CHAIN | SG_END), 0UL);
	}
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sgt(fc->client, &sgt), 0);
}

static void sg_helpers_refuse_iomem(struct kunit *test)
{
	struct fake_prov *fp = fake_prov_create(test, "refuse", POOL, NULL);
	struct fake_client *fc = fake_client_create(test, "refusec", NULL);
	int misuse = atomic_read(&iomem_dma_misuse_reports);
	void *ram = kunit_kzalloc(test, 128, GFP_KERNEL);
	struct scatterlist sg[2];

	KUNIT_ASSERT_NOT_NULL(test, ram);
	sg_init_table(sg, 2);
	sg_set_buf(&sg[0], ram, 128);
	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sg(fc->client, fp->prov, &sg[1],
						 PAGE_SIZE, 0), 0);

	KUNIT_EXPECT_NULL(test, iomem_dma_sg_page(&sg[1]));
	KUNIT_EXPECT_EQ(test, misuse_since(misuse), 1);
	KUNIT_EXPECT_NULL(test, iomem_dma_sg_virt(&sg[1]));
	KUNIT_EXPECT_EQ(test, misuse_since(misuse), 2);

	/* RAM entries pass through, without a report. */
	KUNIT_EXPECT_PTR_EQ(test, iomem_dma_sg_page(&sg[0]), virt_to_page(ram));
	KUNIT_EXPECT_PTR_EQ(test, iomem_dma_sg_virt(&sg[0]), ram);
	KUNIT_EXPECT_TRUE(test, !iomem_dma_sg_iomem(&sg[0]));
	KUNIT_EXPECT_NULL(test, iomem_dma_sg_provider(&sg[0]));
	KUNIT_EXPECT_EQ(test, misuse_since(misuse), 2);

	KUNIT_EXPECT_PTR_EQ(test, iomem_dma_sg_provider(&sg[1]), fp->prov);
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sg(fc->client, &sg[1]), 0);
}

static void sg_copy_goes_through_iomem(struct kunit *test)
{
	struct fake_prov *fp = fake_prov_create(test, "copy", POOL, NULL);
	struct fake_client *fc = fake_client_create(test, "copyc", NULL);
	u8 *src = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	u8 *dst = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	struct scatterlist sg;
	void __iomem *io;
	unsigned int i;
	size_t off;

	KUNIT_ASSERT_NOT_NULL(test, src);
	KUNIT_ASSERT_NOT_NULL(test, dst);
	for (i = 0; i < PAGE_SIZE; i++)
		src[i] = (u8)(i * 7 + 3);
	sg_init_table(&sg, 1);
	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sg(fc->client, fp->prov, &sg,
						 PAGE_SIZE, 0), 0);

	KUNIT_ASSERT_EQ(test, iomem_dma_sg_copy_to(&sg, 16, src, 100), 0);
	KUNIT_ASSERT_EQ(test, iomem_dma_sg_copy_from(&sg, 16, dst, 100), 0);
	KUNIT_EXPECT_MEMEQ(test, src, dst, 100);

	/* The bytes landed where the provider's CPU mapping says. */
	io = iomem_dma_sg_iomem(&sg);
	KUNIT_ASSERT_TRUE(test, io);
	off = (size_t)((u8 __force *)io - (u8 __force *)fp->range.vaddr);
	KUNIT_ASSERT_LT(test, off, (size_t)POOL);
	KUNIT_EXPECT_MEMEQ(test, fake_prov_ram(fp, io) + 16, src, 100);
	KUNIT_EXPECT_EQ(test, readb(io + 16), src[0]);

	/* Out of range, or not iomem: refused, nothing copied. */
	KUNIT_EXPECT_EQ(test, iomem_dma_sg_copy_to(&sg, PAGE_SIZE - 8, src, 9),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, iomem_dma_sg_copy_from(&sg, PAGE_SIZE + 1, dst,
						     0), -EINVAL);
	KUNIT_EXPECT_EQ(test, iomem_dma_sg_copy_to(&sg, 0, NULL, 4), -EINVAL);
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sg(fc->client, &sg), 0);
	KUNIT_EXPECT_EQ(test, iomem_dma_sg_copy_to(&sg, 0, src, 4), -EINVAL);
}

/*
 * What unsuspecting code gets: sg_page() is NULL, so sg_virt() and
 * kmap_local_page() compute page_address(NULL) plus the entry's offset.
 * Prove on this architecture that the result is not an address of RAM in
 * the kernel's linear map, so a stray access faults instead of silently
 * hitting memory.
 */
static void sg_virt_of_iomem_is_not_ram(struct kunit *test)
{
	struct fake_prov *fp = fake_prov_create(test, "virt", POOL, NULL);
	struct fake_client *fc = fake_client_create(test, "virtc", NULL);
	struct scatterlist sg;
	void *va;

	sg_init_table(&sg, 1);
	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sg(fc->client, fp->prov, &sg,
						 PAGE_SIZE, 0), 0);
	va = sg_virt(&sg);
	kunit_info(test, "sg_virt() of an iomem entry: 0x%lx\n",
		   (unsigned long)va);
	KUNIT_EXPECT_FALSE(test, virt_addr_valid(va));
	KUNIT_EXPECT_FALSE(test, virt_addr_valid(va + sg.length - 1));
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sg(fc->client, &sg), 0);
}

static struct kunit_case iomem_dma_sg_cases[] = {
	KUNIT_CASE(sg_predicate),
	KUNIT_CASE(sg_last_entry_keeps_end_mark),
	KUNIT_CASE(sg_page_is_null),
	KUNIT_CASE(sg_helpers_refuse_iomem),
	KUNIT_CASE(sg_copy_goes_through_iomem),
	KUNIT_CASE(sg_virt_of_iomem_is_not_ram),
	{}
};

static struct kunit_suite iomem_dma_sg_suite = {
	.name = "iomem_dma_sg",
	.test_cases = iomem_dma_sg_cases,
};

kunit_test_suite(iomem_dma_sg_suite);

MODULE_DESCRIPTION("KUnit tests for iomem_dma flagged scatterlists");
MODULE_LICENSE("GPL");
