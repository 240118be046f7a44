// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit fault-injection walks: fail the 1st, 2nd, ... Nth step of an
 * operation (every allocation or registration step of the core asks
 * iomem_dma_should_fail() first) until the operation runs out of steps.
 * Each failure must return a clean error and leave the subsystem as it
 * was; the few steps whose failure the core absorbs (a verdict that is not
 * cached, a provider without a sysfs entry) must leave a working result.
 */

#include <kunit/test.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/iomem_dma_provider.h>
#include <linux/string.h>

#define FAKE_WINDOW 12
#include "iomem_dma_test.h"

#define SZ (16 * PAGE_SIZE)
#define RP IOMEM_DMA_NODE_ROUTES_PEER

/**
 * struct walk_ctx - what a walk works on
 * @fp: a registered provider to allocate from.
 * @fc: a registered client.
 * @probe: an unregistered fake provider, for the registration walk.
 * @dev: an unregistered device, for the client walk.
 * @client: the registration the client walk made.
 * @sgt: the table of the allocation and map walks.
 * @one: the entry of the first-allocation walk.
 * @prov: the provider the registration walk made.
 * @file: an opener with the test's credentials, for the sysfs handlers.
 * @node: the switch the provider and client sit under.
 */
struct walk_ctx {
	struct fake_prov *fp;
	struct fake_client *fc;
	struct fake_prov *probe;
	struct device *dev;
	struct iomem_dma_client *client;
	struct sg_table sgt;
	struct scatterlist one;
	struct iomem_dma_provider *prov;
	struct file *file;
	struct iomem_dma_node *node;
};

/**
 * struct walk - one operation to walk
 * @name: printed with N.
 * @op: the operation; 0 or a negative errno.
 * @undo: undoes a successful @op.
 * @absorbed: optional; says whether a success although a step failed is
 *	the documented degraded result. Without it such a success fails.
 */
struct walk {
	const char *name;
	int (*op)(struct kunit *test, struct walk_ctx *c);
	void (*undo)(struct kunit *test, struct walk_ctx *c);
	bool (*absorbed)(struct kunit *test, struct walk_ctx *c);
};

/* What must not change when an operation fails. */
struct snap {
	unsigned int providers, clients, rules, chunks, prov_refs;
	unsigned int client_refs, dev_refs;
	size_t avail;
	bool is_client;
};

static unsigned int list_count(struct list_head *head)
{
	struct list_head *pos;
	unsigned int n = 0;

	mutex_lock(&iomem_dma_providers_lock);
	list_for_each(pos, head)
		n++;
	mutex_unlock(&iomem_dma_providers_lock);
	return n;
}

static void snap_take(struct walk_ctx *c, struct snap *s)
{
	struct iomem_dma_chunk *chunk;
	unsigned long id;

	/* Kept allocations are free memory: balance what is really held. */
	iomem_dma_provider_mags_drain(c->fp->prov);
	memset(s, 0, sizeof(*s));
	s->providers = list_count(&iomem_dma_providers);
	s->clients = list_count(&iomem_dma_clients);
	s->rules = iomem_dma_policy_count();
	xa_for_each(&iomem_dma_chunks, id, chunk)
		s->chunks++;
	s->avail = iomem_dma_provider_avail(c->fp->prov);
	s->prov_refs = kref_read(&c->fp->prov->ref);
	s->client_refs = kref_read(&c->fc->client->ref);
	s->dev_refs = kref_read(&c->probe->dev->kobj.kref);
	s->is_client = iomem_dma_is_client(c->dev);
}

static void snap_expect_same(struct kunit *test, const struct snap *a,
			     const struct snap *b, const char *what,
			     unsigned int n)
{
	KUNIT_EXPECT_EQ_MSG(test, a->providers, b->providers, "%s step %u",
			    what, n);
	KUNIT_EXPECT_EQ_MSG(test, a->clients, b->clients, "%s step %u", what,
			    n);
	KUNIT_EXPECT_EQ_MSG(test, a->rules, b->rules, "%s step %u", what, n);
	KUNIT_EXPECT_EQ_MSG(test, a->chunks, b->chunks, "%s step %u", what, n);
	KUNIT_EXPECT_EQ_MSG(test, a->avail, b->avail, "%s step %u", what, n);
	KUNIT_EXPECT_EQ_MSG(test, a->prov_refs, b->prov_refs, "%s step %u",
			    what, n);
	KUNIT_EXPECT_EQ_MSG(test, a->client_refs, b->client_refs,
			    "%s step %u", what, n);
	KUNIT_EXPECT_EQ_MSG(test, a->dev_refs, b->dev_refs, "%s step %u", what,
			    n);
	KUNIT_EXPECT_EQ_MSG(test, a->is_client, b->is_client, "%s step %u",
			    what, n);
}

/*
 * Count the steps of a clean run, then fail each of them in turn, and
 * check that a run one step longer fails nothing and succeeds.
 */
static void walk_run(struct kunit *test, const struct walk *w,
		     struct walk_ctx *c)
{
	unsigned int n, clean, steps;
	struct snap before, after;
	bool fired;
	int ret;

	snap_take(c, &before);
	iomem_dma_fault_arm(0);
	ret = w->op(test, c);
	clean = iomem_dma_fault_disarm(NULL);
	KUNIT_ASSERT_EQ_MSG(test, ret, 0, "%s without faults", w->name);
	w->undo(test, c);
	snap_take(c, &after);
	snap_expect_same(test, &before, &after, w->name, 0);
	KUNIT_EXPECT_GT_MSG(test, clean, 0U, "%s has no fault point", w->name);

	for (n = 1; n <= clean + 1; n++) {
		snap_take(c, &before);
		iomem_dma_fault_arm(n);
		ret = w->op(test, c);
		steps = iomem_dma_fault_disarm(&fired);
		if (!fired) {
			/* Out of steps: the walk is over. */
			KUNIT_EXPECT_EQ_MSG(test, n, clean + 1,
					    "%s took %u steps, %u clean",
					    w->name, steps, clean);
			KUNIT_EXPECT_EQ(test, ret, 0);
			if (!ret)
				w->undo(test, c);
		} else if (ret) {
			KUNIT_EXPECT_TRUE_MSG(test,
					      ret == -ENOMEM || ret == -ENOSPC,
					      "%s step %u: error %d", w->name,
					      n, ret);
		} else {
			KUNIT_EXPECT_TRUE_MSG(test,
					      w->absorbed &&
					      w->absorbed(test, c),
					      "%s succeeded although step %u failed",
					      w->name, n);
			w->undo(test, c);
		}
		snap_take(c, &after);
		snap_expect_same(test, &before, &after, w->name, n);
		if (!fired)
			break;
	}
	kunit_info(test, "%s: N=%u, each failing step clean\n", w->name, clean);
}

/* ---- the operations ---- */

static int op_provider_register(struct kunit *test, struct walk_ctx *c)
{
	struct iomem_dma_provider_desc desc = {
		.dev = c->probe->dev, .name = "fault-prov",
		.ranges = &c->probe->range, .nr_ranges = 1,
		.ops = &fake_prov_ops, .priv = c->probe, .fabric = c->node,
	};

	c->prov = iomem_dma_provider_register(&desc);
	if (IS_ERR(c->prov))
		return PTR_ERR(c->prov);
	return 0;
}

static void undo_provider_register(struct kunit *test, struct walk_ctx *c)
{
	KUNIT_EXPECT_EQ(test, iomem_dma_provider_unregister(c->prov), 0);
}

/* Without its sysfs entry a provider still works; the driver is told. */
static bool absorbed_provider_register(struct kunit *test, struct walk_ctx *c)
{
	struct scatterlist sg;
	bool ok;

	if (c->prov->cdev)
		return false;
	sg_init_table(&sg, 1);
	ok = !iomem_dma_alloc_sg(c->fc->client, c->prov, &sg, PAGE_SIZE, 0);
	if (ok)
		ok = !iomem_dma_free_sg(c->fc->client, &sg);
	return ok;
}

static int op_client_register(struct kunit *test, struct walk_ctx *c)
{
	c->client = iomem_dma_client_register(c->dev, &fake_client_ops, NULL);
	return PTR_ERR_OR_ZERO(c->client);
}

static void undo_client_register(struct kunit *test, struct walk_ctx *c)
{
	KUNIT_EXPECT_EQ(test, iomem_dma_client_unregister(c->client), 0);
}

/* 15 pages of a pool with page 1 taken: three pieces, several retries. */
static int op_alloc_sgt(struct kunit *test, struct walk_ctx *c)
{
	return iomem_dma_alloc_sgt(c->fc->client, c->fp->prov, &c->sgt,
				   15 * PAGE_SIZE, GFP_KERNEL);
}

static void undo_alloc_sgt(struct kunit *test, struct walk_ctx *c)
{
	KUNIT_EXPECT_EQ(test, c->sgt.orig_nents, 3U);
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sgt(c->fc->client, &c->sgt), 0);
}

/* A client's first allocation from a provider also creates its accounting. */
static int op_alloc_first(struct kunit *test, struct walk_ctx *c)
{
	sg_init_table(&c->one, 1);
	return iomem_dma_alloc_sg(c->fc->client, c->prov, &c->one, PAGE_SIZE, 0);
}

static void undo_alloc_first(struct kunit *test, struct walk_ctx *c)
{
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sg(c->fc->client, &c->one), 0);
	/* Not kept for the next run: each starts from the pool. */
	iomem_dma_provider_mags_drain(c->prov);
}

static int op_map(struct kunit *test, struct walk_ctx *c)
{
	/*
	 * No cached verdict before each run: it must be computed and
	 * stored (after a change that leaves it as it was, the entry would
	 * only be refreshed in place, with no step to fail).
	 */
	iomem_dma_client_verdict_forget(c->fc->client, c->fp->prov->id);
	return iomem_dma_map_sgtable(c->fc->client, &c->sgt, DMA_TO_DEVICE, 0);
}

static void undo_map(struct kunit *test, struct walk_ctx *c)
{
	struct scatterlist *sg;
	unsigned int i;

	for_each_sgtable_dma_sg(&c->sgt, sg, i) {
		KUNIT_EXPECT_TRUE(test, sg_dma_is_bus_address(sg));
		KUNIT_EXPECT_EQ(test, sg_dma_len(sg), sg->length);
	}
	iomem_dma_unmap_sgtable(c->fc->client, &c->sgt, DMA_TO_DEVICE, 0);
}

/*
 * The only steps a map takes are the verdict cache's, which only saves
 * work: a map that could not cache its verdict is complete all the same,
 * and counted in its hold, so a later deny finds and revokes it.
 */
static bool absorbed_map(struct kunit *test, struct walk_ctx *c)
{
	struct iomem_dma_chunk *chunk;
	struct scatterlist *sg;
	unsigned int i;
	bool ok = true;

	for_each_sgtable_dma_sg(&c->sgt, sg, i)
		ok &= sg_dma_is_bus_address(sg) && sg_dma_len(sg) == sg->length;
	iomem_dma_chunk_lock(c->sgt.sgl);
	chunk = iomem_dma_chunk_lookup(c->sgt.sgl);
	ok &= chunk && atomic_long_read(&chunk->hold->mapped) ==
		       c->sgt.orig_nents;
	iomem_dma_chunk_unlock(c->sgt.sgl);
	return ok;
}

static int op_rule_add(struct kunit *test, struct walk_ctx *c)
{
	static const char rule[] = "allow provider=fault-data client=x\n";
	ssize_t ret;

	ret = iomem_dma_admin_add(c->file, rule, strlen(rule), NULL);
	return ret;
}

static void undo_rule_add(struct kunit *test, struct walk_ctx *c)
{
	KUNIT_EXPECT_EQ(test, iomem_dma_policy_count(), 1U);
	iomem_dma_policy_clear();
}

static int op_find(struct kunit *test, struct walk_ctx *c)
{
	c->prov = iomem_dma_find(&c->fc->dev, 1);
	return PTR_ERR_OR_ZERO(c->prov);
}

static void undo_find(struct kunit *test, struct walk_ctx *c)
{
	KUNIT_EXPECT_PTR_EQ(test, c->prov, c->fp->prov);
	iomem_dma_provider_put(c->prov);
}

static const struct walk walks[] = {
	{ "provider registration", op_provider_register,
	  undo_provider_register, absorbed_provider_register },
	{ "client registration", op_client_register, undo_client_register },
	{ "table allocation", op_alloc_sgt, undo_alloc_sgt },
	{ "first allocation from a provider", op_alloc_first,
	  undo_alloc_first },
	{ "mapping", op_map, undo_map, absorbed_map },
	{ "rule addition", op_rule_add, undo_rule_add },
	{ "provider lookup", op_find, undo_find },
};

static void walk_desc(const struct walk *w, char *desc)
{
	strscpy(desc, w->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(walks, walks, walk_desc);

static void faults_walk(struct kunit *test)
{
	const struct walk *w = test->param_value;
	struct scatterlist first, tmp;
	struct walk_ctx *c;

	c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c);
	c->file = kunit_kzalloc(test, sizeof(*c->file), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c->file);
	c->file->f_cred = current_cred();
	c->file->f_mode = FMODE_WRITE;
	rules_clean(test);
	fake_fabric_init(test);
	c->node = fake_node(test, NULL, "fsw", RP);
	c->fp = fake_prov_create(test, "fault-data", SZ, c->node);
	KUNIT_ASSERT_EQ(test, iomem_dma_provider_publish(c->fp->prov, true), 0);
	c->fc = fake_client_create(test, "fault-client", c->node);
	c->probe = fake_prov_create_flags(test, "fault-probe", SZ, NULL, false);
	c->dev = iomem_dma_test_device(test, "fault-dev");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, c->dev);

	/* Page 1 taken, so that a 15-page table needs three pieces. */
	sg_init_table(&first, 1);
	sg_init_table(&tmp, 1);
	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sg(c->fc->client, c->fp->prov,
						 &tmp, PAGE_SIZE, 0), 0);
	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sg(c->fc->client, c->fp->prov,
						 &first, PAGE_SIZE, 0), 0);
	KUNIT_ASSERT_EQ(test, iomem_dma_free_sg(c->fc->client, &tmp), 0);
	if (w->op == op_map)
		KUNIT_ASSERT_EQ(test, op_alloc_sgt(test, c), 0);
	if (w->op == op_alloc_first)
		KUNIT_ASSERT_EQ(test, op_provider_register(test, c), 0);

	walk_run(test, w, c);

	if (w->op == op_alloc_first)
		undo_provider_register(test, c);

	if (w->op == op_map)
		KUNIT_EXPECT_EQ(test, iomem_dma_free_sgt(c->fc->client, &c->sgt),
				0);
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sg(c->fc->client, &first), 0);
	KUNIT_EXPECT_EQ(test, iomem_dma_provider_avail(c->fp->prov),
			(size_t)SZ);
	iomem_dma_provider_mags_drain(c->fp->prov);
	KUNIT_EXPECT_TRUE(test, list_empty(&c->fp->prov->holders));
}

static struct kunit_case iomem_dma_faults_cases[] = {
	KUNIT_CASE_PARAM(faults_walk, walks_gen_params),
	{}
};

static struct kunit_suite iomem_dma_faults_suite = {
	.name = "iomem_dma_faults",
	.test_cases = iomem_dma_faults_cases,
};

kunit_test_suite(iomem_dma_faults_suite);

MODULE_DESCRIPTION("KUnit fault-injection walks for iomem_dma");
MODULE_LICENSE("GPL");
