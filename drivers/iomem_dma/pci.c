// SPDX-License-Identifier: GPL-2.0-only
/*
 * iomem_dma PCI backend: PCI devices in the fabric (bridges up to the host
 * bridge, ACS redirect from config space, host bridges allowed as upstream
 * 6.12 allows them), memory BARs as providers, and a generic provider
 * driver an administrator binds with driver_override or new_id.
 */

#define pr_fmt(fmt) "iomem_dma: " fmt

#include <linux/iomem_dma_provider.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/rculist.h>
#include <linux/seq_buf.h>
#include <linux/slab.h>

#include "internal.h"

/* Host bridges upstream 6.12 lets route peer traffic (drivers/pci/p2pdma.c). */
static const struct {
	unsigned short vendor;
	unsigned short device;
} iomem_dma_pci_host_allow[] = {
	{ PCI_VENDOR_ID_INTEL, 0x3c00 }, { PCI_VENDOR_ID_INTEL, 0x3c01 },
	{ PCI_VENDOR_ID_INTEL, 0x2f00 }, { PCI_VENDOR_ID_INTEL, 0x2f01 },
	{ PCI_VENDOR_ID_INTEL, 0x2030 }, { PCI_VENDOR_ID_INTEL, 0x2031 },
	{ PCI_VENDOR_ID_INTEL, 0x2032 }, { PCI_VENDOR_ID_INTEL, 0x2033 },
	{ PCI_VENDOR_ID_INTEL, 0x2020 }, { PCI_VENDOR_ID_INTEL, 0x09a2 },
};

/**
 * struct pci_fabric_entry - a fabric node made for a PCI bridge or host bridge
 * @list: entry in pci_fabric_nodes: added and removed under
 *	pci_fabric_lock, read under RCU by explanations.
 * @dev: the bridge's or host bridge's device. A bridge's is not
 *	referenced: the bus notifier drops the entry before it goes. A host
 *	bridge's is: no notifier sees a host bridge go, and a new host bridge
 *	allocated at a freed one's address must not inherit its node. Never
 *	dereferenced under RCU alone.
 * @node: the node, referenced by the entry.
 * @host: @dev is a host bridge's.
 * @root_name: a host bridge's root device (the device upstream P2PDMA
 *	checks against its whitelist), pci_name(); empty if it has none.
 * @root_vendor: its vendor ID.
 * @root_device: its device ID.
 * @root_listed: it is on upstream's whitelist of host bridges that route.
 * @rcu: deferred free, after explanations walking the list.
 *
 * @host and the root device's fields are set before the entry is published
 * and never change: explanations read them without pci_fabric_lock.
 */
struct pci_fabric_entry {
	struct list_head list;
	struct device *dev;
	struct iomem_dma_node *node;
	bool host;
	char root_name[16];
	unsigned short root_vendor;
	unsigned short root_device;
	bool root_listed;
	struct rcu_head rcu;
};

static LIST_HEAD(pci_fabric_nodes);
static DEFINE_MUTEX(pci_fabric_lock);	/* writers of pci_fabric_nodes */

/*
 * The device upstream P2PDMA looks up in its whitelist for @host: the first
 * device on the root bus, if it is devfn 00.0 or a root port.
 */
static struct pci_dev *pci_host_root(struct pci_host_bridge *host)
{
	struct pci_dev *root;

	root = list_first_entry_or_null(&host->bus->devices, struct pci_dev,
					bus_list);
	if (!root || (root->devfn != PCI_DEVFN(0, 0) &&
		      pci_pcie_type(root) != PCI_EXP_TYPE_ROOT_PORT))
		return NULL;
	return root;
}

static bool pci_root_listed(const struct pci_dev *root)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(iomem_dma_pci_host_allow); i++)
		if (root->vendor == iomem_dma_pci_host_allow[i].vendor &&
		    root->device == iomem_dma_pci_host_allow[i].device)
			return true;
	return false;
}

/* Upstream trusts every AMD host bridge from Zen on. */
static bool pci_cpu_routes_peer(void)
{
#ifdef CONFIG_X86
	return boot_cpu_data.x86_vendor == X86_VENDOR_AMD &&
	       boot_cpu_data.x86 >= 0x17;
#else
	return false;
#endif
}

static bool pci_host_routes_peer(struct pci_host_bridge *host)
{
	struct pci_dev *root;

	if (pci_cpu_routes_peer())
		return true;
	root = pci_host_root(host);
	return root && pci_root_listed(root);
}

static bool pci_acs_redirects(struct pci_dev *pdev)
{
	int pos = pdev->acs_cap;
	u16 ctrl;

	if (!pos)
		return false;
	pci_read_config_word(pdev, pos + PCI_ACS_CTRL, &ctrl);
	return ctrl & (PCI_ACS_RR | PCI_ACS_CR | PCI_ACS_EC);
}

/*
 * Find or make the node of @dev, for a host bridge with its root device
 * @root (or NULL); called with pci_fabric_lock held.
 */
static struct iomem_dma_node *pci_node_get(struct device *dev,
					   struct iomem_dma_node *parent,
					   const char *name,
					   unsigned long flags,
					   struct pci_dev *root)
{
	struct pci_fabric_entry *e;
	struct iomem_dma_node *node;

	lockdep_assert_held(&pci_fabric_lock);
	list_for_each_entry(e, &pci_fabric_nodes, list)
		if (e->dev == dev)
			return iomem_dma_node_get(e->node);

	e = kzalloc(sizeof(*e), GFP_KERNEL);
	if (!e)
		return NULL;
	node = iomem_dma_node_create(parent, name, flags);
	if (IS_ERR(node)) {
		kfree(e);
		return NULL;
	}
	e->dev = dev_is_pci(dev) ? dev : get_device(dev);
	e->node = node;
	e->host = !dev_is_pci(dev);
	if (root) {
		strscpy(e->root_name, pci_name(root), sizeof(e->root_name));
		e->root_vendor = root->vendor;
		e->root_device = root->device;
		e->root_listed = pci_root_listed(root);
	}
	/* Pairs with list_for_each_entry_rcu() in the explanations. */
	list_add_tail_rcu(&e->list, &pci_fabric_nodes);
	return iomem_dma_node_get(node);
}

static struct iomem_dma_node *pci_host_node(struct pci_host_bridge *host)
{
	unsigned long flags = IOMEM_DMA_NODE_HOST;

	if (pci_host_routes_peer(host))
		flags |= IOMEM_DMA_NODE_ROUTES_PEER;
	return pci_node_get(&host->dev, NULL, dev_name(&host->dev), flags,
			    pci_host_root(host));
}

static struct iomem_dma_node *pci_bridge_node(struct pci_dev *bridge)
{
	struct pci_dev *up = pci_upstream_bridge(bridge);
	struct iomem_dma_node *parent, *node;
	unsigned long flags = IOMEM_DMA_NODE_ROUTES_PEER;

	parent = up ? pci_bridge_node(up) :
		      pci_host_node(pci_find_host_bridge(bridge->bus));
	if (!parent)
		return NULL;
	if (pci_acs_redirects(bridge))
		flags |= IOMEM_DMA_NODE_ACS_REDIRECT;
	node = pci_node_get(&bridge->dev, parent, pci_name(bridge), flags,
			    NULL);
	iomem_dma_node_put(parent);
	return node;
}

/*
 * A PCI device attaches to its upstream bridge, or to the host bridge when
 * it sits on a root bus.
 */
static struct iomem_dma_node *pci_node_for_device(struct device *dev)
{
	struct iomem_dma_node *node;
	struct pci_dev *pdev, *up;

	if (!dev_is_pci(dev))
		return NULL;
	pdev = to_pci_dev(dev);
	up = pci_upstream_bridge(pdev);
	mutex_lock(&pci_fabric_lock);
	node = up ? pci_bridge_node(up) :
		    pci_host_node(pci_find_host_bridge(pdev->bus));
	mutex_unlock(&pci_fabric_lock);
	return node;
}

/*
 * ACS control bits and host bridges are read once, when a node is made;
 * a config-space write changes them without a notification. Read them
 * again and update the nodes that changed.
 */
static void pci_fabric_rescan(void)
{
	struct pci_fabric_entry *e;
	unsigned long flag;
	bool on;

	mutex_lock(&pci_fabric_lock);
	list_for_each_entry(e, &pci_fabric_nodes, list) {
		/* A bridge's ACS bits, or whether a host bridge routes. */
		if (dev_is_pci(e->dev)) {
			flag = IOMEM_DMA_NODE_ACS_REDIRECT;
			on = pci_acs_redirects(to_pci_dev(e->dev));
		} else {
			flag = IOMEM_DMA_NODE_ROUTES_PEER;
			on = pci_host_routes_peer(to_pci_host_bridge(e->dev));
		}
		if (!!(iomem_dma_node_flags(e->node) & flag) == on)
			continue;
		iomem_dma_node_update(e->node, on ? flag : 0, on ? 0 : flag);
		pr_info("%s: %s now %s (rescan)\n", dev_name(e->dev),
			dev_is_pci(e->dev) ? "ACS redirect" : "peer routing",
			on ? "on" : "off");
	}
	mutex_unlock(&pci_fabric_lock);
}

/* The entry of @node, if this backend made it; under rcu_read_lock(). */
static const struct pci_fabric_entry *
pci_entry_rcu(const struct iomem_dma_node *node)
{
	const struct pci_fabric_entry *e;

	list_for_each_entry_rcu(e, &pci_fabric_nodes, list)
		if (e->node == node)
			return e;
	return NULL;
}

/*
 * A host bridge's root device and whether upstream's whitelist has it, in
 * upstream's words ("Host bridge not in P2PDMA whitelist: %04x:%04x").
 */
static void pci_explain_root(const struct iomem_dma_node *root,
			     unsigned long flags, struct seq_buf *s)
{
	const struct pci_fabric_entry *e = pci_entry_rcu(root);

	if (!e || !e->host)
		return;
	if ((flags & IOMEM_DMA_NODE_ROUTES_PEER) && pci_cpu_routes_peer()) {
		seq_buf_puts(s, "; every host bridge of an AMD Zen or later CPU routes");
		return;
	}
	if (!e->root_name[0]) {
		seq_buf_puts(s, "; no root device (00.0 or a root port) on its bus, ");
		seq_buf_puts(s, "so not in the P2PDMA whitelist");
		return;
	}
	seq_buf_printf(s, "; root device %s: ", e->root_name);
	if (flags & IOMEM_DMA_NODE_ROUTES_PEER)
		seq_buf_printf(s, "%04x:%04x is in the P2PDMA whitelist",
			       e->root_vendor, e->root_device);
	else
		seq_buf_printf(s, "Host bridge not in P2PDMA whitelist: %04x:%04x",
			       e->root_vendor, e->root_device);
}

/*
 * The kernel parameter that turns ACS redirect off on the bridges among
 * @nodes, upstream's list format: pci_name()s separated by ';'.
 */
static void pci_explain_redirect(const struct iomem_dma_node *const *nodes,
				 unsigned int nr, struct seq_buf *s)
{
	const struct pci_fabric_entry *e;
	unsigned int i, n = 0;

	for (i = 0; i < nr; i++) {
		e = pci_entry_rcu(nodes[i]);
		if (!e || e->host)
			continue;
		seq_buf_printf(s, "%s%s", n++ ? ";" : "pci=disable_acs_redir=",
			       iomem_dma_node_name(nodes[i]));
	}
}

static struct iomem_dma_fabric pci_fabric = {
	.name = "pci",
	.node_for_device = pci_node_for_device,
	.rescan = pci_fabric_rescan,
	.explain_root = pci_explain_root,
	.explain_redirect = pci_explain_redirect,
};

/* Forget the node of a bridge or host bridge that goes away. */
static int pci_fabric_notify(struct notifier_block *nb, unsigned long action,
			     void *data)
{
	struct device *dev = data;
	struct pci_fabric_entry *e, *tmp;
	bool changed = false;

	if (action != BUS_NOTIFY_DEL_DEVICE)
		return NOTIFY_DONE;
	mutex_lock(&pci_fabric_lock);
	list_for_each_entry_safe(e, tmp, &pci_fabric_nodes, list) {
		if (e->dev != dev)
			continue;
		list_del_rcu(&e->list);
		iomem_dma_node_put(e->node);
		kfree_rcu(e, rcu);
		changed = true;
	}
	mutex_unlock(&pci_fabric_lock);
	if (changed)
		iomem_dma_topology_changed();
	return NOTIFY_OK;
}

static struct notifier_block pci_fabric_nb = {
	.notifier_call = pci_fabric_notify,
};

/**
 * struct iomem_dma_pci_bar - a BAR (or part of one) registered as provider
 * @pdev: the device.
 * @bar: BAR number.
 * @range: the range given to the core.
 */
struct iomem_dma_pci_bar {
	struct pci_dev *pdev;
	int bar;
	struct iomem_dma_range range;
};

static int pci_bar_bus_addr(struct iomem_dma_provider *prov,
			    struct device *client, phys_addr_t phys, size_t len,
			    dma_addr_t *bus)
{
	struct iomem_dma_pci_bar *b = iomem_dma_provider_priv(prov);

	if (!len || phys < b->range.phys ||
	    len > b->range.size || phys - b->range.phys > b->range.size - len)
		return -ERANGE;
	/* The PCI core's view of the BAR on the bus, not the CPU's. */
	*bus = pci_bus_address(b->pdev, b->bar) +
	       (phys - pci_resource_start(b->pdev, b->bar));
	return 0;
}

static const struct iomem_dma_provider_ops pci_bar_ops = {
	.bus_addr = pci_bar_bus_addr,
};

/**
 * iomem_dma_pci_register_bar() - register all or part of a memory BAR
 * @pdev: the PCI device, bound to the calling driver.
 * @bar: BAR number.
 * @size: bytes to register, a multiple of PAGE_SIZE; 0 for the rest of
 *	the BAR after @offset (rounded down to PAGE_SIZE).
 * @offset: offset into the BAR, a multiple of PAGE_SIZE.
 *
 * The range is mapped write-combining when the BAR is prefetchable,
 * uncached otherwise (a register BAR: writes must not be merged or
 * reordered). The provider is named
 * "<pci_name>-bar<N>", starts private, and is unregistered (revoking its
 * clients) when the driver unbinds or the device is removed.
 *
 * Context: process context, from the driver's probe; may sleep.
 * Return: the provider, or an ERR_PTR(): -EINVAL for a bad BAR number, a
 * BAR that is not memory, or a size/offset outside the BAR or not page
 * aligned; -ENOMEM; or the core's error from registration.
 */
struct iomem_dma_provider *iomem_dma_pci_register_bar(struct pci_dev *pdev,
						      int bar, size_t size,
						      u64 offset)
{
	struct iomem_dma_provider_desc desc = { };
	struct iomem_dma_pci_bar *b;
	resource_size_t len;
	char name[IOMEM_DMA_NODE_NAME_LEN];
	bool wc;

	might_sleep();
	if (!pdev || bar < 0 || bar >= PCI_STD_NUM_BARS ||
	    !(pci_resource_flags(pdev, bar) & IORESOURCE_MEM))
		return ERR_PTR(-EINVAL);
	len = pci_resource_len(pdev, bar);
	if (!IS_ALIGNED(offset, PAGE_SIZE) || offset >= len)
		return ERR_PTR(-EINVAL);
	if (!size)
		size = rounddown(len - offset, PAGE_SIZE);
	if (!size || !IS_ALIGNED(size, PAGE_SIZE) || size > len - offset)
		return ERR_PTR(-EINVAL);

	b = devm_kzalloc(&pdev->dev, sizeof(*b), GFP_KERNEL);
	if (!b)
		return ERR_PTR(-ENOMEM);
	b->pdev = pdev;
	b->bar = bar;
	b->range.phys = pci_resource_start(pdev, bar) + offset;
	b->range.size = size;
	wc = pci_resource_flags(pdev, bar) & IORESOURCE_PREFETCH;
	b->range.vaddr = wc ? devm_ioremap_wc(&pdev->dev, b->range.phys, size) :
			      devm_ioremap(&pdev->dev, b->range.phys, size);
	if (!b->range.vaddr)
		return ERR_PTR(-ENOMEM);

	snprintf(name, sizeof(name), "%s-bar%d", pci_name(pdev), bar);
	desc.dev = &pdev->dev;
	desc.name = name;
	desc.ranges = &b->range;
	desc.nr_ranges = 1;
	desc.cpu_map = wc ? IOMEM_DMA_CPU_WC : IOMEM_DMA_CPU_UNCACHED;
	desc.ops = &pci_bar_ops;
	desc.fabric_from_device = true;
	desc.priv = b;
	return devm_iomem_dma_provider_register(&pdev->dev, &desc);
}
EXPORT_SYMBOL_GPL(iomem_dma_pci_register_bar);

/* ---- the generic provider driver ---- */

/* Bitmask; 0 = every prefetchable memory BAR (no register BAR). */
static unsigned int iomem_dma_pci_bars;
static unsigned long iomem_dma_pci_max_size;	/* 0 = whole BAR */

static int bars_set(const char *val, const struct kernel_param *kp)
{
	unsigned int v;

	if (kstrtouint(val, 0, &v) || v >= BIT(PCI_STD_NUM_BARS))
		return -EINVAL;
	WRITE_ONCE(iomem_dma_pci_bars, v);
	return 0;
}

static const struct kernel_param_ops bars_ops = {
	.set = bars_set,
	.get = param_get_uint,
};
module_param_cb(pci_bars, &bars_ops, &iomem_dma_pci_bars, 0644);
MODULE_PARM_DESC(pci_bars,
		 "Bitmask of the BARs the generic PCI provider driver registers (0x01 = BAR0 ... 0x20 = BAR5; 0 = every prefetchable memory BAR)");

static int max_size_set(const char *val, const struct kernel_param *kp)
{
	unsigned long v;

	if (kstrtoul(val, 0, &v) || !IS_ALIGNED(v, PAGE_SIZE))
		return -EINVAL;
	WRITE_ONCE(iomem_dma_pci_max_size, v);
	return 0;
}

static const struct kernel_param_ops max_size_ops = {
	.set = max_size_set,
	.get = param_get_ulong,
};
module_param_cb(pci_max_size, &max_size_ops, &iomem_dma_pci_max_size, 0644);
MODULE_PARM_DESC(pci_max_size,
		 "Most bytes of each BAR the generic PCI provider driver registers, a multiple of the page size (0 = whole BAR)");

static int iomem_dma_pci_probe(struct pci_dev *pdev,
			       const struct pci_device_id *id)
{
	unsigned int mask = READ_ONCE(iomem_dma_pci_bars);
	size_t max = READ_ONCE(iomem_dma_pci_max_size);
	struct iomem_dma_provider *prov;
	int bar, ret, n = 0;

	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	for (bar = 0; bar < PCI_STD_NUM_BARS; bar++) {
		resource_size_t len = pci_resource_len(pdev, bar);
		size_t size;

		if (mask && !(mask & BIT(bar)))
			continue;
		/* A register BAR only when the administrator names it. */
		if (!mask && !(pci_resource_flags(pdev, bar) & IORESOURCE_PREFETCH))
			continue;
		if (!(pci_resource_flags(pdev, bar) & IORESOURCE_MEM) ||
		    len < PAGE_SIZE)
			continue;
		size = rounddown(len, PAGE_SIZE);
		if (max && size > max)
			size = max;
		prov = iomem_dma_pci_register_bar(pdev, bar, size, 0);
		if (IS_ERR(prov)) {
			dev_err(&pdev->dev, "iomem_dma: BAR%d not registered (%ld)\n",
				bar, PTR_ERR(prov));
			return PTR_ERR(prov);
		}
		iomem_dma_provider_publish(prov, true);
		dev_info(&pdev->dev, "iomem_dma: BAR%d: %zu bytes as provider %s\n",
			 bar, size, iomem_dma_provider_name(prov));
		n++;
	}
	if (!n) {
		dev_err(&pdev->dev, "iomem_dma: no %smemory BAR of at least %lu bytes selected (pci_bars=%#x)\n",
			mask ? "" : "prefetchable ", PAGE_SIZE, mask);
		return -ENODEV;
	}
	return 0;
}

static struct pci_driver iomem_dma_pci_driver = {
	.name = "iomem_dma_pci",
	.probe = iomem_dma_pci_probe,
};

/*
 * After the core (subsys_initcall). Nodes are made on demand, once the
 * fabric is registered, so the bus notifier sees the removal of every
 * device it made one for, whenever the device was added.
 */
static int __init iomem_dma_pci_init(void)
{
	int ret;

	ret = iomem_dma_fabric_register(&pci_fabric);
	if (ret)
		return ret;
	ret = bus_register_notifier(&pci_bus_type, &pci_fabric_nb);
	if (ret)
		goto unregister_fabric;
	ret = pci_register_driver(&iomem_dma_pci_driver);
	if (ret)
		goto unregister_notifier;
	return 0;

unregister_notifier:
	bus_unregister_notifier(&pci_bus_type, &pci_fabric_nb);
unregister_fabric:
	iomem_dma_fabric_unregister(&pci_fabric);
	pr_err("PCI backend unavailable (%d)\n", ret);
	return ret;
}
subsys_initcall_sync(iomem_dma_pci_init);
