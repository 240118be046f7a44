// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite iomem_dma_misuse: what code that does not know about I/O
 * memory gets when it is handed an iomem entry, one case per path, on
 * every architecture the suites run on (UML, arm, arm64). Each path must
 * work or stop before it touches memory: none may read or write RAM or
 * device memory, or give a device an address. The DMA API and the
 * scatterlist iterators refuse page-less entries with the kernel change
 * in scripts/kernel/ (CONFIG_DMA_SG_PAGELESS); the table in
 * Documentation/driver-api/iomem_dma/core.rst is this suite's result.
 */

#include <kunit/test.h>
#include <linux/dma-mapping.h>
#include <linux/highmem.h>
#include <linux/ioport.h>
#include <linux/iomem_dma_provider.h>
#include <linux/mm.h>
#include <linux/scatterlist.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#define FAKE_WINDOW 6
#include "iomem_dma_test.h"

#define POOL	(64 * 1024)
#define RAM_LEN	64

/*
 * A table [RAM | iomem | RAM] of @fc, the iomem entry from @fp and filled
 * with 0x5a, the RAM entries with 0x11 and 0x22.
 */
struct mixed {
	struct scatterlist sg[3];
	struct sg_table sgt;
	u8 *ram;
};

static void mixed_init(struct kunit *test, struct mixed *m,
		       struct fake_prov *fp, struct fake_client *fc)
{
	u8 fill[64];
	size_t off;

	m->ram = kunit_kzalloc(test, 2 * PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m->ram);
	memset(m->ram, 0x11, RAM_LEN);
	memset(m->ram + PAGE_SIZE, 0x22, RAM_LEN);
	sg_init_table(m->sg, 3);
	sg_set_buf(&m->sg[0], m->ram, RAM_LEN);
	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sg(fc->client, fp->prov, &m->sg[1],
						 PAGE_SIZE, 0), 0);
	sg_set_buf(&m->sg[2], m->ram + PAGE_SIZE, RAM_LEN);
	memset(fill, 0x5a, sizeof(fill));
	for (off = 0; off < PAGE_SIZE; off += sizeof(fill))
		KUNIT_ASSERT_EQ(test, iomem_dma_sg_copy_to(&m->sg[1], off, fill,
							   sizeof(fill)), 0);
	m->sgt.sgl = m->sg;
	m->sgt.orig_nents = 3;
	m->sgt.nents = 3;
}

/* Are all bytes of the iomem entry still 0x5a, and the RAM untouched? */
static void mixed_untouched(struct kunit *test, struct mixed *m)
{
	size_t off, i, bad = PAGE_SIZE;
	u8 back[64];

	for (off = 0; off < PAGE_SIZE && bad == PAGE_SIZE; off += sizeof(back)) {
		KUNIT_ASSERT_EQ(test, iomem_dma_sg_copy_from(&m->sg[1], off, back,
							     sizeof(back)), 0);
		for (i = 0; i < sizeof(back); i++)
			if (back[i] != 0x5a) {
				bad = off + i;
				break;
			}
	}
	KUNIT_EXPECT_EQ_MSG(test, bad, (size_t)PAGE_SIZE,
			    "I/O memory changed at byte %zu", bad);
	KUNIT_EXPECT_EQ(test, m->ram[PAGE_SIZE], 0x22);
	KUNIT_EXPECT_EQ(test, m->ram[PAGE_SIZE + RAM_LEN - 1], 0x22);
}

static struct fake_client *misuse_setup(struct kunit *test, const char *tag,
					struct fake_prov **fp)
{
	struct iomem_dma_node *sw;
	char pname[32], cname[32];

	fake_fabric_init(test);
	sw = fake_node(test, NULL, "sw", IOMEM_DMA_NODE_ROUTES_PEER);
	snprintf(pname, sizeof(pname), "mis%sp", tag);
	snprintf(cname, sizeof(cname), "mis%sc", tag);
	*fp = fake_prov_create(test, pname, POOL, sw);
	return fake_client_create(test, cname, sw);
}

/* sg_page(): NULL, so code that needs a page has none. */
static void misuse_sg_page(struct kunit *test)
{
	struct fake_prov *fp;
	struct fake_client *fc = misuse_setup(test, "page", &fp);
	struct mixed m;

	mixed_init(test, &m, fp, fc);
	KUNIT_EXPECT_NULL(test, sg_page(&m.sg[1]));
	KUNIT_EXPECT_NOT_NULL(test, sg_page(&m.sg[0]));
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sg(fc->client, &m.sg[1]), 0);
}

/*
 * The address that sg_virt(), page_address(sg_page()) and, without
 * highmem, kmap_local_page(sg_page()) compute: page_address(NULL) plus
 * the entry's offset. It must not be RAM of the linear map, nor anything
 * mapped in the vmalloc area (ioremapped registers live there).
 */
static void expect_unmapped(struct kunit *test, const char *what, void *va,
			    size_t len)
{
	unsigned long a = (unsigned long)va;

	kunit_info(test, "%s of an iomem entry: 0x%lx (guard [0x%lx, 0x%lx), state %d)\n",
		   what, a, iomem_dma_guard_start, iomem_dma_guard_end,
		   iomem_dma_guard_state);
	KUNIT_EXPECT_FALSE_MSG(test, virt_addr_valid(va), "%s is RAM", what);
	KUNIT_EXPECT_FALSE_MSG(test, virt_addr_valid(va + len - 1),
			       "%s + len is RAM", what);
	KUNIT_ASSERT_TRUE(test, iomem_dma_guard_state == IOMEM_DMA_GUARD_RESERVED ||
			  iomem_dma_guard_state == IOMEM_DMA_GUARD_UNREACHABLE);
	/* Every byte of the entry is inside the guard. */
	KUNIT_EXPECT_GE(test, a, iomem_dma_guard_start);
	KUNIT_EXPECT_LE(test, a + len, iomem_dma_guard_end);
#ifdef CONFIG_MMU
	if (iomem_dma_guard_state == IOMEM_DMA_GUARD_RESERVED) {
		struct vm_struct *area = find_vm_area(va);

		/* Ours, and nothing mapped in it. */
		KUNIT_EXPECT_NOT_NULL(test, area);
		if (area)
			KUNIT_EXPECT_EQ(test, (unsigned long)area->addr,
					iomem_dma_guard_start);
		KUNIT_EXPECT_NULL(test, vmalloc_to_page(va));
		KUNIT_EXPECT_NULL(test, vmalloc_to_page(va + len - 1));
	}
#endif
}

/*
 * Try to get a vmalloc area inside the guard, as ioremap() or vmalloc()
 * would: it must be refused, so nothing can ever be mapped where sg_virt()
 * of an iomem entry points.
 */
static void misuse_guard_cannot_be_taken(struct kunit *test)
{
#if defined(CONFIG_MMU) && !defined(CONFIG_UML)
	unsigned long mid = iomem_dma_guard_start +
			    ((iomem_dma_guard_end - iomem_dma_guard_start) / 2 &
			     PAGE_MASK);
	struct vm_struct *area;

	if (iomem_dma_guard_state == IOMEM_DMA_GUARD_UNREACHABLE) {
		/* The gap below the vmalloc area: nothing is ever mapped there. */
		KUNIT_EXPECT_GE(test, iomem_dma_guard_start,
				(unsigned long)high_memory);
		KUNIT_EXPECT_LE(test, iomem_dma_guard_end, VMALLOC_START);
		KUNIT_EXPECT_FALSE(test, is_vmalloc_addr((void *)iomem_dma_guard_start));
		return;
	}
	KUNIT_ASSERT_EQ(test, iomem_dma_guard_state, IOMEM_DMA_GUARD_RESERVED);
	area = __get_vm_area_caller(PAGE_SIZE, 0, iomem_dma_guard_start,
				    iomem_dma_guard_start + 2 * PAGE_SIZE,
				    __builtin_return_address(0));
	KUNIT_EXPECT_NULL(test, area);
	if (area)
		free_vm_area(area);
	area = __get_vm_area_caller(PAGE_SIZE, 0, mid, mid + 2 * PAGE_SIZE,
				    __builtin_return_address(0));
	KUNIT_EXPECT_NULL(test, area);
	if (area)
		free_vm_area(area);
	/* The same request just past the guard succeeds: the check is real. */
	if (iomem_dma_guard_end + 2 * PAGE_SIZE <= VMALLOC_END) {
		area = __get_vm_area_caller(PAGE_SIZE, 0, iomem_dma_guard_end,
					    iomem_dma_guard_end + 2 * PAGE_SIZE,
					    __builtin_return_address(0));
		KUNIT_EXPECT_NOT_NULL(test, area);
		if (area)
			free_vm_area(area);
	}
#else
	KUNIT_EXPECT_EQ(test, iomem_dma_guard_state, IOMEM_DMA_GUARD_UNREACHABLE);
#endif
}

static void misuse_sg_virt(struct kunit *test)
{
	struct fake_prov *fp;
	struct fake_client *fc = misuse_setup(test, "virt", &fp);
	struct mixed m;

	mixed_init(test, &m, fp, fc);
	expect_unmapped(test, "sg_virt()", sg_virt(&m.sg[1]), m.sg[1].length);
	/* Not the provider's CPU mapping either. */
	KUNIT_EXPECT_PTR_NE(test, sg_virt(&m.sg[1]),
			    (void __force *)iomem_dma_sg_iomem(&m.sg[1]));
	mixed_untouched(test, &m);
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sg(fc->client, &m.sg[1]), 0);
}

static void misuse_page_address(struct kunit *test)
{
	struct fake_prov *fp;
	struct fake_client *fc = misuse_setup(test, "paddr", &fp);
	struct mixed m;

	if (IS_ENABLED(CONFIG_HIGHMEM))
		kunit_skip(test, "page_address(NULL) reads the NULL page with highmem");
	mixed_init(test, &m, fp, fc);
	expect_unmapped(test, "page_address(sg_page())",
			page_address(sg_page(&m.sg[1])) + m.sg[1].offset,
			m.sg[1].length);
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sg(fc->client, &m.sg[1]), 0);
}

static void misuse_kmap_local_page(struct kunit *test)
{
	struct fake_prov *fp;
	struct fake_client *fc = misuse_setup(test, "kmap", &fp);
	struct mixed m;
	void *va;

	if (IS_ENABLED(CONFIG_HIGHMEM))
		kunit_skip(test, "kmap_local_page(NULL) reads the NULL page with highmem");
	mixed_init(test, &m, fp, fc);
	va = kmap_local_page(sg_page(&m.sg[1]));
	expect_unmapped(test, "kmap_local_page(sg_page())",
			va + m.sg[1].offset, m.sg[1].length);
	kunmap_local(va);
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sg(fc->client, &m.sg[1]), 0);
}

/*
 * sg_phys(): page_to_phys(NULL) plus the offset, a number, not an access.
 * It must name no memory: not RAM and not any resource (a BAR, the
 * provider), so that what a careless caller maps with it reaches nothing.
 */
static void misuse_sg_phys(struct kunit *test)
{
	struct fake_prov *fp;
	struct fake_client *fc = misuse_setup(test, "phys", &fp);
	struct mixed m;
	phys_addr_t phys;

	mixed_init(test, &m, fp, fc);
	phys = sg_phys(&m.sg[1]);
	kunit_info(test, "sg_phys() of an iomem entry: %pa\n", &phys);
	KUNIT_EXPECT_FALSE(test, pfn_valid(PHYS_PFN(phys)));
	KUNIT_EXPECT_FALSE(test, pfn_valid(PHYS_PFN(phys + m.sg[1].length - 1)));
	KUNIT_EXPECT_NE(test, region_intersects(phys, m.sg[1].length,
						IORESOURCE_MEM, IORES_DESC_NONE),
			REGION_INTERSECTS);
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sg(fc->client, &m.sg[1]), 0);
}

/*
 * sg_copy_from_buffer() and sg_copy_to_buffer() (sg_miter underneath):
 * the copy stops at the iomem entry; the RAM before it is copied, nothing
 * at or after it is touched.
 */
static void misuse_sg_copy_buffer(struct kunit *test)
{
	struct fake_prov *fp;
	struct fake_client *fc = misuse_setup(test, "copy", &fp);
	size_t total = 2 * RAM_LEN + PAGE_SIZE;
	struct mixed m;
	u8 *buf;

	/* Without the kernel change the copy writes through a garbage address. */
	KUNIT_ASSERT_TRUE_MSG(test, IS_ENABLED(CONFIG_DMA_SG_PAGELESS),
			      "kernel without scripts/kernel/ (CONFIG_DMA_SG_PAGELESS)");
	buf = kunit_kmalloc(test, total, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	mixed_init(test, &m, fp, fc);

	memset(buf, 0xc3, total);
	KUNIT_EXPECT_EQ(test, sg_copy_from_buffer(m.sg, 3, buf, total),
			(size_t)RAM_LEN);
	KUNIT_EXPECT_EQ(test, m.ram[0], 0xc3);
	mixed_untouched(test, &m);

	memset(buf, 0, total);
	KUNIT_EXPECT_EQ(test, sg_copy_to_buffer(m.sg, 3, buf, total),
			(size_t)RAM_LEN);
	KUNIT_EXPECT_EQ(test, buf[0], 0xc3);
	KUNIT_EXPECT_EQ(test, buf[RAM_LEN], 0);
	/* Starting beyond the RAM entry: nothing at all. */
	KUNIT_EXPECT_EQ(test, sg_pcopy_from_buffer(m.sg, 3, buf, 16, RAM_LEN),
			(size_t)0);
	mixed_untouched(test, &m);
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sg(fc->client, &m.sg[1]), 0);
}

static void misuse_sg_miter(struct kunit *test)
{
	struct fake_prov *fp;
	struct fake_client *fc = misuse_setup(test, "miter", &fp);
	struct sg_mapping_iter miter;
	unsigned int pages = 0;
	size_t bytes = 0;
	struct mixed m;

	KUNIT_ASSERT_TRUE_MSG(test, IS_ENABLED(CONFIG_DMA_SG_PAGELESS),
			      "kernel without scripts/kernel/ (CONFIG_DMA_SG_PAGELESS)");
	mixed_init(test, &m, fp, fc);
	sg_miter_start(&miter, m.sg, 3, SG_MITER_TO_SG | SG_MITER_ATOMIC);
	while (sg_miter_next(&miter)) {
		memset(miter.addr, 0xe7, miter.length);
		bytes += miter.length;
		pages++;
	}
	sg_miter_stop(&miter);
	KUNIT_EXPECT_EQ(test, pages, 1U);
	KUNIT_EXPECT_EQ(test, bytes, (size_t)RAM_LEN);
	KUNIT_EXPECT_EQ(test, m.ram[0], 0xe7);
	/* A second call after the end stays at the end. */
	KUNIT_EXPECT_FALSE(test, sg_miter_next(&miter));
	sg_miter_stop(&miter);
	mixed_untouched(test, &m);
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sg(fc->client, &m.sg[1]), 0);
}

/* dma_map_sgtable() and dma_map_page(): refused, nothing mapped. */
static void misuse_dma_map(struct kunit *test)
{
	struct fake_prov *fp;
	struct fake_client *fc = misuse_setup(test, "map", &fp);
	struct sg_table sgt;
	struct mixed m;
	dma_addr_t addr;
	unsigned int i;

	if (!IS_ENABLED(CONFIG_HAS_DMA))
		kunit_skip(test, "no DMA API on this architecture");
	mixed_init(test, &m, fp, fc);

	KUNIT_EXPECT_EQ(test, dma_map_sgtable(fc->dev, &m.sgt, DMA_BIDIRECTIONAL, 0),
			-EINVAL);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, sg_dma_len(&m.sg[i]), 0U);
	KUNIT_EXPECT_EQ(test, dma_map_sg(fc->dev, m.sg, 3, DMA_TO_DEVICE), 0);

	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sgt(fc->client, fp->prov, &sgt,
						  2 * PAGE_SIZE, GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, dma_map_sgtable(fc->dev, &sgt, DMA_TO_DEVICE, 0),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, sg_dma_len(sgt.sgl), 0U);
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sgt(fc->client, &sgt), 0);

	addr = dma_map_page(fc->dev, sg_page(&m.sg[1]), m.sg[1].offset,
			    m.sg[1].length, DMA_FROM_DEVICE);
	KUNIT_EXPECT_TRUE(test, dma_mapping_error(fc->dev, addr));
	mixed_untouched(test, &m);
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sg(fc->client, &m.sg[1]), 0);
}

/*
 * dma_sync_sgtable_*() and dma_unmap_sgtable() on a table that
 * iomem_dma_map_sgtable() mapped: refused as a whole. Without the
 * refusal the DMA API would run dma_to_phys() and cache maintenance on
 * the bus address, DMA_API_DEBUG would report a sync of memory it never
 * mapped, and the unmap would drop mappings iomem_dma owns.
 */
static void misuse_dma_sync_unmap(struct kunit *test)
{
	struct fake_prov *fp;
	struct fake_client *fc = misuse_setup(test, "sync", &fp);
	dma_addr_t addr[3];
	struct mixed m;
	unsigned int i;

	if (!IS_ENABLED(CONFIG_HAS_DMA))
		kunit_skip(test, "no DMA API on this architecture");
	mixed_init(test, &m, fp, fc);
	KUNIT_ASSERT_EQ(test, iomem_dma_map_sgtable(fc->client, &m.sgt,
						    DMA_BIDIRECTIONAL, 0), 0);
	KUNIT_ASSERT_TRUE(test, sg_dma_is_bus_address(&m.sg[1]));
	for (i = 0; i < 3; i++)
		addr[i] = sg_dma_address(&m.sg[i]);

	dma_sync_sgtable_for_cpu(fc->dev, &m.sgt, DMA_BIDIRECTIONAL);
	dma_sync_sgtable_for_device(fc->dev, &m.sgt, DMA_BIDIRECTIONAL);
	dma_unmap_sgtable(fc->dev, &m.sgt, DMA_BIDIRECTIONAL, 0);
	/* The DMA API left the table as iomem_dma mapped it. */
	KUNIT_EXPECT_TRUE(test, sg_dma_is_bus_address(&m.sg[1]));
	for (i = 0; i < 3; i++) {
		KUNIT_EXPECT_EQ(test, sg_dma_address(&m.sg[i]), addr[i]);
		KUNIT_EXPECT_NE(test, sg_dma_len(&m.sg[i]), 0U);
	}
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sg(fc->client, &m.sg[1]), -EBUSY);
	mixed_untouched(test, &m);

	/* iomem_dma's own unmap still finds every mapping (DMA_API_DEBUG). */
	iomem_dma_unmap_sgtable(fc->client, &m.sgt, DMA_BIDIRECTIONAL, 0);
	KUNIT_EXPECT_FALSE(test, sg_dma_is_bus_address(&m.sg[1]));
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sg(fc->client, &m.sg[1]), 0);
}

static struct kunit_case iomem_dma_misuse_cases[] = {
	KUNIT_CASE(misuse_sg_page),
	KUNIT_CASE(misuse_sg_virt),
	KUNIT_CASE(misuse_guard_cannot_be_taken),
	KUNIT_CASE(misuse_page_address),
	KUNIT_CASE(misuse_kmap_local_page),
	KUNIT_CASE(misuse_sg_phys),
	KUNIT_CASE(misuse_sg_copy_buffer),
	KUNIT_CASE(misuse_sg_miter),
	KUNIT_CASE(misuse_dma_map),
	KUNIT_CASE(misuse_dma_sync_unmap),
	{}
};

static struct kunit_suite iomem_dma_misuse_suite = {
	.name = "iomem_dma_misuse",
	.test_cases = iomem_dma_misuse_cases,
};

kunit_test_suite(iomem_dma_misuse_suite);

MODULE_DESCRIPTION("KUnit tests: code unaware of I/O memory handed an iomem entry");
MODULE_LICENSE("GPL");
