/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * iomem_dma: DMA to and from I/O memory, client interface.
 *
 * This header is for drivers of DMA masters ("clients") that allocate I/O
 * memory from a provider and program their hardware with it. Drivers that
 * expose I/O memory, and bus backends, use <linux/iomem_dma_provider.h>.
 */
#ifndef _LINUX_IOMEM_DMA_H
#define _LINUX_IOMEM_DMA_H

#include <linux/dma-direction.h>
#include <linux/err.h>
#include <linux/scatterlist.h>
#include <linux/types.h>

struct device;
struct iomem_dma_client;
struct iomem_dma_provider;

/**
 * enum iomem_dma_path - how a client reaches a provider's memory
 * @IOMEM_DMA_PATH_DENIED: the pair may not do peer-to-peer DMA.
 * @IOMEM_DMA_PATH_BUS: the client uses the provider's bus address directly;
 *	the traffic does not leave the common switch or bus.
 * @IOMEM_DMA_PATH_HOST: the traffic goes through the host bridge or the
 *	client's IOMMU; the address comes from dma_map_resource().
 */
enum iomem_dma_path {
	IOMEM_DMA_PATH_DENIED,
	IOMEM_DMA_PATH_BUS,
	IOMEM_DMA_PATH_HOST,
};

/**
 * enum iomem_dma_reason - why a verdict came out the way it did
 * @IOMEM_DMA_REASON_SAME_DEVICE: provider and client are the same device.
 * @IOMEM_DMA_REASON_COMMON_NODE: a common fabric node routes peer traffic.
 * @IOMEM_DMA_REASON_HOST_ALLOWED: the common node is a host bridge that
 *	is allowed to route peer traffic.
 * @IOMEM_DMA_REASON_NO_COMMON_NODE: the two devices share no fabric node.
 * @IOMEM_DMA_REASON_HOST_NOT_ALLOWED: the traffic would cross a host bridge
 *	that is not known to route peer traffic.
 * @IOMEM_DMA_REASON_ACS_REDIRECT: a port on the path redirects peer
 *	requests upstream, and the host bridge there does not route them.
 * @IOMEM_DMA_REASON_NO_ROUTING: the common node does not route peer
 *	traffic between its children.
 * @IOMEM_DMA_REASON_CLIENT_NOT_ON_FABRIC: no backend knows where the client
 *	sits.
 * @IOMEM_DMA_REASON_PROVIDER_NOT_ON_FABRIC: the provider was registered
 *	without a place in the fabric.
 * @IOMEM_DMA_REASON_PROVIDER_GONE: the provider is being unregistered.
 * @IOMEM_DMA_REASON_ACS_VIA_HOST: a port on the path redirects peer
 *	requests upstream and the host bridge routes them.
 * @IOMEM_DMA_REASON_RULE_DENY: an administrator rule denies the pair.
 * @IOMEM_DMA_REASON_RULE_ALLOW: an administrator rule allows a pair the
 *	fabric does not route by itself; traffic goes through the host.
 * @IOMEM_DMA_REASON_RULE_FORCED: a rule with "force" overrides a hardware
 *	"no" (ACS redirect, a bus that does not route); the kernel is tainted.
 * @IOMEM_DMA_REASON_NEEDS_FORCE: an allow rule matches, but the hardware
 *	says no and the rule lacks "force".
 * @IOMEM_DMA_REASON_FW_DENY: a firmware statement (devicetree
 *	"peer-dma-deny") denies the pair; @node says where.
 * @IOMEM_DMA_REASON_FW_ALLOW: a firmware statement (devicetree
 *	"peer-dma-allow") allows a pair the fabric does not route by itself;
 *	traffic goes through the host. @node says where.
 * @IOMEM_DMA_REASON_MAX: number of reasons.
 */
enum iomem_dma_reason {
	IOMEM_DMA_REASON_SAME_DEVICE,
	IOMEM_DMA_REASON_COMMON_NODE,
	IOMEM_DMA_REASON_HOST_ALLOWED,
	IOMEM_DMA_REASON_NO_COMMON_NODE,
	IOMEM_DMA_REASON_HOST_NOT_ALLOWED,
	IOMEM_DMA_REASON_ACS_REDIRECT,
	IOMEM_DMA_REASON_NO_ROUTING,
	IOMEM_DMA_REASON_CLIENT_NOT_ON_FABRIC,
	IOMEM_DMA_REASON_PROVIDER_NOT_ON_FABRIC,
	IOMEM_DMA_REASON_PROVIDER_GONE,
	IOMEM_DMA_REASON_ACS_VIA_HOST,
	IOMEM_DMA_REASON_RULE_DENY,
	IOMEM_DMA_REASON_RULE_ALLOW,
	IOMEM_DMA_REASON_RULE_FORCED,
	IOMEM_DMA_REASON_NEEDS_FORCE,
	IOMEM_DMA_REASON_FW_DENY,
	IOMEM_DMA_REASON_FW_ALLOW,
	IOMEM_DMA_REASON_MAX
};

#define IOMEM_DMA_NODE_NAME_LEN	64

/**
 * enum iomem_dma_iommu - what translates the client's DMA
 * @IOMEM_DMA_IOMMU_NONE: no IOMMU; DMA addresses are bus addresses.
 * @IOMEM_DMA_IOMMU_IDENTITY: an IOMMU in identity (passthrough) mode.
 * @IOMEM_DMA_IOMMU_TRANSLATING: the client's DMA goes through IOMMU page
 *	tables (a DMA or blocking domain); only addresses mapped in them
 *	reach memory.
 */
enum iomem_dma_iommu {
	IOMEM_DMA_IOMMU_NONE,
	IOMEM_DMA_IOMMU_IDENTITY,
	IOMEM_DMA_IOMMU_TRANSLATING,
};

/**
 * enum iomem_dma_iommu_path - what the IOMMU did to a bus-path verdict
 * @IOMEM_DMA_IOMMU_PATH_UNCHANGED: nothing: not a bus path, or no
 *	translating IOMMU and no rule option.
 * @IOMEM_DMA_IOMMU_PATH_KEPT: the fabric routes the pair by bus address,
 *	but the traffic goes through the client's IOMMU or host bridge
 *	(%IOMEM_DMA_PATH_HOST): the IOMMU translates, or an allow rule with
 *	"iommu" says so.
 * @IOMEM_DMA_IOMMU_PATH_BYPASSED: an allow rule with "bus" keeps the bus
 *	address although the client's IOMMU translates.
 */
enum iomem_dma_iommu_path {
	IOMEM_DMA_IOMMU_PATH_UNCHANGED,
	IOMEM_DMA_IOMMU_PATH_KEPT,
	IOMEM_DMA_IOMMU_PATH_BYPASSED,
};

/**
 * struct iomem_dma_verdict - the answer to "may this client reach this memory?"
 * @path: how, or %IOMEM_DMA_PATH_DENIED.
 * @reason: why.
 * @distance: hops between the two devices through the deciding node, or -1
 *	when they share no node.
 * @node: name of the fabric node that decided (empty if none).
 * @rule: id of the administrator rule that decided, 0 if none did.
 * @iommu: the client's IOMMU when the verdict was computed.
 * @iommu_path: what the IOMMU, or a rule's "iommu" or "bus" option, did
 *	to a path the fabric would take by bus address.
 * @generation: topology and policy generation the verdict was computed in.
 */
struct iomem_dma_verdict {
	enum iomem_dma_path path;
	enum iomem_dma_reason reason;
	int distance;
	unsigned int rule;
	enum iomem_dma_iommu iommu;
	enum iomem_dma_iommu_path iommu_path;
	char node[IOMEM_DMA_NODE_NAME_LEN];
	u64 generation;
};

/**
 * struct iomem_dma_client_ops - callbacks of a client
 * @revoke: mandatory. The provider @prov is going away, or a policy or
 *	topology change denies the pair while @client has memory of @prov
 *	mapped. The client must stop DMA to all memory it holds from @prov,
 *	unmap it and free it, now or soon after (the provider's unregister
 *	waits for that). Called from the revoking thread, without iomem_dma
 *	locks held; may sleep. Must not call iomem_dma_provider_unregister()
 *	or iomem_dma_client_unregister().
 */
struct iomem_dma_client_ops {
	void (*revoke)(struct iomem_dma_client *client,
		       struct iomem_dma_provider *prov, void *priv);
};

struct iomem_dma_client *
iomem_dma_client_register(struct device *dev,
			  const struct iomem_dma_client_ops *ops, void *priv);
int iomem_dma_client_unregister(struct iomem_dma_client *client);
bool iomem_dma_is_client(struct device *dev);
struct device *iomem_dma_client_dev(const struct iomem_dma_client *client);

struct iomem_dma_provider *iomem_dma_find(struct device *const *clients,
					  unsigned int num_clients);
struct iomem_dma_provider *iomem_dma_provider_get_by_name(const char *name);
void iomem_dma_provider_put(struct iomem_dma_provider *prov);
const char *iomem_dma_provider_name(const struct iomem_dma_provider *prov);
size_t iomem_dma_provider_size(const struct iomem_dma_provider *prov);
size_t iomem_dma_provider_avail(struct iomem_dma_provider *prov);

int iomem_dma_check(struct iomem_dma_provider *prov, struct device *client,
		    struct iomem_dma_verdict *verdict);
const char *iomem_dma_reason_str(enum iomem_dma_reason reason);
const char *iomem_dma_path_str(enum iomem_dma_path path);

int iomem_dma_alloc_sg(struct iomem_dma_client *client,
		       struct iomem_dma_provider *prov, struct scatterlist *sg,
		       size_t size, size_t align);
int iomem_dma_free_sg(struct iomem_dma_client *client, struct scatterlist *sg);
int iomem_dma_alloc_sgt(struct iomem_dma_client *client,
			struct iomem_dma_provider *prov, struct sg_table *sgt,
			size_t size, gfp_t gfp);
int iomem_dma_free_sgt(struct iomem_dma_client *client, struct sg_table *sgt);

bool iomem_dma_sg_is_iomem(const struct scatterlist *sg);
struct page *iomem_dma_sg_page(struct scatterlist *sg);
void *iomem_dma_sg_virt(struct scatterlist *sg);
void __iomem *iomem_dma_sg_iomem(struct scatterlist *sg);
struct iomem_dma_provider *iomem_dma_sg_provider(struct scatterlist *sg);
int iomem_dma_sg_copy_to(struct scatterlist *sg, size_t skip,
			 const void *buf, size_t len);
int iomem_dma_sg_copy_from(struct scatterlist *sg, size_t skip,
			   void *buf, size_t len);

int iomem_dma_map_sgtable(struct iomem_dma_client *client, struct sg_table *sgt,
			  enum dma_data_direction dir, unsigned long attrs);
void iomem_dma_unmap_sgtable(struct iomem_dma_client *client,
			     struct sg_table *sgt, enum dma_data_direction dir,
			     unsigned long attrs);
void iomem_dma_sync_sgtable_for_cpu(struct iomem_dma_client *client,
				    struct sg_table *sgt,
				    enum dma_data_direction dir);
void iomem_dma_sync_sgtable_for_device(struct iomem_dma_client *client,
				       struct sg_table *sgt,
				       enum dma_data_direction dir);
int iomem_dma_last_refusal(struct iomem_dma_client *client,
			   struct iomem_dma_verdict *verdict);

struct dma_buf;
#ifdef CONFIG_IOMEM_DMA_DMABUF
struct dma_buf *iomem_dma_buf_export(struct iomem_dma_provider *prov,
				     size_t size, int flags);
struct iomem_dma_provider *iomem_dma_buf_provider(struct dma_buf *dmabuf);
#else
static inline struct dma_buf *
iomem_dma_buf_export(struct iomem_dma_provider *prov, size_t size, int flags)
{
	return ERR_PTR(-EOPNOTSUPP);
}

static inline struct iomem_dma_provider *
iomem_dma_buf_provider(struct dma_buf *dmabuf)
{
	return NULL;
}
#endif

#ifdef CONFIG_IOMEM_DMA_OF
struct iomem_dma_provider *iomem_dma_of_get(struct device *dev,
					    const char *name);
struct iomem_dma_provider *devm_iomem_dma_of_get(struct device *dev,
						 const char *name);
#else
static inline struct iomem_dma_provider *
iomem_dma_of_get(struct device *dev, const char *name)
{
	return ERR_PTR(-ENODEV);
}

static inline struct iomem_dma_provider *
devm_iomem_dma_of_get(struct device *dev, const char *name)
{
	return ERR_PTR(-ENODEV);
}
#endif

#endif /* _LINUX_IOMEM_DMA_H */
