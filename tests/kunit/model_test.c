// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit model-based concurrency test: client threads allocate, map, unmap,
 * free, copy through the CPU helpers, use stale copies of freed entries
 * and copies of other clients' entries, while a policy thread adds and
 * removes deny rules and changes the fabric, a churn thread unregisters
 * and registers providers, and a reader thread reads every provider's
 * sysfs files. A reference model knows which pairs the policy allows.
 * After every policy or topology change returns, no live mapping of a
 * denied pair may exist; after every unregister returns, nothing of the
 * old provider may be held; every byte a client wrote must read back
 * unchanged; a stale or foreign copy must never work. KASAN (UML) sees
 * every object freed exactly once, KCSAN (arm64, four CPUs) the races.
 *
 * Parameters: iomem_dma_model.ops (operations per client thread) and
 * iomem_dma_model.seed (0: random; printed either way, so a failing run
 * can be repeated). See Documentation/driver-api/iomem_dma/reliability.rst.
 */

#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/iomem_dma_provider.h>
#include <linux/kthread.h>
#include <linux/moduleparam.h>
#include <linux/mount.h>
#include <linux/prandom.h>
#include <linux/random.h>
#include <linux/string.h>

#define FAKE_WINDOW 9
#include "iomem_dma_test.h"

static unsigned int ops = 1500;
module_param(ops, uint, 0444);
MODULE_PARM_DESC(ops, "Operations per client thread of the model test");

static unsigned long long seed;
module_param(seed, ullong, 0444);
MODULE_PARM_DESC(seed, "Seed of the model test (0: a random one, printed)");

#define M_PROVS		2
#define M_CLIENTS	3
#define M_SLOTS		6
#define M_STALE		8
#define M_RULES		(M_PROVS + M_CLIENTS)
#define M_POOL		(32 * PAGE_SIZE)
#define M_PATTERN	64	/* bytes checked at each end of each entry */
#define RP_FLAG		IOMEM_DMA_NODE_ROUTES_PEER

struct model;

/* One table a client thread holds, under its client's lock. */
struct m_table {
	struct sg_table sgt;
	bool live, mapped;
	unsigned int prov;
	unsigned long inst;
	struct iomem_dma_provider *p;	/* identity only, not referenced */
	u8 tag;
};

struct m_client {
	struct model *m;
	unsigned int idx;
	struct device *dev;
	struct iomem_dma_client *client;
	struct task_struct *task;
	struct mutex lock;	/* the tables, the stale ring */
	struct m_table t[M_SLOTS];
	struct scatterlist stale[M_STALE];
	unsigned int nstale;
	struct rnd_state rnd;
	u8 next_tag;
	unsigned long done, maps, denied, stale_uses, foreign_uses, reregs;
	atomic_t revokes;
};

struct m_prov {
	struct fake_prov *fp;
	struct iomem_dma_provider_desc desc;
	char name[16];
	spinlock_t lock;	/* @prov and @inst */
	struct iomem_dma_provider *prov;
	unsigned long inst;
};

struct model {
	struct kunit *test;
	struct iomem_dma_node *sw;
	struct m_prov p[M_PROVS];
	struct m_client c[M_CLIENTS];
	struct file *file;
	struct vfsmount *mnt;

	/* The reference model, written by the policy thread only. */
	bool routes;
	bool rule_on[M_RULES];
	unsigned int rule_id[M_RULES];
	char rule_text[M_RULES][160];

	spinlock_t shared_lock;	/* @shared, @shared_valid */
	struct scatterlist shared[M_CLIENTS];
	bool shared_valid[M_CLIENTS];

	atomic_t failures;
	spinlock_t fail_lock;	/* @first */
	char first[192];
	atomic_t clients_left;
	bool stop;
	unsigned long changes, reregisters, checks, reads;
};

static __printf(2, 3) void m_fail(struct model *m, const char *fmt, ...)
{
	va_list args;

	if (atomic_inc_return(&m->failures) > 1)
		return;
	spin_lock(&m->fail_lock);
	va_start(args, fmt);
	vsnprintf(m->first, sizeof(m->first), fmt, args);
	va_end(args);
	spin_unlock(&m->fail_lock);
	/* At once: a broken invariant can leave an unregister waiting. */
	pr_err("iomem_dma_model: seed %llu: %s\n", seed, m->first);
}

/* What the model says about provider slot @p and client @c. */
static bool m_allowed(struct model *m, unsigned int p, unsigned int c)
{
	return READ_ONCE(m->routes) && !READ_ONCE(m->rule_on[p]) &&
	       !READ_ONCE(m->rule_on[M_PROVS + c]);
}

static u8 m_byte(u8 tag, unsigned int i)
{
	return tag ^ (u8)(i * 31);
}

/* Fill both ends of every entry with @tag's pattern, or check them. */
static int m_pattern(struct m_table *t, bool check)
{
	u8 buf[M_PATTERN];
	struct scatterlist *sg;
	unsigned int i, j, end;
	int ret;

	for_each_sgtable_sg(&t->sgt, sg, i) {
		for (end = 0; end < 2; end++) {
			size_t skip = end ? sg->length - M_PATTERN : 0;

			if (!check) {
				for (j = 0; j < M_PATTERN; j++)
					buf[j] = m_byte(t->tag, j + end);
				ret = iomem_dma_sg_copy_to(sg, skip, buf,
							   M_PATTERN);
				if (ret)
					return ret;
				continue;
			}
			ret = iomem_dma_sg_copy_from(sg, skip, buf, M_PATTERN);
			if (ret)
				return ret;
			for (j = 0; j < M_PATTERN; j++)
				if (buf[j] != m_byte(t->tag, j + end))
					return -EILSEQ;
		}
	}
	return 0;
}

/* Under @c->lock: give back one table. */
static void m_table_drop(struct m_client *c, struct m_table *t)
{
	int ret;

	if (t->mapped)
		iomem_dma_unmap_sgtable(c->client, &t->sgt, DMA_BIDIRECTIONAL, 0);
	t->mapped = false;
	c->stale[c->nstale++ % M_STALE] = *t->sgt.sgl;
	ret = iomem_dma_free_sgt(c->client, &t->sgt);
	if (ret)
		m_fail(c->m, "client %u: free of its own table: %d", c->idx,
		       ret);
	t->live = false;
}

/* The revoke callback: give back everything of @prov. */
static void m_revoke(struct iomem_dma_client *client,
		     struct iomem_dma_provider *prov, void *priv)
{
	struct m_client *c = priv;
	unsigned int i;

	atomic_inc(&c->revokes);
	mutex_lock(&c->lock);
	for (i = 0; i < M_SLOTS; i++)
		if (c->t[i].live && c->t[i].p == prov)
			m_table_drop(c, &c->t[i]);
	mutex_unlock(&c->lock);
}

static const struct iomem_dma_client_ops m_client_ops = {
	.revoke = m_revoke,
};

/* A referenced provider of slot @p and its instance, or NULL. */
static struct iomem_dma_provider *m_prov_get(struct model *m, unsigned int p,
					     unsigned long *inst)
{
	struct iomem_dma_provider *prov;

	spin_lock(&m->p[p].lock);
	prov = m->p[p].prov;
	if (prov)
		kref_get(&prov->ref);
	*inst = m->p[p].inst;
	spin_unlock(&m->p[p].lock);
	return prov;
}

static void m_op_alloc(struct m_client *c, struct m_table *t)
{
	unsigned int p = prandom_u32_state(&c->rnd) % M_PROVS;
	size_t size = (1 + prandom_u32_state(&c->rnd) % 3) * PAGE_SIZE;
	struct iomem_dma_provider *prov;
	unsigned long inst;
	int ret;

	prov = m_prov_get(c->m, p, &inst);
	if (!prov)
		return;
	ret = iomem_dma_alloc_sgt(c->client, prov, &t->sgt, size, GFP_KERNEL);
	if (!ret) {
		t->live = true;
		t->mapped = false;
		t->prov = p;
		t->inst = inst;
		t->p = prov;
		t->tag = c->next_tag++;
		ret = m_pattern(t, false);
		if (ret)
			m_fail(c->m, "client %u: copy into a new table: %d",
			       c->idx, ret);
	} else if (ret != -ENOMEM && ret != -ENODEV) {
		m_fail(c->m, "client %u: alloc: %d", c->idx, ret);
	}
	iomem_dma_provider_put(prov);
}

static void m_op_map(struct m_client *c, struct m_table *t)
{
	int ret;

	ret = iomem_dma_map_sgtable(c->client, &t->sgt, DMA_BIDIRECTIONAL, 0);
	if (!ret) {
		t->mapped = true;
		c->maps++;
	} else if (ret == -EREMOTEIO) {
		c->denied++;
	} else if (ret != -EAGAIN) {
		m_fail(c->m, "client %u: map: %d", c->idx, ret);
	}
}

/* A stale copy of a freed entry names nothing, whatever came since. */
static void m_op_stale(struct m_client *c)
{
	struct scatterlist copy;
	struct sg_table sgt;
	u8 buf[16];
	int ret;

	if (!c->nstale)
		return;
	copy = c->stale[prandom_u32_state(&c->rnd) %
			min_t(unsigned int, c->nstale, M_STALE)];
	sg_mark_end(&copy);
	c->stale_uses++;
	ret = iomem_dma_sg_copy_from(&copy, 0, buf, sizeof(buf));
	if (ret != -ENOENT)
		m_fail(c->m, "client %u: stale copy read: %d", c->idx, ret);
	ret = iomem_dma_sg_copy_to(&copy, 0, buf, sizeof(buf));
	if (ret != -ENOENT)
		m_fail(c->m, "client %u: stale copy write: %d", c->idx, ret);
	one_entry_table(&sgt, &copy);
	ret = iomem_dma_map_sgtable(c->client, &sgt, DMA_BIDIRECTIONAL, 0);
	if (ret != -EINVAL) {
		m_fail(c->m, "client %u: stale copy map: %d", c->idx, ret);
		if (!ret)
			iomem_dma_unmap_sgtable(c->client, &sgt, DMA_BIDIRECTIONAL,
						0);
	}
	ret = iomem_dma_free_sg(c->client, &copy);
	if (ret != -ENOENT)
		m_fail(c->m, "client %u: stale copy free: %d", c->idx, ret);
}

/* Publish a copy of a live entry, and try another client's. */
static void m_op_foreign(struct m_client *c, struct m_table *mine)
{
	struct model *m = c->m;
	unsigned int other = (c->idx + 1 + prandom_u32_state(&c->rnd) %
			      (M_CLIENTS - 1)) % M_CLIENTS;
	struct scatterlist copy;
	struct sg_table sgt;
	bool valid;
	int ret;

	spin_lock(&m->shared_lock);
	if (mine) {
		m->shared[c->idx] = *mine->sgt.sgl;
		m->shared_valid[c->idx] = true;
	}
	copy = m->shared[other];
	valid = m->shared_valid[other];
	spin_unlock(&m->shared_lock);
	if (!valid)
		return;
	sg_mark_end(&copy);
	c->foreign_uses++;
	one_entry_table(&sgt, &copy);
	ret = iomem_dma_map_sgtable(c->client, &sgt, DMA_BIDIRECTIONAL, 0);
	if (ret != -EPERM && ret != -EINVAL) {
		m_fail(m, "client %u: map of client %u's entry: %d", c->idx,
		       other, ret);
		if (!ret)
			iomem_dma_unmap_sgtable(c->client, &sgt, DMA_BIDIRECTIONAL,
						0);
	}
	ret = iomem_dma_free_sg(c->client, &copy);
	if (ret != -EPERM && ret != -ENOENT)
		m_fail(m, "client %u: free of client %u's entry: %d", c->idx,
		       other, ret);
}

static void m_client_op(struct m_client *c)
{
	struct m_table *t = &c->t[prandom_u32_state(&c->rnd) % M_SLOTS];
	unsigned int op = prandom_u32_state(&c->rnd) % 8;
	int ret;

	mutex_lock(&c->lock);
	if (!t->live) {
		if (op < 6)
			m_op_alloc(c, t);
		else if (op == 6)
			m_op_stale(c);
		else
			m_op_foreign(c, NULL);
		goto out;
	}
	switch (op) {
	case 0:
	case 1:
		if (!t->mapped)
			m_op_map(c, t);
		break;
	case 2:
		if (t->mapped) {
			iomem_dma_unmap_sgtable(c->client, &t->sgt,
						DMA_BIDIRECTIONAL, 0);
			t->mapped = false;
		}
		break;
	case 3:
	case 4:
		/* Every byte written reads back: nobody else reached it. */
		ret = m_pattern(t, true);
		if (ret) {
			m_fail(c->m, "client %u: its table reads back %d",
			       c->idx, ret);
			break;
		}
		t->tag = c->next_tag++;
		ret = m_pattern(t, false);
		if (ret)
			m_fail(c->m, "client %u: copy into its table: %d",
			       c->idx, ret);
		break;
	case 5:
		m_table_drop(c, t);
		break;
	case 6:
		m_op_stale(c);
		break;
	case 7:
		m_op_foreign(c, t);
		break;
	}
out:
	mutex_unlock(&c->lock);
	c->done++;
}

/*
 * End the client's registration and register again: everything is given
 * back first (an ended registration gets no revoke, so a mapping kept
 * through it would escape the policy), then the old handle is dropped,
 * outside @c->lock, which a revoke callback in progress may be waiting
 * for while the unregister waits for the callback.
 */
static void m_client_reregister(struct m_client *c)
{
	struct iomem_dma_client *client;
	unsigned int i;
	int ret;

	mutex_lock(&c->lock);
	for (i = 0; i < M_SLOTS; i++)
		if (c->t[i].live)
			m_table_drop(c, &c->t[i]);
	client = c->client;
	mutex_unlock(&c->lock);
	ret = iomem_dma_client_unregister(client);
	if (ret)
		m_fail(c->m, "client %u: unregister: %d", c->idx, ret);
	client = iomem_dma_client_register(c->dev, &m_client_ops, c);
	if (IS_ERR(client)) {
		m_fail(c->m, "client %u: register again: %ld", c->idx,
		       PTR_ERR(client));
		WRITE_ONCE(c->m->stop, true);
		return;
	}
	mutex_lock(&c->lock);
	c->client = client;
	c->reregs++;
	mutex_unlock(&c->lock);
}

static int m_client_fn(void *data)
{
	struct m_client *c = data;
	unsigned int i;

	for (i = 0; i < ops && !READ_ONCE(c->m->stop); i++) {
		if (!(prandom_u32_state(&c->rnd) % 128))
			m_client_reregister(c);
		m_client_op(c);
		cond_resched();
		if (!(i % 16))
			usleep_range(10, 20);
	}
	atomic_dec(&c->m->clients_left);
	while (!kthread_should_stop())
		usleep_range(2000, 5000);
	return 0;
}

/* No live mapping of a pair the model denies. Called by the policy thread. */
static void m_check_mappings(struct model *m, const char *after)
{
	unsigned int i, j;

	m->checks++;
	for (i = 0; i < M_CLIENTS; i++) {
		struct m_client *c = &m->c[i];

		mutex_lock(&c->lock);
		for (j = 0; j < M_SLOTS; j++) {
			struct m_table *t = &c->t[j];

			if (t->live && t->mapped && !m_allowed(m, t->prov, i))
				m_fail(m, "after %s: client %u still maps provider %u, denied",
				       after, i, t->prov);
		}
		mutex_unlock(&c->lock);
	}
}

static int m_policy_fn(void *data)
{
	struct model *m = data;
	struct rnd_state rnd;
	unsigned int r;
	ssize_t ret;

	prandom_seed_state(&rnd, seed + 101);
	while (atomic_read(&m->clients_left) && !READ_ONCE(m->stop)) {
		/*
		 * One denial at a time, undone by the next change, so that
		 * pairs spend as long allowed (and mapped) as denied.
		 */
		for (r = 0; r < M_RULES && !m->rule_on[r]; r++)
			;
		if (r == M_RULES && m->routes)
			r = prandom_u32_state(&rnd) % (M_RULES + 1);
		if (r == M_RULES) {
			/* The fabric: the switch stops, or starts, routing. */
			bool routes = !m->routes;

			iomem_dma_node_update(m->sw, routes ? RP_FLAG : 0,
					      routes ? 0 : RP_FLAG);
			iomem_dma_policy_revoke_flush();
			WRITE_ONCE(m->routes, routes);
			m_check_mappings(m, "a fabric change");
		} else if (!m->rule_on[r]) {
			const char *text = m->rule_text[r];

			/* What IOMEM_DMA_IOC_ADD_RULE does. */
			ret = iomem_dma_policy_add(text, strlen(text),
						   &m->rule_id[r]);
			if (ret) {
				m_fail(m, "rule \"%s\": %zd", text, ret);
				break;
			}
			iomem_dma_policy_revoke_denied();
			WRITE_ONCE(m->rule_on[r], true);
			m_check_mappings(m, "a rule addition");
		} else {
			ret = iomem_dma_admin_remove(m->file, m->rule_id[r]);
			if (ret) {
				m_fail(m, "removing rule %u: %zd",
				       m->rule_id[r], ret);
				break;
			}
			WRITE_ONCE(m->rule_on[r], false);
			/* A removal allows more; nothing to revoke, still checked. */
			m_check_mappings(m, "a rule removal");
		}
		m->changes++;
		usleep_range(200, 400);
	}
	while (!kthread_should_stop())
		usleep_range(2000, 5000);
	return 0;
}

/* Under nothing: unregister slot @p, check, register it again. */
static int m_churn_fn(void *data)
{
	struct model *m = data;
	struct iomem_dma_provider *prov;
	struct rnd_state rnd;
	unsigned long inst;
	unsigned int p, i, j;

	prandom_seed_state(&rnd, seed + 202);
	while (atomic_read(&m->clients_left) && !READ_ONCE(m->stop)) {
		p = prandom_u32_state(&rnd) % M_PROVS;
		spin_lock(&m->p[p].lock);
		prov = m->p[p].prov;
		m->p[p].prov = NULL;
		inst = m->p[p].inst;
		spin_unlock(&m->p[p].lock);
		if (iomem_dma_provider_unregister(prov))
			m_fail(m, "unregister of provider %u failed", p);
		for (i = 0; i < M_CLIENTS; i++) {
			struct m_client *c = &m->c[i];

			mutex_lock(&c->lock);
			for (j = 0; j < M_SLOTS; j++)
				if (c->t[j].live && c->t[j].prov == p &&
				    c->t[j].inst == inst)
					m_fail(m, "client %u holds memory of gone provider %u",
					       i, p);
			mutex_unlock(&c->lock);
		}
		prov = iomem_dma_provider_register(&m->p[p].desc);
		if (IS_ERR(prov)) {
			m_fail(m, "register of provider %u: %ld", p,
			       PTR_ERR(prov));
			break;
		}
		spin_lock(&m->p[p].lock);
		m->p[p].prov = prov;
		m->p[p].inst = inst + 1;
		spin_unlock(&m->p[p].lock);
		m->reregisters++;
		usleep_range(2000, 2000 + 1000 * (prandom_u32_state(&rnd) % 5));
	}
	while (!kthread_should_stop())
		usleep_range(2000, 5000);
	return 0;
}

/* Reads have no side effects and never fail but for a provider that left. */
static int m_reader_fn(void *data)
{
	static const char *const files[] = { "published", "available", "size" };
	struct model *m = data;
	char path[64], *buf;
	unsigned int i = 0;
	struct file *f;
	loff_t pos;
	ssize_t n;

	buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	while (atomic_read(&m->clients_left) && !READ_ONCE(m->stop)) {
		snprintf(path, sizeof(path), "class/iomem_dma/%s/%s",
			 m->p[i % M_PROVS].name, files[i % ARRAY_SIZE(files)]);
		i++;
		f = file_open_root_mnt(m->mnt, path, O_RDONLY, 0);
		if (!IS_ERR(f)) {
			pos = 0;
			n = kernel_read(f, buf, PAGE_SIZE, &pos);
			if (n < 0 && n != -ENODEV)
				m_fail(m, "reading %s: %zd", path, n);
			fput(f);
			m->reads++;
		}
		usleep_range(100, 200);
	}
	kfree(buf);
	while (!kthread_should_stop())
		usleep_range(2000, 5000);
	return 0;
}

static void model_concurrent_invariants(struct kunit *test)
{
	struct task_struct *policy, *churn, *reader;
	struct model *m;
	unsigned int i, j;

	m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m);
	m->file = kunit_kzalloc(test, sizeof(*m->file), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m->file);
	m->file->f_cred = current_cred();
	m->file->f_mode = FMODE_WRITE;
	m->test = test;
	spin_lock_init(&m->shared_lock);
	spin_lock_init(&m->fail_lock);
	if (!seed)
		seed = get_random_u64() ?: 1;
	kunit_info(test, "seed %llu (iomem_dma_model.seed=%llu repeats it), %u operations per client\n",
		   seed, seed, ops);

	rules_clean(test);
	fake_fabric_init(test);
	m->sw = fake_node(test, NULL, "msw", RP_FLAG);
	m->routes = true;
	{
		struct file_system_type *fs = get_fs_type("sysfs");

		KUNIT_ASSERT_NOT_NULL(test, fs);
		m->mnt = kern_mount(fs);
		put_filesystem(fs);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, m->mnt);
	}

	for (i = 0; i < M_PROVS; i++) {
		struct m_prov *p = &m->p[i];

		snprintf(p->name, sizeof(p->name), "mp%u", i);
		spin_lock_init(&p->lock);
		p->fp = fake_prov_create_flags(test, p->name, M_POOL, NULL,
					       false);
		p->desc.dev = p->fp->dev;
		p->desc.name = p->name;
		p->desc.ranges = &p->fp->range;
		p->desc.nr_ranges = 1;
		p->desc.ops = &fake_prov_ops;
		p->desc.fabric = m->sw;
		p->desc.priv = p->fp;
		p->prov = iomem_dma_provider_register(&p->desc);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p->prov);
		snprintf(m->rule_text[i], sizeof(m->rule_text[i]),
			 "deny provider=%s", p->name);
	}
	for (i = 0; i < M_CLIENTS; i++) {
		struct m_client *c = &m->c[i];
		char name[8];

		c->m = m;
		c->idx = i;
		mutex_init(&c->lock);
		prandom_seed_state(&c->rnd, seed + i);
		snprintf(name, sizeof(name), "mc%u", i);
		c->dev = iomem_dma_test_device(test, name);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, c->dev);
		c->dev->dma_mask = &c->dev->coherent_dma_mask;
		c->dev->coherent_dma_mask = DMA_BIT_MASK(32);
		fake_fabric_place(test, c->dev, m->sw);
		c->client = iomem_dma_client_register(c->dev, &m_client_ops, c);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, c->client);
		snprintf(m->rule_text[M_PROVS + i], sizeof(m->rule_text[0]),
			 "deny client=%s", dev_name(c->dev));
	}

	atomic_set(&m->clients_left, M_CLIENTS);
	for (i = 0; i < M_CLIENTS; i++) {
		m->c[i].task = kthread_run(m_client_fn, &m->c[i],
					   "iomem_dma-m%u", i);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, m->c[i].task);
		get_task_struct(m->c[i].task);
	}
	policy = kthread_run(m_policy_fn, m, "iomem_dma-mpol");
	churn = kthread_run(m_churn_fn, m, "iomem_dma-mchurn");
	reader = kthread_run(m_reader_fn, m, "iomem_dma-mread");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, policy);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, churn);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, reader);
	get_task_struct(policy);
	get_task_struct(churn);
	get_task_struct(reader);

	while (atomic_read(&m->clients_left))
		msleep(20);
	WRITE_ONCE(m->stop, true);
	kthread_stop(policy);
	kthread_stop(churn);
	kthread_stop(reader);
	put_task_struct(policy);
	put_task_struct(churn);
	put_task_struct(reader);
	for (i = 0; i < M_CLIENTS; i++) {
		kthread_stop(m->c[i].task);
		put_task_struct(m->c[i].task);
	}

	/* The last state, checked once more, then everything given back. */
	m_check_mappings(m, "the run");
	for (i = 0; i < M_CLIENTS; i++) {
		struct m_client *c = &m->c[i];

		mutex_lock(&c->lock);
		for (j = 0; j < M_SLOTS; j++) {
			if (!c->t[j].live)
				continue;
			if (m_pattern(&c->t[j], true))
				m_fail(m, "client %u: table %u reads back wrong at the end",
				       i, j);
			m_table_drop(c, &c->t[j]);
		}
		mutex_unlock(&c->lock);
		kunit_info(test, "client %u: %lu ops, %lu maps, %lu denied, %lu stale and %lu foreign uses, %d revokes, %lu re-registrations\n",
			   i, c->done, c->maps, c->denied, c->stale_uses,
			   c->foreign_uses, atomic_read(&c->revokes), c->reregs);
		KUNIT_EXPECT_EQ(test, iomem_dma_client_unregister(c->client), 0);
	}
	kunit_info(test, "%lu policy changes, %lu re-registrations, %lu checks, %lu sysfs reads\n",
		   m->changes, m->reregisters, m->checks, m->reads);
	for (i = 0; i < M_PROVS; i++) {
		KUNIT_EXPECT_EQ(test, m->p[i].prov->nr_chunks, 0UL);
		KUNIT_EXPECT_EQ(test, iomem_dma_provider_unregister(m->p[i].prov),
				0);
	}
	kern_unmount(m->mnt);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&m->failures), 0,
			    "seed %llu: first failure: %s", seed, m->first);
	KUNIT_EXPECT_GT(test, m->changes, 0UL);
	KUNIT_EXPECT_GT(test, m->reregisters, 0UL);
}

static struct kunit_case iomem_dma_model_cases[] = {
	KUNIT_CASE_SLOW(model_concurrent_invariants),
	{}
};

static struct kunit_suite iomem_dma_model_suite = {
	.name = "iomem_dma_model",
	.test_cases = iomem_dma_model_cases,
};

kunit_test_suite(iomem_dma_model_suite);

MODULE_DESCRIPTION("KUnit model-based concurrency test of iomem_dma's invariants");
MODULE_LICENSE("GPL");
