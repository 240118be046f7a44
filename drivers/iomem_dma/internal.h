/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * iomem_dma internals shared by the core's files. Not for drivers.
 */
#ifndef _IOMEM_DMA_INTERNAL_H
#define _IOMEM_DMA_INTERNAL_H

#include <linux/atomic.h>
#include <linux/bitfield.h>
#include <linux/iomem_dma_provider.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/scatterlist.h>
#include <linux/sizes.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/xarray.h>

struct dentry;
struct gen_pool;

/*
 * Longest name (with its NUL) a rule can match: provider names, stable
 * device names and fabric node names are kept whole up to this length and
 * refused, never cut, beyond it, so that two names with a common prefix
 * can never match the same rule.
 */
#define IOMEM_DMA_NAME_MAX	256
/* Slots of a client's last used verdicts (&iomem_dma_client.vcache). */
#define IOMEM_DMA_VCACHE	8
/* A client's magazines of freed allocations, and the size of each. */
#define IOMEM_DMA_MAGS		4
#define IOMEM_DMA_MAG_SIZE	16

struct iomem_dma_chunk;

/**
 * struct iomem_dma_magazine - allocations a client freed, kept for reuse
 * @prov: the provider they are of, or %NULL when @nr is 0.
 * @size: their size.
 * @nr: entries used in @chunks.
 * @chunks: the allocations, each with its pool block, id and references,
 *	its mapcount at %IOMEM_DMA_CHUNK_FREEING and its epoch already
 *	moved on, so that no copy of the entry that named it finds it.
 */
struct iomem_dma_magazine {
	struct iomem_dma_provider *prov;
	u32 size;
	unsigned int nr;
	struct iomem_dma_chunk *chunks[IOMEM_DMA_MAG_SIZE];
};

/**
 * struct iomem_dma_node - a node of the fabric (bridge, switch, bus)
 * @ref: lifetime.
 * @parent: upstream node, referenced; %NULL for a root.
 * @depth: number of ancestors.
 * @flags: IOMEM_DMA_NODE_*; written under iomem_dma_node_flags_lock, read
 *	locklessly.
 * @name: name matched by rules and shown in verdicts, copied whole at
 *	creation.
 * @rcu: deferred free: verdicts walk nodes under RCU while an attachment
 *	may be replaced, see iomem_dma_attachments_refresh().
 */
struct iomem_dma_node {
	struct kref ref;
	struct rcu_head rcu;
	struct iomem_dma_node *parent;
	unsigned int depth;
	unsigned long flags;
	char name[IOMEM_DMA_NAME_MAX];
};

/**
 * struct iomem_dma_provider - a registered provider of I/O memory
 * @ref: memory lifetime; the registry, iomem_dma_find() callers and every
 *	chunk hold one.
 * @list: entry in iomem_dma_providers while registered, then in
 *	iomem_dma_dying_providers until its memory is back; under
 *	iomem_dma_providers_lock.
 * @dev: owning device, referenced.
 * @name: unique name.
 * @sname: stable name of @dev (devicetree path or dev_name()), whole.
 * @ops: backend callbacks.
 * @priv: backend data.
 * @ranges: copy of the ranges.
 * @bases: start of each range in @pool's address space.
 * @nr_ranges: entries in @ranges and @bases.
 * @cpu_map: attribute of the CPU mappings.
 * @granule_order: log2 of the allocation unit.
 * @size: total bytes.
 * @pool: allocator; its address space starts at 1 << @granule_order so that
 *	0 is never a valid allocation.
 * @fabric: attachment node or %NULL, referenced; read under RCU, replaced
 *	under iomem_dma_attach_lock when @fabric_from_dev.
 * @fabric_from_dev: the core looks @fabric up from @dev, again after every
 *	change of the fabric.
 * @id: small unique number, index of cached verdicts.
 * @cdev: the device in class iomem_dma, or %NULL.
 * @preference: administrator's tie-break for iomem_dma_find(), -100..100;
 *	written from sysfs, read locklessly.
 * @lock: protects @dead, @unregistered, @published, @nr_chunks and
 *	@holders.
 * @dead: unregister has started: no new allocations.
 * @unregistered: the pool is destroyed or about to be; set under @lock
 *	before it is, so that a reader holding @lock never sees it go.
 * @published: visible to iomem_dma_find().
 * @nr_chunks: outstanding allocations.
 * @holders: &struct iomem_dma_hold entries, one per client holding memory.
 * @drain_wq: woken when @nr_chunks drops to zero.
 */
struct iomem_dma_provider {
	struct kref ref;
	struct list_head list;
	struct device *dev;
	const char *name;
	const char *sname;
	const struct iomem_dma_provider_ops *ops;
	void *priv;
	struct iomem_dma_range *ranges;
	unsigned long *bases;
	unsigned int nr_ranges;
	enum iomem_dma_cpu_map cpu_map;
	unsigned int granule_order;
	u64 size;
	struct gen_pool *pool;
	struct iomem_dma_node __rcu *fabric;
	bool fabric_from_dev;
	unsigned int id;
	struct device *cdev;
	int preference;

	spinlock_t lock; /* see @lock above */
	bool dead;
	bool unregistered;
	bool published;
	unsigned long nr_chunks;
	struct list_head holders;
	wait_queue_head_t drain_wq;
};

/**
 * struct iomem_dma_client - per-device client state, kept as a devres
 * @ref: lifetime; the devres entry and every chunk hold one.
 * @dev: the client device, not referenced: use it only while the
 *	registration lives (under @cb_lock with @gone false), since the devres
 *	entry that ends it is released before the device can go.
 * @ops: client callbacks.
 * @priv: passed back to @ops.
 * @node: attachment node, or %NULL; referenced. Found at registration and
 *	again after every change of the fabric; read under RCU, replaced
 *	under iomem_dma_attach_lock.
 * @lock: protects @last_refusal and @has_refusal, and serialises writers
 *	of @vcache.
 * @last_refusal: the verdict of the last refused map.
 * @has_refusal: @last_refusal is valid.
 * @name: stable name (devicetree path or dev_name()), whole; also for
 *	diagnostics after the device is gone.
 * @list: entry in iomem_dma_clients, under iomem_dma_clients_lock.
 * @seq: registration number, never reused, set under
 *	iomem_dma_clients_lock; the id IOMEM_DMA_IOC_CLIENT lists clients by.
 * @verdicts: cached &struct iomem_dma_cached_verdict by provider id.
 * @vcache: the verdicts used last, in front of @verdicts: slot
 *	id % IOMEM_DMA_VCACHE holds a verdict of @verdicts (or %NULL),
 *	read under RCU, written under @lock; see iomem_dma_verdict_cached().
 * @cb_lock: held around every call of @ops->revoke and while the
 *	registration ends, so that no callback runs, or starts, once
 *	iomem_dma_client_unregister() has returned.
 * @gone: the registration has ended, under @cb_lock; no more callbacks.
 * @mag_lock: protects @mags and the cached counts of the client's holds;
 *	nests inside a provider's lock, never the other way round.
 * @mags: allocations the client freed, reused by its next allocations of
 *	the same provider and size without touching the pool, the id
 *	allocator or any shared lock; see alloc.c.
 */
struct iomem_dma_client {
	struct kref ref;
	struct device *dev;
	const struct iomem_dma_client_ops *ops;
	void *priv;
	struct iomem_dma_node __rcu *node;
	spinlock_t lock; /* see @lock above */
	struct iomem_dma_verdict last_refusal;
	bool has_refusal;
	const char *name;
	struct list_head list;
	unsigned int seq;
	struct xarray verdicts;
	struct iomem_dma_cached_verdict __rcu *vcache[IOMEM_DMA_VCACHE];
	struct mutex cb_lock; /* see @cb_lock above */
	bool gone;
	spinlock_t mag_lock; /* see @mag_lock above */
	struct iomem_dma_magazine mags[IOMEM_DMA_MAGS];
};

/**
 * struct iomem_dma_cached_verdict - a verdict valid for one generation
 * @prov_id: the provider it is for.
 * @v: the verdict; @v.generation says when it was computed, or when a
 *	computation gave the same verdict again (moved in place, see
 *	iomem_dma_client_verdict()); only that field ever changes.
 * @rcu: deferred free.
 */
struct iomem_dma_cached_verdict {
	unsigned int prov_id;
	struct iomem_dma_verdict v;
	struct rcu_head rcu;
};

/**
 * iomem_dma_verdict_entry() - the cache entry of a pair, current or not
 * @prov: the provider.
 * @client: the client.
 *
 * The slot of @client's last used verdicts if it holds @prov's entry,
 * else @client's cache of all of them. A slot holds @prov's entry in the
 * cache, or for a moment the entry that entry replaced (the writer clears
 * the slot after its store): then a stale entry is found where a current
 * one exists, and the caller computes a verdict it could have read.
 *
 * Context: under rcu_read_lock(); the result is valid only inside it.
 * Return: the entry (current or stale), or %NULL if none is cached.
 */
static inline struct iomem_dma_cached_verdict *
iomem_dma_verdict_entry(const struct iomem_dma_provider *prov,
			struct iomem_dma_client *client)
{
	struct iomem_dma_cached_verdict *cv;

	cv = rcu_dereference(client->vcache[prov->id % IOMEM_DMA_VCACHE]);
	if (likely(cv && cv->prov_id == prov->id))
		return cv;
	return xa_load(&client->verdicts, prov->id);
}

/**
 * iomem_dma_verdict_cached() - the cached verdict of a pair, if current
 * @prov: the provider.
 * @client: the client.
 * @gen: the generation the verdict must be of, from iomem_dma_generation().
 *
 * The hot paths' lookup (iomem_dma_verdict_entry()); nothing is copied or
 * computed.
 *
 * Context: under rcu_read_lock(); the result is valid only inside it.
 * Return: the verdict, or %NULL if none of @gen is cached (compute it with
 * iomem_dma_client_verdict()).
 */
static inline const struct iomem_dma_verdict *
iomem_dma_verdict_cached(const struct iomem_dma_provider *prov,
			 struct iomem_dma_client *client, u64 gen)
{
	struct iomem_dma_cached_verdict *cv;

	cv = iomem_dma_verdict_entry(prov, client);
	/* READ_ONCE: a refresh moves the generation of an entry in place. */
	return cv && READ_ONCE(cv->v.generation) == gen ? &cv->v : NULL;
}

/**
 * enum iomem_dma_walk - the walks over a provider's holders that act on
 *	one holder at a time, with no iomem_dma lock held while they act
 * @IOMEM_DMA_WALK_REVOKE: unregister's revoke callbacks; one pass (1) per
 *	provider, so a holder is revoked once however often it comes back.
 * @IOMEM_DMA_WALK_POLICY: the passes of iomem_dma_policy_revoke_denied().
 * @IOMEM_DMA_WALK_DRAIN: magazine drains, iomem_dma_provider_mags_drain().
 * @IOMEM_DMA_WALKS: the number of walks.
 */
enum iomem_dma_walk {
	IOMEM_DMA_WALK_REVOKE,
	IOMEM_DMA_WALK_POLICY,
	IOMEM_DMA_WALK_DRAIN,
	IOMEM_DMA_WALKS,
};

/**
 * struct iomem_dma_hold - accounting of what one client holds of one provider
 * @prov: the provider (not referenced: chunks keep it alive).
 * @client: the client (not referenced: chunks keep it alive).
 * @prov_node: entry in @prov->holders, under @prov->lock.
 * @bytes: bytes held, under @prov->lock.
 * @nr_chunks: allocations held, under @prov->lock; the hold is freed when
 *	it drops to zero.
 * @walk_pass: per &enum iomem_dma_walk, the last pass of that walk that
 *	looked at this hold, under @prov->lock; see iomem_dma_hold_next_locked().
 * @mapped: live mappings of this hold's allocations for @client. Every
 *	one was made under a verdict that allowed the pair, so a revoke pass
 *	that finds it non-zero while the pair is denied revokes the client:
 *	the decision rests on what is mapped, never on a cached verdict that
 *	a reader may have recomputed. Raised by a map before it rechecks the
 *	generation, see iomem_dma_map_sgtable().
 * @cached: allocations of @nr_chunks that sit in @client's magazines,
 *	under @client->mag_lock (read locklessly under @prov->lock).
 * @cached_bytes: their bytes, the same way.
 */
struct iomem_dma_hold {
	struct iomem_dma_provider *prov;
	struct iomem_dma_client *client;
	struct list_head prov_node;
	u64 bytes;
	unsigned long nr_chunks;
	u64 walk_pass[IOMEM_DMA_WALKS];
	atomic_long_t mapped;
	unsigned int cached;
	u64 cached_bytes;
};

struct iomem_dma_client *
iomem_dma_hold_next_locked(struct iomem_dma_provider *prov,
			   enum iomem_dma_walk walk, u64 pass, bool mapped_only);

/*
 * Sentinel for &iomem_dma_chunk.mapcount: the chunk is being freed and can
 * no longer be mapped.
 */
#define IOMEM_DMA_CHUNK_FREEING	(-1)

/**
 * struct iomem_dma_chunk - one allocation, backing one iomem sg entry
 * @id: index in iomem_dma_chunks; stored in the sg entry's offset.
 * @epoch: the id allocator's epoch when @id was handed out; stored in the
 *	sg entry's dma_flags and checked by every lookup, so that an id
 *	handed out again after the allocator wrapped names nothing a stale
 *	copy could reach.
 * @hold: the owner's accounting entry, which names the provider and the
 *	client (iomem_dma_chunk_prov(), iomem_dma_chunk_client()); both
 *	referenced for the allocation.
 * @phys: CPU physical address, which is also the address in the
 *	provider's pool (see iomem_dma_pool_create()); the CPU mapping is
 *	found from it (iomem_dma_chunk_vaddr()).
 * @size: bytes allocated (granule multiple; an entry's length is 32 bits).
 * @mapcount: number of live mappings, or %IOMEM_DMA_CHUNK_FREEING.
 *
 * Looked up under iomem_dma_chunk_lock() and freed at once: no RCU head,
 * and nothing that can be found from another field: 32 bytes on 64-bit,
 * the smallest kmalloc size that holds it.
 */
struct iomem_dma_chunk {
	u32 id;
	u32 epoch;
	struct iomem_dma_hold *hold;
	phys_addr_t phys;
	u32 size;
	atomic_t mapcount;
};

/* The provider of @chunk, referenced while it lives. */
static inline struct iomem_dma_provider *
iomem_dma_chunk_prov(const struct iomem_dma_chunk *chunk)
{
	return chunk->hold->prov;
}

/* The client that owns @chunk, referenced while it lives. */
static inline struct iomem_dma_client *
iomem_dma_chunk_client(const struct iomem_dma_chunk *chunk)
{
	return chunk->hold->client;
}

/* What the metadata figures in core.rst and README count on. */
static_assert(!IS_ENABLED(CONFIG_64BIT) ||
	      sizeof(struct iomem_dma_chunk) == 32);

void __iomem *iomem_dma_chunk_vaddr(const struct iomem_dma_chunk *chunk);

extern struct mutex iomem_dma_providers_lock;
extern struct mutex iomem_dma_clients_lock;
extern struct list_head iomem_dma_providers;
extern struct list_head iomem_dma_dying_providers;
extern struct list_head iomem_dma_clients;
extern struct xarray iomem_dma_chunks;
extern struct dentry *iomem_dma_debugfs_root;

/* core.c */
void iomem_dma_provider_release(struct kref *ref);
struct iomem_dma_client *iomem_dma_client_find(struct device *dev);
struct iomem_dma_client **iomem_dma_clients_get(unsigned int *n);
struct iomem_dma_provider **iomem_dma_providers_get(unsigned int *n);
bool iomem_dma_attachments_refresh(void);
void iomem_dma_client_put(struct iomem_dma_client *client);
extern atomic64_t iomem_dma_gen;

/*
 * The generation of verdicts: moves on every change of the policy, the
 * fabric or a registration (iomem_dma_generation_bump(), its one writer).
 * Inline: every map and every cached verdict reads it.
 */
static inline u64 iomem_dma_generation(void)
{
	return atomic64_read(&iomem_dma_gen);
}

void iomem_dma_generation_bump(void);
extern unsigned int iomem_dma_stall_report_ms;
extern atomic_t iomem_dma_stall_reports;

/*
 * Fault injection (CONFIG_IOMEM_DMA_FAULT_INJECTION) through the kernel's
 * framework (Documentation/fault-injection/): every step of the core that
 * can fail for want of kernel resources (an allocation, an id, a pool, a
 * sysfs entry) asks should_fail() of iomem_dma_fault_attr first. It is
 * off (probability 0) until set up in debugfs (iomem_dma/fail_iomem_dma/,
 * with the task filter and the per-task make-it-fail switch); the KUnit
 * suite iomem_dma_faults arms it for its own task to fail the Nth step and
 * walks N upwards. Without the option it is a constant false.
 */
#ifdef CONFIG_IOMEM_DMA_FAULT_INJECTION
#include <linux/fault-inject.h>

extern struct fault_attr iomem_dma_fault_attr;

static inline bool iomem_dma_should_fail(void)
{
	return should_fail(&iomem_dma_fault_attr, 1);
}
#else
static inline bool iomem_dma_should_fail(void)
{
	return false;
}
#endif

/* topology.c */
struct iomem_dma_node *iomem_dma_node_for_device(struct device *dev);
int iomem_dma_firmware_verdict(struct iomem_dma_provider *prov,
			       struct device *client, char *where, size_t len);
void iomem_dma_hw_verdict(struct iomem_dma_provider *prov,
			  const struct iomem_dma_node *pnode,
			  struct device *client,
			  const struct iomem_dma_node *cnode,
			  struct iomem_dma_verdict *v,
			  const struct iomem_dma_node **common_out);

/* Redirecting nodes an explanation names; more are counted, not named. */
#define IOMEM_DMA_ROUTE_MAX_REDIRECT	16

/**
 * struct iomem_dma_hw_route - what a hardware verdict read, for its text
 * @pnode: the provider's attachment node, or %NULL.
 * @cnode: the client's attachment node, or %NULL.
 * @common: the nearest common node, or %NULL.
 * @common_flags: @common's flags as the verdict read them.
 * @root: the root whose flags the verdict read (@common when it is a
 *	root, or the root above @common when an ACS redirect applied), or
 *	%NULL if the verdict did not look at a root.
 * @root_flags: @root's flags as the verdict read them.
 * @nr_redirect: nodes on the route whose ACS redirect applied (the
 *	verdict looked at ACS: @common routes peer traffic and is not a
 *	root); may exceed %IOMEM_DMA_ROUTE_MAX_REDIRECT.
 * @redirect: the first of them, in upstream P2PDMA's order: from @pnode
 *	up to and including @common, then from @cnode up to below @common.
 *
 * Filled by iomem_dma_hw_verdict_route() in the same pass as the verdict,
 * each node's flags read once, so that an explanation made from it
 * (iomem_dma_hw_route_explain()) agrees with the verdict whatever changes
 * meanwhile. The node pointers are valid as long as the caller's hold on
 * @pnode and @cnode (a reference, or the RCU read-side critical section
 * in which it read the attachments).
 */
struct iomem_dma_hw_route {
	const struct iomem_dma_node *pnode;
	const struct iomem_dma_node *cnode;
	const struct iomem_dma_node *common;
	unsigned long common_flags;
	const struct iomem_dma_node *root;
	unsigned long root_flags;
	unsigned int nr_redirect;
	const struct iomem_dma_node *redirect[IOMEM_DMA_ROUTE_MAX_REDIRECT];
};

struct seq_buf;
void iomem_dma_hw_verdict_route(struct iomem_dma_provider *prov,
				const struct iomem_dma_node *pnode,
				struct device *client,
				const struct iomem_dma_node *cnode,
				struct iomem_dma_verdict *v,
				struct iomem_dma_hw_route *route);
void iomem_dma_hw_route_explain(struct iomem_dma_provider *prov,
				struct device *client,
				const struct iomem_dma_hw_route *route,
				const struct iomem_dma_verdict *v,
				struct seq_buf *s);

/* policy.c */
void iomem_dma_client_verdict_forget(struct iomem_dma_client *client,
				     unsigned int prov_id);
#define IOMEM_DMA_RULE_MAX_LEN	256
#define IOMEM_DMA_MAX_RULES	1024
char *iomem_dma_stable_name(struct device *dev, gfp_t gfp);
void iomem_dma_verdict_compute(struct iomem_dma_provider *prov,
			       struct device *client,
			       struct iomem_dma_node *cnode,
			       const char *cname,
			       struct iomem_dma_verdict *v);
enum iomem_dma_path iomem_dma_client_path(struct iomem_dma_provider *prov,
					  struct iomem_dma_client *client);
void iomem_dma_client_verdict(struct iomem_dma_provider *prov,
			      struct iomem_dma_client *client,
			      struct iomem_dma_verdict *v);
void iomem_dma_verdict_compute_explained(struct iomem_dma_provider *prov,
					 struct device *client,
					 struct iomem_dma_node *cnode,
					 const char *cname,
					 struct iomem_dma_verdict *v,
					 struct seq_buf *s);
int iomem_dma_policy_add(const char *buf, size_t len, unsigned int *id);
int iomem_dma_policy_remove(const char *buf, size_t len);
int iomem_dma_policy_show(char *buf, size_t size);
int iomem_dma_policy_replace(const char *buf, size_t len, unsigned int *count);
int iomem_dma_policy_get(unsigned int min_id, unsigned int *id, char *buf,
			 size_t size);
struct seq_file;
void iomem_dma_policy_seq_show(struct seq_file *s);
void iomem_dma_policy_clear(void);
unsigned int iomem_dma_policy_count(void);
void iomem_dma_policy_init(void);
int iomem_dma_policy_revoke_denied(void);
int iomem_dma_policy_revoke_denied_by(int cause);

/* map.c */
bool iomem_dma_bus_range_ok(struct device *dev, dma_addr_t addr, size_t len);

/* dmabuf.c, heap.c */
struct iomem_dma_heap;
struct seq_file;
#ifdef CONFIG_IOMEM_DMA_DMABUF
void iomem_dma_buf_recheck(int cause);
struct dma_buf *iomem_dma_buf_export_charged(struct iomem_dma_provider *prov,
					     size_t size, int flags,
					     struct iomem_dma_heap *heap,
					     size_t charged);
extern atomic_t iomem_dma_buf_refusals;
#else
static inline void iomem_dma_buf_recheck(int cause) { }
#endif
#ifdef CONFIG_IOMEM_DMA_HEAPS
int iomem_dma_heap_set_limit(struct iomem_dma_provider *prov, u64 limit);
u64 iomem_dma_heap_limit(struct iomem_dma_provider *prov);
void iomem_dma_heap_provider_gone(struct iomem_dma_provider *prov);
void iomem_dma_heap_uncharge(struct iomem_dma_heap *h, size_t bytes);
void iomem_dma_heap_show(struct seq_file *s);
struct iomem_dma_heap *iomem_dma_heap_of(struct iomem_dma_provider *prov);
struct dma_buf *iomem_dma_heap_alloc(struct iomem_dma_heap *h,
				     unsigned long len, u32 fd_flags);
#else
static inline int iomem_dma_heap_set_limit(struct iomem_dma_provider *prov,
					   u64 limit)
{
	return limit ? -EOPNOTSUPP : 0;
}

static inline u64 iomem_dma_heap_limit(struct iomem_dma_provider *prov)
{
	return 0;
}

static inline void iomem_dma_heap_provider_gone(struct iomem_dma_provider *prov) { }
static inline void iomem_dma_heap_uncharge(struct iomem_dma_heap *h,
					   size_t bytes) { }
static inline void iomem_dma_heap_show(struct seq_file *s) { }
#endif
void iomem_dma_policy_revoke_later(bool reattach);
void iomem_dma_policy_revoke_flush(void);
bool iomem_dma_client_revoke(struct iomem_dma_client *client,
			     struct iomem_dma_provider *prov, int cause);
bool iomem_dma_client_verdict_now(struct iomem_dma_provider *prov,
				  struct iomem_dma_client *client,
				  struct iomem_dma_verdict *v);
int iomem_dma_verdict_explain(struct iomem_dma_provider *prov,
			      struct iomem_dma_client *client,
			      struct iomem_dma_verdict *v,
			      char *buf, size_t size);
extern atomic_t iomem_dma_denial_logs;

/* sysfs.c */
int iomem_dma_sysfs_init(void);
int iomem_dma_sysfs_add_provider(struct iomem_dma_provider *prov);
void iomem_dma_sysfs_remove_provider(struct iomem_dma_provider *prov);
int iomem_dma_set_preference(struct iomem_dma_provider *prov, const char *buf,
			     size_t len);

/* admin.c */
struct iomem_dma_client_info;
struct iomem_dma_query;
bool iomem_dma_policy_may_write(const struct file *file);
bool iomem_dma_locked_down(void);
int iomem_dma_verdict_format(const char *client,
			     const struct iomem_dma_verdict *v,
			     char *buf, size_t size);
int iomem_dma_admin_add(const struct file *filp, const char *buf, size_t len,
			unsigned int *id);
int iomem_dma_admin_remove(const struct file *filp, unsigned int id);
int iomem_dma_admin_replace(const struct file *filp, const char *buf,
			    size_t len, unsigned int *count);
int iomem_dma_admin_rescan(const struct file *filp);
int iomem_dma_admin_query(struct iomem_dma_query *q);
int iomem_dma_admin_client(struct iomem_dma_client_info *ci);

/* alloc.c */
int iomem_dma_pool_create(struct iomem_dma_provider *prov);
void iomem_dma_pool_destroy(struct iomem_dma_provider *prov);
void iomem_dma_debugfs_init(void);
void iomem_dma_client_mags_drain(struct iomem_dma_client *client,
				 struct iomem_dma_provider *prov);
void iomem_dma_provider_mags_drain(struct iomem_dma_provider *prov);
extern bool iomem_dma_magazines;

/* sg.c */
void iomem_dma_report_misuse(const char *what, const struct scatterlist *sg,
			     unsigned long caller);
extern atomic_t iomem_dma_misuse_reports;

/*
 * dma_flags of an iomem entry: bit 15 marks it; bits 2 to 14 and 16 to 31
 * hold the 29-bit epoch of its allocation's id (the DMA API owns bits 0
 * and 1: SG_DMA_BUS_ADDRESS, SG_DMA_SWIOTLB).
 */
#define IOMEM_DMA_SG_IOMEM	BIT(15)
#define IOMEM_DMA_SG_EPOCH_LO	GENMASK(14, 2)
#define IOMEM_DMA_SG_EPOCH_HI	GENMASK(31, 16)
#define IOMEM_DMA_EPOCH_BITS	29
#define IOMEM_DMA_EPOCH_MASK	GENMASK(IOMEM_DMA_EPOCH_BITS - 1, 0)
/*
 * The low bits of an epoch count the reuses of one allocation from its
 * client's magazine; the id allocator's own epoch moves in steps of
 * IOMEM_DMA_EPOCH_REUSE, so every reuse still names a new pair.
 */
#define IOMEM_DMA_EPOCH_REUSE	16U

static inline unsigned int iomem_dma_sg_epoch_flags(u32 epoch)
{
	return FIELD_PREP(IOMEM_DMA_SG_EPOCH_LO, epoch) |
	       FIELD_PREP(IOMEM_DMA_SG_EPOCH_HI, epoch >> 13);
}

static inline u32 iomem_dma_sg_epoch(const struct scatterlist *sg)
{
	return FIELD_GET(IOMEM_DMA_SG_EPOCH_LO, sg->dma_flags) |
	       FIELD_GET(IOMEM_DMA_SG_EPOCH_HI, sg->dma_flags) << 13;
}

/* iomem_dma_sg_is_iomem(), inline for the subsystem's own hot paths. */
static inline bool iomem_dma_entry_is_iomem(const struct scatterlist *sg)
{
	return sg && !(sg->page_link & ~(SG_CHAIN | SG_END)) &&
	       (sg->dma_flags & IOMEM_DMA_SG_IOMEM) && sg->offset;
}

/* Make @sg an iomem entry naming @chunk's id, @len bytes, unmapped. */
static inline void iomem_dma_sg_set_chunk(struct scatterlist *sg,
					  struct iomem_dma_chunk *chunk,
					  unsigned int len)
{
	sg->page_link &= SG_CHAIN | SG_END;
	sg->offset = chunk->id;
	sg->length = len;
	sg->dma_address = 0;
	sg_dma_len(sg) = 0;
	sg->dma_flags = IOMEM_DMA_SG_IOMEM |
			iomem_dma_sg_epoch_flags(chunk->epoch);
}

/* An entry that names nothing: no page, no length, no marks but the chain. */
static inline void iomem_dma_sg_clear(struct scatterlist *sg)
{
	sg->page_link &= SG_CHAIN | SG_END;
	sg->offset = 0;
	sg->length = 0;
	sg->dma_address = 0;
	sg_dma_len(sg) = 0;
	sg->dma_flags = 0;
}

/*
 * Lookups of allocations and their frees meet on one of these locks,
 * chosen by the allocation's index: a free takes its index out of
 * iomem_dma_chunks under it, so once the free holds it no lookup can still
 * be looking at the allocation, which is then freed at once (no RCU grace
 * period per allocation). Neighbouring indexes use different locks. The
 * helpers are inline: every map, unmap and free of an entry goes through
 * them.
 */
#define IOMEM_DMA_CHUNK_LOCKS	64
extern spinlock_t iomem_dma_chunk_locks[IOMEM_DMA_CHUNK_LOCKS];

static inline spinlock_t *iomem_dma_chunk_lock_of(u32 index)
{
	return &iomem_dma_chunk_locks[index % IOMEM_DMA_CHUNK_LOCKS];
}

/**
 * iomem_dma_chunk_lock() - hold the allocation an iomem entry names
 * @sg: any entry.
 *
 * Until iomem_dma_chunk_unlock(@sg), iomem_dma_chunk_lookup(@sg) may be
 * called and its result used: the allocation cannot be freed meanwhile.
 * Hold it briefly; nothing that sleeps in between.
 */
static inline void iomem_dma_chunk_lock(const struct scatterlist *sg)
	__acquires(chunk_lock)
{
	spin_lock(iomem_dma_chunk_lock_of(sg->offset));
}

/**
 * iomem_dma_chunk_unlock() - end iomem_dma_chunk_lock()
 * @sg: the entry given to it.
 */
static inline void iomem_dma_chunk_unlock(const struct scatterlist *sg)
	__releases(chunk_lock)
{
	spin_unlock(iomem_dma_chunk_lock_of(sg->offset));
}

/**
 * iomem_dma_chunk_lookup() - the allocation an iomem entry names
 * @sg: the entry, under iomem_dma_chunk_lock(@sg).
 *
 * Also %NULL for a stale copy whose index was handed out again (the
 * epoch differs).
 *
 * Return: the allocation, valid only until iomem_dma_chunk_unlock(@sg)
 * unless the caller owns or pinned it; or %NULL.
 */
static inline struct iomem_dma_chunk *
iomem_dma_chunk_lookup(const struct scatterlist *sg)
{
	struct iomem_dma_chunk *chunk;

	if (!iomem_dma_entry_is_iomem(sg))
		return NULL;
	lockdep_assert_held(iomem_dma_chunk_lock_of(sg->offset));
	chunk = xa_load(&iomem_dma_chunks, sg->offset);
	if (chunk && chunk->epoch != iomem_dma_sg_epoch(sg))
		return NULL;
	return chunk;
}

/* Does @sg, an entry naming @chunk, stay inside the allocation? */
static inline bool iomem_dma_chunk_covers(const struct iomem_dma_chunk *chunk,
					  const struct scatterlist *sg)
{
	return sg->length && sg->length <= chunk->size;
}

/*
 * Allocation indexes, stored in an iomem entry's offset. sg_virt() and
 * page_address(sg_page()) + offset of an entry give page_address(NULL)
 * plus the index: the guard (sg.c) reserves that range. On 64-bit it
 * covers every 32-bit index and length; 32-bit kernels use 16-bit
 * indexes (the epoch keeps a pair from coming back for 2^45
 * allocations) and a guard of 1 MiB past the last index.
 */
#ifdef CONFIG_64BIT
#define IOMEM_DMA_ID_MAX	U32_MAX
#define IOMEM_DMA_GUARD_SPAN	(2 * ((unsigned long)U32_MAX + 1))
#else
#define IOMEM_DMA_ID_MAX	0xffffU
#define IOMEM_DMA_GUARD_SPAN	(0x10000UL + SZ_1M)
#endif

/**
 * enum iomem_dma_guard_state - what protects page_address(NULL) + index
 * @IOMEM_DMA_GUARD_NONE: nothing; the kernel could not place the guard.
 * @IOMEM_DMA_GUARD_RESERVED: the range is a vmalloc area of ours that is
 *	never mapped, so an access faults.
 * @IOMEM_DMA_GUARD_UNREACHABLE: the range lies where the kernel can never
 *	have a mapping (UML: the host kernel's half of the address space;
 *	the gap between the linear map and the vmalloc area).
 * @IOMEM_DMA_GUARD_NULL_PAGE: page_address(NULL) itself dereferences the
 *	NULL page (highmem, classic sparsemem): an oops at the NULL page.
 */
enum iomem_dma_guard_state {
	IOMEM_DMA_GUARD_NONE,
	IOMEM_DMA_GUARD_RESERVED,
	IOMEM_DMA_GUARD_UNREACHABLE,
	IOMEM_DMA_GUARD_NULL_PAGE,
};

extern enum iomem_dma_guard_state iomem_dma_guard_state;
extern unsigned long iomem_dma_guard_start, iomem_dma_guard_end;
void __init iomem_dma_sg_guard_init(void);

#endif /* _IOMEM_DMA_INTERNAL_H */
