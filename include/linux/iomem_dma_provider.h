/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * iomem_dma: interface for providers of I/O memory and for bus backends.
 *
 * This header should not be included by drivers that only allocate and map
 * I/O memory as DMA masters; they use <linux/iomem_dma.h>.
 */
#ifndef _LINUX_IOMEM_DMA_PROVIDER_H
#define _LINUX_IOMEM_DMA_PROVIDER_H

#include <linux/err.h>
#include <linux/iomem_dma.h>
#include <linux/list.h>
#include <linux/types.h>

struct device;
struct iomem_dma_node;
struct seq_buf;

/**
 * enum iomem_dma_cpu_map - how the CPU mapping of a range was made
 * @IOMEM_DMA_CPU_UNCACHED: ioremap(), device memory, uncached.
 * @IOMEM_DMA_CPU_WC: ioremap_wc(), write-combining.
 */
enum iomem_dma_cpu_map {
	IOMEM_DMA_CPU_UNCACHED,
	IOMEM_DMA_CPU_WC,
};

/**
 * struct iomem_dma_range - one physically contiguous range of I/O memory
 * @phys: CPU physical address of the first byte.
 * @size: size in bytes, a multiple of the provider's granule.
 * @vaddr: CPU mapping of the whole range, made by the provider's driver
 *	with the attribute in &iomem_dma_provider_desc.cpu_map. The core only
 *	accesses it through __iomem accessors.
 */
struct iomem_dma_range {
	phys_addr_t phys;
	u64 size;
	void __iomem *vaddr;
};

/**
 * struct iomem_dma_provider_ops - callbacks of a provider
 * @bus_addr: mandatory. Translate the @len bytes at @phys, a range inside
 *	one of the provider's ranges, to the address @client must put on its
 *	bus to reach them peer-to-peer (PCI: the BAR's bus address;
 *	devicetree: through the ranges of the path). Every byte of the range
 *	must translate, contiguously, or the callback fails. Called with no
 *	iomem_dma lock held, possibly in atomic context: must not sleep.
 *	Return 0 and set @bus to the first byte's address, or a negative
 *	errno if @client cannot address the range (the map then fails with
 *	it). The core checks the result against @client's DMA mask and bus
 *	limit as well.
 */
struct iomem_dma_provider_ops {
	int (*bus_addr)(struct iomem_dma_provider *prov, struct device *client,
			phys_addr_t phys, size_t len, dma_addr_t *bus);
};

/**
 * struct iomem_dma_provider_desc - what a backend tells the core about a provider
 * @dev: the device that owns the memory. A reference is held while the
 *	provider exists.
 * @name: unique name; %NULL means dev_name(@dev). Copied.
 * @ranges: the I/O memory ranges. Copied.
 * @nr_ranges: number of entries in @ranges, at least one.
 * @cpu_map: how @ranges' CPU mappings were made.
 * @granule_order: log2 of the allocation granule; 0 means PAGE_SHIFT.
 * @ops: callbacks, see &struct iomem_dma_provider_ops.
 * @fabric: the provider's place in the topology (its attachment node), or
 *	%NULL if it has none (then only the provider's own device may use
 *	it). A reference is taken. Must be %NULL with @fabric_from_device.
 * @fabric_from_device: the core finds the attachment node itself, asking
 *	the backends where @dev sits, and asks again whenever a backend
 *	reports a change of the fabric (iomem_dma_topology_changed()) or the
 *	administrator rescans it, so that a bus that becomes a fabric node
 *	later (a devicetree overlay adding peer-dma-routing, say) reaches
 *	the provider's verdicts.
 * @priv: opaque pointer for @ops, returned by iomem_dma_provider_priv().
 */
struct iomem_dma_provider_desc {
	struct device *dev;
	const char *name;
	const struct iomem_dma_range *ranges;
	unsigned int nr_ranges;
	enum iomem_dma_cpu_map cpu_map;
	unsigned int granule_order;
	const struct iomem_dma_provider_ops *ops;
	struct iomem_dma_node *fabric;
	bool fabric_from_device;
	void *priv;
};

struct iomem_dma_provider *
iomem_dma_provider_register(const struct iomem_dma_provider_desc *desc);
struct iomem_dma_provider *
devm_iomem_dma_provider_register(struct device *dev,
				 const struct iomem_dma_provider_desc *desc);
int iomem_dma_provider_unregister(struct iomem_dma_provider *prov);
int iomem_dma_provider_publish(struct iomem_dma_provider *prov, bool publish);
void *iomem_dma_provider_priv(const struct iomem_dma_provider *prov);
struct device *iomem_dma_provider_dev(const struct iomem_dma_provider *prov);

/*
 * Fabric nodes: the topology the policy engine reasons about. A backend
 * builds a chain of nodes from a device's attachment point up to a root
 * (PCI: bridges up to the host bridge; devicetree: bus nodes up to /).
 */

/* The node is a root: a host bridge or the top of a SoC interconnect. */
#define IOMEM_DMA_NODE_HOST		BIT(0)
/* The node routes peer traffic between the devices below it. */
#define IOMEM_DMA_NODE_ROUTES_PEER	BIT(1)
/* Peer requests entering this node are redirected upstream (PCI ACS). */
#define IOMEM_DMA_NODE_ACS_REDIRECT	BIT(2)
#define IOMEM_DMA_NODE_FLAGS_MASK	GENMASK(2, 0)

struct iomem_dma_node *iomem_dma_node_create(struct iomem_dma_node *parent,
					     const char *name,
					     unsigned long flags);
struct iomem_dma_node *iomem_dma_node_get(struct iomem_dma_node *node);
void iomem_dma_node_put(struct iomem_dma_node *node);
int iomem_dma_node_update(struct iomem_dma_node *node, unsigned long set,
			  unsigned long clear);
void iomem_dma_topology_changed(void);
const char *iomem_dma_node_name(const struct iomem_dma_node *node);
unsigned long iomem_dma_node_flags(const struct iomem_dma_node *node);

/**
 * struct iomem_dma_fabric - a bus backend that knows where devices sit
 * @name: backend name, e.g. "pci" or "of".
 * @node_for_device: mandatory. Return a referenced attachment node for
 *	@dev, or %NULL if this backend does not know @dev. May sleep; called
 *	without iomem_dma locks held.
 * @firmware_verdict: optional. Look up what the firmware (devicetree,
 *	ACPI) states about @client reaching @prov. Return 1 for an allow
 *	statement, -1 for a deny statement, 0 for none; for a statement,
 *	write where it was made (a node name) into @where, at most @len bytes.
 *	Called under rcu_read_lock(): must not sleep. Not called for a
 *	provider whose device has no firmware node (dev_fwnode()), which no
 *	statement can name.
 * @rescan: optional. Read again what the backend snapshotted from the
 *	hardware or firmware (PCI: the ACS control bits of bridges, whether a
 *	host bridge routes peer traffic) and update the nodes whose flags
 *	changed with iomem_dma_node_update(). For changes the kernel does not
 *	notify, such as a config-space write; called by
 *	iomem_dma_fabric_rescan(), without iomem_dma locks held; may sleep.
 * @explain_root: optional. For the explanation of a verdict
 *	(iomem_dma_verdict_explain()): append to the core's "host:" line
 *	what the backend knows about @root, a root of the route, whose flags
 *	the verdict read as @flags (PCI: the vendor:device of the host
 *	bridge's root device, and whether it is on the list of host bridges
 *	that route peer traffic). Text only, no newline; write nothing for a
 *	node this backend did not make. Every backend is asked; the core
 *	drops a line that does not fit whole. Called under rcu_read_lock(),
 *	which keeps @root valid: must not sleep or take a mutex.
 * @explain_redirect: optional. For the same explanation: write, as the
 *	text of the core's "fix:" line (no newline), the remedy for the ACS
 *	redirect of the @nr nodes @nodes, in the order the core lists them
 *	on its "redirect:" line (PCI: the pci=disable_acs_redir= kernel
 *	parameter for the bridges among them). Write nothing when the
 *	backend made none of them; the core leaves the line out when no
 *	backend wrote anything. Same context as @explain_root.
 * @list: internal, links registered backends.
 */
struct iomem_dma_fabric {
	const char *name;
	struct iomem_dma_node *(*node_for_device)(struct device *dev);
	int (*firmware_verdict)(struct iomem_dma_provider *prov,
				struct device *client, char *where,
				size_t len);
	void (*rescan)(void);
	void (*explain_root)(const struct iomem_dma_node *root,
			     unsigned long flags, struct seq_buf *s);
	void (*explain_redirect)(const struct iomem_dma_node *const *nodes,
				 unsigned int nr, struct seq_buf *s);
	struct list_head list;
};

int iomem_dma_fabric_register(struct iomem_dma_fabric *fabric);
void iomem_dma_fabric_unregister(struct iomem_dma_fabric *fabric);
int iomem_dma_fabric_rescan(void);

struct pci_dev;
#ifdef CONFIG_IOMEM_DMA_PCI
struct iomem_dma_provider *iomem_dma_pci_register_bar(struct pci_dev *pdev,
						      int bar, size_t size,
						      u64 offset);
#else
static inline struct iomem_dma_provider *
iomem_dma_pci_register_bar(struct pci_dev *pdev, int bar, size_t size,
			   u64 offset)
{
	return ERR_PTR(-EOPNOTSUPP);
}
#endif

struct device_node;
#ifdef CONFIG_IOMEM_DMA_OF
int iomem_dma_of_check_region(struct device_node *np);
#else
static inline int iomem_dma_of_check_region(struct device_node *np)
{
	return -EOPNOTSUPP;
}
#endif

#endif /* _LINUX_IOMEM_DMA_PROVIDER_H */
