// SPDX-License-Identifier: GPL-2.0-only
/*
 * DMA-BUF heaps of provider memory: /dev/dma_heap/<provider name>.
 *
 * A provider is offered as a heap when the administrator gives it a byte
 * limit (its sysfs file heap_limit, 0 by default: no heap). The heap is
 * named after the region (the provider's name), and hands out dma-bufs of
 * iomem_dma_buf_export() until the limit is reached. The kernel cannot
 * remove a heap once added, so a heap outlives its provider: allocations
 * then fail with -ENODEV, and a provider registered again under the same
 * name gets the same heap back once the administrator sets a limit again.
 */

#define pr_fmt(fmt) "iomem_dma: " fmt

#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <linux/err.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "internal.h"

/**
 * struct iomem_dma_heap - one heap; never freed (heaps cannot be removed)
 * @list: entry in iomem_dma_heaps.
 * @name: the provider name it was made for.
 * @heap: the kernel's heap.
 * @prov: the provider it allocates from, referenced, or %NULL.
 * @limit: bytes it may have outstanding; 0 refuses every allocation.
 * @used: bytes outstanding.
 * @allocs: buffers handed out.
 * @refused: allocations refused (limit, no provider, no memory).
 *
 * All fields but @list and @name under iomem_dma_heaps_lock.
 */
struct iomem_dma_heap {
	struct list_head list;
	char name[IOMEM_DMA_NAME_MAX];
	struct dma_heap *heap;
	struct iomem_dma_provider *prov;
	u64 limit;
	u64 used;
	unsigned long allocs;
	unsigned long refused;
};

static LIST_HEAD(iomem_dma_heaps);
static DEFINE_MUTEX(iomem_dma_heaps_lock);	/* see struct iomem_dma_heap */

static struct iomem_dma_heap *heap_find(const char *name)
{
	struct iomem_dma_heap *h;

	lockdep_assert_held(&iomem_dma_heaps_lock);
	list_for_each_entry(h, &iomem_dma_heaps, list)
		if (!strcmp(h->name, name))
			return h;
	return NULL;
}

void iomem_dma_heap_uncharge(struct iomem_dma_heap *h, size_t bytes)
{
	mutex_lock(&iomem_dma_heaps_lock);
	h->used -= min_t(u64, h->used, bytes);
	mutex_unlock(&iomem_dma_heaps_lock);
}

/*
 * An allocation of @len bytes from @h: refused beyond the limit (-ENOSPC)
 * and once the provider is gone (-ENODEV).
 */
struct dma_buf *iomem_dma_heap_alloc(struct iomem_dma_heap *h,
				     unsigned long len, u32 fd_flags)
{
	struct iomem_dma_provider *prov;
	struct dma_buf *dmabuf;
	size_t charge = PAGE_ALIGN(len);
	int ret = 0;

	if (!len || charge < len)
		return ERR_PTR(-EINVAL);
	mutex_lock(&iomem_dma_heaps_lock);
	prov = h->prov;
	if (!prov)
		ret = -ENODEV;
	else if (charge > h->limit || h->used > h->limit - charge)
		ret = -ENOSPC;
	if (ret) {
		h->refused++;
		mutex_unlock(&iomem_dma_heaps_lock);
		return ERR_PTR(ret);
	}
	h->used += charge;
	kref_get(&prov->ref);
	mutex_unlock(&iomem_dma_heaps_lock);

	dmabuf = iomem_dma_buf_export_charged(prov, len, fd_flags, h, charge);
	iomem_dma_provider_put(prov);
	mutex_lock(&iomem_dma_heaps_lock);
	if (IS_ERR(dmabuf)) {
		h->used -= charge;
		h->refused++;
	} else {
		h->allocs++;
	}
	mutex_unlock(&iomem_dma_heaps_lock);
	return dmabuf;
}

static struct dma_buf *heap_allocate(struct dma_heap *heap, unsigned long len,
				     u32 fd_flags, u64 heap_flags)
{
	/* No heap flags are defined. */
	if (heap_flags)
		return ERR_PTR(-EINVAL);
	return iomem_dma_heap_alloc(dma_heap_get_drvdata(heap), len, fd_flags);
}

static const struct dma_heap_ops heap_ops = {
	.allocate = heap_allocate,
};

/**
 * iomem_dma_heap_set_limit() - offer a provider as a heap, or stop
 * @prov: the provider.
 * @limit: bytes the heap may have outstanding; 0 refuses allocations
 *	(the heap's device node stays: the kernel cannot remove heaps).
 *
 * The first nonzero limit creates /dev/dma_heap/<provider name>.
 * Buffers already handed out stay valid when the limit drops below what
 * they hold; only new allocations are refused.
 *
 * Context: process context; sleeps.
 * Return: 0; -ENODEV if @prov is going away; -EEXIST if another heap
 * has the name; -ENOMEM or dma_heap_add()'s error.
 */
int iomem_dma_heap_set_limit(struct iomem_dma_provider *prov, u64 limit)
{
	struct dma_heap_export_info info = { };
	struct iomem_dma_heap *h;
	int ret = 0;

	mutex_lock(&iomem_dma_heaps_lock);
	if (READ_ONCE(prov->dead)) {
		ret = -ENODEV;
		goto unlock;
	}
	h = heap_find(prov->name);
	if (!h && !limit)
		goto unlock;
	if (!h) {
		h = kzalloc(sizeof(*h), GFP_KERNEL);
		if (!h) {
			ret = -ENOMEM;
			goto unlock;
		}
		strscpy(h->name, prov->name, sizeof(h->name));
		info.name = h->name;
		info.ops = &heap_ops;
		info.priv = h;
		h->heap = dma_heap_add(&info);
		if (IS_ERR(h->heap)) {
			ret = PTR_ERR(h->heap);
			kfree(h);
			goto unlock;
		}
		list_add_tail(&h->list, &iomem_dma_heaps);
	}
	if (h->prov != prov) {
		if (h->prov)
			iomem_dma_provider_put(h->prov);
		kref_get(&prov->ref);
		h->prov = prov;
	}
	h->limit = limit;
unlock:
	mutex_unlock(&iomem_dma_heaps_lock);
	return ret;
}

/**
 * iomem_dma_heap_limit() - the heap limit of a provider
 * @prov: the provider.
 *
 * Return: the byte limit of its heap, 0 if it has none.
 */
u64 iomem_dma_heap_limit(struct iomem_dma_provider *prov)
{
	struct iomem_dma_heap *h;
	u64 limit = 0;

	mutex_lock(&iomem_dma_heaps_lock);
	h = heap_find(prov->name);
	if (h && h->prov == prov)
		limit = h->limit;
	mutex_unlock(&iomem_dma_heaps_lock);
	return limit;
}

/* The heap made for @prov's name, or %NULL; heaps are never freed. */
struct iomem_dma_heap *iomem_dma_heap_of(struct iomem_dma_provider *prov)
{
	struct iomem_dma_heap *h;

	mutex_lock(&iomem_dma_heaps_lock);
	h = heap_find(prov->name);
	mutex_unlock(&iomem_dma_heaps_lock);
	return h;
}

/* @prov is being unregistered: its heap allocates no more. */
void iomem_dma_heap_provider_gone(struct iomem_dma_provider *prov)
{
	struct iomem_dma_heap *h;

	mutex_lock(&iomem_dma_heaps_lock);
	list_for_each_entry(h, &iomem_dma_heaps, list) {
		if (h->prov != prov)
			continue;
		h->prov = NULL;
		h->limit = 0;
		iomem_dma_provider_put(prov);
	}
	mutex_unlock(&iomem_dma_heaps_lock);
}

/* The accounting of every heap, for debugfs. */
void iomem_dma_heap_show(struct seq_file *s)
{
	struct iomem_dma_heap *h;

	mutex_lock(&iomem_dma_heaps_lock);
	list_for_each_entry(h, &iomem_dma_heaps, list)
		seq_printf(s, "heap %s%s limit=%llu used=%llu allocs=%lu refused=%lu\n",
			   h->name, h->prov ? "" : " (no provider)", h->limit,
			   h->used, h->allocs, h->refused);
	mutex_unlock(&iomem_dma_heaps_lock);
}
