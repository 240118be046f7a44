/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Trace events of iomem_dma: providers and clients coming and going,
 * allocations, verdicts computed, maps, refusals, revokes and rule
 * changes. Documentation/driver-api/iomem_dma/tracing.rst.
 *
 * No event records a CPU physical address of I/O memory: map events give
 * entries, bytes and paths, not sg_phys() (which is meaningless for an
 * entry without a page).
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM iomem_dma

#if !defined(_TRACE_IOMEM_DMA_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TRACE_IOMEM_DMA_H

#include <linux/tracepoint.h>

struct iomem_dma_provider;
struct iomem_dma_client;
struct iomem_dma_verdict;

/* Why a revoke was made. */
#define IOMEM_DMA_TRACE_CAUSE_RULE	0	/* an administrator's rule change */
#define IOMEM_DMA_TRACE_CAUSE_GONE	1	/* the provider is going away */
#define IOMEM_DMA_TRACE_CAUSE_FABRIC	2	/* topology, firmware or rescan */

#define iomem_dma_trace_cause(c)					\
	__print_symbolic(c, { IOMEM_DMA_TRACE_CAUSE_RULE, "policy" },	\
			 { IOMEM_DMA_TRACE_CAUSE_GONE, "provider_gone" },	\
			 { IOMEM_DMA_TRACE_CAUSE_FABRIC, "fabric" })

TRACE_EVENT(iomem_dma_provider_register,
	TP_PROTO(const char *name, const char *dev, u64 size,
		 unsigned int granule_order),
	TP_ARGS(name, dev, size, granule_order),
	TP_STRUCT__entry(
		__string(provider, name)
		__string(device, dev)
		__field(u64, size)
		__field(unsigned int, granule)
	),
	TP_fast_assign(
		__assign_str(provider);
		__assign_str(device);
		__entry->size = size;
		__entry->granule = 1U << granule_order;
	),
	TP_printk("provider=%s device=%s size=%llu granule=%u",
		  __get_str(provider), __get_str(device), __entry->size,
		  __entry->granule)
);

TRACE_EVENT(iomem_dma_provider_unregister,
	TP_PROTO(const char *name, u64 waited_us),
	TP_ARGS(name, waited_us),
	TP_STRUCT__entry(
		__string(provider, name)
		__field(u64, waited_us)
	),
	TP_fast_assign(
		__assign_str(provider);
		__entry->waited_us = waited_us;
	),
	TP_printk("provider=%s waited_us=%llu", __get_str(provider),
		  __entry->waited_us)
);

DECLARE_EVENT_CLASS(iomem_dma_client_class,
	TP_PROTO(const char *name),
	TP_ARGS(name),
	TP_STRUCT__entry(
		__string(client, name)
	),
	TP_fast_assign(
		__assign_str(client);
	),
	TP_printk("client=%s", __get_str(client))
);

DEFINE_EVENT(iomem_dma_client_class, iomem_dma_client_register,
	TP_PROTO(const char *name),
	TP_ARGS(name)
);

DEFINE_EVENT(iomem_dma_client_class, iomem_dma_client_unregister,
	TP_PROTO(const char *name),
	TP_ARGS(name)
);

DECLARE_EVENT_CLASS(iomem_dma_alloc_class,
	TP_PROTO(const char *prov, const char *client, u64 size,
		 unsigned int granule_order, int err),
	TP_ARGS(prov, client, size, granule_order, err),
	TP_STRUCT__entry(
		__string(provider, prov)
		__string(client, client)
		__field(u64, size)
		__field(unsigned int, granule)
		__field(int, err)
	),
	TP_fast_assign(
		__assign_str(provider);
		__assign_str(client);
		__entry->size = size;
		__entry->granule = 1U << granule_order;
		__entry->err = err;
	),
	TP_printk("provider=%s client=%s size=%llu granule=%u err=%d",
		  __get_str(provider), __get_str(client), __entry->size,
		  __entry->granule, __entry->err)
);

/* One allocation made (one scatterlist entry's memory). */
DEFINE_EVENT(iomem_dma_alloc_class, iomem_dma_alloc,
	TP_PROTO(const char *prov, const char *client, u64 size,
		 unsigned int granule_order, int err),
	TP_ARGS(prov, client, size, granule_order, err)
);

/* A request of the client API that failed, with its errno. */
DEFINE_EVENT(iomem_dma_alloc_class, iomem_dma_alloc_fail,
	TP_PROTO(const char *prov, const char *client, u64 size,
		 unsigned int granule_order, int err),
	TP_ARGS(prov, client, size, granule_order, err)
);

DEFINE_EVENT(iomem_dma_alloc_class, iomem_dma_free,
	TP_PROTO(const char *prov, const char *client, u64 size,
		 unsigned int granule_order, int err),
	TP_ARGS(prov, client, size, granule_order, err)
);

/* A verdict computed (not read from a cache). */
TRACE_EVENT(iomem_dma_verdict,
	TP_PROTO(const char *prov, const char *client, const char *path,
		 const char *reason, int distance, unsigned int rule,
		 const char *node),
	TP_ARGS(prov, client, path, reason, distance, rule, node),
	TP_STRUCT__entry(
		__string(provider, prov)
		__string(client, client)
		__string(path, path)
		__string(reason, reason)
		__field(int, distance)
		__field(unsigned int, rule)
		__string(node, node)
	),
	TP_fast_assign(
		__assign_str(provider);
		__assign_str(client);
		__assign_str(path);
		__assign_str(reason);
		__entry->distance = distance;
		__entry->rule = rule;
		__assign_str(node);
	),
	TP_printk("provider=%s client=%s path=%s reason=\"%s\" distance=%d rule=%u node=%s",
		  __get_str(provider), __get_str(client), __get_str(path),
		  __get_str(reason), __entry->distance, __entry->rule,
		  __get_str(node))
);

DECLARE_EVENT_CLASS(iomem_dma_map_class,
	TP_PROTO(const char *client, unsigned int entries, u64 bytes,
		 unsigned int bus, unsigned int host, int err),
	TP_ARGS(client, entries, bytes, bus, host, err),
	TP_STRUCT__entry(
		__string(client, client)
		__field(unsigned int, entries)
		__field(u64, bytes)
		__field(unsigned int, bus)
		__field(unsigned int, host)
		__field(int, err)
	),
	TP_fast_assign(
		__assign_str(client);
		__entry->entries = entries;
		__entry->bytes = bytes;
		__entry->bus = bus;
		__entry->host = host;
		__entry->err = err;
	),
	TP_printk("client=%s entries=%u bytes=%llu bus=%u host=%u ram=%u err=%d",
		  __get_str(client), __entry->entries, __entry->bytes,
		  __entry->bus, __entry->host,
		  __entry->entries - __entry->bus - __entry->host, __entry->err)
);

/* A table mapped (err 0), or a map that failed with err. */
DEFINE_EVENT(iomem_dma_map_class, iomem_dma_map,
	TP_PROTO(const char *client, unsigned int entries, u64 bytes,
		 unsigned int bus, unsigned int host, int err),
	TP_ARGS(client, entries, bytes, bus, host, err)
);

DEFINE_EVENT(iomem_dma_map_class, iomem_dma_unmap,
	TP_PROTO(const char *client, unsigned int entries, u64 bytes,
		 unsigned int bus, unsigned int host, int err),
	TP_ARGS(client, entries, bytes, bus, host, err)
);

/* An entry the policy refused to map: who, why, which rule. */
TRACE_EVENT(iomem_dma_refuse,
	TP_PROTO(const char *prov, const char *client, const char *reason,
		 unsigned int rule, const char *node),
	TP_ARGS(prov, client, reason, rule, node),
	TP_STRUCT__entry(
		__string(provider, prov)
		__string(client, client)
		__string(reason, reason)
		__field(unsigned int, rule)
		__string(node, node)
	),
	TP_fast_assign(
		__assign_str(provider);
		__assign_str(client);
		__assign_str(reason);
		__entry->rule = rule;
		__assign_str(node);
	),
	TP_printk("provider=%s client=%s reason=\"%s\" rule=%u node=%s",
		  __get_str(provider), __get_str(client), __get_str(reason),
		  __entry->rule, __get_str(node))
);

/* A client's revoke callback for a provider returned. */
TRACE_EVENT(iomem_dma_revoke,
	TP_PROTO(const char *prov, const char *client, int cause,
		 u64 waited_us),
	TP_ARGS(prov, client, cause, waited_us),
	TP_STRUCT__entry(
		__string(provider, prov)
		__string(client, client)
		__field(int, cause)
		__field(u64, waited_us)
	),
	TP_fast_assign(
		__assign_str(provider);
		__assign_str(client);
		__entry->cause = cause;
		__entry->waited_us = waited_us;
	),
	TP_printk("provider=%s client=%s cause=%s waited_us=%llu",
		  __get_str(provider), __get_str(client),
		  iomem_dma_trace_cause(__entry->cause), __entry->waited_us)
);

/* An exported dma-buf revoked; importers were told, unmaps waited for. */
TRACE_EVENT(iomem_dma_buf_revoke,
	TP_PROTO(unsigned long ino, const char *prov, int cause,
		 const char *why, u64 waited_us),
	TP_ARGS(ino, prov, cause, why, waited_us),
	TP_STRUCT__entry(
		__field(unsigned long, ino)
		__string(provider, prov)
		__field(int, cause)
		__string(why, why)
		__field(u64, waited_us)
	),
	TP_fast_assign(
		__entry->ino = ino;
		__assign_str(provider);
		__entry->cause = cause;
		__assign_str(why);
		__entry->waited_us = waited_us;
	),
	TP_printk("inode=%lu provider=%s cause=%s why=\"%s\" waited_us=%llu",
		  __entry->ino, __get_str(provider),
		  iomem_dma_trace_cause(__entry->cause), __get_str(why),
		  __entry->waited_us)
);

TRACE_EVENT(iomem_dma_rule_add,
	TP_PROTO(unsigned int id, const char *text),
	TP_ARGS(id, text),
	TP_STRUCT__entry(
		__field(unsigned int, id)
		__string(rule, text)
	),
	TP_fast_assign(
		__entry->id = id;
		__assign_str(rule);
	),
	TP_printk("id=%u rule=\"%s\"", __entry->id, __get_str(rule))
);

TRACE_EVENT(iomem_dma_rule_remove,
	TP_PROTO(unsigned int id),
	TP_ARGS(id),
	TP_STRUCT__entry(
		__field(unsigned int, id)
	),
	TP_fast_assign(
		__entry->id = id;
	),
	TP_printk("id=%u", __entry->id)
);

#endif /* _TRACE_IOMEM_DMA_H */

/* This part must be outside protection */
#include <trace/define_trace.h>
