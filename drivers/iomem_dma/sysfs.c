// SPDX-License-Identifier: GPL-2.0-only
/*
 * iomem_dma sysfs: one device per provider in class iomem_dma, and the
 * policy generation under /sys/kernel/iomem_dma/, one value per file. See
 * Documentation/ABI/testing/sysfs-class-iomem_dma and
 * Documentation/ABI/testing/sysfs-kernel-iomem_dma. Tables and commands
 * are elsewhere: admin.c.
 *
 * preference and heap_limit are bin_attributes only because their write
 * handlers must see the file: the change is allowed by the credentials it
 * was opened with (iomem_dma_policy_may_write()), which a plain attribute's
 * store() cannot check. Each holds one decimal value.
 */

#define pr_fmt(fmt) "iomem_dma: " fmt

#include <linux/device.h>
#include <linux/fs.h>
#include <linux/kobject.h>
#include <linux/string.h>
#include <linux/sysfs.h>

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

static struct attribute *iomem_dma_prov_attrs[] = {
	&dev_attr_size.attr,
	&dev_attr_available.attr,
	&dev_attr_published.attr,
	&dev_attr_bus.attr,
	NULL
};

static struct bin_attribute *iomem_dma_prov_bin_attrs[] = {
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

static const struct attribute_group iomem_dma_policy_group = {
	.attrs = iomem_dma_policy_attrs,
};

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
