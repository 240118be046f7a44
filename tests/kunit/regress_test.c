// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit regression cases: one per bug fixed in upstream P2PDMA
 * (drivers/pci/p2pdma.c) that iomem_dma could repeat. Each case names the
 * upstream fix and asserts what iomem_dma does instead. See
 * Documentation/driver-api/iomem_dma/reliability.rst.
 */

#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/iomem_dma_provider.h>
#include <linux/kthread.h>
#include <linux/mount.h>
#include <linux/panic.h>
#include <linux/rcupdate.h>
#include <linux/string.h>

#define FAKE_WINDOW 11
#include "iomem_dma_test.h"

#define SZ (64 * 1024)
#define RP IOMEM_DMA_NODE_ROUTES_PEER

/* ---- helpers ---- */

static unsigned int chunks_count(void)
{
	struct iomem_dma_chunk *chunk;
	unsigned long id;
	unsigned int n = 0;

	xa_for_each(&iomem_dma_chunks, id, chunk)
		n++;
	return n;
}

static unsigned int dev_refs(struct device *dev)
{
	return kref_read(&dev->kobj.kref);
}

/*
 * A WARN (or a "sleeping function called from invalid context" report)
 * taints the kernel with TAINT_WARN. The flag is sticky, so a case can
 * only see its own WARNs if it was clear at the start; otherwise the
 * kernel-log check of scripts/kunit.sh still catches them.
 */
static bool warn_taint_clear(struct kunit *test)
{
	if (test_taint(TAINT_WARN)) {
		kunit_info(test, "TAINT_WARN already set; the log check covers this case\n");
		return false;
	}
	return true;
}

static void expect_no_new_warn(struct kunit *test, bool was_clear)
{
	if (was_clear)
		KUNIT_EXPECT_FALSE_MSG(test, test_taint(TAINT_WARN),
				       "a WARN fired during the case");
}

/* The id the next registered provider gets: the lowest free one. */
static unsigned int next_provider_id(struct kunit *test, struct fake_prov *fp)
{
	struct iomem_dma_provider_desc desc = {
		.dev = fp->dev, .name = "regress-probe", .ranges = &fp->range,
		.nr_ranges = 1, .ops = &fake_prov_ops, .priv = fp,
	};
	struct iomem_dma_provider *p;
	unsigned int id;

	p = iomem_dma_provider_register(&desc);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);
	id = p->id;
	KUNIT_ASSERT_EQ(test, iomem_dma_provider_unregister(p), 0);
	return id;
}

/*
 * 6238784e502b: an error path freed a member pointer instead of the
 * allocation. Every error path of registration and allocation must undo
 * exactly what it did: the device reference, the provider id, the pool,
 * the accounting, the references on client and provider.
 */
static void regress_error_paths_free_what_they_took(struct kunit *test)
{
	struct fake_prov *fp = fake_prov_create(test, "errp", SZ, NULL);
	struct fake_prov *spare = fake_prov_create_flags(test, "errq", SZ,
							 NULL, false);
	struct fake_client *fc = fake_client_create(test, "errc", NULL);
	struct fake_client *other = fake_client_create(test, "erro", NULL);
	struct iomem_dma_provider_desc desc = {
		.dev = spare->dev, .name = "errq", .ranges = &spare->range,
		.nr_ranges = 1, .ops = &fake_prov_ops, .priv = spare,
	};
	struct iomem_dma_provider_desc bad;
	struct iomem_dma_range ranges[2];
	struct scatterlist sg, held[12], ram;
	struct iomem_dma_client *client;
	unsigned int provs, refs, id, i, chunks, prov_refs, client_refs;
	struct sg_table sgt;
	bool was_clear = warn_taint_clear(test);

	/* Registration: failures after allocating, with bad input. */
	id = next_provider_id(test, spare);
	provs = providers_count();
	refs = dev_refs(spare->dev);

	bad = desc;
	bad.name = "has space";		/* fails after the copies are made */
	KUNIT_EXPECT_EQ(test, PTR_ERR(iomem_dma_provider_register(&bad)),
			-EINVAL);
	bad.name = "errp";		/* fails after the id and the pool */
	KUNIT_EXPECT_EQ(test, PTR_ERR(iomem_dma_provider_register(&bad)),
			-EEXIST);
	ranges[0] = spare->range;
	ranges[1] = spare->range;
	ranges[1].phys += PAGE_SIZE;	/* overlap: fails in the pool */
	ranges[1].size = PAGE_SIZE;
	bad = desc;
	bad.ranges = ranges;
	bad.nr_ranges = 2;
	KUNIT_EXPECT_EQ(test, PTR_ERR(iomem_dma_provider_register(&bad)),
			-EINVAL);
	ranges[1].phys = 0;		/* physical address 0: pool refuses */
	ranges[1].size = PAGE_SIZE;
	KUNIT_EXPECT_EQ(test, PTR_ERR(iomem_dma_provider_register(&bad)),
			-EINVAL);

	KUNIT_EXPECT_EQ(test, providers_count(), provs);
	KUNIT_EXPECT_EQ(test, dev_refs(spare->dev), refs);
	KUNIT_EXPECT_EQ(test, next_provider_id(test, spare), id);
	KUNIT_EXPECT_NULL(test, iomem_dma_provider_get_by_name("errq"));

	/* Allocation: failures with bad input and after partial work. */
	for (i = 0; i < ARRAY_SIZE(held); i++) {
		sg_init_table(&held[i], 1);
		KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sg(fc->client, fp->prov,
							 &held[i], PAGE_SIZE,
							 0), 0);
	}
	/* Free every other one: 6 holes of one page, 4 pages at the end. */
	for (i = 0; i < ARRAY_SIZE(held); i += 2)
		KUNIT_ASSERT_EQ(test, iomem_dma_free_sg(fc->client, &held[i]), 0);

	client = fc->client;
	/* What the fixture's frees kept in magazines is not held. */
	iomem_dma_provider_mags_drain(fp->prov);
	client_refs = kref_read(&client->ref);
	prov_refs = kref_read(&fp->prov->ref);
	chunks = chunks_count();
	KUNIT_ASSERT_EQ(test, iomem_dma_provider_avail(fp->prov),
			(size_t)(SZ - 6 * PAGE_SIZE));

	sg_init_table(&sg, 1);
	KUNIT_EXPECT_EQ(test, iomem_dma_alloc_sg(fc->client, fp->prov, &sg, 0, 0),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, iomem_dma_alloc_sg(fc->client, fp->prov, &sg,
						 PAGE_SIZE, 3 * PAGE_SIZE),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, iomem_dma_alloc_sg(fc->client, fp->prov, &sg,
						 SZ + 1, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, iomem_dma_alloc_sg(fc->client, fp->prov, NULL,
						 PAGE_SIZE, 0), -EINVAL);
	/* No 8 contiguous pages are free: the pool runs short. */
	KUNIT_EXPECT_EQ(test, iomem_dma_alloc_sg(fc->client, fp->prov, &sg,
						 8 * PAGE_SIZE, 0), -ENOMEM);
	/* 11 pages do not exist: the table takes 10, then gives them back. */
	KUNIT_EXPECT_EQ(test, iomem_dma_alloc_sgt(fc->client, fp->prov, &sgt,
						  11 * PAGE_SIZE, GFP_KERNEL),
			-ENOMEM);

	/* Frees that must not happen, and a second free of the same entry. */
	sg_init_table(&ram, 1);
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sg(fc->client, &ram), -EINVAL);
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sg(other->client, &held[1]), -EPERM);
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sg(fc->client, &held[0]), -EINVAL);

	KUNIT_EXPECT_EQ(test, iomem_dma_provider_avail(fp->prov),
			(size_t)(SZ - 6 * PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, fp->prov->nr_chunks, 6UL);
	KUNIT_EXPECT_EQ(test, chunks_count(), chunks);
	KUNIT_EXPECT_EQ(test, kref_read(&client->ref), client_refs);
	KUNIT_EXPECT_EQ(test, kref_read(&fp->prov->ref), prov_refs);

	for (i = 1; i < ARRAY_SIZE(held); i += 2)
		KUNIT_EXPECT_EQ(test, iomem_dma_free_sg(fc->client, &held[i]), 0);
	KUNIT_EXPECT_EQ(test, iomem_dma_provider_avail(fp->prov), (size_t)SZ);
	iomem_dma_provider_mags_drain(fp->prov);
	KUNIT_EXPECT_TRUE(test, list_empty(&fp->prov->holders));
	expect_no_new_warn(test, was_clear);
}

/* A firmware statement for the RCU case: "fw-deny..." is denied at "fwnode". */
static int regress_fw_verdict(struct iomem_dma_provider *prov,
			      struct device *client, char *where, size_t len)
{
	if (strncmp(prov->name, "fw-deny", 7))
		return 0;
	strscpy(where, "fwnode", len);
	return -1;
}

static void rcu_case_exit(void *unused)
{
	iomem_dma_policy_clear();
	fake_fabric.fabric.firmware_verdict = NULL;
}

/*
 * Jaillet 2024 (Fixes ae21f835a5bd): the verbose path allocated with
 * GFP_KERNEL inside an RCU read section. Verdicts are computed locklessly
 * and explained without sleeping: do both inside rcu_read_lock() with
 * DEBUG_ATOMIC_SLEEP on, over every kind of decision.
 */
static void regress_explain_under_rcu(struct kunit *test)
{
	struct iomem_dma_node *host, *sw, *island;
	struct fake_prov *near, *far, *denied, *ruled, *unnamed;
	const unsigned int nv = 6;
	struct iomem_dma_verdict *v;
	struct fake_client *fc;
	const char *rule = "deny provider=rcu-ruled";
	char (*line)[256];
	unsigned int id, i;
	bool was_clear;

	/* Off the stack: 5 verdicts and lines are too big for 32-bit frames. */
	v = kunit_kcalloc(test, nv, sizeof(*v), GFP_KERNEL);
	line = kunit_kcalloc(test, nv, sizeof(*line), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, v);
	KUNIT_ASSERT_NOT_NULL(test, line);
	iomem_dma_policy_clear();
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, rcu_case_exit, NULL));
	fake_fabric.fabric.firmware_verdict = regress_fw_verdict;
	fake_fabric_init(test);
	host = fake_node(test, NULL, "rhost", IOMEM_DMA_NODE_HOST);
	sw = fake_node(test, host, "rsw", RP);
	island = fake_node(test, NULL, "risland", RP);
	near = fake_prov_create(test, "rcu-near", SZ, sw);
	far = fake_prov_create(test, "rcu-far", SZ, island);
	denied = fake_prov_create(test, "fw-deny", SZ, sw);
	fake_fwnode(test, denied->dev);
	/* The same statement, on a device no firmware can name: not asked. */
	unnamed = fake_prov_create(test, "fw-deny-unnamed", SZ, sw);
	ruled = fake_prov_create(test, "rcu-ruled", SZ, sw);
	fc = fake_client_create(test, "rcuc", sw);
	KUNIT_ASSERT_EQ(test, iomem_dma_policy_add(rule, strlen(rule), &id),
			0);
	was_clear = warn_taint_clear(test);

	rcu_read_lock();
	iomem_dma_verdict_compute(near->prov, fc->dev, sw, "rcuc",
				  &v[0]);
	iomem_dma_verdict_compute(far->prov, fc->dev, sw, "rcuc",
				  &v[1]);
	iomem_dma_verdict_compute(denied->prov, fc->dev, sw, "rcuc",
				  &v[2]);
	iomem_dma_verdict_compute(ruled->prov, fc->dev, sw, "rcuc",
				  &v[3]);
	iomem_dma_verdict_compute(near->prov, fc->dev, NULL, "rcuc", &v[4]);
	iomem_dma_verdict_compute(unnamed->prov, fc->dev, sw, "rcuc", &v[5]);
	for (i = 0; i < nv; i++)
		iomem_dma_verdict_format("rcuc", &v[i], line[i],
					 sizeof(line[i]));
	rcu_read_unlock();

	KUNIT_EXPECT_EQ(test, v[0].path, IOMEM_DMA_PATH_BUS);
	KUNIT_EXPECT_EQ(test, v[0].reason, IOMEM_DMA_REASON_COMMON_NODE);
	KUNIT_EXPECT_EQ(test, v[1].reason, IOMEM_DMA_REASON_NO_COMMON_NODE);
	KUNIT_EXPECT_EQ(test, v[2].reason, IOMEM_DMA_REASON_FW_DENY);
	KUNIT_EXPECT_STREQ(test, v[2].node, "fwnode");
	KUNIT_EXPECT_EQ(test, v[3].reason, IOMEM_DMA_REASON_RULE_DENY);
	KUNIT_EXPECT_EQ(test, v[3].rule, id);
	KUNIT_EXPECT_EQ(test, v[4].reason,
			IOMEM_DMA_REASON_CLIENT_NOT_ON_FABRIC);
	KUNIT_EXPECT_EQ(test, v[5].reason, IOMEM_DMA_REASON_COMMON_NODE);
	KUNIT_EXPECT_NOT_NULL(test, strstr(line[0], "rcuc bus "));
	KUNIT_EXPECT_NOT_NULL(test, strstr(line[2], "node=fwnode"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(line[3], "reason=rule_deny"));
	expect_no_new_warn(test, was_clear);
}

/*
 * 6220694c52a5: a leaked reference made device removal wait forever.
 * Unregister waits for allocations only, never for references; while an
 * allocation is held it names the holder at every stall_report_ms, and it
 * finishes as soon as the memory comes back.
 */
static void regress_unregister_never_hangs_silently(struct kunit *test)
{
	struct fake_prov *fp = fake_prov_create(test, "leakp", SZ, NULL);
	struct fake_prov *fq = fake_prov_create(test, "leakq", SZ, NULL);
	struct fake_client *fc = fake_client_create(test, "leakc", NULL);
	struct iomem_dma_provider *leaked;
	struct task_struct *t;
	struct unreg_thread *ut;
	unsigned int old_ms = iomem_dma_stall_report_ms;
	struct scatterlist sg;
	int before, waited;

	/* A reference nobody puts does not block the unregister. */
	leaked = iomem_dma_provider_get_by_name("leakq");
	KUNIT_ASSERT_PTR_EQ(test, leaked, fq->prov);
	KUNIT_EXPECT_EQ(test, iomem_dma_provider_unregister(fq->prov), 0);
	KUNIT_EXPECT_STREQ(test, iomem_dma_provider_name(leaked), "leakq");
	iomem_dma_provider_put(leaked);

	/* An allocation the client never frees: the holder is named. */
	ut = kunit_kzalloc(test, sizeof(*ut), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ut);
	fc->ignore_revoke = true;
	sg_init_table(&sg, 1);
	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sg(fc->client, fp->prov, &sg,
						 PAGE_SIZE, 0), 0);
	iomem_dma_stall_report_ms = 10;
	before = atomic_read(&iomem_dma_stall_reports);
	init_completion(&ut->done);
	ut->prov = fp->prov;
	ut->ret = 1;
	t = kthread_run(unreg_thread_fn, ut, "iomem_dma-unreg");
	if (IS_ERR(t)) {
		iomem_dma_stall_report_ms = old_ms;
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, t);
	}
	for (waited = 0; waited < 5000; waited += 20) {
		if (atomic_read(&iomem_dma_stall_reports) >= before + 2)
			break;
		msleep(20);
	}
	KUNIT_EXPECT_GE(test, atomic_read(&iomem_dma_stall_reports),
			before + 2);
	KUNIT_EXPECT_FALSE(test, completion_done(&ut->done));
	KUNIT_EXPECT_EQ(test, atomic_read(&fc->revokes), 1);

	KUNIT_EXPECT_EQ(test, iomem_dma_free_sg(fc->client, &sg), 0);
	KUNIT_EXPECT_TRUE(test,
			  wait_for_completion_timeout(&ut->done, 10 * HZ) > 0);
	iomem_dma_stall_report_ms = old_ms;
	KUNIT_EXPECT_EQ(test, ut->ret, 0);
}

/*
 * cb500023a752: an inverted WARN condition fired on every mmap. Map and
 * unmap of valid tables, refused maps and repeated unmaps never WARN.
 */
static void regress_map_path_never_warns(struct kunit *test)
{
	struct iomem_dma_node *sw, *island;
	struct fake_client *fc, *far;
	struct fake_prov *fp;
	struct sg_table sgt;
	bool was_clear;
	int i;

	fake_fabric_init(test);
	sw = fake_node(test, NULL, "wsw", RP);
	island = fake_node(test, NULL, "wisland", RP);
	fp = fake_prov_create(test, "warnp", SZ, sw);
	fc = fake_client_create(test, "warnc", sw);
	far = fake_client_create(test, "warnf", island);
	was_clear = warn_taint_clear(test);

	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sgt(fc->client, fp->prov, &sgt,
						  4 * PAGE_SIZE, GFP_KERNEL), 0);
	for (i = 0; i < 50; i++) {
		KUNIT_ASSERT_EQ(test, iomem_dma_map_sgtable(fc->client, &sgt,
							    DMA_BIDIRECTIONAL,
							    0), 0);
		iomem_dma_unmap_sgtable(fc->client, &sgt, DMA_BIDIRECTIONAL, 0);
	}
	/* Unmapping what is not mapped is a no-op. */
	iomem_dma_unmap_sgtable(fc->client, &sgt, DMA_BIDIRECTIONAL, 0);
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sgt(fc->client, &sgt), 0);

	/* A refused map is an answer, not a kernel bug. */
	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sgt(far->client, fp->prov, &sgt,
						  PAGE_SIZE, GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, iomem_dma_map_sgtable(far->client, &sgt,
						    DMA_TO_DEVICE, 0),
			-EREMOTEIO);
	iomem_dma_unmap_sgtable(far->client, &sgt, DMA_TO_DEVICE, 0);
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sgt(far->client, &sgt), 0);
	KUNIT_EXPECT_EQ(test, iomem_dma_provider_avail(fp->prov), (size_t)SZ);
	expect_no_new_warn(test, was_clear);
}

/*
 * d0d08f4bd7f6: sg_dma_len stayed 0 on bus-address entries. Every mapped
 * iomem entry of a table with pieces of several sizes has its DMA length
 * and the bus address the backend gave; unmapped, both are cleared.
 */
static void regress_bus_entries_have_dma_len(struct kunit *test)
{
	struct scatterlist holes[4], *sg;
	struct iomem_dma_chunk *chunk;
	struct iomem_dma_node *sw;
	struct fake_client *fc;
	struct fake_prov *fp;
	struct sg_table sgt;
	unsigned int i, n = 0;
	size_t total = 0;
	phys_addr_t phys;

	fake_fabric_init(test);
	sw = fake_node(test, NULL, "lsw", RP);
	fp = fake_prov_create(test, "lenp", 16 * PAGE_SIZE, sw);
	fc = fake_client_create(test, "lenc", sw);

	/* Fragment the pool: pieces of 1, 2 and 11 pages stay free. */
	for (i = 0; i < ARRAY_SIZE(holes); i++)
		sg_init_table(&holes[i], 1);
	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sg(fc->client, fp->prov, &holes[0],
						 PAGE_SIZE, 0), 0);
	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sg(fc->client, fp->prov, &holes[1],
						 PAGE_SIZE, 0), 0);
	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sg(fc->client, fp->prov, &holes[2],
						 2 * PAGE_SIZE, 0), 0);
	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sg(fc->client, fp->prov, &holes[3],
						 PAGE_SIZE, 0), 0);
	KUNIT_ASSERT_EQ(test, iomem_dma_free_sg(fc->client, &holes[0]), 0);
	KUNIT_ASSERT_EQ(test, iomem_dma_free_sg(fc->client, &holes[2]), 0);

	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sgt(fc->client, fp->prov, &sgt,
						  12 * PAGE_SIZE, GFP_KERNEL), 0);
	KUNIT_EXPECT_GT(test, sgt.orig_nents, 1U);
	KUNIT_ASSERT_EQ(test, iomem_dma_map_sgtable(fc->client, &sgt,
						    DMA_FROM_DEVICE, 0), 0);
	KUNIT_EXPECT_EQ(test, sgt.nents, sgt.orig_nents);
	for_each_sgtable_dma_sg(&sgt, sg, i) {
		KUNIT_EXPECT_TRUE(test, iomem_dma_sg_is_iomem(sg));
		KUNIT_EXPECT_EQ(test, sg_dma_len(sg), sg->length);
		KUNIT_EXPECT_NE(test, sg_dma_len(sg), 0U);
		KUNIT_EXPECT_TRUE(test, sg_dma_is_bus_address(sg));
		iomem_dma_chunk_lock(sg);
		chunk = iomem_dma_chunk_lookup(sg);
		phys = chunk ? chunk->phys : 0;
		iomem_dma_chunk_unlock(sg);
		KUNIT_EXPECT_NOT_NULL(test, chunk);
		if (chunk)
			KUNIT_EXPECT_EQ(test, sg_dma_address(sg),
					(dma_addr_t)phys + FAKE_BUS_OFFSET);
		total += sg_dma_len(sg);
		n++;
	}
	KUNIT_EXPECT_EQ(test, n, sgt.orig_nents);
	KUNIT_EXPECT_EQ(test, total, (size_t)12 * PAGE_SIZE);

	iomem_dma_unmap_sgtable(fc->client, &sgt, DMA_FROM_DEVICE, 0);
	for_each_sgtable_sg(&sgt, sg, i) {
		KUNIT_EXPECT_EQ(test, sg_dma_len(sg), 0U);
		KUNIT_EXPECT_FALSE(test, sg_dma_is_bus_address(sg));
	}
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sgt(fc->client, &sgt), 0);
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sg(fc->client, &holes[1]), 0);
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sg(fc->client, &holes[3]), 0);
	KUNIT_EXPECT_EQ(test, iomem_dma_provider_avail(fp->prov),
			(size_t)16 * PAGE_SIZE);
}

struct put_race {
	struct iomem_dma_client *client;
	struct scatterlist sg;
	struct iomem_dma_provider *ref;
	unsigned int delay_us;
	struct completion done;
	int ret;
};

static int put_race_fn(void *data)
{
	struct put_race *pr = data;

	udelay(pr->delay_us);
	pr->ret = iomem_dma_free_sg(pr->client, &pr->sg);
	iomem_dma_provider_put(pr->ref);
	complete(&pr->done);
	return 0;
}

/*
 * 50f44ee7248a, 771f0714d0dc: the final put raced the unplug, and one
 * reference stood for many resources. Two providers on one device hold
 * one device reference each; a thread drops the last allocation and the
 * last lookup reference while the provider is being unregistered.
 */
static void regress_final_put_races_unplug(struct kunit *test)
{
	struct fake_prov *fp = fake_prov_create_flags(test, "putp", SZ, NULL,
						      false);
	struct fake_client *fc = fake_client_create(test, "putc", NULL);
	struct iomem_dma_provider_desc desc = {
		.dev = fp->dev, .ranges = &fp->range, .nr_ranges = 1,
		.ops = &fake_prov_ops, .priv = fp,
	};
	struct iomem_dma_provider *a, *b;
	struct task_struct *t;
	struct put_race *pr;
	struct scatterlist sg;
	unsigned int refs, provs;
	int round;

	pr = kunit_kzalloc(test, sizeof(*pr), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pr);
	refs = dev_refs(fp->dev);
	provs = providers_count();

	/*
	 * One device, two providers: each holds its own references (the
	 * driver core adds its own for their sysfs devices), so the first
	 * unregister leaves the second working and the last gives every
	 * reference back.
	 */
	desc.name = "put-a";
	a = iomem_dma_provider_register(&desc);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, a);
	desc.name = "put-b";
	b = iomem_dma_provider_register(&desc);
	if (IS_ERR(b))
		iomem_dma_provider_unregister(a);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, b);
	KUNIT_EXPECT_EQ(test, iomem_dma_provider_unregister(a), 0);
	KUNIT_EXPECT_GT(test, dev_refs(fp->dev), refs);
	sg_init_table(&sg, 1);
	KUNIT_EXPECT_EQ(test, iomem_dma_alloc_sg(fc->client, b, &sg, PAGE_SIZE,
						 0), 0);
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sg(fc->client, &sg), 0);
	KUNIT_EXPECT_EQ(test, iomem_dma_provider_unregister(b), 0);
	KUNIT_EXPECT_EQ(test, dev_refs(fp->dev), refs);

	/*
	 * The client frees on its own, from another thread, while the
	 * provider is unregistered; the thread's put of its lookup reference
	 * is then the last one, or unregister's is. 20 rounds, with the
	 * thread starting up to 190 us late.
	 */
	fc->ignore_revoke = true;
	desc.name = "put-race";
	for (round = 0; round < 20; round++) {
		a = iomem_dma_provider_register(&desc);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, a);
		pr->client = fc->client;
		pr->ret = 1;
		pr->delay_us = 10 * round;
		sg_init_table(&pr->sg, 1);
		KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sg(fc->client, a, &pr->sg,
							 PAGE_SIZE, 0), 0);
		pr->ref = iomem_dma_provider_get_by_name("put-race");
		KUNIT_ASSERT_PTR_EQ(test, pr->ref, a);
		init_completion(&pr->done);
		t = kthread_run(put_race_fn, pr, "iomem_dma-put");
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, t);
		KUNIT_EXPECT_EQ(test, iomem_dma_provider_unregister(a), 0);
		KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&pr->done,
								    10 * HZ));
		KUNIT_EXPECT_EQ(test, pr->ret, 0);
		KUNIT_EXPECT_EQ(test, providers_count(), provs);
		KUNIT_EXPECT_EQ(test, dev_refs(fp->dev), refs);
	}
}

struct inflight {
	struct fake_client fc;
	struct iomem_dma_provider *prov;
	struct sg_table sgt;
	int alloc_in_revoke;
	unsigned int mapped_in_revoke;
	size_t avail_in_revoke;
	bool still_listed;
};

static void inflight_revoke(struct iomem_dma_client *client,
			    struct iomem_dma_provider *prov, void *priv)
{
	struct inflight *in = priv;
	struct iomem_dma_provider *p;
	struct scatterlist sg, *s;
	unsigned int i;

	atomic_inc(&in->fc.revokes);
	sg_init_table(&sg, 1);
	in->alloc_in_revoke = iomem_dma_alloc_sg(client, prov, &sg, PAGE_SIZE,
						 0);
	for_each_sgtable_sg(&in->sgt, s, i)
		if (sg_dma_len(s))
			in->mapped_in_revoke++;
	in->avail_in_revoke = iomem_dma_provider_avail(prov);
	p = iomem_dma_provider_get_by_name(iomem_dma_provider_name(prov));
	in->still_listed = p;
	iomem_dma_provider_put(p);
	/* The client stops its DMA, then gives the memory back. */
	iomem_dma_unmap_sgtable(client, &in->sgt, DMA_BIDIRECTIONAL, 0);
	iomem_dma_free_sgt(client, &in->sgt);
}

static const struct iomem_dma_client_ops inflight_ops = {
	.revoke = inflight_revoke,
};

/*
 * pmem teardown-order fix: devm actions ran in the wrong order and unbind
 * oopsed with I/O in flight. Unbinding a devm provider while a client
 * holds a mapped table first makes the provider dead and unlisted, then
 * revokes while the memory is still valid and mapped, then drains: the
 * pool goes only after the client gave everything back.
 */
static void regress_teardown_revokes_then_drains(struct kunit *test)
{
	struct fake_prov *fp = fake_prov_create_flags(test, "tdp", SZ, NULL,
						      false);
	struct iomem_dma_provider_desc desc = {
		.dev = fp->dev, .name = "tdp", .ranges = &fp->range,
		.nr_ranges = 1, .ops = &fake_prov_ops, .priv = fp,
	};
	struct iomem_dma_node *sw;
	struct inflight *in;
	unsigned int nents;

	in = kunit_kzalloc(test, sizeof(*in), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, in);
	fake_fabric_init(test);
	sw = fake_node(test, NULL, "tdsw", RP);
	desc.fabric = sw;
	in->fc.dev = iomem_dma_test_device(test, "tdc");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, in->fc.dev);
	fake_fabric_place(test, in->fc.dev, sw);
	in->fc.client = iomem_dma_client_register(in->fc.dev, &inflight_ops,
						  in);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, in->fc.client);
	in->prov = devm_iomem_dma_provider_register(fp->dev, &desc);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, in->prov);

	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sgt(in->fc.client, in->prov,
						  &in->sgt, 3 * PAGE_SIZE,
						  GFP_KERNEL), 0);
	KUNIT_ASSERT_EQ(test, iomem_dma_map_sgtable(in->fc.client, &in->sgt,
						    DMA_BIDIRECTIONAL, 0), 0);
	nents = in->sgt.orig_nents;
	/* An entry may not be freed while mapped, even by its owner. */
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sgt(in->fc.client, &in->sgt), -EBUSY);

	kunit_device_unregister(test, fp->dev);	/* the unbind */

	KUNIT_EXPECT_EQ(test, atomic_read(&in->fc.revokes), 1);
	KUNIT_EXPECT_EQ(test, in->alloc_in_revoke, -ENODEV);
	KUNIT_EXPECT_FALSE(test, in->still_listed);
	KUNIT_EXPECT_EQ(test, in->mapped_in_revoke, nents);
	KUNIT_EXPECT_EQ(test, in->avail_in_revoke, (size_t)(SZ - 3 * PAGE_SIZE));
	KUNIT_EXPECT_NULL(test, in->sgt.sgl);
	KUNIT_EXPECT_NULL(test, iomem_dma_provider_get_by_name("tdp"));
}

struct sysfs_reader {
	struct vfsmount *mnt;
	char path[96];
	struct completion started;
	atomic_t good, gone;
	int bad;
	bool stop;
};

static int sysfs_reader_fn(void *data)
{
	struct sysfs_reader *r = data;
	char buf[512];
	struct file *f;
	bool first = true;
	ssize_t n;
	loff_t pos;

	while (!READ_ONCE(r->stop)) {
		f = file_open_root_mnt(r->mnt, r->path, O_RDONLY, 0);
		if (first) {
			complete(&r->started);
			first = false;
		}
		if (IS_ERR(f)) {
			atomic_inc(&r->gone);
			usleep_range(100, 200);
			continue;
		}
		do {
			pos = 0;
			n = kernel_read(f, buf, sizeof(buf) - 1, &pos);
			if (n > 0)
				atomic_inc(&r->good);
			else if (n == -ENODEV)
				atomic_inc(&r->gone);
			else
				r->bad++;
			/* UML does not preempt: let the unregister run. */
			usleep_range(50, 100);
		} while (n > 0 && !READ_ONCE(r->stop));
		fput(f);
	}
	return 0;
}

/*
 * ae21f835a5bd: a sysfs read raced the provider's release. Threads read
 * the published, size and available files in a loop, keeping them open,
 * while the provider is unregistered and its memory freed: reads either
 * return data or fail with -ENODEV; KASAN sees no use after free.
 */
static void regress_sysfs_read_races_release(struct kunit *test)
{
	static const char *const files[] = { "published", "size", "available" };
	struct iomem_dma_provider_desc desc = {
		.name = "sysrace", .nr_ranges = 1, .ops = &fake_prov_ops,
	};
	struct sysfs_reader *r[ARRAY_SIZE(files)];
	struct task_struct *t[ARRAY_SIZE(files)];
	struct file_system_type *fs;
	struct vfsmount *mnt;
	struct fake_prov *fp;
	unsigned int i, round;

	fs = get_fs_type("sysfs");
	KUNIT_ASSERT_NOT_NULL(test, fs);
	mnt = kern_mount(fs);
	put_filesystem(fs);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, mnt);
	fp = fake_prov_create_flags(test, "sysrace", SZ, NULL, false);
	desc.dev = fp->dev;
	desc.ranges = &fp->range;
	desc.priv = fp;
	for (round = 0; round < 3; round++) {
		fp->prov = iomem_dma_provider_register(&desc);
		if (IS_ERR(fp->prov) || !fp->prov->cdev) {
			if (!IS_ERR(fp->prov))
				iomem_dma_provider_unregister(fp->prov);
			kern_unmount(mnt);
			KUNIT_FAIL(test, "no provider with a sysfs entry");
			return;
		}
		for (i = 0; i < ARRAY_SIZE(files); i++) {
			r[i] = kunit_kzalloc(test, sizeof(*r[i]), GFP_KERNEL);
			KUNIT_ASSERT_NOT_NULL(test, r[i]);
			r[i]->mnt = mnt;
			snprintf(r[i]->path, sizeof(r[i]->path),
				 "class/iomem_dma/sysrace/%s", files[i]);
			init_completion(&r[i]->started);
			t[i] = kthread_run(sysfs_reader_fn, r[i],
					   "iomem_dma-rd%u", i);
			KUNIT_ASSERT_NOT_ERR_OR_NULL(test, t[i]);
			get_task_struct(t[i]);
		}
		for (i = 0; i < ARRAY_SIZE(files); i++)
			wait_for_completion(&r[i]->started);
		/* Let every reader get some data before the removal. */
		for (i = 0; i < ARRAY_SIZE(files); i++) {
			unsigned int w;

			for (w = 0; w < 200 && atomic_read(&r[i]->good) < 3; w++)
				usleep_range(1000, 2000);
		}
		KUNIT_EXPECT_EQ(test, iomem_dma_provider_unregister(fp->prov), 0);
		for (i = 0; i < 200 && atomic_read(&r[0]->gone) < 3; i++)
			usleep_range(1000, 2000);
		for (i = 0; i < ARRAY_SIZE(files); i++) {
			WRITE_ONCE(r[i]->stop, true);
			kthread_stop(t[i]);
			put_task_struct(t[i]);
			KUNIT_EXPECT_GT_MSG(test, atomic_read(&r[i]->good), 0,
					    "%s never read", files[i]);
			KUNIT_EXPECT_GT_MSG(test, atomic_read(&r[i]->gone), 0,
					    "%s still there", files[i]);
			KUNIT_EXPECT_EQ(test, r[i]->bad, 0);
		}
	}
	kern_unmount(mnt);
	KUNIT_EXPECT_NULL(test, iomem_dma_provider_get_by_name("sysrace"));
}

static struct kunit_case iomem_dma_regress_cases[] = {
	KUNIT_CASE(regress_error_paths_free_what_they_took),
	KUNIT_CASE(regress_explain_under_rcu),
	KUNIT_CASE(regress_unregister_never_hangs_silently),
	KUNIT_CASE(regress_map_path_never_warns),
	KUNIT_CASE(regress_bus_entries_have_dma_len),
	KUNIT_CASE(regress_final_put_races_unplug),
	KUNIT_CASE(regress_teardown_revokes_then_drains),
	KUNIT_CASE(regress_sysfs_read_races_release),
	{}
};

static struct kunit_suite iomem_dma_regress_suite = {
	.name = "iomem_dma_regress",
	.test_cases = iomem_dma_regress_cases,
};

kunit_test_suite(iomem_dma_regress_suite);

MODULE_DESCRIPTION("KUnit regression cases for upstream P2PDMA bugs in iomem_dma");
MODULE_LICENSE("GPL");
