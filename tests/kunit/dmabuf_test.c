// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite iomem_dma_dmabuf: the dma-buf exporter. Fake importers,
 * dynamic and static, with and without peer2peer; every refusal; the
 * policy per attachment; revoke by a rule while mapped, map after revoke,
 * provider unregister with attachments.
 */

#include <kunit/test.h>
#include <linux/dma-buf.h>
#include <linux/dma-direct.h>
#include <linux/dma-mapping.h>
#include <linux/dma-resv.h>
#include <linux/file.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/iomem_dma_provider.h>

#define FAKE_WINDOW 8
#include "iomem_dma_test.h"

#define POOL	(64 * 1024)

struct imp {
	struct dma_buf_attachment *at;
	struct sg_table *sgt;
	atomic_t notified;
	bool unmap_on_notify;
};

static void imp_move_notify(struct dma_buf_attachment *at)
{
	struct imp *imp = at->importer_priv;

	dma_resv_assert_held(at->dmabuf->resv);
	atomic_inc(&imp->notified);
	if (imp->unmap_on_notify && imp->sgt) {
		dma_buf_unmap_attachment(at, imp->sgt, DMA_BIDIRECTIONAL);
		imp->sgt = NULL;
	}
}

static const struct dma_buf_attach_ops imp_p2p_ops = {
	.allow_peer2peer = true,
	.move_notify = imp_move_notify,
};

static const struct dma_buf_attach_ops imp_pages_ops = {
	.allow_peer2peer = false,
	.move_notify = imp_move_notify,
};

/*
 * A dma-buf's release runs from the last fput(), which a kthread (as
 * KUnit's) defers to a work item: wait for it.
 */
static void buf_put_now(struct dma_buf *dmabuf)
{
	dma_buf_put(dmabuf);
	flush_delayed_fput();
}

static void put_buf_action(void *data)
{
	buf_put_now(data);
}

static struct dma_buf *export(struct kunit *test, struct fake_prov *fp,
			      size_t size)
{
	struct dma_buf *dmabuf = iomem_dma_buf_export(fp->prov, size,
						      O_RDWR | O_CLOEXEC);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dmabuf);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, put_buf_action,
							   dmabuf));
	return dmabuf;
}

static void imp_detach_action(void *data)
{
	struct imp *imp = data;

	if (imp->sgt)
		dma_buf_unmap_attachment_unlocked(imp->at, imp->sgt,
						  DMA_BIDIRECTIONAL);
	imp->sgt = NULL;
	dma_buf_detach(imp->at->dmabuf, imp->at);
}

static struct imp *imp_attach(struct kunit *test, struct dma_buf *dmabuf,
			      struct device *dev)
{
	struct imp *imp = kunit_kzalloc(test, sizeof(*imp), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, imp);
	imp->unmap_on_notify = true;
	imp->at = dma_buf_dynamic_attach(dmabuf, dev, &imp_p2p_ops, imp);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, imp->at);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test,
							   imp_detach_action,
							   imp));
	return imp;
}

static int imp_map(struct imp *imp)
{
	struct sg_table *sgt;

	sgt = dma_buf_map_attachment_unlocked(imp->at, DMA_BIDIRECTIONAL);
	if (IS_ERR(sgt))
		return PTR_ERR(sgt);
	imp->sgt = sgt;
	return 0;
}

static void imp_unmap(struct imp *imp)
{
	dma_buf_unmap_attachment_unlocked(imp->at, imp->sgt, DMA_BIDIRECTIONAL);
	imp->sgt = NULL;
}

/* A switch routes the provider and importer@sw; importer@other does not. */
static void fabric(struct kunit *test, struct iomem_dma_node **sw,
		   struct iomem_dma_node **other)
{
	fake_fabric_init(test);
	*sw = fake_node(test, NULL, "sw", IOMEM_DMA_NODE_ROUTES_PEER);
	*other = fake_node(test, NULL, "other", 0);
}

/*
 * Who may attach: a static importer and a dynamic one that needs struct
 * pages are refused, and nothing they did stays behind.
 */
static void dmabuf_attach_refusals(struct kunit *test)
{
	struct iomem_dma_node *sw, *other;
	struct dma_buf_attachment *at;
	struct fake_prov *fp;
	struct fake_client *fc;
	struct dma_buf *dmabuf;
	size_t avail;

	fabric(test, &sw, &other);
	fp = fake_prov_create(test, "dbrefp", POOL, sw);
	fc = fake_client_create(test, "dbrefc", sw);
	avail = iomem_dma_provider_avail(fp->prov);
	dmabuf = export(test, fp, 3 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, dmabuf->size, (size_t)3 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, iomem_dma_provider_avail(fp->prov),
			avail - 3 * PAGE_SIZE);
	KUNIT_EXPECT_PTR_EQ(test, iomem_dma_buf_provider(dmabuf), fp->prov);

	at = dma_buf_attach(dmabuf, fc->dev);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(at), -EOPNOTSUPP);
	at = dma_buf_dynamic_attach(dmabuf, fc->dev, &imp_pages_ops, NULL);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(at), -EOPNOTSUPP);
	KUNIT_EXPECT_TRUE(test, list_empty(&dmabuf->attachments));

	/* The memory goes back when the last reference does. */
	kunit_release_action(test, put_buf_action, dmabuf);
	KUNIT_EXPECT_EQ(test, iomem_dma_provider_avail(fp->prov), avail);
}

static void dmabuf_export_errors(struct kunit *test)
{
	struct iomem_dma_node *sw, *other;
	struct fake_prov *fp;

	fabric(test, &sw, &other);
	fp = fake_prov_create(test, "dberrp", POOL, sw);
	KUNIT_EXPECT_EQ(test, PTR_ERR(iomem_dma_buf_export(NULL, PAGE_SIZE, 0)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(iomem_dma_buf_export(fp->prov, 0, 0)),
			-EINVAL);
	KUNIT_EXPECT_TRUE(test, IS_ERR(iomem_dma_buf_export(fp->prov, 2 * POOL,
							    0)));
	KUNIT_EXPECT_EQ(test, iomem_dma_provider_avail(fp->prov), (size_t)POOL);
	KUNIT_EXPECT_NULL(test, iomem_dma_buf_provider(NULL));
}

/*
 * A pair the switch routes: bus addresses, DMA entries only (no CPU entry
 * an importer could misuse as a page).
 */
static void dmabuf_map_bus_path(struct kunit *test)
{
	struct iomem_dma_node *sw, *other;
	struct fake_prov *fp;
	struct fake_client *fc;
	struct scatterlist *sg;
	struct dma_buf *dmabuf;
	struct imp *imp;
	unsigned int i;

	fabric(test, &sw, &other);
	fp = fake_prov_create(test, "dbbusp", POOL, sw);
	fc = fake_client_create(test, "dbbusc", sw);
	dmabuf = export(test, fp, 2 * PAGE_SIZE);
	imp = imp_attach(test, dmabuf, fc->dev);
	KUNIT_ASSERT_EQ(test, imp_map(imp), 0);
	KUNIT_EXPECT_EQ(test, imp->sgt->orig_nents, 0U);
	KUNIT_ASSERT_EQ(test, imp->sgt->nents, 1U);
	for_each_sgtable_dma_sg(imp->sgt, sg, i) {
		KUNIT_EXPECT_NULL(test, sg_page(sg));
		KUNIT_EXPECT_TRUE(test, sg_dma_is_bus_address(sg));
		KUNIT_EXPECT_EQ(test, sg_dma_address(sg),
				(dma_addr_t)(fp->range.phys + FAKE_BUS_OFFSET));
		KUNIT_EXPECT_EQ(test, sg_dma_len(sg), 2 * PAGE_SIZE);
	}
	/* A CPU walk of the table sees nothing. */
	i = 0;
	for_each_sgtable_sg(imp->sgt, sg, i)
		;
	KUNIT_EXPECT_EQ(test, i, 0U);
	imp_unmap(imp);
}

/* Two root ports under a host bridge that routes: through the host. */
static void dmabuf_map_host_path(struct kunit *test)
{
	struct iomem_dma_node *host, *rp1, *rp2;
	struct fake_prov *fp;
	struct fake_client *fc;
	struct dma_buf *dmabuf;
	struct imp *imp;

	if (!IS_ENABLED(CONFIG_HAS_DMA))
		kunit_skip(test, "no DMA API on this architecture");
	fake_fabric_init(test);
	host = fake_node(test, NULL, "host",
			 IOMEM_DMA_NODE_HOST | IOMEM_DMA_NODE_ROUTES_PEER);
	rp1 = fake_node(test, host, "rp1", IOMEM_DMA_NODE_ROUTES_PEER);
	rp2 = fake_node(test, host, "rp2", IOMEM_DMA_NODE_ROUTES_PEER);
	fp = fake_prov_create(test, "dbhostp", POOL, rp1);
	fc = fake_client_create(test, "dbhostc", rp2);
	dmabuf = export(test, fp, PAGE_SIZE);
	imp = imp_attach(test, dmabuf, fc->dev);
	KUNIT_ASSERT_EQ(test, imp_map(imp), 0);
	KUNIT_EXPECT_FALSE(test, sg_dma_is_bus_address(imp->sgt->sgl));
	KUNIT_EXPECT_EQ(test, sg_dma_address(imp->sgt->sgl),
			phys_to_dma(fc->dev, fp->range.phys));
	imp_unmap(imp);
}

/*
 * The policy decides per attachment: an importer the fabric does not
 * reach is refused with -EREMOTEIO while another maps the same buffer.
 */
static void dmabuf_map_per_attachment(struct kunit *test)
{
	struct iomem_dma_node *sw, *other;
	struct fake_prov *fp;
	struct fake_client *near, *far;
	struct dma_buf *dmabuf;
	struct imp *a, *b;
	int refusals = atomic_read(&iomem_dma_buf_refusals);

	fabric(test, &sw, &other);
	fp = fake_prov_create(test, "dbperp", POOL, sw);
	near = fake_client_create(test, "dbpernear", sw);
	far = fake_client_create(test, "dbperfar", other);
	dmabuf = export(test, fp, PAGE_SIZE);
	a = imp_attach(test, dmabuf, near->dev);
	b = imp_attach(test, dmabuf, far->dev);
	KUNIT_EXPECT_EQ(test, imp_map(a), 0);
	KUNIT_EXPECT_EQ(test, imp_map(b), -EREMOTEIO);
	KUNIT_EXPECT_EQ(test, atomic_read(&iomem_dma_buf_refusals), refusals + 1);
	imp_unmap(a);
}

/* The buffer is revoked for good: map, attach and CPU access refused. */
static void expect_revoked(struct kunit *test, struct dma_buf *dmabuf,
			   struct imp *imp, struct device *dev)
{
	KUNIT_EXPECT_NULL(test, imp->sgt);
	KUNIT_EXPECT_EQ(test, imp_map(imp), -ENODEV);
	KUNIT_EXPECT_EQ(test, dma_buf_begin_cpu_access(dmabuf, DMA_FROM_DEVICE),
			-ENODEV);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(dma_buf_dynamic_attach(dmabuf, dev,
								     &imp_p2p_ops,
								     NULL)),
			-ENODEV);
}

static unsigned int deny_pair(struct kunit *test, const char *prov,
			      struct fake_client *fc)
{
	char rule[96];
	unsigned int id;

	snprintf(rule, sizeof(rule), "deny provider=%s client=%s", prov,
		 fc->client->name);
	KUNIT_EXPECT_EQ(test, iomem_dma_policy_add(rule, strlen(rule), &id), 0);
	/* What a write of the sysfs add file does after adding. */
	iomem_dma_policy_revoke_denied();
	return id;
}

static void remove_rule(struct kunit *test, unsigned int id)
{
	char num[16];

	snprintf(num, sizeof(num), "%u", id);
	KUNIT_EXPECT_EQ(test, iomem_dma_policy_remove(num, strlen(num)), 0);
	iomem_dma_policy_revoke_denied();
}

/*
 * A deny rule for a mapped pair revokes the buffer: the importer is told
 * (move_notify, under the reservation lock) and unmaps, every later map,
 * attach and CPU access is refused, the memory is back in the provider
 * although the buffer is still held, and removing the rule does not
 * revive it. A change that leaves the pair's path alone tells nobody.
 */
static void dmabuf_rule_revokes_mapped_pair(struct kunit *test)
{
	struct iomem_dma_node *sw, *other;
	struct fake_prov *fp;
	struct fake_client *fc;
	struct dma_buf *dmabuf;
	struct imp *imp;
	char rule[96];
	unsigned int id;
	size_t avail;

	rules_clean(test);
	fabric(test, &sw, &other);
	fp = fake_prov_create(test, "dbrulep", POOL, sw);
	fc = fake_client_create(test, "dbrulec", sw);
	avail = iomem_dma_provider_avail(fp->prov);
	dmabuf = export(test, fp, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, iomem_dma_provider_avail(fp->prov),
			avail - PAGE_SIZE);
	imp = imp_attach(test, dmabuf, fc->dev);
	KUNIT_ASSERT_EQ(test, imp_map(imp), 0);

	snprintf(rule, sizeof(rule), "deny provider=dbrulep client=nobody");
	KUNIT_ASSERT_EQ(test, iomem_dma_policy_add(rule, strlen(rule), &id), 0);
	iomem_dma_policy_revoke_denied();
	KUNIT_EXPECT_EQ(test, atomic_read(&imp->notified), 0);
	KUNIT_EXPECT_NOT_NULL(test, imp->sgt);

	id = deny_pair(test, "dbrulep", fc);
	KUNIT_EXPECT_EQ(test, atomic_read(&imp->notified), 1);
	expect_revoked(test, dmabuf, imp, fc->dev);
	KUNIT_EXPECT_EQ(test, iomem_dma_provider_avail(fp->prov), avail);
	remove_rule(test, id);
	KUNIT_EXPECT_EQ(test, imp_map(imp), -ENODEV);
	KUNIT_EXPECT_EQ(test, atomic_read(&imp->notified), 1);
}

/*
 * A pair in use need not hold a table: an importer that mapped and
 * unmapped (between two transfers) still loses the buffer to a deny.
 * Nor does a map that the new rule refuses before the revoke pass runs
 * (seen on 4 CPUs: the importer's thread got there first). An importer
 * that was never allowed a map is not in use: a deny of its
 * pair leaves the buffer to the others.
 */
static void dmabuf_rule_revokes_pair_in_use(struct kunit *test)
{
	struct iomem_dma_node *sw, *other;
	struct fake_prov *fp;
	struct fake_client *fc, *far;
	struct dma_buf *dmabuf;
	struct imp *imp, *refused;
	char rule[96];
	size_t avail;

	rules_clean(test);
	fabric(test, &sw, &other);
	fp = fake_prov_create(test, "dbusep", POOL, sw);
	fc = fake_client_create(test, "dbusec", sw);
	far = fake_client_create(test, "dbusefar", other);
	avail = iomem_dma_provider_avail(fp->prov);
	dmabuf = export(test, fp, 2 * PAGE_SIZE);
	imp = imp_attach(test, dmabuf, fc->dev);
	refused = imp_attach(test, dmabuf, far->dev);
	KUNIT_EXPECT_EQ(test, imp_map(refused), -EREMOTEIO);
	KUNIT_ASSERT_EQ(test, imp_map(imp), 0);

	/* The refused importer's pair denied by a rule: nothing changes. */
	deny_pair(test, "dbusep", far);
	KUNIT_EXPECT_EQ(test, atomic_read(&imp->notified), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&refused->notified), 0);
	KUNIT_EXPECT_NOT_NULL(test, imp->sgt);
	KUNIT_EXPECT_EQ(test, dma_buf_begin_cpu_access(dmabuf, DMA_FROM_DEVICE), 0);
	KUNIT_EXPECT_EQ(test, dma_buf_end_cpu_access(dmabuf, DMA_FROM_DEVICE), 0);

	/*
	 * Unmapped between transfers, still in use; its next map, refused
	 * by the new rule before the pass, does not hide it either.
	 */
	imp_unmap(imp);
	snprintf(rule, sizeof(rule), "deny provider=dbusep client=%s",
		 fc->client->name);
	KUNIT_ASSERT_EQ(test, iomem_dma_policy_add(rule, strlen(rule), NULL), 0);
	KUNIT_EXPECT_EQ(test, imp_map(imp), -EREMOTEIO);
	iomem_dma_policy_revoke_denied();
	KUNIT_EXPECT_EQ(test, atomic_read(&imp->notified), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&refused->notified), 1);
	expect_revoked(test, dmabuf, imp, fc->dev);
	KUNIT_EXPECT_EQ(test, imp_map(refused), -ENODEV);
	KUNIT_EXPECT_EQ(test, iomem_dma_provider_avail(fp->prov), avail);

	/* Another buffer of the provider is not touched by the rule... */
	dmabuf = export(test, fp, PAGE_SIZE);
	imp = imp_attach(test, dmabuf, fc->dev);
	KUNIT_EXPECT_EQ(test, imp_map(imp), -EREMOTEIO);
	/* ... and a policy change after that refusal leaves it alone. */
	iomem_dma_policy_revoke_denied();
	KUNIT_EXPECT_EQ(test, dma_buf_begin_cpu_access(dmabuf, DMA_FROM_DEVICE), 0);
	KUNIT_EXPECT_EQ(test, dma_buf_end_cpu_access(dmabuf, DMA_FROM_DEVICE), 0);
}

/*
 * The provider goes while an importer has the buffer mapped: the importer
 * is told, unmaps, and the unregister completes; the buffer is revoked
 * for good (map and CPU access refused) and its last put is harmless.
 */
static void dmabuf_unregister_revokes(struct kunit *test)
{
	struct iomem_dma_node *sw, *other;
	struct fake_prov *fp;
	struct fake_client *fc;
	struct dma_buf *dmabuf;
	struct imp *imp;

	fabric(test, &sw, &other);
	fp = fake_prov_create(test, "dbgonep", POOL, sw);
	fc = fake_client_create(test, "dbgonec", sw);
	dmabuf = export(test, fp, PAGE_SIZE);
	imp = imp_attach(test, dmabuf, fc->dev);
	KUNIT_ASSERT_EQ(test, imp_map(imp), 0);
	KUNIT_EXPECT_EQ(test, dma_buf_begin_cpu_access(dmabuf, DMA_FROM_DEVICE), 0);
	KUNIT_EXPECT_EQ(test, dma_buf_end_cpu_access(dmabuf, DMA_FROM_DEVICE), 0);

	KUNIT_EXPECT_EQ(test, iomem_dma_provider_unregister(fp->prov), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&imp->notified), 1);
	KUNIT_EXPECT_NULL(test, imp->sgt);
	KUNIT_EXPECT_EQ(test, imp_map(imp), -ENODEV);
	KUNIT_EXPECT_EQ(test, dma_buf_begin_cpu_access(dmabuf, DMA_FROM_DEVICE),
			-ENODEV);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(dma_buf_dynamic_attach(dmabuf, fc->dev,
								     &imp_p2p_ops,
								     NULL)),
			-ENODEV);
}

/*
 * An importer thread that maps and unmaps as real importers do: under
 * the reservation lock, so a move_notify never sees a table half stored.
 */
struct race {
	struct imp *imp;
	atomic_t maps;		/* successful maps */
	atomic_t refused;	/* maps refused */
	atomic_t bad;		/* maps that succeeded in a denied window */
	atomic_t denied;	/* the test's deny is in force */
	struct completion started;
};

static int race_map_fn(void *data)
{
	struct race *r = data;
	struct dma_buf_attachment *at = r->imp->at;
	struct sg_table *sgt;
	bool first = true;

	while (!kthread_should_stop()) {
		dma_resv_lock(at->dmabuf->resv, NULL);
		if (!r->imp->sgt) {
			sgt = dma_buf_map_attachment(at, DMA_BIDIRECTIONAL);
			if (IS_ERR(sgt)) {
				atomic_inc(&r->refused);
			} else {
				if (atomic_read(&r->denied))
					atomic_inc(&r->bad);
				r->imp->sgt = sgt;
				atomic_inc(&r->maps);
			}
		} else {
			dma_buf_unmap_attachment(at, r->imp->sgt,
						 DMA_BIDIRECTIONAL);
			r->imp->sgt = NULL;
		}
		dma_resv_unlock(at->dmabuf->resv);
		if (first) {
			complete(&r->started);
			first = false;
		}
		cond_resched();
	}
	return 0;
}

static bool imp_mapped(struct imp *imp)
{
	bool mapped;

	dma_resv_lock(imp->at->dmabuf->resv, NULL);
	mapped = imp->sgt;
	dma_resv_unlock(imp->at->dmabuf->resv);
	return mapped;
}

static struct task_struct *race_start(struct kunit *test, struct race *r)
{
	struct task_struct *t;

	init_completion(&r->started);
	t = kthread_run(race_map_fn, r, "iomem_dma-dbrace");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	get_task_struct(t);
	wait_for_completion(&r->started);
	return t;
}

static void race_stop(struct task_struct *t)
{
	kthread_stop(t);
	put_task_struct(t);
}

/*
 * A deny rule races an importer that maps and unmaps all the time, for 50
 * buffers in turn: once the policy change returns, the importer holds no
 * table of the pair, every later map is refused (the buffer is revoked)
 * and the memory is back in the provider.
 */
static void dmabuf_deny_races_maps(struct kunit *test)
{
	struct iomem_dma_node *sw, *other;
	struct task_struct *t;
	struct fake_prov *fp;
	struct fake_client *fc;
	struct dma_buf *dmabuf;
	struct race *r;
	unsigned int id, i, before, maps = 0, refused = 0;
	size_t avail;

	rules_clean(test);
	fabric(test, &sw, &other);
	fp = fake_prov_create(test, "dbracep", POOL, sw);
	fc = fake_client_create(test, "dbracec", sw);
	avail = iomem_dma_provider_avail(fp->prov);
	r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);

	for (i = 0; i < 50; i++) {
		dmabuf = iomem_dma_buf_export(fp->prov, 4 * PAGE_SIZE,
					      O_RDWR | O_CLOEXEC);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dmabuf);
		r->imp = kunit_kzalloc(test, sizeof(*r->imp), GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, r->imp);
		r->imp->unmap_on_notify = true;
		r->imp->at = dma_buf_dynamic_attach(dmabuf, fc->dev,
						    &imp_p2p_ops, r->imp);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, r->imp->at);
		atomic_set(&r->maps, 0);
		atomic_set(&r->refused, 0);
		t = race_start(test, r);
		while (atomic_read(&r->maps) < 3)
			cond_resched();

		id = deny_pair(test, "dbracep", fc);
		atomic_set(&r->denied, 1);
		KUNIT_EXPECT_FALSE_MSG(test, imp_mapped(r->imp),
				       "round %u: a table of the denied pair survived", i);
		before = atomic_read(&r->refused);
		while (atomic_read(&r->refused) < before + 3)
			cond_resched();
		KUNIT_EXPECT_FALSE(test, imp_mapped(r->imp));
		KUNIT_EXPECT_EQ_MSG(test, iomem_dma_provider_avail(fp->prov),
				    avail, "round %u: the memory is not back", i);
		race_stop(t);
		maps += atomic_read(&r->maps);
		refused += atomic_read(&r->refused);
		atomic_set(&r->denied, 0);
		remove_rule(test, id);
		if (r->imp->sgt)
			imp_unmap(r->imp);
		dma_buf_detach(dmabuf, r->imp->at);
		buf_put_now(dmabuf);
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&r->bad), 0);
	kunit_info(test, "%u maps, %u refused\n", maps, refused);
}

/*
 * The provider unregisters while an importer maps and unmaps all the
 * time: the unregister completes, no table is left, and every later map
 * is refused with -ENODEV.
 */
static void dmabuf_unregister_races_maps(struct kunit *test)
{
	struct iomem_dma_node *sw, *other;
	struct task_struct *t;
	struct fake_prov *fp;
	struct fake_client *fc;
	struct dma_buf *dmabuf;
	struct race *r;
	unsigned int before;

	fabric(test, &sw, &other);
	fp = fake_prov_create(test, "dbunrp", POOL, sw);
	fc = fake_client_create(test, "dbunrc", sw);
	dmabuf = export(test, fp, 4 * PAGE_SIZE);
	r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	r->imp = imp_attach(test, dmabuf, fc->dev);
	t = race_start(test, r);
	while (atomic_read(&r->maps) < 20)
		cond_resched();

	KUNIT_EXPECT_EQ(test, iomem_dma_provider_unregister(fp->prov), 0);
	atomic_set(&r->denied, 1);
	KUNIT_EXPECT_FALSE(test, imp_mapped(r->imp));
	before = atomic_read(&r->refused);
	while (atomic_read(&r->refused) < before + 10)
		cond_resched();
	race_stop(t);
	KUNIT_EXPECT_EQ(test, atomic_read(&r->bad), 0);
	KUNIT_EXPECT_NULL(test, r->imp->sgt);
	KUNIT_EXPECT_EQ(test, imp_map(r->imp), -ENODEV);
}

/*
 * A provider with many exported buffers, some mapped, some released while
 * it goes: every one is revoked and the unregister completes, also when
 * every allocation the fault attribute governs fails meanwhile (the walk
 * over the buffers allocates nothing).
 */
static void dmabuf_unregister_many_buffers(struct kunit *test)
{
	struct iomem_dma_node *sw, *other;
	struct dma_buf *bufs[12];
	struct imp *imps[12];
	struct fake_prov *fp;
	struct fake_client *fc;
	unsigned int i;

	fabric(test, &sw, &other);
	fp = fake_prov_create(test, "dbmanyp", POOL, sw);
	fc = fake_client_create(test, "dbmanyc", sw);
	for (i = 0; i < ARRAY_SIZE(bufs); i++) {
		bufs[i] = iomem_dma_buf_export(fp->prov, PAGE_SIZE, O_RDWR);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, bufs[i]);
		imps[i] = NULL;
		if (i % 3)
			continue;
		/* Put after the detach: actions run last added first. */
		KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, put_buf_action,
								   bufs[i]));
		imps[i] = imp_attach(test, bufs[i], fc->dev);
		KUNIT_ASSERT_EQ(test, imp_map(imps[i]), 0);
	}
	/* Buffers that were never attached go before the unregister. */
	for (i = 1; i < ARRAY_SIZE(bufs); i += 3) {
		buf_put_now(bufs[i]);
		bufs[i] = NULL;
	}
	iomem_dma_fault_fail_all();
	KUNIT_EXPECT_EQ(test, iomem_dma_provider_unregister(fp->prov), 0);
	iomem_dma_fault_fail_none();
	for (i = 0; i < ARRAY_SIZE(bufs); i++) {
		if (imps[i]) {
			KUNIT_EXPECT_EQ(test, atomic_read(&imps[i]->notified), 1);
			KUNIT_EXPECT_NULL(test, imps[i]->sgt);
		}
		if (!bufs[i])
			continue;
		KUNIT_EXPECT_EQ(test, dma_buf_begin_cpu_access(bufs[i],
							       DMA_TO_DEVICE),
				-ENODEV);
		if (!imps[i])
			buf_put_now(bufs[i]);
	}
}

/*
 * An importer that is told but keeps its table holds the provider's
 * unregister up: the wait names it at every stall_report_ms and ends as
 * soon as it unmaps.
 */
static void dmabuf_unregister_waits_for_unmap(struct kunit *test)
{
	unsigned int old_ms = iomem_dma_stall_report_ms;
	struct iomem_dma_node *sw, *other;
	struct task_struct *t;
	struct fake_prov *fp;
	struct fake_client *fc;
	struct dma_buf *dmabuf;
	struct unreg_thread *u;
	struct imp *imp;
	int before, waited;

	fabric(test, &sw, &other);
	fp = fake_prov_create(test, "dbstallp", POOL, sw);
	fc = fake_client_create(test, "dbstallc", sw);
	dmabuf = export(test, fp, PAGE_SIZE);
	imp = imp_attach(test, dmabuf, fc->dev);
	imp->unmap_on_notify = false;
	KUNIT_ASSERT_EQ(test, imp_map(imp), 0);
	u = kunit_kzalloc(test, sizeof(*u), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, u);
	u->prov = fp->prov;
	init_completion(&u->done);

	iomem_dma_stall_report_ms = 10;
	before = atomic_read(&iomem_dma_stall_reports);
	t = kthread_run(unreg_thread_fn, u, "iomem_dma-dbunreg");
	if (IS_ERR(t)) {
		iomem_dma_stall_report_ms = old_ms;
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, t);
	}
	for (waited = 0; waited < 5000; waited += 20) {
		if (atomic_read(&iomem_dma_stall_reports) >= before + 2)
			break;
		msleep(20);
	}
	KUNIT_EXPECT_GE(test, atomic_read(&iomem_dma_stall_reports), before + 2);
	KUNIT_EXPECT_EQ(test, atomic_read(&imp->notified), 1);
	KUNIT_EXPECT_FALSE(test, completion_done(&u->done));
	imp_unmap(imp);
	KUNIT_EXPECT_TRUE(test, wait_for_completion_timeout(&u->done, 10 * HZ));
	iomem_dma_stall_report_ms = old_ms;
	KUNIT_EXPECT_EQ(test, u->ret, 0);
	KUNIT_EXPECT_EQ(test, imp_map(imp), -ENODEV);
}

#ifdef CONFIG_IOMEM_DMA_HEAPS
/*
 * A heap is offered only with a limit, and never hands out more than it:
 * what is outstanding counts until the last reference to a buffer goes.
 */
static void dmabuf_heap_limit(struct kunit *test)
{
	struct iomem_dma_node *sw, *other;
	struct iomem_dma_heap *h;
	struct fake_prov *fp;
	struct dma_buf *a, *b;

	fabric(test, &sw, &other);
	fp = fake_prov_create(test, "dbheapp", POOL, sw);
	KUNIT_EXPECT_NULL(test, iomem_dma_heap_of(fp->prov));
	KUNIT_EXPECT_EQ(test, iomem_dma_heap_set_limit(fp->prov, 0), 0);
	KUNIT_EXPECT_NULL(test, iomem_dma_heap_of(fp->prov));
	KUNIT_ASSERT_EQ(test, iomem_dma_heap_set_limit(fp->prov, 2 * PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, iomem_dma_heap_limit(fp->prov), (u64)2 * PAGE_SIZE);
	h = iomem_dma_heap_of(fp->prov);
	KUNIT_ASSERT_NOT_NULL(test, h);

	a = iomem_dma_heap_alloc(h, PAGE_SIZE, O_RDWR);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, a);
	KUNIT_EXPECT_PTR_EQ(test, iomem_dma_buf_provider(a), fp->prov);
	KUNIT_EXPECT_EQ(test, PTR_ERR(iomem_dma_heap_alloc(h, 2 * PAGE_SIZE, O_RDWR)),
			-ENOSPC);
	/* Rounded to pages: one byte more than the rest is refused. */
	KUNIT_EXPECT_EQ(test, PTR_ERR(iomem_dma_heap_alloc(h, PAGE_SIZE + 1, O_RDWR)),
			-ENOSPC);
	b = iomem_dma_heap_alloc(h, 100, O_RDWR);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, b);
	buf_put_now(a);
	buf_put_now(b);
	KUNIT_EXPECT_EQ(test, iomem_dma_provider_avail(fp->prov), (size_t)POOL);
	a = iomem_dma_heap_alloc(h, 2 * PAGE_SIZE, O_RDWR);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, a);
	buf_put_now(a);
	KUNIT_EXPECT_EQ(test, PTR_ERR(iomem_dma_heap_alloc(h, 0, O_RDWR)), -EINVAL);

	KUNIT_EXPECT_EQ(test, iomem_dma_heap_set_limit(fp->prov, 0), 0);
	KUNIT_EXPECT_EQ(test, PTR_ERR(iomem_dma_heap_alloc(h, PAGE_SIZE, O_RDWR)),
			-ENOSPC);
	KUNIT_EXPECT_PTR_EQ(test, iomem_dma_heap_of(fp->prov), h);
}

/* The heap outlives its provider and then refuses with -ENODEV. */
static void dmabuf_heap_provider_gone(struct kunit *test)
{
	struct iomem_dma_node *sw, *other;
	struct iomem_dma_heap *h;
	struct fake_prov *fp;
	struct dma_buf *a;

	fabric(test, &sw, &other);
	fp = fake_prov_create(test, "dbheapgonep", POOL, sw);
	KUNIT_ASSERT_EQ(test, iomem_dma_heap_set_limit(fp->prov, POOL), 0);
	h = iomem_dma_heap_of(fp->prov);
	KUNIT_ASSERT_NOT_NULL(test, h);
	a = iomem_dma_heap_alloc(h, PAGE_SIZE, O_RDWR);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, a);
	/* An unattached buffer does not hold the unregister up. */
	KUNIT_EXPECT_EQ(test, iomem_dma_provider_unregister(fp->prov), 0);
	KUNIT_EXPECT_EQ(test, PTR_ERR(iomem_dma_heap_alloc(h, PAGE_SIZE, O_RDWR)),
			-ENODEV);
	KUNIT_EXPECT_EQ(test, dma_buf_begin_cpu_access(a, DMA_TO_DEVICE), -ENODEV);
	buf_put_now(a);
}
#endif

static struct kunit_case iomem_dma_dmabuf_cases[] = {
	KUNIT_CASE(dmabuf_attach_refusals),
	KUNIT_CASE(dmabuf_export_errors),
	KUNIT_CASE(dmabuf_map_bus_path),
	KUNIT_CASE(dmabuf_map_host_path),
	KUNIT_CASE(dmabuf_map_per_attachment),
	KUNIT_CASE(dmabuf_rule_revokes_mapped_pair),
	KUNIT_CASE(dmabuf_rule_revokes_pair_in_use),
	KUNIT_CASE(dmabuf_unregister_revokes),
	KUNIT_CASE(dmabuf_deny_races_maps),
	KUNIT_CASE(dmabuf_unregister_races_maps),
	KUNIT_CASE(dmabuf_unregister_many_buffers),
	KUNIT_CASE(dmabuf_unregister_waits_for_unmap),
#ifdef CONFIG_IOMEM_DMA_HEAPS
	KUNIT_CASE(dmabuf_heap_limit),
	KUNIT_CASE(dmabuf_heap_provider_gone),
#endif
	{}
};

static struct kunit_suite iomem_dma_dmabuf_suite = {
	.name = "iomem_dma_dmabuf",
	.test_cases = iomem_dma_dmabuf_cases,
};

kunit_test_suite(iomem_dma_dmabuf_suite);

MODULE_IMPORT_NS(DMA_BUF);
MODULE_DESCRIPTION("KUnit tests for the iomem_dma dma-buf exporter");
MODULE_LICENSE("GPL");
