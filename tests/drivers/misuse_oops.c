// SPDX-License-Identifier: GPL-2.0-only
/*
 * The misuse matrix's oopses, on purpose. Code that does not know about
 * I/O memory dereferences what sg_virt(), kmap_local_page(sg_page()) or
 * get_page(sg_page()) gives for an iomem entry; the guard and the NULL
 * page must make each access fault before it touches anything. Each
 * access runs in a kthread of its own, which the oops kills; the caller
 * then checks that the I/O memory still holds what was written into it.
 * An oops taints the kernel and turns lockdep off, so the arm64 board
 * runs this in a boot of its own ("board_oops").
 *
 * debugfs /sys/kernel/debug/iomem_dma_misuse_oops/run, root only:
 *   write "MODE PROVIDER"  MODE is sg_virt (memset through sg_virt()),
 *                          kmap (memcpy from kmap_local_page(sg_page())
 *                          plus the offset) or get_page
 *   read                   the result of the last run
 */

#define pr_fmt(fmt) "iomem_dma_misuse_oops: " fmt

#include <linux/completion.h>
#include <linux/debugfs.h>
#include <linux/highmem.h>
#include <linux/iomem_dma.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/string.h>

#define MO_SIZE		4096
#define MO_PATTERN	0x6b
#define MO_WAIT_MS	2000

struct mo_run {
	struct scatterlist sg;
	const char *mode;
	struct completion done;
	u8 buf[64];
};

static struct platform_device *mo_pdev;
static struct iomem_dma_client *mo_client;
static struct dentry *mo_dir;
static DEFINE_MUTEX(mo_lock);	/* one run at a time, and mo_result */
static char mo_result[256];

static void mo_revoke(struct iomem_dma_client *client,
		      struct iomem_dma_provider *prov, void *priv)
{
	/* Nothing is ever mapped. */
}

static const struct iomem_dma_client_ops mo_ops = {
	.revoke = mo_revoke,
};

static int mo_thread(void *data)
{
	struct mo_run *run = data;
	struct scatterlist *sg = &run->sg;
	void *va;

	pr_info("%s of an iomem entry (index %u, %u bytes)\n", run->mode,
		sg->offset, sg->length);
	if (!strcmp(run->mode, "sg_virt")) {
		memset(sg_virt(sg), 0xee, sg->length);
	} else if (!strcmp(run->mode, "kmap")) {
		va = kmap_local_page(sg_page(sg));
		memcpy(run->buf, va + sg->offset, sizeof(run->buf));
		kunmap_local(va);
	} else {
		get_page(sg_page(sg));
	}
	/* Reached only if the access did not fault. */
	complete(&run->done);
	return 0;
}

static int mo_run_one(const char *mode, const char *name)
{
	struct iomem_dma_provider *prov;
	struct task_struct *t;
	struct mo_run *run;
	bool finished, dead, same;
	u8 chunk[64];
	size_t off, i;
	int ret;

	prov = iomem_dma_provider_get_by_name(name);
	if (!prov) {
		snprintf(mo_result, sizeof(mo_result), "error: no provider %s\n",
			 name);
		return -ENODEV;
	}
	/* Kept if the thread may still use it; freed only once it is dead. */
	run = kzalloc(sizeof(*run), GFP_KERNEL);
	if (!run) {
		ret = -ENOMEM;
		goto put;
	}
	run->mode = mode;
	init_completion(&run->done);
	sg_init_table(&run->sg, 1);
	ret = iomem_dma_alloc_sg(mo_client, prov, &run->sg, MO_SIZE, 0);
	if (ret) {
		snprintf(mo_result, sizeof(mo_result),
			 "error %d: allocation failed\n", ret);
		kfree(run);
		goto put;
	}
	memset(chunk, MO_PATTERN, sizeof(chunk));
	for (off = 0; off < MO_SIZE; off += sizeof(chunk))
		iomem_dma_sg_copy_to(&run->sg, off, chunk, sizeof(chunk));

	t = kthread_create(mo_thread, run, "iomem_dma_oops/%s", mode);
	if (IS_ERR(t)) {
		ret = PTR_ERR(t);
		iomem_dma_free_sg(mo_client, &run->sg);
		kfree(run);
		goto put;
	}
	get_task_struct(t);
	wake_up_process(t);
	finished = wait_for_completion_timeout(&run->done,
					       msecs_to_jiffies(MO_WAIT_MS));
	/* An oops ends the thread through make_task_dead(). */
	dead = t->flags & PF_EXITING;
	put_task_struct(t);

	same = true;
	for (off = 0; off < MO_SIZE; off += sizeof(chunk)) {
		iomem_dma_sg_copy_from(&run->sg, off, chunk, sizeof(chunk));
		for (i = 0; i < sizeof(chunk); i++)
			same &= chunk[i] == MO_PATTERN;
	}
	if (finished)
		snprintf(mo_result, sizeof(mo_result),
			 "not stopped: %s went through; I/O memory %s\n", mode,
			 same ? "unchanged" : "CHANGED");
	else if (dead)
		snprintf(mo_result, sizeof(mo_result),
			 "stopped: %s faulted and the thread died; I/O memory %s\n",
			 mode, same ? "unchanged" : "CHANGED");
	else
		snprintf(mo_result, sizeof(mo_result),
			 "stuck: %s neither finished nor faulted\n", mode);
	ret = finished || !dead || !same ? -EIO : 0;
	iomem_dma_free_sg(mo_client, &run->sg);
	/* A thread that is neither done nor dead may still touch @run. */
	if (finished || dead)
		kfree(run);
put:
	iomem_dma_provider_put(prov);
	return ret;
}

static ssize_t mo_write(struct file *file, const char __user *ubuf,
			size_t count, loff_t *ppos)
{
	char cmd[96], *name;
	int ret;

	if (count >= sizeof(cmd))
		return -EINVAL;
	if (copy_from_user(cmd, ubuf, count))
		return -EFAULT;
	cmd[count] = '\0';
	strim(cmd);
	name = strchr(cmd, ' ');
	if (!name)
		return -EINVAL;
	*name++ = '\0';
	if (strcmp(cmd, "sg_virt") && strcmp(cmd, "kmap") &&
	    strcmp(cmd, "get_page"))
		return -EINVAL;
	mutex_lock(&mo_lock);
	ret = mo_run_one(cmd, name);
	mutex_unlock(&mo_lock);
	return ret ? ret : count;
}

static ssize_t mo_read(struct file *file, char __user *ubuf, size_t count,
		       loff_t *ppos)
{
	char text[sizeof(mo_result)];
	size_t n;

	mutex_lock(&mo_lock);
	n = strscpy(text, mo_result, sizeof(text));
	mutex_unlock(&mo_lock);
	return simple_read_from_buffer(ubuf, count, ppos, text, n);
}

static const struct file_operations mo_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = mo_read,
	.write = mo_write,
	.llseek = default_llseek,
};

static int __init mo_init(void)
{
	mo_pdev = platform_device_register_simple("iomem_dma_misuse_oops", -1,
						  NULL, 0);
	if (IS_ERR(mo_pdev))
		return PTR_ERR(mo_pdev);
	mo_client = iomem_dma_client_register(&mo_pdev->dev, &mo_ops, NULL);
	if (IS_ERR(mo_client)) {
		platform_device_unregister(mo_pdev);
		return PTR_ERR(mo_client);
	}
	mo_dir = debugfs_create_dir("iomem_dma_misuse_oops", NULL);
	debugfs_create_file("run", 0600, mo_dir, NULL, &mo_fops);
	return 0;
}
module_init(mo_init);

static void __exit mo_exit(void)
{
	debugfs_remove_recursive(mo_dir);
	iomem_dma_client_unregister(mo_client);
	platform_device_unregister(mo_pdev);
}
module_exit(mo_exit);

MODULE_DESCRIPTION("iomem_dma: the misuse matrix's deliberate oopses (tests)");
MODULE_LICENSE("GPL");
