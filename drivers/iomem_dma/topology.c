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
 * What the firmware of any backend states about the pair: -1 deny, 1
 * allow, 0 nothing. A deny from any backend wins. Lockless; the caller
 * holds rcu_read_lock().
 */
int iomem_dma_firmware_verdict(struct iomem_dma_provider *prov,
			       struct device *client, char *where, size_t len)
{
	struct iomem_dma_fabric *fabric;
	char tmp[IOMEM_DMA_NODE_NAME_LEN];
	int verdict = 0, v;

	list_for_each_entry_rcu(fabric, &iomem_dma_fabrics, list) {
		if (!fabric->firmware_verdict)
			continue;
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

/* First node with ACS redirect on the way from @from up to (not incl.) @top. */
static const struct iomem_dma_node *
acs_redirect_below(const struct iomem_dma_node *from,
		   const struct iomem_dma_node *top)
{
	for (; from && from != top; from = from->parent)
		if (READ_ONCE(from->flags) & IOMEM_DMA_NODE_ACS_REDIRECT)
			return from;
	return NULL;
}

static const struct iomem_dma_node *
root_of(const struct iomem_dma_node *node)
{
	while (node->parent)
		node = node->parent;
	return node;
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
	const struct iomem_dma_node *p, *c, *common, *acs;
	int hops = 0;

	*common_out = NULL;
	v->rule = 0;
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
	*common_out = common;
	if (!common) {
		verdict_set(v, IOMEM_DMA_PATH_DENIED,
			    IOMEM_DMA_REASON_NO_COMMON_NODE, -1, NULL);
		return;
	}
	/* Count the two attachment links too: device to node and back. */
	hops += 2;

	if (READ_ONCE(common->flags) & IOMEM_DMA_NODE_HOST) {
		if (READ_ONCE(common->flags) & IOMEM_DMA_NODE_ROUTES_PEER)
			verdict_set(v, IOMEM_DMA_PATH_HOST,
				    IOMEM_DMA_REASON_HOST_ALLOWED, hops, common);
		else
			verdict_set(v, IOMEM_DMA_PATH_DENIED,
				    IOMEM_DMA_REASON_HOST_NOT_ALLOWED, hops,
				    common);
		return;
	}
	if (!(READ_ONCE(common->flags) & IOMEM_DMA_NODE_ROUTES_PEER)) {
		verdict_set(v, IOMEM_DMA_PATH_DENIED,
			    IOMEM_DMA_REASON_NO_ROUTING, hops, common);
		return;
	}

	acs = acs_redirect_below(pnode, common);
	if (!acs)
		acs = acs_redirect_below(cnode, common);
	if (!acs && (READ_ONCE(common->flags) & IOMEM_DMA_NODE_ACS_REDIRECT))
		acs = common;
	if (acs) {
		const struct iomem_dma_node *root = root_of(common);
		unsigned long rflags = READ_ONCE(root->flags);

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
