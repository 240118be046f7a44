// SPDX-License-Identifier: GPL-2.0-only
/*
 * iomem_dma topology: fabric nodes, bus backends, and the hardware verdict
 * for a provider/client pair.
 *
 * A device's place in the fabric is a chain of nodes from its attachment
 * point up to a root. Two devices can reach each other peer-to-peer through
 * their nearest common node if that node routes peer traffic and no port
 * on the way redirects it upstream; a root (host bridge) routes it only if
 * its backend says so. Anything else is denied.
 */

#define pr_fmt(fmt) "iomem_dma: " fmt

#include <linux/device.h>
#include <linux/iomem_dma_provider.h>
#include <linux/rculist.h>
#include <linux/seq_buf.h>
#include <linux/slab.h>
#include <linux/srcu.h>
#include <linux/string.h>

#include "internal.h"

/*
 * The registered backends: written under iomem_dma_fabrics_lock, read under
 * SRCU by iomem_dma_node_for_device() (whose callbacks may sleep, and are
 * called without any iomem_dma lock) and under RCU by verdicts.
 */
static LIST_HEAD(iomem_dma_fabrics);
static DEFINE_MUTEX(iomem_dma_fabrics_lock);
DEFINE_STATIC_SRCU(iomem_dma_fabrics_srcu);
/* Serialises writers of node flags; see DOC: locking. */
static DEFINE_MUTEX(iomem_dma_node_flags_lock);

/**
 * iomem_dma_node_create() - create a fabric node
 * @parent: upstream node, or %NULL for a root. A reference is taken.
 * @name: name matched by "node=" rules and shown in verdicts; copied
 *	whole, never cut.
 * @flags: IOMEM_DMA_NODE_* flags.
 *
 * Context: process context; may sleep.
 * Return: the node with one reference (drop it with iomem_dma_node_put()),
 * or an ERR_PTR(): -EINVAL for a %NULL or empty @name or unknown flags,
 * -ENAMETOOLONG for a name of 256 bytes or more, -ENOMEM if out of memory.
 */
struct iomem_dma_node *iomem_dma_node_create(struct iomem_dma_node *parent,
					     const char *name,
					     unsigned long flags)
{
	struct iomem_dma_node *node;

	might_sleep();
	if (!name || !name[0] || (flags & ~IOMEM_DMA_NODE_FLAGS_MASK))
		return ERR_PTR(-EINVAL);
	if (strlen(name) >= IOMEM_DMA_NAME_MAX)
		return ERR_PTR(-ENAMETOOLONG);
	node = iomem_dma_should_fail() ? NULL :
	       kzalloc(sizeof(*node), GFP_KERNEL);
	if (!node)
		return ERR_PTR(-ENOMEM);
	kref_init(&node->ref);
	strscpy(node->name, name, sizeof(node->name));
	node->flags = flags;
	if (parent) {
		node->parent = iomem_dma_node_get(parent);
		node->depth = parent->depth + 1;
	}
	return node;
}
EXPORT_SYMBOL_GPL(iomem_dma_node_create);

/**
 * iomem_dma_node_get() - take a reference on a fabric node
 * @node: the node, or %NULL.
 *
 * Return: @node.
 */
struct iomem_dma_node *iomem_dma_node_get(struct iomem_dma_node *node)
{
	if (node)
		kref_get(&node->ref);
	return node;
}
EXPORT_SYMBOL_GPL(iomem_dma_node_get);

static void iomem_dma_node_release(struct kref *ref)
{
	struct iomem_dma_node *node =
		container_of(ref, struct iomem_dma_node, ref);
	struct iomem_dma_node *parent = node->parent;

	/* Verdicts may be walking it under RCU; its parent goes the same way. */
	kfree_rcu(node, rcu);
	iomem_dma_node_put(parent);
}

/**
 * iomem_dma_node_put() - drop a reference on a fabric node
 * @node: the node; %NULL and error pointers are ignored.
 */
void iomem_dma_node_put(struct iomem_dma_node *node)
{
	if (!IS_ERR_OR_NULL(node))
		kref_put(&node->ref, iomem_dma_node_release);
}
EXPORT_SYMBOL_GPL(iomem_dma_node_put);

/**
 * iomem_dma_node_update() - change a node's flags after a topology change
 * @node: the node.
 * @set: flags to set.
 * @clear: flags to clear.
 *
 * Verdicts computed before the change are stale afterwards; clients
 * holding memory of a pair the change denies get their revoke callback
 * soon after, from a work item.
 *
 * Context: process context; may sleep.
 * Return: 0, or -EINVAL for a %NULL node or unknown flags.
 */
int iomem_dma_node_update(struct iomem_dma_node *node, unsigned long set,
			  unsigned long clear)
{
	might_sleep();
	if (!node || ((set | clear) & ~IOMEM_DMA_NODE_FLAGS_MASK))
		return -EINVAL;
	mutex_lock(&iomem_dma_node_flags_lock);
	WRITE_ONCE(node->flags, (node->flags & ~clear) | set);
	iomem_dma_generation_bump();
	mutex_unlock(&iomem_dma_node_flags_lock);
	iomem_dma_policy_revoke_later(false);
	return 0;
}
EXPORT_SYMBOL_GPL(iomem_dma_node_update);

/**
 * iomem_dma_topology_changed() - tell the core the fabric changed
 *
 * For a backend whose view of the fabric changed in a way no node's flags
 * describe (a node went away, a statement was added to a node that is not
 * a fabric node yet): verdicts computed before are stale; soon after, from
 * a work item, the core asks the backends again where every client (and
 * every provider registered with &iomem_dma_provider_desc.fabric_from_device)
 * sits, and clients with mappings of a pair that is now denied get their
 * revoke callback.
 *
 * Context: any context that may queue work; does not sleep.
 */
void iomem_dma_topology_changed(void)
{
	iomem_dma_generation_bump();
	iomem_dma_policy_revoke_later(true);
}
EXPORT_SYMBOL_GPL(iomem_dma_topology_changed);

/**
 * iomem_dma_node_name() - a node's name
 * @node: the node.
 *
 * Return: the name, valid while the caller holds a reference.
 */
const char *iomem_dma_node_name(const struct iomem_dma_node *node)
{
	return node->name;
}
EXPORT_SYMBOL_GPL(iomem_dma_node_name);

/**
 * iomem_dma_node_flags() - a node's current flags
 * @node: the node.
 *
 * Return: the IOMEM_DMA_NODE_* flags.
 */
unsigned long iomem_dma_node_flags(const struct iomem_dma_node *node)
{
	return READ_ONCE(node->flags);
}
EXPORT_SYMBOL_GPL(iomem_dma_node_flags);

/**
 * iomem_dma_fabric_register() - add a bus backend
 * @fabric: the backend; must stay valid until unregistered.
 *
 * Context: process context; may sleep.
 * Return: 0; -EINVAL if @fabric, its name or node_for_device is missing;
 * -EBUSY if it is registered already.
 */
int iomem_dma_fabric_register(struct iomem_dma_fabric *fabric)
{
	struct iomem_dma_fabric *pos;
	int ret = 0;

	might_sleep();
	if (!fabric || !fabric->name || !fabric->node_for_device)
		return -EINVAL;
	mutex_lock(&iomem_dma_fabrics_lock);
	list_for_each_entry(pos, &iomem_dma_fabrics, list) {
		if (pos == fabric) {
			ret = -EBUSY;
			goto unlock;
		}
	}
	list_add_tail_rcu(&fabric->list, &iomem_dma_fabrics);
	iomem_dma_generation_bump();
unlock:
	mutex_unlock(&iomem_dma_fabrics_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(iomem_dma_fabric_register);

/**
 * iomem_dma_fabric_unregister() - remove a bus backend
 * @fabric: a backend added with iomem_dma_fabric_register(); anything
 *	else is ignored.
 *
 * Context: process context; may sleep.
 */
void iomem_dma_fabric_unregister(struct iomem_dma_fabric *fabric)
{
	struct iomem_dma_fabric *pos;

	might_sleep();
	if (!fabric)
		return;
	mutex_lock(&iomem_dma_fabrics_lock);
	list_for_each_entry(pos, &iomem_dma_fabrics, list) {
		if (pos == fabric) {
			list_del_rcu(&fabric->list);
			iomem_dma_generation_bump();
			break;
		}
	}
	mutex_unlock(&iomem_dma_fabrics_lock);
	/*
	 * Verdicts being computed may still be in its firmware_verdict, and
	 * lookups in its node_for_device.
	 */
	synchronize_rcu();
	synchronize_srcu(&iomem_dma_fabrics_srcu);
}
EXPORT_SYMBOL_GPL(iomem_dma_fabric_unregister);

/**
 * iomem_dma_fabric_rescan() - have every backend look at the hardware again
 *
 * Each backend with a &iomem_dma_fabric.rescan callback reads again what
 * it took from the hardware once (PCI ACS bits, say) and updates the nodes
 * that changed; then the core asks again where every client (and every
 * provider that follows its device) sits. When this returns, every verdict
 * reflects the new state
 * and every client whose mapped pair the change denied has had its revoke
 * callback. The administrator's way in is IOMEM_DMA_IOC_RESCAN.
 *
 * Context: process context; sleeps. Must not be called from a revoke
 * callback.
 * Return: the number of backends that rescanned.
 */
int iomem_dma_fabric_rescan(void)
{
	struct iomem_dma_fabric *fabric;
	int idx, n = 0;

	might_sleep();
	idx = srcu_read_lock(&iomem_dma_fabrics_srcu);
	list_for_each_entry_srcu(fabric, &iomem_dma_fabrics, list,
				 srcu_read_lock_held(&iomem_dma_fabrics_srcu)) {
		if (!fabric->rescan)
			continue;
		fabric->rescan();
		n++;
	}
	srcu_read_unlock(&iomem_dma_fabrics_srcu, idx);
	/*
	 * A node that changed was updated with iomem_dma_node_update(), which
	 * made the verdicts stale; the work item that runs its revoke pass
	 * looks the attachments up again first when asked to: ask, and wait.
	 */
	iomem_dma_policy_revoke_later(true);
	iomem_dma_policy_revoke_flush();
	return n;
}
EXPORT_SYMBOL_GPL(iomem_dma_fabric_rescan);

/*
 * Ask each backend in turn where @dev sits. Returns a reference or NULL.
 * Holds no iomem_dma lock while a backend answers (it may sleep and take
 * its own locks), as &struct iomem_dma_fabric documents.
 */
struct iomem_dma_node *iomem_dma_node_for_device(struct device *dev)
{
	struct iomem_dma_fabric *fabric;
	struct iomem_dma_node *node = NULL;
	int idx;

	might_sleep();
	idx = srcu_read_lock(&iomem_dma_fabrics_srcu);
	list_for_each_entry_srcu(fabric, &iomem_dma_fabrics, list,
				 srcu_read_lock_held(&iomem_dma_fabrics_srcu)) {
		node = fabric->node_for_device(dev);
		if (IS_ERR(node))
			node = NULL;
		if (node)
			break;
	}
	srcu_read_unlock(&iomem_dma_fabrics_srcu, idx);
	return node;
}

/*
 * Whether firmware could name @prov at all: a statement names a provider
 * by its firmware node (a devicetree phandle, an ACPI path), so one whose
 * device has none (a PCI BAR the firmware does not describe) is named by
 * none and no fabric is asked. What dev_fwnode() reads, inline: this is
 * on every verdict computation.
 */
static bool prov_has_fwnode(const struct iomem_dma_provider *prov)
{
	return prov->dev && (prov->dev->of_node || prov->dev->fwnode);
}

/*
 * What the firmware of any backend states about the pair: -1 deny, 1
 * allow, 0 nothing. A deny from any backend wins. Lockless; the caller
 * holds rcu_read_lock().
 */
int iomem_dma_firmware_verdict(struct iomem_dma_provider *prov,
			       struct device *client, char *where, size_t len)
{
	struct iomem_dma_fabric *fabric;
	/* Not zeroed on every verdict: emptied before each statement. */
	char tmp[IOMEM_DMA_NODE_NAME_LEN] __uninitialized;
	int verdict = 0, v;

	if (!prov_has_fwnode(prov))
		return 0;
	list_for_each_entry_rcu(fabric, &iomem_dma_fabrics, list) {
		if (!fabric->firmware_verdict)
			continue;
		tmp[0] = '\0';
		v = fabric->firmware_verdict(prov, client, tmp, sizeof(tmp));
		if (v < 0) {
			strscpy(where, tmp, len);
			return -1;
		}
		if (v > 0 && !verdict) {
			strscpy(where, tmp, len);
			verdict = 1;
		}
	}
	return verdict;
}

static void verdict_set(struct iomem_dma_verdict *v, enum iomem_dma_path path,
			enum iomem_dma_reason reason, int distance,
			const struct iomem_dma_node *node)
{
	v->path = path;
	v->reason = reason;
	v->distance = distance;
	if (node)
		strscpy(v->node, node->name, sizeof(v->node));
	else
		v->node[0] = '\0';
}

static const struct iomem_dma_node *
root_of(const struct iomem_dma_node *node)
{
	while (node->parent)
		node = node->parent;
	return node;
}

/* One more node whose ACS redirect applies, named if there is room. */
static void route_add_redirect(struct iomem_dma_hw_route *route,
			       const struct iomem_dma_node *node)
{
	if (!route)
		return;
	if (route->nr_redirect < IOMEM_DMA_ROUTE_MAX_REDIRECT)
		route->redirect[route->nr_redirect] = node;
	route->nr_redirect++;
}

/**
 * iomem_dma_hw_verdict_route() - the hardware verdict of a pair, and its route
 * @prov: the provider.
 * @pnode: its attachment node, or %NULL.
 * @client: the client device.
 * @cnode: its attachment node, or %NULL.
 * @v: the verdict (path, reason, distance, node; rule 0).
 * @route: what the verdict read, for an explanation, or %NULL; see
 *	&struct iomem_dma_hw_route.
 *
 * Each node's flags are read once, and the verdict and @route come from
 * the same reads. Where an ACS redirect applies, @v names the first
 * redirecting node below the common node on the provider's side, else on
 * the client's side, else the common node itself; @route lists them all.
 *
 * Context: pure computation on nodes the caller holds (a reference, or RCU
 * on attachments): no locks, no sleeping.
 */
void iomem_dma_hw_verdict_route(struct iomem_dma_provider *prov,
				const struct iomem_dma_node *pnode,
				struct device *client,
				const struct iomem_dma_node *cnode,
				struct iomem_dma_verdict *v,
				struct iomem_dma_hw_route *route)
{
	const struct iomem_dma_node *p, *c, *common, *root, *n;
	const struct iomem_dma_node *first_p = NULL, *first_c = NULL, *acs;
	unsigned long cflags, f;
	bool common_acs = false;
	int hops = 0;

	if (route) {
		/* Not the array: only the first @nr_redirect entries are read. */
		route->pnode = pnode;
		route->cnode = cnode;
		route->common = NULL;
		route->common_flags = 0;
		route->root = NULL;
		route->root_flags = 0;
		route->nr_redirect = 0;
	}
	v->rule = 0;
	/* The IOMMU step fills these in later; every verdict starts from none. */
	v->iommu = IOMEM_DMA_IOMMU_NONE;
	v->iommu_path = IOMEM_DMA_IOMMU_PATH_UNCHANGED;
	if (READ_ONCE(prov->dead)) {
		verdict_set(v, IOMEM_DMA_PATH_DENIED,
			    IOMEM_DMA_REASON_PROVIDER_GONE, -1, NULL);
		return;
	}
	if (client == prov->dev) {
		verdict_set(v, IOMEM_DMA_PATH_BUS,
			    IOMEM_DMA_REASON_SAME_DEVICE, 0, NULL);
		return;
	}
	if (!pnode) {
		verdict_set(v, IOMEM_DMA_PATH_DENIED,
			    IOMEM_DMA_REASON_PROVIDER_NOT_ON_FABRIC, -1, NULL);
		return;
	}
	if (!cnode) {
		verdict_set(v, IOMEM_DMA_PATH_DENIED,
			    IOMEM_DMA_REASON_CLIENT_NOT_ON_FABRIC, -1, NULL);
		return;
	}

	/* Nearest common node: equalise depths, then climb together. */
	p = pnode;
	c = cnode;
	while (p->depth > c->depth) {
		p = p->parent;
		hops++;
	}
	while (c->depth > p->depth) {
		c = c->parent;
		hops++;
	}
	while (p && p != c) {
		p = p->parent;
		c = c->parent;
		hops += 2;
	}
	common = p;
	if (!common) {
		verdict_set(v, IOMEM_DMA_PATH_DENIED,
			    IOMEM_DMA_REASON_NO_COMMON_NODE, -1, NULL);
		return;
	}
	/* Count the two attachment links too: device to node and back. */
	hops += 2;

	cflags = READ_ONCE(common->flags);
	if (route) {
		route->common = common;
		route->common_flags = cflags;
	}
	if (cflags & IOMEM_DMA_NODE_HOST) {
		if (route) {
			route->root = common;
			route->root_flags = cflags;
		}
		if (cflags & IOMEM_DMA_NODE_ROUTES_PEER)
			verdict_set(v, IOMEM_DMA_PATH_HOST,
				    IOMEM_DMA_REASON_HOST_ALLOWED, hops, common);
		else
			verdict_set(v, IOMEM_DMA_PATH_DENIED,
				    IOMEM_DMA_REASON_HOST_NOT_ALLOWED, hops,
				    common);
		return;
	}
	if (!(cflags & IOMEM_DMA_NODE_ROUTES_PEER)) {
		verdict_set(v, IOMEM_DMA_PATH_DENIED,
			    IOMEM_DMA_REASON_NO_ROUTING, hops, common);
		return;
	}

	/*
	 * Every node on the route whose redirect applies, in upstream's
	 * order: the provider's side up to and including the common node,
	 * then the client's side below it.
	 */
	for (n = pnode; ; n = n->parent) {
		f = n == common ? cflags : READ_ONCE(n->flags);
		if (f & IOMEM_DMA_NODE_ACS_REDIRECT) {
			route_add_redirect(route, n);
			if (n == common)
				common_acs = true;
			else if (!first_p)
				first_p = n;
		}
		if (n == common)
			break;
	}
	for (n = cnode; n != common; n = n->parent) {
		if (READ_ONCE(n->flags) & IOMEM_DMA_NODE_ACS_REDIRECT) {
			route_add_redirect(route, n);
			if (!first_c)
				first_c = n;
		}
	}
	acs = first_p ?: first_c ?: (common_acs ? common : NULL);
	if (acs) {
		unsigned long rflags;

		root = root_of(common);
		rflags = READ_ONCE(root->flags);
		if (route) {
			route->root = root;
			route->root_flags = rflags;
		}
		if ((rflags & IOMEM_DMA_NODE_HOST) &&
		    (rflags & IOMEM_DMA_NODE_ROUTES_PEER))
			verdict_set(v, IOMEM_DMA_PATH_HOST,
				    IOMEM_DMA_REASON_ACS_VIA_HOST, hops, acs);
		else
			verdict_set(v, IOMEM_DMA_PATH_DENIED,
				    IOMEM_DMA_REASON_ACS_REDIRECT, hops, acs);
		return;
	}
	verdict_set(v, IOMEM_DMA_PATH_BUS, IOMEM_DMA_REASON_COMMON_NODE, hops,
		    common);
}

/*
 * The hardware verdict for @prov, attached at @pnode, and @client, attached
 * at @cnode (either may be NULL); *@common_out gets the nearest common node
 * or NULL. Pure computation on nodes the caller holds (a reference, or RCU
 * on attachments): no locks, no sleeping.
 */
void iomem_dma_hw_verdict(struct iomem_dma_provider *prov,
			  const struct iomem_dma_node *pnode,
			  struct device *client,
			  const struct iomem_dma_node *cnode,
			  struct iomem_dma_verdict *v,
			  const struct iomem_dma_node **common_out)
{
	struct iomem_dma_hw_route route;

	iomem_dma_hw_verdict_route(prov, pnode, client, cnode, v, &route);
	*common_out = route.common;
}

/*
 * Lines of an explanation go whole or not at all: an explanation cut short
 * is a prefix of the whole one, ending at a line. @full stops every line
 * after the first that did not fit.
 */
struct explain_out {
	struct seq_buf *s;
	size_t start;
	bool full;
};

static bool line_begin(struct explain_out *o, const char *key)
{
	if (o->full)
		return false;
	o->start = o->s->len;
	seq_buf_printf(o->s, "%s: ", key);
	return true;
}

/* The line fits with the NUL after it (seq_buf may fill the last byte). */
static bool line_fits(struct explain_out *o)
{
	return !seq_buf_has_overflowed(o->s) && o->s->len < o->s->size;
}

static void line_end(struct explain_out *o)
{
	seq_buf_putc(o->s, '\n');
	if (line_fits(o))
		return;
	/* seq_buf keeps no state past len: dropping the line is resetting it. */
	o->s->len = o->start;
	o->full = true;
}

/* Drop a line begun that got nothing after its key. */
static void line_cancel(struct explain_out *o)
{
	if (!line_fits(o))
		o->full = true;
	o->s->len = o->start;
}

/* The @i-th node above @from (0: @from itself). */
static const struct iomem_dma_node *
node_up(const struct iomem_dma_node *from, unsigned int i)
{
	while (i--)
		from = from->parent;
	return from;
}

/*
 * "route: P > a > common < b < C": from the provider's device up through
 * its nodes to the common node, then down to the client's device; two
 * roots without a common node are joined by " | ".
 */
static void explain_route(struct explain_out *o, struct iomem_dma_provider *prov,
			  struct device *client,
			  const struct iomem_dma_hw_route *route)
{
	const struct iomem_dma_node *n, *stop = route->common;
	unsigned int below;

	if (!line_begin(o, "route"))
		return;
	seq_buf_puts(o->s, dev_name(prov->dev));
	for (n = route->pnode; n; n = n->parent) {
		seq_buf_printf(o->s, " > %s", n->name);
		if (n == stop)
			break;
	}
	if (!stop)
		seq_buf_puts(o->s, " |");
	/* Down from below the common node (or from the root) to the client. */
	below = route->cnode->depth + 1;
	if (stop)
		below = route->cnode->depth - stop->depth;
	while (below--) {
		n = node_up(route->cnode, below);
		seq_buf_printf(o->s, "%s%s", stop || n->parent ? " < " : " ",
			       n->name);
	}
	seq_buf_printf(o->s, " < %s", dev_name(client));
	line_end(o);
}

static void explain_common(struct explain_out *o,
			   const struct iomem_dma_hw_route *route)
{
	static const char both[] = "the provider and client";
	const struct iomem_dma_node *common = route->common;

	if (!line_begin(o, "common"))
		return;
	if (!common) {
		seq_buf_printf(o->s, "none; %s are under different roots (%s, %s)",
			       both, root_of(route->pnode)->name,
			       root_of(route->cnode)->name);
	} else if (route->common_flags & IOMEM_DMA_NODE_HOST) {
		seq_buf_printf(o->s, "only the root %s; %s share no node below it",
			       common->name, both);
	} else {
		seq_buf_printf(o->s, "%s %s", common->name,
			       route->common_flags & IOMEM_DMA_NODE_ROUTES_PEER ?
			       "routes peer traffic between the nodes below it" :
			       "does not route peer traffic");
	}
	line_end(o);
}

static void explain_redirect(struct explain_out *o,
			     const struct iomem_dma_hw_route *route)
{
	unsigned int named = min_t(unsigned int, route->nr_redirect,
				   IOMEM_DMA_ROUTE_MAX_REDIRECT);
	struct iomem_dma_fabric *fabric;
	size_t text;
	unsigned int i;

	if (!route->nr_redirect || !line_begin(o, "redirect"))
		return;
	for (i = 0; i < named; i++)
		seq_buf_printf(o->s, "%s%s", i ? " " : "",
			       route->redirect[i]->name);
	if (route->nr_redirect > named)
		seq_buf_printf(o->s, " (and %u more)",
			       route->nr_redirect - named);
	line_end(o);

	if (!line_begin(o, "fix"))
		return;
	text = o->s->len;
	list_for_each_entry_rcu(fabric, &iomem_dma_fabrics, list)
		if (fabric->explain_redirect)
			fabric->explain_redirect(route->redirect, named, o->s);
	if (o->s->len == text)
		line_cancel(o);
	else
		line_end(o);
}

static void explain_root(struct explain_out *o,
			 const struct iomem_dma_node *root, unsigned long flags)
{
	struct iomem_dma_fabric *fabric;

	if (!(flags & IOMEM_DMA_NODE_HOST) || !line_begin(o, "host"))
		return;
	seq_buf_printf(o->s, "%s %s", root->name,
		       flags & IOMEM_DMA_NODE_ROUTES_PEER ?
		       "routes peer traffic" : "does not route peer traffic");
	list_for_each_entry_rcu(fabric, &iomem_dma_fabrics, list)
		if (fabric->explain_root)
			fabric->explain_root(root, flags, o->s);
	line_end(o);
}

/**
 * iomem_dma_hw_route_explain() - write the lines that explain a route
 * @prov: the provider of the verdict.
 * @client: the client device.
 * @route: what the verdict read, from iomem_dma_hw_verdict_route().
 * @v: the verdict.
 * @s: where the lines go; a line that does not fit is left out whole,
 *	and so is every line after it.
 *
 * Writes "route:", "common:", "redirect:" and "fix:" (when an ACS
 * redirect applied) and one "host:" line per host bridge root of the
 * route (two without a common node), as
 * Documentation/driver-api/iomem_dma/policy.rst describes; nothing when
 * the verdict did not look at the fabric (the provider is gone, the
 * client is the provider's own device, either is on no fabric). Flags the
 * verdict decided from are taken from @route; the others (a root the
 * verdict did not need) are read now.
 *
 * Context: under rcu_read_lock(), in the section that computed @route;
 * does not sleep.
 */
void iomem_dma_hw_route_explain(struct iomem_dma_provider *prov,
				struct device *client,
				const struct iomem_dma_hw_route *route,
				const struct iomem_dma_verdict *v,
				struct seq_buf *s)
{
	struct explain_out o = { .s = s };
	const struct iomem_dma_node *pr, *cr;

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(),
			 "iomem_dma: route explained outside the verdict's RCU section");
	switch (v->reason) {
	case IOMEM_DMA_REASON_PROVIDER_GONE:
	case IOMEM_DMA_REASON_SAME_DEVICE:
		return;
	default:
		break;
	}
	if (!route->pnode || !route->cnode)
		return;
	explain_route(&o, prov, client, route);
	explain_common(&o, route);
	explain_redirect(&o, route);
	if (route->root) {
		explain_root(&o, route->root, route->root_flags);
	} else if (route->common) {
		pr = root_of(route->common);
		explain_root(&o, pr, READ_ONCE(pr->flags));
	} else {
		pr = root_of(route->pnode);
		cr = root_of(route->cnode);
		explain_root(&o, pr, READ_ONCE(pr->flags));
		explain_root(&o, cr, READ_ONCE(cr->flags));
	}
}
