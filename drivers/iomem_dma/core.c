// SPDX-License-Identifier: GPL-2.0-only
/*
 * iomem_dma core: provider and client registry, lifetime and revoke.
 *
 * The core knows nothing about any bus. Backends describe providers to it
 * (struct iomem_dma_provider_desc) and tell it where devices sit in the
 * fabric (struct iomem_dma_fabric); clients allocate, map and free.
 */

/**
 * DOC: locking
 *
 * Each lock guards one concern; the mutexes below nest only as stated
 * (iomem_dma_attach_lock outermost), and a provider's spinlock nests
 * inside iomem_dma_providers_lock. The helpers named ``*_locked`` assert
 * the lock they need with lockdep_assert_held().
 *
 * iomem_dma_providers_lock (a mutex) protects the list of registered
 * providers and the list of providers being unregistered, and orders
 * publishing against both. It is held while registering, unregistering,
 * publishing and searching providers, and while a revoke pass picks its
 * next pair; never while calling back into a client or a backend.
 *
 * iomem_dma_clients_lock (a mutex) protects the list of clients and the
 * next registration number, which only registration, revoke passes and
 * the administration's queries walk; clients never need it on their hot paths,
 * since they pass the handle registration returned.
 *
 * iomem_dma_attach_lock (a mutex) serialises replacing the attachment
 * nodes of clients and providers (iomem_dma_attachments_refresh()); it is
 * taken before iomem_dma_clients_lock, iomem_dma_providers_lock and a
 * client's cb_lock, and verdicts read attachments under RCU instead.
 *
 * iomem_dma_client_lock (a spinlock) makes looking up a device's client
 * registration and adding it one step, and lets iomem_dma_is_client() read
 * the registration while its device unbinds.
 *
 * iomem_dma_rules_lock (a mutex, policy.c) serialises writers of the
 * rules, their count and their ids; verdicts read the rules under RCU.
 *
 * iomem_dma_node_flags_lock (a mutex, topology.c) serialises writers of
 * fabric nodes' flags; verdicts read them with READ_ONCE().
 *
 * An administrator's preference is one value, written with WRITE_ONCE()
 * and read with READ_ONCE(), under no lock.
 *
 * iomem_dma_fabrics_lock (a mutex, topology.c) protects the list of
 * fabric backends against writers; readers walk it under SRCU (to ask a
 * backend where a device sits, which may sleep) or RCU (firmware
 * statements, from verdicts).
 *
 * iomem_dma_revoke_lock (a mutex, policy.c) serialises revoke passes. It
 * is taken without other core locks and held while revoke callbacks run.
 *
 * &iomem_dma_client.cb_lock (a mutex) is held around every revoke callback
 * and the verdict that decides it, and while the registration ends, so
 * that neither runs for a client whose device may be gone.
 *
 * &iomem_dma_provider.lock (a spinlock) protects a provider's state (dead,
 * published), its count of outstanding allocations and its per-client
 * accounting. It nests inside iomem_dma_providers_lock and is never held
 * while calling anything outside the core.
 *
 * &iomem_dma_client.lock (a spinlock) protects a client's last refusal and
 * serialises writers of its slots of last used verdicts (readers use RCU;
 * see iomem_dma_verdict_cached()); the only lock taken under it is the
 * verdict cache's xarray lock, by xa_load().
 *
 * iomem_dma_chunks (an xarray, with its own lock) maps the id stored in an
 * iomem scatterlist entry to its allocation. iomem_dma_chunk_locks (64
 * spinlocks, alloc.c, one per index modulo 64) make a lookup and the free
 * of the same allocation exclusive: every lookup runs under the lock of
 * its index (iomem_dma_chunk_lock(), asserted by iomem_dma_chunk_lookup()),
 * and a free erases the index under it, so the allocation is freed at once
 * afterwards, without an RCU grace period. The xarray's lock nests inside
 * them. A lookup that is going to use the allocation after the lock pins
 * it by raising its mapcount, which fails once a free has started.
 *
 * Lifetimes: a provider lives until its last reference is put; the registry
 * holds one until unregister ends, iomem_dma_find() and
 * iomem_dma_provider_get_by_name() return one, and every allocation holds
 * one. A client lives until the devres entry of its device is released and
 * its last allocation is freed; its handle is valid as long as either
 * lasts.
 *
 * Unregister marks the provider dead under its lock (new allocations fail
 * with -ENODEV), calls every holder's revoke callback without locks, then
 * waits for the outstanding allocations to be freed. It never gives up, but
 * every iomem_dma.stall_report_ms it names the holders in the kernel log.
 */

#define pr_fmt(fmt) "iomem_dma: " fmt

#include <linux/device.h>
#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/genalloc.h>
#include <linux/idr.h>
#include <linux/iomem_dma_provider.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/seq_buf.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "internal.h"

#include <trace/events/iomem_dma.h>

/* The provider lists and publishing; see DOC: locking. */
DEFINE_MUTEX(iomem_dma_providers_lock);
/* The client list; see DOC: locking. */
DEFINE_MUTEX(iomem_dma_clients_lock);
LIST_HEAD(iomem_dma_providers);
/*
 * Providers being unregistered: no longer found by name or by
 * iomem_dma_find(), but their memory may still be mapped, so revoke passes
 * look at them too until it is back.
 */
LIST_HEAD(iomem_dma_dying_providers);
LIST_HEAD(iomem_dma_clients);
static unsigned int iomem_dma_client_seq;	/* under iomem_dma_clients_lock */
static DEFINE_IDA(iomem_dma_provider_ida);
DEFINE_XARRAY_ALLOC1(iomem_dma_chunks);

atomic64_t iomem_dma_gen = ATOMIC64_INIT(1);
static DEFINE_SPINLOCK(iomem_dma_client_lock);

unsigned int iomem_dma_stall_report_ms = 5000;

/* 0 would report in a busy loop; more than an hour reports nothing useful. */
#define STALL_REPORT_MS_MAX	3600000

static int stall_report_ms_set(const char *val, const struct kernel_param *kp)
{
	unsigned int v;

	if (kstrtouint(val, 0, &v) || !v || v > STALL_REPORT_MS_MAX)
		return -EINVAL;
	WRITE_ONCE(iomem_dma_stall_report_ms, v);
	return 0;
}

static const struct kernel_param_ops stall_report_ms_ops = {
	.set = stall_report_ms_set,
	.get = param_get_uint,
};
module_param_cb(stall_report_ms, &stall_report_ms_ops,
		&iomem_dma_stall_report_ms, 0644);
MODULE_PARM_DESC(stall_report_ms,
		 "While unregistering a provider, name the clients still holding its memory every this many milliseconds");
atomic_t iomem_dma_stall_reports = ATOMIC_INIT(0);

/*
 * The one writer of the generation. Fully ordered: whoever reads the new
 * value (and orders its later reads after it) sees every store made
 * before the bump, such as the end of a client's registration.
 */
void iomem_dma_generation_bump(void)
{
	atomic64_inc_return(&iomem_dma_gen);
}

#ifdef CONFIG_IOMEM_DMA_FAULT_INJECTION
/* Off until set up; see internal.h. */
DECLARE_FAULT_ATTR(iomem_dma_fault_attr);

static void iomem_dma_fault_debugfs_init(void)
{
	struct dentry *dir;

	if (!IS_ENABLED(CONFIG_FAULT_INJECTION_DEBUG_FS))
		return;
	dir = fault_create_debugfs_attr("fail_iomem_dma",
					iomem_dma_debugfs_root,
					&iomem_dma_fault_attr);
	if (IS_ERR(dir))
		pr_warn("no debugfs entry for fault injection (%ld)\n",
			PTR_ERR(dir));
}
#else
static void iomem_dma_fault_debugfs_init(void)
{
}
#endif

static const char *const iomem_dma_reason_names[IOMEM_DMA_REASON_MAX] = {
	[IOMEM_DMA_REASON_SAME_DEVICE] = "same device",
	[IOMEM_DMA_REASON_COMMON_NODE] = "common node routes peer traffic",
	[IOMEM_DMA_REASON_HOST_ALLOWED] = "host bridge routes peer traffic",
	[IOMEM_DMA_REASON_NO_COMMON_NODE] = "no common fabric node",
	[IOMEM_DMA_REASON_HOST_NOT_ALLOWED] = "host bridge not allowed to route peer traffic",
	[IOMEM_DMA_REASON_ACS_REDIRECT] = "ACS redirect, host bridge not allowed",
	[IOMEM_DMA_REASON_NO_ROUTING] = "common node does not route peer traffic",
	[IOMEM_DMA_REASON_CLIENT_NOT_ON_FABRIC] = "client not on any fabric",
	[IOMEM_DMA_REASON_PROVIDER_NOT_ON_FABRIC] = "provider not on any fabric",
	[IOMEM_DMA_REASON_PROVIDER_GONE] = "provider is being removed",
	[IOMEM_DMA_REASON_ACS_VIA_HOST] = "ACS redirect through an allowed host bridge",
	[IOMEM_DMA_REASON_RULE_DENY] = "denied by rule",
	[IOMEM_DMA_REASON_RULE_ALLOW] = "allowed by rule, through the host",
	[IOMEM_DMA_REASON_RULE_FORCED] = "forced by rule over a hardware no",
	[IOMEM_DMA_REASON_NEEDS_FORCE] = "allow rule lacks force for a hardware no",
	[IOMEM_DMA_REASON_FW_DENY] = "denied by a firmware statement",
	[IOMEM_DMA_REASON_FW_ALLOW] = "allowed by a firmware statement, through the host",
};

/**
 * iomem_dma_reason_str() - describe a verdict's reason in words
 * @reason: the reason code.
 *
 * Return: a constant string; "unknown" for a value out of range.
 */
const char *iomem_dma_reason_str(enum iomem_dma_reason reason)
{
	if ((unsigned int)reason >= IOMEM_DMA_REASON_MAX)
		return "unknown";
	return iomem_dma_reason_names[reason];
}
EXPORT_SYMBOL_GPL(iomem_dma_reason_str);

/**
 * iomem_dma_path_str() - name a verdict's path
 * @path: the path.
 *
 * Return: "denied", "bus" or "host"; "unknown" for a value out of range.
 */
const char *iomem_dma_path_str(enum iomem_dma_path path)
{
	switch (path) {
	case IOMEM_DMA_PATH_DENIED:
		return "denied";
	case IOMEM_DMA_PATH_BUS:
		return "bus";
	case IOMEM_DMA_PATH_HOST:
		return "host";
	}
	return "unknown";
}
EXPORT_SYMBOL_GPL(iomem_dma_path_str);

/* ---- providers ---- */

void iomem_dma_provider_release(struct kref *ref)
{
	struct iomem_dma_provider *prov =
		container_of(ref, struct iomem_dma_provider, ref);

	if (prov->id)
		ida_free(&iomem_dma_provider_ida, prov->id);
	/* The last reference: nobody reads the attachment any more. */
	iomem_dma_node_put(rcu_dereference_protected(prov->fabric, true));
	put_device(prov->dev);
	kfree(prov->bases);
	kfree(prov->ranges);
	kfree(prov->sname);
	kfree(prov->name);
	kfree(prov);
}

static struct iomem_dma_provider *provider_find_locked(const char *name)
{
	struct iomem_dma_provider *prov;

	lockdep_assert_held(&iomem_dma_providers_lock);
	list_for_each_entry(prov, &iomem_dma_providers, list)
		if (!strcmp(prov->name, name))
			return prov;
	return NULL;
}

static int provider_desc_check(const struct iomem_dma_provider_desc *desc,
			       unsigned int order)
{
	u64 align = 1ULL << order;
	unsigned int i;

	if (!desc->ops || !desc->ops->bus_addr)
		return -EINVAL;
	if (!desc->ranges || !desc->nr_ranges || desc->nr_ranges > 64)
		return -EINVAL;
	for (i = 0; i < desc->nr_ranges; i++) {
		const struct iomem_dma_range *r = &desc->ranges[i];
		phys_addr_t end;

		if (!r->size || !IS_ALIGNED(r->size, align) ||
		    !IS_ALIGNED((u64)r->phys, align) || !r->vaddr)
			return -EINVAL;
		if (r->size > ULONG_MAX / 2 ||
		    check_add_overflow(r->phys, (phys_addr_t)(r->size - 1), &end))
			return -EINVAL;
	}
	return 0;
}

/**
 * iomem_dma_provider_register() - make a range of I/O memory available
 * @desc: description of the provider; copied, may be freed on return.
 *
 * The provider starts private: only code holding the returned pointer can
 * allocate from it. Call iomem_dma_provider_publish() to let
 * iomem_dma_find() return it to other drivers.
 *
 * Context: process context; may sleep.
 * Return: the provider, or an ERR_PTR(): -EINVAL if @desc is malformed
 * (no device, no ops or bus_addr, no range, a range of size zero, not
 * aligned to the granule, without a CPU mapping, or wrapping around),
 * -EEXIST if a provider with that name exists, -ENOMEM if out of memory.
 */
struct iomem_dma_provider *
iomem_dma_provider_register(const struct iomem_dma_provider_desc *desc)
{
	struct iomem_dma_provider *prov;
	unsigned int order, i;
	int ret;

	might_sleep();
	if (!desc || !desc->dev || (desc->fabric_from_device && desc->fabric))
		return ERR_PTR(-EINVAL);
	order = desc->granule_order ? desc->granule_order : PAGE_SHIFT;
	if (order < 6 || order > 30)
		return ERR_PTR(-EINVAL);
	ret = provider_desc_check(desc, order);
	if (ret)
		return ERR_PTR(ret);

	prov = iomem_dma_should_fail() ? NULL :
	       kzalloc(sizeof(*prov), GFP_KERNEL);
	if (!prov)
		return ERR_PTR(-ENOMEM);
	kref_init(&prov->ref);
	INIT_LIST_HEAD(&prov->list);
	INIT_LIST_HEAD(&prov->holders);
	spin_lock_init(&prov->lock);
	init_waitqueue_head(&prov->drain_wq);
	prov->dev = get_device(desc->dev);
	prov->ops = desc->ops;
	prov->priv = desc->priv;
	prov->cpu_map = desc->cpu_map;
	prov->granule_order = order;
	prov->nr_ranges = desc->nr_ranges;
	if (!iomem_dma_should_fail())
		prov->name = kstrdup(desc->name ?: dev_name(desc->dev),
				     GFP_KERNEL);
	prov->sname = iomem_dma_stable_name(desc->dev, GFP_KERNEL);
	if (!iomem_dma_should_fail())
		prov->ranges = kmemdup_array(desc->ranges, desc->nr_ranges,
					     sizeof(*desc->ranges), GFP_KERNEL);
	if (!iomem_dma_should_fail())
		prov->bases = kcalloc(desc->nr_ranges, sizeof(*prov->bases),
				      GFP_KERNEL);
	if (!prov->name || !prov->sname || !prov->ranges || !prov->bases) {
		ret = -ENOMEM;
		goto put_prov;
	}
	if (!prov->name[0] || strlen(prov->name) >= IOMEM_DMA_NODE_NAME_LEN ||
	    strpbrk(prov->name, "/ \t\n")) {
		ret = -EINVAL;
		goto put_prov;
	}
	for (i = 0; i < prov->nr_ranges; i++)
		prov->size += prov->ranges[i].size;
	prov->fabric_from_dev = desc->fabric_from_device;
	RCU_INIT_POINTER(prov->fabric, desc->fabric_from_device ?
			 iomem_dma_node_for_device(desc->dev) :
			 iomem_dma_node_get(desc->fabric));

	ret = iomem_dma_should_fail() ? -ENOSPC :
	      ida_alloc_min(&iomem_dma_provider_ida, 1, GFP_KERNEL);
	if (ret < 0)
		goto put_prov;
	prov->id = ret;

	ret = iomem_dma_pool_create(prov);
	if (ret)
		goto put_prov;

	mutex_lock(&iomem_dma_providers_lock);
	if (provider_find_locked(prov->name)) {
		mutex_unlock(&iomem_dma_providers_lock);
		ret = -EEXIST;
		goto destroy_pool;
	}
	list_add_tail(&prov->list, &iomem_dma_providers);
	iomem_dma_generation_bump();
	mutex_unlock(&iomem_dma_providers_lock);

	ret = iomem_dma_sysfs_add_provider(prov);
	if (ret)
		dev_warn(prov->dev, "iomem_dma: no sysfs entry for %s (%d)\n",
			 prov->name, ret);
	trace_iomem_dma_provider_register(prov->name, dev_name(prov->dev),
					  prov->size, prov->granule_order);
	return prov;

destroy_pool:
	iomem_dma_pool_destroy(prov);
put_prov:
	kref_put(&prov->ref, iomem_dma_provider_release);
	return ERR_PTR(ret);
}
EXPORT_SYMBOL_GPL(iomem_dma_provider_register);

static void provider_report_holders(struct iomem_dma_provider *prov)
{
	struct iomem_dma_hold *hold;

	atomic_inc(&iomem_dma_stall_reports);
	spin_lock(&prov->lock);
	pr_warn("unregister of %s waits for %lu allocation(s):\n",
		prov->name, prov->nr_chunks);
	list_for_each_entry(hold, &prov->holders, prov_node)
		pr_warn("  %s holds %llu bytes in %lu allocation(s)\n",
			hold->client->name, hold->bytes, hold->nr_chunks);
	spin_unlock(&prov->lock);
}

static bool provider_drained(struct iomem_dma_provider *prov)
{
	bool drained;

	spin_lock(&prov->lock);
	drained = !prov->nr_chunks;
	spin_unlock(&prov->lock);
	return drained;
}

static unsigned long stall_report_jiffies(void)
{
	return msecs_to_jiffies(READ_ONCE(iomem_dma_stall_report_ms));
}

static void provider_revoke_all(struct iomem_dma_provider *prov)
{
	struct iomem_dma_client *client;

	for (;;) {
		spin_lock(&prov->lock);
		client = iomem_dma_hold_next_locked(prov, IOMEM_DMA_WALK_REVOKE,
						    1, false);
		spin_unlock(&prov->lock);
		if (!client)
			return;
		iomem_dma_client_revoke(client, prov,
					IOMEM_DMA_TRACE_CAUSE_GONE);
		iomem_dma_client_put(client);
	}
}

/**
 * iomem_dma_provider_unregister() - revoke a provider and remove it
 * @prov: provider from iomem_dma_provider_register().
 *
 * New allocations fail at once with -ENODEV. Every client holding memory
 * from @prov gets its revoke callback, then this waits until all of it is
 * unmapped and freed; while it waits it names the holders in the kernel log
 * every iomem_dma.stall_report_ms milliseconds. The registration's
 * reference is dropped at the end; @prov must not be used afterwards by the
 * caller unless it holds a reference of its own.
 *
 * Context: process context; sleeps.
 * Return: 0 on success; -ENOENT if @prov is not a registered provider (for
 * example, unregistered already), -EINVAL if @prov is %NULL.
 */
int iomem_dma_provider_unregister(struct iomem_dma_provider *prov)
{
	struct iomem_dma_provider *pos;
	bool found = false;
	ktime_t start;

	might_sleep();
	if (!prov)
		return -EINVAL;

	mutex_lock(&iomem_dma_providers_lock);
	list_for_each_entry(pos, &iomem_dma_providers, list) {
		if (pos == prov) {
			found = true;
			break;
		}
	}
	if (!found) {
		mutex_unlock(&iomem_dma_providers_lock);
		return -ENOENT;
	}
	list_move_tail(&prov->list, &iomem_dma_dying_providers);
	mutex_unlock(&iomem_dma_providers_lock);

	/* sysfs readers drain before the class device goes. */
	iomem_dma_sysfs_remove_provider(prov);

	mutex_lock(&iomem_dma_providers_lock);
	spin_lock(&prov->lock);
	prov->dead = true;
	prov->published = false;
	spin_unlock(&prov->lock);
	iomem_dma_generation_bump();
	mutex_unlock(&iomem_dma_providers_lock);

	/* Its heap hands out nothing more (after @dead: see heap.c). */
	iomem_dma_heap_provider_gone(prov);
	start = ktime_get();
	/* After @dead nothing is kept again: what clients kept goes back. */
	iomem_dma_provider_mags_drain(prov);
	provider_revoke_all(prov);

	while (!wait_event_timeout(prov->drain_wq, provider_drained(prov),
				   stall_report_jiffies()))
		provider_report_holders(prov);
	trace_iomem_dma_provider_unregister(prov->name,
					    ktime_us_delta(ktime_get(), start));

	mutex_lock(&iomem_dma_providers_lock);
	list_del_init(&prov->list);
	mutex_unlock(&iomem_dma_providers_lock);
	/* Readers of the pool (iomem_dma_provider_avail()) hold the lock. */
	spin_lock(&prov->lock);
	prov->unregistered = true;
	spin_unlock(&prov->lock);
	iomem_dma_pool_destroy(prov);
	kref_put(&prov->ref, iomem_dma_provider_release);
	return 0;
}
EXPORT_SYMBOL_GPL(iomem_dma_provider_unregister);

/*
 * The devres action holds a reference of its own, so the pointer it
 * compares with the registered providers cannot have been freed and reused
 * by another provider when the owner unregistered it early.
 */
static void devm_provider_unregister(void *data)
{
	struct iomem_dma_provider *prov = data;

	iomem_dma_provider_unregister(prov);
	kref_put(&prov->ref, iomem_dma_provider_release);
}

/**
 * devm_iomem_dma_provider_register() - managed iomem_dma_provider_register()
 * @dev: device whose unbind unregisters the provider (usually @desc->dev).
 * @desc: description of the provider.
 *
 * Context: process context; may sleep.
 * Return: as iomem_dma_provider_register().
 */
struct iomem_dma_provider *
devm_iomem_dma_provider_register(struct device *dev,
				 const struct iomem_dma_provider_desc *desc)
{
	struct iomem_dma_provider *prov;
	int ret;

	might_sleep();
	if (!dev)
		return ERR_PTR(-EINVAL);
	prov = iomem_dma_provider_register(desc);
	if (IS_ERR(prov))
		return prov;
	kref_get(&prov->ref);
	ret = devm_add_action_or_reset(dev, devm_provider_unregister, prov);
	if (ret)
		return ERR_PTR(ret);
	return prov;
}
EXPORT_SYMBOL_GPL(devm_iomem_dma_provider_register);

/**
 * iomem_dma_provider_publish() - let other drivers find a provider, or stop
 * @prov: the provider.
 * @publish: true to publish, false to make it private again.
 *
 * Existing allocations are not affected.
 *
 * Return: 0, -EINVAL if @prov is %NULL, -ENODEV if it is being unregistered.
 */
int iomem_dma_provider_publish(struct iomem_dma_provider *prov, bool publish)
{
	int ret = 0;

	if (!prov)
		return -EINVAL;
	mutex_lock(&iomem_dma_providers_lock);
	spin_lock(&prov->lock);
	if (prov->dead)
		ret = -ENODEV;
	else
		prov->published = publish;
	spin_unlock(&prov->lock);
	if (!ret)
		iomem_dma_generation_bump();
	mutex_unlock(&iomem_dma_providers_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(iomem_dma_provider_publish);

/**
 * iomem_dma_provider_put() - drop a reference on a provider
 * @prov: provider from iomem_dma_find() or iomem_dma_provider_get_by_name();
 *	%NULL and error pointers are ignored.
 */
void iomem_dma_provider_put(struct iomem_dma_provider *prov)
{
	if (!IS_ERR_OR_NULL(prov))
		kref_put(&prov->ref, iomem_dma_provider_release);
}
EXPORT_SYMBOL_GPL(iomem_dma_provider_put);

/**
 * iomem_dma_provider_get_by_name() - look up a registered provider
 * @name: the provider's name.
 *
 * Private providers are found too: the name is the capability.
 *
 * Context: process context; may sleep.
 * Return: a referenced provider (release with iomem_dma_provider_put()), or
 * %NULL if there is none by that name.
 */
struct iomem_dma_provider *iomem_dma_provider_get_by_name(const char *name)
{
	struct iomem_dma_provider *prov;

	might_sleep();
	if (!name)
		return NULL;
	mutex_lock(&iomem_dma_providers_lock);
	prov = provider_find_locked(name);
	if (prov)
		kref_get(&prov->ref);
	mutex_unlock(&iomem_dma_providers_lock);
	return prov;
}
EXPORT_SYMBOL_GPL(iomem_dma_provider_get_by_name);

/**
 * iomem_dma_provider_name() - a provider's unique name
 * @prov: the provider.
 *
 * Return: the name, valid as long as the caller holds a reference.
 */
const char *iomem_dma_provider_name(const struct iomem_dma_provider *prov)
{
	return prov->name;
}
EXPORT_SYMBOL_GPL(iomem_dma_provider_name);

/**
 * iomem_dma_provider_size() - total size of a provider's memory
 * @prov: the provider.
 *
 * Return: size in bytes.
 */
size_t iomem_dma_provider_size(const struct iomem_dma_provider *prov)
{
	return prov->size;
}
EXPORT_SYMBOL_GPL(iomem_dma_provider_size);

/**
 * iomem_dma_provider_priv() - the backend's private pointer
 * @prov: the provider.
 *
 * Return: &iomem_dma_provider_desc.priv as given at registration.
 */
void *iomem_dma_provider_priv(const struct iomem_dma_provider *prov)
{
	return prov->priv;
}
EXPORT_SYMBOL_GPL(iomem_dma_provider_priv);

/**
 * iomem_dma_provider_dev() - the device that owns a provider's memory
 * @prov: the provider.
 *
 * Return: the device; valid as long as the caller holds a reference.
 */
struct device *iomem_dma_provider_dev(const struct iomem_dma_provider *prov)
{
	return prov->dev;
}
EXPORT_SYMBOL_GPL(iomem_dma_provider_dev);

/**
 * iomem_dma_check() - may @client reach @prov's memory, and how?
 * @prov: the provider.
 * @client: any device, registered as a client or not.
 * @verdict: filled with the answer.
 *
 * Context: process context; may sleep.
 * Return: 0 if @verdict allows peer-to-peer DMA (bus or host path),
 * -EREMOTEIO if it denies it, -EINVAL if an argument is %NULL, -ENOMEM if
 * out of memory (@verdict is not filled).
 */
int iomem_dma_check(struct iomem_dma_provider *prov, struct device *client,
		    struct iomem_dma_verdict *verdict)
{
	struct iomem_dma_node *node;
	char *cname;

	if (!prov || !client || !verdict)
		return -EINVAL;
	might_sleep();
	cname = iomem_dma_stable_name(client, GFP_KERNEL);
	if (!cname)
		return -ENOMEM;
	node = iomem_dma_node_for_device(client);
	iomem_dma_verdict_compute(prov, client, node, cname, verdict);
	iomem_dma_node_put(node);
	kfree(cname);
	return verdict->path == IOMEM_DMA_PATH_DENIED ? -EREMOTEIO : 0;
}
EXPORT_SYMBOL_GPL(iomem_dma_check);

/* Tie-break between equally close providers: preference, then name. */
static bool provider_preferred(const struct iomem_dma_provider *a,
			       const struct iomem_dma_provider *b)
{
	int pa = READ_ONCE(a->preference), pb = READ_ONCE(b->preference);

	if (pa != pb)
		return pa > pb;
	return strcmp(a->name, b->name) < 0;
}

/**
 * iomem_dma_find() - the closest published provider all clients may use
 * @clients: array of client devices.
 * @num_clients: entries in @clients, at least one.
 *
 * A provider qualifies if the verdict for every client allows peer-to-peer
 * DMA. Among those, the smallest sum of distances wins; ties go to the
 * provider with the highest administrator preference (sysfs attribute
 * "preference", default 0), then to the name that sorts first, so the
 * choice is the same on every boot.
 *
 * Context: process context; may sleep.
 * Return: a referenced provider (release with iomem_dma_provider_put()), or
 * an ERR_PTR(): -EINVAL for a %NULL array, a %NULL entry or no clients,
 * -ENOMEM if out of memory, -ENODEV if no provider qualifies.
 */
struct iomem_dma_provider *iomem_dma_find(struct device *const *clients,
					  unsigned int num_clients)
{
	struct iomem_dma_provider *prov, *best = NULL;
	struct iomem_dma_node **nodes;
	struct iomem_dma_verdict v;
	long best_dist = LONG_MAX;
	char **names;
	unsigned int i;

	might_sleep();
	if (!clients || !num_clients)
		return ERR_PTR(-EINVAL);
	for (i = 0; i < num_clients; i++)
		if (!clients[i])
			return ERR_PTR(-EINVAL);

	nodes = iomem_dma_should_fail() ? NULL :
		kcalloc(num_clients, sizeof(*nodes), GFP_KERNEL);
	names = iomem_dma_should_fail() ? NULL :
		kcalloc(num_clients, sizeof(*names), GFP_KERNEL);
	if (!nodes || !names) {
		kfree(nodes);
		kfree(names);
		return ERR_PTR(-ENOMEM);
	}
	for (i = 0; i < num_clients; i++) {
		names[i] = iomem_dma_stable_name(clients[i], GFP_KERNEL);
		if (!names[i]) {
			best = ERR_PTR(-ENOMEM);
			goto out;
		}
		nodes[i] = iomem_dma_node_for_device(clients[i]);
	}

	mutex_lock(&iomem_dma_providers_lock);
	list_for_each_entry(prov, &iomem_dma_providers, list) {
		long dist = 0;

		if (!READ_ONCE(prov->published))
			continue;
		for (i = 0; i < num_clients; i++) {
			iomem_dma_verdict_compute(prov, clients[i], nodes[i],
						  names[i], &v);
			if (v.path == IOMEM_DMA_PATH_DENIED)
				break;
			dist += v.distance;
		}
		if (i < num_clients)
			continue;
		if (dist < best_dist ||
		    (dist == best_dist && provider_preferred(prov, best))) {
			best = prov;
			best_dist = dist;
		}
	}
	if (best)
		kref_get(&best->ref);
	mutex_unlock(&iomem_dma_providers_lock);

out:
	for (i = 0; i < num_clients; i++) {
		iomem_dma_node_put(nodes[i]);
		kfree(names[i]);
	}
	kfree(nodes);
	kfree(names);
	return best ? best : ERR_PTR(-ENODEV);
}
EXPORT_SYMBOL_GPL(iomem_dma_find);

/* ---- clients ---- */

static void iomem_dma_client_release(struct kref *ref)
{
	struct iomem_dma_client *client =
		container_of(ref, struct iomem_dma_client, ref);
	struct iomem_dma_cached_verdict *cv;
	unsigned long idx;

	xa_for_each(&client->verdicts, idx, cv)
		kfree_rcu(cv, rcu);
	xa_destroy(&client->verdicts);
	iomem_dma_node_put(rcu_dereference_protected(client->node, true));
	kfree(client->name);
	kfree(client);
}

void iomem_dma_client_put(struct iomem_dma_client *client)
{
	kref_put(&client->ref, iomem_dma_client_release);
}

/*
 * The verdict for @client and @prov computed now, neither read from nor
 * written to the cache; false (and *@v untouched) once the registration
 * has ended, since @client->dev may be gone then.
 */
static bool client_verdict_now_locked(struct iomem_dma_provider *prov,
				      struct iomem_dma_client *client,
				      struct iomem_dma_verdict *v)
{
	lockdep_assert_held(&client->cb_lock);
	if (client->gone)
		return false;
	rcu_read_lock();
	iomem_dma_verdict_compute(prov, client->dev,
				  rcu_dereference(client->node), client->name,
				  v);
	rcu_read_unlock();
	return true;
}

/*
 * The one caller of a client's revoke callback. Calls it for @prov unless
 * the registration has ended (the device may be gone even though its memory
 * is still held); for any @cause (IOMEM_DMA_TRACE_CAUSE_*) but the
 * provider's going, only if the pair's verdict, computed now from scratch,
 * denies it. The verdict is computed under @client->cb_lock with the
 * registration alive, so @client->dev is still there. Called without core
 * locks. Returns whether the callback ran; if it did, what @client keeps
 * of @prov in its magazines goes back to the pool after it.
 */
bool iomem_dma_client_revoke(struct iomem_dma_client *client,
			     struct iomem_dma_provider *prov, int cause)
{
	bool if_denied = cause != IOMEM_DMA_TRACE_CAUSE_GONE;
	struct iomem_dma_verdict v;
	ktime_t start;
	bool call;

	mutex_lock(&client->cb_lock);
	if (if_denied)
		call = client_verdict_now_locked(prov, client, &v) &&
		       v.path == IOMEM_DMA_PATH_DENIED;
	else
		call = !client->gone;
	if (call) {
		start = ktime_get();
		client->ops->revoke(client, prov, client->priv);
		/* What it freed in the callback is not kept for the pair. */
		iomem_dma_client_mags_drain(client, prov);
		trace_iomem_dma_revoke(prov->name, client->name, cause,
				       ktime_us_delta(ktime_get(), start));
	}
	mutex_unlock(&client->cb_lock);
	return call;
}

/* client_verdict_now_locked() for callers without @client->cb_lock. */
bool iomem_dma_client_verdict_now(struct iomem_dma_provider *prov,
				  struct iomem_dma_client *client,
				  struct iomem_dma_verdict *v)
{
	bool live;

	mutex_lock(&client->cb_lock);
	live = client_verdict_now_locked(prov, client, v);
	mutex_unlock(&client->cb_lock);
	return live;
}

/**
 * iomem_dma_verdict_explain() - a pair's verdict now, and why, in words
 * @prov: the provider, referenced by the caller (iomem_dma_find(),
 *	iomem_dma_provider_get_by_name()); a provider being unregistered
 *	gives the verdict "provider gone" and no lines.
 * @client: the client, referenced by the caller.
 * @v: gets the verdict, exactly as iomem_dma_client_verdict_now() computes
 *	it (hardware, administrator rules, firmware statements, the client's
 *	IOMMU), neither read from nor written to the cache.
 * @buf: gets the explanation, NUL-terminated.
 * @size: size of @buf, at least 1; 1024 holds the explanation of any
 *	realistic topology.
 *
 * Writes zero or more lines "KEY: TEXT\n" that describe the route the
 * hardware verdict looked at, computed in the same pass as @v from the
 * same reads of the same nodes, so that no concurrent change of the
 * fabric can make them disagree. Keys, each only when it applies:
 * "route:" (devices and nodes from the provider up to the common node
 * and down to the client), "common:" (the nearest common node, or why
 * there is none), "redirect:" (every node whose ACS redirect applies),
 * "fix:" (the backend's remedy for them), "host:" (a host bridge root of
 * the route, whether it routes peer traffic, and what the backend knows
 * of it); Documentation/driver-api/iomem_dma/policy.rst shows them. Rules
 * are not described: @v names the deciding one. A line that does not fit
 * in @buf is left out, and so is every line after it, so the text is
 * always a prefix of whole lines of the complete one. Nothing else
 * changes: no cache, no trace event, no log line.
 *
 * Context: process context; sleeps (takes @client's callback lock). Must
 * not be called from the client's revoke callback.
 * Return: the bytes written to @buf, without the NUL; -EINVAL for a %NULL
 * @prov, @client, @v or @buf or a zero @size; -ENODEV once the client's
 * registration has ended (its device may be gone; *@v is untouched and
 * @buf empty).
 */
int iomem_dma_verdict_explain(struct iomem_dma_provider *prov,
			      struct iomem_dma_client *client,
			      struct iomem_dma_verdict *v,
			      char *buf, size_t size)
{
	struct seq_buf s;
	int ret;

	might_sleep();
	if (!prov || !client || !v || !buf || !size)
		return -EINVAL;
	seq_buf_init(&s, buf, min_t(size_t, size, INT_MAX));
	mutex_lock(&client->cb_lock);
	if (client->gone) {
		ret = -ENODEV;
		goto unlock;
	}
	rcu_read_lock();
	iomem_dma_verdict_compute_explained(prov, client->dev,
					    rcu_dereference(client->node),
					    client->name, v, &s);
	rcu_read_unlock();
	ret = seq_buf_used(&s);
unlock:
	mutex_unlock(&client->cb_lock);
	seq_buf_str(&s);
	return ret;
}

static void client_devres_release(struct device *dev, void *res)
{
	struct iomem_dma_client **slot = res;
	struct iomem_dma_client *client;

	spin_lock(&iomem_dma_client_lock);
	client = *slot;
	*slot = NULL;
	spin_unlock(&iomem_dma_client_lock);
	if (!client)
		return;
	/*
	 * Waits for a revoke callback in progress; none starts afterwards.
	 * Set before the generation moves, so that a map racing with this
	 * sees it when it retries, see iomem_dma_map_sgtable().
	 */
	mutex_lock(&client->cb_lock);
	WRITE_ONCE(client->gone, true);
	mutex_unlock(&client->cb_lock);
	/* After @gone its frees keep nothing: give back what it kept. */
	iomem_dma_client_mags_drain(client, NULL);
	trace_iomem_dma_client_unregister(client->name);
	mutex_lock(&iomem_dma_clients_lock);
	list_del_init(&client->list);
	iomem_dma_generation_bump();
	mutex_unlock(&iomem_dma_clients_lock);
	iomem_dma_client_put(client);
}

/*
 * The referenced client state of @dev, or NULL. Not for the hot paths,
 * which take the handle: for iomem_dma_is_client() and diagnostics.
 */
struct iomem_dma_client *iomem_dma_client_find(struct device *dev)
{
	struct iomem_dma_client **slot, *client = NULL;

	spin_lock(&iomem_dma_client_lock);
	slot = devres_find(dev, client_devres_release, NULL, NULL);
	if (slot && *slot) {
		client = *slot;
		kref_get(&client->ref);
	}
	spin_unlock(&iomem_dma_client_lock);
	return client;
}

/**
 * iomem_dma_client_register() - declare a device as a DMA master of iomem
 * @dev: the client device.
 * @ops: callbacks; @ops->revoke is mandatory.
 * @priv: passed back to @ops.
 *
 * The returned handle is what the client passes to every allocation, map
 * and free, so that none of them looks the device up. The registration is
 * a devres of @dev: it ends when the driver unbinds, or earlier with
 * iomem_dma_client_unregister(). After it has ended, allocations and maps
 * fail with -ENODEV; memory still held stays accounted to the client, and
 * the handle stays valid for unmapping and freeing it until the last of
 * it is freed.
 *
 * @ops->revoke is called in process context without core locks held, never
 * after the registration has ended; it must not end the registration
 * itself (iomem_dma_client_unregister() waits for it).
 *
 * Context: process context; may sleep.
 * Return: the client handle, or an ERR_PTR(): -EINVAL if @dev, @ops or
 * @ops->revoke is %NULL; -EBUSY if @dev is registered already; -ENOMEM if
 * out of memory.
 */
struct iomem_dma_client *
iomem_dma_client_register(struct device *dev,
			  const struct iomem_dma_client_ops *ops, void *priv)
{
	struct iomem_dma_client **slot, *client;
	bool busy;

	if (!dev || !ops || !ops->revoke)
		return ERR_PTR(-EINVAL);
	might_sleep();

	slot = iomem_dma_should_fail() ? NULL :
	       devres_alloc(client_devres_release, sizeof(*slot), GFP_KERNEL);
	if (!slot)
		return ERR_PTR(-ENOMEM);
	client = iomem_dma_should_fail() ? NULL :
		 kzalloc(sizeof(*client), GFP_KERNEL);
	if (!client) {
		devres_free(slot);
		return ERR_PTR(-ENOMEM);
	}
	kref_init(&client->ref);
	spin_lock_init(&client->lock);
	spin_lock_init(&client->mag_lock);
	mutex_init(&client->cb_lock);
	client->dev = dev;
	client->ops = ops;
	client->priv = priv;
	INIT_LIST_HEAD(&client->list);
	xa_init(&client->verdicts);
	client->name = iomem_dma_stable_name(dev, GFP_KERNEL);
	if (!client->name) {
		kfree(client);
		devres_free(slot);
		return ERR_PTR(-ENOMEM);
	}
	RCU_INIT_POINTER(client->node, iomem_dma_node_for_device(dev));
	*slot = client;
	/* Look and add in one step: two registrations of @dev race here. */
	spin_lock(&iomem_dma_client_lock);
	busy = devres_find(dev, client_devres_release, NULL, NULL);
	if (!busy)
		devres_add(dev, slot);
	spin_unlock(&iomem_dma_client_lock);
	if (busy) {
		devres_free(slot);
		iomem_dma_client_put(client);
		return ERR_PTR(-EBUSY);
	}
	mutex_lock(&iomem_dma_clients_lock);
	client->seq = ++iomem_dma_client_seq;
	list_add_tail(&client->list, &iomem_dma_clients);
	iomem_dma_generation_bump();
	mutex_unlock(&iomem_dma_clients_lock);
	trace_iomem_dma_client_register(client->name);
	return client;
}
EXPORT_SYMBOL_GPL(iomem_dma_client_register);

/*
 * The registered clients, each referenced, in an array of *@n the caller
 * frees after putting each; NULL if out of memory. For walks that sleep
 * per client (verdicts, attachments), which cannot hold the list's lock.
 */
struct iomem_dma_client **iomem_dma_clients_get(unsigned int *n)
{
	struct iomem_dma_client *client, **clients;
	unsigned int i = 0;

	mutex_lock(&iomem_dma_clients_lock);
	*n = 0;
	list_for_each_entry(client, &iomem_dma_clients, list)
		(*n)++;
	clients = iomem_dma_should_fail() ? NULL :
		  kcalloc(*n ?: 1, sizeof(*clients), GFP_KERNEL);
	if (clients) {
		list_for_each_entry(client, &iomem_dma_clients, list) {
			kref_get(&client->ref);
			clients[i++] = client;
		}
	} else {
		*n = 0;
	}
	mutex_unlock(&iomem_dma_clients_lock);
	return clients;
}

/*
 * A referenced snapshot of the registered providers, in registration
 * order; *@n gets their number. %NULL (and *@n = 0) when out of memory.
 * The caller drops each reference and frees the array.
 */
struct iomem_dma_provider **iomem_dma_providers_get(unsigned int *n)
{
	struct iomem_dma_provider *prov, **provs;
	unsigned int i = 0;

	mutex_lock(&iomem_dma_providers_lock);
	*n = 0;
	list_for_each_entry(prov, &iomem_dma_providers, list)
		(*n)++;
	provs = iomem_dma_should_fail() ? NULL :
		kcalloc(*n ?: 1, sizeof(*provs), GFP_KERNEL);
	if (provs) {
		list_for_each_entry(prov, &iomem_dma_providers, list) {
			kref_get(&prov->ref);
			provs[i++] = prov;
		}
	} else {
		*n = 0;
	}
	mutex_unlock(&iomem_dma_providers_lock);
	return provs;
}

/* Serialises replacing attachments; see iomem_dma_attachments_refresh(). */
static DEFINE_MUTEX(iomem_dma_attach_lock);

/* Make @node (a reference, or NULL) the attachment in @slot. */
static bool attachment_set(struct iomem_dma_node __rcu **slot,
			   struct iomem_dma_node *node)
{
	struct iomem_dma_node *old;

	old = rcu_replace_pointer(*slot, node,
				  lockdep_is_held(&iomem_dma_attach_lock));
	/* Verdicts may still walk @old: nodes are freed after RCU. */
	iomem_dma_node_put(old);
	return old != node;
}

/**
 * iomem_dma_attachments_refresh() - look every attachment up again
 *
 * Asks the backends again where every live client and every registered
 * provider that follows its device (&iomem_dma_provider_desc.fabric_from_device)
 * sits, and replaces the attachments that changed: a bus that became a
 * fabric node after a device registered (a devicetree overlay adding
 * peer-dma-routing) reaches the verdicts. Verdicts read attachments under
 * RCU, so they never see one go. The caller bumps the generation and runs
 * a revoke pass when this returns true. A client whose registration ended
 * is left alone (its device may be gone), as are clients and providers
 * that register meanwhile (they look theirs up themselves).
 *
 * Context: process context, without iomem_dma locks; sleeps.
 * Return: true if any attachment changed.
 */
bool iomem_dma_attachments_refresh(void)
{
	struct iomem_dma_provider *prov, **provs;
	struct iomem_dma_client *client, **clients;
	unsigned int nc, np = 0, i;
	bool changed = false;

	might_sleep();
	mutex_lock(&iomem_dma_attach_lock);
	clients = iomem_dma_clients_get(&nc);

	mutex_lock(&iomem_dma_providers_lock);
	list_for_each_entry(prov, &iomem_dma_providers, list)
		np += prov->fabric_from_dev;
	provs = iomem_dma_should_fail() ? NULL :
		kcalloc(np ?: 1, sizeof(*provs), GFP_KERNEL);
	np = 0;
	if (provs) {
		list_for_each_entry(prov, &iomem_dma_providers, list) {
			if (!prov->fabric_from_dev)
				continue;
			kref_get(&prov->ref);
			provs[np++] = prov;
		}
	}
	mutex_unlock(&iomem_dma_providers_lock);
	if (!clients || !provs)
		pr_warn("out of memory: attachments not looked up again\n");

	for (i = 0; i < nc; i++) {
		client = clients[i];
		/* The registration, and so the device, stays while we ask. */
		mutex_lock(&client->cb_lock);
		if (!client->gone)
			changed |= attachment_set(&client->node,
						  iomem_dma_node_for_device(client->dev));
		mutex_unlock(&client->cb_lock);
		iomem_dma_client_put(client);
	}
	/* A provider holds its device: asking is safe while it is dying. */
	for (i = 0; i < np; i++) {
		changed |= attachment_set(&provs[i]->fabric,
					  iomem_dma_node_for_device(provs[i]->dev));
		kref_put(&provs[i]->ref, iomem_dma_provider_release);
	}
	mutex_unlock(&iomem_dma_attach_lock);
	kfree(clients);
	kfree(provs);
	return changed;
}

static int client_devres_match(struct device *dev, void *res, void *data)
{
	struct iomem_dma_client **slot = res;

	return *slot == data;
}

/**
 * iomem_dma_client_unregister() - end a client registration early
 * @client: handle from iomem_dma_client_register().
 *
 * Memory still held stays allocated and accounted to the client until it
 * is freed through @client; new allocations and maps fail with -ENODEV. A
 * revoke callback in progress is waited for; none is made afterwards, so
 * memory still held is freed only when the driver frees it. Must not be
 * called from the client's own revoke callback, nor after the driver of
 * the client's device has unbound.
 *
 * Context: process context; may sleep.
 * Return: 0, -EINVAL if @client is %NULL, -ENOENT if the registration has
 * ended already.
 */
int iomem_dma_client_unregister(struct iomem_dma_client *client)
{
	bool gone;

	might_sleep();
	if (!client)
		return -EINVAL;
	/* Once ended, the device may be gone: do not touch it. */
	mutex_lock(&client->cb_lock);
	gone = client->gone;
	mutex_unlock(&client->cb_lock);
	if (gone)
		return -ENOENT;
	return devres_release(client->dev, client_devres_release,
			      client_devres_match, client);
}
EXPORT_SYMBOL_GPL(iomem_dma_client_unregister);

/**
 * iomem_dma_client_dev() - the device of a client
 * @client: handle from iomem_dma_client_register().
 *
 * Return: the device; valid while the registration lasts.
 */
struct device *iomem_dma_client_dev(const struct iomem_dma_client *client)
{
	return client->dev;
}
EXPORT_SYMBOL_GPL(iomem_dma_client_dev);

/**
 * iomem_dma_is_client() - is a device registered as a client?
 * @dev: the device.
 *
 * Return: true if iomem_dma_client_register() succeeded for @dev and the
 * registration has not ended.
 */
bool iomem_dma_is_client(struct device *dev)
{
	struct iomem_dma_client *client;

	if (!dev)
		return false;
	client = iomem_dma_client_find(dev);
	if (!client)
		return false;
	iomem_dma_client_put(client);
	return true;
}
EXPORT_SYMBOL_GPL(iomem_dma_is_client);

/**
 * iomem_dma_last_refusal() - why the last map for a client was refused
 * @client: handle from iomem_dma_client_register().
 * @verdict: filled with the verdict that refused it.
 *
 * Return: 0; -ENOENT if no map was refused yet, -EINVAL if an argument is
 * %NULL.
 */
int iomem_dma_last_refusal(struct iomem_dma_client *client,
			   struct iomem_dma_verdict *verdict)
{
	int ret = 0;

	if (!client || !verdict)
		return -EINVAL;
	spin_lock(&client->lock);
	if (client->has_refusal)
		*verdict = client->last_refusal;
	else
		ret = -ENOENT;
	spin_unlock(&client->lock);
	return ret;
}
EXPORT_SYMBOL_GPL(iomem_dma_last_refusal);

static int __init iomem_dma_init(void)
{
	int ret;

	/*
	 * Id 1 stays reserved, so the xarray keeps the node of the first ids:
	 * otherwise a lone allocation and its free would each allocate and
	 * RCU-free that node. Without it, everything works, only slower.
	 */
	if (xa_reserve(&iomem_dma_chunks, 1, GFP_KERNEL))
		pr_warn("chunk id 1 not reserved; lone allocations are slower\n");
	iomem_dma_sg_guard_init();
	iomem_dma_debugfs_init();
	iomem_dma_fault_debugfs_init();
	iomem_dma_policy_init();
	/*
	 * Without its sysfs files the core still works for drivers, so the
	 * backends (each with its own initcall, after this one) go on; the
	 * error is the initcall's result.
	 */
	ret = iomem_dma_sysfs_init();
	if (ret)
		pr_err("sysfs interface unavailable (%d)\n", ret);
	return ret;
}
subsys_initcall(iomem_dma_init);
