// SPDX-License-Identifier: GPL-2.0-only
/*
 * iomem_dma allocation: one genalloc pool per provider, allocations
 * ("chunks") that each back one scatterlist entry, per-client accounting.
 *
 * Concurrency: genalloc allocates and frees locklessly; the core reserves
 * a slot in the provider's count of outstanding allocations under the
 * provider's lock before touching the pool, so unregister can never
 * destroy a pool that is still in use.
 */

#define pr_fmt(fmt) "iomem_dma: " fmt

#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/genalloc.h>
#include <linux/log2.h>
#include <linux/moduleparam.h>
#include <linux/rcupdate.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "internal.h"

#include <trace/events/iomem_dma.h>

struct dentry *iomem_dma_debugfs_root;

int iomem_dma_pool_create(struct iomem_dma_provider *prov)
{
	unsigned int i, j;
	int ret;

	for (i = 0; i < prov->nr_ranges; i++) {
		const struct iomem_dma_range *r = &prov->ranges[i];
		u64 last = (u64)r->phys + (r->size - 1);

		/*
		 * The pool's address space is the CPU physical one, so that
		 * alignment requests hold for the real addresses. A range may
		 * end at the top of it (a 32-bit SoC's OCM at 0xfffc0000 ends
		 * at 0xffffffff): compare last bytes, whose successor may not
		 * fit in an unsigned long.
		 */
		if (!r->phys || last > ULONG_MAX)
			return -EINVAL;
		prov->bases[i] = (unsigned long)r->phys;
		for (j = 0; j < i; j++) {
			const struct iomem_dma_range *o = &prov->ranges[j];

			if (r->phys <= (u64)o->phys + (o->size - 1) &&
			    o->phys <= last)
				return -EINVAL;
		}
	}

	prov->pool = iomem_dma_should_fail() ? NULL :
		     gen_pool_create(prov->granule_order, NUMA_NO_NODE);
	if (!prov->pool)
		return -ENOMEM;
	for (i = 0; i < prov->nr_ranges; i++) {
		ret = iomem_dma_should_fail() ? -ENOMEM :
		      gen_pool_add_owner(prov->pool, prov->bases[i],
					 prov->ranges[i].phys,
					 prov->ranges[i].size, NUMA_NO_NODE,
					 prov);
		if (ret) {
			gen_pool_destroy(prov->pool);
			prov->pool = NULL;
			return ret;
		}
	}
	return 0;
}

void iomem_dma_pool_destroy(struct iomem_dma_provider *prov)
{
	if (prov->pool)
		gen_pool_destroy(prov->pool);
	prov->pool = NULL;
}

/*
 * Allocation ids. An id is the pair (index in iomem_dma_chunks, epoch):
 * indexes are handed out cyclically, each once per epoch, and the epoch
 * moves on by IOMEM_DMA_EPOCH_REUSE whenever the index allocator wraps,
 * under the xarray's lock; an allocation reused from its client's
 * magazine takes the next of the epochs in between (at most
 * IOMEM_DMA_EPOCH_REUSE - 1 times, then it goes back to the pool). A
 * pair therefore comes back only after 2^57 handouts of the index
 * allocator (2^41 on 32-bit, where indexes have 16 bits, see
 * IOMEM_DMA_ID_MAX), and a stale copy of a freed entry names nothing
 * until then: its lookup fails. Index 1 stays reserved (see
 * iomem_dma_init()).
 */
static u32 iomem_dma_chunk_next;	/* under the xa_lock of iomem_dma_chunks */
static u32 iomem_dma_chunk_epoch;	/* under the xa_lock of iomem_dma_chunks */

/*
 * Cyclic indexes march through the xarray, so the leaf node of the current
 * block of indexes would be allocated by every allocation and RCU-freed by
 * every free when nothing else lives in it. The last index of the current
 * block stays reserved (an id lost per 64) to keep the node; the old
 * block's reservation goes when the allocator moves on. Under the xa_lock.
 */
#define CHUNK_BLOCK		((u32)XA_CHUNK_SIZE)
static u32 iomem_dma_chunk_pinned;	/* block start, 0: none (block 0 has id 1) */

static void chunk_block_pin(u32 id)
{
	u32 blk = id & ~(CHUNK_BLOCK - 1);

	if (blk == iomem_dma_chunk_pinned)
		return;
	if (iomem_dma_chunk_pinned)
		__xa_cmpxchg(&iomem_dma_chunks,
			     iomem_dma_chunk_pinned + CHUNK_BLOCK - 1, NULL, NULL,
			     0);
	iomem_dma_chunk_pinned = 0;
	/* Without the pin all still works, only slower. */
	if (blk && id != blk + CHUNK_BLOCK - 1 &&
	    !__xa_insert(&iomem_dma_chunks, blk + CHUNK_BLOCK - 1, NULL,
			 GFP_NOWAIT | __GFP_NOWARN))
		iomem_dma_chunk_pinned = blk;
}

static int chunk_id_alloc(struct iomem_dma_chunk *chunk, gfp_t gfp)
{
	u32 id;
	int ret;

	if (iomem_dma_should_fail())
		return -ENOMEM;
	xa_lock(&iomem_dma_chunks);
	/*
	 * Usually the next index is free (the ones before it were handed out
	 * and mostly freed since): take it with one store, the epoch set
	 * before the entry can be seen. Otherwise, and at the wrap, search.
	 */
	id = iomem_dma_chunk_next;
	if (id >= 2 && id <= IOMEM_DMA_ID_MAX) {
		chunk->id = id;
		chunk->epoch = iomem_dma_chunk_epoch;
		if (!__xa_insert(&iomem_dma_chunks, id, chunk, gfp)) {
			iomem_dma_chunk_next = id + 1;
			chunk_block_pin(id);
			xa_unlock(&iomem_dma_chunks);
			return 0;
		}
	}
	/* Reserve first: the entry appears only once its epoch is set. */
	ret = __xa_alloc_cyclic(&iomem_dma_chunks, &id, NULL,
				XA_LIMIT(2, IOMEM_DMA_ID_MAX),
				&iomem_dma_chunk_next, gfp);
	if (ret >= 0) {
		if (ret == 1)
			iomem_dma_chunk_epoch = (iomem_dma_chunk_epoch +
						 IOMEM_DMA_EPOCH_REUSE) &
						IOMEM_DMA_EPOCH_MASK;
		chunk->id = id;
		chunk->epoch = iomem_dma_chunk_epoch;
		/* Fills the reserved slot: needs no memory. */
		__xa_store(&iomem_dma_chunks, id, chunk, 0);
		chunk_block_pin(id);
		ret = 0;
	}
	xa_unlock(&iomem_dma_chunks);
	return ret;
}

/*
 * Lookups of allocations and their frees meet on one of these locks; see
 * iomem_dma_chunk_lock() in internal.h.
 */
spinlock_t iomem_dma_chunk_locks[IOMEM_DMA_CHUNK_LOCKS]; /* see internal.h */

/* Before any provider can register (those start at subsys_initcall). */
static int __init iomem_dma_chunk_locks_init(void)
{
	unsigned int i;

	for (i = 0; i < IOMEM_DMA_CHUNK_LOCKS; i++)
		spin_lock_init(&iomem_dma_chunk_locks[i]);
	return 0;
}
pure_initcall(iomem_dma_chunk_locks_init);

/**
 * iomem_dma_chunk_vaddr() - the CPU mapping of an allocation
 * @chunk: the allocation, alive for the call.
 *
 * Found from its physical address in its provider's ranges (which do not
 * overlap), not kept in it: the CPU reaches I/O memory far less often than
 * allocations are kept.
 *
 * Return: the __iomem address of its first byte.
 */
void __iomem *iomem_dma_chunk_vaddr(const struct iomem_dma_chunk *chunk)
{
	const struct iomem_dma_provider *prov = iomem_dma_chunk_prov(chunk);
	const struct iomem_dma_range *r;
	unsigned int i;

	for (i = 0; i < prov->nr_ranges; i++) {
		r = &prov->ranges[i];
		if (chunk->phys >= r->phys && chunk->phys - r->phys < r->size)
			return r->vaddr + (chunk->phys - r->phys);
	}
	/* Every allocation lies in one of them: a bug of ours. */
	WARN_ON_ONCE(1);
	return NULL;
}

static struct iomem_dma_hold *
hold_find_locked(struct iomem_dma_provider *prov,
		 struct iomem_dma_client *client)
{
	struct iomem_dma_hold *hold;

	lockdep_assert_held(&prov->lock);
	list_for_each_entry(hold, &prov->holders, prov_node)
		if (hold->client == client)
			return hold;
	return NULL;
}

/**
 * iomem_dma_hold_next_locked() - the next holder of @prov a walk's pass has
 *	not looked at
 * @prov: the provider.
 * @walk: which walk; each has its own mark in &iomem_dma_hold.walk_pass.
 * @pass: the pass, never 0; the hold found is marked with it.
 * @mapped_only: look only at holds with live mappings (others are marked
 *	and skipped).
 *
 * For walks that act on one holder at a time and must drop @prov->lock to
 * do it (callbacks, drains): holds come and go meanwhile, so each search
 * starts from the head, and a pass over n holds costs O(n^2) list steps
 * but needs no memory.
 *
 * Context: @prov->lock held.
 * Return: the hold's client with a reference the caller puts, or %NULL
 * when the pass has looked at every hold.
 */
struct iomem_dma_client *
iomem_dma_hold_next_locked(struct iomem_dma_provider *prov,
			   enum iomem_dma_walk walk, u64 pass, bool mapped_only)
{
	struct iomem_dma_hold *hold;

	lockdep_assert_held(&prov->lock);
	list_for_each_entry(hold, &prov->holders, prov_node) {
		if (hold->walk_pass[walk] == pass)
			continue;
		hold->walk_pass[walk] = pass;
		if (mapped_only && !atomic_long_read(&hold->mapped))
			continue;
		kref_get(&hold->client->ref);
		return hold->client;
	}
	return NULL;
}

/* Undo a reservation made by chunk_reserve(). */
static void chunk_unreserve(struct iomem_dma_provider *prov,
			    struct iomem_dma_hold *hold, size_t size)
{
	bool drained, hold_empty;

	spin_lock(&prov->lock);
	hold->bytes -= size;
	hold_empty = !--hold->nr_chunks;
	if (hold_empty)
		list_del(&hold->prov_node);
	drained = !--prov->nr_chunks;
	spin_unlock(&prov->lock);
	if (hold_empty)
		kfree(hold);
	if (drained)
		wake_up_all(&prov->drain_wq);
}

/*
 * Account @size bytes to @client before allocating them, so that a
 * concurrent unregister waits for us. Fails with -ENODEV once the provider
 * is dead.
 */
static struct iomem_dma_hold *chunk_reserve(struct iomem_dma_provider *prov,
					    struct iomem_dma_client *client,
					    size_t size, gfp_t gfp)
{
	struct iomem_dma_hold *hold, *spare = NULL;

	/*
	 * A client usually holds memory of this provider already: allocate
	 * a new hold only when it has none, then look again under the lock.
	 */
	for (;;) {
		spin_lock(&prov->lock);
		if (prov->dead) {
			spin_unlock(&prov->lock);
			kfree(spare);
			return ERR_PTR(-ENODEV);
		}
		hold = hold_find_locked(prov, client);
		if (hold || spare)
			break;
		spin_unlock(&prov->lock);
		spare = iomem_dma_should_fail() ? NULL :
			kzalloc(sizeof(*spare), gfp);
		if (!spare)
			return ERR_PTR(-ENOMEM);
	}
	if (!hold) {
		hold = spare;
		spare = NULL;
		hold->prov = prov;
		hold->client = client;
		list_add_tail(&hold->prov_node, &prov->holders);
	}
	hold->bytes += size;
	hold->nr_chunks++;
	prov->nr_chunks++;
	spin_unlock(&prov->lock);
	kfree(spare);
	return hold;
}

/*
 * Magazines. A client's free of an allocation it may want again keeps the
 * whole allocation (pool block, id, references, accounting) in one of its
 * magazines instead of undoing it; its next allocation of the same
 * provider and size takes it back. Both sides take only the client's
 * @mag_lock, so clients on different CPUs share nothing. The entry that
 * named the allocation is dead from the free on: its epoch moved on under
 * the chunk lock and its mapcount stays at IOMEM_DMA_CHUNK_FREEING until
 * the reuse. What magazines hold counts as free: iomem_dma_provider_avail()
 * includes it, an allocation that finds the pool short drains them all
 * and tries again, and unregister and the end of a registration drain
 * them before they wait for anything.
 */
static atomic64_t iomem_dma_drain_passes = ATOMIC64_INIT(0);

/*
 * On by default. Off (iomem_dma.magazines=0 at boot) every free goes back
 * to the pool at once; the KUnit suites of magazines and the benchmarks
 * switch it for their own clients and drain what was kept first.
 */
bool iomem_dma_magazines = true;
module_param_named(magazines, iomem_dma_magazines, bool, 0444);
MODULE_PARM_DESC(magazines,
		 "Keep freed allocations per client for its next allocation of the same size (default on)");

static struct iomem_dma_chunk *mag_pop(struct iomem_dma_client *client,
				       struct iomem_dma_provider *prov,
				       size_t size, size_t align)
{
	struct iomem_dma_chunk *chunk = NULL;
	struct iomem_dma_magazine *mag;
	unsigned int i;

	spin_lock(&client->mag_lock);
	for (i = 0; i < IOMEM_DMA_MAGS; i++) {
		mag = &client->mags[i];
		if (mag->prov != prov || mag->size != size || !mag->nr)
			continue;
		chunk = mag->chunks[mag->nr - 1];
		if (chunk->phys & (align - 1) || READ_ONCE(prov->dead)) {
			chunk = NULL;
			break;
		}
		mag->nr--;
		chunk->hold->cached--;
		chunk->hold->cached_bytes -= size;
		break;
	}
	spin_unlock(&client->mag_lock);
	if (chunk)
		atomic_set(&chunk->mapcount, 0);
	return chunk;
}

/* Keep @chunk, whose free its caller won, for its client: true if kept. */
static bool mag_push(struct iomem_dma_chunk *chunk)
{
	struct iomem_dma_provider *prov = iomem_dma_chunk_prov(chunk);
	struct iomem_dma_client *client = iomem_dma_chunk_client(chunk);
	struct iomem_dma_magazine *mag, *spare = NULL;
	bool kept = false;
	unsigned int i;

	if (!READ_ONCE(iomem_dma_magazines))
		return false;
	spin_lock(&client->mag_lock);
	if (READ_ONCE(client->gone) || READ_ONCE(prov->dead))
		goto out;
	for (i = 0; i < IOMEM_DMA_MAGS; i++) {
		mag = &client->mags[i];
		if (mag->nr && mag->prov == prov &&
		    mag->size == chunk->size) {
			spare = mag;
			break;
		}
		if (!mag->nr && !spare)
			spare = mag;
	}
	if (!spare || spare->nr == IOMEM_DMA_MAG_SIZE)
		goto out;
	spare->prov = prov;
	spare->size = chunk->size;
	spare->chunks[spare->nr++] = chunk;
	chunk->hold->cached++;
	chunk->hold->cached_bytes += chunk->size;
	kept = true;
out:
	spin_unlock(&client->mag_lock);
	return kept;
}

static void chunk_undo(struct iomem_dma_chunk *chunk);

/**
 * iomem_dma_client_mags_drain() - give a client's kept allocations back
 * @client: the client.
 * @prov: only those of this provider, or %NULL for all.
 *
 * Context: process context, no iomem_dma lock held.
 */
void iomem_dma_client_mags_drain(struct iomem_dma_client *client,
				 struct iomem_dma_provider *prov)
{
	struct iomem_dma_chunk *out[IOMEM_DMA_MAG_SIZE];
	struct iomem_dma_magazine *mag;
	unsigned int i, j, n;

	for (i = 0; i < IOMEM_DMA_MAGS; i++) {
		spin_lock(&client->mag_lock);
		mag = &client->mags[i];
		n = 0;
		if (!prov || mag->prov == prov) {
			for (j = 0; j < mag->nr; j++) {
				out[n] = mag->chunks[j];
				out[n]->hold->cached--;
				out[n]->hold->cached_bytes -= out[n]->size;
				n++;
			}
			mag->nr = 0;
			mag->prov = NULL;
		}
		spin_unlock(&client->mag_lock);
		for (j = 0; j < n; j++)
			chunk_undo(out[j]);
	}
}

/**
 * iomem_dma_provider_mags_drain() - give back what every client keeps of
 *	a provider
 * @prov: the provider.
 *
 * Each holder is looked at once, under its client's @mag_lock, so
 * allocations kept again meanwhile stay.
 *
 * Context: process context, no iomem_dma lock held.
 */
void iomem_dma_provider_mags_drain(struct iomem_dma_provider *prov)
{
	u64 pass = atomic64_inc_return(&iomem_dma_drain_passes);
	struct iomem_dma_client *client;

	for (;;) {
		/*
		 * Every holder, not only those whose cached count reads
		 * non-zero: a free that read @prov->dead before unregister
		 * set it may still be pushing, and only its client's
		 * @mag_lock orders that push with us.
		 */
		spin_lock(&prov->lock);
		client = iomem_dma_hold_next_locked(prov, IOMEM_DMA_WALK_DRAIN,
						    pass, false);
		spin_unlock(&prov->lock);
		if (!client)
			return;
		iomem_dma_client_mags_drain(client, prov);
		iomem_dma_client_put(client);
	}
}

static struct iomem_dma_chunk *chunk_alloc(struct iomem_dma_provider *prov,
					   struct iomem_dma_client *client,
					   size_t size, size_t align, gfp_t gfp)
{
	struct genpool_data_align data = { .align = align };
	struct iomem_dma_chunk *chunk;
	struct iomem_dma_hold *hold;
	bool drained = false;
	unsigned long addr;
	unsigned int i;
	int ret;

	chunk = mag_pop(client, prov, size, align);
	if (chunk)
		return chunk;
	chunk = iomem_dma_should_fail() ? NULL : kzalloc(sizeof(*chunk), gfp);
	if (!chunk)
		return ERR_PTR(-ENOMEM);
	hold = chunk_reserve(prov, client, size, gfp);
	if (IS_ERR(hold)) {
		ret = PTR_ERR(hold);
		goto free_chunk;
	}
retry:
	addr = gen_pool_alloc_algo(prov->pool, size, gen_pool_first_fit_align,
				   &data);
	if (!addr && !drained && gfpflags_allow_blocking(gfp)) {
		/* Free blocks may sit in magazines: fail only if none fits. */
		drained = true;
		iomem_dma_provider_mags_drain(prov);
		goto retry;
	}
	if (!addr) {
		/* The pool is short, not the kernel: callers may split. */
		ret = -ENOSPC;
		goto unreserve;
	}
	for (i = 0; i < prov->nr_ranges; i++)
		if (addr >= prov->bases[i] &&
		    addr - prov->bases[i] < prov->ranges[i].size)
			break;
	if (WARN_ON_ONCE(i == prov->nr_ranges)) {
		ret = -EFAULT;
		goto free_pool;
	}

	chunk->hold = hold;
	chunk->size = size;
	chunk->phys = prov->ranges[i].phys + (addr - prov->bases[i]);
	atomic_set(&chunk->mapcount, 0);
	kref_get(&prov->ref);
	kref_get(&client->ref);

	ret = chunk_id_alloc(chunk, gfp);
	if (ret)
		goto put_refs;
	return chunk;

put_refs:
	iomem_dma_client_put(client);
	kref_put(&prov->ref, iomem_dma_provider_release);
free_pool:
	gen_pool_free(prov->pool, addr, size);
unreserve:
	chunk_unreserve(prov, hold, size);
free_chunk:
	kfree(chunk);
	return ERR_PTR(ret);
}

/*
 * The caller won the mapcount 0 -> FREEING transition. Without a trace
 * event: for allocations undone before their caller saw them.
 */
static void chunk_undo(struct iomem_dma_chunk *chunk)
{
	struct iomem_dma_provider *prov = iomem_dma_chunk_prov(chunk);
	struct iomem_dma_client *client = iomem_dma_chunk_client(chunk);

	/* After this no lookup sees the chunk: see iomem_dma_chunk_locks. */
	spin_lock(iomem_dma_chunk_lock_of(chunk->id));
	xa_erase(&iomem_dma_chunks, chunk->id);
	spin_unlock(iomem_dma_chunk_lock_of(chunk->id));
	/* The pool's addresses are the physical ones. */
	gen_pool_free(prov->pool, (unsigned long)chunk->phys, chunk->size);
	chunk_unreserve(prov, chunk->hold, chunk->size);
	iomem_dma_client_put(client);
	kref_put(&prov->ref, iomem_dma_provider_release);
	kfree(chunk);
}

/* chunk_undo() of an allocation its client had: a free event. */
static void chunk_free(struct iomem_dma_chunk *chunk)
{
	struct iomem_dma_provider *prov = iomem_dma_chunk_prov(chunk);

	trace_iomem_dma_free(prov->name, iomem_dma_chunk_client(chunk)->name,
			     chunk->size, prov->granule_order, 0);
	chunk_undo(chunk);
}

static int alloc_args_check(struct iomem_dma_client *client,
			    struct iomem_dma_provider *prov, size_t size,
			    size_t align)
{
	if (!client || !prov || !size)
		return -EINVAL;
	if (size > prov->size || size > UINT_MAX)
		return -EINVAL;
	if (align && (!is_power_of_2(align) || align > prov->size))
		return -EINVAL;
	return 0;
}

/**
 * iomem_dma_alloc_sg() - allocate I/O memory into one scatterlist entry
 * @client: handle from iomem_dma_client_register().
 * @prov: the provider to allocate from.
 * @sg: the entry to fill; its page, offset and length are overwritten, its
 *	chain and end marks are kept.
 * @size: bytes, rounded up to the provider's granule.
 * @align: alignment of the physical address, a power of two, or 0 for the
 *	granule.
 *
 * The entry becomes an iomem entry: iomem_dma_sg_is_iomem() is true,
 * sg_page() returns %NULL, and the memory is reached by the CPU only
 * through iomem_dma_sg_iomem() and the copy helpers.
 *
 * Context: process context; may sleep.
 * Return: 0; -EINVAL for a %NULL argument, zero size, a size larger than
 * the provider or than a scatterlist entry can describe, or an alignment
 * that is not a power of two or exceeds the provider; -ENODEV if the
 * registration of @client has ended or @prov is being unregistered;
 * -ENOMEM if the
 * provider has no free range that fits (retry after freeing) or the
 * kernel is out of memory.
 */
int iomem_dma_alloc_sg(struct iomem_dma_client *client,
		       struct iomem_dma_provider *prov, struct scatterlist *sg,
		       size_t size, size_t align)
{
	struct iomem_dma_chunk *chunk;
	size_t granule;
	int ret;

	might_sleep();
	ret = alloc_args_check(client, prov, size, align);
	if (ret)
		return ret;
	if (!sg)
		return -EINVAL;
	granule = (size_t)1 << prov->granule_order;
	size = ALIGN(size, granule);
	if (size > prov->size || size > UINT_MAX)
		return -EINVAL;
	if (READ_ONCE(client->gone))
		return -ENODEV;
	chunk = chunk_alloc(prov, client, size, max(align, granule),
			    GFP_KERNEL);
	if (IS_ERR(chunk)) {
		ret = PTR_ERR(chunk) == -ENOSPC ? -ENOMEM : PTR_ERR(chunk);
		trace_iomem_dma_alloc_fail(prov->name, client->name, size,
					   prov->granule_order, ret);
		return ret;
	}
	iomem_dma_sg_set_chunk(sg, chunk, size);
	trace_iomem_dma_alloc(prov->name, client->name, size,
			      prov->granule_order, 0);
	return 0;
}
EXPORT_SYMBOL_GPL(iomem_dma_alloc_sg);

/**
 * iomem_dma_free_sg() - free the I/O memory behind one scatterlist entry
 * @client: the client that allocated it.
 * @sg: an iomem entry from iomem_dma_alloc_sg() or iomem_dma_alloc_sgt().
 *
 * The entry is cleared (no page, length 0). The device must no longer
 * access the memory; the entry must not be mapped. A stale copy of an entry
 * freed already names nothing: -ENOENT, whatever was allocated since.
 *
 * Context: process context; may sleep (the provider's and the client's
 * last references may go here).
 * Return: 0; -EINVAL if an argument is %NULL or @sg is not an iomem entry
 * (also after it was freed); -ENOENT if its allocation no longer exists;
 * -EPERM if another client allocated it; -EBUSY if it is still mapped.
 */
int iomem_dma_free_sg(struct iomem_dma_client *client, struct scatterlist *sg)
{
	struct iomem_dma_provider *prov;
	struct iomem_dma_chunk *chunk;
	bool reusable;
	int old;

	might_sleep();
	if (!client || !sg || !iomem_dma_entry_is_iomem(sg))
		return -EINVAL;

	iomem_dma_chunk_lock(sg);
	chunk = iomem_dma_chunk_lookup(sg);
	if (!chunk) {
		iomem_dma_chunk_unlock(sg);
		return -ENOENT;
	}
	if (iomem_dma_chunk_client(chunk) != client) {
		iomem_dma_chunk_unlock(sg);
		return -EPERM;
	}
	prov = iomem_dma_chunk_prov(chunk);
	old = atomic_cmpxchg(&chunk->mapcount, 0, IOMEM_DMA_CHUNK_FREEING);
	/*
	 * A reuse gets the next epoch: from here on no copy of @sg finds
	 * the allocation, whether it is kept or undone.
	 */
	reusable = !old && (chunk->epoch & (IOMEM_DMA_EPOCH_REUSE - 1)) !=
			   IOMEM_DMA_EPOCH_REUSE - 1;
	if (reusable)
		chunk->epoch++;
	iomem_dma_chunk_unlock(sg);
	if (old == IOMEM_DMA_CHUNK_FREEING)
		return -ENOENT;
	if (old)
		return -EBUSY;

	if (reusable && mag_push(chunk))
		trace_iomem_dma_free(prov->name, client->name, chunk->size,
				     prov->granule_order, 0);
	else
		chunk_free(chunk);
	iomem_dma_sg_clear(sg);
	return 0;
}
EXPORT_SYMBOL_GPL(iomem_dma_free_sg);

/**
 * iomem_dma_alloc_sgt() - allocate I/O memory straight into a scatter table
 * @client: handle from iomem_dma_client_register().
 * @prov: the provider.
 * @sgt: an unused table; allocated here, one iomem entry per contiguous
 *	piece.
 * @size: bytes, rounded up to the provider's granule.
 * @gfp: flags for the table and bookkeeping, usually %GFP_KERNEL.
 *
 * The largest contiguous pieces are used first; when the pool is
 * fragmented the request is split, down to the granule.
 *
 * Context: process context; may sleep if @gfp allows.
 * Return: 0; -EINVAL for a %NULL argument, zero size or a size larger than
 * the provider; -ENODEV if the registration of @client has ended or @prov
 * is being unregistered; -ENOMEM if the provider does not have @size bytes
 * free (nothing stays allocated) or the kernel is out of memory.
 */
int iomem_dma_alloc_sgt(struct iomem_dma_client *client,
			struct iomem_dma_provider *prov, struct sg_table *sgt,
			size_t size, gfp_t gfp)
{
	struct iomem_dma_chunk **chunks = NULL, **tmp, *chunk;
	unsigned int n = 0, cap = 0, i;
	size_t granule, left, want;
	struct scatterlist *sg;
	int ret;

	if (!client || !prov || !sgt || !size || size > prov->size)
		return -EINVAL;
	granule = (size_t)1 << prov->granule_order;
	left = ALIGN(size, granule);
	if (left > prov->size)
		return -EINVAL;
	if (READ_ONCE(client->gone))
		return -ENODEV;

	want = min_t(size_t, left, rounddown(UINT_MAX, granule));
	while (left) {
		want = min(want, left);
		chunk = chunk_alloc(prov, client, want, granule, gfp);
		if (IS_ERR(chunk)) {
			/*
			 * Only a fragmented pool is worth a smaller piece; the
			 * kernel running out of memory fails the request.
			 */
			ret = PTR_ERR(chunk);
			if (ret == -ENOSPC && want == granule)
				ret = -ENOMEM;
			if (ret != -ENOSPC)
				goto free_chunks;
			want = max(granule, rounddown(want / 2, granule));
			continue;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			tmp = iomem_dma_should_fail() ? NULL :
			      krealloc_array(chunks, cap, sizeof(*chunks), gfp);
			if (!tmp) {
				ret = -ENOMEM;
				atomic_set(&chunk->mapcount,
					   IOMEM_DMA_CHUNK_FREEING);
				chunk_undo(chunk);
				goto free_chunks;
			}
			chunks = tmp;
		}
		chunks[n++] = chunk;
		left -= want;
	}

	ret = iomem_dma_should_fail() ? -ENOMEM : sg_alloc_table(sgt, n, gfp);
	if (ret)
		goto free_chunks;
	for_each_sgtable_sg(sgt, sg, i) {
		iomem_dma_sg_set_chunk(sg, chunks[i], chunks[i]->size);
		trace_iomem_dma_alloc(prov->name, client->name,
				      chunks[i]->size, prov->granule_order, 0);
	}
	kfree(chunks);
	return 0;

free_chunks:
	for (i = 0; i < n; i++) {
		atomic_set(&chunks[i]->mapcount, IOMEM_DMA_CHUNK_FREEING);
		chunk_undo(chunks[i]);
	}
	kfree(chunks);
	trace_iomem_dma_alloc_fail(prov->name, client->name, ALIGN(size, granule),
				   prov->granule_order, ret);
	return ret;
}
EXPORT_SYMBOL_GPL(iomem_dma_alloc_sgt);

/**
 * iomem_dma_free_sgt() - free a table's I/O memory and the table
 * @client: the client that allocated the iomem entries.
 * @sgt: the table. RAM entries are left alone; the table itself is freed
 *	with sg_free_table() once every iomem entry is.
 *
 * Nothing is freed unless every iomem entry can be: all belong to @client and
 * none is mapped.
 *
 * Context: process context.
 * Return: 0; -EINVAL if an argument is %NULL or the table is empty (for
 * example freed already); -ENOENT, -EPERM or -EBUSY as iomem_dma_free_sg()
 * for the first entry that cannot be freed.
 */
int iomem_dma_free_sgt(struct iomem_dma_client *client, struct sg_table *sgt)
{
	struct iomem_dma_chunk *chunk;
	struct scatterlist *sg;
	unsigned int i;
	int ret = 0;

	if (!client || !sgt || !sgt->sgl || !sgt->orig_nents)
		return -EINVAL;

	for_each_sgtable_sg(sgt, sg, i) {
		if (!iomem_dma_entry_is_iomem(sg))
			continue;
		iomem_dma_chunk_lock(sg);
		chunk = iomem_dma_chunk_lookup(sg);
		if (!chunk ||
		    atomic_read(&chunk->mapcount) == IOMEM_DMA_CHUNK_FREEING)
			ret = -ENOENT;
		else if (iomem_dma_chunk_client(chunk) != client)
			ret = -EPERM;
		else if (atomic_read(&chunk->mapcount))
			ret = -EBUSY;
		iomem_dma_chunk_unlock(sg);
		if (ret)
			break;
	}
	if (ret)
		return ret;

	for_each_sgtable_sg(sgt, sg, i) {
		if (!iomem_dma_entry_is_iomem(sg))
			continue;
		ret = iomem_dma_free_sg(client, sg);
		if (ret)
			return ret;
	}
	sg_free_table(sgt);
	return 0;
}
EXPORT_SYMBOL_GPL(iomem_dma_free_sgt);

/* Bytes and allocations of @prov in magazines: free for its users. */
static u64 provider_cached_locked(struct iomem_dma_provider *prov,
				  unsigned long *nr)
{
	struct iomem_dma_hold *hold;
	u64 bytes = 0;

	lockdep_assert_held(&prov->lock);
	*nr = 0;
	list_for_each_entry(hold, &prov->holders, prov_node) {
		bytes += READ_ONCE(hold->cached_bytes);
		*nr += READ_ONCE(hold->cached);
	}
	return bytes;
}

static size_t provider_avail_locked(struct iomem_dma_provider *prov)
{
	unsigned long nr;

	lockdep_assert_held(&prov->lock);
	if (prov->unregistered || !prov->pool)
		return 0;
	return gen_pool_avail(prov->pool) + provider_cached_locked(prov, &nr);
}

/**
 * iomem_dma_provider_avail() - free bytes in a provider
 * @prov: the provider.
 *
 * Return: bytes not allocated; 0 once the provider is unregistered.
 */
size_t iomem_dma_provider_avail(struct iomem_dma_provider *prov)
{
	size_t avail;

	/* Unregister sets @unregistered under the lock before the pool goes. */
	spin_lock(&prov->lock);
	avail = provider_avail_locked(prov);
	spin_unlock(&prov->lock);
	return avail;
}
EXPORT_SYMBOL_GPL(iomem_dma_provider_avail);

static int accounting_show(struct seq_file *m, void *unused)
{
	struct iomem_dma_provider *prov;
	struct iomem_dma_hold *hold;
	unsigned long nr;
	u64 bytes;

	mutex_lock(&iomem_dma_providers_lock);
	list_for_each_entry(prov, &iomem_dma_providers, list) {
		spin_lock(&prov->lock);
		bytes = provider_cached_locked(prov, &nr);
		seq_printf(m, "provider %s size %llu avail %zu allocations %lu kept %lu (%llu bytes)%s\n",
			   prov->name, prov->size,
			   provider_avail_locked(prov), prov->nr_chunks - nr,
			   nr, bytes, prov->published ? " published" : "");
		list_for_each_entry(hold, &prov->holders, prov_node) {
			u64 cb = READ_ONCE(hold->cached_bytes);
			unsigned int cn = READ_ONCE(hold->cached);

			if (hold->nr_chunks == cn)
				continue;
			seq_printf(m, "  client %s bytes %llu allocations %lu\n",
				   hold->client->name, hold->bytes - cb,
				   hold->nr_chunks - cn);
		}
		spin_unlock(&prov->lock);
	}
	mutex_unlock(&iomem_dma_providers_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(accounting);

void iomem_dma_debugfs_init(void)
{
	iomem_dma_debugfs_root = debugfs_create_dir("iomem_dma", NULL);
	debugfs_create_file("accounting", 0400, iomem_dma_debugfs_root, NULL,
			    &accounting_fops);
}
