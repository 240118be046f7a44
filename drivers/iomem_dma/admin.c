// SPDX-License-Identifier: GPL-2.0-only
/*
 * iomem_dma administration: /dev/iomem_dma and its ioctls
 * (include/uapi/linux/iomem_dma.h, Documentation/ABI/testing/dev-iomem_dma),
 * and the debugfs tables iomem_dma/verdicts and iomem_dma/rules.
 *
 * Queries (a verdict, the clients, the rules) are open to whoever may open
 * the device and change nothing: verdicts are computed, not cached.
 * Changes need the device opened for writing, CAP_SYS_ADMIN in the
 * credentials it was opened with, and no lockdown; each returns once the
 * mappings of pairs that turned to deny are revoked.
 */

#define pr_fmt(fmt) "iomem_dma: " fmt

#include <linux/capability.h>
#include <linux/compat.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/security.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <uapi/linux/iomem_dma.h>

#include <kunit/static_stub.h>

#include "internal.h"

/* The largest rule set IOMEM_DMA_IOC_REPLACE_RULES takes. */
#define IOMEM_DMA_RULES_TEXT_MAX	SZ_1M

static const char *const reason_codes[IOMEM_DMA_REASON_MAX] = {
	[IOMEM_DMA_REASON_SAME_DEVICE] = "same_device",
	[IOMEM_DMA_REASON_COMMON_NODE] = "common_node",
	[IOMEM_DMA_REASON_HOST_ALLOWED] = "host_allowed",
	[IOMEM_DMA_REASON_NO_COMMON_NODE] = "no_common_node",
	[IOMEM_DMA_REASON_HOST_NOT_ALLOWED] = "host_not_allowed",
	[IOMEM_DMA_REASON_ACS_REDIRECT] = "acs_redirect",
	[IOMEM_DMA_REASON_NO_ROUTING] = "no_routing",
	[IOMEM_DMA_REASON_CLIENT_NOT_ON_FABRIC] = "client_not_on_fabric",
	[IOMEM_DMA_REASON_PROVIDER_NOT_ON_FABRIC] = "provider_not_on_fabric",
	[IOMEM_DMA_REASON_PROVIDER_GONE] = "provider_gone",
	[IOMEM_DMA_REASON_ACS_VIA_HOST] = "acs_via_host",
	[IOMEM_DMA_REASON_RULE_DENY] = "rule_deny",
	[IOMEM_DMA_REASON_RULE_ALLOW] = "rule_allow",
	[IOMEM_DMA_REASON_RULE_FORCED] = "rule_forced",
	[IOMEM_DMA_REASON_NEEDS_FORCE] = "needs_force",
	[IOMEM_DMA_REASON_FW_DENY] = "fw_deny",
	[IOMEM_DMA_REASON_FW_ALLOW] = "fw_allow",
};

static const char *const iommu_codes[] = {
	[IOMEM_DMA_IOMMU_NONE] = "none",
	[IOMEM_DMA_IOMMU_IDENTITY] = "identity",
	[IOMEM_DMA_IOMMU_TRANSLATING] = "translating",
};

static const char *const iommu_path_codes[] = {
	[IOMEM_DMA_IOMMU_PATH_UNCHANGED] = "",
	[IOMEM_DMA_IOMMU_PATH_KEPT] = "kept",
	[IOMEM_DMA_IOMMU_PATH_BYPASSED] = "bypassed",
};

static const char *reason_code(enum iomem_dma_reason reason)
{
	return (unsigned int)reason < IOMEM_DMA_REASON_MAX ?
	       reason_codes[reason] : "unknown";
}

/* Format one verdict as a line of the verdicts table. */
int iomem_dma_verdict_format(const char *client,
			     const struct iomem_dma_verdict *v,
			     char *buf, size_t size)
{
	const char *kept = iommu_path_codes[v->iommu_path %
					    ARRAY_SIZE(iommu_path_codes)];

	return scnprintf(buf, size,
			 "%s %s distance=%d node=%s rule=%u reason=%s generation=%llu iommu=%s%s%s\n",
			 client, iomem_dma_path_str(v->path), v->distance,
			 v->node[0] ? v->node : "-", v->rule,
			 reason_code(v->reason), v->generation,
			 iommu_codes[v->iommu % ARRAY_SIZE(iommu_codes)],
			 *kept ? " iommu_path=" : "", kept);
}

/* Lockdown check, replaceable by KUnit static stubs. */
bool iomem_dma_locked_down(void)
{
	KUNIT_STATIC_STUB_REDIRECT(iomem_dma_locked_down);
	return security_locked_down(LOCKDOWN_PCI_ACCESS) != 0;
}

/**
 * iomem_dma_policy_may_write() - may the opener of @file change the policy?
 * @file: the open file (/dev/iomem_dma, or a provider's sysfs file).
 *
 * Return: true if the credentials the file was opened with carry
 * CAP_SYS_ADMIN in the initial user namespace and the kernel is not
 * locked down.
 */
bool iomem_dma_policy_may_write(const struct file *file)
{
	if (!file || !file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN))
		return false;
	return !iomem_dma_locked_down();
}

/* The checks of every change: opened for writing, then credentials. */
static int admin_may_change(const struct file *filp)
{
	if (!filp || !(filp->f_mode & FMODE_WRITE))
		return -EBADF;
	return iomem_dma_policy_may_write(filp) ? 0 : -EPERM;
}

/**
 * iomem_dma_admin_add() - add a rule for the opener of @filp
 * @filp: the open /dev/iomem_dma.
 * @buf: one rule, not necessarily NUL-terminated.
 * @len: its length.
 * @id: the new rule's id (may be %NULL).
 *
 * Returns once the mappings of pairs the rule denies are revoked.
 *
 * Return: 0; -EBADF if @filp is not open for writing; -EPERM without
 * CAP_SYS_ADMIN or under lockdown; the errors of iomem_dma_policy_add().
 */
int iomem_dma_admin_add(const struct file *filp, const char *buf, size_t len,
			unsigned int *id)
{
	int ret = admin_may_change(filp);

	if (!ret)
		ret = iomem_dma_policy_add(buf, len, id);
	if (!ret)
		iomem_dma_policy_revoke_denied();
	return ret;
}

/**
 * iomem_dma_admin_remove() - remove a rule for the opener of @filp
 * @filp: the open /dev/iomem_dma.
 * @id: the rule's id.
 *
 * Return: 0; -EBADF, -EPERM as iomem_dma_admin_add(); -ENOENT if there is
 * no rule @id.
 */
int iomem_dma_admin_remove(const struct file *filp, unsigned int id)
{
	char text[16];
	int ret = admin_may_change(filp);
	int len;

	if (ret)
		return ret;
	len = scnprintf(text, sizeof(text), "%u", id);
	ret = iomem_dma_policy_remove(text, len);
	if (ret)
		return -ENOENT;
	iomem_dma_policy_revoke_denied();
	return 0;
}

/**
 * iomem_dma_admin_replace() - replace the rules for the opener of @filp
 * @filp: the open /dev/iomem_dma.
 * @buf: the new rules, see iomem_dma_policy_replace().
 * @len: length of @buf.
 * @count: the number of rules afterwards (may be %NULL).
 *
 * Return: 0; -EBADF, -EPERM as iomem_dma_admin_add(); the errors of
 * iomem_dma_policy_replace(), with the rules unchanged.
 */
int iomem_dma_admin_replace(const struct file *filp, const char *buf,
			    size_t len, unsigned int *count)
{
	int ret = admin_may_change(filp);

	if (!ret)
		ret = iomem_dma_policy_replace(buf, len, count);
	if (!ret)
		iomem_dma_policy_revoke_denied();
	return ret;
}

/**
 * iomem_dma_admin_rescan() - read the fabric again for the opener of @filp
 * @filp: the open /dev/iomem_dma.
 *
 * Returns once verdicts reflect what the backends read and the mappings of
 * pairs that turned to deny are revoked.
 *
 * Return: 0; -EBADF, -EPERM as iomem_dma_admin_add().
 */
int iomem_dma_admin_rescan(const struct file *filp)
{
	int ret = admin_may_change(filp);

	if (ret)
		return ret;
	iomem_dma_fabric_rescan();
	return 0;
}

/* A NUL within the field, or -EINVAL. */
static int name_ok(const char *name, size_t size)
{
	return memchr(name, '\0', size) && name[0] ? 0 : -EINVAL;
}

/* A referenced registered client of stable name @name, or NULL. */
static struct iomem_dma_client *client_get_by_name(const char *name)
{
	struct iomem_dma_client **clients, *found = NULL;
	unsigned int n, i;

	clients = iomem_dma_clients_get(&n);
	if (!clients)
		return ERR_PTR(-ENOMEM);
	for (i = 0; i < n; i++) {
		if (!found && !strcmp(clients[i]->name, name))
			found = clients[i];
		else
			iomem_dma_client_put(clients[i]);
	}
	kfree(clients);
	return found;
}

/**
 * iomem_dma_admin_query() - answer an IOMEM_DMA_IOC_QUERY
 * @q: the query; @q->provider and @q->client in, the rest out.
 *
 * Computes the verdict now, with its explanation lines in @q->detail
 * (iomem_dma_verdict_explain()); nothing is cached or changed.
 *
 * Return: 0; -EINVAL for unterminated or empty names or nonzero @q->flags;
 * -ENOENT if no provider has that name; -ENXIO if no registered client
 * has that name; -ENOMEM.
 */
int iomem_dma_admin_query(struct iomem_dma_query *q)
{
	struct iomem_dma_provider *prov;
	struct iomem_dma_client *client;
	struct iomem_dma_verdict v = { };
	int ret;

	if (q->flags || q->reserved ||
	    name_ok(q->provider, sizeof(q->provider)) ||
	    name_ok(q->client, sizeof(q->client)))
		return -EINVAL;
	prov = iomem_dma_provider_get_by_name(q->provider);
	if (!prov)
		return -ENOENT;
	client = client_get_by_name(q->client);
	if (IS_ERR_OR_NULL(client)) {
		ret = client ? PTR_ERR(client) : -ENXIO;
		goto put_prov;
	}
	memset(q->detail, 0, sizeof(q->detail));
	ret = iomem_dma_verdict_explain(prov, client, &v, q->detail,
					sizeof(q->detail));
	if (ret < 0) {
		/* The client's registration ended meanwhile. */
		ret = -ENXIO;
		goto put_client;
	}
	q->distance = v.distance;
	q->rule = v.rule;
	q->generation = v.generation;
	strscpy_pad(q->path, iomem_dma_path_str(v.path));
	strscpy_pad(q->reason, reason_code(v.reason));
	strscpy_pad(q->iommu, iommu_codes[v.iommu % ARRAY_SIZE(iommu_codes)]);
	strscpy_pad(q->iommu_path,
		    iommu_path_codes[v.iommu_path % ARRAY_SIZE(iommu_path_codes)]);
	strscpy_pad(q->node, v.node);
	ret = 0;
put_client:
	iomem_dma_client_put(client);
put_prov:
	iomem_dma_provider_put(prov);
	return ret;
}

/*
 * The registered client with the smallest id >= @ci->id: 0, -ENOENT past
 * the last, -ENAMETOOLONG (with @ci->id set and the name empty) when its
 * name does not fit in @ci->name.
 */
int iomem_dma_admin_client(struct iomem_dma_client_info *ci)
{
	struct iomem_dma_client **clients, *best = NULL;
	unsigned int n, i;
	int ret;

	if (ci->flags)
		return -EINVAL;
	clients = iomem_dma_clients_get(&n);
	if (!clients)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		if (clients[i]->seq >= ci->id &&
		    (!best || clients[i]->seq < best->seq))
			best = clients[i];
	}
	ret = -ENOENT;
	if (best) {
		ci->id = best->seq;
		/* A name that does not fit is not handed out cut short. */
		ret = strscpy_pad(ci->name, best->name) < 0 ? -ENAMETOOLONG : 0;
		if (ret)
			memset(ci->name, 0, sizeof(ci->name));
	}
	for (i = 0; i < n; i++)
		iomem_dma_client_put(clients[i]);
	kfree(clients);
	return ret;
}

static long admin_replace_user(struct file *filp, void __user *arg)
{
	struct iomem_dma_rules r;
	char *text;
	int ret;

	/* Permission before work: an unprivileged caller copies nothing. */
	ret = admin_may_change(filp);
	if (ret)
		return ret;
	if (copy_from_user(&r, arg, sizeof(r)))
		return -EFAULT;
	if (r.flags || r.reserved)
		return -EINVAL;
	if (r.len > IOMEM_DMA_RULES_TEXT_MAX)
		return -E2BIG;
	text = vmemdup_user(u64_to_user_ptr(r.text), r.len);
	if (IS_ERR(text))
		return PTR_ERR(text);
	ret = iomem_dma_admin_replace(filp, text, r.len, &r.count);
	kvfree(text);
	if (!ret && copy_to_user(arg, &r, sizeof(r)))
		ret = -EFAULT;
	return ret;
}

static long admin_ioctl(struct file *filp, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;
	union {
		struct iomem_dma_client_info ci;
		struct iomem_dma_rule_info ri;
	} *u;
	struct iomem_dma_query *q;
	long ret;
	u32 id;

	switch (cmd) {
	case IOMEM_DMA_IOC_QUERY:
		q = kmalloc(sizeof(*q), GFP_KERNEL);
		if (!q)
			return -ENOMEM;
		ret = copy_from_user(q, uarg, sizeof(*q)) ? -EFAULT :
		      iomem_dma_admin_query(q);
		if (!ret && copy_to_user(uarg, q, sizeof(*q)))
			ret = -EFAULT;
		kfree(q);
		return ret;
	case IOMEM_DMA_IOC_REMOVE_RULE:
		if (get_user(id, (u32 __user *)uarg))
			return -EFAULT;
		return iomem_dma_admin_remove(filp, id);
	case IOMEM_DMA_IOC_REPLACE_RULES:
		return admin_replace_user(filp, uarg);
	case IOMEM_DMA_IOC_RESCAN:
		return iomem_dma_admin_rescan(filp);
	case IOMEM_DMA_IOC_CLIENT:
	case IOMEM_DMA_IOC_RULE:
	case IOMEM_DMA_IOC_ADD_RULE:
		break;
	default:
		return -ENOTTY;
	}

	u = kzalloc(sizeof(*u), GFP_KERNEL);
	if (!u)
		return -ENOMEM;
	if (cmd == IOMEM_DMA_IOC_CLIENT) {
		ret = copy_from_user(&u->ci, uarg, sizeof(u->ci)) ? -EFAULT :
		      iomem_dma_admin_client(&u->ci);
		/* ENAMETOOLONG still returns the id, to step past it. */
		if ((!ret || ret == -ENAMETOOLONG) &&
		    copy_to_user(uarg, &u->ci, sizeof(u->ci)))
			ret = -EFAULT;
		goto out;
	}
	if (copy_from_user(&u->ri, uarg, sizeof(u->ri))) {
		ret = -EFAULT;
		goto out;
	}
	if (u->ri.flags) {
		ret = -EINVAL;
		goto out;
	}
	if (cmd == IOMEM_DMA_IOC_RULE) {
		ret = iomem_dma_policy_get(u->ri.id, &id, u->ri.text,
					   sizeof(u->ri.text));
	} else if (!memchr(u->ri.text, '\0', sizeof(u->ri.text))) {
		ret = -EINVAL;
	} else {
		ret = iomem_dma_admin_add(filp, u->ri.text,
					  strlen(u->ri.text), &id);
	}
	if (!ret) {
		u->ri.id = id;
		if (copy_to_user(uarg, &u->ri, sizeof(u->ri)))
			ret = -EFAULT;
	}
out:
	kfree(u);
	return ret;
}

static const struct file_operations admin_fops = {
	.owner = THIS_MODULE,
	.open = nonseekable_open,
	.unlocked_ioctl = admin_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice admin_miscdev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "iomem_dma",
	.fops = &admin_fops,
	.mode = 0644,
};

/* debugfs iomem_dma/verdicts: every provider with every client, now. */
static int verdicts_show(struct seq_file *s, void *unused)
{
	struct iomem_dma_provider **provs;
	struct iomem_dma_client **clients;
	struct iomem_dma_verdict v = { };
	unsigned int np, nc, i, j;
	char *line;

	line = kmalloc(2 * IOMEM_DMA_NAME_MAX + IOMEM_DMA_NODE_NAME_LEN + 160,
		       GFP_KERNEL);
	if (!line)
		return -ENOMEM;
	provs = iomem_dma_providers_get(&np);
	clients = iomem_dma_clients_get(&nc);
	for (i = 0; provs && clients && i < np; i++) {
		for (j = 0; j < nc; j++) {
			if (!iomem_dma_client_verdict_now(provs[i], clients[j],
							  &v))
				continue;
			iomem_dma_verdict_format(clients[j]->name, &v, line,
						 2 * IOMEM_DMA_NAME_MAX +
						 IOMEM_DMA_NODE_NAME_LEN + 160);
			seq_printf(s, "%s %s", provs[i]->name, line);
		}
	}
	for (j = 0; clients && j < nc; j++)
		iomem_dma_client_put(clients[j]);
	for (i = 0; provs && i < np; i++)
		iomem_dma_provider_put(provs[i]);
	kfree(clients);
	kfree(provs);
	kfree(line);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(verdicts);

/* debugfs iomem_dma/rules: the rules, each with its id. */
static int rules_show(struct seq_file *s, void *unused)
{
	iomem_dma_policy_seq_show(s);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(rules);

static int __init iomem_dma_admin_init(void)
{
	int ret;

	debugfs_create_file("verdicts", 0400, iomem_dma_debugfs_root, NULL,
			    &verdicts_fops);
	debugfs_create_file("rules", 0400, iomem_dma_debugfs_root, NULL,
			    &rules_fops);
	ret = misc_register(&admin_miscdev);
	if (ret)
		pr_err("/dev/iomem_dma unavailable (%d)\n", ret);
	return ret;
}
device_initcall(iomem_dma_admin_init);
