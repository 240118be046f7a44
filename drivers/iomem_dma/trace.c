// SPDX-License-Identifier: GPL-2.0-only
/*
 * The iomem_dma trace events (include/trace/events/iomem_dma.h), defined
 * here once; exported for probes in test modules.
 */

#define CREATE_TRACE_POINTS
#include <trace/events/iomem_dma.h>

EXPORT_TRACEPOINT_SYMBOL_GPL(iomem_dma_provider_register);
EXPORT_TRACEPOINT_SYMBOL_GPL(iomem_dma_provider_unregister);
EXPORT_TRACEPOINT_SYMBOL_GPL(iomem_dma_client_register);
EXPORT_TRACEPOINT_SYMBOL_GPL(iomem_dma_client_unregister);
EXPORT_TRACEPOINT_SYMBOL_GPL(iomem_dma_alloc);
EXPORT_TRACEPOINT_SYMBOL_GPL(iomem_dma_alloc_fail);
EXPORT_TRACEPOINT_SYMBOL_GPL(iomem_dma_free);
EXPORT_TRACEPOINT_SYMBOL_GPL(iomem_dma_verdict);
EXPORT_TRACEPOINT_SYMBOL_GPL(iomem_dma_map);
EXPORT_TRACEPOINT_SYMBOL_GPL(iomem_dma_unmap);
EXPORT_TRACEPOINT_SYMBOL_GPL(iomem_dma_refuse);
EXPORT_TRACEPOINT_SYMBOL_GPL(iomem_dma_revoke);
EXPORT_TRACEPOINT_SYMBOL_GPL(iomem_dma_buf_revoke);
EXPORT_TRACEPOINT_SYMBOL_GPL(iomem_dma_rule_add);
EXPORT_TRACEPOINT_SYMBOL_GPL(iomem_dma_rule_remove);
