// SPDX-License-Identifier: GPL-2.0-only
/*
 * iomem_dma policy: administrator rules on top of the hardware verdict,
 * cached verdicts, revoke of pairs that turn to deny.
 *
 * Rule syntax, one rule per write or per ';'-separated item of the
 * iomem_dma.policy= boot parameter:
 *
 *	allow|deny provider=NAME [client=NAME] [force] [iommu|bus]
 *	allow|deny client=NAME [force] [iommu|bus]
 *	allow|deny node=NAME [force] [iommu|bus]
 *
 * NAME is a provider name, a device's stable name (PCI dddd:bb:dd.f,
 * devicetree full path, otherwise dev_name()) or a fabric node name.
 * "force", "iommu" and "bus" are only valid with allow. "iommu" keeps
 * the client's IOMMU (or the host bridge) in the path of a pair the
 * fabric would route by bus address; "bus" keeps the bus address even
 * though the client's IOMMU translates, which is right only where the
 * fabric delivers peer requests before they reach the IOMMU.
 *
 * Precedence: a matching deny rule wins over everything. Otherwise a
 * matching allow rule allows the pair through the host bridge or IOMMU
 * when the hardware does not route it, except that overriding a hardware
 * "no" (ACS redirect, a bus that does not route peer traffic) needs
 * "force", which taints the kernel. Without a matching rule, a firmware
 * statement (devicetree peer-dma-deny or peer-dma-allow) decides: deny,
 * or allow through the host bridge or IOMMU. Without either, the
 * hardware verdict stands, and a pair with no route is denied.
 *
 * Rules live on an RCU list: verdicts read them without locks, writers
 * hold iomem_dma_rules_lock. Every change bumps the generation, which makes
 * every cached verdict stale at once.
 */

#define pr_fmt(fmt) "iomem_dma: " fmt

#include <linux/ctype.h>
#include <linux/device.h>
#include <linux/iommu.h>
#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/of.h>
#include <linux/panic.h>
#include <linux/rculist.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include "internal.h"

#include <trace/events/iomem_dma.h>

enum rule_target { RULE_PAIR, RULE_PROVIDER, RULE_CLIENT, RULE_NODE };
enum rule_iommu { RULE_IOMMU_DEFAULT, RULE_IOMMU_KEEP, RULE_IOMMU_BYPASS };

/**
 * struct iomem_dma_rule - one administrator rule
 * @list: entry in iomem_dma_rules (RCU; written under iomem_dma_rules_lock).
 * @id: number shown to and used by the administrator, never reused.
 * @allow: allow (true) or deny.
 * @force: allow even over a hardware "no".
 * @iommu: "iommu" (keep the IOMMU in the path), "bus" (bypass a
 *	translating IOMMU) or neither.
 * @target: what the names match.
 * @a: provider or node name, or client name for %RULE_CLIENT.
 * @b: client name for %RULE_PAIR.
 * @logged: a forced override was logged (once per rule).
 * @rcu: deferred free.
 */
struct iomem_dma_rule {
	struct list_head list;
	unsigned int id;
	bool allow;
	bool force;
	enum rule_iommu iommu;
	enum rule_target target;
	char a[IOMEM_DMA_NAME_MAX];
	char b[IOMEM_DMA_NAME_MAX];
	atomic_t logged;
	struct rcu_head rcu;
};

static int rule_format(const struct iomem_dma_rule *r, char *buf, size_t size);

/* Writers of the rules, their count and their ids; see DOC: locking. */
static DEFINE_MUTEX(iomem_dma_rules_lock);
static LIST_HEAD(iomem_dma_rules);
static unsigned int iomem_dma_nr_rules;		/* under iomem_dma_rules_lock */
static unsigned int iomem_dma_next_rule_id = 1;	/* under iomem_dma_rules_lock */
atomic_t iomem_dma_denial_logs = ATOMIC_INIT(0);

static char *iomem_dma_boot_policy;
module_param_named(policy, iomem_dma_boot_policy, charp, 0400);
MODULE_PARM_DESC(policy,
		 "Rules applied at boot, separated by ';', e.g. \"allow node=pci0000:00;deny client=0000:00:03.0\"");

/*
 * The name rules use for a device, whole: the devicetree full path when it
 * has a node, otherwise dev_name() (for PCI domain:bus:dev.fn). Allocated;
 * the caller frees it. NULL when out of memory.
 */
char *iomem_dma_stable_name(struct device *dev, gfp_t gfp)
{
	if (iomem_dma_should_fail())
		return NULL;
	if (dev_of_node(dev))
		return kasprintf(gfp, "%pOF", dev_of_node(dev));
	return kstrdup(dev_name(dev), gfp);
}

/* Names are plain ASCII: letters, digits and a few separators. */
static bool name_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || (c && strchr("_.:/@,+-#", c));
}

/* Parse "key=NAME" at *p; advances *p past it. */
static int parse_kv(const char **p, const char *end, const char *key,
		    char *out)
{
	size_t klen = strlen(key), n = 0;
	const char *s = *p;

	if (end - s <= klen || strncmp(s, key, klen) || s[klen] != '=')
		return -EINVAL;
	s += klen + 1;
	while (s < end && *s != ' ') {
		if (!name_char_ok(*s) || n >= IOMEM_DMA_NAME_MAX - 1)
			return -EINVAL;
		out[n++] = *s++;
	}
	if (!n)
		return -EINVAL;
	out[n] = '\0';
	*p = s;
	return 0;
}

static bool word_at(const char *s, const char *end, const char *word)
{
	size_t n = strlen(word);

	return end - s >= n && !strncmp(s, word, n) &&
	       (end - s == n || s[n] == ' ');
}

/*
 * Strict parser: single spaces between words, one optional trailing
 * newline, nothing else.
 */
static int rule_parse(const char *buf, size_t len, struct iomem_dma_rule *r)
{
	const char *p = buf, *end = buf + len;

	if (!len || len > IOMEM_DMA_RULE_MAX_LEN)
		return -EINVAL;
	if (end[-1] == '\n')
		end--;
	if (memchr(buf, '\0', end - buf))
		return -EINVAL;

	memset(r, 0, sizeof(*r));
	if (word_at(p, end, "allow")) {
		r->allow = true;
		p += 5;
	} else if (word_at(p, end, "deny")) {
		p += 4;
	} else {
		return -EINVAL;
	}
	if (p == end || *p++ != ' ')
		return -EINVAL;

	if (!parse_kv(&p, end, "provider", r->a)) {
		r->target = RULE_PROVIDER;
		/* Never look past @end: the text need not be terminated. */
		if (end - p > 8 && !memcmp(p, " client=", 8)) {
			p++;
			if (parse_kv(&p, end, "client", r->b))
				return -EINVAL;
			r->target = RULE_PAIR;
		}
	} else if (!parse_kv(&p, end, "client", r->a)) {
		r->target = RULE_CLIENT;
	} else if (!parse_kv(&p, end, "node", r->a)) {
		r->target = RULE_NODE;
	} else {
		return -EINVAL;
	}

	/* Options in this order, each at most once, only on allow rules. */
	if (p < end && *p == ' ' && word_at(p + 1, end, "force")) {
		r->force = true;
		p += 6;
	}
	if (p < end && *p == ' ' && word_at(p + 1, end, "iommu")) {
		r->iommu = RULE_IOMMU_KEEP;
		p += 6;
	} else if (p < end && *p == ' ' && word_at(p + 1, end, "bus")) {
		r->iommu = RULE_IOMMU_BYPASS;
		p += 4;
	}
	if ((r->force || r->iommu) && !r->allow)
		return -EINVAL;
	return p == end ? 0 : -EINVAL;
}

static bool rule_same(const struct iomem_dma_rule *x,
		      const struct iomem_dma_rule *y)
{
	return x->allow == y->allow && x->force == y->force &&
	       x->iommu == y->iommu && x->target == y->target && !strcmp(x->a, y->a) &&
	       !strcmp(x->b, y->b);
}

/**
 * iomem_dma_policy_add() - parse and add one rule
 * @buf: the rule text, not necessarily NUL-terminated.
 * @len: its length.
 * @id: the new rule's id on success (may be %NULL).
 *
 * Return: 0; -EINVAL if the text is not exactly one valid rule or the
 * same rule exists; -ENOSPC if the table is full; -ENOMEM.
 */
int iomem_dma_policy_add(const char *buf, size_t len, unsigned int *id)
{
	struct iomem_dma_rule *r, *pos;
	int ret;

	r = iomem_dma_should_fail() ? NULL : kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	ret = rule_parse(buf, len, r);
	if (ret)
		goto free;

	mutex_lock(&iomem_dma_rules_lock);
	list_for_each_entry(pos, &iomem_dma_rules, list) {
		if (rule_same(pos, r)) {
			ret = -EINVAL;
			goto unlock;
		}
	}
	if (iomem_dma_nr_rules >= IOMEM_DMA_MAX_RULES) {
		ret = -ENOSPC;
		goto unlock;
	}
	r->id = iomem_dma_next_rule_id++;
	list_add_tail_rcu(&r->list, &iomem_dma_rules);
	iomem_dma_nr_rules++;
	iomem_dma_generation_bump();
	if (id)
		*id = r->id;
	if (trace_iomem_dma_rule_add_enabled()) {
		char *text = kmemdup_nul(buf, len, GFP_KERNEL);

		trace_iomem_dma_rule_add(r->id, text ? strim(text) : "?");
		kfree(text);
	}
	mutex_unlock(&iomem_dma_rules_lock);
	return 0;

unlock:
	mutex_unlock(&iomem_dma_rules_lock);
free:
	kfree(r);
	return ret;
}

/**
 * iomem_dma_policy_remove() - remove a rule by id
 * @buf: decimal id, optionally followed by a newline.
 * @len: length of @buf.
 *
 * Return: 0; -EINVAL for malformed text or an id that does not exist.
 */
int iomem_dma_policy_remove(const char *buf, size_t len)
{
	struct iomem_dma_rule *pos;
	char tmp[16];
	unsigned int id;
	int ret = -EINVAL;

	if (!len || len >= sizeof(tmp))
		return -EINVAL;
	memcpy(tmp, buf, len);
	tmp[len] = '\0';
	if (strlen(tmp) != len || !isdigit(tmp[0]) || kstrtouint(tmp, 10, &id))
		return -EINVAL;

	mutex_lock(&iomem_dma_rules_lock);
	list_for_each_entry(pos, &iomem_dma_rules, list) {
		if (pos->id == id) {
			list_del_rcu(&pos->list);
			iomem_dma_nr_rules--;
			iomem_dma_generation_bump();
			kfree_rcu(pos, rcu);
			trace_iomem_dma_rule_remove(id);
			ret = 0;
			break;
		}
	}
	mutex_unlock(&iomem_dma_rules_lock);
	return ret;
}

/**
 * iomem_dma_policy_replace() - replace every rule by a new set
 * @buf: rules separated by newlines (empty lines are skipped), not
 *	necessarily NUL-terminated.
 * @len: length of @buf.
 * @count: the number of rules afterwards, on success (may be %NULL).
 *
 * All or nothing: the whole set is parsed before anything changes. The new
 * rules are visible to verdicts before the old ones go, and the generation
 * changes once, after both: a verdict computed meanwhile sees both sets,
 * which denies whatever either set's deny rules deny and allows only what
 * one of the sets allows, so a pair both sets allow is never denied on the
 * way. The caller revokes what the new set denies.
 *
 * Context: process context; takes iomem_dma_rules_lock.
 * Return: 0; -EINVAL if a line is not exactly one valid rule or two lines
 * are the same rule; -ENOSPC for more than %IOMEM_DMA_MAX_RULES rules;
 * -ENOMEM. The rules are unchanged on error.
 */
int iomem_dma_policy_replace(const char *buf, size_t len, unsigned int *count)
{
	const char *p = buf, *end = buf + len, *nl;
	struct iomem_dma_rule *r, *pos, *tmp;
	struct list_head *last_old;
	LIST_HEAD(fresh);
	unsigned int n = 0;
	int ret = 0;

	while (p < end) {
		nl = memchr(p, '\n', end - p) ?: end;
		if (nl == p) {
			p++;
			continue;
		}
		if (n == IOMEM_DMA_MAX_RULES) {
			ret = -ENOSPC;
			goto free;
		}
		r = iomem_dma_should_fail() ? NULL :
		    kzalloc(sizeof(*r), GFP_KERNEL);
		if (!r) {
			ret = -ENOMEM;
			goto free;
		}
		ret = rule_parse(p, nl - p, r);
		list_for_each_entry(pos, &fresh, list)
			if (!ret && rule_same(pos, r))
				ret = -EINVAL;
		if (ret) {
			kfree(r);
			goto free;
		}
		list_add_tail(&r->list, &fresh);
		n++;
		p = nl + 1;
	}

	mutex_lock(&iomem_dma_rules_lock);
	last_old = iomem_dma_rules.prev;
	list_for_each_entry_safe(r, tmp, &fresh, list) {
		list_del(&r->list);
		r->id = iomem_dma_next_rule_id++;
		list_add_tail_rcu(&r->list, &iomem_dma_rules);
		if (trace_iomem_dma_rule_add_enabled()) {
			char text[2 * IOMEM_DMA_NAME_MAX + 48];

			rule_format(r, text, sizeof(text));
			trace_iomem_dma_rule_add(r->id, strim(strchr(text, ' ')));
		}
	}
	if (last_old != &iomem_dma_rules) {
		list_for_each_entry_safe(r, tmp, &iomem_dma_rules, list) {
			bool last = &r->list == last_old;

			list_del_rcu(&r->list);
			trace_iomem_dma_rule_remove(r->id);
			kfree_rcu(r, rcu);
			if (last)
				break;
		}
	}
	iomem_dma_nr_rules = n;
	iomem_dma_generation_bump();
	mutex_unlock(&iomem_dma_rules_lock);
	if (count)
		*count = n;
	return 0;

free:
	list_for_each_entry_safe(r, tmp, &fresh, list)
		kfree(r);
	return ret;
}

/* Remove every rule; for tests and teardown. */
void iomem_dma_policy_clear(void)
{
	struct iomem_dma_rule *pos, *tmp;

	mutex_lock(&iomem_dma_rules_lock);
	list_for_each_entry_safe(pos, tmp, &iomem_dma_rules, list) {
		list_del_rcu(&pos->list);
		kfree_rcu(pos, rcu);
	}
	iomem_dma_nr_rules = 0;
	iomem_dma_generation_bump();
	mutex_unlock(&iomem_dma_rules_lock);
}

unsigned int iomem_dma_policy_count(void)
{
	return READ_ONCE(iomem_dma_nr_rules);
}

static int rule_format(const struct iomem_dma_rule *r, char *buf, size_t size)
{
	static const char *const keys[] = {
		[RULE_PAIR] = "provider", [RULE_PROVIDER] = "provider",
		[RULE_CLIENT] = "client", [RULE_NODE] = "node",
	};

	static const char *const opts[] = {
		[RULE_IOMMU_DEFAULT] = "", [RULE_IOMMU_KEEP] = " iommu",
		[RULE_IOMMU_BYPASS] = " bus",
	};

	return scnprintf(buf, size, "%u %s %s=%s%s%s%s%s\n", r->id,
			 r->allow ? "allow" : "deny", keys[r->target], r->a,
			 r->target == RULE_PAIR ? " client=" : "",
			 r->target == RULE_PAIR ? r->b : "",
			 r->force ? " force" : "", opts[r->iommu]);
}

/**
 * iomem_dma_policy_show() - list the rules, one per line with its id
 * @buf: output buffer.
 * @size: its size; output is cut at a line boundary when full.
 *
 * Return: bytes written.
 */
int iomem_dma_policy_show(char *buf, size_t size)
{
	struct iomem_dma_rule *r;
	char line[2 * IOMEM_DMA_NAME_MAX + 48];
	int n = 0, l;

	mutex_lock(&iomem_dma_rules_lock);
	list_for_each_entry(r, &iomem_dma_rules, list) {
		l = rule_format(r, line, sizeof(line));
		if (n + l >= size)
			break;
		memcpy(buf + n, line, l);
		n += l;
	}
	mutex_unlock(&iomem_dma_rules_lock);
	if (size)
		buf[n] = '\0';
	return n;
}

/**
 * iomem_dma_policy_get() - one rule, for listing them one at a time
 * @min_id: the smallest id wanted.
 * @id: the rule's id.
 * @buf: the rule's text without its id and newline.
 * @size: size of @buf.
 *
 * Context: process context; takes iomem_dma_rules_lock.
 * Return: 0 with the rule of the smallest id >= @min_id, or -ENOENT if
 * there is none.
 */
int iomem_dma_policy_get(unsigned int min_id, unsigned int *id, char *buf,
			 size_t size)
{
	char line[2 * IOMEM_DMA_NAME_MAX + 48];
	struct iomem_dma_rule *r;
	int ret = -ENOENT;

	mutex_lock(&iomem_dma_rules_lock);
	/* Ids grow along the list: the first match is the smallest. */
	list_for_each_entry(r, &iomem_dma_rules, list) {
		if (r->id < min_id)
			continue;
		rule_format(r, line, sizeof(line));
		strscpy(buf, strim(strchr(line, ' ')), size);
		*id = r->id;
		ret = 0;
		break;
	}
	mutex_unlock(&iomem_dma_rules_lock);
	return ret;
}

/**
 * iomem_dma_policy_seq_show() - the rules, one line each with its id
 * @s: the seq_file to print into.
 *
 * Context: process context; takes iomem_dma_rules_lock.
 */
void iomem_dma_policy_seq_show(struct seq_file *s)
{
	char line[2 * IOMEM_DMA_NAME_MAX + 48];
	struct iomem_dma_rule *r;

	mutex_lock(&iomem_dma_rules_lock);
	list_for_each_entry(r, &iomem_dma_rules, list) {
		rule_format(r, line, sizeof(line));
		seq_puts(s, line);
	}
	mutex_unlock(&iomem_dma_rules_lock);
}

static bool name_matches_provider(const char *name,
				  struct iomem_dma_provider *prov)
{
	return !strcmp(name, prov->name) || !strcmp(name, prov->sname);
}

static bool node_on_path(const char *name, const struct iomem_dma_node *from,
			 const struct iomem_dma_node *common)
{
	for (; from; from = from->parent) {
		if (!strcmp(from->name, name))
			return true;
		if (from == common)
			break;
	}
	return false;
}

static bool rule_matches(const struct iomem_dma_rule *r,
			 struct iomem_dma_provider *prov,
			 const struct iomem_dma_node *pnode, const char *cname,
			 const struct iomem_dma_node *cnode,
			 const struct iomem_dma_node *common)
{
	switch (r->target) {
	case RULE_PAIR:
		return !strcmp(r->b, cname) && name_matches_provider(r->a, prov);
	case RULE_PROVIDER:
		return name_matches_provider(r->a, prov);
	case RULE_CLIENT:
		return !strcmp(r->a, cname);
	case RULE_NODE:
		return node_on_path(r->a, pnode, common) ||
		       node_on_path(r->a, cnode, common);
	}
	return false;
}

/* What translates @dev's DMA. Lockless: the group's current domain. */
static enum iomem_dma_iommu client_iommu(struct device *dev)
{
#ifdef CONFIG_IOMMU_API
	struct iommu_domain *dom = iommu_get_domain_for_dev(dev);

	if (!dom)
		return IOMEM_DMA_IOMMU_NONE;
	if (dom->type == IOMMU_DOMAIN_IDENTITY)
		return IOMEM_DMA_IOMMU_IDENTITY;
	/* Paging and blocking domains: nothing passes untranslated. */
	return IOMEM_DMA_IOMMU_TRANSLATING;
#else
	return IOMEM_DMA_IOMMU_NONE;
#endif
}

/*
 * The client's IOMMU, after hardware and rules. A bus address bypasses
 * the IOMMU: it works only if the fabric delivers the request before it
 * reaches the IOMMU, which the kernel cannot know (Linux turns on ACS
 * redirect on every port when an IOMMU is present, so the ports it can
 * see send peer requests up to it; QEMU's SMMUv3 translates every DMA,
 * even between the ports of one switch). So under a translating IOMMU a
 * bus path becomes a path through the IOMMU (dma_map_resource() gives an
 * IOVA), unless the deciding allow rule says "bus"; an allow rule with
 * "iommu" keeps the IOMMU or host bridge in the path of any bus-path pair.
 */
static void iommu_step(struct device *client, const struct iomem_dma_rule *allow,
		       struct iomem_dma_verdict *v)
{
	enum rule_iommu opt = allow ? allow->iommu : RULE_IOMMU_DEFAULT;

	v->iommu = client_iommu(client);
	if (v->path != IOMEM_DMA_PATH_BUS)
		return;
	if (opt == RULE_IOMMU_KEEP ||
	    (v->iommu == IOMEM_DMA_IOMMU_TRANSLATING &&
	     opt != RULE_IOMMU_BYPASS)) {
		v->path = IOMEM_DMA_PATH_HOST;
		v->iommu_path = IOMEM_DMA_IOMMU_PATH_KEPT;
	} else if (v->iommu == IOMEM_DMA_IOMMU_TRANSLATING) {
		v->iommu_path = IOMEM_DMA_IOMMU_PATH_BYPASSED;
	}
	/* The rule whose option decided is named in the verdict. */
	if (opt != RULE_IOMMU_DEFAULT && v->iommu_path)
		v->rule = allow->id;
}

/*
 * The verdict for @prov and the device @client (stable name @cname, node
 * @cnode): hardware first, then the rules. Lockless; does not sleep. With
 * @explain, the lines that explain the hardware's part are written to it
 * in the same RCU section, from what the verdict read (&struct
 * iomem_dma_hw_route), and a forced override is not logged: explaining a
 * verdict is not using the pair.
 */
static void verdict_compute(struct iomem_dma_provider *prov,
			    struct device *client, struct iomem_dma_node *cnode,
			    const char *cname, struct iomem_dma_verdict *v,
			    struct seq_buf *explain)
{
	const struct iomem_dma_rule *r, *allow = NULL, *deny = NULL;
	const struct iomem_dma_node *common, *pnode;
	/*
	 * Not zeroed (CONFIG_INIT_STACK_ALL_ZERO would, 250 bytes on every
	 * computation): the route's fields are set before any is read and
	 * only its first nr_redirect nodes are read; @where is read only
	 * after a firmware statement wrote it, and starts empty all the same.
	 */
	char where[IOMEM_DMA_NODE_NAME_LEN] __uninitialized;
	struct iomem_dma_hw_route route __uninitialized;
	int fw = 0;

	where[0] = '\0';
	v->generation = iomem_dma_generation();
	/* The provider's attachment may be replaced meanwhile: RCU holds it. */
	rcu_read_lock();
	pnode = rcu_dereference(prov->fabric);
	iomem_dma_hw_verdict_route(prov, pnode, client, cnode, v, &route);
	common = route.common;
	if (v->reason == IOMEM_DMA_REASON_PROVIDER_GONE ||
	    v->reason == IOMEM_DMA_REASON_SAME_DEVICE) {
		rcu_read_unlock();
		return;
	}

	list_for_each_entry_rcu(r, &iomem_dma_rules, list) {
		if (!rule_matches(r, prov, pnode, cname, cnode, common))
			continue;
		if (!r->allow) {
			deny = r;
			break;
		}
		if (!allow || (r->force && !allow->force))
			allow = r;
	}

	if (!deny)
		fw = iomem_dma_firmware_verdict(prov, client, where,
						sizeof(where));

	if (deny) {
		v->path = IOMEM_DMA_PATH_DENIED;
		v->reason = IOMEM_DMA_REASON_RULE_DENY;
		v->rule = deny->id;
	} else if (allow && fw < 0 && v->path != IOMEM_DMA_PATH_DENIED) {
		/* The hardware route stands because the rule overrides. */
		v->rule = allow->id;
	} else if (!allow && fw < 0) {
		v->path = IOMEM_DMA_PATH_DENIED;
		v->reason = IOMEM_DMA_REASON_FW_DENY;
		strscpy(v->node, where, sizeof(v->node));
	} else if (!allow && fw > 0 && v->path == IOMEM_DMA_PATH_DENIED) {
		v->path = IOMEM_DMA_PATH_HOST;
		v->reason = IOMEM_DMA_REASON_FW_ALLOW;
		strscpy(v->node, where, sizeof(v->node));
	} else if (allow && v->path == IOMEM_DMA_PATH_DENIED) {
		bool hw_no = v->reason == IOMEM_DMA_REASON_ACS_REDIRECT ||
			     v->reason == IOMEM_DMA_REASON_NO_ROUTING;

		v->rule = allow->id;
		if (!hw_no) {
			v->path = IOMEM_DMA_PATH_HOST;
			v->reason = IOMEM_DMA_REASON_RULE_ALLOW;
		} else if (!allow->force) {
			v->reason = IOMEM_DMA_REASON_NEEDS_FORCE;
		} else {
			v->path = v->reason == IOMEM_DMA_REASON_NO_ROUTING ?
				  IOMEM_DMA_PATH_BUS : IOMEM_DMA_PATH_HOST;
			v->reason = IOMEM_DMA_REASON_RULE_FORCED;
			if (!explain &&
			    !atomic_xchg((atomic_t *)&allow->logged, 1)) {
				pr_warn("rule %u forces peer DMA between %s and %s over a hardware no; tainting kernel\n",
					allow->id, prov->name, cname);
				add_taint(TAINT_USER, LOCKDEP_STILL_OK);
			}
		}
	}
	iommu_step(client, allow, v);
	if (explain)
		iomem_dma_hw_route_explain(prov, client, &route, v, explain);
	rcu_read_unlock();
}

/**
 * iomem_dma_verdict_compute_explained() - a verdict and the lines explaining it
 * @prov: the provider.
 * @client: the client device, alive for the call.
 * @cnode: its attachment node, or %NULL; held by the caller.
 * @cname: its stable name, for rules.
 * @v: the verdict, exactly as iomem_dma_verdict_compute() computes it.
 * @s: where iomem_dma_hw_route_explain() writes the lines.
 *
 * Unlike iomem_dma_verdict_compute(), emits no verdict trace event and does
 * not log (or taint for) a forced override: nothing but @v and @s changes.
 *
 * Context: any context; does not sleep. Takes rcu_read_lock() itself.
 */
void iomem_dma_verdict_compute_explained(struct iomem_dma_provider *prov,
					 struct device *client,
					 struct iomem_dma_node *cnode,
					 const char *cname,
					 struct iomem_dma_verdict *v,
					 struct seq_buf *s)
{
	verdict_compute(prov, client, cnode, cname, v, s);
}

void iomem_dma_verdict_compute(struct iomem_dma_provider *prov,
			       struct device *client,
			       struct iomem_dma_node *cnode,
			       const char *cname,
			       struct iomem_dma_verdict *v)
{
	verdict_compute(prov, client, cnode, cname, v, NULL);
	/* The strings are looked up only for an event that is on. */
	if (trace_iomem_dma_verdict_enabled())
		trace_iomem_dma_verdict(prov->name, cname,
					iomem_dma_path_str(v->path),
					iomem_dma_reason_str(v->reason),
					v->distance, v->rule,
					v->node[0] ? v->node : "-");
}

/*
 * Put @cv, the current cache entry of its provider, into its slot of the
 * client's last used verdicts, and take @old, the entry it replaced, out
 * of any slot. Under @client->lock, so that a writer that lost a race
 * cannot put back an entry the winner is about to free.
 */
static void vcache_update(struct iomem_dma_client *client,
			  struct iomem_dma_cached_verdict *cv,
			  struct iomem_dma_cached_verdict *old)
{
	unsigned int slot = cv->prov_id % IOMEM_DMA_VCACHE;

	spin_lock(&client->lock);
	if (old && rcu_access_pointer(client->vcache[slot]) == old)
		RCU_INIT_POINTER(client->vcache[slot], NULL);
	if (xa_load(&client->verdicts, cv->prov_id) == cv)
		rcu_assign_pointer(client->vcache[slot], cv);
	spin_unlock(&client->lock);
}

/* Whether two verdicts say the same, whenever each was computed. */
static bool verdict_same(const struct iomem_dma_verdict *a,
			 const struct iomem_dma_verdict *b)
{
	return a->path == b->path && a->reason == b->reason &&
	       a->distance == b->distance && a->rule == b->rule &&
	       a->iommu == b->iommu && a->iommu_path == b->iommu_path &&
	       !strcmp(a->node, b->node);
}

/*
 * @cv, a stale cache entry that says what @v says, is made current in
 * place: no allocation, no store, no free. Only the generation changes,
 * and a reader that sees the new one reads a verdict computed under it.
 * Where a 64-bit store can tear (32-bit kernels) the entry is replaced
 * instead. @cv may have been replaced meanwhile: it is still freed only
 * after the caller's RCU section, and says what @v says all the same.
 */
static bool verdict_refresh(struct iomem_dma_client *client,
			    struct iomem_dma_cached_verdict *cv,
			    const struct iomem_dma_verdict *v)
{
	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "refresh outside an RCU section");
	if (!IS_ENABLED(CONFIG_64BIT) || !cv || !verdict_same(&cv->v, v))
		return false;
	/* Never back: a racing refresh may be newer than ours. */
	if (READ_ONCE(cv->v.generation) < v->generation)
		WRITE_ONCE(cv->v.generation, v->generation);
	if (rcu_access_pointer(client->vcache[cv->prov_id %
					      IOMEM_DMA_VCACHE]) != cv)
		vcache_update(client, cv, NULL);
	return true;
}

/*
 * Cached verdict for a registered client; recomputed when stale. The cache
 * only saves work: when it cannot be filled for want of memory *@v is right
 * all the same, and nothing decides from it (revoke passes look at what is
 * mapped, see &iomem_dma_hold.mapped). Hot paths read the cache without a
 * copy through iomem_dma_verdict_cached() and call this on a miss.
 */
void iomem_dma_client_verdict(struct iomem_dma_provider *prov,
			      struct iomem_dma_client *client,
			      struct iomem_dma_verdict *v)
{
	struct iomem_dma_cached_verdict *cv, *old;
	u64 gen = iomem_dma_generation();
	bool refreshed;

	rcu_read_lock();
	cv = iomem_dma_verdict_entry(prov, client);
	if (cv && READ_ONCE(cv->v.generation) == gen) {
		/* All but the generation, which a refresh may be moving. */
		memcpy(v, &cv->v, offsetof(struct iomem_dma_verdict, generation));
		v->generation = gen;
		rcu_read_unlock();
		return;
	}
	iomem_dma_verdict_compute(prov, client->dev,
				  rcu_dereference(client->node), client->name,
				  v);
	/* The stale entry found above, still safe to touch here. */
	refreshed = verdict_refresh(client, cv, v);
	rcu_read_unlock();
	if (refreshed)
		return;
	cv = iomem_dma_should_fail() ? NULL : kmalloc(sizeof(*cv), GFP_KERNEL);
	if (!cv)
		return;
	cv->prov_id = prov->id;
	cv->v = *v;
	old = iomem_dma_should_fail() ? XA_ERROR(-ENOMEM) :
	      xa_store(&client->verdicts, prov->id, cv, GFP_KERNEL);
	if (xa_is_err(old)) {
		kfree(cv);
		return;
	}
	vcache_update(client, cv, old);
	if (old)
		kfree_rcu(old, rcu);
}

/*
 * The path of a pair's verdict, on a miss of iomem_dma_verdict_cached():
 * out of line, so that the hot paths that call it carry no verdict on
 * their stack (to zero, with CONFIG_INIT_STACK_ALL_ZERO, and to guard).
 */
noinline enum iomem_dma_path
iomem_dma_client_path(struct iomem_dma_provider *prov,
		      struct iomem_dma_client *client)
{
	struct iomem_dma_verdict v;

	iomem_dma_client_verdict(prov, client, &v);
	return v.path;
}

/* Drop the cached verdict of provider id @prov_id (for tests). */
void iomem_dma_client_verdict_forget(struct iomem_dma_client *client,
				     unsigned int prov_id)
{
	struct iomem_dma_cached_verdict *old;
	unsigned int slot = prov_id % IOMEM_DMA_VCACHE;

	old = xa_erase(&client->verdicts, prov_id);
	if (!old)
		return;
	spin_lock(&client->lock);
	if (rcu_access_pointer(client->vcache[slot]) == old)
		RCU_INIT_POINTER(client->vcache[slot], NULL);
	spin_unlock(&client->lock);
	kfree_rcu(old, rcu);
}

static int __init iomem_dma_boot_rules(char *list)
{
	char *item;
	int ret;

	while ((item = strsep(&list, ";"))) {
		if (!*item)
			continue;
		ret = iomem_dma_policy_add(item, strlen(item), NULL);
		if (ret)
			pr_err("iomem_dma.policy: rule \"%s\" rejected (%d), ignored\n",
			       item, ret);
	}
	return 0;
}

void __init iomem_dma_policy_init(void)
{
	char *copy;

	if (!iomem_dma_boot_policy || !*iomem_dma_boot_policy)
		return;
	copy = kstrdup(iomem_dma_boot_policy, GFP_KERNEL);
	if (!copy)
		return;
	iomem_dma_boot_rules(copy);
	kfree(copy);
}

/* Serialises revoke passes; taken without core locks, see below. */
static DEFINE_MUTEX(iomem_dma_revoke_lock);
static u64 iomem_dma_revoke_pass;	/* under iomem_dma_revoke_lock */

/*
 * Find a hold this pass has not looked at yet that has live mappings (each
 * made under a verdict that allowed the pair), mark it and return its pair
 * referenced; false when none is left.
 */
static bool revoke_next_pair_in(struct list_head *providers, u64 pass,
				struct iomem_dma_provider **provp,
				struct iomem_dma_client **clientp)
{
	struct iomem_dma_provider *prov;
	struct iomem_dma_client *client;

	lockdep_assert_held(&iomem_dma_providers_lock);
	list_for_each_entry(prov, providers, list) {
		spin_lock(&prov->lock);
		client = iomem_dma_hold_next_locked(prov, IOMEM_DMA_WALK_POLICY,
						    pass, true);
		if (client)
			kref_get(&prov->ref);
		spin_unlock(&prov->lock);
		if (client) {
			*provp = prov;
			*clientp = client;
			return true;
		}
	}
	return false;
}

/*
 * Registered providers and those being unregistered alike: a provider's
 * unregister revokes its holders, but a deny added meanwhile must not wait
 * for that.
 */
static bool revoke_next_pair(u64 pass, struct iomem_dma_provider **provp,
			     struct iomem_dma_client **clientp)
{
	bool found;

	mutex_lock(&iomem_dma_providers_lock);
	found = revoke_next_pair_in(&iomem_dma_providers, pass, provp,
				    clientp) ||
		revoke_next_pair_in(&iomem_dma_dying_providers, pass, provp,
				    clientp);
	mutex_unlock(&iomem_dma_providers_lock);
	return found;
}

/**
 * iomem_dma_policy_revoke_denied() - revoke pairs a policy change denied
 *
 * Every client with live mappings of a provider's memory (each made under
 * a verdict that allowed the pair) is asked again, from scratch; if the
 * pair is now denied the client gets its revoke callback. What decides is
 * what is mapped, not the verdict cache, which readers of the verdicts
 * file and the client's own later maps rewrite. Called after a rule or
 * topology change,
 * without locks held. Needs no memory: each hold is marked with the pass
 * that looked at it, and the search starts over after every callback
 * (holds come and go while no lock is held), so a pass over n holds costs
 * O(n^2) list steps. Passes are serialised, so when this returns every
 * pair the change denied has been revoked, whoever made the change.
 *
 * Context: process context; sleeps. Must not be called from a revoke
 * callback.
 * Return: the number of revoke callbacks made.
 */
int iomem_dma_policy_revoke_denied(void)
{
	return iomem_dma_policy_revoke_denied_by(IOMEM_DMA_TRACE_CAUSE_RULE);
}

/**
 * iomem_dma_policy_revoke_denied_by() - iomem_dma_policy_revoke_denied()
 *	with the cause its revoke events give
 * @cause: %IOMEM_DMA_TRACE_CAUSE_RULE after a rule change,
 *	%IOMEM_DMA_TRACE_CAUSE_FABRIC after a topology, firmware or rescan.
 *	A pass revokes every pair denied by the time it looks, whatever
 *	denied it, and names the cause that started it.
 *
 * Context: as iomem_dma_policy_revoke_denied().
 * Return: the number of revoke callbacks made.
 */
int iomem_dma_policy_revoke_denied_by(int cause)
{
	struct iomem_dma_provider *prov;
	struct iomem_dma_client *client;
	int revoked = 0;
	u64 pass;

	might_sleep();
	mutex_lock(&iomem_dma_revoke_lock);
	/*
	 * Orders the change that brought us here (a generation bump) before
	 * reading the holds' mapping counts. Pairs with smp_mb() in
	 * iomem_dma_map_sgtable(): a map either raised its count before we
	 * look, or sees the new generation and maps again under it.
	 */
	smp_mb();
	pass = ++iomem_dma_revoke_pass;
	while (revoke_next_pair(pass, &prov, &client)) {
		if (iomem_dma_client_revoke(client, prov, cause))
			revoked++;
		iomem_dma_client_put(client);
		kref_put(&prov->ref, iomem_dma_provider_release);
	}
	mutex_unlock(&iomem_dma_revoke_lock);
	/* Importers of exported buffers are told the same (dmabuf.c). */
	iomem_dma_buf_recheck(cause);
	return revoked;
}

/* A fabric change asked for the attachments to be looked up again. */
static atomic_t iomem_dma_reattach = ATOMIC_INIT(0);

static void revoke_work_fn(struct work_struct *work)
{
	if (atomic_xchg(&iomem_dma_reattach, 0) &&
	    iomem_dma_attachments_refresh())
		iomem_dma_generation_bump();
	iomem_dma_policy_revoke_denied_by(IOMEM_DMA_TRACE_CAUSE_FABRIC);
}

static DECLARE_WORK(iomem_dma_revoke_work, revoke_work_fn);

/*
 * A topology or firmware change, whose caller may hold locks of its own
 * (the devicetree's, a bus's): revoke from a work item; with @reattach,
 * look every attachment up again first.
 */
void iomem_dma_policy_revoke_later(bool reattach)
{
	if (reattach)
		atomic_set(&iomem_dma_reattach, 1);
	queue_work(system_unbound_wq, &iomem_dma_revoke_work);
}

/* Wait for a revoke queued by iomem_dma_policy_revoke_later(). */
void iomem_dma_policy_revoke_flush(void)
{
	flush_work(&iomem_dma_revoke_work);
}
