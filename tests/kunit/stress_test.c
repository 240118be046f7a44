// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit stress test: worker threads allocate, map, unmap and free while
 * one thread adds and removes a deny rule and another unregisters and
 * registers a provider again. At the end every byte is back. The number
 * of operations is iomem_dma_stress.ops; the suite ends with a kmemleak
 * scan when kmemleak is built in. See
 * Documentation/driver-api/iomem_dma/reliability.rst.
 */

#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/genalloc.h>
#include <linux/iomem_dma_provider.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/mman.h>
#include <linux/moduleparam.h>
#include <linux/mount.h>
#include <linux/random.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#define FAKE_WINDOW 13
#include "iomem_dma_test.h"

static unsigned int ops = 40000;
module_param(ops, uint, 0444);
MODULE_PARM_DESC(ops, "Client operations (alloc, map, unmap, free) the stress case performs at least, in all; 1000000 for the long run");

#define NR_WORKERS	3
#define POOL		(16 * PAGE_SIZE)
#define RP		IOMEM_DMA_NODE_ROUTES_PEER

struct stress;

struct stress_worker {
	struct stress *s;
	struct device *dev;
	struct iomem_dma_client *client;
	struct task_struct *task;
	unsigned int id;
	atomic_t revokes;
	unsigned long done;
	unsigned long denied, gone, full, unexpected;
	int last_error;
};

struct stress {
	struct kunit *test;
	struct fake_prov *churn, *stable;
	struct iomem_dma_provider_desc churn_desc;
	struct iomem_dma_provider *churn_prov;	/* owned by the churn thread */
	struct stress_worker w[NR_WORKERS];
	atomic_long_t ops_left;
	atomic_t workers_left;
	bool stop;
	unsigned long reregisters, rule_changes, revoked;
	int churn_error, policy_error;
	struct completion churn_done, policy_done;
};

static void stress_revoke(struct iomem_dma_client *client,
			  struct iomem_dma_provider *prov, void *priv)
{
	struct stress_worker *w = priv;

	/* Each iteration frees what it holds: the drain needs no more. */
	atomic_inc(&w->revokes);
}

static const struct iomem_dma_client_ops stress_client_ops = {
	.revoke = stress_revoke,
};

static bool ops_remain(struct stress *s)
{
	return atomic_long_read(&s->ops_left) > 0;
}

/* One allocate/map/unmap/free round on @name: four operations. */
static void worker_round(struct stress_worker *w, const char *name)
{
	struct iomem_dma_provider *prov;
	struct sg_table sgt;
	size_t size = (1 + get_random_u32_below(4)) * PAGE_SIZE;
	int ret;

	prov = iomem_dma_provider_get_by_name(name);
	if (!prov) {
		w->gone++;
		return;
	}
	ret = iomem_dma_alloc_sgt(w->client, prov, &sgt, size, GFP_KERNEL);
	w->done++;
	if (ret == -ENODEV) {
		w->gone++;
	} else if (ret == -ENOMEM) {
		w->full++;
	} else if (ret) {
		w->unexpected++;
		w->last_error = ret;
	} else {
		ret = iomem_dma_map_sgtable(w->client, &sgt, DMA_BIDIRECTIONAL, 0);
		w->done++;
		if (!ret) {
			iomem_dma_unmap_sgtable(w->client, &sgt, DMA_BIDIRECTIONAL,
						0);
			w->done++;
		} else if (ret == -EREMOTEIO) {
			w->denied++;
		} else {
			w->unexpected++;
			w->last_error = ret;
		}
		ret = iomem_dma_free_sgt(w->client, &sgt);
		w->done++;
		if (ret) {
			w->unexpected++;
			w->last_error = ret;
		}
	}
	iomem_dma_provider_put(prov);
}

static int worker_fn(void *data)
{
	struct stress_worker *w = data;
	struct stress *s = w->s;
	unsigned long before;

	while (ops_remain(s)) {
		before = w->done;
		worker_round(w, get_random_u32_below(2) ? "stress-churn" :
			     "stress-stable");
		atomic_long_sub(w->done - before, &s->ops_left);
		cond_resched();
	}
	atomic_dec(&s->workers_left);
	while (!kthread_should_stop())
		usleep_range(1000, 2000);
	return 0;
}

/* Unregister and register the churning provider until the workers end. */
static int churn_fn(void *data)
{
	struct stress *s = data;
	struct iomem_dma_provider *p;

	while (!READ_ONCE(s->stop)) {
		if (s->churn_prov) {
			s->churn_error = iomem_dma_provider_unregister(s->churn_prov);
			s->churn_prov = NULL;
			if (s->churn_error)
				break;
		} else {
			p = iomem_dma_provider_register(&s->churn_desc);
			if (IS_ERR(p)) {
				s->churn_error = PTR_ERR(p);
				break;
			}
			s->churn_prov = p;
			s->reregisters++;
		}
		usleep_range(50, 100);
	}
	complete(&s->churn_done);
	return 0;
}

/* Deny worker 0 the churning provider, then allow it again. */
static int policy_fn(void *data)
{
	struct stress *s = data;
	char rule[96], id_text[16];
	unsigned int id;
	int len, ret;

	len = snprintf(rule, sizeof(rule), "deny provider=stress-churn client=%s",
		       dev_name(s->w[0].dev));
	while (!READ_ONCE(s->stop)) {
		ret = iomem_dma_policy_add(rule, len, &id);
		if (ret) {
			s->policy_error = ret;
			break;
		}
		s->revoked += iomem_dma_policy_revoke_denied();
		usleep_range(50, 100);
		snprintf(id_text, sizeof(id_text), "%u", id);
		ret = iomem_dma_policy_remove(id_text, strlen(id_text));
		if (ret) {
			s->policy_error = ret;
			break;
		}
		s->rule_changes += 2;
		usleep_range(50, 100);
	}
	complete(&s->policy_done);
	return 0;
}

static void stress_cleanup(void *data)
{
	struct stress *s = data;

	iomem_dma_policy_clear();
	if (s->churn_prov)
		iomem_dma_provider_unregister(s->churn_prov);
	s->churn_prov = NULL;
}

static void stress_balanced(struct kunit *test, struct iomem_dma_provider *p)
{
	/* What magazines keep counts as free, then goes back whole. */
	KUNIT_EXPECT_EQ(test, iomem_dma_provider_avail(p),
			iomem_dma_provider_size(p));
	iomem_dma_provider_mags_drain(p);
	KUNIT_EXPECT_EQ(test, gen_pool_avail(p->pool),
			iomem_dma_provider_size(p));
	KUNIT_EXPECT_EQ(test, p->nr_chunks, 0UL);
	KUNIT_EXPECT_TRUE(test, list_empty(&p->holders));
}

static void stress_alloc_map_vs_policy_and_unplug(struct kunit *test)
{
	struct task_struct *churn, *policy;
	struct iomem_dma_chunk *chunk;
	struct iomem_dma_node *sw;
	unsigned long total = 0, revokes = 0, id;
	struct stress *s;
	ktime_t start;
	unsigned int i;

	s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	s->test = test;
	iomem_dma_policy_clear();
	fake_fabric_init(test);
	sw = fake_node(test, NULL, "ssw", RP);
	s->stable = fake_prov_create(test, "stress-stable", POOL, sw);
	s->churn = fake_prov_create_flags(test, "stress-churn", POOL, NULL,
					  false);
	fake_fabric_place(test, s->churn->dev, sw);
	s->churn_desc = (struct iomem_dma_provider_desc) {
		.dev = s->churn->dev, .name = "stress-churn",
		.ranges = &s->churn->range, .nr_ranges = 1,
		.ops = &fake_prov_ops, .priv = s->churn, .fabric = sw,
	};
	s->churn_prov = iomem_dma_provider_register(&s->churn_desc);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, s->churn_prov);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, stress_cleanup, s));

	for (i = 0; i < NR_WORKERS; i++) {
		char name[16];

		snprintf(name, sizeof(name), "stress-w%u", i);
		s->w[i].s = s;
		s->w[i].id = i;
		s->w[i].dev = iomem_dma_test_device(test, name);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, s->w[i].dev);
		fake_fabric_place(test, s->w[i].dev, sw);
		s->w[i].client = iomem_dma_client_register(s->w[i].dev,
							   &stress_client_ops,
							   &s->w[i]);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, s->w[i].client);
	}

	atomic_long_set(&s->ops_left, ops);
	atomic_set(&s->workers_left, NR_WORKERS);
	init_completion(&s->churn_done);
	init_completion(&s->policy_done);
	start = ktime_get();
	churn = kthread_run(churn_fn, s, "iomem_dma-churn");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, churn);
	policy = kthread_run(policy_fn, s, "iomem_dma-policy");
	if (IS_ERR(policy)) {
		WRITE_ONCE(s->stop, true);
		wait_for_completion(&s->churn_done);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, policy);
	}
	for (i = 0; i < NR_WORKERS; i++) {
		s->w[i].task = kthread_run(worker_fn, &s->w[i],
					   "iomem_dma-w%u", i);
		if (IS_ERR(s->w[i].task)) {
			atomic_long_set(&s->ops_left, 0);
			atomic_sub(NR_WORKERS - i, &s->workers_left);
			break;
		}
		get_task_struct(s->w[i].task);
	}
	while (atomic_read(&s->workers_left))
		usleep_range(5000, 10000);
	WRITE_ONCE(s->stop, true);
	wait_for_completion(&s->churn_done);
	wait_for_completion(&s->policy_done);
	for (i = 0; i < NR_WORKERS; i++) {
		if (IS_ERR_OR_NULL(s->w[i].task))
			continue;
		kthread_stop(s->w[i].task);
		put_task_struct(s->w[i].task);
	}

	for (i = 0; i < NR_WORKERS; i++) {
		struct stress_worker *w = &s->w[i];

		KUNIT_EXPECT_FALSE(test, IS_ERR_OR_NULL(w->task));
		KUNIT_EXPECT_EQ_MSG(test, w->unexpected, 0UL,
				    "worker %u: last error %d", i,
				    w->last_error);
		total += w->done;
		revokes += atomic_read(&w->revokes);
		kunit_info(test, "worker %u: %lu ops, %lu denied, %lu provider gone, %lu pool full\n",
			   i, w->done, w->denied, w->gone, w->full);
	}
	KUNIT_EXPECT_EQ(test, s->churn_error, 0);
	KUNIT_EXPECT_EQ(test, s->policy_error, 0);
	kunit_info(test, "%lu ops in %lld ms; %lu re-registrations, %lu rule changes, %lu revokes (%lu by policy)\n",
		   total, ktime_ms_delta(ktime_get(), start), s->reregisters,
		   s->rule_changes, revokes, s->revoked);

	/* Everything balances: no bytes, chunks or holders left. */
	stress_balanced(test, s->stable->prov);
	if (s->churn_prov)
		stress_balanced(test, s->churn_prov);
	xa_for_each(&iomem_dma_chunks, id, chunk) {
		struct iomem_dma_provider *p = iomem_dma_chunk_prov(chunk);

		KUNIT_EXPECT_FALSE_MSG(test, p == s->stable->prov ||
				       p == s->churn_prov,
				       "chunk %lu left behind", id);
	}
	KUNIT_EXPECT_EQ(test, iomem_dma_policy_count(), 0U);
	KUNIT_EXPECT_GE(test, total, (unsigned long)ops);
}

/*
 * kmemleak is only asked through its debugfs file, whose write takes a
 * user buffer: the scan is requested from a KUnit-made user mapping, and
 * the report is read back the same way.
 */
static ssize_t kmemleak_cmd(struct kunit *test, struct file *f,
			    unsigned long ubuf, const char *cmd)
{
	loff_t pos = 0;

	if (copy_to_user((void __user *)ubuf, cmd, strlen(cmd)))
		return -EFAULT;
	return f->f_op->write(f, (const char __user *)ubuf, strlen(cmd), &pos);
}

/* Fail on a leak report whose trace goes through iomem_dma. */
static void stress_kmemleak_scan(struct kunit *test)
{
	struct file_system_type *fs;
	struct vfsmount *mnt;
	unsigned long ubuf;
	size_t size = 64 * 1024, used = 0;
	char *report, *rec, *next;
	unsigned int ours = 0, total = 0;
	struct file *f;
	loff_t pos = 0;
	ssize_t n;

	if (!IS_ENABLED(CONFIG_DEBUG_KMEMLEAK))
		kunit_skip(test, "kmemleak is not built in");

	ubuf = kunit_vm_mmap(test, NULL, 0, size, PROT_READ | PROT_WRITE,
			     MAP_ANONYMOUS | MAP_PRIVATE, 0);
	KUNIT_ASSERT_NE_MSG(test, ubuf, 0UL, "no user mapping");
	report = kunit_kzalloc(test, size + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, report);
	fs = get_fs_type("debugfs");
	KUNIT_ASSERT_NOT_NULL(test, fs);
	mnt = kern_mount(fs);
	put_filesystem(fs);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, mnt);
	f = file_open_root_mnt(mnt, "kmemleak", O_RDWR, 0);
	if (IS_ERR(f)) {
		kern_unmount(mnt);
		kunit_skip(test, "kmemleak is off (%ld)", PTR_ERR(f));
	}

	/*
	 * Objects younger than 5 s are not reported, and an object is only
	 * reported by the second scan that finds it unreferenced.
	 */
	msleep(5500);
	n = kmemleak_cmd(test, f, ubuf, "scan");
	if (n >= 0)
		n = kmemleak_cmd(test, f, ubuf, "scan");
	KUNIT_EXPECT_EQ_MSG(test, n, 4L, "kmemleak scan failed");
	do {
		n = f->f_op->read(f, (char __user *)ubuf, size - used, &pos);
		if (n > 0 && copy_from_user(report + used, (void __user *)ubuf,
					    n))
			n = -EFAULT;
		if (n > 0)
			used += n;
	} while (n > 0 && used < size);
	fput(f);
	kern_unmount(mnt);
	KUNIT_EXPECT_GE(test, n, 0L);

	/* Records start with "unreferenced object". */
	for (rec = strstr(report, "unreferenced object"); rec; rec = next) {
		next = strstr(rec + 1, "unreferenced object");
		if (next)
			next[-1] = '\0';
		total++;
		if (strstr(rec, "iomem_dma")) {
			ours++;
			pr_err("iomem_dma kmemleak: %s\n", rec);
		}
	}
	kunit_info(test, "kmemleak: %u unreferenced objects, %u from iomem_dma\n",
		   total, ours);
	KUNIT_EXPECT_EQ(test, ours, 0U);
}

static struct kunit_case iomem_dma_stress_cases[] = {
	KUNIT_CASE(stress_alloc_map_vs_policy_and_unplug),
	KUNIT_CASE_SLOW(stress_kmemleak_scan),
	{}
};

static struct kunit_suite iomem_dma_stress_suite = {
	.name = "iomem_dma_stress",
	.test_cases = iomem_dma_stress_cases,
};

kunit_test_suite(iomem_dma_stress_suite);

MODULE_DESCRIPTION("KUnit stress test for iomem_dma");
MODULE_LICENSE("GPL");
