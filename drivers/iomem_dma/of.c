// SPDX-License-Identifier: GPL-2.0-only
/*
 * iomem_dma devicetree backend: "peer-dma-region" nodes as providers, the
 * "peer-dma-regions" consumer property, and the reachability statements
 * "peer-dma-routing", "peer-dma-allow" and "peer-dma-deny".
 *
 * The fabric of a devicetree device is the chain of its ancestors that
 * state "peer-dma-routing", topped by the root node (a host node, which
 * routes peer traffic only if it states "peer-dma-routing" itself). A bus
 * that says nothing is not a fabric node: it neither allows nor forbids,
 * so a pair below it is decided further up, and denied if nothing allows.
 *
 * See Documentation/devicetree/bindings/dma/peer-dma-*.yaml and
 * Documentation/driver-api/iomem_dma/of.rst.
 */

#define pr_fmt(fmt) "iomem_dma: " fmt

#include <linux/device.h>
#include <linux/dma-direct.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/iomem_dma_provider.h>
#include <linux/mm.h>
#include <linux/of.h>
#include <linux/of_address.h>
#include <linux/of_platform.h>
#include <linux/pci.h>
#include <linux/platform_device.h>
#include <linux/slab.h>

#include "internal.h"

#define REGION_COMPAT		"peer-dma-region"
#define REGION_CELLS		"#peer-dma-region-cells"
#define CONSUMER_PROP		"peer-dma-regions"
#define CONSUMER_NAMES		"peer-dma-region-names"
#define ROUTING_PROP		"peer-dma-routing"
#define ALLOW_PROP		"peer-dma-allow"
#define DENY_PROP		"peer-dma-deny"

/* ---- fabric: one iomem_dma node per stated bus and for the root ---- */

struct of_fabric_node {
	struct list_head list;
	struct device_node *np;
	struct iomem_dma_node *node;
};

static LIST_HEAD(of_fabric_nodes);
static DEFINE_MUTEX(of_fabric_lock);

/* The full path of @np; "%pOF" prints the root as "". */
/* The full path of @np into @buf; returns its whole length, as snprintf(). */
static int of_path(const struct device_node *np, char *buf, size_t len)
{
	if (np->parent)
		return snprintf(buf, len, "%pOF", np);
	return snprintf(buf, len, "/");
}

static unsigned long of_node_flags(struct device_node *np)
{
	unsigned long flags = 0;

	if (!np->parent)
		flags |= IOMEM_DMA_NODE_HOST;
	if (of_property_read_bool(np, ROUTING_PROP))
		flags |= IOMEM_DMA_NODE_ROUTES_PEER;
	return flags;
}

/* The fabric node for @np, created on first use. Under of_fabric_lock. */
static struct iomem_dma_node *of_fabric_node_get(struct device_node *np,
						 struct iomem_dma_node *parent)
{
	struct of_fabric_node *e;
	struct iomem_dma_node *node;
	char name[IOMEM_DMA_NAME_MAX];

	list_for_each_entry(e, &of_fabric_nodes, list)
		if (e->np == np)
			return iomem_dma_node_get(e->node);

	/* A path that does not fit would match the rules of another. */
	if (of_path(np, name, sizeof(name)) >= sizeof(name))
		return NULL;
	e = kzalloc(sizeof(*e), GFP_KERNEL);
	if (!e)
		return NULL;
	node = iomem_dma_node_create(parent, name, of_node_flags(np));
	if (IS_ERR(node)) {
		kfree(e);
		return NULL;
	}
	e->np = of_node_get(np);
	e->node = node;
	list_add_tail(&e->list, &of_fabric_nodes);
	return iomem_dma_node_get(node);
}

/* Build the chain root first, so each node gets its parent. */
static struct iomem_dma_node *of_chain(struct device_node *np)
{
	struct iomem_dma_node *parent = NULL, *node;
	struct device_node *chain[32];
	struct device_node *p;
	int n = 0;

	/* The attachment point: stated ancestors of np, and the root. */
	for (p = of_get_parent(np); p; p = of_get_next_parent(p)) {
		if ((!p->parent || of_property_read_bool(p, ROUTING_PROP)) &&
		    n < ARRAY_SIZE(chain))
			chain[n++] = of_node_get(p);
	}
	while (n--) {
		node = of_fabric_node_get(chain[n], parent);
		iomem_dma_node_put(parent);
		of_node_put(chain[n]);
		parent = node;
		if (!node)
			break;
	}
	while (n-- > 0)
		of_node_put(chain[n]);
	return parent;
}

/* Devicetree devices other than PCI functions (the PCI backend has those). */
static struct iomem_dma_node *of_node_for_device(struct device *dev)
{
	struct iomem_dma_node *node;

	if (!dev_of_node(dev) || dev_is_pci(dev))
		return NULL;
	mutex_lock(&of_fabric_lock);
	node = of_chain(dev_of_node(dev));
	mutex_unlock(&of_fabric_lock);

	return node;
}

/* Does @np's @prop list @target? Lockless reads of the live tree. */
static bool of_lists(const struct device_node *np, const char *prop,
		     phandle target)
{
	const __be32 *list;
	int len, i;

	list = of_get_property(np, prop, &len);
	if (!list)
		return false;
	for (i = 0; i < len / (int)sizeof(*list); i++)
		if (be32_to_cpu(list[i]) == target)
			return true;
	return false;
}

/*
 * Statements about @client reaching @prov: on the first device up from
 * @client that has a devicetree node (a PCI function's host bridge, for
 * one), and on every ancestor of that node. A deny anywhere wins.
 */
static int of_firmware_verdict(struct iomem_dma_provider *prov,
			       struct device *client, char *where, size_t len)
{
	struct device_node *pnp = dev_of_node(prov->dev), *np;
	struct device *d;
	phandle target;
	int verdict = 0;

	if (!pnp || !pnp->phandle)
		return 0;
	target = pnp->phandle;
	for (d = client; d && !dev_of_node(d); d = d->parent)
		;
	if (!d)
		return 0;
	for (np = dev_of_node(d); np; np = np->parent) {
		if (of_lists(np, DENY_PROP, target)) {
			of_path(np, where, len);
			return -1;
		}
		if (!verdict && of_lists(np, ALLOW_PROP, target)) {
			of_path(np, where, len);
			verdict = 1;
		}
	}
	return verdict;
}

static struct iomem_dma_fabric of_fabric = {
	.name = "of",
	.node_for_device = of_node_for_device,
	.firmware_verdict = of_firmware_verdict,
};

#ifdef CONFIG_OF_DYNAMIC
/* A node leaves the tree: forget it (its fabric node lives on by refcount). */
static void of_fabric_forget(struct device_node *np)
{
	struct of_fabric_node *e, *tmp;

	mutex_lock(&of_fabric_lock);
	list_for_each_entry_safe(e, tmp, &of_fabric_nodes, list) {
		if (e->np == np) {
			list_del(&e->list);
			of_node_put(e->np);
			iomem_dma_node_put(e->node);
			kfree(e);
		}
	}
	mutex_unlock(&of_fabric_lock);
}

/*
 * Overlays may add, change or remove statements: verdicts go stale, and
 * pairs a change denies are revoked (from a work item: of_mutex is held).
 */
static int of_fabric_reconfig(struct notifier_block *nb, unsigned long action,
			      void *arg)
{
	struct of_reconfig_data *rd = arg;
	struct iomem_dma_node *node = NULL;
	struct of_fabric_node *e;
	unsigned long flags;

	switch (action) {
	case OF_RECONFIG_DETACH_NODE:
		of_fabric_forget(rd->dn);
		return NOTIFY_OK;
	case OF_RECONFIG_ADD_PROPERTY:
	case OF_RECONFIG_REMOVE_PROPERTY:
	case OF_RECONFIG_UPDATE_PROPERTY:
		break;
	default:
		return NOTIFY_DONE;
	}
	if (strcmp(rd->prop->name, ROUTING_PROP) &&
	    strcmp(rd->prop->name, ALLOW_PROP) &&
	    strcmp(rd->prop->name, DENY_PROP))
		return NOTIFY_DONE;

	mutex_lock(&of_fabric_lock);
	list_for_each_entry(e, &of_fabric_nodes, list)
		if (e->np == rd->dn)
			node = iomem_dma_node_get(e->node);
	mutex_unlock(&of_fabric_lock);
	if (node) {
		/* The property is still there during a remove notification. */
		flags = action == OF_RECONFIG_REMOVE_PROPERTY &&
			!strcmp(rd->prop->name, ROUTING_PROP) ?
			0 : of_node_flags(rd->dn);
		flags |= iomem_dma_node_flags(node) & IOMEM_DMA_NODE_HOST;
		iomem_dma_node_update(node, flags,
				      ~flags & IOMEM_DMA_NODE_FLAGS_MASK);
		iomem_dma_node_put(node);
	} else {
		iomem_dma_topology_changed();
	}
	return NOTIFY_OK;
}

static struct notifier_block of_fabric_nb = {
	.notifier_call = of_fabric_reconfig,
};
#endif

/* ---- the provider driver ---- */

#define OF_MAX_REGIONS	8

/**
 * struct iomem_dma_of_region - what a "peer-dma-region" node describes
 * @np: the node.
 * @nr: number of reg entries.
 * @res: each entry, translated to CPU addresses.
 * @cells: its #peer-dma-region-cells, 0 or 1.
 * @prefetchable: the node states "prefetchable".
 */
struct iomem_dma_of_region {
	struct device_node *np;
	unsigned int nr;
	struct resource res[OF_MAX_REGIONS];
	u32 cells;
	bool prefetchable;
};

/* One message about @np: on @dev when there is one, else on the node. */
static __printf(3, 4) void region_err(struct device *dev,
				      const struct device_node *np,
				      const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	if (dev)
		dev_err(dev, "%pV", &vaf);
	else
		pr_err("%pOF: %pV", np, &vaf);
	va_end(args);
}

/*
 * Read and check a provider node. Every failure is explained by exactly
 * one message on @dev (or on the node when @dev is NULL).
 */
static int of_region_parse(struct device *dev, struct device_node *np,
			   struct iomem_dma_of_region *r)
{
	int i, n, ret;

	memset(r, 0, sizeof(*r));
	r->np = np;
	if (!of_device_is_compatible(np, REGION_COMPAT)) {
		region_err(dev, np, "not a " REGION_COMPAT " node\n");
		return -EINVAL;
	}
	ret = of_property_read_u32(np, REGION_CELLS, &r->cells);
	if (ret || r->cells > 1) {
		region_err(dev, np, REGION_CELLS " must be 0 or 1\n");
		return -EINVAL;
	}
	n = of_address_count(np);
	if (n <= 0) {
		region_err(dev, np, "no reg: a region needs its address and size\n");
		return -EINVAL;
	}
	if (n > OF_MAX_REGIONS) {
		region_err(dev, np, "%d reg entries, at most %d\n", n, OF_MAX_REGIONS);
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		struct resource *res = &r->res[i];
		int j;

		ret = of_address_to_resource(np, i, res);
		if (ret) {
			region_err(dev, np, "reg entry %d does not translate to a CPU address (%d)\n",
				   i, ret);
			return -EINVAL;
		}
		if (!resource_size(res) || !PAGE_ALIGNED(res->start) ||
		    !PAGE_ALIGNED(resource_size(res))) {
			region_err(dev, np, "reg entry %d %pR is not page aligned\n", i,
				   res);
			return -EINVAL;
		}
		if (region_intersects(res->start, resource_size(res),
				      IORESOURCE_SYSTEM_RAM,
				      IORES_DESC_NONE) != REGION_DISJOINT) {
			region_err(dev, np, "reg entry %d %pR overlaps System RAM; reserve it with no-map in /reserved-memory\n",
				   i, res);
			return -EINVAL;
		}
		for (j = 0; j < i; j++) {
			if (resource_overlaps(res, &r->res[j])) {
				region_err(dev, np, "reg entries %d and %d overlap\n",
					   j, i);
				return -EINVAL;
			}
		}
	}
	r->nr = n;
	r->prefetchable = of_property_read_bool(np, "prefetchable");
	return 0;
}

/**
 * struct iomem_dma_of_provider - a bound "peer-dma-region" node
 * @region: the parsed node.
 * @ranges: the mapped ranges.
 * @prov: registered providers: one for the node (cells 0), or one per
 *	reg entry (cells 1).
 * @nr_prov: entries in @prov.
 */
struct iomem_dma_of_provider {
	struct iomem_dma_of_region region;
	struct iomem_dma_range ranges[OF_MAX_REGIONS];
	struct iomem_dma_provider *prov[OF_MAX_REGIONS];
	unsigned int nr_prov;
};

/*
 * The address @client puts on its bus for the @len bytes at @phys: through
 * the client's dma-ranges (its dma_range_map), identity when it has none.
 * The whole range must lie in one window.
 */
static int of_bus_addr(struct iomem_dma_provider *prov, struct device *client,
		       phys_addr_t phys, size_t len, dma_addr_t *bus)
{
	const struct bus_dma_region *m = client->dma_range_map;
	dma_addr_t addr = (dma_addr_t)phys;

	if (!len)
		return -EINVAL;
	if (m) {
		for (; m->size; m++)
			if (phys >= m->cpu_start &&
			    phys - m->cpu_start < m->size)
				break;
		if (!m->size || len > m->size - (phys - m->cpu_start))
			return -ERANGE;
		addr = m->dma_start + (phys - m->cpu_start);
	}
	if (client->dma_mask && (addr > *client->dma_mask ||
				 len - 1 > *client->dma_mask - addr))
		return -ERANGE;
	*bus = addr;
	return 0;
}

static const struct iomem_dma_provider_ops of_provider_ops = {
	.bus_addr = of_bus_addr,
};

/* The name of the provider for reg entry @index of @dev (cells 1), or the node. */
static void of_provider_name(struct device *dev, u32 cells, unsigned int index,
			     char *buf, size_t len)
{
	if (cells)
		snprintf(buf, len, "%s-%u", dev_name(dev), index);
	else
		strscpy(buf, dev_name(dev), len);
}

static int iomem_dma_of_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct iomem_dma_provider_desc desc = { };
	struct iomem_dma_of_provider *p;
	char name[IOMEM_DMA_NODE_NAME_LEN];
	unsigned int i;
	int ret;

	p = iomem_dma_should_fail() ? NULL :
	    devm_kzalloc(dev, sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	ret = of_region_parse(dev, dev->of_node, &p->region);
	if (ret)
		return ret;

	for (i = 0; i < p->region.nr; i++) {
		struct resource *res = &p->region.res[i];

		if (iomem_dma_should_fail() ||
		    !devm_request_mem_region(dev, res->start,
					     resource_size(res),
					     dev_name(dev))) {
			dev_err(dev, "%pR is in use by another driver\n", res);
			return -EBUSY;
		}
		p->ranges[i].phys = res->start;
		p->ranges[i].size = resource_size(res);
		p->ranges[i].vaddr = iomem_dma_should_fail() ? NULL :
			p->region.prefetchable ?
			devm_ioremap_wc(dev, res->start, resource_size(res)) :
			devm_ioremap(dev, res->start, resource_size(res));
		if (!p->ranges[i].vaddr) {
			dev_err(dev, "cannot map %pR\n", res);
			return -ENOMEM;
		}
	}

	desc.dev = dev;
	desc.cpu_map = p->region.prefetchable ? IOMEM_DMA_CPU_WC :
						IOMEM_DMA_CPU_UNCACHED;
	desc.ops = &of_provider_ops;
	desc.priv = p;
	/* Looked up again when an overlay changes the fabric. */
	desc.fabric_from_device = true;
	p->nr_prov = p->region.cells ? p->region.nr : 1;
	for (i = 0; i < p->nr_prov; i++) {
		of_provider_name(dev, p->region.cells, i, name, sizeof(name));
		desc.name = name;
		desc.ranges = p->region.cells ? &p->ranges[i] : p->ranges;
		desc.nr_ranges = p->region.cells ? 1 : p->region.nr;
		p->prov[i] = devm_iomem_dma_provider_register(dev, &desc);
		if (IS_ERR(p->prov[i])) {
			ret = PTR_ERR(p->prov[i]);
			dev_err(dev, "cannot register provider %s (%d)\n", name,
				ret);
			goto out;
		}
		iomem_dma_provider_publish(p->prov[i], true);
	}
	platform_set_drvdata(pdev, p);
	ret = 0;
out:
	return ret;
}

static const struct of_device_id iomem_dma_of_match[] = {
	{ .compatible = REGION_COMPAT },
	{ }
};

static struct platform_driver iomem_dma_of_driver = {
	.probe = iomem_dma_of_probe,
	.driver = {
		.name = "iomem_dma_of",
		.of_match_table = iomem_dma_of_match,
	},
};

/* ---- client lookup ---- */

/**
 * iomem_dma_of_get() - the provider a devicetree consumer names
 * @dev: the consumer (a DMA master) with a devicetree node.
 * @name: an entry of its "peer-dma-region-names", or %NULL for the first
 *	entry of "peer-dma-regions".
 *
 * Every failure but -EPROBE_DEFER is reported once on @dev.
 *
 * Context: process context; may sleep.
 * Return: the provider, with a reference the caller drops with
 * iomem_dma_provider_put(); or an ERR_PTR(): -ENOENT if @dev has no node,
 * no such entry or no such name; -EINVAL if the entry is malformed (cell
 * count, dangling phandle, not a "peer-dma-region" node, index out of
 * range); -ENODEV if the region is disabled; -EPROBE_DEFER if its
 * provider is not registered (yet).
 */
struct iomem_dma_provider *iomem_dma_of_get(struct device *dev,
					    const char *name)
{
	struct device_node *np = dev_of_node(dev);
	struct iomem_dma_provider *prov;
	struct of_phandle_args args;
	struct platform_device *pdev;
	char pname[IOMEM_DMA_NODE_NAME_LEN];
	int index = 0, nregs, ret;

	might_sleep();
	if (!np) {
		dev_err(dev, "no devicetree node to look up peer-dma-regions\n");
		return ERR_PTR(-ENOENT);
	}
	if (name) {
		index = of_property_match_string(np, CONSUMER_NAMES, name);
		if (index < 0) {
			dev_err(dev, "no " CONSUMER_NAMES " entry \"%s\"\n",
				name);
			return ERR_PTR(-ENOENT);
		}
	}
	if (!of_property_present(np, CONSUMER_PROP)) {
		dev_err(dev, "no " CONSUMER_PROP " property\n");
		return ERR_PTR(-ENOENT);
	}
	ret = of_parse_phandle_with_args(np, CONSUMER_PROP, REGION_CELLS,
					 index, &args);
	if (ret == -ENOENT) {
		dev_err(dev, CONSUMER_PROP " has no entry %d\n", index);
		return ERR_PTR(-ENOENT);
	}
	if (ret) {
		dev_err(dev, CONSUMER_PROP " entry %d is malformed (dangling phandle or wrong cell count)\n",
			index);
		return ERR_PTR(-EINVAL);
	}
	if (!of_device_is_compatible(args.np, REGION_COMPAT)) {
		dev_err(dev, CONSUMER_PROP " entry %d: %pOF is not a " REGION_COMPAT "\n",
			index, args.np);
		prov = ERR_PTR(-EINVAL);
		goto put_np;
	}
	if (!of_device_is_available(args.np)) {
		dev_err(dev, CONSUMER_PROP " entry %d: %pOF is disabled\n",
			index, args.np);
		prov = ERR_PTR(-ENODEV);
		goto put_np;
	}
	nregs = of_address_count(args.np);
	if (args.args_count == 1 && args.args[0] >= nregs) {
		dev_err(dev, CONSUMER_PROP " entry %d: %pOF has no reg entry %u\n",
			index, args.np, args.args[0]);
		prov = ERR_PTR(-EINVAL);
		goto put_np;
	}

	pdev = of_find_device_by_node(args.np);
	if (!pdev) {
		prov = ERR_PTR(dev_err_probe(dev, -EPROBE_DEFER,
					     "%pOF has no device yet\n",
					     args.np));
		goto put_np;
	}
	of_provider_name(&pdev->dev, args.args_count,
			 args.args_count ? args.args[0] : 0, pname,
			 sizeof(pname));
	prov = iomem_dma_provider_get_by_name(pname);
	if (!prov)
		prov = ERR_PTR(dev_err_probe(dev, -EPROBE_DEFER,
					     "provider %s is not registered yet\n",
					     pname));
	/* The name is only a key: the provider must be the region's own. */
	if (!IS_ERR(prov) && iomem_dma_provider_dev(prov) != &pdev->dev) {
		dev_err(dev, "provider %s belongs to %s, not to %pOF\n",
			pname, dev_name(iomem_dma_provider_dev(prov)), args.np);
		iomem_dma_provider_put(prov);
		prov = ERR_PTR(-ENODEV);
	}
	put_device(&pdev->dev);
put_np:
	of_node_put(args.np);
	return prov;
}
EXPORT_SYMBOL_GPL(iomem_dma_of_get);

static void devm_iomem_dma_of_put(void *prov)
{
	iomem_dma_provider_put(prov);
}

/**
 * devm_iomem_dma_of_get() - managed iomem_dma_of_get()
 * @dev: the consumer; the reference is dropped when it is unbound.
 * @name: see iomem_dma_of_get().
 *
 * Context: process context; may sleep.
 * Return: see iomem_dma_of_get().
 */
struct iomem_dma_provider *devm_iomem_dma_of_get(struct device *dev,
						 const char *name)
{
	struct iomem_dma_provider *prov = iomem_dma_of_get(dev, name);
	int ret;

	might_sleep();
	if (IS_ERR(prov))
		return prov;
	ret = devm_add_action_or_reset(dev, devm_iomem_dma_of_put, prov);
	return ret ? ERR_PTR(ret) : prov;
}
EXPORT_SYMBOL_GPL(devm_iomem_dma_of_get);

/**
 * iomem_dma_of_check_region() - check a "peer-dma-region" node
 * @np: the node.
 *
 * What the provider driver checks at probe, without binding anything:
 * for diagnostics and tests. Failures are logged against @np.
 *
 * Return: 0, or the errno the probe would fail with.
 */
int iomem_dma_of_check_region(struct device_node *np)
{
	struct iomem_dma_of_region *r;
	int ret;

	r = kmalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	ret = of_region_parse(NULL, np, r);
	kfree(r);
	return ret;
}
EXPORT_SYMBOL_GPL(iomem_dma_of_check_region);

/* After the core (subsys_initcall), before platform devices probe. */
static int __init iomem_dma_of_init(void)
{
	int ret;

	ret = iomem_dma_fabric_register(&of_fabric);
	if (ret)
		return ret;
#ifdef CONFIG_OF_DYNAMIC
	ret = of_reconfig_notifier_register(&of_fabric_nb);
	if (ret)
		goto unregister_fabric;
#endif
	ret = platform_driver_register(&iomem_dma_of_driver);
	if (ret)
		goto unregister_notifier;
	return 0;

unregister_notifier:
#ifdef CONFIG_OF_DYNAMIC
	of_reconfig_notifier_unregister(&of_fabric_nb);
unregister_fabric:
#endif
	iomem_dma_fabric_unregister(&of_fabric);
	pr_err("devicetree backend unavailable (%d)\n", ret);
	return ret;
}
subsys_initcall_sync(iomem_dma_of_init);
