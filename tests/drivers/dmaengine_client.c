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
 *   write "hold SIZE [NAME]"  allocate and map SIZE bytes and keep them
 *                             (up to four holds), as a driver with a
 *                             buffer in flight would
 *   write "release [SLOT]"    unmap and free one hold, or all of them
 *   write "cycle ROUNDS SIZE [NAME]"
 *                             one table [RAM | SIZE bytes of the region |
 *                             RAM], mapped once; each round the CPU writes
 *                             a new pattern into the first RAM entry, the
 *                             DMA engine copies it RAM -> region -> RAM,
 *                             with iomem_dma_sync_sgtable_for_device() and
 *                             _for_cpu() between CPU and device, and every
 *                             byte of the region and the second RAM entry
 *                             is checked
 *   write "import FD SIZE"    attach to the dma-buf FD of the writing
 *                             process as a dynamic peer2peer importer with
 *                             the controller's device, map it, and let the
 *                             DMA engine write SIZE bytes of the pattern
 *                             dec_fill(seed) from RAM into it; the result
 *                             names the seed and the process checks the
 *                             bytes through its mapping
 *   read                      the result of the last command, the channel,
 *                             the client, the number of revokes and holds
 *
 * A revoke unmaps and frees the holds in the revoked provider.
 */

#define pr_fmt(fmt) "iomem_dma_dmaengine: " fmt

#include <linux/completion.h>
#include <linux/debugfs.h>
#include <linux/dma-buf.h>
#include <linux/dma-resv.h>
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
#define DEC_MAX_HOLDS	4

/**
 * struct dec_hold - an allocation kept mapped between commands
 * @sgt: the mapped table.
 * @prov: the provider it came from; compared with a revoked one, never
 *	dereferenced (no reference is held: the provider's unregister
 *	revokes before it goes).
 * @used: the slot holds an allocation.
 */
struct dec_hold {
	struct sg_table sgt;
	struct iomem_dma_provider *prov;
	bool used;
};

/**
 * struct dec_state - the one instance of the client
 * @lock: serialises commands and revokes; protects the other fields.
 * @chan: the memcpy channel, requested by the first command.
 * @dev: the DMA controller's device, registered as an iomem_dma client.
 * @client: its client handle.
 * @result: text of the last command's outcome.
 * @revokes: revokes received.
 * @run: counter that makes each run's byte pattern different.
 * @holds: allocations kept mapped by "hold".
 */
struct dec_state {
	struct mutex lock;	/* serialises commands */
	struct dma_chan *chan;
	struct device *dev;
	struct iomem_dma_client *client;
	char result[320];
	unsigned int revokes;
	unsigned int run;
	struct dec_hold holds[DEC_MAX_HOLDS];
};

static struct dec_state dec = {
	.lock = __MUTEX_INITIALIZER(dec.lock),
};

static struct dentry *dec_debugfs;

static void dec_release(struct dec_state *s, unsigned int slot)
{
	struct dec_hold *h = &s->holds[slot];

	lockdep_assert_held(&s->lock);
	if (!h->used)
		return;
	iomem_dma_unmap_sgtable(s->client, &h->sgt, DMA_BIDIRECTIONAL, 0);
	iomem_dma_free_sgt(s->client, &h->sgt);
	h->prov = NULL;
	h->used = false;
}

static unsigned int dec_nr_holds(struct dec_state *s)
{
	unsigned int i, n = 0;

	lockdep_assert_held(&s->lock);
	for (i = 0; i < DEC_MAX_HOLDS; i++)
		n += s->holds[i].used;
	return n;
}

/*
 * Stop using @prov: free the holds in it. A "copy" in progress frees what
 * it mapped before it drops the lock; the provider's unregister waits for
 * that.
 */
static void dec_revoke(struct iomem_dma_client *client,
		       struct iomem_dma_provider *prov, void *priv)
{
	struct dec_state *s = priv;
	unsigned int i;

	mutex_lock(&s->lock);
	for (i = 0; i < DEC_MAX_HOLDS; i++)
		if (s->holds[i].prov == prov)
			dec_release(s, i);
	s->revokes++;
	mutex_unlock(&s->lock);
	dev_info(iomem_dma_client_dev(client), "revoked by %s\n",
		 iomem_dma_provider_name(prov));
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
	s->client = iomem_dma_client_register(chan->device->dev,
					      &dec_client_ops, s);
	if (IS_ERR(s->client)) {
		ret = PTR_ERR(s->client);
		s->client = NULL;
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
 * The entries cover the size rounded up to the provider's granule; only
 * the first @size bytes are the caller's. How much of an entry of @len
 * bytes at offset @off is.
 */
static size_t dec_part(size_t off, size_t len, size_t size)
{
	return off < size ? min(len, size - off) : 0;
}

/*
 * Copy @size bytes between a RAM buffer mapped at @ram and the entries of
 * @sgt, in order: to the region if @to_region, else from it.
 */
static int dec_copy_sgt(struct dec_state *s, struct sg_table *sgt,
			dma_addr_t ram, size_t size, bool to_region)
{
	struct scatterlist *sg;
	size_t off = 0, len;
	unsigned int i;
	int ret;

	for_each_sgtable_dma_sg(sgt, sg, i) {
		len = dec_part(off, sg_dma_len(sg), size);
		if (!len)
			break;
		if (to_region)
			ret = dec_memcpy(s, sg_dma_address(sg), ram + off, len);
		else
			ret = dec_memcpy(s, ram + off, sg_dma_address(sg), len);
		if (ret)
			return ret;
		off += len;
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
 * Compare the region's first @size bytes, read through __iomem, with
 * @want. Return the offset of the first difference and set *@got, or -1.
 */
static ssize_t dec_region_differs(struct sg_table *sgt, const u8 *want,
				  size_t size, u8 *tmp, u8 *got)
{
	struct scatterlist *sg;
	size_t off = 0, len, j;
	unsigned int i;

	for_each_sgtable_sg(sgt, sg, i) {
		len = dec_part(off, sg->length, size);
		if (!len)
			break;
		memcpy_fromio(tmp, iomem_dma_sg_iomem(sg), len);
		for (j = 0; j < len; j++) {
			if (tmp[j] != want[off + j]) {
				*got = tmp[j];
				return off + j;
			}
		}
		off += len;
	}
	return -1;
}

/* Write @size bytes of @buf into the region through __iomem. */
static void dec_region_write(struct sg_table *sgt, const u8 *buf, size_t size)
{
	struct scatterlist *sg;
	size_t off = 0, len;
	unsigned int i;

	for_each_sgtable_sg(sgt, sg, i) {
		len = dec_part(off, sg->length, size);
		if (!len)
			break;
		memcpy_toio(iomem_dma_sg_iomem(sg), buf + off, len);
		off += len;
	}
}

static void dec_report_refusal(struct dec_state *s,
			       struct iomem_dma_provider *prov, int ret)
{
	struct iomem_dma_verdict v;

	if (ret == -EREMOTEIO && !iomem_dma_last_refusal(s->client, &v))
		dec_result(s, "denied: %s for %s (reason=%s node=%s rule=%u)",
			   iomem_dma_provider_name(prov), dev_name(s->dev),
			   iomem_dma_reason_str(v.reason),
			   v.node[0] ? v.node : "-", v.rule);
	else
		dec_result(s, "error %d: map of %s for %s failed", ret,
			   iomem_dma_provider_name(prov), dev_name(s->dev));
}

static size_t dec_sgt_bytes(struct sg_table *sgt)
{
	struct scatterlist *sg;
	size_t total = 0;
	unsigned int i;

	for_each_sgtable_sg(sgt, sg, i)
		total += sg->length;
	return total;
}

/* RAM -> region; the CPU checks all of the entries through __iomem. */
static int dec_to_region(struct dec_state *s, struct sg_table *sgt,
			 size_t size, size_t total, u8 *src, u8 *tmp)
{
	const char *name = iomem_dma_provider_name(iomem_dma_sg_provider(sgt->sgl));
	dma_addr_t src_dma;
	ssize_t bad;
	u8 got;
	int ret;

	/*
	 * Old contents must not pass for a copy: overwrite all of the
	 * entries first. The bytes past @size must keep this value.
	 */
	memset(src, 0x5a, total);
	dec_region_write(sgt, src, total);

	dec_fill(src, size, ++s->run);
	src_dma = dma_map_single(s->dev, src, size, DMA_TO_DEVICE);
	if (dma_mapping_error(s->dev, src_dma)) {
		dec_result(s, "error %d: dma_map_single of the source failed",
			   -EIO);
		return -EIO;
	}
	ret = dec_copy_sgt(s, sgt, src_dma, size, true);
	dma_unmap_single(s->dev, src_dma, size, DMA_TO_DEVICE);
	if (ret) {
		dec_result(s, "error %d: memcpy RAM -> %s on %s did not complete",
			   ret, name, dma_chan_name(s->chan));
		return ret;
	}
	bad = dec_region_differs(sgt, src, total, tmp, &got);
	if (bad >= 0) {
		dec_result(s, "error: RAM -> %s: byte %zd of %zu is %#x, expected %#x",
			   name, bad, size, got, src[bad]);
		return -EIO;
	}
	return 0;
}

/* Region -> RAM, after the CPU wrote the region through __iomem. */
static int dec_from_region(struct dec_state *s, struct sg_table *sgt,
			   size_t size, size_t total, u8 *src, u8 *dst)
{
	const char *name = iomem_dma_provider_name(iomem_dma_sg_provider(sgt->sgl));
	dma_addr_t dst_dma;
	int ret;

	dec_fill(src, size, s->run + 0x80);
	dec_region_write(sgt, src, size);
	memset(dst, 0xa5, total);
	dst_dma = dma_map_single(s->dev, dst, size, DMA_FROM_DEVICE);
	if (dma_mapping_error(s->dev, dst_dma)) {
		dec_result(s, "error %d: dma_map_single of the destination failed",
			   -EIO);
		return -EIO;
	}
	ret = dec_copy_sgt(s, sgt, dst_dma, size, false);
	dma_unmap_single(s->dev, dst_dma, size, DMA_FROM_DEVICE);
	if (ret) {
		dec_result(s, "error %d: memcpy %s -> RAM on %s did not complete",
			   ret, name, dma_chan_name(s->chan));
		return ret;
	}
	if (memcmp(src, dst, size) || memchr_inv(dst + size, 0xa5, total - size)) {
		dec_result(s, "error: %s -> RAM: bytes differ", name);
		return -EIO;
	}
	return 0;
}

/*
 * Allocate @size bytes of @prov and map them for the DMA controller; copy
 * RAM -> region -> RAM, each direction checked, including that nothing
 * past @size was written.
 */
static int dec_copy(struct dec_state *s, struct iomem_dma_provider *prov,
		    size_t size)
{
	struct iomem_dma_client *client = s->client;
	u8 *src = NULL, *dst = NULL, *tmp = NULL;
	struct sg_table sgt;
	size_t total;
	int ret;

	ret = iomem_dma_alloc_sgt(client, prov, &sgt, size, GFP_KERNEL);
	if (ret) {
		dec_result(s, "error %d: allocation of %zu bytes from %s failed",
			   ret, size, iomem_dma_provider_name(prov));
		return ret;
	}
	ret = iomem_dma_map_sgtable(client, &sgt, DMA_BIDIRECTIONAL, 0);
	if (ret) {
		dec_report_refusal(s, prov, ret);
		goto free_sgt;
	}

	total = dec_sgt_bytes(&sgt);
	src = kmalloc(total, GFP_KERNEL);
	dst = kmalloc(total, GFP_KERNEL);
	tmp = kmalloc(total, GFP_KERNEL);
	if (!src || !dst || !tmp) {
		ret = -ENOMEM;
		dec_result(s, "error %d: no RAM buffers of %zu bytes", ret, total);
		goto free_bufs;
	}

	ret = dec_to_region(s, &sgt, size, total, src, tmp);
	if (!ret)
		ret = dec_from_region(s, &sgt, size, total, src, dst);
	if (!ret)
		dec_result(s,
			   "ok: %zu bytes RAM -> %s -> RAM verified (%zu allocated, %u entries), %s path, dma address %pad, channel %s",
			   size, iomem_dma_provider_name(prov), total, sgt.nents,
			   sg_dma_is_bus_address(sgt.sgl) ? "bus" : "host",
			   &sg_dma_address(sgt.sgl), dma_chan_name(s->chan));
free_bufs:
	kfree(tmp);
	kfree(dst);
	kfree(src);
	iomem_dma_unmap_sgtable(client, &sgt, DMA_BIDIRECTIONAL, 0);
free_sgt:
	iomem_dma_free_sgt(client, &sgt);
	return ret;
}

/* The pattern of round @round: no two rounds, and no two bytes near, agree. */
static u8 dec_cycle_byte(unsigned int round, size_t i)
{
	return (u8)(i * 7 + round * 37 + (i >> 8));
}

static ssize_t dec_cycle_differs(const u8 *buf, size_t len, unsigned int round)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (buf[i] != dec_cycle_byte(round, i))
			return i;
	return -1;
}

/*
 * One mapping reused for @rounds transfers, the streaming DMA lifecycle of
 * a mixed table: map, then per round CPU writes, sync for device, DMA,
 * sync for CPU, CPU reads; unmap at the end. On the zynq board the pl330
 * is not cache-coherent, so a missing or wrong sync leaves stale bytes,
 * and DMA_API_DEBUG checks each sync against the mapping.
 */
static int dec_cycle(struct dec_state *s, struct iomem_dma_provider *prov,
		     size_t size, unsigned int rounds)
{
	struct iomem_dma_client *client = s->client;
	struct scatterlist sgl[3];
	struct sg_table sgt = { .sgl = sgl, .orig_nents = 3, .nents = 3 };
	u8 *src, *dst, *tmp = NULL;
	unsigned int round;
	ssize_t bad;
	int ret;

	src = kmalloc(size, GFP_KERNEL);
	dst = kmalloc(size, GFP_KERNEL);
	tmp = kmalloc(size, GFP_KERNEL);
	if (!src || !dst || !tmp) {
		ret = -ENOMEM;
		dec_result(s, "error %d: no RAM buffers of %zu bytes", ret, size);
		goto free_bufs;
	}
	sg_init_table(sgl, 3);
	sg_set_buf(&sgl[0], src, size);
	sg_set_buf(&sgl[2], dst, size);
	ret = iomem_dma_alloc_sg(client, prov, &sgl[1], size, 0);
	if (ret) {
		dec_result(s, "error %d: allocation of %zu bytes from %s failed",
			   ret, size, iomem_dma_provider_name(prov));
		goto free_bufs;
	}
	ret = iomem_dma_map_sgtable(client, &sgt, DMA_BIDIRECTIONAL, 0);
	if (ret) {
		dec_report_refusal(s, prov, ret);
		goto free_sg;
	}

	for (round = 0; round < rounds; round++) {
		size_t i;

		/* The CPU owns the RAM entries from here. */
		iomem_dma_sync_sgtable_for_cpu(client, &sgt, DMA_BIDIRECTIONAL);
		for (i = 0; i < size; i++)
			src[i] = dec_cycle_byte(round, i);
		memset(dst, 0xa5, size);
		iomem_dma_sync_sgtable_for_device(client, &sgt,
						  DMA_BIDIRECTIONAL);

		ret = dec_memcpy(s, sg_dma_address(&sgl[1]),
				 sg_dma_address(&sgl[0]), size);
		if (!ret)
			ret = dec_memcpy(s, sg_dma_address(&sgl[2]),
					 sg_dma_address(&sgl[1]), size);
		if (ret) {
			dec_result(s, "error %d: round %u: DMA failed", ret,
				   round);
			break;
		}

		iomem_dma_sync_sgtable_for_cpu(client, &sgt, DMA_BIDIRECTIONAL);
		memcpy_fromio(tmp, iomem_dma_sg_iomem(&sgl[1]), size);
		bad = dec_cycle_differs(tmp, size, round);
		if (bad >= 0) {
			dec_result(s, "mismatch: round %u: region byte %zd is 0x%02x, want 0x%02x",
				   round, bad, tmp[bad],
				   dec_cycle_byte(round, bad));
			ret = -EIO;
			break;
		}
		bad = dec_cycle_differs(dst, size, round);
		if (bad >= 0) {
			dec_result(s, "mismatch: round %u: RAM byte %zd is 0x%02x, want 0x%02x",
				   round, bad, dst[bad],
				   dec_cycle_byte(round, bad));
			ret = -EIO;
			break;
		}
		/* The device owns the table again: the next round starts. */
		iomem_dma_sync_sgtable_for_device(client, &sgt,
						  DMA_BIDIRECTIONAL);
	}
	if (!ret)
		dec_result(s,
			   "ok: %u rounds of %zu bytes RAM -> %s -> RAM through one mapping, synced each round, every byte verified, %s path, channel %s",
			   rounds, size, iomem_dma_provider_name(prov),
			   sg_dma_is_bus_address(&sgl[1]) ? "bus" : "host",
			   dma_chan_name(s->chan));
	iomem_dma_unmap_sgtable(client, &sgt, DMA_BIDIRECTIONAL, 0);
free_sg:
	iomem_dma_free_sg(client, &sgl[1]);
free_bufs:
	kfree(tmp);
	kfree(dst);
	kfree(src);
	return ret;
}

/*
 * Parse "SIZE [NAME]" and look NAME up for the DMA controller. Return the
 * provider with a reference, or an ERR_PTR() with the reason in @s->result.
 */
static struct iomem_dma_provider *
dec_parse(struct dec_state *s, char *args, const char *cmd, size_t *size)
{
	struct iomem_dma_provider *prov;
	char *size_str, *name;
	unsigned long val;
	int ret;

	size_str = strsep(&args, " ");
	name = args && *args ? args : NULL;
	if (!size_str || kstrtoul(size_str, 0, &val) || !val ||
	    val > DEC_MAX_SIZE) {
		dec_result(s, "error %d: usage: %s SIZE [NAME], SIZE 1..%u",
			   -EINVAL, cmd, DEC_MAX_SIZE);
		return ERR_PTR(-EINVAL);
	}
	*size = val;

	ret = dec_get_channel(s);
	if (ret)
		return ERR_PTR(ret);
	prov = iomem_dma_of_get(s->dev, name);
	if (IS_ERR(prov))
		dec_result(s, "error %ld: iomem_dma_of_get(%s, %s) failed",
			   PTR_ERR(prov), dev_name(s->dev), name ?: "(first)");
	return prov;
}

static int dec_cmd_copy(struct dec_state *s, char *args)
{
	struct iomem_dma_provider *prov;
	size_t size;
	int ret;

	prov = dec_parse(s, args, "copy", &size);
	if (IS_ERR(prov))
		return PTR_ERR(prov);
	ret = dec_copy(s, prov, size);
	iomem_dma_provider_put(prov);
	return ret;
}

static int dec_cmd_cycle(struct dec_state *s, char *args)
{
	struct iomem_dma_provider *prov;
	char *rounds_str;
	unsigned int rounds;
	size_t size;
	int ret;

	rounds_str = strsep(&args, " ");
	if (!args || kstrtouint(rounds_str, 0, &rounds) || !rounds ||
	    rounds > 64) {
		dec_result(s, "error %d: usage: cycle ROUNDS SIZE [NAME], ROUNDS 1..64",
			   -EINVAL);
		return -EINVAL;
	}
	prov = dec_parse(s, args, "cycle", &size);
	if (IS_ERR(prov))
		return PTR_ERR(prov);
	ret = dec_cycle(s, prov, size, rounds);
	iomem_dma_provider_put(prov);
	return ret;
}

static int dec_cmd_hold(struct dec_state *s, char *args)
{
	struct iomem_dma_provider *prov;
	struct dec_hold *h = NULL;
	unsigned int slot;
	size_t size;
	int ret;

	for (slot = 0; slot < DEC_MAX_HOLDS; slot++) {
		if (!s->holds[slot].used) {
			h = &s->holds[slot];
			break;
		}
	}
	if (!h) {
		dec_result(s, "error %d: all %d hold slots in use", -EBUSY,
			   DEC_MAX_HOLDS);
		return -EBUSY;
	}
	prov = dec_parse(s, args, "hold", &size);
	if (IS_ERR(prov))
		return PTR_ERR(prov);

	ret = iomem_dma_alloc_sgt(s->client, prov, &h->sgt, size, GFP_KERNEL);
	if (ret) {
		dec_result(s, "error %d: allocation of %zu bytes from %s failed",
			   ret, size, iomem_dma_provider_name(prov));
		goto put_prov;
	}
	ret = iomem_dma_map_sgtable(s->client, &h->sgt, DMA_BIDIRECTIONAL, 0);
	if (ret) {
		dec_report_refusal(s, prov, ret);
		iomem_dma_free_sgt(s->client, &h->sgt);
		goto put_prov;
	}
	h->prov = prov;
	h->used = true;
	dec_result(s, "holding slot %u: %zu bytes of %s at %pad, %u entries",
		   slot, size, iomem_dma_provider_name(prov),
		   &sg_dma_address(h->sgt.sgl), h->sgt.nents);
put_prov:
	iomem_dma_provider_put(prov);
	return ret;
}

static int dec_cmd_release(struct dec_state *s, char *args)
{
	unsigned int slot;

	if (!*args) {
		for (slot = 0; slot < DEC_MAX_HOLDS; slot++)
			dec_release(s, slot);
		dec_result(s, "released all");
		return 0;
	}
	if (kstrtouint(args, 0, &slot) || slot >= DEC_MAX_HOLDS ||
	    !s->holds[slot].used) {
		dec_result(s, "error %d: usage: release [SLOT], SLOT a held one",
			   -EINVAL);
		return -EINVAL;
	}
	dec_release(s, slot);
	dec_result(s, "released slot %u", slot);
	return 0;
}

/* Imports map and unmap within one command under the lock: nothing kept. */
static void dec_move_notify(struct dma_buf_attachment *at)
{
}

static const struct dma_buf_attach_ops dec_import_ops = {
	.allow_peer2peer = true,
	.move_notify = dec_move_notify,
};

/* The DMA engine writes @size bytes of a fresh pattern into @sgt. */
static int dec_import_copy(struct dec_state *s, struct sg_table *sgt,
			   size_t size)
{
	dma_addr_t src_dma;
	u8 *src;
	int ret;

	src = kmalloc(size, GFP_KERNEL);
	if (!src)
		return -ENOMEM;
	dec_fill(src, size, ++s->run);
	src_dma = dma_map_single(s->dev, src, size, DMA_TO_DEVICE);
	ret = dma_mapping_error(s->dev, src_dma) ? -EIO : 0;
	if (!ret) {
		ret = dec_copy_sgt(s, sgt, src_dma, size, true);
		dma_unmap_single(s->dev, src_dma, size, DMA_TO_DEVICE);
	}
	kfree(src);
	return ret;
}

static int dec_cmd_import(struct dec_state *s, char *args)
{
	struct dma_buf_attachment *at;
	struct dma_buf *dmabuf;
	struct sg_table *sgt;
	unsigned int size;
	char *size_arg;
	int fd, ret;

	size_arg = strchr(args, ' ');
	if (size_arg)
		*size_arg++ = '\0';
	if (!size_arg || kstrtoint(args, 10, &fd) ||
	    kstrtouint(skip_spaces(size_arg), 0, &size) || !size ||
	    size > DEC_MAX_SIZE) {
		dec_result(s, "error %d: usage: import FD SIZE, SIZE 1..%u",
			   -EINVAL, DEC_MAX_SIZE);
		return -EINVAL;
	}
	ret = dec_get_channel(s);
	if (ret)
		return ret;
	dmabuf = dma_buf_get(fd);
	if (IS_ERR(dmabuf)) {
		dec_result(s, "error %ld: fd %d is not a dma-buf", PTR_ERR(dmabuf), fd);
		return PTR_ERR(dmabuf);
	}
	ret = -EINVAL;
	if (size > dmabuf->size) {
		dec_result(s, "error %d: the dma-buf has %zu bytes", ret, dmabuf->size);
		goto put;
	}
	at = dma_buf_dynamic_attach(dmabuf, s->dev, &dec_import_ops, s);
	if (IS_ERR(at)) {
		ret = PTR_ERR(at);
		dec_result(s, "error %d: attach refused", ret);
		goto put;
	}
	sgt = dma_buf_map_attachment_unlocked(at, DMA_BIDIRECTIONAL);
	if (IS_ERR(sgt)) {
		ret = PTR_ERR(sgt);
		dec_result(s, ret == -EREMOTEIO ? "denied: map of the dma-buf refused (%d)" :
			   "error %d: map of the dma-buf failed", ret);
		goto detach;
	}
	ret = dec_import_copy(s, sgt, size);
	if (ret)
		dec_result(s, "error %d: memcpy RAM -> dma-buf on %s did not complete",
			   ret, dma_chan_name(s->chan));
	else
		dec_result(s, "ok: %u bytes by %s, seed %u, %s path, %u entries, orig_nents %u",
			   size, dma_chan_name(s->chan), s->run,
			   sg_dma_is_bus_address(sgt->sgl) ? "bus" : "host",
			   sgt->nents, sgt->orig_nents);
	dma_buf_unmap_attachment_unlocked(at, sgt, DMA_BIDIRECTIONAL);
detach:
	dma_buf_detach(dmabuf, at);
put:
	dma_buf_put(dmabuf);
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
	} else if (!strncmp(args, "cycle ", 6)) {
		ret = dec_cmd_cycle(s, args + 6);
	} else if (!strncmp(args, "import ", 7)) {
		ret = dec_cmd_import(s, args + 7);
	} else if (!strncmp(args, "hold ", 5)) {
		ret = dec_cmd_hold(s, args + 5);
	} else if (!strcmp(args, "release") || !strncmp(args, "release ", 8)) {
		ret = dec_cmd_release(s, skip_spaces(args + strlen("release")));
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
	n = scnprintf(text, sizeof(text),
		      "%schannel %s\nclient %s\nrevokes %u\nholds %u\n",
		      s->result, s->chan ? dma_chan_name(s->chan) : "-",
		      s->dev ? dev_name(s->dev) : "-",
		      s->revokes, dec_nr_holds(s));
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
	unsigned int i;

	debugfs_remove_recursive(dec_debugfs);
	mutex_lock(&dec.lock);
	if (dec.chan) {
		for (i = 0; i < DEC_MAX_HOLDS; i++)
			dec_release(&dec, i);
		iomem_dma_client_unregister(dec.client);
		dma_release_channel(dec.chan);
	}
	dec.chan = NULL;
	dec.dev = NULL;
	dec.client = NULL;
	mutex_unlock(&dec.lock);
}
module_exit(dec_exit);

MODULE_DESCRIPTION("iomem_dma client on a dmaengine memcpy channel (tests)");
MODULE_IMPORT_NS(DMA_BUF);
MODULE_LICENSE("GPL");
