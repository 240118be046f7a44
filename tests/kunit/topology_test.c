// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for iomem_dma topology verdicts on injected fabrics.
 *
 * Each case builds this fabric, with flags from the case:
 *
 *            host                  island
 *           /    \                   |
 *         rp0    rp1               leaf
 *          |
 *          sw
 *         /  \
 *       dp0  dp1
 *
 * and places a provider and a client at named nodes.
 */

#include <kunit/test.h>
#include <linux/iomem_dma_provider.h>
#include <linux/string.h>

#define FAKE_WINDOW 4
#include "iomem_dma_test.h"

#define POOL (16 * 1024)

enum {
	N_HOST, N_RP0, N_RP1, N_SW, N_DP0, N_DP1, N_ISLAND, N_LEAF,
	N_NONE, N_MAX = N_NONE
};

static const char *const node_names[N_MAX] = {
	"host", "rp0", "rp1", "sw", "dp0", "dp1", "island", "leaf",
};

static const int node_parent[N_MAX] = {
	-1, N_HOST, N_HOST, N_RP0, N_SW, N_SW, -1, N_ISLAND,
};

struct topo_case {
	const char *desc;
	unsigned long host_flags;	/* besides IOMEM_DMA_NODE_HOST */
	unsigned long dp0_flags;
	unsigned long sw_flags;
	int prov_at;
	int client_at;
	enum iomem_dma_path path;
	enum iomem_dma_reason reason;
	int distance;
	const char *node;
};

#define RP IOMEM_DMA_NODE_ROUTES_PEER
#define ACS IOMEM_DMA_NODE_ACS_REDIRECT

static const struct topo_case topo_cases[] = {
	{ "same switch", 0, RP, RP, N_DP0, N_DP1,
	  IOMEM_DMA_PATH_BUS, IOMEM_DMA_REASON_COMMON_NODE, 4, "sw" },
	{ "same port", 0, RP, RP, N_DP0, N_DP0,
	  IOMEM_DMA_PATH_BUS, IOMEM_DMA_REASON_COMMON_NODE, 2, "dp0" },
	{ "root ports, host not allowed", 0, RP, RP, N_RP0, N_RP1,
	  IOMEM_DMA_PATH_DENIED, IOMEM_DMA_REASON_HOST_NOT_ALLOWED, 4, "host" },
	{ "root ports, host allowed", RP, RP, RP, N_RP0, N_RP1,
	  IOMEM_DMA_PATH_HOST, IOMEM_DMA_REASON_HOST_ALLOWED, 4, "host" },
	{ "switch to root port, host not allowed", 0, RP, RP, N_DP0, N_RP1,
	  IOMEM_DMA_PATH_DENIED, IOMEM_DMA_REASON_HOST_NOT_ALLOWED, 6, "host" },
	{ "ACS redirect, host not allowed", 0, RP | ACS, RP, N_DP0, N_DP1,
	  IOMEM_DMA_PATH_DENIED, IOMEM_DMA_REASON_ACS_REDIRECT, 4, "dp0" },
	{ "ACS redirect on client side", 0, RP | ACS, RP, N_DP1, N_DP0,
	  IOMEM_DMA_PATH_DENIED, IOMEM_DMA_REASON_ACS_REDIRECT, 4, "dp0" },
	{ "ACS redirect, host allowed", RP, RP | ACS, RP, N_DP0, N_DP1,
	  IOMEM_DMA_PATH_HOST, IOMEM_DMA_REASON_ACS_VIA_HOST, 4, "dp0" },
	{ "bus that does not route", 0, RP, 0, N_DP0, N_DP1,
	  IOMEM_DMA_PATH_DENIED, IOMEM_DMA_REASON_NO_ROUTING, 4, "sw" },
	{ "different roots", RP, RP, RP, N_DP0, N_LEAF,
	  IOMEM_DMA_PATH_DENIED, IOMEM_DMA_REASON_NO_COMMON_NODE, -1, "" },
	{ "client not on fabric", RP, RP, RP, N_DP0, N_NONE,
	  IOMEM_DMA_PATH_DENIED, IOMEM_DMA_REASON_CLIENT_NOT_ON_FABRIC, -1, "" },
	{ "provider not on fabric", RP, RP, RP, N_NONE, N_DP0,
	  IOMEM_DMA_PATH_DENIED, IOMEM_DMA_REASON_PROVIDER_NOT_ON_FABRIC, -1,
	  "" },
};

static void topo_case_desc(const struct topo_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(topo, topo_cases, topo_case_desc);

static void build_fabric(struct kunit *test, const struct topo_case *c,
			 struct iomem_dma_node **nodes)
{
	unsigned int i;

	for (i = 0; i < N_MAX; i++) {
		unsigned long flags = RP;
		struct iomem_dma_node *parent =
			node_parent[i] < 0 ? NULL : nodes[node_parent[i]];

		if (i == N_HOST)
			flags = IOMEM_DMA_NODE_HOST | c->host_flags;
		else if (i == N_ISLAND)
			flags = IOMEM_DMA_NODE_HOST | RP;
		else if (i == N_DP0)
			flags = c->dp0_flags;
		else if (i == N_SW)
			flags = c->sw_flags;
		nodes[i] = fake_node(test, parent, node_names[i], flags);
	}
}

static void topology_verdicts(struct kunit *test)
{
	const struct topo_case *c = test->param_value;
	struct iomem_dma_node *nodes[N_MAX];
	struct iomem_dma_verdict v;
	struct fake_prov *fp;
	struct device *client;
	u64 gen;

	fake_fabric_init(test);
	build_fabric(test, c, nodes);
	fp = fake_prov_create(test, "topop", POOL,
			      c->prov_at == N_NONE ? NULL : nodes[c->prov_at]);
	client = iomem_dma_test_device(test, "topoc");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, client);
	if (c->client_at != N_NONE)
		fake_fabric_place(test, client, nodes[c->client_at]);

	gen = iomem_dma_generation();
	KUNIT_EXPECT_EQ(test, iomem_dma_check(fp->prov, client, &v),
			c->path == IOMEM_DMA_PATH_DENIED ? -EREMOTEIO : 0);
	KUNIT_EXPECT_EQ(test, v.path, c->path);
	KUNIT_EXPECT_STREQ(test, iomem_dma_reason_str(v.reason),
			   iomem_dma_reason_str(c->reason));
	KUNIT_EXPECT_EQ(test, v.distance, c->distance);
	KUNIT_EXPECT_STREQ(test, v.node, c->node);
	KUNIT_EXPECT_EQ(test, v.generation, gen);
}

static void topology_update_changes_verdict(struct kunit *test)
{
	struct iomem_dma_node *nodes[N_MAX];
	struct iomem_dma_verdict v;
	struct fake_prov *fp;
	struct device *client;
	u64 gen;

	fake_fabric_init(test);
	build_fabric(test, &topo_cases[0], nodes);
	fp = fake_prov_create(test, "updp", POOL, nodes[N_DP0]);
	client = iomem_dma_test_device(test, "updc");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, client);
	fake_fabric_place(test, client, nodes[N_DP1]);

	KUNIT_ASSERT_EQ(test, iomem_dma_check(fp->prov, client, &v), 0);
	gen = v.generation;
	/* Firmware turned ACS redirect on at dp1. */
	KUNIT_ASSERT_EQ(test, iomem_dma_node_update(nodes[N_DP1], ACS, 0), 0);
	KUNIT_EXPECT_EQ(test, iomem_dma_check(fp->prov, client, &v),
			-EREMOTEIO);
	KUNIT_EXPECT_EQ(test, v.reason, IOMEM_DMA_REASON_ACS_REDIRECT);
	KUNIT_EXPECT_STREQ(test, v.node, "dp1");
	KUNIT_EXPECT_GT(test, v.generation, gen);
	KUNIT_ASSERT_EQ(test, iomem_dma_node_update(nodes[N_DP1], 0, ACS), 0);
	KUNIT_EXPECT_EQ(test, iomem_dma_check(fp->prov, client, &v), 0);

	KUNIT_EXPECT_EQ(test, iomem_dma_node_update(NULL, ACS, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, iomem_dma_node_update(nodes[N_SW], BIT(20), 0),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, iomem_dma_node_flags(nodes[N_SW]), RP);
}

static void topology_bad_input(struct kunit *test)
{
	struct fake_prov *fp = fake_prov_create(test, "tbad", POOL, NULL);
	struct iomem_dma_fabric incomplete = { .name = "x" };
	struct iomem_dma_verdict v;

	KUNIT_EXPECT_EQ(test, PTR_ERR(iomem_dma_node_create(NULL, NULL, 0)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(iomem_dma_node_create(NULL, "", 0)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test,
			PTR_ERR(iomem_dma_node_create(NULL, "n", BIT(9))),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, iomem_dma_fabric_register(NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, iomem_dma_fabric_register(&incomplete), -EINVAL);
	fake_fabric_init(test);
	KUNIT_EXPECT_EQ(test, iomem_dma_fabric_register(&fake_fabric.fabric),
			-EBUSY);
	KUNIT_EXPECT_EQ(test, iomem_dma_check(NULL, fp->dev, &v), -EINVAL);
	KUNIT_EXPECT_EQ(test, iomem_dma_check(fp->prov, NULL, &v), -EINVAL);
	KUNIT_EXPECT_EQ(test, iomem_dma_check(fp->prov, fp->dev, NULL),
			-EINVAL);
}

static void topology_reason_strings(struct kunit *test)
{
	unsigned int i, j;

	for (i = 0; i < IOMEM_DMA_REASON_MAX; i++) {
		const char *s = iomem_dma_reason_str(i);

		KUNIT_EXPECT_NOT_NULL(test, s);
		KUNIT_EXPECT_STRNEQ(test, s, "unknown");
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_STRNEQ(test, s, iomem_dma_reason_str(j));
	}
	KUNIT_EXPECT_STREQ(test, iomem_dma_reason_str(IOMEM_DMA_REASON_MAX),
			   "unknown");
	KUNIT_EXPECT_STREQ(test, iomem_dma_path_str(IOMEM_DMA_PATH_BUS), "bus");
	KUNIT_EXPECT_STREQ(test, iomem_dma_path_str(IOMEM_DMA_PATH_HOST),
			   "host");
	KUNIT_EXPECT_STREQ(test, iomem_dma_path_str(IOMEM_DMA_PATH_DENIED),
			   "denied");
}

static struct kunit_case iomem_dma_topology_cases[] = {
	KUNIT_CASE_PARAM(topology_verdicts, topo_gen_params),
	KUNIT_CASE(topology_update_changes_verdict),
	KUNIT_CASE(topology_bad_input),
	KUNIT_CASE(topology_reason_strings),
	{}
};

static struct kunit_suite iomem_dma_topology_suite = {
	.name = "iomem_dma_topology",
	.test_cases = iomem_dma_topology_cases,
};

kunit_test_suite(iomem_dma_topology_suite);

MODULE_DESCRIPTION("KUnit tests for iomem_dma topology verdicts");
MODULE_LICENSE("GPL");
