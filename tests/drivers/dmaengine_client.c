// SPDX-License-Identifier: GPL-2.0-only
/*
 * iomem_dma client on a dmaengine memcpy channel: the DMA controller named
 * by a devicetree consumer ("peer-dma-regions") copies between RAM and a
 * peer DMA region, and the CPU checks the region's bytes through __iomem
 * accessors only. The board test of QEMU xilinx-zynq-a9 drives it with the
 * pl330 and the OCM.
 *
 * The client is the DMA controller's device (chan->device->dev): it is the
 * bus master, and its devicetree node carries the consumer properties.
 *
 * debugfs /sys/kernel/debug/iomem_dma_dmaengine/ctl, root only:
 *   write "copy SIZE [NAME]"  look the region up with iomem_dma_of_get()
 *                             (NAME as in peer-dma-region-names, or the
 *                             only entry), allocate SIZE bytes of it, map
 *                             them, let the DMA engine copy RAM -> region
 *                             and region -> RAM, verify both
 *   read                      the result of the last command, the channel,
 *                             the client and the number of revokes
 */

#define pr_fmt(fmt) "iomem_dma_dmaengine: " fmt

#include <linux/completion.h>
#include <linux/debugfs.h>
#include <linux/dma-mapping.h>
#include <linux/dmaengine.h>
#include <linux/io.h>
#include <linux/iomem_dma.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/of.h>
#include <linux/slab.h>
#include <linux/string.h>

#define DEC_MAX_SIZE	SZ_1M
#define DEC_TIMEOUT_MS	5000

/**
 * struct dec_state - the one instance of the client
 * @lock: serialises commands; protects @chan, @dev and @result.
 * @chan: the memcpy channel, requested by the first command.
 * @dev: the DMA controller's device, registered as an iomem_dma client.
 * @result: text of the last command's outcome.
 * @revokes: revokes received (atomic: the revoke callback takes no lock).
 * @run: counter that makes each run's byte pattern different.
 */
struct dec_state {
	struct mutex lock;
	struct dma_chan *chan;
	struct device *dev;
	char result[320];
	atomic_t revokes;
	unsigned int run;
};

static struct dec_state dec = {
	.lock = __MUTEX_INITIALIZER(dec.lock),
};

static struct dentry *dec_debugfs;

/*
 * Nothing is held between commands, and a command frees what it mapped
 * before it returns: the provider's unregister waits for that.
 */
static void dec_revoke(struct device *dev, struct iomem_dma_provider *prov,
		       void *priv)
{
	struct dec_state *s = priv;

	atomic_inc(&s->revokes);
	dev_info(dev, "revoked by %s\n", iomem_dma_provider_name(prov));
}

static const struct iomem_dma_client_ops dec_client_ops = {
	.revoke = dec_revoke,
};

#define dec_result(s, fmt, ...) \
	snprintf((s)->result, sizeof((s)->result), fmt "\n", ##__VA_ARGS__)

/* Only a controller that names peer DMA regions is of use. */
static bool dec_filter(struct dma_chan *chan, void *param)
{
	return of_property_present(chan->device->dev->of_node,
				   "peer-dma-regions");
}

static int dec_get_channel(struct dec_state *s)
{
	struct dma_chan *chan;
	dma_cap_mask_t mask;
	int ret;

	lockdep_assert_held(&s->lock);
	if (s->chan)
		return 0;
	dma_cap_zero(mask);
	dma_cap_set(DMA_MEMCPY, mask);
	chan = dma_request_channel(mask, dec_filter, NULL);
	if (!chan) {
		dec_result(s, "error %d: no memcpy channel on a controller with peer-dma-regions",
			   -ENODEV);
		return -ENODEV;
	}
	ret = iomem_dma_client_register(chan->device->dev, &dec_client_ops, s);
	if (ret) {
		dec_result(s, "error %d: %s cannot be an iomem_dma client", ret,
			   dev_name(chan->device->dev));
		dma_release_channel(chan);
		return ret;
	}
	s->chan = chan;
	s->dev = chan->device->dev;
	dev_info(s->dev, "iomem_dma client on channel %s\n", dma_chan_name(chan));
	return 0;
}

static void dec_done(void *arg)
{
	complete(arg);
}

/* One memcpy on the channel; wait for it. */
static int dec_memcpy(struct dec_state *s, dma_addr_t dst, dma_addr_t src,
		      size_t len)
{
	struct dma_async_tx_descriptor *tx;
	DECLARE_COMPLETION_ONSTACK(done);
	enum dma_status status;
	dma_cookie_t cookie;

	tx = dmaengine_prep_dma_memcpy(s->chan, dst, src, len,
				       DMA_PREP_INTERRUPT | DMA_CTRL_ACK);
	if (!tx)
		return -EIO;
	tx->callback = dec_done;
	tx->callback_param = &done;
	cookie = dmaengine_submit(tx);
	if (dma_submit_error(cookie))
		return -EIO;
	dma_async_issue_pending(s->chan);
	if (!wait_for_completion_timeout(&done,
					 msecs_to_jiffies(DEC_TIMEOUT_MS))) {
		dmaengine_terminate_sync(s->chan);
		return -ETIMEDOUT;
	}
	status = dma_async_is_tx_complete(s->chan, cookie, NULL, NULL);
	return status == DMA_COMPLETE ? 0 : -EIO;
}

/*
 * Copy between a RAM buffer mapped at @ram and every entry of @sgt, in
 * order: to the region if @to_region, else from it.
 */
static int dec_copy_sgt(struct dec_state *s, struct sg_table *sgt,
			dma_addr_t ram, bool to_region)
{
	struct scatterlist *sg;
	size_t off = 0;
	unsigned int i;
	int ret;

	for_each_sgtable_dma_sg(sgt, sg, i) {
		if (to_region)
			ret = dec_memcpy(s, sg_dma_address(sg), ram + off,
					 sg_dma_len(sg));
		else
			ret = dec_memcpy(s, ram + off, sg_dma_address(sg),
					 sg_dma_len(sg));
		if (ret)
			return ret;
		off += sg_dma_len(sg);
	}
	return 0;
}

static void dec_fill(u8 *buf, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (u8)(i * 31 + (i >> 8) + seed);
}

/*
 * Compare the region's bytes, read through __iomem, with @want. Return the
 * offset of the first difference and set *@got, or -1.
 */
static ssize_t dec_region_differs(struct sg_table *sgt, const u8 *want,
				  u8 *tmp, u8 *got)
{
	struct scatterlist *sg;
	size_t off = 0, j;
	unsigned int i;

	for_each_sgtable_sg(sgt, sg, i) {
		memcpy_fromio(tmp, iomem_dma_sg_iomem(sg), sg->length);
		for (j = 0; j < sg->length; j++) {
			if (tmp[j] != want[off + j]) {
				*got = tmp[j];
				return off + j;
			}
		}
		off += sg->length;
	}
	return -1;
}

static void dec_region_write(struct sg_table *sgt, const u8 *buf)
{
	struct scatterlist *sg;
	size_t off = 0;
	unsigned int i;

	for_each_sgtable_sg(sgt, sg, i) {
		memcpy_toio(iomem_dma_sg_iomem(sg), buf + off, sg->length);
		off += sg->length;
	}
}

static void dec_report_refusal(struct dec_state *s,
			       struct iomem_dma_provider *prov, int ret)
{
	struct iomem_dma_verdict v;

	if (ret == -EREMOTEIO && !iomem_dma_last_refusal(s->dev, &v))
		dec_result(s, "denied: %s for %s (reason=%s node=%s rule=%u)",
			   iomem_dma_provider_name(prov), dev_name(s->dev),
			   iomem_dma_reason_str(v.reason),
			   v.node[0] ? v.node : "-", v.rule);
	else
		dec_result(s, "error %d: map of %s for %s failed", ret,
			   iomem_dma_provider_name(prov), dev_name(s->dev));
}

/*
 * RAM -> region by DMA, checked by the CPU through __iomem; then the CPU
 * writes another pattern into the region, region -> RAM by DMA, checked in
 * RAM.
 */
static int dec_copy(struct dec_state *s, struct iomem_dma_provider *prov,
		    size_t size)
{
	struct device *dev = s->dev;
	u8 *src, *dst, *tmp;
	struct sg_table sgt;
	dma_addr_t src_dma, dst_dma;
	ssize_t bad;
	bool bus;
	u8 got;
	int ret;

	src = kmalloc(size, GFP_KERNEL);
	dst = kmalloc(size, GFP_KERNEL);
	tmp = kmalloc(size, GFP_KERNEL);
	if (!src || !dst || !tmp) {
		ret = -ENOMEM;
		dec_result(s, "error %d: no RAM buffers of %zu bytes", ret, size);
		goto free_bufs;
	}

	ret = iomem_dma_alloc_sgt(dev, prov, &sgt, size, GFP_KERNEL);
	if (ret) {
		dec_result(s, "error %d: allocation of %zu bytes from %s failed",
			   ret, size, iomem_dma_provider_name(prov));
		goto free_bufs;
	}
	ret = iomem_dma_map_sgtable(dev, &sgt, DMA_BIDIRECTIONAL, 0);
	if (ret) {
		dec_report_refusal(s, prov, ret);
		goto free_sgt;
	}
	bus = sg_dma_is_bus_address(sgt.sgl);

	/* Old contents must not pass for a copy: overwrite them first. */
	memset(tmp, 0x5a, size);
	dec_region_write(&sgt, tmp);

	s->run++;
	dec_fill(src, size, s->run);
	src_dma = dma_map_single(dev, src, size, DMA_TO_DEVICE);
	if (dma_mapping_error(dev, src_dma)) {
		ret = -EIO;
		dec_result(s, "error %d: dma_map_single of the source failed", ret);
		goto unmap_sgt;
	}
	ret = dec_copy_sgt(s, &sgt, src_dma, true);
	dma_unmap_single(dev, src_dma, size, DMA_TO_DEVICE);
	if (ret) {
		dec_result(s, "error %d: memcpy RAM -> %s on %s did not complete",
			   ret, iomem_dma_provider_name(prov),
			   dma_chan_name(s->chan));
		goto unmap_sgt;
	}
	bad = dec_region_differs(&sgt, src, tmp, &got);
	if (bad >= 0) {
		ret = -EIO;
		dec_result(s, "error: RAM -> %s: byte %zd is %#x, expected %#x",
			   iomem_dma_provider_name(prov), bad, got, src[bad]);
		goto unmap_sgt;
	}

	dec_fill(src, size, s->run + 0x80);
	dec_region_write(&sgt, src);
	memset(dst, 0xa5, size);
	dst_dma = dma_map_single(dev, dst, size, DMA_FROM_DEVICE);
	if (dma_mapping_error(dev, dst_dma)) {
		ret = -EIO;
		dec_result(s, "error %d: dma_map_single of the destination failed",
			   ret);
		goto unmap_sgt;
	}
	ret = dec_copy_sgt(s, &sgt, dst_dma, false);
	dma_unmap_single(dev, dst_dma, size, DMA_FROM_DEVICE);
	if (ret) {
		dec_result(s, "error %d: memcpy %s -> RAM on %s did not complete",
			   ret, iomem_dma_provider_name(prov),
			   dma_chan_name(s->chan));
		goto unmap_sgt;
	}
	if (memcmp(src, dst, size)) {
		ret = -EIO;
		dec_result(s, "error: %s -> RAM: bytes differ",
			   iomem_dma_provider_name(prov));
		goto unmap_sgt;
	}
	dec_result(s, "ok: %zu bytes RAM -> %s -> RAM verified, %u entries, %s path, dma address %pad, channel %s",
		   size, iomem_dma_provider_name(prov), sgt.nents,
		   bus ? "bus" : "host", &sg_dma_address(sgt.sgl),
		   dma_chan_name(s->chan));
unmap_sgt:
	iomem_dma_unmap_sgtable(dev, &sgt, DMA_BIDIRECTIONAL, 0);
free_sgt:
	iomem_dma_free_sgt(dev, &sgt);
free_bufs:
	kfree(tmp);
	kfree(dst);
	kfree(src);
	return ret;
}

static int dec_cmd_copy(struct dec_state *s, char *args)
{
	struct iomem_dma_provider *prov;
	char *size_str, *name;
	unsigned long size;
	int ret;

	size_str = strsep(&args, " ");
	name = args && *args ? args : NULL;
	if (!size_str || kstrtoul(size_str, 0, &size) || !size ||
	    size > DEC_MAX_SIZE) {
		dec_result(s, "error %d: usage: copy SIZE [NAME], SIZE 1..%u",
			   -EINVAL, DEC_MAX_SIZE);
		return -EINVAL;
	}

	ret = dec_get_channel(s);
	if (ret)
		return ret;
	prov = iomem_dma_of_get(s->dev, name);
	if (IS_ERR(prov)) {
		ret = PTR_ERR(prov);
		dec_result(s, "error %d: iomem_dma_of_get(%s, %s) failed", ret,
			   dev_name(s->dev), name ?: "(first)");
		return ret;
	}
	ret = dec_copy(s, prov, size);
	iomem_dma_provider_put(prov);
	return ret;
}

static ssize_t dec_ctl_write(struct file *file, const char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	struct dec_state *s = file->private_data;
	char cmd[96], *args;
	int ret;

	if (count >= sizeof(cmd))
		return -EINVAL;
	if (copy_from_user(cmd, ubuf, count))
		return -EFAULT;
	cmd[count] = '\0';
	args = strim(cmd);

	mutex_lock(&s->lock);
	if (!strncmp(args, "copy ", 5)) {
		ret = dec_cmd_copy(s, args + 5);
	} else {
		ret = -EINVAL;
		dec_result(s, "error %d: unknown command", ret);
	}
	mutex_unlock(&s->lock);
	return ret ? ret : count;
}

static ssize_t dec_ctl_read(struct file *file, char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	struct dec_state *s = file->private_data;
	char text[480];
	int n;

	mutex_lock(&s->lock);
	n = scnprintf(text, sizeof(text), "%schannel %s\nclient %s\nrevokes %d\n",
		      s->result, s->chan ? dma_chan_name(s->chan) : "-",
		      s->dev ? dev_name(s->dev) : "-",
		      atomic_read(&s->revokes));
	mutex_unlock(&s->lock);
	return simple_read_from_buffer(ubuf, count, ppos, text, n);
}

static const struct file_operations dec_ctl_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = dec_ctl_read,
	.write = dec_ctl_write,
	.llseek = default_llseek,
};

static int __init dec_init(void)
{
	dec_debugfs = debugfs_create_dir("iomem_dma_dmaengine", NULL);
	debugfs_create_file("ctl", 0600, dec_debugfs, &dec, &dec_ctl_fops);
	return 0;
}
module_init(dec_init);

static void __exit dec_exit(void)
{
	debugfs_remove_recursive(dec_debugfs);
	mutex_lock(&dec.lock);
	if (dec.chan) {
		iomem_dma_client_unregister(dec.dev);
		dma_release_channel(dec.chan);
	}
	dec.chan = NULL;
	dec.dev = NULL;
	mutex_unlock(&dec.lock);
}
module_exit(dec_exit);

MODULE_DESCRIPTION("iomem_dma client on a dmaengine memcpy channel (tests)");
MODULE_LICENSE("GPL");
