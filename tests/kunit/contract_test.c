// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit regression cases for the safety contract: a deny always revokes
 * what is mapped, an entry reaches only its own allocation, no lifetime
 * dangles, names are never cut. Each case tries to break one promise the
 * way a careless or hostile caller would; each failed on the code before
 * the fix it names. See Documentation/driver-api/iomem_dma/reliability.rst.
 */

#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/iomem_dma_provider.h>
#include <linux/kthread.h>
#include <linux/mount.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <uapi/linux/iomem_dma.h>

#define FAKE_WINDOW 14
#include "iomem_dma_test.h"

#define POOL (16 * PAGE_SIZE)
#define RP IOMEM_DMA_NODE_ROUTES_PEER

/*
 * A provider and a client under one switch that routes peer traffic: the
 * hardware allows the pair (bus path) until a rule denies it.
 */
struct pair {
	struct fake_prov *fp;
	struct fake_client *fc;
	struct iomem_dma_node *sw;
};

static void pair_create(struct kunit *test, struct pair *p, const char *prov,
			const char *client)
{
	rules_clean(test);
	fake_fabric_init(test);
	p->sw = fake_node(test, NULL, "csw", RP);
	p->fp = fake_prov_create(test, prov, POOL, p->sw);
	p->fc = fake_client_create(test, client, p->sw);
}

struct table_res {
	struct sg_table sgt;
	struct fake_client *fc;
};

/*
 * Runs before the client's teardown (actions run last added, first): a
 * test that stopped half-way with the table still held gives it back here,
 * before its memory goes and while the client's teardown could still read
 * it through free_on_revoke; otherwise the provider's unregister would wait
 * for it forever.
 */
static void table_release(void *data)
{
	struct table_res *t = data;

	if (t->fc->free_on_revoke == &t->sgt) {
		fake_client_free_table(t->fc);
	} else if (t->sgt.sgl) {
		iomem_dma_unmap_sgtable(t->fc->client, &t->sgt,
					DMA_BIDIRECTIONAL, 0);
		if (iomem_dma_free_sgt(t->fc->client, &t->sgt))
			sg_free_table(&t->sgt);
	}
	kfree(t);
}

/* A table of @size bytes of the pair's provider, allocated, not mapped. */
static struct sg_table *allocated_table(struct kunit *test, struct pair *p,
					size_t size)
{
	struct table_res *t = kzalloc(sizeof(*t), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, t);
	t->fc = p->fc;
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, table_release, t));
	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sgt(p->fc->client, p->fp->prov,
						  &t->sgt, size, GFP_KERNEL), 0);
	return &t->sgt;
}

static struct sg_table *mapped_table(struct kunit *test, struct pair *p,
				     size_t size)
{
	struct sg_table *sgt = allocated_table(test, p, size);

	KUNIT_ASSERT_EQ(test, iomem_dma_map_sgtable(p->fc->client, sgt,
						    DMA_BIDIRECTIONAL, 0), 0);
	return sgt;
}

/* ---- 1. a deny always revokes ---- */

/*
 * A rule denies a mapped pair; before the revoke pass runs, an
 * unprivileged user asks for the pair's verdict (IOMEM_DMA_IOC_QUERY).
 * The pass must still revoke the mapping: once, a reader recomputed the
 * cached verdict as DENIED and the pass, which decided from that cache,
 * skipped the client.
 */
static void contract_deny_revokes_after_verdicts_read(struct kunit *test)
{
	const char *rule = "deny provider=ct-rdp";
	struct iomem_dma_query *q;
	struct pair p;

	q = kunit_kzalloc(test, sizeof(*q), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, q);
	pair_create(test, &p, "ct-rdp", "rdc");
	p.fc->free_on_revoke = mapped_table(test, &p, PAGE_SIZE);

	KUNIT_ASSERT_EQ(test, iomem_dma_policy_add(rule, strlen(rule), NULL),
			0);
	strscpy(q->provider, "ct-rdp");
	strscpy(q->client, p.fc->client->name);
	KUNIT_EXPECT_EQ(test, iomem_dma_admin_query(q), 0);
	KUNIT_EXPECT_STREQ(test, q->path, "denied");

	KUNIT_EXPECT_EQ(test, iomem_dma_policy_revoke_denied(), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&p.fc->revokes), 1);
	KUNIT_EXPECT_EQ(test, p.fp->prov->nr_chunks, 0UL);
	/* Nothing left when the revoke worked; the table otherwise. */
	fake_client_free_table(p.fc);
}

/*
 * The same with the client's own next map: it is refused (and caches the
 * DENIED verdict), but the first table, mapped under the old allow, must
 * still be revoked.
 */
static void contract_deny_revokes_after_own_map(struct kunit *test)
{
	const char *rule = "deny provider=ct-omp";
	struct sg_table *second;
	struct pair p;

	pair_create(test, &p, "ct-omp", "omc");
	p.fc->free_on_revoke = mapped_table(test, &p, PAGE_SIZE);
	second = allocated_table(test, &p, PAGE_SIZE);

	KUNIT_ASSERT_EQ(test, iomem_dma_policy_add(rule, strlen(rule), NULL),
			0);
	KUNIT_EXPECT_EQ(test, iomem_dma_map_sgtable(p.fc->client, second,
						    DMA_TO_DEVICE, 0),
			-EREMOTEIO);
	KUNIT_EXPECT_EQ(test, iomem_dma_policy_revoke_denied(), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&p.fc->revokes), 1);
	/* The callback freed both tables' memory (it sweeps what is left). */
	KUNIT_EXPECT_EQ(test, p.fp->prov->nr_chunks, 0UL);
	fake_client_free_table(p.fc);
	if (iomem_dma_free_sgt(p.fc->client, second))
		sg_free_table(second);
}

/*
 * A hold whose memory is allocated but not mapped gives the device no
 * address: a deny has nothing to revoke there, and the pass leaves it
 * alone. One that is mapped is revoked once per pass that finds it still
 * mapped under a deny, so a client that ignores the callback is told again.
 */
static void contract_revoke_follows_mappings(struct kunit *test)
{
	const char *rule = "deny provider=ct-fmp";
	struct sg_table *idle, *busy;
	struct pair p;

	pair_create(test, &p, "ct-fmp", "fmc");
	idle = allocated_table(test, &p, PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, iomem_dma_policy_add(rule, strlen(rule), NULL),
			0);
	KUNIT_EXPECT_EQ(test, iomem_dma_policy_revoke_denied(), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&p.fc->revokes), 0);
	iomem_dma_policy_clear();

	busy = mapped_table(test, &p, PAGE_SIZE);
	p.fc->ignore_revoke = true;
	KUNIT_ASSERT_EQ(test, iomem_dma_policy_add(rule, strlen(rule), NULL),
			0);
	KUNIT_EXPECT_EQ(test, iomem_dma_policy_revoke_denied(), 1);
	KUNIT_EXPECT_EQ(test, iomem_dma_policy_revoke_denied(), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&p.fc->revokes), 2);
	iomem_dma_unmap_sgtable(p.fc->client, busy, DMA_BIDIRECTIONAL, 0);
	KUNIT_EXPECT_EQ(test, iomem_dma_policy_revoke_denied(), 0);
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sgt(p.fc->client, busy), 0);
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sgt(p.fc->client, idle), 0);
}

/*
 * A provider being unregistered whose client keeps its mapping through the
 * unregister's revoke: a deny added meanwhile still reaches the mapping.
 * Found by iomem_dma_model on four CPUs: passes looked only at registered
 * providers, and an unregister takes the provider off that list first.
 */
static void contract_deny_reaches_dying_provider(struct kunit *test)
{
	struct task_struct *t;
	struct sg_table *sgt;
	struct unreg_thread *u;
	struct pair p;
	char *rule;
	int i;

	u = kunit_kzalloc(test, sizeof(*u), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, u);
	pair_create(test, &p, "ct-dyp", "dyc");
	sgt = mapped_table(test, &p, PAGE_SIZE);
	p.fc->ignore_revoke = true;
	u->prov = p.fp->prov;
	init_completion(&u->done);
	t = kthread_run(unreg_thread_fn, u, "iomem_dma-unreg");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, t);
	for (i = 0; i < 500 && atomic_read(&p.fc->revokes) < 1; i++)
		usleep_range(1000, 2000);
	KUNIT_EXPECT_EQ(test, atomic_read(&p.fc->revokes), 1);

	rule = kasprintf(GFP_KERNEL, "deny client=%s", dev_name(p.fc->dev));
	KUNIT_ASSERT_NOT_NULL(test, rule);
	KUNIT_EXPECT_EQ(test, iomem_dma_policy_add(rule, strlen(rule), NULL),
			0);
	kfree(rule);
	KUNIT_EXPECT_EQ(test, iomem_dma_policy_revoke_denied(), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&p.fc->revokes), 2);

	/* Give the memory back: the unregister finishes. */
	iomem_dma_unmap_sgtable(p.fc->client, sgt, DMA_BIDIRECTIONAL, 0);
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sgt(p.fc->client, sgt), 0);
	wait_for_completion(&u->done);
	KUNIT_EXPECT_EQ(test, u->ret, 0);
}

/* ---- 2. an entry names only its own memory ---- */

/*
 * A stale copy of a freed entry, after another client allocated: every use
 * of the copy fails with -ENOENT (or -EINVAL for the map) and the other
 * client's memory is untouched. Before, ids came back at once and the copy
 * named the new allocation: the copy helpers wrote into it and the map
 * mapped it for the wrong client.
 */
static void contract_stale_copy_names_nothing(struct kunit *test)
{
	struct scatterlist mine, stale, theirs;
	struct fake_client *other;
	struct sg_table sgt;
	u8 pattern[64], back[64];
	struct pair p;

	pair_create(test, &p, "ct-stp", "stc");
	other = fake_client_create(test, "sto", p.sw);
	memset(pattern, 0x5a, sizeof(pattern));

	sg_init_table(&mine, 1);
	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sg(p.fc->client, p.fp->prov, &mine,
						 PAGE_SIZE, 0), 0);
	stale = mine;
	KUNIT_ASSERT_EQ(test, iomem_dma_free_sg(p.fc->client, &mine), 0);

	sg_init_table(&theirs, 1);
	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sg(other->client, p.fp->prov,
						 &theirs, PAGE_SIZE, 0), 0);
	KUNIT_ASSERT_EQ(test, iomem_dma_sg_copy_to(&theirs, 0, pattern,
						   sizeof(pattern)), 0);

	KUNIT_EXPECT_EQ(test, iomem_dma_sg_copy_to(&stale, 0, back,
						   sizeof(back)), -ENOENT);
	KUNIT_EXPECT_EQ(test, iomem_dma_sg_copy_from(&stale, 0, back,
						     sizeof(back)), -ENOENT);
	KUNIT_EXPECT_NULL(test, (void __force *)iomem_dma_sg_iomem(&stale));
	KUNIT_EXPECT_NULL(test, iomem_dma_sg_provider(&stale));
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sg(p.fc->client, &stale), -ENOENT);
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sg(other->client, &stale), -ENOENT);
	one_entry_table(&sgt, &stale);
	KUNIT_EXPECT_EQ(test, iomem_dma_map_sgtable(p.fc->client, &sgt,
						    DMA_TO_DEVICE, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, iomem_dma_map_sgtable(other->client, &sgt,
						    DMA_TO_DEVICE, 0), -EINVAL);

	KUNIT_ASSERT_EQ(test, iomem_dma_sg_copy_from(&theirs, 0, back,
						     sizeof(back)), 0);
	KUNIT_EXPECT_EQ(test, memcmp(back, pattern, sizeof(back)), 0);
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sg(other->client, &theirs), 0);
}

/*
 * Ids do not come back: many allocations and frees in a row never hand
 * out an (index, epoch) pair twice, so no stale copy among them names a
 * live allocation.
 */
static void contract_ids_never_repeat(struct kunit *test)
{
	const unsigned int rounds = 512;
	struct scatterlist *old, sg;
	unsigned int i, j;
	struct pair p;

	pair_create(test, &p, "ct-idp", "idc");
	old = kunit_kcalloc(test, rounds, sizeof(*old), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, old);
	for (i = 0; i < rounds; i++) {
		sg_init_table(&sg, 1);
		KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sg(p.fc->client, p.fp->prov,
							 &sg, PAGE_SIZE, 0), 0);
		for (j = 0; j < i; j++)
			KUNIT_ASSERT_FALSE_MSG(test,
					       old[j].offset == sg.offset &&
					       old[j].dma_flags == sg.dma_flags,
					       "id %u handed out again", sg.offset);
		old[i] = sg;
		KUNIT_ASSERT_EQ(test, iomem_dma_free_sg(p.fc->client, &sg), 0);
		KUNIT_EXPECT_EQ(test, iomem_dma_free_sg(p.fc->client, &old[i]),
				-ENOENT);
	}
}

/*
 * A copy of another client's live entry: its owner's memory must not be
 * mapped for, nor freed by, the client holding the copy.
 */
static void contract_foreign_copy_refused(struct kunit *test)
{
	struct fake_client *thief;
	struct scatterlist sg, copy;
	struct sg_table sgt;
	struct pair p;

	pair_create(test, &p, "ct-fcp", "fco");
	thief = fake_client_create(test, "fct", p.sw);
	sg_init_table(&sg, 1);
	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sg(p.fc->client, p.fp->prov, &sg,
						 PAGE_SIZE, 0), 0);
	copy = sg;
	one_entry_table(&sgt, &copy);
	KUNIT_EXPECT_EQ(test, iomem_dma_map_sgtable(thief->client, &sgt,
						    DMA_TO_DEVICE, 0), -EPERM);
	KUNIT_EXPECT_EQ(test, sg_dma_len(&copy), 0U);
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sg(thief->client, &copy), -EPERM);
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sg(p.fc->client, &sg), 0);
}

/*
 * An entry whose length was raised past its allocation (a copy edited, or
 * a driver's bug): neither the CPU helpers nor the map reach past the
 * allocation into its neighbour. Before, both trusted sg->length.
 */
static void contract_length_bounded_by_allocation(struct kunit *test)
{
	struct scatterlist a, b, forged;
	u8 pattern[32], junk[32];
	struct sg_table sgt;
	struct pair p;

	pair_create(test, &p, "ct-bdp", "bdc");
	memset(pattern, 0xa5, sizeof(pattern));
	memset(junk, 0xff, sizeof(junk));
	sg_init_table(&a, 1);
	sg_init_table(&b, 1);
	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sg(p.fc->client, p.fp->prov, &a,
						 PAGE_SIZE, 0), 0);
	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sg(p.fc->client, p.fp->prov, &b,
						 PAGE_SIZE, 0), 0);
	KUNIT_ASSERT_EQ(test, iomem_dma_sg_copy_to(&b, 0, pattern,
						   sizeof(pattern)), 0);

	forged = a;
	forged.length = 2 * PAGE_SIZE;
	KUNIT_EXPECT_EQ(test, iomem_dma_sg_copy_to(&forged, PAGE_SIZE, junk,
						   sizeof(junk)), -EINVAL);
	KUNIT_EXPECT_EQ(test, iomem_dma_sg_copy_to(&forged, 0, junk,
						   sizeof(junk)), -EINVAL);
	KUNIT_EXPECT_EQ(test, iomem_dma_sg_copy_from(&forged, PAGE_SIZE, junk,
						     sizeof(junk)), -EINVAL);
	KUNIT_EXPECT_NULL(test, (void __force *)iomem_dma_sg_iomem(&forged));
	one_entry_table(&sgt, &forged);
	KUNIT_EXPECT_EQ(test, iomem_dma_map_sgtable(p.fc->client, &sgt,
						    DMA_TO_DEVICE, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, sg_dma_len(&forged), 0U);

	KUNIT_ASSERT_EQ(test, iomem_dma_sg_copy_from(&b, 0, junk,
						     sizeof(junk)), 0);
	KUNIT_EXPECT_EQ(test, memcmp(junk, pattern, sizeof(junk)), 0);
	/* The honest entry still works. */
	KUNIT_EXPECT_EQ(test, iomem_dma_sg_copy_to(&a, PAGE_SIZE - 4, pattern,
						   4), 0);
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sg(p.fc->client, &a), 0);
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sg(p.fc->client, &b), 0);
}

/* ---- 3. lifetimes ---- */

static struct device *gone_dev;
static atomic_t gone_dev_seen;

static int watch_firmware_verdict(struct iomem_dma_provider *prov,
				  struct device *client, char *where,
				  size_t len)
{
	if (client == READ_ONCE(gone_dev))
		atomic_inc(&gone_dev_seen);
	return 0;
}

static void watch_fabric_exit(void *unused)
{
	WRITE_ONCE(gone_dev, NULL);
	fake_fabric.fabric.firmware_verdict = NULL;
}

/*
 * A client whose registration ended still holds a mapping when the policy
 * changes: the revoke pass must not compute a verdict for its device (the
 * devicetree backend walks dev->parent, and the device may be gone). The
 * rule matches another provider, so the pair's verdict would consult the
 * firmware. Before, the pass computed one, then skipped the callback.
 */
static void contract_no_verdict_for_ended_client(struct kunit *test)
{
	const char *rule = "deny provider=ct-other";
	struct iomem_dma_verdict v;
	struct sg_table *sgt;
	struct pair p;

	atomic_set(&gone_dev_seen, 0);
	fake_fabric.fabric.firmware_verdict = watch_firmware_verdict;
	pair_create(test, &p, "ct-gnp", "gnc");
	/* Firmware is asked only about providers it could name. */
	fake_fwnode(test, p.fp->dev);
	/* The watch sees the verdicts of the live client. */
	WRITE_ONCE(gone_dev, p.fc->dev);
	iomem_dma_client_verdict(p.fp->prov, p.fc->client, &v);
	KUNIT_EXPECT_GT(test, atomic_read(&gone_dev_seen), 0);
	WRITE_ONCE(gone_dev, NULL);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test,
							   watch_fabric_exit,
							   NULL));
	sgt = mapped_table(test, &p, PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, iomem_dma_client_unregister(p.fc->client), 0);

	atomic_set(&gone_dev_seen, 0);
	WRITE_ONCE(gone_dev, p.fc->dev);
	KUNIT_ASSERT_EQ(test, iomem_dma_policy_add(rule, strlen(rule), NULL),
			0);
	KUNIT_EXPECT_EQ(test, iomem_dma_policy_revoke_denied(), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&gone_dev_seen), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&p.fc->revokes), 0);
	WRITE_ONCE(gone_dev, NULL);
	iomem_dma_unmap_sgtable(p.fc->client, sgt, DMA_BIDIRECTIONAL, 0);
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sgt(p.fc->client, sgt), 0);
}

/*
 * A devm-registered provider unregistered early by its driver, then a new
 * provider registered (which may get the old one's memory): the devres
 * action at unbind must not unregister the new one. Before, the action
 * compared a pointer that could have been freed and reused.
 */
static void contract_devm_action_after_early_unregister(struct kunit *test)
{
	struct iomem_dma_provider_desc desc = { };
	struct iomem_dma_provider *first, *second;
	struct fake_prov *fp;
	struct device *owner;

	rules_clean(test);
	fp = fake_prov_create_flags(test, "ct-dvp", POOL, NULL, false);
	owner = iomem_dma_test_device(test, "dvo");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, owner);
	desc.dev = fp->dev;
	desc.name = "ct-dv1";
	desc.ranges = &fp->range;
	desc.nr_ranges = 1;
	desc.ops = &fake_prov_ops;
	desc.priv = fp;
	first = devm_iomem_dma_provider_register(owner, &desc);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, first);
	KUNIT_ASSERT_EQ(test, iomem_dma_provider_unregister(first), 0);

	desc.name = "ct-dv2";
	second = iomem_dma_provider_register(&desc);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, second);
	kunit_info(test, "first %s second's memory\n",
		   (void *)first == (void *)second ? "reused as" : "is not");

	/* The owner's unbind runs the devres action. */
	device_release_driver(owner);
	KUNIT_EXPECT_PTR_EQ(test, iomem_dma_provider_get_by_name("ct-dv2"),
			    second);
	iomem_dma_provider_put(second);
	KUNIT_EXPECT_EQ(test, iomem_dma_provider_unregister(second), 0);
}

/*
 * Several threads register one device at once: exactly one gets a handle,
 * every other -EBUSY, and the one registration ends cleanly. A look-up
 * and an add that were two steps would let two of them in.
 */
#define REG_THREADS	4
#define REG_ROUNDS	50

struct reg_race {
	struct device *dev;
	struct completion go;
	struct completion done[REG_THREADS];
	struct iomem_dma_client *got[REG_THREADS];
};

struct reg_arg {
	struct reg_race *r;
	unsigned int i;
};

static int reg_race_fn(void *data)
{
	struct reg_arg *a = data;
	struct reg_race *r = a->r;

	wait_for_completion(&r->go);
	r->got[a->i] = iomem_dma_client_register(r->dev, &fake_client_ops,
						 NULL);
	complete(&r->done[a->i]);
	return 0;
}

static void contract_register_race_one_wins(struct kunit *test)
{
	struct reg_arg *args = kunit_kcalloc(test, REG_THREADS, sizeof(*args),
					     GFP_KERNEL);
	struct reg_race *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	struct task_struct *t;
	unsigned int round, i, won;

	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_ASSERT_NOT_NULL(test, args);
	r->dev = iomem_dma_test_device(test, "ct-regrace");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, r->dev);
	for (round = 0; round < REG_ROUNDS; round++) {
		init_completion(&r->go);
		for (i = 0; i < REG_THREADS; i++) {
			init_completion(&r->done[i]);
			args[i].r = r;
			args[i].i = i;
			t = kthread_run(reg_race_fn, &args[i], "iomem_dma-reg%u",
					i);
			KUNIT_ASSERT_FALSE(test, IS_ERR(t));
		}
		complete_all(&r->go);
		won = 0;
		for (i = 0; i < REG_THREADS; i++) {
			KUNIT_ASSERT_GT(test,
					wait_for_completion_timeout(&r->done[i],
								    10 * HZ),
					0UL);
			if (!IS_ERR(r->got[i]))
				won++;
			else
				KUNIT_EXPECT_EQ(test, PTR_ERR(r->got[i]),
						-EBUSY);
		}
		KUNIT_ASSERT_EQ_MSG(test, won, 1U, "round %u", round);
		KUNIT_EXPECT_TRUE(test, iomem_dma_is_client(r->dev));
		for (i = 0; i < REG_THREADS; i++)
			if (!IS_ERR(r->got[i]))
				KUNIT_EXPECT_EQ(test,
						iomem_dma_client_unregister(r->got[i]),
						0);
		KUNIT_EXPECT_FALSE(test, iomem_dma_is_client(r->dev));
	}
}

/*
 * A client maps and unmaps in a loop while its registration ends: no map
 * that starts after iomem_dma_client_unregister() returned succeeds, and
 * what it still holds unmaps and frees through the handle.
 */
struct end_race {
	struct pair *p;
	struct sg_table *sgt;
	atomic_t ended;
	unsigned long late_maps, maps;
	struct completion done;
};

static int end_race_fn(void *data)
{
	struct end_race *e = data;
	struct iomem_dma_client *client = e->p->fc->client;
	int ret, rounds = 0;
	bool after;

	do {
		after = atomic_read_acquire(&e->ended);
		ret = iomem_dma_map_sgtable(client, e->sgt, DMA_BIDIRECTIONAL,
					    0);
		if (!ret) {
			e->maps++;
			if (after)
				e->late_maps++;
			iomem_dma_unmap_sgtable(client, e->sgt,
						DMA_BIDIRECTIONAL, 0);
		}
		/* One CPU, no preemption: let the test thread end it. */
		cond_resched();
	} while (!after || ++rounds < 100);
	complete(&e->done);
	return 0;
}

static void contract_no_map_after_client_unregister(struct kunit *test)
{
	struct end_race *e = kunit_kzalloc(test, sizeof(*e), GFP_KERNEL);
	struct task_struct *t;
	struct pair p;

	KUNIT_ASSERT_NOT_NULL(test, e);
	pair_create(test, &p, "ct-endp", "endc");
	e->p = &p;
	e->sgt = allocated_table(test, &p, 2 * PAGE_SIZE);
	init_completion(&e->done);
	t = kthread_run(end_race_fn, e, "iomem_dma-endrace");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	msleep(20);
	KUNIT_EXPECT_EQ(test, iomem_dma_client_unregister(p.fc->client), 0);
	atomic_set_release(&e->ended, 1);
	KUNIT_ASSERT_GT(test, wait_for_completion_timeout(&e->done, 10 * HZ),
			0UL);
	kunit_info(test, "%lu maps before the end\n", e->maps);
	KUNIT_EXPECT_EQ(test, e->late_maps, 0UL);
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sgt(p.fc->client, e->sgt), 0);
}

/*
 * A reader of a provider's free space, holding a reference, races its
 * unregister: the pool goes only after the provider is marked
 * unregistered under the lock the reader takes, so the reader sees the
 * pool or 0, never freed memory (KASAN watches).
 */
struct avail_race {
	struct iomem_dma_provider *ref;
	atomic_t stop;
	unsigned long reads, zeros;
	struct completion started, done;
};

static int avail_race_fn(void *data)
{
	struct avail_race *a = data;

	while (!atomic_read(&a->stop)) {
		if (!iomem_dma_provider_avail(a->ref))
			a->zeros++;
		if (!a->reads++)
			complete(&a->started);
		cond_resched();
	}
	complete(&a->done);
	return 0;
}

static void contract_avail_races_unregister(struct kunit *test)
{
	struct avail_race *a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);
	struct task_struct *t;
	unsigned long total = 0;
	struct fake_prov *fp;
	unsigned int round;

	KUNIT_ASSERT_NOT_NULL(test, a);
	for (round = 0; round < 20; round++) {
		char *name = kunit_kzalloc(test, 16, GFP_KERNEL);

		KUNIT_ASSERT_NOT_NULL(test, name);
		snprintf(name, 16, "ct-avp%u", round);
		fp = fake_prov_create(test, name, POOL, NULL);
		a->ref = iomem_dma_provider_get_by_name(name);
		KUNIT_ASSERT_PTR_EQ(test, a->ref, fp->prov);
		atomic_set(&a->stop, 0);
		a->reads = 0;
		init_completion(&a->started);
		init_completion(&a->done);
		t = kthread_run(avail_race_fn, a, "iomem_dma-avail");
		KUNIT_ASSERT_FALSE(test, IS_ERR(t));
		KUNIT_ASSERT_GT(test,
				wait_for_completion_timeout(&a->started,
							    10 * HZ), 0UL);
		udelay(50 * (round % 5));
		KUNIT_EXPECT_EQ(test, iomem_dma_provider_unregister(fp->prov),
				0);
		atomic_set(&a->stop, 1);
		KUNIT_ASSERT_GT(test,
				wait_for_completion_timeout(&a->done, 10 * HZ),
				0UL);
		KUNIT_EXPECT_EQ(test, iomem_dma_provider_avail(a->ref), 0);
		iomem_dma_provider_put(a->ref);
		total += a->reads;
	}
	kunit_info(test, "%lu reads, %lu of them after the pool went\n",
		   total, a->zeros);
}

/* ---- 6. stale topology ---- */

/*
 * Attachments follow the fabric: a provider registered to follow its
 * device and a client move (as when an overlay makes their bus a fabric
 * node); once the backend reports the change, verdicts use the new
 * places, and a mapped pair the move denies is revoked. Before, both
 * attachments were fixed at registration and the move reached nothing.
 */
static void contract_attachments_follow_fabric(struct kunit *test)
{
	struct fake_prov *fp = fake_prov_create_flags(test, "ct-mvp", POOL,
						      NULL, false);
	struct iomem_dma_provider_desc desc = {
		.dev = fp->dev, .name = "ct-mvp", .ranges = &fp->range,
		.nr_ranges = 1, .ops = &fake_prov_ops, .priv = fp,
		.fabric_from_device = true,
	};
	struct sg_table *sgt = kunit_kzalloc(test, sizeof(*sgt), GFP_KERNEL);
	struct iomem_dma_node *host, *sw;
	struct iomem_dma_verdict v;
	struct fake_client *fc;

	KUNIT_ASSERT_NOT_NULL(test, sgt);
	rules_clean(test);
	fake_fabric_init(test);
	host = fake_node(test, NULL, "ct-mvhost", IOMEM_DMA_NODE_HOST);
	sw = fake_node(test, host, "ct-mvsw", RP);
	/* The provider starts on the host bridge, which routes nothing. */
	fake_fabric_place(test, fp->dev, host);
	fake_prov_register(test, fp, &desc);
	desc.fabric = sw;
	KUNIT_EXPECT_PTR_EQ(test, iomem_dma_provider_register(&desc),
			    ERR_PTR(-EINVAL));
	fc = fake_client_create(test, "mvc", sw);
	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sgt(fc->client, fp->prov, sgt,
						  PAGE_SIZE, GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, iomem_dma_map_sgtable(fc->client, sgt,
						    DMA_BIDIRECTIONAL, 0),
			-EREMOTEIO);
	KUNIT_ASSERT_EQ(test, iomem_dma_last_refusal(fc->client, &v), 0);
	KUNIT_EXPECT_EQ(test, v.reason, IOMEM_DMA_REASON_HOST_NOT_ALLOWED);

	/* The provider moves under the switch: the pair is allowed. */
	fake_fabric_move(test, fp->dev, sw);
	iomem_dma_topology_changed();
	iomem_dma_policy_revoke_flush();
	KUNIT_ASSERT_EQ(test, iomem_dma_map_sgtable(fc->client, sgt,
						    DMA_BIDIRECTIONAL, 0), 0);
	KUNIT_EXPECT_TRUE(test, sg_dma_is_bus_address(sgt->sgl));
	fc->free_on_revoke = sgt;

	/* The client moves to the host bridge: its mapping is revoked. */
	fake_fabric_move(test, fc->dev, host);
	iomem_dma_topology_changed();
	iomem_dma_policy_revoke_flush();
	KUNIT_EXPECT_EQ(test, atomic_read(&fc->revokes), 1);
	KUNIT_EXPECT_NULL(test, fc->free_on_revoke);
	KUNIT_EXPECT_EQ(test, fp->prov->nr_chunks, 0UL);
}

static struct iomem_dma_node *acs_port;
static bool acs_now;

/* What the PCI backend does with a bridge whose ACS bits were written. */
static void fake_rescan(void)
{
	struct iomem_dma_node *node = READ_ONCE(acs_port);
	unsigned long have;

	if (!node)
		return;
	have = iomem_dma_node_flags(node) & IOMEM_DMA_NODE_ACS_REDIRECT;
	if (acs_now && !have)
		iomem_dma_node_update(node, IOMEM_DMA_NODE_ACS_REDIRECT, 0);
	else if (!acs_now && have)
		iomem_dma_node_update(node, 0, IOMEM_DMA_NODE_ACS_REDIRECT);
}

static void fake_rescan_exit(void *unused)
{
	WRITE_ONCE(acs_port, NULL);
	fake_fabric.fabric.rescan = NULL;
}

/*
 * A change the kernel does not announce (ACS turned on by a config-space
 * write) reaches the verdicts and revokes a mapped pair when the
 * administrator writes "1" to rescan; any other text changes nothing.
 */
static void contract_rescan_revokes(struct kunit *test)
{
	struct iomem_dma_node *sw, *dp0, *dp1;
	struct cred *weak;
	struct iomem_dma_verdict v;
	struct fake_client *fc;
	struct fake_prov *fp;
	struct file *f;
	struct pair p;

	f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f);
	f->f_cred = current_cred();
	rules_clean(test);
	fake_fabric.fabric.rescan = fake_rescan;
	fake_fabric_init(test);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test,
							   fake_rescan_exit,
							   NULL));
	sw = fake_node(test, NULL, "rsw", RP);
	dp0 = fake_node(test, sw, "rdp0", RP);
	dp1 = fake_node(test, sw, "rdp1", RP);
	fp = fake_prov_create(test, "ct-rsp", POOL, dp0);
	fc = fake_client_create(test, "rsc", dp1);
	p.fp = fp;
	p.fc = fc;
	p.sw = sw;
	fc->free_on_revoke = mapped_table(test, &p, PAGE_SIZE);
	acs_now = true;
	WRITE_ONCE(acs_port, dp0);

	/* Not opened for writing, or without CAP_SYS_ADMIN: nothing. */
	KUNIT_EXPECT_EQ(test, iomem_dma_admin_rescan(f), -EBADF);
	f->f_mode = FMODE_WRITE;
	weak = prepare_creds();
	KUNIT_ASSERT_NOT_NULL(test, weak);
	cap_lower(weak->cap_effective, CAP_SYS_ADMIN);
	f->f_cred = weak;
	KUNIT_EXPECT_EQ(test, iomem_dma_admin_rescan(f), -EPERM);
	f->f_cred = current_cred();
	put_cred(weak);
	KUNIT_EXPECT_EQ(test, atomic_read(&fc->revokes), 0);
	KUNIT_EXPECT_FALSE(test, iomem_dma_node_flags(dp0) &
				 IOMEM_DMA_NODE_ACS_REDIRECT);

	KUNIT_EXPECT_EQ(test, iomem_dma_admin_rescan(f), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&fc->revokes), 1);
	KUNIT_EXPECT_EQ(test, fp->prov->nr_chunks, 0UL);
	KUNIT_EXPECT_EQ(test, iomem_dma_check(fp->prov, fc->dev, &v),
			-EREMOTEIO);
	KUNIT_EXPECT_EQ(test, v.reason, IOMEM_DMA_REASON_ACS_REDIRECT);

	acs_now = false;
	KUNIT_EXPECT_EQ(test, iomem_dma_admin_rescan(f), 0);
	KUNIT_EXPECT_EQ(test, iomem_dma_check(fp->prov, fc->dev, &v), 0);
	fake_client_free_table(fc);
}

/* ---- 4. bounds and identity ---- */

/*
 * A bus address beyond the client's DMA mask is refused, not handed to a
 * device that would truncate it. Before, the map ignored the mask.
 */
static void contract_bus_address_within_dma_mask(struct kunit *test)
{
	struct sg_table *sgt;
	struct pair p;

	pair_create(test, &p, "ct-mkp", "mkc");
	sgt = allocated_table(test, &p, PAGE_SIZE);
	/* The fake bus addresses lie at 0xe0100000 and above. */
	*p.fc->dev->dma_mask = DMA_BIT_MASK(31);
	KUNIT_EXPECT_EQ(test, iomem_dma_map_sgtable(p.fc->client, sgt,
						    DMA_TO_DEVICE, 0), -EIO);
	KUNIT_EXPECT_EQ(test, sg_dma_len(sgt->sgl), 0U);
	*p.fc->dev->dma_mask = DMA_BIT_MASK(32);
	KUNIT_ASSERT_EQ(test, iomem_dma_map_sgtable(p.fc->client, sgt,
						    DMA_TO_DEVICE, 0), 0);
	KUNIT_EXPECT_TRUE(test, sg_dma_is_bus_address(sgt->sgl));
	iomem_dma_unmap_sgtable(p.fc->client, sgt, DMA_TO_DEVICE, 0);
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sgt(p.fc->client, sgt), 0);
}

/*
 * The rule parser never reads past the text it was given, which need not
 * be terminated: each input sits at the very end of an allocation of its
 * own length, so KASAN reports a read one byte beyond. Before, a trailing
 * " c" made the parser compare "client=" past the end.
 */
static void contract_rule_parser_stays_in_buffer(struct kunit *test)
{
	static const char *const inputs[] = {
		"deny provider=x c", "deny provider=x cl",
		"deny provider=x client", "allow provider=x clien",
		"deny provider=x client=", "allow provider=x f",
		"allow provider=x forc", "deny provider=x ",
	};
	unsigned int i;
	char *buf;

	rules_clean(test);
	for (i = 0; i < ARRAY_SIZE(inputs); i++) {
		size_t len = strlen(inputs[i]);

		buf = kmalloc(len, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, buf);
		memcpy(buf, inputs[i], len);
		KUNIT_EXPECT_EQ_MSG(test, iomem_dma_policy_add(buf, len, NULL),
				    -EINVAL, "input \"%s\"", inputs[i]);
		kfree(buf);
	}
	KUNIT_EXPECT_EQ(test, iomem_dma_policy_count(), 0U);
}

/*
 * Two clients whose names share their first 66 bytes are told apart by
 * the rules: a rule naming one whole does not match the other, and a rule
 * naming the common prefix matches neither. Before, names were cut at 63
 * bytes, so the whole name was refused and the prefix matched both.
 */
static void contract_long_names_not_cut(struct kunit *test)
{
	struct fake_client *one, *two;
	struct iomem_dma_verdict v;
	char *rule, prefix[80];
	struct pair p;
	size_t common;

	pair_create(test, &p, "ct-lnp", "lnc");
	one = fake_client_create(test,
				 "a-client-name-long-enough-to-overflow-sixty-three-bytes-1",
				 p.sw);
	two = fake_client_create(test,
				 "a-client-name-long-enough-to-overflow-sixty-three-bytes-2",
				 p.sw);
	common = strlen(dev_name(one->dev)) - 1;
	KUNIT_ASSERT_GT(test, common, (size_t)IOMEM_DMA_NODE_NAME_LEN);

	rule = kasprintf(GFP_KERNEL, "deny client=%s", dev_name(one->dev));
	KUNIT_ASSERT_NOT_NULL(test, rule);
	KUNIT_EXPECT_EQ(test, iomem_dma_policy_add(rule, strlen(rule), NULL),
			0);
	kfree(rule);
	KUNIT_EXPECT_EQ(test, iomem_dma_check(p.fp->prov, one->dev, &v),
			-EREMOTEIO);
	KUNIT_EXPECT_EQ(test, v.reason, IOMEM_DMA_REASON_RULE_DENY);
	KUNIT_EXPECT_EQ(test, iomem_dma_check(p.fp->prov, two->dev, &v), 0);

	iomem_dma_policy_clear();
	/* The longest prefix a rule could name before. */
	snprintf(prefix, sizeof(prefix), "deny client=%.62s",
		 dev_name(one->dev));
	KUNIT_EXPECT_EQ(test, iomem_dma_policy_add(prefix, strlen(prefix),
						   NULL), 0);
	KUNIT_EXPECT_EQ(test, iomem_dma_check(p.fp->prov, one->dev, &v), 0);
	KUNIT_EXPECT_EQ(test, iomem_dma_check(p.fp->prov, two->dev, &v), 0);
}

/* A fabric node name that does not fit is refused, never cut. */
static void contract_node_name_not_cut(struct kunit *test)
{
	struct iomem_dma_node *node;
	char *name;

	name = kunit_kzalloc(test, IOMEM_DMA_NAME_MAX + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, name);
	memset(name, 'n', IOMEM_DMA_NAME_MAX);
	KUNIT_EXPECT_PTR_EQ(test, iomem_dma_node_create(NULL, name, 0),
			    ERR_PTR(-ENAMETOOLONG));
	name[IOMEM_DMA_NAME_MAX - 1] = '\0';
	node = iomem_dma_node_create(NULL, name, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, node);
	KUNIT_EXPECT_STREQ(test, iomem_dma_node_name(node), name);
	iomem_dma_node_put(node);
}

static struct kunit_case iomem_dma_contract_cases[] = {
	KUNIT_CASE(contract_deny_revokes_after_verdicts_read),
	KUNIT_CASE(contract_deny_revokes_after_own_map),
	KUNIT_CASE(contract_revoke_follows_mappings),
	KUNIT_CASE(contract_deny_reaches_dying_provider),
	KUNIT_CASE(contract_stale_copy_names_nothing),
	KUNIT_CASE(contract_ids_never_repeat),
	KUNIT_CASE(contract_foreign_copy_refused),
	KUNIT_CASE(contract_length_bounded_by_allocation),
	KUNIT_CASE(contract_no_verdict_for_ended_client),
	KUNIT_CASE(contract_devm_action_after_early_unregister),
	KUNIT_CASE(contract_bus_address_within_dma_mask),
	KUNIT_CASE(contract_rule_parser_stays_in_buffer),
	KUNIT_CASE(contract_long_names_not_cut),
	KUNIT_CASE(contract_node_name_not_cut),
	KUNIT_CASE(contract_rescan_revokes),
	KUNIT_CASE(contract_attachments_follow_fabric),
	KUNIT_CASE(contract_register_race_one_wins),
	KUNIT_CASE(contract_no_map_after_client_unregister),
	KUNIT_CASE(contract_avail_races_unregister),
	{}
};

static struct kunit_suite iomem_dma_contract_suite = {
	.name = "iomem_dma_contract",
	.test_cases = iomem_dma_contract_cases,
};

kunit_test_suite(iomem_dma_contract_suite);

MODULE_DESCRIPTION("KUnit regression cases for the iomem_dma safety contract");
MODULE_LICENSE("GPL");
