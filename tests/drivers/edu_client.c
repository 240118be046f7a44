// SPDX-License-Identifier: GPL-2.0-only
/*
 * iomem_dma client for QEMU's "edu" PCI device (1234:11e8): the model of a
 * driver that uses the client API, and the DMA engine of the board tests.
 *
 * debugfs /sys/kernel/debug/iomem_dma_edu/<pci name>/ctl, root only:
 *   write "copy PROVIDER"  allocate 4 KiB from PROVIDER, fill the first
 *                          half through __iomem, let edu DMA it into its
 *                          buffer and back into the second half, verify
 *   write "hold PROVIDER"  allocate and map 4 KiB and keep the mapping
 *   write "release"        unmap and free what "hold" kept
 *   write "import FD"      attach to the dma-buf FD of the writing process
 *                          as a dynamic peer2peer importer, map it for
 *                          edu, let edu DMA the first 2 KiB into its
 *                          buffer and back into the next 2 KiB, unmap
 *                          and detach (the process checks the bytes)
 *   write "attach FD"      attach to the dma-buf FD as "import" does and
 *                          map it, and keep both; a move_notify unmaps
 *   write "xfer"           map the attached dma-buf again if a
 *                          move_notify took the table, then copy as
 *                          "import" does (refused when the pair is
 *                          denied, -ENODEV when the buffer is revoked)
 *   write "detach"         unmap and detach what "attach" kept
 *   read                   the result of the last command, the number
 *                          of revokes received, whether a mapping is
 *                          held, the move_notify calls of the attached
 *                          dma-buf and whether it is mapped
 */

#include <linux/debugfs.h>
#include <linux/dma-buf.h>
#include <linux/dma-resv.h>
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/io.h>
#include <linux/io-64-nonatomic-lo-hi.h>
#include <linux/iopoll.h>
#include <linux/iomem_dma.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/slab.h>

#define EDU_REG_DMA_SRC		0x80
#define EDU_REG_DMA_DST		0x88
#define EDU_REG_DMA_COUNT	0x90
#define EDU_REG_DMA_CMD		0x98
#define EDU_CMD_START		BIT(0)
#define EDU_CMD_TO_RAM		BIT(1)
#define EDU_BUFFER		0x40000
#define EDU_XFER		2048
#define EDU_ALLOC		4096

struct edu {
	struct pci_dev *pdev;
	void __iomem *regs;
	struct dentry *dir;
	struct mutex lock;	/* serialises commands and revokes */
	char result[256];
	unsigned int revokes;
	struct iomem_dma_client *client;
	struct iomem_dma_provider *held_prov;
	struct sg_table held;
	bool holding;
	struct dma_buf_attachment *imp_at;
	struct sg_table *imp_sgt;	/* under imp_at's reservation lock */
	atomic_t imp_notified;
};

static int edu_dma(struct edu *edu, u64 src, u64 dst, u32 len, u32 cmd)
{
	u32 val;

	/*
	 * edu latches a DMA register only on an access at its own offset:
	 * 64-bit addresses need one 64-bit write (a native writeq() on
	 * 64-bit; the lo-hi fallback elsewhere only carries 32 bits).
	 */
	writeq(src, edu->regs + EDU_REG_DMA_SRC);
	writeq(dst, edu->regs + EDU_REG_DMA_DST);
	writeq(len, edu->regs + EDU_REG_DMA_COUNT);
	writel(cmd | EDU_CMD_START, edu->regs + EDU_REG_DMA_CMD);
	return readl_poll_timeout(edu->regs + EDU_REG_DMA_CMD, val,
				  !(val & EDU_CMD_START), 100, 1000000);
}

static void edu_release_held(struct edu *edu)
{
	lockdep_assert_held(&edu->lock);
	if (!edu->holding)
		return;
	iomem_dma_unmap_sgtable(edu->client, &edu->held, DMA_BIDIRECTIONAL, 0);
	iomem_dma_free_sgt(edu->client, &edu->held);
	iomem_dma_provider_put(edu->held_prov);
	edu->held_prov = NULL;
	edu->holding = false;
}

static void edu_revoke(struct iomem_dma_client *client,
		       struct iomem_dma_provider *prov, void *priv)
{
	struct edu *edu = priv;

	mutex_lock(&edu->lock);
	edu->revokes++;
	if (edu->holding && edu->held_prov == prov)
		edu_release_held(edu);
	mutex_unlock(&edu->lock);
	dev_info(&edu->pdev->dev, "revoked by %s\n",
		 iomem_dma_provider_name(prov));
}

static const struct iomem_dma_client_ops edu_client_ops = {
	.revoke = edu_revoke,
};

static int edu_map(struct edu *edu, struct iomem_dma_provider *prov,
		   struct sg_table *sgt)
{
	struct iomem_dma_verdict v;
	int ret;

	ret = iomem_dma_alloc_sgt(edu->client, prov, sgt, EDU_ALLOC, GFP_KERNEL);
	if (ret) {
		snprintf(edu->result, sizeof(edu->result),
			 "error %d: allocation from %s failed\n", ret,
			 iomem_dma_provider_name(prov));
		return ret;
	}
	ret = iomem_dma_map_sgtable(edu->client, sgt, DMA_BIDIRECTIONAL, 0);
	if (ret) {
		if (ret == -EREMOTEIO &&
		    !iomem_dma_last_refusal(edu->client, &v))
			snprintf(edu->result, sizeof(edu->result),
				 "denied: %s (reason=%s node=%s rule=%u)\n",
				 iomem_dma_provider_name(prov),
				 iomem_dma_reason_str(v.reason),
				 v.node[0] ? v.node : "-", v.rule);
		else
			snprintf(edu->result, sizeof(edu->result),
				 "error %d: map failed\n", ret);
		iomem_dma_free_sgt(edu->client, sgt);
	}
	return ret;
}

static int edu_copy(struct edu *edu, struct iomem_dma_provider *prov)
{
	struct scatterlist *sg;
	struct sg_table sgt;
	u8 *out, *back;
	dma_addr_t bus;
	bool bus_path;
	int ret, i;

	out = kmalloc(EDU_XFER, GFP_KERNEL);
	back = kzalloc(EDU_XFER, GFP_KERNEL);
	if (!out || !back) {
		ret = -ENOMEM;
		goto free_bufs;
	}
	for (i = 0; i < EDU_XFER; i++)
		out[i] = (u8)(i * 13 + 7);

	ret = edu_map(edu, prov, &sgt);
	if (ret)
		goto free_bufs;
	sg = sgt.sgl;
	bus = sg_dma_address(sg);
	bus_path = sg_dma_is_bus_address(sg);

	/* The CPU writes the provider only through __iomem accessors. */
	iomem_dma_sg_copy_to(sg, 0, out, EDU_XFER);
	iomem_dma_sg_copy_to(sg, EDU_XFER, back, EDU_XFER);

	ret = edu_dma(edu, bus, EDU_BUFFER, EDU_XFER, 0);
	if (!ret)
		ret = edu_dma(edu, EDU_BUFFER, bus + EDU_XFER, EDU_XFER,
			      EDU_CMD_TO_RAM);
	if (ret) {
		snprintf(edu->result, sizeof(edu->result),
			 "error %d: edu DMA did not complete\n", ret);
		goto unmap;
	}
	iomem_dma_sg_copy_from(sg, EDU_XFER, back, EDU_XFER);
	if (memcmp(out, back, EDU_XFER)) {
		ret = -EIO;
		snprintf(edu->result, sizeof(edu->result),
			 "error: %s bytes differ after provider -> edu -> provider\n",
			 iomem_dma_provider_name(prov));
		goto unmap;
	}
	snprintf(edu->result, sizeof(edu->result),
		 "ok: %d bytes %s -> edu -> %s verified, %s path, dma address %pad\n",
		 EDU_XFER, iomem_dma_provider_name(prov),
		 iomem_dma_provider_name(prov), bus_path ? "bus" : "host", &bus);
unmap:
	iomem_dma_unmap_sgtable(edu->client, &sgt, DMA_BIDIRECTIONAL, 0);
	iomem_dma_free_sgt(edu->client, &sgt);
free_bufs:
	kfree(out);
	kfree(back);
	return ret;
}

/*
 * Let go of the attached table. Called with the reservation lock held,
 * which "xfer" holds while it maps and copies, so no DMA is under way;
 * edu->lock is not taken here (commands take it before the reservation
 * lock). One-shot imports keep nothing and have no importer_priv.
 */
static void edu_move_notify(struct dma_buf_attachment *at)
{
	struct edu *edu = at->importer_priv;

	dma_resv_assert_held(at->dmabuf->resv);
	if (!edu)
		return;
	atomic_inc(&edu->imp_notified);
	if (edu->imp_sgt) {
		dma_buf_unmap_attachment(at, edu->imp_sgt, DMA_BIDIRECTIONAL);
		edu->imp_sgt = NULL;
	}
}

static const struct dma_buf_attach_ops edu_import_ops = {
	.allow_peer2peer = true,
	.move_notify = edu_move_notify,
};

/* Copy the first EDU_XFER bytes at @addr to the next EDU_XFER through edu. */
static int edu_copy_at(struct edu *edu, dma_addr_t addr, bool bus,
		       const char *what)
{
	int ret;

	ret = edu_dma(edu, addr, EDU_BUFFER, EDU_XFER, 0);
	if (!ret)
		ret = edu_dma(edu, EDU_BUFFER, addr + EDU_XFER, EDU_XFER,
			      EDU_CMD_TO_RAM);
	if (ret)
		snprintf(edu->result, sizeof(edu->result),
			 "error %d: edu DMA did not complete\n", ret);
	else
		snprintf(edu->result, sizeof(edu->result),
			 "ok: %d bytes of the dma-buf copied by edu, %s path, dma address %pad (%s)\n",
			 EDU_XFER, bus ? "bus" : "host", &addr, what);
	return ret;
}

/*
 * Attach edu to the dma-buf @fd of the calling process as a dynamic
 * peer2peer importer (@priv: the move_notify's, %NULL for one-shot
 * imports). The attachment holds the reference dma_buf_get() took; on an
 * error none is left and edu->result says why.
 */
static struct dma_buf_attachment *edu_dmabuf_attach(struct edu *edu, int fd,
						    struct edu *priv)
{
	struct dma_buf_attachment *at;
	struct dma_buf *dmabuf;

	dmabuf = dma_buf_get(fd);
	if (IS_ERR(dmabuf)) {
		snprintf(edu->result, sizeof(edu->result),
			 "error %ld: fd %d is not a dma-buf\n", PTR_ERR(dmabuf), fd);
		return ERR_CAST(dmabuf);
	}
	at = dma_buf_dynamic_attach(dmabuf, &edu->pdev->dev, &edu_import_ops,
				    priv);
	if (IS_ERR(at)) {
		snprintf(edu->result, sizeof(edu->result),
			 "error %ld: attach refused\n", PTR_ERR(at));
		dma_buf_put(dmabuf);
	}
	return at;
}

/*
 * Import the dma-buf @fd of the calling process: attach, map for edu,
 * copy its first EDU_XFER bytes through edu's buffer into the next
 * EDU_XFER bytes, unmap, detach.
 */
static int edu_import(struct edu *edu, int fd)
{
	struct dma_buf_attachment *at;
	struct dma_buf *dmabuf;
	struct sg_table *sgt;
	dma_addr_t addr;
	bool bus;
	int ret;

	at = edu_dmabuf_attach(edu, fd, NULL);
	if (IS_ERR(at))
		return PTR_ERR(at);
	dmabuf = at->dmabuf;
	sgt = dma_buf_map_attachment_unlocked(at, DMA_BIDIRECTIONAL);
	if (IS_ERR(sgt)) {
		ret = PTR_ERR(sgt);
		snprintf(edu->result, sizeof(edu->result),
			 ret == -EREMOTEIO ? "denied: map of the dma-buf refused (%d)\n" :
			 "error %d: map of the dma-buf failed\n", ret);
		goto detach;
	}
	ret = -EINVAL;
	if (sgt->nents < 1 || sg_dma_len(sgt->sgl) < 2 * EDU_XFER) {
		snprintf(edu->result, sizeof(edu->result),
			 "error: the dma-buf's first entry is shorter than %d bytes\n",
			 2 * EDU_XFER);
		goto unmap;
	}
	addr = sg_dma_address(sgt->sgl);
	bus = sg_dma_is_bus_address(sgt->sgl);
	ret = edu_copy_at(edu, addr, bus, sgt->orig_nents ? "CPU entries" :
			  "orig_nents 0");
unmap:
	dma_buf_unmap_attachment_unlocked(at, sgt, DMA_BIDIRECTIONAL);
detach:
	dma_buf_detach(dmabuf, at);
	dma_buf_put(dmabuf);
	return ret;
}

/* Map the attached dma-buf if it is not; under its reservation lock. */
static int edu_imp_map(struct edu *edu)
{
	struct sg_table *sgt;

	dma_resv_assert_held(edu->imp_at->dmabuf->resv);
	if (edu->imp_sgt)
		return 0;
	sgt = dma_buf_map_attachment(edu->imp_at, DMA_BIDIRECTIONAL);
	if (IS_ERR(sgt)) {
		snprintf(edu->result, sizeof(edu->result),
			 PTR_ERR(sgt) == -EREMOTEIO ?
			 "denied: map of the attached dma-buf refused (%ld)\n" :
			 "error %ld: map of the attached dma-buf failed\n",
			 PTR_ERR(sgt));
		return PTR_ERR(sgt);
	}
	if (sgt->nents < 1 || sg_dma_len(sgt->sgl) < 2 * EDU_XFER) {
		dma_buf_unmap_attachment(edu->imp_at, sgt, DMA_BIDIRECTIONAL);
		snprintf(edu->result, sizeof(edu->result),
			 "error: the dma-buf's first entry is shorter than %d bytes\n",
			 2 * EDU_XFER);
		return -EINVAL;
	}
	edu->imp_sgt = sgt;
	return 0;
}

static void edu_detach(struct edu *edu)
{
	struct dma_buf_attachment *at = edu->imp_at;
	struct dma_buf *dmabuf;

	lockdep_assert_held(&edu->lock);
	if (!at)
		return;
	dmabuf = at->dmabuf;
	dma_resv_lock(dmabuf->resv, NULL);
	if (edu->imp_sgt)
		dma_buf_unmap_attachment(at, edu->imp_sgt, DMA_BIDIRECTIONAL);
	edu->imp_sgt = NULL;
	dma_resv_unlock(dmabuf->resv);
	dma_buf_detach(dmabuf, at);
	dma_buf_put(dmabuf);
	edu->imp_at = NULL;
}

/* "attach FD": attach and map the dma-buf @fd, and keep both. */
static int edu_attach(struct edu *edu, int fd)
{
	struct dma_buf_attachment *at;
	struct dma_buf *dmabuf;
	int ret;

	lockdep_assert_held(&edu->lock);
	edu_detach(edu);
	at = edu_dmabuf_attach(edu, fd, edu);
	if (IS_ERR(at))
		return PTR_ERR(at);
	dmabuf = at->dmabuf;
	edu->imp_at = at;
	atomic_set(&edu->imp_notified, 0);
	dma_resv_lock(dmabuf->resv, NULL);
	ret = edu_imp_map(edu);
	dma_resv_unlock(dmabuf->resv);
	if (ret) {
		edu_detach(edu);
		return ret;
	}
	snprintf(edu->result, sizeof(edu->result),
		 "attached: fd %d mapped, %s path\n", fd,
		 sg_dma_is_bus_address(edu->imp_sgt->sgl) ? "bus" : "host");
	return 0;
}

/* "xfer": copy through the attached dma-buf, mapping it again if needed. */
static int edu_xfer(struct edu *edu)
{
	struct dma_resv *resv;
	int ret;

	lockdep_assert_held(&edu->lock);
	if (!edu->imp_at) {
		snprintf(edu->result, sizeof(edu->result), "error: nothing attached\n");
		return -ENOENT;
	}
	resv = edu->imp_at->dmabuf->resv;
	/* Held over the DMA: a move_notify waits until edu is done. */
	dma_resv_lock(resv, NULL);
	ret = edu_imp_map(edu);
	if (!ret)
		ret = edu_copy_at(edu, sg_dma_address(edu->imp_sgt->sgl),
				  sg_dma_is_bus_address(edu->imp_sgt->sgl),
				  "attached");
	dma_resv_unlock(resv);
	return ret;
}

static ssize_t edu_ctl_write(struct file *file, const char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	struct edu *edu = file->private_data;
	struct iomem_dma_provider *prov = NULL;
	char cmd[96], *arg;
	int ret;

	if (count >= sizeof(cmd))
		return -EINVAL;
	if (copy_from_user(cmd, ubuf, count))
		return -EFAULT;
	cmd[count] = '\0';
	strim(cmd);
	arg = strchr(cmd, ' ');
	if (arg)
		*arg++ = '\0';

	mutex_lock(&edu->lock);
	if (!strcmp(cmd, "release") && !arg) {
		edu_release_held(edu);
		snprintf(edu->result, sizeof(edu->result), "released\n");
		ret = 0;
		goto unlock;
	}
	if ((!strcmp(cmd, "import") || !strcmp(cmd, "attach")) && arg) {
		int fd;

		ret = kstrtoint(arg, 10, &fd);
		if (!ret)
			ret = cmd[0] == 'i' ? edu_import(edu, fd) :
			      edu_attach(edu, fd);
		goto unlock;
	}
	if (!strcmp(cmd, "xfer") && !arg) {
		ret = edu_xfer(edu);
		goto unlock;
	}
	if (!strcmp(cmd, "detach") && !arg) {
		edu_detach(edu);
		snprintf(edu->result, sizeof(edu->result), "detached\n");
		ret = 0;
		goto unlock;
	}
	if ((strcmp(cmd, "copy") && strcmp(cmd, "hold")) || !arg) {
		ret = -EINVAL;
		goto unlock;
	}
	prov = iomem_dma_provider_get_by_name(arg);
	if (!prov) {
		snprintf(edu->result, sizeof(edu->result),
			 "error: no provider named %s\n", arg);
		ret = -ENODEV;
		goto unlock;
	}
	if (!strcmp(cmd, "copy")) {
		ret = edu_copy(edu, prov);
	} else {
		edu_release_held(edu);
		ret = edu_map(edu, prov, &edu->held);
		if (!ret) {
			edu->holding = true;
			edu->held_prov = prov;
			prov = NULL;
			snprintf(edu->result, sizeof(edu->result),
				 "holding 4096 bytes of %s, mapped\n", arg);
		}
	}
	iomem_dma_provider_put(prov);
unlock:
	mutex_unlock(&edu->lock);
	return ret ? ret : count;
}

static ssize_t edu_ctl_read(struct file *file, char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	struct edu *edu = file->private_data;
	char text[400];
	bool mapped = false;
	int n;

	mutex_lock(&edu->lock);
	if (edu->imp_at) {
		dma_resv_lock(edu->imp_at->dmabuf->resv, NULL);
		mapped = edu->imp_sgt;
		dma_resv_unlock(edu->imp_at->dmabuf->resv);
	}
	n = scnprintf(text, sizeof(text),
		      "%srevokes %u\nholding %d\nattached %d\nattached notified %d\nattached mapped %d\n",
		      edu->result, edu->revokes, edu->holding, !!edu->imp_at,
		      atomic_read(&edu->imp_notified), mapped);
	mutex_unlock(&edu->lock);
	return simple_read_from_buffer(ubuf, count, ppos, text, n);
}

static const struct file_operations edu_ctl_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = edu_ctl_read,
	.write = edu_ctl_write,
	.llseek = default_llseek,
};

static struct dentry *edu_debugfs_root;

static void edu_teardown(void *data)
{
	struct edu *edu = data;

	debugfs_remove_recursive(edu->dir);
	mutex_lock(&edu->lock);
	edu_release_held(edu);
	edu_detach(edu);
	mutex_unlock(&edu->lock);
}

static int edu_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct edu *edu;
	int ret;

	edu = devm_kzalloc(&pdev->dev, sizeof(*edu), GFP_KERNEL);
	if (!edu)
		return -ENOMEM;
	edu->pdev = pdev;
	mutex_init(&edu->lock);
	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	edu->regs = pcim_iomap(pdev, 0, 0);
	if (!edu->regs)
		return -ENOMEM;
	pci_set_master(pdev);
	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (ret)
		return ret;
	edu->client = iomem_dma_client_register(&pdev->dev, &edu_client_ops,
						edu);
	if (IS_ERR(edu->client))
		return PTR_ERR(edu->client);
	edu->dir = debugfs_create_dir(pci_name(pdev), edu_debugfs_root);
	debugfs_create_file("ctl", 0600, edu->dir, edu, &edu_ctl_fops);
	return devm_add_action_or_reset(&pdev->dev, edu_teardown, edu);
}

static const struct pci_device_id edu_ids[] = {
	{ PCI_DEVICE(0x1234, 0x11e8) },
	{ }
};
MODULE_DEVICE_TABLE(pci, edu_ids);

static struct pci_driver edu_driver = {
	.name = "iomem_dma_edu",
	.id_table = edu_ids,
	.probe = edu_probe,
};

static int __init edu_init(void)
{
	edu_debugfs_root = debugfs_create_dir("iomem_dma_edu", NULL);
	return pci_register_driver(&edu_driver);
}
module_init(edu_init);

static void __exit edu_exit(void)
{
	pci_unregister_driver(&edu_driver);
	debugfs_remove_recursive(edu_debugfs_root);
}
module_exit(edu_exit);

MODULE_DESCRIPTION("iomem_dma client for QEMU's edu device (tests)");
MODULE_IMPORT_NS(DMA_BUF);
MODULE_LICENSE("GPL");
