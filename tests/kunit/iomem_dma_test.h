/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fakes shared by the iomem_dma KUnit suites: RAM-backed providers on KUnit
 * devices, an injectable fabric, and clients that record revokes.
 */
#ifndef _IOMEM_DMA_TEST_H
#define _IOMEM_DMA_TEST_H

#include <kunit/device.h>
#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/dma-mapping.h>
#include <linux/iomem_dma_provider.h>
#include <linux/property.h>
#include <linux/slab.h>

#include "internal.h"

/*
 * A KUnit device with a driver of its own under a name used once: with
 * DEBUG_KOBJECT_RELEASE a driver's sysfs entry outlives its unregistration
 * by up to four seconds, so kunit_device_register(), which names the driver
 * after the device, fails with -EEXIST when a later test reuses the name.
 */
static inline struct device *iomem_dma_test_device(struct kunit *test,
						   const char *name)
{
	static atomic_t seq = ATOMIC_INIT(0);
	struct device_driver *drv;
	char drv_name[48];

	snprintf(drv_name, sizeof(drv_name), "%s.%d", KBUILD_MODNAME,
		 atomic_inc_return(&seq));
	drv = kunit_driver_create(test, drv_name);
	if (IS_ERR(drv))
		return ERR_CAST(drv);
	return kunit_device_register_with_driver(test, name, drv);
}

/*
 * Physical addresses handed to fake providers. They are never accessed
 * through: the CPU side uses the RAM buffer, and bus addresses are only
 * compared. Chosen outside RAM on the QEMU boards and UML used for tests.
 * Each suite has its own window of 16 slots of 1 MiB.
 */
#ifndef FAKE_WINDOW
#error "each suite defines its own FAKE_WINDOW before including this header"
#endif
#define FAKE_PHYS_STRIDE	0x00100000UL
/* Windows 0..14 from 0xe0000000; UML's virtual PCI sits from 0xef000000. */
#define FAKE_PHYS_BASE		(FAKE_WINDOW < 15 ?				\
				 0xe0000000UL + FAKE_WINDOW * 16 * FAKE_PHYS_STRIDE : \
				 0xd0000000UL + (FAKE_WINDOW - 15) * 16 * FAKE_PHYS_STRIDE)
#define FAKE_BUS_OFFSET		0x100000UL

/**
 * struct fake_prov - a provider whose "I/O memory" is a RAM buffer
 * @test: owning test.
 * @dev: the provider's KUnit device.
 * @mem: RAM backing the range, seen by the core as __iomem.
 * @range: the single range.
 * @prov: the registered provider.
 * @bus_calls: bus_addr() calls.
 * @fail_client: bus_addr() refuses this client with -ERANGE.
 */
struct fake_prov {
	struct kunit *test;
	struct device *dev;
	void *mem;
	struct iomem_dma_range range;
	struct iomem_dma_provider *prov;
	atomic_t bus_calls;
	struct device *fail_client;
};

static inline int fake_bus_addr(struct iomem_dma_provider *prov,
				struct device *client, phys_addr_t phys,
				size_t len, dma_addr_t *bus)
{
	struct fake_prov *fp = iomem_dma_provider_priv(prov);

	atomic_inc(&fp->bus_calls);
	if (client == fp->fail_client)
		return -ERANGE;
	/* Deliberately not the identity: backends translate. */
	*bus = (dma_addr_t)phys + FAKE_BUS_OFFSET;
	return 0;
}

static const struct iomem_dma_provider_ops fake_prov_ops = {
	.bus_addr = fake_bus_addr,
};

#if IS_ENABLED(CONFIG_INDIRECT_IOMEM)
/*
 * UML reaches I/O memory only through logic_iomem: register one emulated
 * region over the fake physical window whose accesses land in the RAM
 * buffer of the fake provider occupying that slot.
 */
#include <linux/io.h>
#include <linux/logic_iomem.h>

#define FAKE_SLOTS 16
static void *fake_iomem_slot[FAKE_SLOTS];

static inline u8 *fake_iomem_at(void *priv, unsigned int offset)
{
	unsigned long off = (unsigned long)priv + offset;

	return (u8 *)fake_iomem_slot[off / FAKE_PHYS_STRIDE] +
	       off % FAKE_PHYS_STRIDE;
}

static inline unsigned long fake_iomem_read(void *priv, unsigned int offset,
					    int size)
{
	unsigned long val = 0;

	memcpy(&val, fake_iomem_at(priv, offset), size);
	return val;
}

static inline void fake_iomem_write(void *priv, unsigned int offset, int size,
				    unsigned long val)
{
	memcpy(fake_iomem_at(priv, offset), &val, size);
}

static inline void fake_iomem_copy_from(void *priv, void *buf,
					unsigned int offset, int size)
{
	memcpy(buf, fake_iomem_at(priv, offset), size);
}

static inline void fake_iomem_copy_to(void *priv, unsigned int offset,
				      const void *buf, int size)
{
	memcpy(fake_iomem_at(priv, offset), buf, size);
}

static const struct logic_iomem_ops fake_iomem_ops = {
	.read = fake_iomem_read,
	.write = fake_iomem_write,
	.copy_from = fake_iomem_copy_from,
	.copy_to = fake_iomem_copy_to,
};

static inline long fake_iomem_map(unsigned long offset, size_t size,
				  const struct logic_iomem_ops **ops,
				  void **priv)
{
	*ops = &fake_iomem_ops;
	*priv = (void *)offset;
	return 0;
}

static const struct logic_iomem_region_ops fake_iomem_region_ops = {
	.map = fake_iomem_map,
};

static struct resource fake_iomem_res = {
	.name = "iomem_dma-kunit",
	.start = FAKE_PHYS_BASE,
	.end = FAKE_PHYS_BASE + FAKE_SLOTS * FAKE_PHYS_STRIDE - 1,
	.flags = IORESOURCE_MEM,
};

static inline void fake_iounmap(void *addr)
{
	iounmap((void __iomem *)addr);
}

static inline void __iomem *fake_iomem_map_buf(struct kunit *test,
					       phys_addr_t phys, void *buf,
					       size_t size)
{
	static bool registered;
	void __iomem *io;

	if (!registered) {
		KUNIT_ASSERT_EQ(test, 0,
				logic_iomem_add_region(&fake_iomem_res,
						       &fake_iomem_region_ops));
		registered = true;
	}
	fake_iomem_slot[(phys - FAKE_PHYS_BASE) / FAKE_PHYS_STRIDE] = buf;
	io = ioremap(phys, size);
	KUNIT_ASSERT_NOT_NULL(test, (void __force *)io);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, fake_iounmap,
						  (void __force *)io));
	return io;
}
#else
/* Elsewhere the RAM buffer stands in for I/O memory as it is. */
static inline void __iomem *fake_iomem_map_buf(struct kunit *test,
					       phys_addr_t phys, void *buf,
					       size_t size)
{
	return (void __force __iomem *)buf;
}
#endif

/* The CPU view of the byte at @io, for checks that bypass the core. */
static inline u8 *fake_prov_ram(struct fake_prov *fp, void __iomem *io)
{
	return (u8 *)fp->mem + ((u8 __force *)io - (u8 __force *)fp->range.vaddr);
}

static inline void fake_prov_unregister_action(void *data)
{
	struct fake_prov *fp = data;

	/* -ENOENT when the test unregistered it itself. */
	iomem_dma_provider_unregister(fp->prov);
}

/* Register @desc as @fp's provider until the end of @test. */
static inline void fake_prov_register(struct kunit *test, struct fake_prov *fp,
				      const struct iomem_dma_provider_desc *desc)
{
	fp->prov = iomem_dma_provider_register(desc);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, fp->prov);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test,
						  fake_prov_unregister_action,
						  fp));
}

static inline struct fake_prov *
fake_prov_create_flags(struct kunit *test, const char *name, size_t size,
		       struct iomem_dma_node *node, bool register_it)
{
	static unsigned int slot;
	struct iomem_dma_provider_desc desc = { };
	struct fake_prov *fp;

	fp = kunit_kzalloc(test, sizeof(*fp), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fp);
	fp->test = test;
	fp->dev = iomem_dma_test_device(test, name);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, fp->dev);
	fp->mem = kunit_kzalloc(test, size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fp->mem);
	fp->range.phys = FAKE_PHYS_BASE + FAKE_PHYS_STRIDE * (slot++ % 16);
	fp->range.size = size;
	fp->range.vaddr = fake_iomem_map_buf(test, fp->range.phys, fp->mem,
					     size);
	if (!register_it)
		return fp;

	desc.dev = fp->dev;
	desc.name = name;
	desc.ranges = &fp->range;
	desc.nr_ranges = 1;
	desc.ops = &fake_prov_ops;
	desc.fabric = node;
	desc.priv = fp;
	fake_prov_register(test, fp, &desc);
	return fp;
}

static inline struct fake_prov *fake_prov_create(struct kunit *test,
						 const char *name, size_t size,
						 struct iomem_dma_node *node)
{
	return fake_prov_create_flags(test, name, size, node, true);
}

/* CPU physical address of the allocation @sg names, 0 if none. */
static inline phys_addr_t fake_entry_phys(struct scatterlist *sg)
{
	struct iomem_dma_chunk *chunk;
	phys_addr_t phys = 0;

	iomem_dma_chunk_lock(sg);
	chunk = iomem_dma_chunk_lookup(sg);
	if (chunk)
		phys = chunk->phys;
	iomem_dma_chunk_unlock(sg);
	return phys;
}

/* Registered providers, counted under iomem_dma_providers_lock. */
static inline unsigned int providers_count(void)
{
	struct iomem_dma_provider *prov;
	unsigned int n = 0;

	mutex_lock(&iomem_dma_providers_lock);
	list_for_each_entry(prov, &iomem_dma_providers, list)
		n++;
	mutex_unlock(&iomem_dma_providers_lock);
	return n;
}

static inline void rules_clear_action(void *unused)
{
	iomem_dma_policy_clear();
}

/*
 * Start @test without administrator rules and clear whatever it added at
 * its end, so that no rule outlives the case that made it.
 */
static inline void rules_clean(struct kunit *test)
{
	iomem_dma_policy_clear();
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, rules_clear_action,
						  NULL));
}

static inline void fwnode_drop_action(void *data)
{
	struct device *dev = data;
	struct fwnode_handle *fw = dev_fwnode(dev);

	device_set_node(dev, NULL);
	fwnode_remove_software_node(fw);
}

/*
 * Give @dev a firmware node (an empty software node) until the end of
 * @test: only then can a firmware statement name a provider on it.
 */
static inline void fake_fwnode(struct kunit *test, struct device *dev)
{
	struct fwnode_handle *fw = fwnode_create_software_node(NULL, NULL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, fw);
	device_set_node(dev, fw);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, fwnode_drop_action,
						  dev));
}

static inline void magazines_restore(void *was)
{
	WRITE_ONCE(iomem_dma_magazines, !!was);
}

/*
 * iomem_dma.magazines on for @test, whatever the boot said, and back to
 * what it was at its end (a suite's .init may call this).
 */
static inline int magazines_on(struct kunit *test)
{
	void *was = READ_ONCE(iomem_dma_magazines) ? test : NULL;

	WRITE_ONCE(iomem_dma_magazines, true);
	return kunit_add_action_or_reset(test, magazines_restore, was);
}

/* Make @sgt a table of the single, unmapped entry @sg (a copy, say). */
static inline void one_entry_table(struct sg_table *sgt, struct scatterlist *sg)
{
	sgt->sgl = sg;
	sgt->orig_nents = 1;
	sgt->nents = 0;
}

/* ---- a provider unregistered by another thread ---- */

/* What unreg_thread_fn() unregisters, and its result once @done. */
struct unreg_thread {
	struct iomem_dma_provider *prov;
	struct completion done;
	int ret;
};

/* kthread_run(unreg_thread_fn, ut, ...): unregister ut->prov, complete. */
static inline int unreg_thread_fn(void *data)
{
	struct unreg_thread *ut = data;

	ut->ret = iomem_dma_provider_unregister(ut->prov);
	complete(&ut->done);
	return 0;
}

/* ---- fault injection ---- */

#ifdef CONFIG_IOMEM_DMA_FAULT_INJECTION
/*
 * Fail the @nth step the calling task takes from now on (1-based), once,
 * through the kernel's fault attribute fail_iomem_dma with its task
 * filter; 0 only counts the steps. Quiet: the walk fails thousands.
 */
static inline void iomem_dma_fault_arm(unsigned int nth)
{
	struct fault_attr *attr = &iomem_dma_fault_attr;

	attr->verbose = 0;
	attr->task_filter = true;
	attr->interval = nth ? nth : ULONG_MAX;
	attr->count = 0;
	atomic_set(&attr->space, 0);
	atomic_set(&attr->times, 1);
	current->make_it_fail = 1;
	WRITE_ONCE(attr->probability, 100);
}

/*
 * Stop injecting; return the steps taken (counted for @nth above 1 or 0)
 * and whether one was failed.
 */
static inline unsigned int iomem_dma_fault_disarm(bool *fired)
{
	struct fault_attr *attr = &iomem_dma_fault_attr;

	WRITE_ONCE(attr->probability, 0);
	current->make_it_fail = 0;
	if (fired)
		*fired = !atomic_read(&attr->times);
	return attr->count;
}

/* Fail every step the calling task takes until iomem_dma_fault_fail_none(). */
static inline void iomem_dma_fault_fail_all(void)
{
	iomem_dma_fault_arm(1);
	atomic_set(&iomem_dma_fault_attr.times, -1);
}

static inline void iomem_dma_fault_fail_none(void)
{
	iomem_dma_fault_disarm(NULL);
}
#else
static inline void iomem_dma_fault_arm(unsigned int nth)
{
}

static inline void iomem_dma_fault_fail_all(void)
{
}

static inline void iomem_dma_fault_fail_none(void)
{
}

static inline unsigned int iomem_dma_fault_disarm(bool *fired)
{
	if (fired)
		*fired = false;
	return 0;
}
#endif

/* ---- injectable fabric ---- */

#define FAKE_FABRIC_MAX 16

struct fake_fabric {
	struct iomem_dma_fabric fabric;
	struct device *dev[FAKE_FABRIC_MAX];
	struct iomem_dma_node *node[FAKE_FABRIC_MAX];
	unsigned int n;
};

static struct fake_fabric fake_fabric;

static inline struct iomem_dma_node *fake_node_for_device(struct device *dev)
{
	unsigned int i;

	for (i = 0; i < fake_fabric.n; i++)
		if (fake_fabric.dev[i] == dev)
			return iomem_dma_node_get(fake_fabric.node[i]);
	return NULL;
}

static inline void fake_fabric_exit(void *unused)
{
	unsigned int i;

	iomem_dma_fabric_unregister(&fake_fabric.fabric);
	for (i = 0; i < fake_fabric.n; i++)
		iomem_dma_node_put(fake_fabric.node[i]);
	fake_fabric.n = 0;
}

/* Register the fake backend for the duration of @test. */
static inline void fake_fabric_init(struct kunit *test)
{
	fake_fabric.n = 0;
	fake_fabric.fabric.name = "kunit";
	fake_fabric.fabric.node_for_device = fake_node_for_device;
	KUNIT_ASSERT_EQ(test, 0,
			iomem_dma_fabric_register(&fake_fabric.fabric));
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, fake_fabric_exit,
						  NULL));
}

/* Place @dev at @node in the fake fabric (before registering it). */
static inline void fake_fabric_place(struct kunit *test, struct device *dev,
				     struct iomem_dma_node *node)
{
	KUNIT_ASSERT_LT(test, fake_fabric.n, FAKE_FABRIC_MAX);
	fake_fabric.dev[fake_fabric.n] = dev;
	fake_fabric.node[fake_fabric.n] = iomem_dma_node_get(node);
	fake_fabric.n++;
}

/* Move @dev, placed before, to @node: what a backend sees change. */
static inline void fake_fabric_move(struct kunit *test, struct device *dev,
				    struct iomem_dma_node *node)
{
	unsigned int i;

	for (i = 0; i < fake_fabric.n; i++) {
		if (fake_fabric.dev[i] != dev)
			continue;
		iomem_dma_node_put(fake_fabric.node[i]);
		fake_fabric.node[i] = iomem_dma_node_get(node);
		return;
	}
	KUNIT_FAIL(test, "%s was never placed", dev_name(dev));
}

static inline void node_put_action(void *node)
{
	iomem_dma_node_put(node);
}

/* A node that lives until the end of @test. */
static inline struct iomem_dma_node *fake_node(struct kunit *test,
					       struct iomem_dma_node *parent,
					       const char *name,
					       unsigned long flags)
{
	struct iomem_dma_node *node;

	node = iomem_dma_node_create(parent, name, flags);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, node);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, node_put_action, node));
	return node;
}

/* ---- clients ---- */

/**
 * struct fake_client - a client device that records revokes
 * @dev: the device.
 * @client: its registration.
 * @revokes: revoke callbacks received.
 * @free_on_revoke: table to free from the revoke callback, or %NULL.
 * @ignore_revoke: only count revokes, free nothing.
 */
struct fake_client {
	struct device *dev;
	struct iomem_dma_client *client;
	atomic_t revokes;
	struct sg_table *free_on_revoke;
	bool ignore_revoke;
};

/*
 * Free whatever @client still holds of @prov (of every provider if %NULL)
 * and is not mapped, so that a test that failed half-way still lets its
 * provider unregister.
 */
static inline void fake_client_sweep(struct iomem_dma_client *client,
				     struct iomem_dma_provider *prov)
{
	struct iomem_dma_chunk *chunk;
	struct scatterlist sg;
	unsigned long id;

	xa_for_each(&iomem_dma_chunks, id, chunk) {
		if (iomem_dma_chunk_client(chunk) != client ||
		    (prov && iomem_dma_chunk_prov(chunk) != prov))
			continue;
		sg_init_table(&sg, 1);
		iomem_dma_sg_set_chunk(&sg, chunk, chunk->size);
		iomem_dma_free_sg(client, &sg);
	}
}

/* Unmap and free @fc->free_on_revoke, if set. */
static inline void fake_client_free_table(struct fake_client *fc)
{
	if (!fc->free_on_revoke)
		return;
	iomem_dma_unmap_sgtable(fc->client, fc->free_on_revoke,
				DMA_BIDIRECTIONAL, 0);
	iomem_dma_free_sgt(fc->client, fc->free_on_revoke);
	fc->free_on_revoke = NULL;
}

static inline void fake_client_revoke(struct iomem_dma_client *client,
				      struct iomem_dma_provider *prov,
				      void *priv)
{
	struct fake_client *fc = priv;

	if (fc) {
		atomic_inc(&fc->revokes);
		if (fc->ignore_revoke)
			return;
		fake_client_free_table(fc);
	}
	fake_client_sweep(client, prov);
}

static const struct iomem_dma_client_ops fake_client_ops = {
	.revoke = fake_client_revoke,
};

/*
 * At the end of a test, before its device goes: no revoke reaches a
 * client whose registration ended, so give back what it still holds.
 */
static inline void fake_client_teardown(void *data)
{
	struct fake_client *fc = data;

	fake_client_free_table(fc);
	fake_client_sweep(fc->client, NULL);
}

/*
 * Register @fc->dev as a client recording into @fc; what it still holds is
 * given back at the end of @test.
 */
static inline void fake_client_register(struct kunit *test,
					struct fake_client *fc)
{
	fc->client = iomem_dma_client_register(fc->dev, &fake_client_ops, fc);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, fc->client);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, fake_client_teardown,
						  fc));
}

/* A registered client device, placed at @node (may be NULL). */
static inline struct fake_client *fake_client_create(struct kunit *test,
						     const char *name,
						     struct iomem_dma_node *node)
{
	struct fake_client *fc;

	fc = kunit_kzalloc(test, sizeof(*fc), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fc);
	fc->dev = iomem_dma_test_device(test, name);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, fc->dev);
	fc->dev->dma_mask = &fc->dev->coherent_dma_mask;
	if (IS_ENABLED(CONFIG_HAS_DMA))
		KUNIT_ASSERT_EQ(test, 0,
				dma_set_mask_and_coherent(fc->dev,
							  DMA_BIT_MASK(64)));
	if (node)
		fake_fabric_place(test, fc->dev, node);
	fake_client_register(test, fc);
	return fc;
}

/*
 * A client whose registration has ended while it still holds one page of
 * @prov, so that its handle stays valid; the page goes at the end of @test.
 */
static inline struct fake_client *fake_client_ended(struct kunit *test,
						    const char *name,
						    struct iomem_dma_provider *prov)
{
	struct fake_client *fc = fake_client_create(test, name, NULL);
	struct scatterlist *sg = kunit_kzalloc(test, sizeof(*sg), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, sg);
	sg_init_table(sg, 1);
	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sg(fc->client, prov, sg,
						 PAGE_SIZE, 0), 0);
	KUNIT_ASSERT_EQ(test, iomem_dma_client_unregister(fc->client), 0);
	return fc;
}

/* Misuse reports made since @base (a value of iomem_dma_misuse_reports). */
static inline int misuse_since(int base)
{
	return atomic_read(&iomem_dma_misuse_reports) - base;
}

#endif /* _IOMEM_DMA_TEST_H */
