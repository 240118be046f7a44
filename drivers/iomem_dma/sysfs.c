// SPDX-License-Identifier: GPL-2.0-only
/*
 * iomem_dma sysfs: one device per provider in class iomem_dma, and the
 * policy under /sys/kernel/iomem_dma/. See
 * Documentation/ABI/testing/sysfs-class-iomem_dma and
 * Documentation/ABI/testing/sysfs-kernel-iomem_dma.
 */

#define pr_fmt(fmt) "iomem_dma: " fmt

#include <linux/capability.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/kobject.h>
#include <linux/mm.h>
#include <linux/security.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include <kunit/static_stub.h>

#include "internal.h"

static const struct class iomem_dma_class = {
	.name = "iomem_dma",
};

static struct kobject *iomem_dma_kobj;

static struct iomem_dma_provider *cdev_to_prov(struct device *cdev)
{
	return dev_get_drvdata(cdev);
}

static ssize_t size_show(struct device *cdev, struct device_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%llu\n", cdev_to_prov(cdev)->size);
}
static DEVICE_ATTR_RO(size);

static ssize_t available_show(struct device *cdev,
			      struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%zu\n",
			  iomem_dma_provider_avail(cdev_to_prov(cdev)));
}
static DEVICE_ATTR_RO(available);

static ssize_t published_show(struct device *cdev,
			      struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(cdev_to_prov(cdev)->published));
}
static DEVICE_ATTR_RO(published);

static ssize_t preference_read(struct file *filp, struct kobject *kobj,
			       struct bin_attribute *attr, char *out,
			       loff_t pos, size_t count)
{
	struct iomem_dma_provider *prov = cdev_to_prov(kobj_to_dev(kobj));
	char text[16];
	int n;

	n = scnprintf(text, sizeof(text), "%d\n", READ_ONCE(prov->preference));
	return memory_read_from_buffer(out, count, &pos, text, n);
}

/**
 * iomem_dma_set_preference() - parse and set a provider's preference
 * @prov: the provider.
 * @buf: decimal integer -100..100, optionally followed by a newline.
 * @len: length of @buf.
 *
 * Return: 0, or -EINVAL for anything else (nothing changes).
 */
int iomem_dma_set_preference(struct iomem_dma_provider *prov, const char *buf,
			     size_t len)
{
	char tmp[8];
	int val;

	if (!len || len >= sizeof(tmp))
		return -EINVAL;
	memcpy(tmp, buf, len);
	tmp[len] = '\0';
	if (strlen(tmp) != len || kstrtoint(tmp, 10, &val) ||
	    val < -100 || val > 100)
		return -EINVAL;
	WRITE_ONCE(prov->preference, val);
	iomem_dma_generation_bump();
	return 0;
}

static ssize_t preference_write(struct file *filp, struct kobject *kobj,
				struct bin_attribute *attr, char *buf,
				loff_t pos, size_t count)
{
	int ret;

	if (!iomem_dma_policy_may_write(filp))
		return -EPERM;
	if (pos)
		return -EINVAL;
	ret = iomem_dma_set_preference(cdev_to_prov(kobj_to_dev(kobj)), buf,
				       count);
	return ret ? ret : count;
}
static BIN_ATTR(preference, 0600, preference_read, preference_write, 0);

#ifdef CONFIG_IOMEM_DMA_HEAPS
static ssize_t heap_limit_read(struct file *filp, struct kobject *kobj,
			       struct bin_attribute *attr, char *out,
			       loff_t pos, size_t count)
{
	struct iomem_dma_provider *prov = cdev_to_prov(kobj_to_dev(kobj));
	char text[24];
	int n;

	n = scnprintf(text, sizeof(text), "%llu\n", iomem_dma_heap_limit(prov));
	return memory_read_from_buffer(out, count, &pos, text, n);
}

static ssize_t heap_limit_write(struct file *filp, struct kobject *kobj,
				struct bin_attribute *attr, char *buf,
				loff_t pos, size_t count)
{
	char tmp[24];
	u64 val;
	int ret;

	if (!iomem_dma_policy_may_write(filp))
		return -EPERM;
	if (pos || !count || count >= sizeof(tmp))
		return -EINVAL;
	memcpy(tmp, buf, count);
	tmp[count] = '\0';
	if (strlen(tmp) != count || kstrtou64(tmp, 0, &val))
		return -EINVAL;
	ret = iomem_dma_heap_set_limit(cdev_to_prov(kobj_to_dev(kobj)), val);
	return ret ? ret : count;
}
static BIN_ATTR(heap_limit, 0600, heap_limit_read, heap_limit_write, 0);
#endif

static ssize_t bus_show(struct device *cdev, struct device_attribute *attr,
			char *buf)
{
	struct device *dev = cdev_to_prov(cdev)->dev;

	return sysfs_emit(buf, "%s\n", dev_bus_name(dev));
}
static DEVICE_ATTR_RO(bus);

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

/* Format one verdict as the line used by the verdicts file. */
int iomem_dma_verdict_format(const char *client,
			     const struct iomem_dma_verdict *v,
			     char *buf, size_t size)
{
	static const char *const iommu_codes[] = {
		[IOMEM_DMA_IOMMU_NONE] = "none",
		[IOMEM_DMA_IOMMU_IDENTITY] = "identity",
		[IOMEM_DMA_IOMMU_TRANSLATING] = "translating",
	};
	static const char *const iommu_path_codes[] = {
		[IOMEM_DMA_IOMMU_PATH_UNCHANGED] = "",
		[IOMEM_DMA_IOMMU_PATH_KEPT] = " iommu_path=kept",
		[IOMEM_DMA_IOMMU_PATH_BYPASSED] = " iommu_path=bypassed",
	};

	return scnprintf(buf, size,
			 "%s %s distance=%d node=%s rule=%u reason=%s generation=%llu iommu=%s%s\n",
			 client, iomem_dma_path_str(v->path), v->distance,
			 v->node[0] ? v->node : "-", v->rule,
			 (unsigned int)v->reason < IOMEM_DMA_REASON_MAX ?
			 reason_codes[v->reason] : "unknown",
			 v->generation,
			 iommu_codes[v->iommu % ARRAY_SIZE(iommu_codes)],
			 iommu_path_codes[v->iommu_path %
					  ARRAY_SIZE(iommu_path_codes)]);
}

/*
 * The verdict of every registered client. Built into a buffer on each
 * read so that a reader at any offset sees a consistent listing.
 */
static ssize_t verdicts_read(struct file *filp, struct kobject *kobj,
			     struct bin_attribute *attr, char *out,
			     loff_t pos, size_t count)
{
	struct iomem_dma_provider *prov = cdev_to_prov(kobj_to_dev(kobj));
	struct iomem_dma_client **clients;
	struct iomem_dma_verdict v;
	unsigned int n, i;
	size_t size = 0, cap;
	ssize_t ret;
	char *text;

	clients = iomem_dma_clients_get(&n);
	if (!clients)
		return -ENOMEM;

	cap = 1;
	for (i = 0; i < n; i++)
		cap += strlen(clients[i]->name) + IOMEM_DMA_NODE_NAME_LEN + 128;
	text = kvmalloc(cap, GFP_KERNEL);
	for (i = 0; i < n; i++) {
		/* Computed, not cached: reading has no side effects. */
		if (text && iomem_dma_client_verdict_now(prov, clients[i], &v))
			size += iomem_dma_verdict_format(clients[i]->name, &v,
							 text + size,
							 cap - size);
		iomem_dma_client_put(clients[i]);
	}
	kfree(clients);
	if (!text)
		return -ENOMEM;
	ret = memory_read_from_buffer(out, count, &pos, text, size);
	kvfree(text);
	return ret;
}
static BIN_ATTR(verdicts, 0444, verdicts_read, NULL, 0);

static struct attribute *iomem_dma_prov_attrs[] = {
	&dev_attr_size.attr,
	&dev_attr_available.attr,
	&dev_attr_published.attr,
	&dev_attr_bus.attr,
	NULL
};

static struct bin_attribute *iomem_dma_prov_bin_attrs[] = {
	&bin_attr_verdicts,
	&bin_attr_preference,
#ifdef CONFIG_IOMEM_DMA_HEAPS
	&bin_attr_heap_limit,
#endif
	NULL
};

static const struct attribute_group iomem_dma_prov_group = {
	.attrs = iomem_dma_prov_attrs,
	.bin_attrs = iomem_dma_prov_bin_attrs,
};

static const struct attribute_group *iomem_dma_prov_groups[] = {
	&iomem_dma_prov_group,
	NULL
};

int iomem_dma_sysfs_add_provider(struct iomem_dma_provider *prov)
{
	struct device *cdev;

	if (!iomem_dma_kobj)
		return -ENODEV;
	if (iomem_dma_should_fail())
		return -ENOMEM;
	cdev = device_create_with_groups(&iomem_dma_class, prov->dev, 0, prov,
					 iomem_dma_prov_groups, "%s",
					 prov->name);
	if (IS_ERR(cdev))
		return PTR_ERR(cdev);
	prov->cdev = cdev;
	return 0;
}

void iomem_dma_sysfs_remove_provider(struct iomem_dma_provider *prov)
{
	if (prov->cdev)
		device_unregister(prov->cdev);
	prov->cdev = NULL;
}

/* Lockdown check, replaceable by KUnit static stubs. */
bool iomem_dma_locked_down(void)
{
	KUNIT_STATIC_STUB_REDIRECT(iomem_dma_locked_down);
	return security_locked_down(LOCKDOWN_PCI_ACCESS) != 0;
}

/**
 * iomem_dma_policy_may_write() - may the opener of @file change the policy?
 * @file: the open sysfs file.
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

/* Shared by the add and remove files: permission, then the change. */
static ssize_t policy_write(struct file *filp, const char *buf, loff_t pos,
			    size_t count, bool add)
{
	int ret;

	if (!iomem_dma_policy_may_write(filp))
		return -EPERM;
	if (pos)
		return -EINVAL;
	ret = add ? iomem_dma_policy_add(buf, count, NULL) :
		    iomem_dma_policy_remove(buf, count);
	if (ret)
		return ret;
	iomem_dma_policy_revoke_denied();
	return count;
}

static ssize_t add_write(struct file *filp, struct kobject *kobj,
			 struct bin_attribute *attr, char *buf, loff_t pos,
			 size_t count)
{
	return policy_write(filp, buf, pos, count, true);
}
static BIN_ATTR(add, 0200, NULL, add_write, 0);

static ssize_t remove_write(struct file *filp, struct kobject *kobj,
			    struct bin_attribute *attr, char *buf, loff_t pos,
			    size_t count)
{
	return policy_write(filp, buf, pos, count, false);
}
static BIN_ATTR(remove, 0200, NULL, remove_write, 0);

static ssize_t rules_read(struct file *filp, struct kobject *kobj,
			  struct bin_attribute *attr, char *out, loff_t pos,
			  size_t count)
{
	size_t cap = (size_t)IOMEM_DMA_MAX_RULES *
		     (2 * IOMEM_DMA_NAME_MAX + 48) + 1;
	ssize_t ret;
	char *text;
	int n;

	text = kvmalloc(cap, GFP_KERNEL);
	if (!text)
		return -ENOMEM;
	n = iomem_dma_policy_show(text, cap);
	ret = memory_read_from_buffer(out, count, &pos, text, n);
	kvfree(text);
	return ret;
}
static BIN_ATTR(rules, 0444, rules_read, NULL, 0);

/*
 * Writing "1" makes every backend read again what it snapshotted from the
 * hardware (PCI ACS bits, host bridges); the write returns once verdicts
 * are fresh and what turned to deny is revoked.
 */
static ssize_t rescan_write(struct file *filp, struct kobject *kobj,
			    struct bin_attribute *attr, char *buf, loff_t pos,
			    size_t count)
{
	if (!iomem_dma_policy_may_write(filp))
		return -EPERM;
	if (pos || !count || count > 2 || buf[0] != '1' ||
	    (count == 2 && buf[1] != '\n'))
		return -EINVAL;
	iomem_dma_fabric_rescan();
	return count;
}
static BIN_ATTR(rescan, 0200, NULL, rescan_write, 0);

static ssize_t generation_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", iomem_dma_generation());
}

static struct kobj_attribute generation_attr = __ATTR_RO(generation);

static struct attribute *iomem_dma_policy_attrs[] = {
	&generation_attr.attr,
	NULL
};

static struct bin_attribute *iomem_dma_policy_bin_attrs[] = {
	&bin_attr_add,
	&bin_attr_remove,
	&bin_attr_rules,
	&bin_attr_rescan,
	NULL
};

static const struct attribute_group iomem_dma_policy_group = {
	.attrs = iomem_dma_policy_attrs,
	.bin_attrs = iomem_dma_policy_bin_attrs,
};

/* The handlers, for KUnit: they take the opener's file like sysfs does. */
ssize_t iomem_dma_sysfs_add(struct file *filp, const char *buf, size_t count)
{
	return policy_write(filp, buf, 0, count, true);
}

ssize_t iomem_dma_sysfs_remove(struct file *filp, const char *buf,
			       size_t count)
{
	return policy_write(filp, buf, 0, count, false);
}

ssize_t iomem_dma_sysfs_rescan(struct file *filp, const char *buf,
			       size_t count)
{
	return rescan_write(filp, NULL, NULL, (char *)buf, 0, count);
}

int iomem_dma_sysfs_init(void)
{
	int ret;

	ret = class_register(&iomem_dma_class);
	if (ret)
		return ret;
	iomem_dma_kobj = kobject_create_and_add("iomem_dma", kernel_kobj);
	if (!iomem_dma_kobj) {
		ret = -ENOMEM;
		goto unregister_class;
	}
	ret = sysfs_create_group(iomem_dma_kobj, &iomem_dma_policy_group);
	if (ret)
		goto put_kobj;
	return 0;

put_kobj:
	kobject_put(iomem_dma_kobj);
	iomem_dma_kobj = NULL;
unregister_class:
	class_unregister(&iomem_dma_class);
	return ret;
}
