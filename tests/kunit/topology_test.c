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
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/seq_buf.h>
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

/* ---- explanations (iomem_dma_verdict_explain()) ---- */

#define EXPLAIN_SIZE 1024

/* The line of @text with @key ("redirect: ..."), whole, or "" if none. */
static const char *explain_line(struct kunit *test, const char *text,
				const char *key)
{
	size_t klen = strlen(key);
	const char *p, *end;
	char *line;

	for (p = text; *p; p = end + 1) {
		end = strchrnul(p, '\n');
		if (!strncmp(p, key, klen) && p[klen] == ':' && p[klen + 1] == ' ') {
			line = kunit_kzalloc(test, end - p + 1, GFP_KERNEL);
			KUNIT_ASSERT_NOT_NULL(test, line);
			memcpy(line, p, end - p);
			return line;
		}
		if (!*end)
			break;
	}
	return "";
}

/* "route: PROVIDER > @nodes < CLIENT" with the devices' names. */
static const char *route_of(struct kunit *test, struct device *prov,
			    const char *nodes, struct device *client)
{
	char *line = kunit_kzalloc(test, EXPLAIN_SIZE, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, line);
	snprintf(line, EXPLAIN_SIZE, "route: %s > %s < %s", dev_name(prov),
		 nodes, dev_name(client));
	return line;
}

static bool verdicts_equal(const struct iomem_dma_verdict *a,
			   const struct iomem_dma_verdict *b)
{
	return a->path == b->path && a->reason == b->reason &&
	       a->distance == b->distance && a->rule == b->rule &&
	       a->iommu == b->iommu && a->iommu_path == b->iommu_path &&
	       a->generation == b->generation && !strcmp(a->node, b->node);
}

/* A fake backend's hooks: what they were given, and a remedy naming it. */
static unsigned int explain_hook_nr;
static char explain_hook_roots[64];

static void fake_explain_redirect(const struct iomem_dma_node *const *nodes,
				  unsigned int nr, struct seq_buf *s)
{
	unsigned int i;

	explain_hook_nr = nr;
	seq_buf_puts(s, "kunit-remedy");
	for (i = 0; i < nr; i++)
		seq_buf_printf(s, "%c%s", i ? ',' : '=',
			       iomem_dma_node_name(nodes[i]));
}

static void fake_explain_root(const struct iomem_dma_node *root,
			      unsigned long flags, struct seq_buf *s)
{
	strlcat(explain_hook_roots, iomem_dma_node_name(root),
		sizeof(explain_hook_roots));
	strlcat(explain_hook_roots, " ", sizeof(explain_hook_roots));
	seq_buf_printf(s, " [kunit root, flags %#lx]", flags);
}

static void explain_hooks_off(void *unused)
{
	fake_fabric.fabric.explain_redirect = NULL;
	fake_fabric.fabric.explain_root = NULL;
}

/* The fake backend, with explanation hooks when @hooks. */
static void explain_fabric_init(struct kunit *test, bool hooks)
{
	explain_hook_nr = 0;
	explain_hook_roots[0] = '\0';
	fake_fabric.fabric.explain_redirect = hooks ? fake_explain_redirect : NULL;
	fake_fabric.fabric.explain_root = hooks ? fake_explain_root : NULL;
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, explain_hooks_off, NULL));
	fake_fabric_init(test);
}

/*
 * Redirect on five nodes of the route, two on each side of the common
 * node and the common node itself:
 *
 *	host - sw(ACS) - p2(ACS) - p1(ACS) <- provider
 *	          \----- c2(ACS) - c1(ACS) <- client
 *
 * All five are named in upstream's order (the provider's side up to and
 * including the common node, then the client's side upwards), the route
 * goes up and down in order, the backend's remedy gets the same list, and
 * the verdict names the first of them.
 */
static void topology_explain_lists_every_redirect(struct kunit *test)
{
	unsigned long f = RP | ACS;
	struct iomem_dma_node *host, *sw, *p2, *p1, *c2, *c1;
	struct iomem_dma_verdict v;
	struct fake_client *fc;
	struct fake_prov *fp;
	char *buf;
	int n;

	explain_fabric_init(test, true);
	host = fake_node(test, NULL, "xhost", IOMEM_DMA_NODE_HOST);
	sw = fake_node(test, host, "xsw", f);
	p2 = fake_node(test, sw, "xp2", f);
	p1 = fake_node(test, p2, "xp1", f);
	c2 = fake_node(test, sw, "xc2", f);
	c1 = fake_node(test, c2, "xc1", f);
	fp = fake_prov_create(test, "xprov", POOL, p1);
	fc = fake_client_create(test, "xclient", c1);
	buf = kunit_kzalloc(test, EXPLAIN_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);

	n = iomem_dma_verdict_explain(fp->prov, fc->client, &v, buf,
				      EXPLAIN_SIZE);
	kunit_info(test, "explanation:\n%s", buf);
	KUNIT_ASSERT_GT(test, n, 0);
	KUNIT_EXPECT_EQ(test, n, (int)strlen(buf));
	KUNIT_EXPECT_EQ(test, v.path, IOMEM_DMA_PATH_DENIED);
	KUNIT_EXPECT_EQ(test, v.reason, IOMEM_DMA_REASON_ACS_REDIRECT);
	KUNIT_EXPECT_STREQ(test, v.node, "xp1");
	KUNIT_EXPECT_STREQ(test, explain_line(test, buf, "route"),
			   route_of(test, fp->dev, "xp1 > xp2 > xsw < xc2 < xc1",
				    fc->dev));
	KUNIT_EXPECT_STREQ(test, explain_line(test, buf, "redirect"),
			   "redirect: xp1 xp2 xsw xc1 xc2");
	KUNIT_EXPECT_STREQ(test, explain_line(test, buf, "fix"),
			   "fix: kunit-remedy=xp1,xp2,xsw,xc1,xc2");
	KUNIT_EXPECT_EQ(test, explain_hook_nr, 5U);
	KUNIT_EXPECT_STREQ(test, explain_line(test, buf, "common"),
			   "common: xsw routes peer traffic between the nodes below it");
	KUNIT_EXPECT_STREQ(test, explain_line(test, buf, "host"),
			   "host: xhost does not route peer traffic [kunit root, flags 0x1]");
	KUNIT_EXPECT_STREQ(test, explain_hook_roots, "xhost ");

	/* Without the hooks: the same lines, no remedy, nothing appended. */
	explain_hooks_off(NULL);
	n = iomem_dma_verdict_explain(fp->prov, fc->client, &v, buf,
				      EXPLAIN_SIZE);
	KUNIT_EXPECT_GT(test, n, 0);
	KUNIT_EXPECT_STREQ(test, explain_line(test, buf, "redirect"),
			   "redirect: xp1 xp2 xsw xc1 xc2");
	KUNIT_EXPECT_STREQ(test, explain_line(test, buf, "fix"), "");
	KUNIT_EXPECT_STREQ(test, explain_line(test, buf, "host"),
			   "host: xhost does not route peer traffic");
}

/*
 * Upstream's three messages on fake nodes, for the bus-neutral part (the
 * arm64 board has no ACS redirect below a common bridge): a redirect
 * with a host bridge that routes, a host bridge that does not route peer
 * traffic, and two devices that share no node below the root or no root.
 */
static void topology_explain_upstream_messages(struct kunit *test)
{
	struct iomem_dma_node *nodes[N_MAX];
	struct topo_case c = topo_cases[0];
	struct iomem_dma_verdict v;
	struct fake_client *fc, *fl;
	struct fake_prov *fp, *fr;
	char *buf;

	c.host_flags = RP;
	c.dp0_flags = RP | ACS;
	explain_fabric_init(test, false);
	build_fabric(test, &c, nodes);
	fp = fake_prov_create(test, "mprov", POOL, nodes[N_DP0]);
	fr = fake_prov_create(test, "mrp", POOL, nodes[N_RP1]);
	fc = fake_client_create(test, "mclient", nodes[N_DP1]);
	fl = fake_client_create(test, "mleaf", nodes[N_LEAF]);
	buf = kunit_kzalloc(test, EXPLAIN_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);

	/* 1: "ACS redirect is set between the client and provider". */
	KUNIT_ASSERT_GT(test, iomem_dma_verdict_explain(fp->prov, fc->client,
							&v, buf, EXPLAIN_SIZE), 0);
	KUNIT_EXPECT_EQ(test, v.reason, IOMEM_DMA_REASON_ACS_VIA_HOST);
	KUNIT_EXPECT_STREQ(test, explain_line(test, buf, "redirect"),
			   "redirect: dp0");
	KUNIT_EXPECT_STREQ(test, explain_line(test, buf, "host"),
			   "host: host routes peer traffic");
	KUNIT_EXPECT_STREQ(test, explain_line(test, buf, "route"),
			   route_of(test, fp->dev, "dp0 > sw < dp1", fc->dev));

	/* 2 and 3: the host bridge does not route, no bridge below it. */
	KUNIT_ASSERT_EQ(test, iomem_dma_node_update(nodes[N_HOST], 0, RP), 0);
	KUNIT_ASSERT_GT(test, iomem_dma_verdict_explain(fr->prov, fc->client,
							&v, buf, EXPLAIN_SIZE), 0);
	kunit_info(test, "explanation:\n%s", buf);
	KUNIT_EXPECT_EQ(test, v.reason, IOMEM_DMA_REASON_HOST_NOT_ALLOWED);
	KUNIT_EXPECT_STREQ(test, explain_line(test, buf, "route"),
			   route_of(test, fr->dev, "rp1 > host < rp0 < sw < dp1",
				    fc->dev));
	KUNIT_EXPECT_STREQ(test, explain_line(test, buf, "common"),
			   "common: only the root host; the provider and client share no node below it");
	KUNIT_EXPECT_STREQ(test, explain_line(test, buf, "host"),
			   "host: host does not route peer traffic");
	KUNIT_EXPECT_STREQ(test, explain_line(test, buf, "redirect"), "");

	/* 3 without a common root: both roots, one host line each. */
	KUNIT_ASSERT_GT(test, iomem_dma_verdict_explain(fp->prov, fl->client,
							&v, buf, EXPLAIN_SIZE), 0);
	kunit_info(test, "explanation:\n%s", buf);
	KUNIT_EXPECT_EQ(test, v.reason, IOMEM_DMA_REASON_NO_COMMON_NODE);
	KUNIT_EXPECT_STREQ(test, explain_line(test, buf, "route"),
			   route_of(test, fp->dev,
				    "dp0 > sw > rp0 > host | island < leaf",
				    fl->dev));
	KUNIT_EXPECT_STREQ(test, explain_line(test, buf, "common"),
			   "common: none; the provider and client are under different roots (host, island)");
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "host: host does not route peer traffic\n"
					   "host: island routes peer traffic\n"));
}

/*
 * Every buffer size from 1 up: the text is a prefix of the whole
 * explanation made of whole lines, NUL-terminated, the return its length,
 * and the verdict the same.
 */
static void topology_explain_truncates(struct kunit *test)
{
	struct iomem_dma_node *nodes[N_MAX];
	struct topo_case c = topo_cases[0];
	struct iomem_dma_verdict full_v, v;
	struct fake_client *fc;
	struct fake_prov *fp;
	char *full, *buf;
	int n, m;
	size_t size;

	c.dp0_flags = RP | ACS;
	explain_fabric_init(test, true);
	build_fabric(test, &c, nodes);
	fp = fake_prov_create(test, "tprov", POOL, nodes[N_DP0]);
	fc = fake_client_create(test, "tclient", nodes[N_DP1]);
	full = kunit_kzalloc(test, EXPLAIN_SIZE, GFP_KERNEL);
	buf = kunit_kzalloc(test, EXPLAIN_SIZE + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, full);
	KUNIT_ASSERT_NOT_NULL(test, buf);

	n = iomem_dma_verdict_explain(fp->prov, fc->client, &full_v, full,
				      EXPLAIN_SIZE);
	KUNIT_ASSERT_GT(test, n, 0);
	KUNIT_ASSERT_LT(test, n, 300);
	for (size = 1; size <= n + 1; size++) {
		memset(buf, 'x', EXPLAIN_SIZE + 1);
		m = iomem_dma_verdict_explain(fp->prov, fc->client, &v, buf,
					      size);
		KUNIT_ASSERT_GE(test, m, 0);
		KUNIT_EXPECT_LT(test, m, (int)size);
		KUNIT_EXPECT_EQ(test, buf[m], '\0');
		KUNIT_EXPECT_EQ(test, m, (int)strlen(buf));
		KUNIT_EXPECT_EQ(test, buf[size], 'x');
		KUNIT_EXPECT_TRUE(test, verdicts_equal(&v, &full_v));
		KUNIT_EXPECT_EQ(test, 0, memcmp(buf, full, m));
		/* Whole lines only, and every line that fits. */
		if (m)
			KUNIT_EXPECT_EQ(test, buf[m - 1], '\n');
		if (m < n) {
			const char *next = strchr(full + m, '\n');

			KUNIT_ASSERT_NOT_NULL(test, next);
			KUNIT_EXPECT_GE(test, (size_t)(next - full + 1), size);
		} else {
			KUNIT_EXPECT_EQ(test, m, n);
		}
		if (test->status == KUNIT_FAILURE) {
			kunit_info(test, "size %zu: %d bytes:\n%s", size, m,
				   buf);
			break;
		}
	}
	KUNIT_EXPECT_EQ(test, iomem_dma_verdict_explain(fp->prov, fc->client,
							&v, buf, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, iomem_dma_verdict_explain(fp->prov, fc->client,
							&v, NULL, 8), -EINVAL);
}

/*
 * For every topology case, and with rules on top: the verdict is the one
 * iomem_dma_client_verdict_now() computes, and the text says what the
 * verdict says.
 */
static void topology_explain_agrees(struct kunit *test)
{
	const struct topo_case *c = test->param_value;
	static const char *const rules[] = {
		NULL, "deny provider=aprov", "allow client=aclient force",
	};
	struct iomem_dma_node *nodes[N_MAX];
	struct iomem_dma_verdict v, now;
	struct fake_client *fc;
	struct fake_prov *fp;
	unsigned int i, id;
	char *buf;
	int n;

	rules_clean(test);
	explain_fabric_init(test, false);
	build_fabric(test, c, nodes);
	fp = fake_prov_create(test, "aprov", POOL,
			      c->prov_at == N_NONE ? NULL : nodes[c->prov_at]);
	fc = fake_client_create(test, "aclient",
				c->client_at == N_NONE ? NULL : nodes[c->client_at]);
	buf = kunit_kzalloc(test, EXPLAIN_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);

	for (i = 0; i < ARRAY_SIZE(rules); i++) {
		if (rules[i])
			KUNIT_ASSERT_EQ(test, 0,
					iomem_dma_policy_add(rules[i],
							     strlen(rules[i]), &id));
		n = iomem_dma_verdict_explain(fp->prov, fc->client, &v, buf,
					      EXPLAIN_SIZE);
		KUNIT_ASSERT_GE(test, n, 0);
		KUNIT_ASSERT_TRUE(test, iomem_dma_client_verdict_now(fp->prov,
								     fc->client,
								     &now));
		KUNIT_EXPECT_TRUE(test, verdicts_equal(&v, &now));
		/* A deny decides; an allow only where the hardware denies. */
		if (i == 1)
			KUNIT_EXPECT_EQ(test, v.rule, id);

		/* The route is the hardware's, whatever the rule says. */
		KUNIT_EXPECT_EQ(test, !!*explain_line(test, buf, "redirect"),
				c->reason == IOMEM_DMA_REASON_ACS_REDIRECT ||
				c->reason == IOMEM_DMA_REASON_ACS_VIA_HOST);
		if (*explain_line(test, buf, "redirect"))
			KUNIT_EXPECT_NOT_NULL(test, strstr(buf, c->node));
		KUNIT_EXPECT_EQ(test, !strcmp(explain_line(test, buf, "host"),
					      "host: host does not route peer traffic"),
				!c->host_flags && c->prov_at != N_NONE &&
				c->client_at != N_NONE);
		KUNIT_EXPECT_EQ(test,
				!!strstr(buf, "common: only the root host;"),
				c->reason == IOMEM_DMA_REASON_HOST_NOT_ALLOWED ||
				c->reason == IOMEM_DMA_REASON_HOST_ALLOWED);
		KUNIT_EXPECT_EQ(test, !!strstr(buf, "common: none;"),
				c->reason == IOMEM_DMA_REASON_NO_COMMON_NODE);
		KUNIT_EXPECT_EQ(test, n == 0,
				c->prov_at == N_NONE || c->client_at == N_NONE);
		if (test->status == KUNIT_FAILURE) {
			kunit_info(test, "rule %s:\n%s", rules[i] ?: "none",
				   buf);
			return;
		}
		if (rules[i])
			iomem_dma_policy_clear();
	}
}

struct explain_flipper {
	struct iomem_dma_node *node;
	struct completion done;
	bool stop;
};

static int explain_flip_fn(void *data)
{
	struct explain_flipper *f = data;
	unsigned int i = 0;

	while (!READ_ONCE(f->stop)) {
		iomem_dma_node_update(f->node, i & 1 ? ACS : 0,
				      i & 1 ? 0 : ACS);
		i++;
		cond_resched();
	}
	complete(&f->done);
	return 0;
}

/*
 * A thread turns ACS redirect on and off at dp1 while explanations are
 * made: each text agrees with its own verdict (a redirect line exactly
 * when the verdict is an ACS redirect), both outcomes are seen.
 */
static void topology_explain_consistent_under_change(struct kunit *test)
{
	struct iomem_dma_node *nodes[N_MAX];
	struct explain_flipper flip = { };
	unsigned int i, redirected = 0, clear = 0;
	struct task_struct *t;
	struct iomem_dma_verdict v;
	struct fake_client *fc;
	struct fake_prov *fp;
	bool has_line, is_acs;
	char *buf;

	explain_fabric_init(test, false);
	build_fabric(test, &topo_cases[0], nodes);
	fp = fake_prov_create(test, "cprov", POOL, nodes[N_DP0]);
	fc = fake_client_create(test, "cclient", nodes[N_DP1]);
	buf = kunit_kzalloc(test, EXPLAIN_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);

	flip.node = nodes[N_DP1];
	init_completion(&flip.done);
	t = kthread_run(explain_flip_fn, &flip, "explain-flip");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	for (i = 0; i < 3000; i++) {
		KUNIT_ASSERT_GT(test, iomem_dma_verdict_explain(fp->prov,
								fc->client, &v,
								buf,
								EXPLAIN_SIZE), 0);
		has_line = !strcmp(explain_line(test, buf, "redirect"),
				   "redirect: dp1");
		is_acs = v.reason == IOMEM_DMA_REASON_ACS_REDIRECT;
		if (has_line != is_acs || (is_acs && strcmp(v.node, "dp1"))) {
			KUNIT_FAIL(test, "verdict %s at %s, text:\n%s",
				   iomem_dma_reason_str(v.reason), v.node, buf);
			break;
		}
		if (is_acs)
			redirected++;
		else
			clear++;
		/* Let the thread run on one CPU too. */
		if (i % 32 == 0)
			usleep_range(50, 100);
	}
	WRITE_ONCE(flip.stop, true);
	wait_for_completion(&flip.done);
	iomem_dma_policy_revoke_flush();
	kunit_info(test, "%u explanations with the redirect, %u without\n",
		   redirected, clear);
	KUNIT_EXPECT_GT(test, redirected, 0U);
	KUNIT_EXPECT_GT(test, clear, 0U);
}

/*
 * What cannot be explained: no provider or client (-EINVAL), a client
 * whose registration ended (-ENODEV, verdict untouched, empty text), a
 * provider being unregistered (its verdict, no lines), the provider's own
 * device and devices on no fabric (a verdict, no lines).
 */
static void topology_explain_gone(struct kunit *test)
{
	struct iomem_dma_node *nodes[N_MAX];
	struct iomem_dma_verdict v, untouched;
	struct iomem_dma_provider *held;
	struct fake_client *fc, *ended, *off, *self;
	struct fake_prov *fp, *gone;
	char *buf;

	explain_fabric_init(test, true);
	build_fabric(test, &topo_cases[0], nodes);
	fp = fake_prov_create(test, "gprov", POOL, nodes[N_DP0]);
	gone = fake_prov_create(test, "ggone", POOL, nodes[N_DP0]);
	fc = fake_client_create(test, "gclient", nodes[N_DP1]);
	off = fake_client_create(test, "goff", NULL);
	ended = fake_client_ended(test, "gended", fp->prov);
	buf = kunit_kzalloc(test, EXPLAIN_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);

	KUNIT_EXPECT_EQ(test, iomem_dma_verdict_explain(NULL, fc->client, &v,
							buf, EXPLAIN_SIZE),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, iomem_dma_verdict_explain(fp->prov, NULL, &v,
							buf, EXPLAIN_SIZE),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, iomem_dma_verdict_explain(fp->prov, fc->client,
							NULL, buf,
							EXPLAIN_SIZE),
			-EINVAL);

	memset(&untouched, 0x5a, sizeof(untouched));
	v = untouched;
	strscpy(buf, "stale", EXPLAIN_SIZE);
	KUNIT_EXPECT_EQ(test, iomem_dma_verdict_explain(fp->prov, ended->client,
							&v, buf, EXPLAIN_SIZE),
			-ENODEV);
	KUNIT_EXPECT_EQ(test, 0, memcmp(&v, &untouched, sizeof(v)));
	KUNIT_EXPECT_STREQ(test, buf, "");

	KUNIT_EXPECT_EQ(test, iomem_dma_verdict_explain(fp->prov, off->client,
							&v, buf, EXPLAIN_SIZE),
			0);
	KUNIT_EXPECT_EQ(test, v.reason, IOMEM_DMA_REASON_CLIENT_NOT_ON_FABRIC);
	KUNIT_EXPECT_STREQ(test, buf, "");

	/* The provider's own device as a client. */
	self = kunit_kzalloc(test, sizeof(*self), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, self);
	self->dev = fp->dev;
	fake_client_register(test, self);
	KUNIT_EXPECT_EQ(test, iomem_dma_verdict_explain(fp->prov, self->client,
							&v, buf, EXPLAIN_SIZE),
			0);
	KUNIT_EXPECT_EQ(test, v.reason, IOMEM_DMA_REASON_SAME_DEVICE);
	KUNIT_EXPECT_STREQ(test, buf, "");

	/* Unregistered while the caller still holds it. */
	held = iomem_dma_provider_get_by_name("ggone");
	KUNIT_ASSERT_NOT_NULL(test, held);
	KUNIT_ASSERT_EQ(test, iomem_dma_provider_unregister(gone->prov), 0);
	KUNIT_EXPECT_EQ(test, iomem_dma_verdict_explain(held, fc->client, &v,
							buf, EXPLAIN_SIZE),
			0);
	KUNIT_EXPECT_EQ(test, v.reason, IOMEM_DMA_REASON_PROVIDER_GONE);
	KUNIT_EXPECT_EQ(test, v.path, IOMEM_DMA_PATH_DENIED);
	KUNIT_EXPECT_STREQ(test, buf, "");
	iomem_dma_provider_put(held);
}

KUNIT_ARRAY_PARAM(explain_topo, topo_cases, topo_case_desc);

static struct kunit_case iomem_dma_topology_cases[] = {
	KUNIT_CASE_PARAM(topology_verdicts, topo_gen_params),
	KUNIT_CASE(topology_update_changes_verdict),
	KUNIT_CASE(topology_bad_input),
	KUNIT_CASE(topology_reason_strings),
	KUNIT_CASE(topology_explain_lists_every_redirect),
	KUNIT_CASE(topology_explain_upstream_messages),
	KUNIT_CASE(topology_explain_truncates),
	KUNIT_CASE_PARAM(topology_explain_agrees, explain_topo_gen_params),
	KUNIT_CASE(topology_explain_consistent_under_change),
	KUNIT_CASE(topology_explain_gone),
	{}
};

static struct kunit_suite iomem_dma_topology_suite = {
	.name = "iomem_dma_topology",
	.test_cases = iomem_dma_topology_cases,
};

kunit_test_suite(iomem_dma_topology_suite);

MODULE_DESCRIPTION("KUnit tests for iomem_dma topology verdicts");
MODULE_LICENSE("GPL");
