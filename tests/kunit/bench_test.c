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
#include <linux/iomem_dma_provider.h>
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

static u64 median(u64 *v, int n)
{
	sort(v, n, sizeof(*v), cmp_u64, NULL);
	return v[n / 2];
}

static void report(struct kunit *test, const char *metric, u64 ours,
		   u64 anchor, unsigned int iters)
{
	kunit_info(test, "BENCH %s|%llu|%llu|%u|%u\n", metric, ours, anchor,
		   iters, REPS);
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

static void bench_verdict(struct kunit *test)
{
	unsigned int iters = full ? 20000 : 50, i, r;
	struct iomem_dma_provider prov = { };
	struct iomem_dma_client *client;
	struct pci_dev *iv, *edu;
	struct iomem_dma_verdict v;
	u64 warm[REPS], cold[REPS], up[REPS], t;
	void *old;

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
	/* A provider stand-in on ivshmem: the verdict reads only these. */
	prov.dev = &iv->dev;
	RCU_INIT_POINTER(prov.fabric, iomem_dma_node_for_device(&iv->dev));
	prov.id = INT_MAX;
	prov.name = "bench";

	for (r = 0; r < REPS; r++) {
		iomem_dma_client_verdict(&prov, client, &v);
		t = ktime_get_ns();
		for (i = 0; i < iters; i++)
			iomem_dma_client_verdict(&prov, client, &v);
		warm[r] = (ktime_get_ns() - t) / iters;

		t = ktime_get_ns();
		for (i = 0; i < iters; i++) {
			iomem_dma_generation_bump();
			iomem_dma_client_verdict(&prov, client, &v);
		}
		cold[r] = (ktime_get_ns() - t) / iters;

		t = ktime_get_ns();
		for (i = 0; i < iters; i++)
			pci_p2pdma_distance(iv, &edu->dev, false);
		up[r] = (ktime_get_ns() - t) / iters;
	}
	KUNIT_EXPECT_NE(test, v.path, IOMEM_DMA_PATH_DENIED);
	report(test, "verdict, warm (cached)", median(warm, REPS),
	       median(up, REPS), iters);
	report(test, "verdict, cold (first after a change)", median(cold, REPS),
	       median(up, REPS), iters);

	old = xa_erase(&client->verdicts, prov.id);
	kfree_rcu((struct iomem_dma_cached_verdict *)old, rcu);
	iomem_dma_node_put(rcu_dereference_protected(prov.fabric, true));
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
		report(test, metric, median(ours, REPS), median(dma, REPS),
		       iters);
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

static void bench_alloc(struct kunit *test)
{
	static const size_t sizes[] = { SZ_4K, SZ_64K, SZ_2M };
	static const unsigned int fills[] = { 0, 50, 95 };
	struct iomem_dma_provider *prov;
	struct gen_pool *raw;
	int ret;
	struct fake_client *fc;
	struct scatterlist *held, one;
	unsigned long *raw_held, addr;
	unsigned int s, f, i, r, nblocks, iters = full ? 2000 : 20;
	u64 ours[REPS], anchor[REPS], t;
	char metric[64];
	void *mem;

	prov = big_provider(test, "balloc", POOL_BYTES, BENCH_PHYS, NULL, &mem);
	fc = fake_client_create(test, "ballocc", NULL);
	raw = gen_pool_create(PAGE_SHIFT, NUMA_NO_NODE);
	KUNIT_ASSERT_NOT_NULL(test, raw);
	KUNIT_ASSERT_EQ(test, gen_pool_add(raw, BENCH_PHYS, POOL_BYTES,
					   NUMA_NO_NODE), 0);

	for (s = 0; s < ARRAY_SIZE(sizes); s++) {
		nblocks = POOL_BYTES / sizes[s];
		held = kvcalloc(nblocks, sizeof(*held), GFP_KERNEL);
		raw_held = kvcalloc(nblocks, sizeof(*raw_held), GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, held);
		KUNIT_ASSERT_NOT_NULL(test, raw_held);
		for (f = 0; f < ARRAY_SIZE(fills); f++) {
			/* Fill both pools alike: all blocks, then free some. */
			sg_init_table(held, nblocks);
			for (i = 0; i < nblocks && fills[f]; i++) {
				ret = iomem_dma_alloc_sg(fc->client, prov, &held[i],
							 sizes[s], 0);
				KUNIT_ASSERT_EQ(test, ret, 0);
				raw_held[i] = raw_alloc(raw, sizes[s]);
				KUNIT_ASSERT_NE(test, raw_held[i], 0UL);
			}
			for (i = 0; i < nblocks && fills[f]; i++) {
				bool keep = fills[f] == 50 ? i % 2 :
					    (i % 20) != 10;

				if (keep)
					continue;
				iomem_dma_free_sg(fc->client, &held[i]);
				gen_pool_free(raw, raw_held[i], sizes[s]);
				raw_held[i] = 0;
			}
			for (r = 0; r < REPS; r++) {
				sg_init_table(&one, 1);
				t = ktime_get_ns();
				for (i = 0; i < iters; i++) {
					if (iomem_dma_alloc_sg(fc->client, prov, &one,
							       sizes[s], 0))
						break;
					iomem_dma_free_sg(fc->client, &one);
				}
				ours[r] = (ktime_get_ns() - t) / iters;
				t = ktime_get_ns();
				for (i = 0; i < iters; i++) {
					addr = raw_alloc(raw, sizes[s]);
					if (!addr)
						break;
					gen_pool_free(raw, addr, sizes[s]);
				}
				anchor[r] = (ktime_get_ns() - t) / iters;
			}
			snprintf(metric, sizeof(metric),
				 "alloc+free %zu KiB at %u%% fill",
				 sizes[s] >> 10, fills[f]);
			report(test, metric, median(ours, REPS),
			       median(anchor, REPS), iters);
			for (i = 0; i < nblocks && fills[f]; i++) {
				if (iomem_dma_sg_is_iomem(&held[i]))
					iomem_dma_free_sg(fc->client, &held[i]);
				if (raw_held[i])
					gen_pool_free(raw, raw_held[i], sizes[s]);
			}
		}
		kvfree(held);
		kvfree(raw_held);
		if (!full)
			break;
	}
	KUNIT_EXPECT_EQ(test, iomem_dma_provider_avail(prov), POOL_BYTES);
	gen_pool_destroy(raw);
	KUNIT_EXPECT_EQ(test, iomem_dma_provider_unregister(prov), 0);
	vfree(mem);
}

/* ---- metadata per MiB against struct page ---- */

static void bench_metadata(struct kunit *test)
{
	struct iomem_dma_provider *prov;
	struct gen_pool_chunk *chunk;
	size_t bytes, mib = 64;
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
	kunit_info(test, "BENCH metadata bytes per MiB|%zu|%zu|1|1\n",
		   bytes / mib, sizeof(struct page) * (SZ_1M / PAGE_SIZE));
	KUNIT_EXPECT_GT(test, bytes, (size_t)0);
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

/* Time of one rule added and removed, the average of ten. */
static u64 time_policy_change(void)
{
	unsigned int i, id;
	char text[16];
	u64 t = ktime_get_ns();

	for (i = 0; i < 10; i++) {
		iomem_dma_policy_add("deny node=bench-x", 17, &id);
		snprintf(text, sizeof(text), "%u", id);
		iomem_dma_policy_remove(text, strlen(text));
	}
	return (ktime_get_ns() - t) / 10;
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
	char name[32];
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
					iomem_dma_client_verdict(provs[0],
								 clients[0], &v);
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
			iomem_dma_client_verdict(provs[n / 2], clients[n / 2], &v);
		big[r] = (ktime_get_ns() - t) / iters;
		chg[r] = time_policy_change();
	}
	snprintf(name, sizeof(name), "%ux%u", n, n);
	kunit_info(test, "BENCH verdict lookup, %s registered vs 1x1|%llu|%llu|%u|%u\n",
		   name, median(big, REPS), median(small, REPS), iters, REPS);
	kunit_info(test, "BENCH policy change, %u cached verdicts vs none|%llu|%llu|10|%u\n",
		   n * nprov, median(chg, REPS), median(nochg, REPS), REPS);
	KUNIT_EXPECT_EQ(test, v.path, IOMEM_DMA_PATH_BUS);

	for (i = 0; i < n; i++) {
		iomem_dma_client_put(clients[i]);
		KUNIT_EXPECT_EQ(test, iomem_dma_provider_unregister(provs[i]), 0);
	}
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
	char name[16];
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
	kunit_info(test, "BENCH unregister with %u allocations freed on revoke (total)|%llu|0|1|%u\n",
		   n, median(t, REPS), REPS);
	KUNIT_EXPECT_EQ(test, atomic_read(&fc->revokes), REPS);
	kvfree(sg);
}

static struct kunit_case iomem_dma_bench_cases[] = {
	KUNIT_CASE_SLOW(bench_verdict),
	KUNIT_CASE_SLOW(bench_map),
	KUNIT_CASE_SLOW(bench_alloc),
	KUNIT_CASE_SLOW(bench_metadata),
	KUNIT_CASE_SLOW(bench_scale),
	KUNIT_CASE_SLOW(bench_unregister),
	{}
};

static struct kunit_suite iomem_dma_bench_suite = {
	.name = "iomem_dma_bench",
	.test_cases = iomem_dma_bench_cases,
};

kunit_test_suite(iomem_dma_bench_suite);

MODULE_DESCRIPTION("iomem_dma benchmarks against upstream P2PDMA, the DMA API and genalloc");
MODULE_LICENSE("GPL");
