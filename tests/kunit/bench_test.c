// SPDX-License-Identifier: GPL-2.0-only
/*
 * iomem_dma benchmarks, measured side by side in one boot against what a
 * user would otherwise use: upstream pci_p2pdma_distance(), the DMA API on
 * RAM, raw genalloc, struct page. Each row prints one line
 *
 *	BENCH metric|ours_ns|anchor_ns|iterations|repetitions
 *
 * with the median over the repetitions of the time per operation
 * (anchor_ns 0: no anchor). scripts/bench.sh turns them into a table.
 * Boot with iomem_dma_bench.full=1 for the real counts; the default
 * counts only prove the suite works. No case asserts a timing.
 */

#include <kunit/test.h>
#include <linux/genalloc.h>
#include <linux/kthread.h>
#include <linux/iomem_dma_provider.h>
#include <linux/iommu.h>
#include <linux/ktime.h>
#include <linux/moduleparam.h>
#include <linux/mm.h>
#include <linux/pci.h>
#include <linux/pci-p2pdma.h>
#include <linux/sort.h>
#include <linux/vmalloc.h>

#define FAKE_WINDOW 7
#include "iomem_dma_test.h"

static bool full;
module_param(full, bool, 0444);
MODULE_PARM_DESC(full, "Run the benchmarks with their real iteration counts");

#define REPS 5
#define BENCH_PHYS 0xe8000000UL

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static int cmp_u32(const void *a, const void *b)
{
	u32 x = *(const u32 *)a, y = *(const u32 *)b;

	return x < y ? -1 : x > y;
}

/* Sorts @v. */
static u64 median(u64 *v, int n)
{
	sort(v, n, sizeof(*v), cmp_u64, NULL);
	return v[n / 2];
}

/*
 * One row from @n repetitions of ours and of the anchor (%NULL: none):
 * the median, and the minimum and maximum, so that a reader sees which
 * differences are within noise.
 */
static void report_n(struct kunit *test, const char *metric, u64 *ours,
		     u64 *anchor, unsigned int iters, int n)
{
	u64 om = median(ours, n), am = anchor ? median(anchor, n) : 0;

	kunit_info(test, "BENCH %s|%llu|%llu|%u|%u|%llu|%llu|%llu|%llu\n",
		   metric, om, am, iters, n, ours[0], ours[n - 1],
		   anchor ? anchor[0] : 0, anchor ? anchor[n - 1] : 0);
}

static void report(struct kunit *test, const char *metric, u64 *ours,
		   u64 *anchor, unsigned int iters)
{
	report_n(test, metric, ours, anchor, iters, REPS);
}

/* A big RAM-backed provider at a fake physical address (not accessed). */
static struct iomem_dma_provider *big_provider(struct kunit *test,
					       const char *name, size_t size,
					       unsigned long phys,
					       struct iomem_dma_node *node,
					       void **mem)
{
	struct iomem_dma_provider_desc desc = { };
	struct iomem_dma_range *r;
	struct iomem_dma_provider *prov;
	struct device *dev;

	dev = iomem_dma_test_device(test, name);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);
	r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	*mem = vzalloc(size);
	KUNIT_ASSERT_NOT_NULL(test, *mem);
	r->phys = phys;
	r->size = size;
	r->vaddr = (void __force __iomem *)*mem;
	desc.dev = dev;
	desc.name = name;
	desc.ranges = r;
	desc.nr_ranges = 1;
	desc.ops = &fake_prov_ops;
	desc.fabric = node;
	desc.priv = kunit_kzalloc(test, sizeof(struct fake_prov), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, desc.priv);
	prov = iomem_dma_provider_register(&desc);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, prov);
	return prov;
}

/* ---- verdicts against upstream ---- */

static struct pci_dev *find_pci(unsigned int vendor, unsigned int device)
{
	return pci_get_device(vendor, device, NULL);
}

/* Pairs whose verdicts a change makes cold at once, in bench_verdict(). */
#define COLD_PAIRS	8

/*
 * What a map pays to know a pair's path when the verdict is cached: the
 * lookup without a copy (iomem_dma_verdict_cached()); a miss computes.
 * Inline, as map_path() is in iomem_dma_map_sgtable().
 */
static __always_inline enum iomem_dma_path
warm_path(struct iomem_dma_provider *prov, struct iomem_dma_client *client)
{
	const struct iomem_dma_verdict *hit;
	enum iomem_dma_path path;

	rcu_read_lock();
	hit = iomem_dma_verdict_cached(prov, client, iomem_dma_generation());
	path = hit ? hit->path : IOMEM_DMA_PATH_DENIED;
	rcu_read_unlock();
	return hit ? path : iomem_dma_client_path(prov, client);
}

static void bench_verdict(struct kunit *test)
{
	unsigned int iters = full ? 20000 : 50, i, j, r;
	struct iomem_dma_provider *sp, *p0;
	struct iomem_dma_client *client;
	struct pci_dev *iv, *edu;
	struct iomem_dma_verdict v;
	u64 warm[REPS], cold[REPS], up[REPS], floor[REPS], t;
	u64 comp[REPS], hw[REPS], fw[REPS], mmu[REPS], bump[REPS], look[REPS];
	struct iomem_dma_hw_route route;
	char where[IOMEM_DMA_NODE_NAME_LEN];
	struct iomem_dma_cached_verdict __rcu *slot = NULL;
	unsigned int paths = 0;
	u64 sink = 0;

	if (!IS_ENABLED(CONFIG_PCI_P2PDMA))
		kunit_skip(test, "no upstream P2PDMA in this kernel");
	iv = find_pci(0x1af4, 0x1110);
	edu = find_pci(0x1234, 0x11e8);
	if (!iv || !edu) {
		pci_dev_put(iv);
		pci_dev_put(edu);
		kunit_skip(test, "needs ivshmem-plain and edu (the arm64 board)");
	}
	client = iomem_dma_client_find(&edu->dev);
	if (!client) {
		pci_dev_put(iv);
		pci_dev_put(edu);
		kunit_skip(test, "edu is not an iomem_dma client");
	}
	/*
	 * Provider stand-ins on ivshmem (the verdict reads only these), in
	 * as many slots of the client's last used verdicts.
	 */
	sp = kunit_kcalloc(test, COLD_PAIRS, sizeof(*sp), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, sp);
	p0 = &sp[0];
	RCU_INIT_POINTER(p0->fabric, iomem_dma_node_for_device(&iv->dev));
	for (j = 0; j < COLD_PAIRS; j++) {
		sp[j].dev = &iv->dev;
		sp[j].fabric = p0->fabric;
		sp[j].id = INT_MAX - j;
		sp[j].name = "bench";
	}

	for (r = 0; r < REPS; r++) {
		iomem_dma_client_verdict(p0, client, &v);
		t = ktime_get_ns();
		for (i = 0; i < iters; i++)
			paths += warm_path(p0, client) == v.path;
		warm[r] = (ktime_get_ns() - t) / iters;

		/*
		 * After each change, the first verdict of COLD_PAIRS pairs:
		 * what the change itself costs (a generation bump, the least
		 * of any change) is shared by them, and timed on its own below.
		 */
		t = ktime_get_ns();
		for (i = 0; i < iters / COLD_PAIRS; i++) {
			iomem_dma_generation_bump();
			for (j = 0; j < COLD_PAIRS; j++)
				iomem_dma_client_verdict(&sp[j], client, &v);
		}
		cold[r] = (ktime_get_ns() - t) / (iters / COLD_PAIRS * COLD_PAIRS);

		t = ktime_get_ns();
		for (i = 0; i < iters; i++)
			pci_p2pdma_distance(iv, &edu->dev, false);
		up[r] = (ktime_get_ns() - t) / iters;

		/*
		 * The floor of a warm lookup: the read side it cannot do
		 * without (RCU, the generation, one slot) and nothing else.
		 */
		t = ktime_get_ns();
		for (i = 0; i < iters; i++) {
			rcu_read_lock();
			sink += iomem_dma_generation() +
				(unsigned long)rcu_dereference(slot);
			rcu_read_unlock();
		}
		floor[r] = (ktime_get_ns() - t) / iters;

		/* What a cold lookup is made of, one step at a time. */
		t = ktime_get_ns();
		for (i = 0; i < iters; i++) {
			rcu_read_lock();
			iomem_dma_verdict_compute(p0, client->dev,
						  rcu_dereference(client->node),
						  client->name, &v);
			rcu_read_unlock();
		}
		comp[r] = (ktime_get_ns() - t) / iters;

		t = ktime_get_ns();
		for (i = 0; i < iters; i++) {
			rcu_read_lock();
			iomem_dma_hw_verdict_route(p0,
						   rcu_dereference(p0->fabric),
						   client->dev,
						   rcu_dereference(client->node),
						   &v, &route);
			rcu_read_unlock();
		}
		hw[r] = (ktime_get_ns() - t) / iters;

		t = ktime_get_ns();
		for (i = 0; i < iters; i++) {
			rcu_read_lock();
			sink += iomem_dma_firmware_verdict(p0, client->dev,
							   where,
							   sizeof(where)) + 2;
			rcu_read_unlock();
		}
		fw[r] = (ktime_get_ns() - t) / iters;

		t = ktime_get_ns();
		for (i = 0; i < iters; i++)
			sink += !iommu_get_domain_for_dev(client->dev);
		mmu[r] = (ktime_get_ns() - t) / iters;

		t = ktime_get_ns();
		for (i = 0; i < iters; i++)
			iomem_dma_generation_bump();
		bump[r] = (ktime_get_ns() - t) / iters;

		t = ktime_get_ns();
		for (i = 0; i < iters; i++) {
			rcu_read_lock();
			sink += (unsigned long)iomem_dma_verdict_entry(p0, client);
			rcu_read_unlock();
		}
		look[r] = (ktime_get_ns() - t) / iters;
	}
	/* The last step measured left @v a route, not a verdict: redo it. */
	iomem_dma_client_verdict(p0, client, &v);
	KUNIT_EXPECT_NE(test, v.path, IOMEM_DMA_PATH_DENIED);
	KUNIT_EXPECT_NE(test, sink, 0ULL);
	report(test, "floor of verdict, warm: RCU, generation, one slot",
	       floor, up, iters);
	/* Every warm lookup gave the verdict's path. */
	KUNIT_EXPECT_EQ(test, paths, iters * REPS);
	report(test, "verdict, warm (cached)", warm, up, iters);
	/* The anchor again: report() sorted it, the values are the same. */
	report(test, "verdict, cold (first after a change)", cold, up, iters);
	report(test, "cold verdict's part: the computation, no cache", comp, up,
	       iters);
	report(test, "cold verdict's part: hardware route", hw, up, iters);
	report(test, "cold verdict's part: firmware statements", fw, up, iters);
	report(test, "cold verdict's part: the client's IOMMU domain", mmu, up,
	       iters);
	report(test, "cold verdict's part: the generation bump", bump, up, iters);
	report(test, "cold verdict's part: finding the stale entry", look, up, iters);

	for (j = 0; j < COLD_PAIRS; j++)
		iomem_dma_client_verdict_forget(client, sp[j].id);
	iomem_dma_node_put(rcu_dereference_protected(p0->fabric, true));
	iomem_dma_client_put(client);
	pci_dev_put(iv);
	pci_dev_put(edu);
}

/* ---- map + unmap against the DMA API on RAM ---- */

static void bench_map(struct kunit *test)
{
	static const unsigned int sizes[] = { 1, 16, 256, 4096 };
	struct iomem_dma_provider *prov;
	struct iomem_dma_node *sw;
	struct fake_client *fc;
	unsigned int s, i, r, n, iters;
	struct sg_table io, ram;
	struct scatterlist *sg;
	u64 ours[REPS], dma[REPS], t;
	char metric[64];
	void *mem;

	if (!IS_ENABLED(CONFIG_HAS_DMA))
		kunit_skip(test, "no DMA API");
	fake_fabric_init(test);
	sw = fake_node(test, NULL, "bsw", IOMEM_DMA_NODE_ROUTES_PEER);
	prov = big_provider(test, "bmap", 4096 * PAGE_SIZE, BENCH_PHYS, sw,
			    &mem);
	fc = fake_client_create(test, "bmapc", sw);

	for (s = 0; s < ARRAY_SIZE(sizes); s++) {
		n = sizes[s];
		if (!full && n > 16)
			continue;
		iters = max(1U, (full ? 4096U : 16U) / n);
		KUNIT_ASSERT_EQ(test, sg_alloc_table(&io, n, GFP_KERNEL), 0);
		KUNIT_ASSERT_EQ(test, sg_alloc_table(&ram, n, GFP_KERNEL), 0);
		for_each_sgtable_sg(&io, sg, i)
			KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sg(fc->client, prov, sg,
								 PAGE_SIZE, 0), 0);
		for_each_sgtable_sg(&ram, sg, i) {
			struct page *pg = alloc_page(GFP_KERNEL);

			KUNIT_ASSERT_NOT_NULL(test, pg);
			sg_set_page(sg, pg, PAGE_SIZE, 0);
		}
		/* Both paths work before they are timed. */
		KUNIT_ASSERT_EQ(test, iomem_dma_map_sgtable(fc->client, &io,
							    DMA_TO_DEVICE, 0), 0);
		iomem_dma_unmap_sgtable(fc->client, &io, DMA_TO_DEVICE, 0);
		KUNIT_ASSERT_EQ(test, dma_map_sgtable(fc->dev, &ram,
						      DMA_TO_DEVICE, 0), 0);
		dma_unmap_sgtable(fc->dev, &ram, DMA_TO_DEVICE, 0);
		for (r = 0; r < REPS; r++) {
			t = ktime_get_ns();
			for (i = 0; i < iters; i++) {
				iomem_dma_map_sgtable(fc->client, &io,
						      DMA_TO_DEVICE, 0);
				iomem_dma_unmap_sgtable(fc->client, &io,
							DMA_TO_DEVICE, 0);
			}
			ours[r] = (ktime_get_ns() - t) / iters / n;
			t = ktime_get_ns();
			for (i = 0; i < iters; i++) {
				if (dma_map_sgtable(fc->dev, &ram,
						    DMA_TO_DEVICE, 0))
					break;
				dma_unmap_sgtable(fc->dev, &ram,
						  DMA_TO_DEVICE, 0);
			}
			dma[r] = (ktime_get_ns() - t) / iters / n;
		}
		snprintf(metric, sizeof(metric),
			 "map+unmap per entry, %u entries", n);
		report(test, metric, ours, dma, iters);
		KUNIT_EXPECT_EQ(test, iomem_dma_free_sgt(fc->client, &io), 0);
		for_each_sgtable_sg(&ram, sg, i)
			__free_page(sg_page(sg));
		sg_free_table(&ram);
	}
	KUNIT_EXPECT_EQ(test, iomem_dma_provider_unregister(prov), 0);
	vfree(mem);
}

/* ---- allocation against raw genalloc ---- */

#define POOL_BYTES (32UL << 20)

/* First fit, page aligned: what the core asks genalloc for. */
static unsigned long raw_alloc(struct gen_pool *raw, size_t size)
{
	struct genpool_data_align align = { .align = PAGE_SIZE };

	return gen_pool_alloc_algo(raw, size, gen_pool_first_fit_align,
				   &align);
}

/*
 * How a pool is filled before a row is timed: every block of the fill
 * size allocated, then some freed again (the same in both pools).
 */
enum fill_pattern {
	FILL_NONE,	/* empty pool */
	FILL_HALF,	/* every other block free */
	FILL_SPREAD,	/* 95%: every 20th block free, from block 10 */
	FILL_TOP,	/* 95%: the top 5% free, first-fit's worst case */
	FILL_HOLES,	/* 95%: the top 5% free, below it every other block */
};

static bool fill_keep(enum fill_pattern p, unsigned int i, unsigned int n)
{
	switch (p) {
	case FILL_HALF:
		return i % 2;
	case FILL_SPREAD:
		return (i % 20) != 10;
	case FILL_TOP:
		return i < n / 20 * 19;
	case FILL_HOLES:
		return i < n / 20 * 19 && (i % 2);
	default:
		return false;
	}
}

struct alloc_row {
	size_t fill;		/* block size of the fill */
	size_t req;		/* size of the timed allocation */
	enum fill_pattern pattern;
	const char *what;	/* "at 0% fill", ... */
	bool all;		/* also without iomem_dma_bench.full */
	bool nomag;		/* with iomem_dma.magazines off */
};

static const struct alloc_row alloc_rows[] = {
	{ SZ_4K, SZ_4K, FILL_NONE, "at 0% fill", true },
	{ SZ_4K, SZ_4K, FILL_NONE, "at 0% fill, magazines off", true, true },
	{ SZ_4K, SZ_4K, FILL_HALF, "at 50% fill", true },
	{ SZ_4K, SZ_4K, FILL_SPREAD, "at 95% fill", true },
	{ SZ_4K, SZ_4K, FILL_TOP, "at 95% fill, free space at the top", true },
	{ SZ_4K, SZ_64K, FILL_HOLES, "into 4 KiB holes, 95% fill, free space at the top", true },
	{ SZ_64K, SZ_64K, FILL_NONE, "at 0% fill" },
	{ SZ_64K, SZ_64K, FILL_HALF, "at 50% fill" },
	{ SZ_64K, SZ_64K, FILL_SPREAD, "at 95% fill" },
	{ SZ_64K, SZ_64K, FILL_TOP, "at 95% fill, free space at the top" },
	{ SZ_2M, SZ_2M, FILL_NONE, "at 0% fill" },
	{ SZ_2M, SZ_2M, FILL_HALF, "at 50% fill" },
	{ SZ_2M, SZ_2M, FILL_SPREAD, "at 95% fill" },
};

/*
 * The floor of a reuse from a magazine: the synchronisation an alloc+free
 * pair takes and a raw pool does not (the free's chunk lock and id lookup,
 * its mapcount cmpxchg, the client's magazine lock on both sides), with no
 * work in between, against raw genalloc's alloc+free at 0% fill.
 */
static void bench_alloc_floor(struct kunit *test, struct fake_client *fc,
			      struct iomem_dma_provider *prov,
			      struct gen_pool *raw, unsigned int iters)
{
	struct iomem_dma_chunk *chunk;
	u64 ours[REPS], anchor[REPS], t;
	struct scatterlist one;
	unsigned long addr;
	atomic_t mapcount;
	spinlock_t lock; /* stands for the client's mag_lock */
	unsigned int i, r;

	spin_lock_init(&lock);
	sg_init_table(&one, 1);
	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sg(fc->client, prov, &one, SZ_4K,
						 0), 0);
	for (r = 0; r < REPS; r++) {
		t = ktime_get_ns();
		for (i = 0; i < iters; i++) {
			spin_lock(&lock);
			spin_unlock(&lock);
			iomem_dma_chunk_lock(&one);
			chunk = iomem_dma_chunk_lookup(&one);
			atomic_set(&mapcount, 0);
			atomic_cmpxchg(&mapcount, 0, 1);
			iomem_dma_chunk_unlock(&one);
			spin_lock(&lock);
			spin_unlock(&lock);
			if (!chunk)
				break;
		}
		ours[r] = (ktime_get_ns() - t) / iters;
		t = ktime_get_ns();
		for (i = 0; i < iters; i++) {
			addr = raw_alloc(raw, SZ_4K);
			if (!addr)
				break;
			gen_pool_free(raw, addr, SZ_4K);
		}
		anchor[r] = (ktime_get_ns() - t) / iters;
	}
	KUNIT_EXPECT_EQ(test, i, iters);
	report(test, "floor of alloc+free 4 KiB, 0%: locks, id lookup, atomics",
	       ours, anchor, iters);
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sg(fc->client, &one), 0);
	iomem_dma_client_mags_drain(fc->client, NULL);
}

static void bench_alloc(struct kunit *test)
{
	struct iomem_dma_provider *prov;
	struct gen_pool *raw;
	int ret;
	struct fake_client *fc;
	struct scatterlist *held, one;
	unsigned long *raw_held, addr;
	unsigned int k, i, r, nblocks, iters = full ? 2000 : 20;
	u64 ours[REPS], anchor[REPS], t;
	char metric[96];
	void *mem;

	prov = big_provider(test, "balloc", POOL_BYTES, BENCH_PHYS, NULL, &mem);
	fc = fake_client_create(test, "ballocc", NULL);
	raw = gen_pool_create(PAGE_SHIFT, NUMA_NO_NODE);
	KUNIT_ASSERT_NOT_NULL(test, raw);
	KUNIT_ASSERT_EQ(test, gen_pool_add(raw, BENCH_PHYS, POOL_BYTES,
					   NUMA_NO_NODE), 0);
	held = kvcalloc(POOL_BYTES / SZ_4K, sizeof(*held), GFP_KERNEL);
	raw_held = kvcalloc(POOL_BYTES / SZ_4K, sizeof(*raw_held), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, held);
	KUNIT_ASSERT_NOT_NULL(test, raw_held);

	for (k = 0; k < ARRAY_SIZE(alloc_rows); k++) {
		const struct alloc_row *row = &alloc_rows[k];
		bool filled = row->pattern != FILL_NONE;

		if (!full && !row->all)
			continue;
		WRITE_ONCE(iomem_dma_magazines, !row->nomag);
		nblocks = POOL_BYTES / row->fill;
		/* Fill both pools alike: all blocks, then free some. */
		sg_init_table(held, nblocks);
		memset(raw_held, 0, nblocks * sizeof(*raw_held));
		for (i = 0; i < nblocks && filled; i++) {
			ret = iomem_dma_alloc_sg(fc->client, prov, &held[i],
						 row->fill, 0);
			KUNIT_ASSERT_EQ(test, ret, 0);
			raw_held[i] = raw_alloc(raw, row->fill);
			KUNIT_ASSERT_NE(test, raw_held[i], 0UL);
		}
		for (i = 0; i < nblocks && filled; i++) {
			if (fill_keep(row->pattern, i, nblocks))
				continue;
			iomem_dma_free_sg(fc->client, &held[i]);
			gen_pool_free(raw, raw_held[i], row->fill);
			raw_held[i] = 0;
		}
		/* The request fits, in both pools, before it is timed. */
		sg_init_table(&one, 1);
		KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sg(fc->client, prov, &one,
							 row->req, 0), 0);
		iomem_dma_free_sg(fc->client, &one);
		addr = raw_alloc(raw, row->req);
		KUNIT_ASSERT_NE(test, addr, 0UL);
		gen_pool_free(raw, addr, row->req);
		for (r = 0; r < REPS; r++) {
			t = ktime_get_ns();
			for (i = 0; i < iters; i++) {
				if (iomem_dma_alloc_sg(fc->client, prov, &one,
						       row->req, 0))
					break;
				iomem_dma_free_sg(fc->client, &one);
			}
			ours[r] = (ktime_get_ns() - t) / iters;
			t = ktime_get_ns();
			for (i = 0; i < iters; i++) {
				addr = raw_alloc(raw, row->req);
				if (!addr)
					break;
				gen_pool_free(raw, addr, row->req);
			}
			anchor[r] = (ktime_get_ns() - t) / iters;
		}
		snprintf(metric, sizeof(metric), "alloc+free %zu KiB %s",
			 row->req >> 10, row->what);
		report(test, metric, ours, anchor, iters);
		for (i = 0; i < nblocks && filled; i++) {
			if (iomem_dma_sg_is_iomem(&held[i]))
				iomem_dma_free_sg(fc->client, &held[i]);
			if (raw_held[i])
				gen_pool_free(raw, raw_held[i], row->fill);
		}
		/* The next row starts from the pool alone. */
		iomem_dma_client_mags_drain(fc->client, NULL);
	}
	WRITE_ONCE(iomem_dma_magazines, true);
	bench_alloc_floor(test, fc, prov, raw, iters);
	kvfree(held);
	kvfree(raw_held);
	KUNIT_EXPECT_EQ(test, iomem_dma_provider_avail(prov), POOL_BYTES);
	gen_pool_destroy(raw);
	KUNIT_EXPECT_EQ(test, iomem_dma_provider_unregister(prov), 0);
	vfree(mem);
}

/* ---- metadata per MiB against struct page ---- */

/* xarray nodes that hold the ids @ids[0..n-1]: leaves and every level up. */
static size_t xa_nodes_bytes(u32 *ids, unsigned int n)
{
	unsigned int shift, i, distinct;
	size_t bytes = 0;
	u32 last;

	sort(ids, n, sizeof(*ids), cmp_u32, NULL);
	for (shift = XA_CHUNK_SHIFT; ; shift += XA_CHUNK_SHIFT) {
		distinct = 0;
		for (i = 0; i < n; i++) {
			if (i && (ids[i] >> shift) == last)
				continue;
			last = ids[i] >> shift;
			distinct++;
		}
		bytes += distinct * sizeof(struct xa_node);
		if (distinct <= 1)
			return bytes;
	}
}

static void bench_metadata(struct kunit *test)
{
	struct iomem_dma_provider *prov;
	struct gen_pool_chunk *chunk;
	size_t bytes, held_bytes, mib = 64;
	unsigned int i, n = (mib << 20) / SZ_4K;
	struct fake_client *fc;
	struct scatterlist *sg;
	u64 empty[1], fullm[1], anchor[1];
	u32 *ids;
	void *mem;

	prov = big_provider(test, "bmeta", mib << 20, BENCH_PHYS, NULL, &mem);
	/* Everything the registration allocated, at its real size. */
	bytes = ksize(prov) + ksize(prov->ranges) + ksize(prov->bases) +
		ksize(prov->name) + ksize(prov->pool);
	rcu_read_lock();
	list_for_each_entry_rcu(chunk, &prov->pool->chunks, next_chunk)
		bytes += PAGE_ALIGN(struct_size(chunk, bits,
			BITS_TO_LONGS((chunk->end_addr - chunk->start_addr + 1) >>
				      prov->granule_order)));
	rcu_read_unlock();
	/* Deterministic: one measurement. */
	empty[0] = bytes / mib;
	anchor[0] = sizeof(struct page) * (SZ_1M / PAGE_SIZE);
	report_n(test, "metadata bytes per MiB", empty, anchor, 1, 1);
	KUNIT_EXPECT_GT(test, bytes, (size_t)0);

	/*
	 * Fully allocated in 4 KiB pieces: what the core keeps per piece
	 * (its object at slab size, its id's share of the id xarray) and per
	 * client (the hold). The caller's scatterlist entries are not
	 * counted: a struct page user has them too.
	 */
	{
		fc = fake_client_create(test, "bmetac", NULL);
		sg = kvcalloc(n, sizeof(*sg), GFP_KERNEL);
		ids = kvcalloc(n, sizeof(*ids), GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, sg);
		KUNIT_ASSERT_NOT_NULL(test, ids);
		sg_init_table(sg, n);
		held_bytes = 0;
		for (i = 0; i < n; i++) {
			struct iomem_dma_chunk *c;

			KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sg(fc->client, prov,
								 &sg[i], SZ_4K, 0), 0);
			iomem_dma_chunk_lock(&sg[i]);
			c = iomem_dma_chunk_lookup(&sg[i]);
			held_bytes += ksize(c);
			ids[i] = c->id;
			if (!i)
				held_bytes += ksize(c->hold);
			iomem_dma_chunk_unlock(&sg[i]);
		}
		KUNIT_EXPECT_EQ(test, iomem_dma_provider_avail(prov), (size_t)0);
		held_bytes += xa_nodes_bytes(ids, n);
		fullm[0] = (bytes + held_bytes) / mib;
		report_n(test, "metadata bytes per MiB, fully allocated in 4 KiB",
			 fullm, anchor, 1, 1);
		for (i = 0; i < n; i++)
			KUNIT_EXPECT_EQ(test, iomem_dma_free_sg(fc->client, &sg[i]), 0);
		kvfree(ids);
		kvfree(sg);
	}
	KUNIT_EXPECT_EQ(test, iomem_dma_provider_unregister(prov), 0);
	vfree(mem);
}

/* ---- scale: many providers and clients, many cached verdicts ---- */

/* Every scale client sits under one switch. */
static struct iomem_dma_node *scale_sw;

static struct iomem_dma_node *scale_node_for_device(struct device *dev)
{
	return strstr(dev_name(dev), ".sc") ? iomem_dma_node_get(scale_sw) :
					      NULL;
}

static struct iomem_dma_fabric scale_fabric = {
	.name = "bench",
	.node_for_device = scale_node_for_device,
};

static void scale_fabric_exit(void *unused)
{
	iomem_dma_fabric_unregister(&scale_fabric);
}

/*
 * Time of one rule added and removed, the average of POLICY_CHANGES (a
 * few microseconds each: fewer would leave one RCU callback or timer
 * interrupt deciding a repetition).
 */
#define POLICY_CHANGES	100

static u64 time_policy_change(void)
{
	unsigned int i, id;
	char text[16];
	u64 t = ktime_get_ns();

	for (i = 0; i < POLICY_CHANGES; i++) {
		iomem_dma_policy_add("deny node=bench-x", 17, &id);
		snprintf(text, sizeof(text), "%u", id);
		iomem_dma_policy_remove(text, strlen(text));
	}
	return (ktime_get_ns() - t) / POLICY_CHANGES;
}

static void bench_scale(struct kunit *test)
{
	unsigned int n = full ? 1024 : 16, iters = full ? 20000 : 100;
	unsigned int i, j, r, nprov = full ? 100 : 8;
	struct iomem_dma_provider **provs;
	struct iomem_dma_client **clients;
	struct iomem_dma_verdict v;
	struct iomem_dma_node *sw;
	u64 big[REPS], small[REPS], chg[REPS], nochg[REPS], t;
	unsigned int paths = 0;
	char name[32], metric[96];
	void *mem;

	sw = fake_node(test, NULL, "ssw", IOMEM_DMA_NODE_ROUTES_PEER);
	scale_sw = sw;
	KUNIT_ASSERT_EQ(test, iomem_dma_fabric_register(&scale_fabric), 0);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, scale_fabric_exit,
						  NULL));
	provs = kunit_kcalloc(test, n, sizeof(*provs), GFP_KERNEL);
	clients = kunit_kcalloc(test, n, sizeof(*clients), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, provs);
	KUNIT_ASSERT_NOT_NULL(test, clients);
	mem = vzalloc(PAGE_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, mem);

	/* A policy change with no cached verdict. */
	for (r = 0; r < REPS; r++)
		nochg[r] = time_policy_change();

	for (i = 0; i < n; i++) {
		struct iomem_dma_provider_desc desc = { };
		struct iomem_dma_range *rg = kunit_kzalloc(test, sizeof(*rg),
							   GFP_KERNEL);
		struct device *dev;

		KUNIT_ASSERT_NOT_NULL(test, rg);
		snprintf(name, sizeof(name), "sp%u", i);
		dev = iomem_dma_test_device(test, name);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);
		rg->phys = BENCH_PHYS + (unsigned long)i * PAGE_SIZE;
		rg->size = PAGE_SIZE;
		rg->vaddr = (void __force __iomem *)mem;
		desc.dev = dev;
		desc.name = name;
		desc.ranges = rg;
		desc.nr_ranges = 1;
		desc.ops = &fake_prov_ops;
		desc.fabric = sw;
		desc.priv = kunit_kzalloc(test, sizeof(struct fake_prov),
					  GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, desc.priv);
		provs[i] = iomem_dma_provider_register(&desc);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, provs[i]);

		snprintf(name, sizeof(name), "sc%u", i);
		dev = iomem_dma_test_device(test, name);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);
		clients[i] = iomem_dma_client_register(dev, &fake_client_ops,
						       NULL);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, clients[i]);
		kref_get(&clients[i]->ref);
		if (i == 0) {
			/* The 1 x 1 reference. */
			for (r = 0; r < REPS; r++) {
				iomem_dma_client_verdict(provs[0], clients[0], &v);
				t = ktime_get_ns();
				for (j = 0; j < iters; j++)
					paths += warm_path(provs[0], clients[0]) ==
						 IOMEM_DMA_PATH_BUS;
				small[r] = (ktime_get_ns() - t) / iters;
			}
		}
	}
	/* Fill the caches: n clients x nprov providers. */
	for (i = 0; i < n; i++)
		for (j = 0; j < nprov; j++)
			iomem_dma_client_verdict(provs[j], clients[i], &v);
	for (r = 0; r < REPS; r++) {
		t = ktime_get_ns();
		for (j = 0; j < iters; j++)
			paths += warm_path(provs[n / 2], clients[n / 2]) ==
				 IOMEM_DMA_PATH_BUS;
		big[r] = (ktime_get_ns() - t) / iters;
		chg[r] = time_policy_change();
	}
	snprintf(name, sizeof(name), "%ux%u", n, n);
	snprintf(metric, sizeof(metric), "verdict lookup, %s registered vs 1x1",
		 name);
	report(test, metric, big, small, iters);
	snprintf(metric, sizeof(metric),
		 "policy change, %u cached verdicts vs none", n * nprov);
	report(test, metric, chg, nochg, POLICY_CHANGES);
	KUNIT_EXPECT_EQ(test, v.path, IOMEM_DMA_PATH_BUS);
	/* Every lookup was a bus path. */
	KUNIT_EXPECT_EQ(test, paths, 2 * iters * REPS);

	for (i = 0; i < n; i++) {
		iomem_dma_client_put(clients[i]);
		KUNIT_EXPECT_EQ(test, iomem_dma_provider_unregister(provs[i]), 0);
	}
	vfree(mem);
}

/* ---- scaling across CPUs ---- */

enum scale_op { SCALE_ALLOC, SCALE_MAP, SCALE_RAW };

struct scale_ctx {
	struct iomem_dma_provider *prov;
	struct gen_pool *raw;
	enum scale_op op;
	unsigned int ops;
	atomic_t ready;
	atomic_t go;
	wait_queue_head_t wq;
	atomic_t failed;
	struct completion done[4];
};

struct scale_thread {
	struct scale_ctx *ctx;
	struct iomem_dma_client *client;
	struct sg_table sgt;	/* SCALE_MAP: one entry, allocated */
	unsigned int idx;
};

static int scale_fn(void *data)
{
	struct scale_thread *st = data;
	struct scale_ctx *ctx = st->ctx;
	struct scatterlist sg;
	unsigned long addr;
	unsigned int i;

	atomic_inc(&ctx->ready);
	wake_up_all(&ctx->wq);
	wait_event(ctx->wq, atomic_read(&ctx->go));
	for (i = 0; i < ctx->ops; i++) {
		switch (ctx->op) {
		case SCALE_ALLOC:
			sg_init_table(&sg, 1);
			if (iomem_dma_alloc_sg(st->client, ctx->prov, &sg, SZ_4K, 0)) {
				atomic_inc(&ctx->failed);
				goto out;
			}
			iomem_dma_free_sg(st->client, &sg);
			break;
		case SCALE_MAP:
			if (iomem_dma_map_sgtable(st->client, &st->sgt,
						  DMA_TO_DEVICE, 0)) {
				atomic_inc(&ctx->failed);
				goto out;
			}
			iomem_dma_unmap_sgtable(st->client, &st->sgt,
						DMA_TO_DEVICE, 0);
			break;
		case SCALE_RAW:
			addr = raw_alloc(ctx->raw, SZ_4K);
			if (!addr) {
				atomic_inc(&ctx->failed);
				goto out;
			}
			gen_pool_free(ctx->raw, addr, SZ_4K);
			break;
		}
		/* Every CPU runs one of us: let RCU and the rest run too. */
		cond_resched();
	}
out:
	complete(&ctx->done[st->idx]);
	return 0;
}

/* Wall time per operation, all threads together, with @n CPUs. */
static u64 scale_run(struct kunit *test, struct scale_ctx *ctx,
		     struct scale_thread *st, unsigned int n)
{
	struct task_struct *t;
	unsigned int i;
	u64 start;

	atomic_set(&ctx->ready, 0);
	atomic_set(&ctx->go, 0);
	for (i = 0; i < n; i++) {
		init_completion(&ctx->done[i]);
		t = kthread_create(scale_fn, &st[i], "iomem_dma-scale%u", i);
		KUNIT_ASSERT_FALSE(test, IS_ERR(t));
		kthread_bind(t, i);
		wake_up_process(t);
	}
	wait_event(ctx->wq, atomic_read(&ctx->ready) == n);
	start = ktime_get_ns();
	atomic_set(&ctx->go, 1);
	wake_up_all(&ctx->wq);
	for (i = 0; i < n; i++)
		wait_for_completion(&ctx->done[i]);
	return (ktime_get_ns() - start) / ((u64)ctx->ops * n);
}

/*
 * Throughput of alloc+free and of map+unmap with one thread per CPU, each
 * with its own client, on 1 CPU and on all online CPUs up to 4; raw
 * genalloc the same way. Boot with no more vCPUs than the host has cores:
 * a vCPU that spins on a lock whose holder's vCPU is not running makes a
 * contended lock cost a host time slice, which measures the host.
 */
static void bench_scaling(struct kunit *test)
{
	unsigned int ncpu = min(4U, num_online_cpus()), i, r;
	u64 one[REPS], many[REPS], raw1[REPS], rawn[REPS];
	struct scale_thread *st;
	struct scale_ctx *ctx;
	struct iomem_dma_node *sw;
	char metric[96], name[16];
	void *mem;

	if (ncpu < 2)
		kunit_skip(test, "one CPU online");
	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	st = kunit_kcalloc(test, ncpu, sizeof(*st), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx);
	KUNIT_ASSERT_NOT_NULL(test, st);
	init_waitqueue_head(&ctx->wq);
	fake_fabric_init(test);
	sw = fake_node(test, NULL, "scsw", IOMEM_DMA_NODE_ROUTES_PEER);
	ctx->prov = big_provider(test, "bscale", POOL_BYTES, BENCH_PHYS, sw,
				 &mem);
	ctx->raw = gen_pool_create(PAGE_SHIFT, NUMA_NO_NODE);
	KUNIT_ASSERT_NOT_NULL(test, ctx->raw);
	KUNIT_ASSERT_EQ(test, gen_pool_add(ctx->raw, BENCH_PHYS, POOL_BYTES,
					   NUMA_NO_NODE), 0);
	ctx->ops = full ? 5000 : 200;
	for (i = 0; i < ncpu; i++) {
		struct fake_client *fc;

		snprintf(name, sizeof(name), "bscalec%u", i);
		fc = fake_client_create(test, name, sw);
		st[i].ctx = ctx;
		st[i].client = fc->client;
		st[i].idx = i;
		KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sgt(fc->client, ctx->prov,
							  &st[i].sgt, SZ_4K,
							  GFP_KERNEL), 0);
	}

	ctx->op = SCALE_ALLOC;
	for (r = 0; r < REPS; r++) {
		one[r] = scale_run(test, ctx, st, 1);
		many[r] = scale_run(test, ctx, st, ncpu);
	}
	snprintf(metric, sizeof(metric),
		 "alloc+free 4 KiB, %u CPUs vs 1 CPU (time per op, all CPUs)", ncpu);
	report(test, metric, many, one, ctx->ops);

	ctx->op = SCALE_RAW;
	for (r = 0; r < REPS; r++) {
		raw1[r] = scale_run(test, ctx, st, 1);
		rawn[r] = scale_run(test, ctx, st, ncpu);
	}
	snprintf(metric, sizeof(metric),
		 "raw genalloc alloc+free 4 KiB, %u CPUs vs 1 CPU", ncpu);
	report(test, metric, rawn, raw1, ctx->ops);
	snprintf(metric, sizeof(metric),
		 "alloc+free 4 KiB on %u CPUs vs raw genalloc on %u CPUs", ncpu, ncpu);
	report(test, metric, many, rawn, ctx->ops);

	ctx->op = SCALE_MAP;
	for (r = 0; r < REPS; r++) {
		one[r] = scale_run(test, ctx, st, 1);
		many[r] = scale_run(test, ctx, st, ncpu);
	}
	snprintf(metric, sizeof(metric),
		 "map+unmap 1 entry, %u CPUs vs 1 CPU (time per op, all CPUs)", ncpu);
	report(test, metric, many, one, ctx->ops);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->failed), 0);

	for (i = 0; i < ncpu; i++)
		KUNIT_EXPECT_EQ(test, iomem_dma_free_sgt(st[i].client, &st[i].sgt), 0);
	gen_pool_destroy(ctx->raw);
	KUNIT_EXPECT_EQ(test, iomem_dma_provider_unregister(ctx->prov), 0);
	vfree(mem);
}

/* ---- unregister with many outstanding allocations ---- */

static void bench_unregister(struct kunit *test)
{
	unsigned int n = full ? 10000 : 100, i, r;
	struct iomem_dma_provider *prov;
	struct fake_client *fc;
	struct scatterlist *sg;
	u64 t[REPS];
	char name[16], metric[80];
	void *mem;

	fc = fake_client_create(test, "bunregc", NULL);
	sg = kvcalloc(n, sizeof(*sg), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, sg);
	for (r = 0; r < REPS; r++) {
		snprintf(name, sizeof(name), "bunreg%u", r);
		prov = big_provider(test, name, (size_t)n * PAGE_SIZE,
				    BENCH_PHYS, NULL, &mem);
		sg_init_table(sg, n);
		for (i = 0; i < n; i++)
			KUNIT_ASSERT_EQ(test, 0,
					iomem_dma_alloc_sg(fc->client, prov, &sg[i],
							   PAGE_SIZE, 0));
		/* The client's revoke callback frees everything it holds. */
		t[r] = ktime_get_ns();
		KUNIT_EXPECT_EQ(test, iomem_dma_provider_unregister(prov), 0);
		t[r] = ktime_get_ns() - t[r];
		vfree(mem);
	}
	snprintf(name, sizeof(name), "%u", n);
	snprintf(metric, sizeof(metric),
		 "unregister with %s allocations freed on revoke (total)", name);
	report(test, metric, t, NULL, 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&fc->revokes), REPS);
	kvfree(sg);
}

static struct kunit_case iomem_dma_bench_cases[] = {
	KUNIT_CASE_SLOW(bench_verdict),
	KUNIT_CASE_SLOW(bench_map),
	KUNIT_CASE_SLOW(bench_alloc),
	KUNIT_CASE_SLOW(bench_metadata),
	KUNIT_CASE_SLOW(bench_scale),
	KUNIT_CASE_SLOW(bench_scaling),
	KUNIT_CASE_SLOW(bench_unregister),
	{}
};

/*
 * Ours is measured as a user who wants speed would run it: with
 * iomem_dma.magazines on (one row also without).
 */
static struct kunit_suite iomem_dma_bench_suite = {
	.name = "iomem_dma_bench",
	.init = magazines_on,
	.test_cases = iomem_dma_bench_cases,
};

kunit_test_suite(iomem_dma_bench_suite);

MODULE_DESCRIPTION("iomem_dma benchmarks against upstream P2PDMA, the DMA API and genalloc");
MODULE_LICENSE("GPL");
