// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite comparing the iomem_dma PCI backend's default verdict (no
 * administrator rules) with upstream pci_p2pdma_distance() for every pair
 * of PCI endpoints present, in the same boot. Runs on the arm64 board,
 * whose QEMU topology has a switch, several root ports and the root bus;
 * where fewer than two endpoints exist the cases are skipped.
 */

#include <kunit/test.h>
#include <linux/iomem_dma_provider.h>
#include <linux/pci.h>
#include <linux/pci-p2pdma.h>

#include "internal.h"

#define MAX_DEVS 16

static struct pci_dev *pci_devs[MAX_DEVS];
static unsigned int nr_pci_devs;

struct pci_pair {
	unsigned int a, b;
};

static struct pci_pair pci_pairs[MAX_DEVS * MAX_DEVS];
static unsigned int nr_pci_pairs;

static int pci_suite_init(struct kunit_suite *suite)
{
	struct pci_dev *pdev = NULL;
	unsigned int a, b;

	nr_pci_devs = 0;
	nr_pci_pairs = 0;
	for_each_pci_dev(pdev) {
		if (pdev->hdr_type != PCI_HEADER_TYPE_NORMAL ||
		    (pdev->class >> 8) == PCI_CLASS_BRIDGE_HOST)
			continue;
		if (nr_pci_devs == MAX_DEVS)
			continue;
		pci_devs[nr_pci_devs++] = pci_dev_get(pdev);
	}
	for (a = 0; a < nr_pci_devs; a++)
		for (b = 0; b < nr_pci_devs; b++)
			pci_pairs[nr_pci_pairs++] = (struct pci_pair){ a, b };
	return 0;
}

static void pci_suite_exit(struct kunit_suite *suite)
{
	unsigned int i;

	for (i = 0; i < nr_pci_devs; i++)
		pci_dev_put(pci_devs[i]);
	nr_pci_devs = 0;
	nr_pci_pairs = 0;
}

static const void *pci_pair_gen(const void *prev, char *desc)
{
	const struct pci_pair *p = prev ? (const struct pci_pair *)prev + 1 :
					  pci_pairs;

	if (nr_pci_devs < 2 || p >= pci_pairs + nr_pci_pairs)
		return NULL;
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s -> %s",
		 pci_name(pci_devs[p->a]), pci_name(pci_devs[p->b]));
	return p;
}

/*
 * A provider stand-in for the hardware verdict: the device and its place
 * in the PCI fabric are all the verdict looks at.
 */
static void pci_agrees_with_upstream(struct kunit *test)
{
	const struct pci_pair *p = test->param_value;
	struct pci_dev *prov_dev = pci_devs[p->a], *client = pci_devs[p->b];
	struct iomem_dma_provider prov = { };
	const struct iomem_dma_node *common;
	struct iomem_dma_node *cnode, *pnode;
	struct iomem_dma_verdict v;
	struct device *cdev = &client->dev;
	int upstream;

	prov.dev = &prov_dev->dev;
	pnode = iomem_dma_node_for_device(&prov_dev->dev);
	cnode = iomem_dma_node_for_device(cdev);
	KUNIT_ASSERT_NOT_NULL(test, pnode);
	KUNIT_ASSERT_NOT_NULL(test, cnode);
	iomem_dma_hw_verdict(&prov, pnode, cdev, cnode, &v, &common);
	upstream = pci_p2pdma_distance(prov_dev, cdev, false);

	kunit_info(test, "%s -> %s: iomem_dma %s (%s, distance %d, node %s), upstream %d\n",
		   pci_name(prov_dev), pci_name(client),
		   iomem_dma_path_str(v.path), iomem_dma_reason_str(v.reason),
		   v.distance, v.node[0] ? v.node : "-", upstream);
	KUNIT_EXPECT_EQ(test, v.path != IOMEM_DMA_PATH_DENIED, upstream >= 0);
	if (upstream >= 0)
		KUNIT_EXPECT_EQ(test, v.distance, upstream);
	iomem_dma_node_put(pnode);
	iomem_dma_node_put(cnode);
}

static void pci_enough_devices(struct kunit *test)
{
	if (nr_pci_devs < 2)
		kunit_skip(test, "fewer than two PCI endpoints on this machine");
	kunit_info(test, "%u endpoints, %u pairs compared\n", nr_pci_devs,
		   nr_pci_pairs);
	KUNIT_EXPECT_EQ(test, nr_pci_pairs, nr_pci_devs * nr_pci_devs);
}

static struct kunit_case iomem_dma_pci_cases[] = {
	KUNIT_CASE(pci_enough_devices),
	KUNIT_CASE_PARAM(pci_agrees_with_upstream, pci_pair_gen),
	{}
};

static struct kunit_suite iomem_dma_pci_suite = {
	.name = "iomem_dma_pci",
	.suite_init = pci_suite_init,
	.suite_exit = pci_suite_exit,
	.test_cases = iomem_dma_pci_cases,
};

kunit_test_suite(iomem_dma_pci_suite);

MODULE_DESCRIPTION("KUnit comparison of iomem_dma PCI verdicts with upstream P2PDMA");
MODULE_LICENSE("GPL");
