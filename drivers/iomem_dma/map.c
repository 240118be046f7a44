// SPDX-License-Identifier: GPL-2.0-only
/*
 * iomem_dma mapping: give a client device addresses for a table that may
 * mix RAM entries and iomem entries.
 *
 * RAM entries go through the DMA API one by one. An iomem entry is mapped
 * according to the verdict for its provider and the client: the backend's
 * bus address (marked SG_DMA_BUS_ADDRESS, so the DMA API leaves it alone),
 * dma_map_resource() through the host bridge or IOMMU, or a refusal with
 * -EREMOTEIO. sg_dma_address() and sg_dma_len() are set for every entry.
 */

#define pr_fmt(fmt) "iomem_dma: " fmt

#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/rcupdate.h>
#include <linux/scatterlist.h>

#include "internal.h"

#include <trace/events/iomem_dma.h>

/* Attempts of a map that a concurrent policy change keeps invalidating. */
#define IOMEM_DMA_MAP_TRIES	16

/*
 * Pin the allocation behind @sg against being freed while it is mapped,
 * if it is @client's and @sg stays inside it. The checks come first: a
 * copy in another client's hands must not pin, even for a moment, or the
 * owner's free would see the allocation busy.
 */
static struct iomem_dma_chunk *chunk_pin(struct scatterlist *sg,
					 struct iomem_dma_client *client,
					 int *err)
{
	struct iomem_dma_chunk *chunk;

	*err = -EINVAL;
	iomem_dma_chunk_lock(sg);
	chunk = iomem_dma_chunk_lookup(sg);
	if (chunk && iomem_dma_chunk_client(chunk) != client) {
		/* A copied entry: another client's memory. */
		*err = -EPERM;
		chunk = NULL;
	} else if (chunk && (!iomem_dma_chunk_covers(chunk, sg) ||
			     !atomic_add_unless(&chunk->mapcount, 1,
						IOMEM_DMA_CHUNK_FREEING))) {
		/* Longer than its allocation, or being freed. */
		chunk = NULL;
	}
	iomem_dma_chunk_unlock(sg);
	return chunk;
}

static void chunk_unpin(struct iomem_dma_chunk *chunk)
{
	atomic_dec(&chunk->mapcount);
}

/* Can @dev put every byte of [@addr, @addr + @len) on its bus? */
bool iomem_dma_bus_range_ok(struct device *dev, dma_addr_t addr, size_t len)
{
	u64 limit = dma_get_mask(dev);

	if (dev->bus_dma_limit)
		limit = min_t(u64, limit, dev->bus_dma_limit);
	return len && addr <= limit && len - 1 <= limit - addr;
}

static void unmap_entry(struct device *dev, struct scatterlist *sg,
			enum dma_data_direction dir, unsigned long attrs)
{
	struct iomem_dma_chunk *chunk;

	/* Entries that are not mapped have no DMA length. */
	if (!sg_dma_len(sg))
		return;
	if (!iomem_dma_entry_is_iomem(sg)) {
		dma_unmap_page_attrs(dev, sg->dma_address, sg_dma_len(sg), dir,
				     attrs);
		goto clear;
	}
	if (sg_dma_is_bus_address(sg))
		sg_dma_unmark_bus_address(sg);
	else
		dma_unmap_resource(dev, sg->dma_address, sg_dma_len(sg), dir,
				   attrs);
	iomem_dma_chunk_lock(sg);
	chunk = iomem_dma_chunk_lookup(sg);
	if (!WARN_ON_ONCE(!chunk)) {
		atomic_long_dec(&chunk->hold->mapped);
		chunk_unpin(chunk);
	}
	iomem_dma_chunk_unlock(sg);
clear:
	sg->dma_address = 0;
	sg_dma_len(sg) = 0;
}

/*
 * The path of the provider of the entry mapped last, valid for @gen: the
 * map of one table asks the policy once per provider, and without a copy
 * of the verdict when it is cached.
 */
struct map_state {
	struct iomem_dma_provider *last;
	enum iomem_dma_path path;
	u64 gen;
};

static enum iomem_dma_path map_path(struct iomem_dma_client *client,
				    struct iomem_dma_provider *prov,
				    struct map_state *ms)
{
	const struct iomem_dma_verdict *hit;

	/* Consecutive entries usually share a provider: reuse the verdict. */
	if (prov == ms->last)
		return ms->path;
	rcu_read_lock();
	hit = iomem_dma_verdict_cached(prov, client, ms->gen);
	if (hit)
		ms->path = hit->path;
	rcu_read_unlock();
	if (!hit)
		ms->path = iomem_dma_client_path(prov, client);
	ms->last = prov;
	return ms->path;
}

/* A denied entry: keep why, for iomem_dma_last_refusal(), and say it. */
static void map_refused(struct iomem_dma_client *client,
			struct iomem_dma_provider *prov)
{
	struct iomem_dma_verdict v;

	iomem_dma_client_verdict(prov, client, &v);
	spin_lock(&client->lock);
	client->last_refusal = v;
	client->has_refusal = true;
	spin_unlock(&client->lock);
	atomic_inc(&iomem_dma_denial_logs);
	trace_iomem_dma_refuse(prov->name, client->name,
			       iomem_dma_reason_str(v.reason), v.rule,
			       v.node[0] ? v.node : "-");
	dev_info_ratelimited(client->dev, "iomem_dma: peer DMA from %s denied: %s%s%s (rule %u)\n",
			     prov->name, iomem_dma_reason_str(v.reason),
			     v.node[0] ? " at " : "", v.node, v.rule);
}

static int map_iomem_entry(struct iomem_dma_client *client,
			   struct scatterlist *sg, enum dma_data_direction dir,
			   unsigned long attrs, struct map_state *ms)
{
	struct device *dev = client->dev;
	struct iomem_dma_chunk *chunk;
	struct iomem_dma_provider *prov;
	dma_addr_t addr;
	int ret;

	chunk = chunk_pin(sg, client, &ret);
	if (!chunk)
		return ret;
	prov = iomem_dma_chunk_prov(chunk);

	switch (map_path(client, prov, ms)) {
	case IOMEM_DMA_PATH_BUS:
		ret = prov->ops->bus_addr(prov, dev, chunk->phys, sg->length,
					  &addr);
		if (ret)
			goto unpin;
		/* Beyond what the client can address: refuse, never truncate. */
		if (!iomem_dma_bus_range_ok(dev, addr, sg->length)) {
			ret = -EIO;
			goto unpin;
		}
		sg_dma_mark_bus_address(sg);
		goto mapped;
	case IOMEM_DMA_PATH_HOST:
		addr = dma_map_resource(dev, chunk->phys, sg->length, dir, attrs);
		if (dma_mapping_error(dev, addr)) {
			ret = -EIO;
			goto unpin;
		}
		sg_dma_unmark_bus_address(sg);
		goto mapped;
	case IOMEM_DMA_PATH_DENIED:
		break;
	}
	map_refused(client, prov);
	ret = -EREMOTEIO;
unpin:
	chunk_unpin(chunk);
	return ret;

mapped:
	sg->dma_address = addr;
	sg_dma_len(sg) = sg->length;
	/* Counted before the map rechecks the generation; see &iomem_dma_hold. */
	atomic_long_inc(&chunk->hold->mapped);
	return 0;
}

/*
 * The map or unmap event of @sgt: entries, bytes, and how many went by bus
 * address or through the host (never an entry's CPU address). Only when
 * the event is on.
 */
static void trace_table(struct iomem_dma_client *client, struct sg_table *sgt,
			int err, bool unmap)
{
	unsigned int i, bus = 0, host = 0;
	struct scatterlist *sg;
	u64 bytes = 0;

	for_each_sgtable_sg(sgt, sg, i) {
		bytes += sg->length;
		if (err || !iomem_dma_entry_is_iomem(sg))
			continue;
		if (sg_dma_is_bus_address(sg))
			bus++;
		else
			host++;
	}
	if (unmap)
		trace_iomem_dma_unmap(client->name, sgt->orig_nents, bytes, bus,
				      host, 0);
	else
		trace_iomem_dma_map(client->name, sgt->orig_nents, bytes, bus,
				    host, err);
}

/**
 * iomem_dma_map_sgtable() - map a table of RAM and iomem entries for a device
 * @client: handle from iomem_dma_client_register().
 * @sgt: the table; all orig_nents entries are mapped, none merged, and
 *	nents is set to orig_nents.
 * @dir: DMA direction.
 * @attrs: DMA_ATTR_* for the DMA API calls.
 *
 * RAM entries are mapped with dma_map_page_attrs(). Each iomem entry is
 * mapped as the verdict for its provider and @client says: bus address (the
 * entry gets SG_DMA_BUS_ADDRESS), through the host bridge or IOMMU with
 * dma_map_resource(), or not at all. On any failure nothing stays mapped.
 * An iomem entry cannot be freed while mapped.
 *
 * Context: process context; may sleep.
 * Every iomem entry must be one @client allocated and not longer than its
 * allocation: a stale copy of a freed entry, or a copy of another client's,
 * is refused before anything is mapped.
 *
 * Return: 0; -EINVAL for a %NULL argument, an empty table, an iomem entry
 * whose allocation is gone or whose length exceeds it; -EPERM for an iomem
 * entry another client allocated; -ENODEV if the registration of @client
 * has ended; -EREMOTEIO if a verdict denies an entry (iomem_dma_last_refusal()
 * tells why); -EIO if the DMA API could not map an entry, or a bus address
 * lies beyond the client device's DMA mask; -EAGAIN if the policy or topology changed
 * during each of IOMEM_DMA_MAP_TRIES attempts; or the backend's error for
 * a bus address it could not produce.
 */
int iomem_dma_map_sgtable(struct iomem_dma_client *client, struct sg_table *sgt,
			  enum dma_data_direction dir, unsigned long attrs)
{
	struct map_state ms;
	struct device *dev;
	struct scatterlist *sg;
	unsigned int i, done, tries = 0;
	bool iomem;
	dma_addr_t addr;
	u64 gen;
	int ret;

	might_sleep();
	if (!client || !sgt || !sgt->sgl || !sgt->orig_nents ||
	    !valid_dma_direction(dir))
		return -EINVAL;
	dev = client->dev;

retry:
	gen = iomem_dma_generation();
	/*
	 * Checked on every attempt, after reading the generation: the end of
	 * the registration sets @gone before it moves the generation (a
	 * fully ordered increment), so a map racing with it either sees
	 * @gone here or sees the generation move, retries and stops here.
	 */
	smp_rmb();
	if (READ_ONCE(client->gone))
		return -ENODEV;
	ms.last = NULL;
	ms.gen = gen;
	iomem = false;
	ret = 0;
	for_each_sgtable_sg(sgt, sg, i) {
		if (iomem_dma_entry_is_iomem(sg)) {
			ret = map_iomem_entry(client, sg, dir, attrs, &ms);
			if (ret)
				break;
			iomem = true;
			continue;
		}
		if (!sg_page(sg)) {
			ret = -EINVAL;
			break;
		}
		addr = dma_map_page_attrs(dev, sg_page(sg), sg->offset,
					  sg->length, dir, attrs);
		if (dma_mapping_error(dev, addr)) {
			ret = -EIO;
			break;
		}
		sg->dma_address = addr;
		sg_dma_len(sg) = sg->length;
		sg_dma_unmark_bus_address(sg);
	}

	if (!ret && iomem) {
		/*
		 * A policy or topology change made while we mapped may have
		 * run its revoke pass before our mappings were counted in
		 * their holds: if the generation moved, map again under the
		 * new one. Orders the counting before reading the generation;
		 * pairs with smp_mb() in iomem_dma_policy_revoke_denied().
		 */
		smp_mb();
		if (gen != iomem_dma_generation())
			ret = -EAGAIN;
	}
	if (ret) {
		done = i;
		for_each_sgtable_sg(sgt, sg, i) {
			if (i >= done)
				break;
			unmap_entry(dev, sg, dir, attrs);
		}
		if (ret == -EAGAIN && ++tries < IOMEM_DMA_MAP_TRIES)
			goto retry;
	} else {
		sgt->nents = sgt->orig_nents;
	}
	if (trace_iomem_dma_map_enabled())
		trace_table(client, sgt, ret, false);
	return ret;
}
EXPORT_SYMBOL_GPL(iomem_dma_map_sgtable);

/**
 * iomem_dma_unmap_sgtable() - undo iomem_dma_map_sgtable()
 * @client: the client the table was mapped for; its registration may have
 *	ended since, but its device's driver must still be bound.
 * @sgt: the table.
 * @dir: the direction given to the map.
 * @attrs: the attributes given to the map.
 *
 * Context: process context.
 */
void iomem_dma_unmap_sgtable(struct iomem_dma_client *client,
			     struct sg_table *sgt, enum dma_data_direction dir,
			     unsigned long attrs)
{
	struct scatterlist *sg;
	unsigned int i;

	if (!client || !sgt || !sgt->sgl)
		return;
	if (trace_iomem_dma_unmap_enabled())
		trace_table(client, sgt, 0, true);
	for_each_sgtable_sg(sgt, sg, i)
		unmap_entry(client->dev, sg, dir, attrs);
	sgt->nents = 0;
}
EXPORT_SYMBOL_GPL(iomem_dma_unmap_sgtable);

/*
 * One pass of a sync: RAM entries through the DMA API (cache maintenance
 * on non-coherent devices, bounce-buffer copies), iomem entries by a
 * barrier only. I/O memory has no cacheable alias that could hold stale
 * bytes: providers map it uncached or write-combined, and the DMA API
 * must never see it (dma_to_phys() of a bus address is not memory).
 */
static void sync_sgtable(struct iomem_dma_client *client, struct sg_table *sgt,
			 enum dma_data_direction dir, bool for_device)
{
	struct device *dev;
	struct scatterlist *sg;
	bool iomem = false;
	unsigned int i;

	if (!client || !sgt || !sgt->sgl || !valid_dma_direction(dir))
		return;
	dev = client->dev;
	for_each_sgtable_sg(sgt, sg, i) {
		/* Entries that are not mapped have no DMA length. */
		if (!sg_dma_len(sg))
			continue;
		if (iomem_dma_entry_is_iomem(sg)) {
			iomem = true;
			continue;
		}
		if (for_device)
			dma_sync_single_for_device(dev, sg->dma_address,
						   sg_dma_len(sg), dir);
		else
			dma_sync_single_for_cpu(dev, sg->dma_address,
						sg_dma_len(sg), dir);
	}
	if (!iomem)
		return;
	if (for_device)
		/* Write-combined CPU stores out before the device reads. */
		wmb();
	else
		/* The device's writes complete before the CPU reads on. */
		rmb();
}

/**
 * iomem_dma_sync_sgtable_for_cpu() - give a mapped table back to the CPU
 * @client: the client the table was mapped for.
 * @sgt: a table mapped with iomem_dma_map_sgtable() and not unmapped.
 * @dir: the direction given to the map.
 *
 * The counterpart of dma_sync_sgtable_for_cpu() for tables that mix RAM
 * and iomem entries, which the DMA API must not be handed. RAM entries
 * get dma_sync_single_for_cpu() (cache invalidation on a non-coherent
 * device, the copy back from a bounce buffer); iomem entries need no
 * cache maintenance and get a read barrier. Entries that are not mapped
 * are skipped. Call it after the device's DMA and before the CPU reads
 * the RAM entries; the mapping stays valid.
 *
 * Context: any context in which the DMA API's sync calls may be made.
 */
void iomem_dma_sync_sgtable_for_cpu(struct iomem_dma_client *client,
				    struct sg_table *sgt,
				    enum dma_data_direction dir)
{
	sync_sgtable(client, sgt, dir, false);
}
EXPORT_SYMBOL_GPL(iomem_dma_sync_sgtable_for_cpu);

/**
 * iomem_dma_sync_sgtable_for_device() - give a mapped table to the device
 * @client: the client the table was mapped for.
 * @sgt: a table mapped with iomem_dma_map_sgtable() and not unmapped.
 * @dir: the direction given to the map.
 *
 * The counterpart of dma_sync_sgtable_for_device(): RAM entries get
 * dma_sync_single_for_device() (cache clean on a non-coherent device,
 * the copy into a bounce buffer); iomem entries get a write barrier, so
 * CPU stores through a write-combined mapping reach the memory first.
 * Entries that are not mapped are skipped. Call it after the CPU wrote
 * and before the device's next DMA.
 *
 * Context: any context in which the DMA API's sync calls may be made.
 */
void iomem_dma_sync_sgtable_for_device(struct iomem_dma_client *client,
				       struct sg_table *sgt,
				       enum dma_data_direction dir)
{
	sync_sgtable(client, sgt, dir, true);
}
EXPORT_SYMBOL_GPL(iomem_dma_sync_sgtable_for_device);
