// SPDX-License-Identifier: GPL-2.0-only
/*
 * iomem_dma as a dma-buf exporter: provider memory shared with any
 * importer, the policy decided per attachment, revocable.
 *
 * Only importers that take memory without struct pages (peer2peer) and
 * can be told to let go (dynamic, with move_notify) may attach. Each
 * map_dma_buf() asks the policy about the importer's device and gives a
 * table of DMA addresses only: bus addresses, addresses through the
 * importer's IOMMU or host bridge (dma_map_resource()), or a refusal.
 * The table has no CPU entries (orig_nents is 0), so an importer that
 * walks it as pages sees nothing.
 *
 * Revocation, in the order upstream settled on: under the reservation
 * lock mark the buffer revoked and tell every importer (move_notify);
 * wait for the fences; zap user mappings (a later access gets SIGBUS);
 * wait until every importer has unmapped; then free the memory, which
 * lets the provider's unregister go on. A policy change that denies a
 * pair in use (an attachment that was allowed a map) revokes the
 * buffer the same way; one that only moves a mapped pair to another path
 * tells the importers, who map again.
 *
 * The memory of an exported buffer belongs to an internal client, the
 * "iomem_dma_dmabuf" device, so the core's accounting and revoke of
 * providers apply to it unchanged.
 */

#define pr_fmt(fmt) "iomem_dma: " fmt

#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/dma-resv.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/rwsem.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "internal.h"

#include <trace/events/iomem_dma.h>

/**
 * struct iomem_dma_buf - one exported buffer
 * @list: entry in iomem_dma_bufs, under iomem_dma_bufs_lock.
 * @ref: lifetime; the dma-buf holds one, so do revoke and recheck passes.
 * @lock: serialises revoke, recheck and release; held, @dmabuf is valid
 *	or %NULL (released).
 * @mmap_sem: faults read @revoked under it, revoke writes it.
 * @dmabuf: the dma-buf, %NULL once released.
 * @prov: the provider, referenced.
 * @sgt: the memory, iomem entries owned by the internal client.
 * @phys: CPU physical address of each entry of @sgt.
 * @len: length of each entry of @sgt.
 * @nents: number of entries.
 * @size: bytes.
 * @wc: write-combined CPU mappings (prefetchable memory).
 * @revoked: no further map, mmap fault or CPU access; set under the
 *	reservation lock and @mmap_sem.
 * @freed: the memory went back to the provider.
 * @nr_maps: live tables handed to importers, under the reservation lock.
 * @unmapped: woken when @nr_maps drops.
 * @revokes: times importers were told to let go.
 * @heap: the heap it was allocated from, or %NULL.
 * @charged: bytes charged to @heap.
 * @recheck_pass: the last recheck pass that looked at it, under
 *	iomem_dma_bufs_lock.
 */
struct iomem_dma_buf {
	struct list_head list;
	struct kref ref;
	struct mutex lock;	/* see above */
	struct rw_semaphore mmap_sem;
	struct dma_buf *dmabuf;
	struct iomem_dma_provider *prov;
	struct sg_table sgt;
	phys_addr_t *phys;
	unsigned int *len;
	unsigned int nents;
	size_t size;
	bool wc;
	bool revoked;
	bool freed;
	unsigned int nr_maps;
	wait_queue_head_t unmapped;
	unsigned int revokes;
	struct iomem_dma_heap *heap;
	size_t charged;
	unsigned long recheck_pass;
};

/**
 * struct iomem_dma_buf_attach - exporter state of one attachment
 * @nr_maps: live tables of this attachment.
 * @path: path of the last map.
 * @refused: the last map was refused by the policy.
 * @in_use: a map was allowed once: a deny of the pair revokes the buffer,
 *	mapped at that moment or not. Never cleared, so a map the new
 *	policy refuses before the recheck pass cannot hide the pair.
 */
struct iomem_dma_buf_attach {
	unsigned int nr_maps;
	enum iomem_dma_path path;
	bool refused;
	bool in_use;
};

/* A table handed to an importer: DMA entries only. */
struct iomem_dma_buf_map {
	struct sg_table sgt;
	unsigned int nents;
	bool host;
};

static LIST_HEAD(iomem_dma_bufs);
static DEFINE_MUTEX(iomem_dma_bufs_lock);	/* iomem_dma_bufs */
static struct iomem_dma_client *iomem_dma_buf_client;
atomic_t iomem_dma_buf_refusals = ATOMIC_INIT(0);

static void buf_free(struct kref *ref)
{
	struct iomem_dma_buf *buf = container_of(ref, struct iomem_dma_buf, ref);

	iomem_dma_provider_put(buf->prov);
	kfree(buf->phys);
	kfree(buf->len);
	kfree(buf);
}

static void buf_put(struct iomem_dma_buf *buf)
{
	kref_put(&buf->ref, buf_free);
}

static void buf_revoke(struct iomem_dma_buf *buf, int cause, const char *why);

/* Give the memory back; under @buf->lock, with nothing mapped. */
static void buf_free_memory(struct iomem_dma_buf *buf)
{
	lockdep_assert_held(&buf->lock);
	if (buf->freed)
		return;
	WRITE_ONCE(buf->freed, true);
	iomem_dma_free_sgt(iomem_dma_buf_client, &buf->sgt);
	if (buf->heap)
		iomem_dma_heap_uncharge(buf->heap, buf->charged);
}

static int buf_attach(struct dma_buf *dmabuf, struct dma_buf_attachment *at)
{
	struct iomem_dma_buf *buf = dmabuf->priv;
	struct iomem_dma_buf_attach *a;

	if (!at->peer2peer) {
		dev_info(at->dev, "iomem_dma: attach to dma-buf of %s refused: the importer does not take memory without struct pages (peer2peer)\n",
			 buf->prov->name);
		return -EOPNOTSUPP;
	}
	if (!dma_buf_attachment_is_dynamic(at) ||
	    !at->importer_ops->move_notify) {
		dev_info(at->dev, "iomem_dma: attach to dma-buf of %s refused: the importer cannot be revoked (no move_notify)\n",
			 buf->prov->name);
		return -EOPNOTSUPP;
	}
	if (READ_ONCE(buf->revoked))
		return -ENODEV;
	a = kzalloc(sizeof(*a), GFP_KERNEL);
	if (!a)
		return -ENOMEM;
	at->priv = a;
	return 0;
}

static void buf_detach(struct dma_buf *dmabuf, struct dma_buf_attachment *at)
{
	kfree(at->priv);
	at->priv = NULL;
}

/* The memory never moves: revocation is told through move_notify. */
static int buf_pin(struct dma_buf_attachment *at)
{
	return 0;
}

static void buf_unpin(struct dma_buf_attachment *at)
{
}

static void map_undo(struct device *dev, struct iomem_dma_buf_map *m,
		     unsigned int n, enum dma_data_direction dir)
{
	struct scatterlist *sg;
	unsigned int i;

	for_each_sg(m->sgt.sgl, sg, n, i) {
		if (m->host)
			dma_unmap_resource(dev, sg_dma_address(sg),
					   sg_dma_len(sg), dir,
					   DMA_ATTR_SKIP_CPU_SYNC);
		else
			sg_dma_unmark_bus_address(sg);
	}
}

static struct sg_table *buf_map(struct dma_buf_attachment *at,
				enum dma_data_direction dir)
{
	struct iomem_dma_buf *buf = at->dmabuf->priv;
	struct iomem_dma_buf_attach *a = at->priv;
	struct iomem_dma_provider *prov = buf->prov;
	struct iomem_dma_buf_map *m;
	struct iomem_dma_verdict v;
	struct scatterlist *sg;
	dma_addr_t addr;
	unsigned int i;
	int ret;

	dma_resv_assert_held(at->dmabuf->resv);
	if (buf->revoked)
		return ERR_PTR(-ENODEV);
	ret = iomem_dma_check(prov, at->dev, &v);
	a->refused = ret == -EREMOTEIO;
	if (ret) {
		if (ret == -EREMOTEIO) {
			atomic_inc(&iomem_dma_buf_refusals);
			dev_info_ratelimited(at->dev, "iomem_dma: map of dma-buf of %s denied: %s%s%s (rule %u)\n",
					     prov->name, iomem_dma_reason_str(v.reason),
					     v.node[0] ? " at " : "", v.node, v.rule);
		}
		return ERR_PTR(ret);
	}

	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return ERR_PTR(-ENOMEM);
	ret = sg_alloc_table(&m->sgt, buf->nents, GFP_KERNEL);
	if (ret) {
		kfree(m);
		return ERR_PTR(ret);
	}
	m->nents = buf->nents;
	m->host = v.path == IOMEM_DMA_PATH_HOST;
	for_each_sg(m->sgt.sgl, sg, buf->nents, i) {
		if (m->host) {
			addr = dma_map_resource(at->dev, buf->phys[i], buf->len[i],
						dir, DMA_ATTR_SKIP_CPU_SYNC);
			ret = dma_mapping_error(at->dev, addr) ? -EIO : 0;
		} else {
			ret = prov->ops->bus_addr(prov, at->dev, buf->phys[i],
						  buf->len[i], &addr);
			if (!ret && !iomem_dma_bus_range_ok(at->dev, addr,
							    buf->len[i]))
				ret = -EIO;
			if (!ret)
				sg_dma_mark_bus_address(sg);
		}
		if (ret) {
			map_undo(at->dev, m, i, dir);
			sg_free_table(&m->sgt);
			kfree(m);
			return ERR_PTR(ret);
		}
		sg_dma_address(sg) = addr;
		sg_dma_len(sg) = buf->len[i];
	}
	/* DMA entries only: nothing for the CPU to walk. */
	m->sgt.orig_nents = 0;
	m->sgt.nents = buf->nents;
	a->path = v.path;
	a->in_use = true;
	a->nr_maps++;
	WRITE_ONCE(buf->nr_maps, buf->nr_maps + 1);
	return &m->sgt;
}

static void buf_unmap(struct dma_buf_attachment *at, struct sg_table *sgt,
		      enum dma_data_direction dir)
{
	struct iomem_dma_buf_map *m = container_of(sgt, struct iomem_dma_buf_map,
						   sgt);
	struct iomem_dma_buf *buf = at->dmabuf->priv;
	struct iomem_dma_buf_attach *a = at->priv;

	dma_resv_assert_held(at->dmabuf->resv);
	map_undo(at->dev, m, m->nents, dir);
	m->sgt.orig_nents = m->nents;
	sg_free_table(&m->sgt);
	kfree(m);
	a->nr_maps--;
	WRITE_ONCE(buf->nr_maps, buf->nr_maps - 1);
	wake_up_all(&buf->unmapped);
}

static void buf_release(struct dma_buf *dmabuf)
{
	struct iomem_dma_buf *buf = dmabuf->priv;

	mutex_lock(&iomem_dma_bufs_lock);
	list_del_init(&buf->list);
	mutex_unlock(&iomem_dma_bufs_lock);
	mutex_lock(&buf->lock);
	buf->dmabuf = NULL;
	buf_free_memory(buf);
	mutex_unlock(&buf->lock);
	buf_put(buf);
}

static int buf_begin_cpu(struct dma_buf *dmabuf, enum dma_data_direction dir)
{
	struct iomem_dma_buf *buf = dmabuf->priv;

	if (READ_ONCE(buf->revoked))
		return -ENODEV;
	/* The devices' writes complete before the CPU reads. */
	rmb();
	return 0;
}

static int buf_end_cpu(struct dma_buf *dmabuf, enum dma_data_direction dir)
{
	struct iomem_dma_buf *buf = dmabuf->priv;

	/* Write-combined CPU stores out before a device reads. */
	wmb();
	return READ_ONCE(buf->revoked) ? -ENODEV : 0;
}

static vm_fault_t buf_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct iomem_dma_buf *buf = vma->vm_private_data;
	size_t off = (size_t)vmf->pgoff << PAGE_SHIFT;
	vm_fault_t ret = VM_FAULT_SIGBUS;
	unsigned int i;

	down_read(&buf->mmap_sem);
	if (buf->revoked || off >= buf->size)
		goto out;
	for (i = 0; i < buf->nents && off >= buf->len[i]; i++)
		off -= buf->len[i];
	if (i < buf->nents)
		ret = vmf_insert_pfn_prot(vma, vmf->address,
					  PHYS_PFN(buf->phys[i] + off),
					  vma->vm_page_prot);
out:
	up_read(&buf->mmap_sem);
	return ret;
}

static const struct vm_operations_struct buf_vm_ops = {
	.fault = buf_fault,
};

static int buf_mmap(struct dma_buf *dmabuf, struct vm_area_struct *vma)
{
	struct iomem_dma_buf *buf = dmabuf->priv;
	size_t off = (size_t)vma->vm_pgoff << PAGE_SHIFT;
	size_t len = vma->vm_end - vma->vm_start;

	if (READ_ONCE(buf->revoked))
		return -ENODEV;
	if (!(vma->vm_flags & VM_SHARED) || off > buf->size ||
	    len > buf->size - off)
		return -EINVAL;
	if (buf->prov->granule_order < PAGE_SHIFT)
		return -EINVAL;
	vm_flags_set(vma, VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_page_prot = buf->wc ? pgprot_writecombine(vma->vm_page_prot) :
				      pgprot_noncached(vma->vm_page_prot);
	vma->vm_ops = &buf_vm_ops;
	vma->vm_private_data = buf;
	return 0;
}

static const struct dma_buf_ops iomem_dma_buf_ops = {
	.attach = buf_attach,
	.detach = buf_detach,
	.pin = buf_pin,
	.unpin = buf_unpin,
	.map_dma_buf = buf_map,
	.unmap_dma_buf = buf_unmap,
	.release = buf_release,
	.begin_cpu_access = buf_begin_cpu,
	.end_cpu_access = buf_end_cpu,
	.mmap = buf_mmap,
};

/**
 * iomem_dma_buf_export() - export provider memory as a dma-buf
 * @prov: the provider; the buffer holds a reference.
 * @size: bytes, rounded up to the provider's granule.
 * @flags: file flags of the dma-buf (O_CLOEXEC, O_RDWR, ...).
 *
 * The memory is allocated for the buffer and goes back to @prov when the
 * last reference to the dma-buf is dropped, or when the buffer is revoked
 * because @prov goes away. Importers must be dynamic and take memory
 * without struct pages (dma_buf_dynamic_attach() with
 * &dma_buf_attach_ops.allow_peer2peer and a move_notify callback); each
 * map is decided by the policy for the importer's device. User space may
 * mmap the buffer (write-combined if @prov's memory is, uncached
 * otherwise).
 *
 * Context: process context; sleeps.
 * Return: the dma-buf, or an ERR_PTR(): -EINVAL for a %NULL provider or a
 * zero size, -ENODEV if the exporter is not set up, the allocator's error
 * (-ENOMEM when @prov has no room).
 */
struct dma_buf *iomem_dma_buf_export(struct iomem_dma_provider *prov,
				     size_t size, int flags)
{
	return iomem_dma_buf_export_charged(prov, size, flags, NULL, 0);
}
EXPORT_SYMBOL_GPL(iomem_dma_buf_export);

/* The export of a heap allocation, which @charged bytes of @heap pay for. */
struct dma_buf *iomem_dma_buf_export_charged(struct iomem_dma_provider *prov,
					     size_t size, int flags,
					     struct iomem_dma_heap *heap,
					     size_t charged)
{
	DEFINE_DMA_BUF_EXPORT_INFO(info);
	struct iomem_dma_buf *buf;
	struct dma_buf *dmabuf;
	struct scatterlist *sg;
	unsigned int i;
	bool dead;
	int ret;

	if (!prov || !size)
		return ERR_PTR(-EINVAL);
	if (!iomem_dma_buf_client)
		return ERR_PTR(-ENODEV);
	buf = kzalloc(sizeof(*buf), GFP_KERNEL);
	if (!buf)
		return ERR_PTR(-ENOMEM);
	kref_init(&buf->ref);
	mutex_init(&buf->lock);
	init_rwsem(&buf->mmap_sem);
	init_waitqueue_head(&buf->unmapped);
	INIT_LIST_HEAD(&buf->list);
	kref_get(&prov->ref);
	buf->prov = prov;
	buf->wc = prov->cpu_map == IOMEM_DMA_CPU_WC;

	ret = iomem_dma_alloc_sgt(iomem_dma_buf_client, prov, &buf->sgt, size,
				  GFP_KERNEL);
	if (ret)
		goto put;
	buf->nents = buf->sgt.orig_nents;
	buf->phys = kcalloc(buf->nents, sizeof(*buf->phys), GFP_KERNEL);
	buf->len = kcalloc(buf->nents, sizeof(*buf->len), GFP_KERNEL);
	if (!buf->phys || !buf->len) {
		ret = -ENOMEM;
		goto free_sgt;
	}
	for_each_sgtable_sg(&buf->sgt, sg, i) {
		struct iomem_dma_chunk *chunk;

		/* The exporter's own allocation: nobody frees it meanwhile. */
		iomem_dma_chunk_lock(sg);
		chunk = iomem_dma_chunk_lookup(sg);
		buf->phys[i] = chunk->phys;
		iomem_dma_chunk_unlock(sg);
		buf->len[i] = sg->length;
		buf->size += sg->length;
	}

	info.ops = &iomem_dma_buf_ops;
	info.size = buf->size;
	info.flags = flags;
	info.priv = buf;
	dmabuf = dma_buf_export(&info);
	if (IS_ERR(dmabuf)) {
		ret = PTR_ERR(dmabuf);
		goto free_sgt;
	}
	buf->dmabuf = dmabuf;
	/* From here the release gives the charge back. */
	buf->heap = heap;
	buf->charged = charged;
	mutex_lock(&iomem_dma_bufs_lock);
	list_add_tail(&buf->list, &iomem_dma_bufs);
	mutex_unlock(&iomem_dma_bufs_lock);
	/*
	 * An unregister that began meanwhile may have looked for the
	 * provider's buffers before this one was listed: it set @dead
	 * first, so revoke it here, or its wait would never end.
	 */
	spin_lock(&prov->lock);
	dead = prov->dead;
	spin_unlock(&prov->lock);
	if (dead) {
		mutex_lock(&buf->lock);
		buf_revoke(buf, IOMEM_DMA_TRACE_CAUSE_GONE,
			   "the provider is going away");
		mutex_unlock(&buf->lock);
	}
	return dmabuf;

free_sgt:
	iomem_dma_free_sgt(iomem_dma_buf_client, &buf->sgt);
put:
	buf_put(buf);
	return ERR_PTR(ret);
}

/**
 * iomem_dma_buf_provider() - the provider behind an iomem_dma dma-buf
 * @dmabuf: any dma-buf.
 *
 * Return: the provider, without a new reference (the buffer holds one),
 * or %NULL if @dmabuf was not exported by iomem_dma.
 */
struct iomem_dma_provider *iomem_dma_buf_provider(struct dma_buf *dmabuf)
{
	if (!dmabuf || dmabuf->ops != &iomem_dma_buf_ops)
		return NULL;
	return ((struct iomem_dma_buf *)dmabuf->priv)->prov;
}
EXPORT_SYMBOL_GPL(iomem_dma_buf_provider);

/* The importers that still have tables of @buf, for the stall report. */
static void buf_report_importers(struct iomem_dma_buf *buf)
{
	struct dma_buf_attachment *at;

	atomic_inc(&iomem_dma_stall_reports);
	dma_resv_lock(buf->dmabuf->resv, NULL);
	pr_warn("revoke of a dma-buf of %s waits for %u mapping(s):\n",
		buf->prov->name, buf->nr_maps);
	list_for_each_entry(at, &buf->dmabuf->attachments, node) {
		struct iomem_dma_buf_attach *a = at->priv;

		if (a && a->nr_maps)
			pr_warn("  %s has %u mapping(s)\n", dev_name(at->dev),
				a->nr_maps);
	}
	dma_resv_unlock(buf->dmabuf->resv);
}

/* Read without the reservation lock: a wait condition must not sleep. */
static bool buf_unmapped(struct iomem_dma_buf *buf)
{
	return !READ_ONCE(buf->nr_maps);
}

/*
 * Revoke @buf for good and free its memory; @cause (IOMEM_DMA_TRACE_CAUSE_*)
 * and @why say why in the log and the trace. Under @buf->lock.
 */
static void buf_revoke(struct iomem_dma_buf *buf, int cause, const char *why)
{
	struct dma_buf *dmabuf = buf->dmabuf;
	ktime_t start = ktime_get();

	lockdep_assert_held(&buf->lock);
	if (!dmabuf || buf->revoked)
		goto free;
	pr_info("dma-buf %lu of %s revoked: %s\n",
		file_inode(dmabuf->file)->i_ino, buf->prov->name, why);
	down_write(&buf->mmap_sem);
	dma_resv_lock(dmabuf->resv, NULL);
	buf->revoked = true;
	buf->revokes++;
	dma_buf_move_notify(dmabuf);
	dma_resv_unlock(dmabuf->resv);
	/* No fault maps a page again; take away those mapped. */
	unmap_mapping_range(dmabuf->file->f_mapping, 0, 0, 1);
	up_write(&buf->mmap_sem);
	dma_resv_wait_timeout(dmabuf->resv, DMA_RESV_USAGE_BOOKKEEP, false,
			      MAX_SCHEDULE_TIMEOUT);
	while (!wait_event_timeout(buf->unmapped, buf_unmapped(buf),
				   msecs_to_jiffies(READ_ONCE(iomem_dma_stall_report_ms))))
		buf_report_importers(buf);
	trace_iomem_dma_buf_revoke(file_inode(dmabuf->file)->i_ino,
				   buf->prov->name, cause, why,
				   ktime_us_delta(ktime_get(), start));
free:
	buf_free_memory(buf);
}

/*
 * The next buffer of @prov whose memory was not given back, referenced,
 * or %NULL. A revoke frees the memory, so each call finds another one
 * and the walk needs no list of its own (nothing to allocate, nothing
 * to skip when memory is short).
 */
static struct iomem_dma_buf *buf_next_unfreed(struct iomem_dma_provider *prov)
{
	struct iomem_dma_buf *buf, *found = NULL;

	mutex_lock(&iomem_dma_bufs_lock);
	list_for_each_entry(buf, &iomem_dma_bufs, list) {
		if (buf->prov == prov && !READ_ONCE(buf->freed)) {
			kref_get(&buf->ref);
			found = buf;
			break;
		}
	}
	mutex_unlock(&iomem_dma_bufs_lock);
	return found;
}

static void buf_client_revoke(struct iomem_dma_client *client,
			      struct iomem_dma_provider *prov, void *priv)
{
	struct iomem_dma_buf *buf;

	while ((buf = buf_next_unfreed(prov))) {
		mutex_lock(&buf->lock);
		buf_revoke(buf, IOMEM_DMA_TRACE_CAUSE_GONE,
			   "the provider is going away");
		mutex_unlock(&buf->lock);
		buf_put(buf);
	}
}

static const struct iomem_dma_client_ops buf_client_ops = {
	.revoke = buf_client_revoke,
};

/* Serialises recheck passes, whose marks are @recheck_pass. */
static DEFINE_MUTEX(iomem_dma_bufs_recheck_lock);
static unsigned long iomem_dma_bufs_recheck_pass;

/* The next buffer this recheck pass has not looked at, referenced. */
static struct iomem_dma_buf *buf_next_unchecked(unsigned long pass)
{
	struct iomem_dma_buf *buf, *found = NULL;

	lockdep_assert_held(&iomem_dma_bufs_recheck_lock);
	mutex_lock(&iomem_dma_bufs_lock);
	list_for_each_entry(buf, &iomem_dma_bufs, list) {
		if (buf->recheck_pass != pass) {
			buf->recheck_pass = pass;
			kref_get(&buf->ref);
			found = buf;
			break;
		}
	}
	mutex_unlock(&iomem_dma_bufs_lock);
	return found;
}

/*
 * Revoke @buf if the policy now denies a pair in use; else tell its
 * importers to let go if a mapped pair's path changed. @trace_cause is
 * the revoke event's cause.
 */
static void buf_recheck(struct iomem_dma_buf *buf, int trace_cause)
{
	struct dma_buf_attachment *at;
	struct iomem_dma_verdict v;
	char cause[160] = "";
	bool notify = false;
	int ret;

	mutex_lock(&buf->lock);
	if (!buf->dmabuf || buf->revoked)
		goto out;
	dma_resv_lock(buf->dmabuf->resv, NULL);
	list_for_each_entry(at, &buf->dmabuf->attachments, node) {
		struct iomem_dma_buf_attach *a = at->priv;

		if (!a || (!a->nr_maps && !a->in_use))
			continue;
		ret = iomem_dma_check(buf->prov, at->dev, &v);
		if (ret == -EREMOTEIO) {
			snprintf(cause, sizeof(cause), "the pair with %s is denied: %s (rule %u)",
				 dev_name(at->dev), iomem_dma_reason_str(v.reason),
				 v.rule);
			break;
		}
		/* Without a verdict (no memory), let the importer ask again. */
		if (a->nr_maps && (ret || v.path != a->path))
			notify = true;
	}
	if (notify && !cause[0]) {
		buf->revokes++;
		dma_buf_move_notify(buf->dmabuf);
	}
	dma_resv_unlock(buf->dmabuf->resv);
	if (cause[0])
		buf_revoke(buf, trace_cause, cause);
out:
	mutex_unlock(&buf->lock);
}

/*
 * After a policy or topology change: revoke every buffer with a pair in
 * use that the change denied (as a provider's loss does: the importers
 * are told, user mappings zapped, the unmaps waited for, the memory given
 * back); tell the importers of every buffer with a table whose pair moved
 * to another path to let go, their next map asks the policy again. Each
 * buffer is marked with the pass that looked at it, so the walk
 * allocates nothing. @cause (IOMEM_DMA_TRACE_CAUSE_RULE or _FABRIC) is
 * what the buffers' revoke events give.
 */
void iomem_dma_buf_recheck(int cause)
{
	struct iomem_dma_buf *buf;
	unsigned long pass;

	mutex_lock(&iomem_dma_bufs_recheck_lock);
	pass = ++iomem_dma_bufs_recheck_pass;
	while ((buf = buf_next_unchecked(pass))) {
		buf_recheck(buf, cause);
		buf_put(buf);
	}
	mutex_unlock(&iomem_dma_bufs_recheck_lock);
}

static int bufs_show(struct seq_file *s, void *unused)
{
	struct iomem_dma_buf *buf;
	struct dma_buf_attachment *at;

	mutex_lock(&iomem_dma_bufs_lock);
	list_for_each_entry(buf, &iomem_dma_bufs, list) {
		mutex_lock(&buf->lock);
		if (!buf->dmabuf) {
			mutex_unlock(&buf->lock);
			continue;
		}
		dma_resv_lock(buf->dmabuf->resv, NULL);
		seq_printf(s, "%lu %s %zu%s maps=%u revokes=%u\n",
			   file_inode(buf->dmabuf->file)->i_ino, buf->prov->name,
			   buf->size, buf->revoked ? " revoked" : "",
			   buf->nr_maps, buf->revokes);
		list_for_each_entry(at, &buf->dmabuf->attachments, node) {
			struct iomem_dma_buf_attach *a = at->priv;

			seq_printf(s, "  importer %s maps=%u path=%s%s\n",
				   dev_name(at->dev), a ? a->nr_maps : 0,
				   a && a->nr_maps ? iomem_dma_path_str(a->path) : "-",
				   a && a->refused ? " refused" : "");
		}
		dma_resv_unlock(buf->dmabuf->resv);
		mutex_unlock(&buf->lock);
	}
	mutex_unlock(&iomem_dma_bufs_lock);
	iomem_dma_heap_show(s);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(bufs);

static int __init iomem_dma_buf_init(void)
{
	struct iomem_dma_client *client;
	struct device *dev;

	dev = root_device_register("iomem_dma_dmabuf");
	if (IS_ERR(dev)) {
		pr_err("dma-buf exporter: no device (%ld)\n", PTR_ERR(dev));
		return PTR_ERR(dev);
	}
	client = iomem_dma_client_register(dev, &buf_client_ops, NULL);
	if (IS_ERR(client)) {
		pr_err("dma-buf exporter: no client (%ld)\n", PTR_ERR(client));
		root_device_unregister(dev);
		return PTR_ERR(client);
	}
	iomem_dma_buf_client = client;
	debugfs_create_file("dmabufs", 0400, iomem_dma_debugfs_root, NULL,
			    &bufs_fops);
	return 0;
}
subsys_initcall_sync(iomem_dma_buf_init);

MODULE_IMPORT_NS(DMA_BUF);
