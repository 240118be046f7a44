// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for the iomem_dma policy: rule precedence over fake
 * topologies, strict parsing, sysfs handlers with hostile input,
 * capability and lockdown checks, cached verdicts, revoke on deny.
 */

#include <kunit/static_stub.h>
#include <kunit/test.h>
#include <linux/cred.h>
#include <linux/ctype.h>
#include <linux/fs.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/limits.h>
#include <linux/moduleparam.h>
#include <linux/overflow.h>
#include <linux/completion.h>
#include <linux/iomem_dma_provider.h>
#include <linux/panic.h>
#include <linux/prandom.h>
#include <linux/random.h>
#include <linux/string.h>
#include <uapi/linux/iomem_dma.h>

#define FAKE_WINDOW 5
#include "iomem_dma_test.h"

#define POOL (16 * 1024)
#define RP IOMEM_DMA_NODE_ROUTES_PEER
#define ACS IOMEM_DMA_NODE_ACS_REDIRECT

static unsigned int add_rule(struct kunit *test, const char *rule)
{
	unsigned int id = 0;

	KUNIT_ASSERT_EQ_MSG(test, iomem_dma_policy_add(rule, strlen(rule), &id),
			    0, "rule: %s", rule);
	return id;
}

/*
 *          host            other-host
 *         /    \               |
 *       rp0    rp1            rpx
 *        |
 *       sw (routes unless the case says not)
 *      /  \
 *    dp0  dp1 (dp0 may have ACS redirect)
 */
struct policy_case {
	const char *desc;
	const char *rules[3];
	unsigned long dp0_flags;
	unsigned long sw_flags;
	const char *prov_at;
	const char *client_at;
	enum iomem_dma_path path;
	enum iomem_dma_reason reason;
	int rule_index;		/* index in @rules of the deciding rule, or -1 */
};

static const struct policy_case policy_cases[] = {
	{ "no rule, host bridge not allowed", { }, RP, RP, "rp0", "rp1",
	  IOMEM_DMA_PATH_DENIED, IOMEM_DMA_REASON_HOST_NOT_ALLOWED, -1 },
	{ "allow the host bridge", { "allow node=host" }, RP, RP, "rp0", "rp1",
	  IOMEM_DMA_PATH_HOST, IOMEM_DMA_REASON_RULE_ALLOW, 0 },
	{ "allow the pair", { "allow provider=polp client=policy_precedence.polc" }, RP, RP,
	  "rp0", "rp1",
	  IOMEM_DMA_PATH_HOST, IOMEM_DMA_REASON_RULE_ALLOW, 0 },
	{ "allow the provider", { "allow provider=polp" }, RP, RP, "rp0", "rp1",
	  IOMEM_DMA_PATH_HOST, IOMEM_DMA_REASON_RULE_ALLOW, 0 },
	{ "allow the client", { "allow client=policy_precedence.polc" }, RP, RP, "rp0", "rp1",
	  IOMEM_DMA_PATH_HOST, IOMEM_DMA_REASON_RULE_ALLOW, 0 },
	{ "allow another pair only", { "allow provider=polp client=other" },
	  RP, RP, "rp0", "rp1",
	  IOMEM_DMA_PATH_DENIED, IOMEM_DMA_REASON_HOST_NOT_ALLOWED, -1 },
	{ "deny a pair the switch routes", { "deny provider=polp client=policy_precedence.polc" },
	  RP, RP, "dp0", "dp1",
	  IOMEM_DMA_PATH_DENIED, IOMEM_DMA_REASON_RULE_DENY, 0 },
	{ "deny a node on the path", { "deny node=sw" }, RP, RP, "dp0", "dp1",
	  IOMEM_DMA_PATH_DENIED, IOMEM_DMA_REASON_RULE_DENY, 0 },
	{ "deny beats allow", { "allow node=host", "deny client=policy_precedence.polc" }, RP, RP,
	  "rp0", "rp1",
	  IOMEM_DMA_PATH_DENIED, IOMEM_DMA_REASON_RULE_DENY, 1 },
	{ "deny beats allow force", { "allow client=policy_precedence.polc force",
	  "deny provider=polp" }, RP | ACS, RP, "dp0", "dp1",
	  IOMEM_DMA_PATH_DENIED, IOMEM_DMA_REASON_RULE_DENY, 1 },
	{ "ACS redirect needs force", { "allow client=policy_precedence.polc" }, RP | ACS, RP,
	  "dp0", "dp1",
	  IOMEM_DMA_PATH_DENIED, IOMEM_DMA_REASON_NEEDS_FORCE, 0 },
	{ "ACS redirect forced", { "allow client=policy_precedence.polc", "allow node=dp0 force" },
	  RP | ACS, RP, "dp0", "dp1",
	  IOMEM_DMA_PATH_HOST, IOMEM_DMA_REASON_RULE_FORCED, 1 },
	{ "bus that does not route, forced", { "allow provider=polp force" },
	  RP, 0, "dp0", "dp1",
	  IOMEM_DMA_PATH_BUS, IOMEM_DMA_REASON_RULE_FORCED, 0 },
	{ "bus that does not route, no force", { "allow provider=polp" },
	  RP, 0, "dp0", "dp1",
	  IOMEM_DMA_PATH_DENIED, IOMEM_DMA_REASON_NEEDS_FORCE, 0 },
	{ "different fabrics, allowed", { "allow provider=polp client=policy_precedence.polc" },
	  RP, RP, "dp0", "rpx",
	  IOMEM_DMA_PATH_HOST, IOMEM_DMA_REASON_RULE_ALLOW, 0 },
	{ "client on no fabric, allowed", { "allow client=policy_precedence.polc" }, RP, RP,
	  "dp0", NULL,
	  IOMEM_DMA_PATH_HOST, IOMEM_DMA_REASON_RULE_ALLOW, 0 },
	{ "hardware route needs no rule", { "allow node=elsewhere" }, RP, RP,
	  "dp0", "dp1",
	  IOMEM_DMA_PATH_BUS, IOMEM_DMA_REASON_COMMON_NODE, -1 },
	{ "iommu option keeps the host in a bus path", { "allow provider=polp iommu" },
	  RP, RP, "dp0", "dp1",
	  IOMEM_DMA_PATH_HOST, IOMEM_DMA_REASON_COMMON_NODE, 0 },
	{ "iommu option on a node", { "allow node=sw iommu" }, RP, RP, "dp0", "dp1",
	  IOMEM_DMA_PATH_HOST, IOMEM_DMA_REASON_COMMON_NODE, 0 },
	{ "iommu option of another pair", { "allow provider=polp client=other iommu" },
	  RP, RP, "dp0", "dp1",
	  IOMEM_DMA_PATH_BUS, IOMEM_DMA_REASON_COMMON_NODE, -1 },
	{ "bus option without a translating IOMMU changes nothing", { "allow provider=polp bus" },
	  RP, RP, "dp0", "dp1",
	  IOMEM_DMA_PATH_BUS, IOMEM_DMA_REASON_COMMON_NODE, -1 },
	{ "deny beats the iommu option", { "allow provider=polp iommu", "deny node=sw" },
	  RP, RP, "dp0", "dp1",
	  IOMEM_DMA_PATH_DENIED, IOMEM_DMA_REASON_RULE_DENY, 1 },
	{ "iommu option on a forced pair", { "allow provider=polp force iommu" },
	  RP, 0, "dp0", "dp1",
	  IOMEM_DMA_PATH_HOST, IOMEM_DMA_REASON_RULE_FORCED, 0 },
};

static void policy_case_desc(const struct policy_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(policy, policy_cases, policy_case_desc);

static const char *const policy_node_names[] = {
	"host", "rp0", "rp1", "sw", "dp0", "dp1", "rpx",
};

/* Build the fabric once; nodes[] follows policy_node_names[]. */
static void policy_fabric(struct kunit *test, const struct policy_case *c,
			  struct iomem_dma_node **nodes)
{
	struct iomem_dma_node *other;

	nodes[0] = fake_node(test, NULL, "host", IOMEM_DMA_NODE_HOST);
	nodes[1] = fake_node(test, nodes[0], "rp0", RP);
	nodes[2] = fake_node(test, nodes[0], "rp1", RP);
	nodes[3] = fake_node(test, nodes[1], "sw", c->sw_flags);
	nodes[4] = fake_node(test, nodes[3], "dp0", c->dp0_flags);
	nodes[5] = fake_node(test, nodes[3], "dp1", RP);
	other = fake_node(test, NULL, "other-host", IOMEM_DMA_NODE_HOST);
	nodes[6] = fake_node(test, other, "rpx", RP);
}

static struct iomem_dma_node *policy_node(struct iomem_dma_node **nodes,
					  const char *name)
{
	unsigned int i;

	for (i = 0; name && i < ARRAY_SIZE(policy_node_names); i++)
		if (!strcmp(name, policy_node_names[i]))
			return nodes[i];
	return NULL;
}

static void policy_precedence(struct kunit *test)
{
	const struct policy_case *c = test->param_value;
	struct iomem_dma_node *nodes[ARRAY_SIZE(policy_node_names)];
	unsigned int ids[ARRAY_SIZE(c->rules)] = { };
	struct iomem_dma_node *cnode;
	struct iomem_dma_verdict v;
	struct fake_prov *fp;
	struct device *client;
	unsigned int i;

	rules_clean(test);
	fake_fabric_init(test);
	policy_fabric(test, c, nodes);
	fp = fake_prov_create(test, "polp", POOL, policy_node(nodes, c->prov_at));
	client = iomem_dma_test_device(test, "polc");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, client);
	cnode = policy_node(nodes, c->client_at);
	if (cnode)
		fake_fabric_place(test, client, cnode);
	for (i = 0; i < ARRAY_SIZE(c->rules) && c->rules[i]; i++)
		ids[i] = add_rule(test, c->rules[i]);

	iomem_dma_check(fp->prov, client, &v);
	KUNIT_EXPECT_EQ(test, v.path, c->path);
	KUNIT_EXPECT_STREQ(test, iomem_dma_reason_str(v.reason),
			   iomem_dma_reason_str(c->reason));
	KUNIT_EXPECT_EQ(test, v.rule, c->rule_index < 0 ? 0 : ids[c->rule_index]);
	/* No IOMMU on the KUnit devices; only a rule option moves a bus path. */
	KUNIT_EXPECT_EQ(test, v.iommu, IOMEM_DMA_IOMMU_NONE);
	KUNIT_EXPECT_EQ(test, v.iommu_path,
			strstr(c->desc, "iommu option") && v.path == IOMEM_DMA_PATH_HOST ?
			IOMEM_DMA_IOMMU_PATH_KEPT : IOMEM_DMA_IOMMU_PATH_UNCHANGED);
}

static void policy_force_taints_once(struct kunit *test)
{
	struct iomem_dma_node *sw, *dp0;
	struct iomem_dma_verdict v;
	struct fake_prov *fp;
	struct device *client;

	rules_clean(test);
	fake_fabric_init(test);
	sw = fake_node(test, NULL, "tsw", RP);
	dp0 = fake_node(test, sw, "tdp0", RP | ACS);
	fp = fake_prov_create(test, "taintp", POOL, dp0);
	client = iomem_dma_test_device(test, "taintc");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, client);
	fake_fabric_place(test, client, fake_node(test, sw, "tdp1", RP));

	add_rule(test, "allow provider=taintp force");
	KUNIT_EXPECT_EQ(test, iomem_dma_check(fp->prov, client, &v), 0);
	KUNIT_EXPECT_EQ(test, v.reason, IOMEM_DMA_REASON_RULE_FORCED);
	KUNIT_EXPECT_TRUE(test, test_taint(TAINT_USER));
}

static void policy_rule_for_absent_device(struct kunit *test)
{
	struct iomem_dma_verdict v;
	struct fake_prov *fp;
	struct device *client;
	char rule[96];
	unsigned int id;

	rules_clean(test);
	fake_fabric_init(test);
	/* The rule names a device that does not exist yet. */
	snprintf(rule, sizeof(rule), "allow provider=latep client=%s.latec",
		 test->name);
	id = add_rule(test, rule);
	fp = fake_prov_create(test, "latep", POOL,
			      fake_node(test, NULL, "lonely", RP));
	client = iomem_dma_test_device(test, "latec");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, client);
	KUNIT_EXPECT_EQ(test, iomem_dma_check(fp->prov, client, &v), 0);
	KUNIT_EXPECT_EQ(test, v.rule, id);
	KUNIT_EXPECT_EQ(test, v.reason, IOMEM_DMA_REASON_RULE_ALLOW);
}

static void policy_parse_valid(struct kunit *test)
{
	static const char *const valid[] = {
		"allow provider=a\n",
		"deny provider=a client=b",
		"allow client=0000:00:03.0 force\n",
		"deny node=pci0000:00",
		"allow node=/soc/sram@fffc0000",
		"allow provider=x client=/soc/dma@f8003000 force",
		"allow provider=x iommu",
		"allow node=sw force bus\n",
	};
	static const char *const shown[] = {
		"allow provider=a",
		"deny provider=a client=b",
		"allow client=0000:00:03.0 force",
		"deny node=pci0000:00",
		"allow node=/soc/sram@fffc0000",
		"allow provider=x client=/soc/dma@f8003000 force",
		"allow provider=x iommu",
		"allow node=sw force bus",
	};
	char *buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	char want[128];
	unsigned int i, id;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	rules_clean(test);
	for (i = 0; i < ARRAY_SIZE(valid); i++) {
		KUNIT_EXPECT_EQ_MSG(test, iomem_dma_policy_add(valid[i],
							       strlen(valid[i]),
							       &id), 0,
				    "rule %s", valid[i]);
		snprintf(want, sizeof(want), "%u %s\n", id, shown[i]);
		iomem_dma_policy_show(buf, PAGE_SIZE);
		KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(buf, want), "want %s", want);
	}
	KUNIT_EXPECT_EQ(test, iomem_dma_policy_count(), (unsigned int)ARRAY_SIZE(valid));
}

static const char *const hostile[] = {
	"",
	"\n",
	"allow",
	"allow ",
	"allow  provider=a",
	"allow provider=a ",
	"allow provider=a\n\n",
	"allow provider=",
	"allow provider=a client=",
	"allow provider=a client=b client=c",
	"allow provider=a force force",
	"deny provider=a force",
	"deny provider=a iommu",
	"deny node=a bus",
	"allow provider=a iommu bus",
	"allow provider=a bus force",
	"allow provider=a iommu iommu",
	"allow provider=a iommu ",
	"allow provider=a iommux",
	"permit provider=a",
	"ALLOW provider=a",
	"allow provider=a;deny client=b",
	"allow provider=a extra",
	"allow client=b provider=a",
	"allow device=a",
	"allow provider=a b",
	"allow provider=\xff\xfe",
	"allow provider=caf\xc3\xa9",
	"allow provider=a\tclient=b",
	"allow\tprovider=a",
	" allow provider=a",
	"allow node=a\"b",
};

static void policy_rejects_hostile_text(struct kunit *test)
{
	char *before = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	char *after = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	char *huge = kunit_kzalloc(test, 4096, GFP_KERNEL);
	static const char with_nul[] = "allow provider=a\0client=b";
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, before);
	KUNIT_ASSERT_NOT_NULL(test, after);
	KUNIT_ASSERT_NOT_NULL(test, huge);
	rules_clean(test);
	add_rule(test, "allow provider=keep");
	iomem_dma_policy_show(before, PAGE_SIZE);

	for (i = 0; i < ARRAY_SIZE(hostile); i++)
		KUNIT_EXPECT_EQ_MSG(test,
				    iomem_dma_policy_add(hostile[i],
							 strlen(hostile[i]),
							 NULL),
				    -EINVAL, "input #%u", i);
	KUNIT_EXPECT_EQ(test, iomem_dma_policy_add(with_nul,
						   sizeof(with_nul) - 1, NULL),
			-EINVAL);
	memset(huge, 'a', 4095);
	memcpy(huge, "allow provider=", 15);
	KUNIT_EXPECT_EQ(test, iomem_dma_policy_add(huge, 4095, NULL), -EINVAL);
	/* The same rule twice. */
	KUNIT_EXPECT_EQ(test, iomem_dma_policy_add("allow provider=keep", 19,
						   NULL), -EINVAL);
	/* Removing what is not there. */
	KUNIT_EXPECT_EQ(test, iomem_dma_policy_remove("999", 3), -EINVAL);
	KUNIT_EXPECT_EQ(test, iomem_dma_policy_remove("", 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, iomem_dma_policy_remove("-1", 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, iomem_dma_policy_remove("1x", 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, iomem_dma_policy_remove(" 1", 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, iomem_dma_policy_remove("1\0", 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, iomem_dma_policy_remove("99999999999999999", 17),
			-EINVAL);

	iomem_dma_policy_show(after, PAGE_SIZE);
	KUNIT_EXPECT_STREQ(test, before, after);
}

static void policy_remove_by_id(struct kunit *test)
{
	char text[16];
	unsigned int a, b;

	rules_clean(test);
	a = add_rule(test, "allow provider=one");
	b = add_rule(test, "allow provider=two");
	snprintf(text, sizeof(text), "%u\n", a);
	KUNIT_EXPECT_EQ(test, iomem_dma_policy_remove(text, strlen(text)), 0);
	KUNIT_EXPECT_EQ(test, iomem_dma_policy_remove(text, strlen(text)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, iomem_dma_policy_count(), 1U);
	/* Ids are never reused. */
	KUNIT_EXPECT_GT(test, add_rule(test, "allow provider=one"), b);
}

/* ---- /dev/iomem_dma changes: open mode, credentials and lockdown ---- */

static bool fake_locked_down(void)
{
	return true;
}

static void policy_sysfs_checks_opener(struct kunit *test)
{
	struct file *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	struct cred *weak;
	const char *rule = "allow provider=sysfsp\n";

	KUNIT_ASSERT_NOT_NULL(test, f);
	rules_clean(test);

	/* Opened read-only, even by a fully privileged task: refused. */
	f->f_cred = current_cred();
	KUNIT_EXPECT_EQ(test, iomem_dma_admin_add(f, rule, strlen(rule), NULL),
			-EBADF);
	KUNIT_EXPECT_EQ(test, iomem_dma_admin_replace(f, rule, strlen(rule),
						      NULL), -EBADF);
	KUNIT_EXPECT_EQ(test, iomem_dma_policy_count(), 0U);

	/* Opened for writing by a fully privileged task: accepted. */
	f->f_mode = FMODE_WRITE;
	KUNIT_EXPECT_EQ(test, iomem_dma_admin_add(f, rule, strlen(rule), NULL),
			0);
	KUNIT_EXPECT_EQ(test, iomem_dma_policy_count(), 1U);

	/* Opened without CAP_SYS_ADMIN: refused, even by a root writer. */
	weak = prepare_creds();
	KUNIT_ASSERT_NOT_NULL(test, weak);
	cap_lower(weak->cap_effective, CAP_SYS_ADMIN);
	f->f_cred = weak;
	KUNIT_EXPECT_EQ(test, iomem_dma_admin_add(f, "deny provider=x", 15,
						  NULL), -EPERM);
	KUNIT_EXPECT_EQ(test, iomem_dma_admin_remove(f, 1), -EPERM);
	KUNIT_EXPECT_EQ(test, iomem_dma_admin_replace(f, "", 0, NULL), -EPERM);
	KUNIT_EXPECT_EQ(test, iomem_dma_policy_count(), 1U);
	put_cred(weak);

	/* Locked down: refused. */
	f->f_cred = current_cred();
	f->f_mode = FMODE_WRITE;
	kunit_activate_static_stub(test, iomem_dma_locked_down,
				   fake_locked_down);
	KUNIT_EXPECT_EQ(test, iomem_dma_admin_add(f, "deny provider=x", 15,
						  NULL), -EPERM);
	KUNIT_EXPECT_EQ(test, iomem_dma_policy_count(), 1U);
	kunit_deactivate_static_stub(test, iomem_dma_locked_down);
	KUNIT_EXPECT_EQ(test, iomem_dma_admin_add(f, "deny provider=x", 15,
						  NULL), 0);
	KUNIT_EXPECT_EQ(test, iomem_dma_policy_count(), 2U);
}

/* ---- randomised input ---- */

static const char *const fuzz_rules[] = {
	"allow provider=p", "deny provider=p client=c", "allow node=pci0000:00",
	"allow client=0000:00:03.0 force", "deny node=/soc/sram@0",
	"allow provider=p client=/soc/dma@1 force",
};

static const char fuzz_bytes[] = " =\n\t\xff\x80;\"aZ09:/@_-force";

/* A valid rule with up to three random byte edits. */
static size_t fuzz_input(struct rnd_state *rnd, char *buf)
{
	const char *base = fuzz_rules[prandom_u32_state(rnd) %
				      ARRAY_SIZE(fuzz_rules)];
	size_t n = strlen(base);
	unsigned int edits = prandom_u32_state(rnd) % 4, pos;
	char c;

	memcpy(buf, base, n);
	while (edits--) {
		pos = prandom_u32_state(rnd) % (n + 1);
		c = prandom_u32_state(rnd) % 3 ?
		    fuzz_bytes[prandom_u32_state(rnd) % (sizeof(fuzz_bytes) - 1)] :
		    (char)prandom_u32_state(rnd);
		switch (prandom_u32_state(rnd) % 3) {
		case 0:		/* insert */
			memmove(buf + pos + 1, buf + pos, n - pos);
			buf[pos] = c;
			n++;
			break;
		case 1:		/* delete */
			if (pos < n) {
				memmove(buf + pos, buf + pos + 1, n - pos - 1);
				n--;
			}
			break;
		default:	/* replace */
			if (pos < n)
				buf[pos] = c;
			break;
		}
	}
	return n;
}

static void policy_fuzz_leaves_rules_intact(struct kunit *test)
{
	char *before = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	char *after = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	char *input = kunit_kzalloc(test, 128, GFP_KERNEL);
	char *want = kunit_kzalloc(test, 160, GFP_KERNEL);
	unsigned int i, accepted = 0, rejected = 0;
	u64 seed = get_random_u64();
	struct rnd_state rnd;

	KUNIT_ASSERT_NOT_NULL(test, before);
	KUNIT_ASSERT_NOT_NULL(test, after);
	KUNIT_ASSERT_NOT_NULL(test, input);
	KUNIT_ASSERT_NOT_NULL(test, want);
	kunit_info(test, "seed %llu\n", seed);
	prandom_seed_state(&rnd, seed);
	rules_clean(test);
	add_rule(test, "deny provider=anchor");
	iomem_dma_policy_show(before, PAGE_SIZE);

	for (i = 0; i < 10000; i++) {
		size_t n = fuzz_input(&rnd, input);
		unsigned int id;
		char text[16];

		if (!iomem_dma_policy_add(input, n, &id)) {
			accepted++;
			/* What was accepted reads back exactly as written. */
			if (n && input[n - 1] == '\n')
				n--;
			snprintf(want, 160, "%u %.*s\n", id, (int)n, input);
			iomem_dma_policy_show(after, PAGE_SIZE);
			KUNIT_ASSERT_NOT_NULL_MSG(test, strstr(after, want),
						  "seed %llu input %u", seed, i);
			snprintf(text, sizeof(text), "%u", id);
			KUNIT_ASSERT_EQ(test,
					iomem_dma_policy_remove(text,
								strlen(text)),
					0);
		} else {
			rejected++;
		}
		iomem_dma_policy_show(after, PAGE_SIZE);
		KUNIT_ASSERT_STREQ_MSG(test, before, after,
				       "seed %llu input %u", seed, i);
	}
	kunit_info(test, "%u accepted, %u rejected\n", accepted, rejected);
	KUNIT_EXPECT_GT(test, accepted, 0U);
	KUNIT_EXPECT_GT(test, rejected, 0U);
}

/* ---- cache and revoke ---- */

/*
 * A provider and a client below two root ports of the host node named
 * @tag "host", denied by default ("allow node=<tag>host" allows them).
 */
static struct fake_client *host_pair(struct kunit *test, const char *tag,
				     struct fake_prov **fpp)
{
	struct iomem_dma_node *host;
	char name[32];

	rules_clean(test);
	fake_fabric_init(test);
	snprintf(name, sizeof(name), "%shost", tag);
	host = fake_node(test, NULL, name, IOMEM_DMA_NODE_HOST);
	snprintf(name, sizeof(name), "%sp", tag);
	*fpp = fake_prov_create(test, name, POOL,
				fake_node(test, host, "rp0", RP));
	snprintf(name, sizeof(name), "%sc", tag);
	return fake_client_create(test, name, fake_node(test, host, "rp1", RP));
}

static void policy_cache_invalidated_by_change(struct kunit *test)
{
	struct iomem_dma_client *client;
	struct iomem_dma_verdict v1, v2;
	struct fake_prov *fp;

	client = host_pair(test, "cache", &fp)->client;

	iomem_dma_client_verdict(fp->prov, client, &v1);
	iomem_dma_client_verdict(fp->prov, client, &v2);
	KUNIT_EXPECT_EQ(test, v1.path, IOMEM_DMA_PATH_DENIED);
	KUNIT_EXPECT_EQ(test, v1.generation, v2.generation);

	add_rule(test, "allow node=cachehost");
	iomem_dma_client_verdict(fp->prov, client, &v2);
	KUNIT_EXPECT_GT(test, v2.generation, v1.generation);
	KUNIT_EXPECT_EQ(test, v2.path, IOMEM_DMA_PATH_HOST);
}

/* The cache entry @client has for @prov now, or NULL (pointer only). */
static const void *cache_entry(struct iomem_dma_client *client,
			       struct iomem_dma_provider *prov)
{
	const void *cv;

	rcu_read_lock();
	cv = xa_load(&client->verdicts, prov->id);
	rcu_read_unlock();
	return cv;
}

/*
 * A change that leaves a pair's verdict as it was moves the cached entry
 * to the new generation in place (64-bit); one that changes it gives a
 * new entry, and no lookup under the new generation sees the old verdict.
 */
static void policy_cache_refresh_in_place(struct kunit *test)
{
	const struct iomem_dma_verdict *hit;
	struct iomem_dma_client *client;
	struct iomem_dma_verdict v1, v2;
	struct fake_prov *fp;
	const void *cv;
	u64 gen;

	client = host_pair(test, "refresh", &fp)->client;

	iomem_dma_client_verdict(fp->prov, client, &v1);
	cv = cache_entry(client, fp->prov);
	KUNIT_ASSERT_NOT_NULL(test, cv);
	iomem_dma_generation_bump();
	iomem_dma_client_verdict(fp->prov, client, &v2);
	KUNIT_EXPECT_GT(test, v2.generation, v1.generation);
	KUNIT_EXPECT_EQ(test, v2.path, v1.path);
	if (IS_ENABLED(CONFIG_64BIT))
		KUNIT_EXPECT_PTR_EQ(test, cache_entry(client, fp->prov), cv);
	rcu_read_lock();
	hit = iomem_dma_verdict_cached(fp->prov, client, v2.generation);
	KUNIT_EXPECT_TRUE(test, hit && hit->generation == v2.generation);
	KUNIT_EXPECT_TRUE(test, hit && hit->path == IOMEM_DMA_PATH_DENIED);
	rcu_read_unlock();

	/* The verdict changes: the new generation sees only the new one. */
	add_rule(test, "allow node=refreshhost");
	gen = iomem_dma_generation();
	rcu_read_lock();
	KUNIT_EXPECT_NULL(test, iomem_dma_verdict_cached(fp->prov, client, gen));
	rcu_read_unlock();
	iomem_dma_client_verdict(fp->prov, client, &v2);
	KUNIT_EXPECT_EQ(test, v2.path, IOMEM_DMA_PATH_HOST);
	rcu_read_lock();
	hit = iomem_dma_verdict_cached(fp->prov, client, gen);
	KUNIT_EXPECT_TRUE(test, hit && hit->path == IOMEM_DMA_PATH_HOST);
	KUNIT_EXPECT_TRUE(test, hit && hit->rule && hit->rule == v2.rule);
	rcu_read_unlock();
}

/*
 * Readers refresh the cached verdict in place while a writer turns it
 * from denied to allowed and back, with plain generation bumps (which
 * leave it as it is) in between. A rule is visible before the generation
 * moves, so a reader checks only lookups with no change under way (the
 * writer's @changing is odd during one) and no bump between them: then
 * what the cache answered, copied or not, is what a computation from
 * scratch says.
 */
struct refresh_race {
	struct iomem_dma_provider *prov;
	struct iomem_dma_client *client;
	atomic_t changing, wrong, checked;
};

static int refresh_race_fn(void *data)
{
	struct refresh_race *rr = data;
	const struct iomem_dma_verdict *hit;
	struct iomem_dma_verdict v, ref;
	enum iomem_dma_path cached;
	int seq;
	u64 gen;

	while (!kthread_should_stop()) {
		seq = atomic_read(&rr->changing);
		smp_rmb(); /* the count before the generation */
		gen = iomem_dma_generation();
		iomem_dma_client_verdict(rr->prov, rr->client, &v);
		rcu_read_lock();
		hit = iomem_dma_verdict_cached(rr->prov, rr->client, gen);
		cached = hit ? hit->path : IOMEM_DMA_PATH_DENIED;
		iomem_dma_verdict_compute(rr->prov, rr->client->dev,
					  rcu_dereference(rr->client->node),
					  rr->client->name, &ref);
		rcu_read_unlock();
		smp_rmb(); /* the verdicts before the count */
		if (!(seq & 1) && atomic_read(&rr->changing) == seq &&
		    ref.generation == gen && v.generation == gen) {
			atomic_inc(&rr->checked);
			if (v.path != ref.path || v.rule != ref.rule ||
			    (hit && cached != ref.path))
				atomic_inc(&rr->wrong);
		}
		cond_resched();
	}
	return 0;
}

/* One rule change, inside the readers' odd @changing. */
static int refresh_race_change(struct refresh_race *rr, unsigned int *id)
{
	const char *rule = "allow node=racehost";
	char text[16];
	int ret;

	atomic_inc(&rr->changing);
	smp_mb__after_atomic(); /* odd before the change */
	if (*id) {
		snprintf(text, sizeof(text), "%u", *id);
		ret = iomem_dma_policy_remove(text, strlen(text));
		*id = 0;
	} else {
		ret = iomem_dma_policy_add(rule, strlen(rule), id);
	}
	smp_mb__before_atomic(); /* the change before even */
	atomic_inc(&rr->changing);
	return ret;
}

static void policy_cache_refresh_races_change(struct kunit *test)
{
	struct task_struct *t[2];
	struct refresh_race rr;
	struct fake_client *fc;
	struct fake_prov *fp;
	unsigned int i, j, id = 0;
	int ret = 0;

	fc = host_pair(test, "race", &fp);
	rr.prov = fp->prov;
	rr.client = fc->client;
	atomic_set(&rr.changing, 0);
	atomic_set(&rr.wrong, 0);
	atomic_set(&rr.checked, 0);
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		t[i] = kthread_run(refresh_race_fn, &rr, "iomem_dma-refr%u", i);
		if (IS_ERR(t[i])) {
			while (i--) {
				kthread_stop(t[i]);
				put_task_struct(t[i]);
			}
			KUNIT_FAIL(test, "no reader thread");
			return;
		}
		get_task_struct(t[i]);
	}
	/* No assertion while they run: they use the fixture. */
	for (i = 0; i < 150 && !ret; i++) {
		ret = refresh_race_change(&rr, &id);
		for (j = 0; j < 2; j++) {
			usleep_range(200, 400);
			iomem_dma_generation_bump();
		}
	}
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		kthread_stop(t[i]);
		put_task_struct(t[i]);
	}
	KUNIT_EXPECT_EQ(test, ret, 0);
	kunit_info(test, "%d lookups checked against a computation\n",
		   atomic_read(&rr.checked));
	KUNIT_EXPECT_GT(test, atomic_read(&rr.checked), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&rr.wrong), 0);
}

/*
 * The slots of a client's last used verdicts are shared by providers whose
 * ids agree modulo IOMEM_DMA_VCACHE: a lookup never answers for the wrong
 * provider, and threads that fill the slots while the generation moves
 * leave nothing freed in one (KASAN would see it).
 */
struct slot_race {
	struct iomem_dma_provider *prov;
	struct iomem_dma_client *client;
	enum iomem_dma_path want;
	atomic_t *wrong;
};

static int slot_race_fn(void *data)
{
	struct slot_race *sr = data;
	const struct iomem_dma_verdict *hit;
	struct iomem_dma_verdict v;

	while (!kthread_should_stop()) {
		iomem_dma_client_verdict(sr->prov, sr->client, &v);
		if (v.path != sr->want)
			atomic_inc(sr->wrong);
		rcu_read_lock();
		hit = iomem_dma_verdict_cached(sr->prov, sr->client,
					       iomem_dma_generation());
		if (hit && (container_of(hit, struct iomem_dma_cached_verdict,
					 v)->prov_id != sr->prov->id ||
			    hit->path != sr->want))
			atomic_inc(sr->wrong);
		rcu_read_unlock();
		cond_resched();
	}
	return 0;
}

static void policy_verdict_slots_shared(struct kunit *test)
{
	struct fake_prov *fps[IOMEM_DMA_VCACHE + 1], *a = NULL, *b = NULL;
	const struct iomem_dma_verdict *hit;
	struct iomem_dma_node *sw;
	struct task_struct *ta, *tb;
	struct slot_race ra, rb;
	struct iomem_dma_verdict v;
	struct fake_client *fc;
	atomic_t wrong = ATOMIC_INIT(0);
	char name[16], rule[64];
	unsigned int i, j;

	rules_clean(test);
	fake_fabric_init(test);
	sw = fake_node(test, NULL, "slsw", IOMEM_DMA_NODE_ROUTES_PEER);
	fc = fake_client_create(test, "slotc", sw);
	/* Two providers in one slot (nine ids, eight slots). */
	for (i = 0; i < ARRAY_SIZE(fps) && !b; i++) {
		snprintf(name, sizeof(name), "slotp%u", i);
		fps[i] = fake_prov_create(test, name, POOL, sw);
		for (j = 0; j < i && !b; j++)
			if (fps[j]->prov->id % IOMEM_DMA_VCACHE ==
			    fps[i]->prov->id % IOMEM_DMA_VCACHE) {
				a = fps[j];
				b = fps[i];
			}
	}
	KUNIT_ASSERT_NOT_NULL(test, b);
	/* The client reaches one of them, a rule denies it the other. */
	snprintf(rule, sizeof(rule), "deny provider=%s", b->prov->name);
	add_rule(test, rule);

	for (i = 0; i < 100; i++) {
		iomem_dma_client_verdict(a->prov, fc->client, &v);
		KUNIT_EXPECT_EQ(test, v.path, IOMEM_DMA_PATH_BUS);
		iomem_dma_client_verdict(b->prov, fc->client, &v);
		KUNIT_EXPECT_EQ(test, v.path, IOMEM_DMA_PATH_DENIED);
		rcu_read_lock();
		hit = iomem_dma_verdict_cached(a->prov, fc->client,
					       iomem_dma_generation());
		KUNIT_EXPECT_TRUE(test, !hit || hit->path == IOMEM_DMA_PATH_BUS);
		rcu_read_unlock();
	}

	ra = (struct slot_race){ a->prov, fc->client, IOMEM_DMA_PATH_BUS, &wrong };
	rb = (struct slot_race){ b->prov, fc->client, IOMEM_DMA_PATH_DENIED, &wrong };
	ta = kthread_run(slot_race_fn, &ra, "iomem_dma-slota");
	KUNIT_ASSERT_FALSE(test, IS_ERR(ta));
	get_task_struct(ta);
	tb = kthread_run(slot_race_fn, &rb, "iomem_dma-slotb");
	if (IS_ERR(tb)) {
		kthread_stop(ta);
		put_task_struct(ta);
		KUNIT_ASSERT_FALSE(test, IS_ERR(tb));
	}
	get_task_struct(tb);
	for (i = 0; i < 2000; i++) {
		iomem_dma_generation_bump();
		if (!(i % 64))
			usleep_range(1000, 2000);
		else
			cond_resched();
	}
	kthread_stop(ta);
	kthread_stop(tb);
	put_task_struct(ta);
	put_task_struct(tb);
	KUNIT_EXPECT_EQ(test, atomic_read(&wrong), 0);
}

static void policy_deny_revokes_mapped_pair(struct kunit *test)
{
	struct file *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	struct sg_table *sgt = kunit_kzalloc(test, sizeof(*sgt), GFP_KERNEL);
	const char *rule = "deny provider=revp";
	struct iomem_dma_node *sw;
	struct iomem_dma_verdict v;
	struct fake_client *fc;
	struct fake_prov *fp;
	int logs;

	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_ASSERT_NOT_NULL(test, sgt);
	f->f_cred = current_cred();
	f->f_mode = FMODE_WRITE;
	rules_clean(test);
	fake_fabric_init(test);
	sw = fake_node(test, NULL, "rsw", RP);
	fp = fake_prov_create(test, "revp", POOL, sw);
	fc = fake_client_create(test, "revc", sw);

	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sgt(fc->client, fp->prov, sgt,
						  PAGE_SIZE, GFP_KERNEL), 0);
	KUNIT_ASSERT_EQ(test, iomem_dma_map_sgtable(fc->client, sgt,
						    DMA_TO_DEVICE, 0), 0);
	fc->free_on_revoke = sgt;
	KUNIT_EXPECT_EQ(test, iomem_dma_admin_add(f, rule, strlen(rule), NULL),
			0);
	/* The client was told, unmapped and freed. */
	KUNIT_EXPECT_EQ(test, atomic_read(&fc->revokes), 1);
	KUNIT_EXPECT_EQ(test, fp->prov->nr_chunks, 0UL);

	/* A new map is refused with the rule as the reason, and logged. */
	logs = atomic_read(&iomem_dma_denial_logs);
	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sgt(fc->client, fp->prov, sgt,
						  PAGE_SIZE, GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, iomem_dma_map_sgtable(fc->client, sgt,
						    DMA_TO_DEVICE, 0),
			-EREMOTEIO);
	KUNIT_EXPECT_EQ(test, atomic_read(&iomem_dma_denial_logs), logs + 1);
	KUNIT_ASSERT_EQ(test, iomem_dma_last_refusal(fc->client, &v), 0);
	KUNIT_EXPECT_EQ(test, v.reason, IOMEM_DMA_REASON_RULE_DENY);
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sgt(fc->client, sgt), 0);
}

#define HOLDERS 32

/*
 * Removing the rule that let many clients in revokes every one of them,
 * and only for that provider. The pass needs no memory of its own, so no
 * pair can be missed for want of it.
 */
static void policy_unallow_revokes_every_holder(struct kunit *test)
{
	struct file *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	struct sg_table *sgt = kunit_kcalloc(test, 2 * HOLDERS, sizeof(*sgt),
					     GFP_KERNEL);
	struct fake_client *fc[HOLDERS];
	struct fake_prov *fp, *keep;
	unsigned int i, rule;
	char name[16];

	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_ASSERT_NOT_NULL(test, sgt);
	f->f_cred = current_cred();
	f->f_mode = FMODE_WRITE;
	rules_clean(test);
	fp = fake_prov_create(test, "allp", HOLDERS * PAGE_SIZE, NULL);
	keep = fake_prov_create(test, "allk", HOLDERS * PAGE_SIZE, NULL);
	rule = add_rule(test, "allow provider=allp");
	add_rule(test, "allow provider=allk");

	for (i = 0; i < HOLDERS; i++) {
		snprintf(name, sizeof(name), "allc%u", i);
		fc[i] = fake_client_create(test, name, NULL);
		KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sgt(fc[i]->client, fp->prov,
							  &sgt[i], 256,
							  GFP_KERNEL), 0);
		KUNIT_ASSERT_EQ(test, iomem_dma_map_sgtable(fc[i]->client, &sgt[i],
							    DMA_BIDIRECTIONAL,
							    0), 0);
		fc[i]->free_on_revoke = &sgt[i];
		KUNIT_ASSERT_EQ(test,
				iomem_dma_alloc_sgt(fc[i]->client, keep->prov,
						    &sgt[HOLDERS + i], 256,
						    GFP_KERNEL), 0);
		KUNIT_ASSERT_EQ(test,
				iomem_dma_map_sgtable(fc[i]->client,
						      &sgt[HOLDERS + i],
						      DMA_TO_DEVICE, 0), 0);
	}
	KUNIT_ASSERT_EQ(test, fp->prov->nr_chunks, (unsigned long)HOLDERS);

	KUNIT_EXPECT_EQ(test, iomem_dma_admin_remove(f, rule), 0);
	for (i = 0; i < HOLDERS; i++)
		KUNIT_EXPECT_EQ_MSG(test, atomic_read(&fc[i]->revokes), 1,
				    "client %u", i);
	KUNIT_EXPECT_EQ(test, fp->prov->nr_chunks, 0UL);
	KUNIT_EXPECT_EQ(test, keep->prov->nr_chunks, (unsigned long)HOLDERS);

	/* A second pass finds nothing left to revoke. */
	KUNIT_EXPECT_EQ(test, iomem_dma_policy_revoke_denied(), 0);
	for (i = 0; i < HOLDERS; i++) {
		KUNIT_EXPECT_EQ(test, atomic_read(&fc[i]->revokes), 1);
		iomem_dma_unmap_sgtable(fc[i]->client, &sgt[HOLDERS + i],
					DMA_TO_DEVICE, 0);
		KUNIT_EXPECT_EQ(test, iomem_dma_free_sgt(fc[i]->client,
							 &sgt[HOLDERS + i]), 0);
	}
}

/*
 * A client whose registration ended still holds its memory, but its
 * device may be gone: no revoke callback reaches it, neither from a
 * policy change nor from the provider going away.
 */
static void policy_no_revoke_after_unregister(struct kunit *test)
{
	struct sg_table *sgt = kunit_kzalloc(test, sizeof(*sgt), GFP_KERNEL);
	const char *rule = "deny provider=gonep";
	struct fake_client *fc;
	struct fake_prov *fp;

	KUNIT_ASSERT_NOT_NULL(test, sgt);
	rules_clean(test);
	fp = fake_prov_create(test, "gonep", POOL, NULL);
	add_rule(test, "allow provider=gonep");
	fc = fake_client_create(test, "gonec", NULL);
	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sgt(fc->client, fp->prov, sgt,
						  PAGE_SIZE, GFP_KERNEL), 0);
	KUNIT_ASSERT_EQ(test, iomem_dma_map_sgtable(fc->client, sgt,
						    DMA_TO_DEVICE, 0), 0);
	KUNIT_ASSERT_EQ(test, iomem_dma_client_unregister(fc->client), 0);

	add_rule(test, rule);
	KUNIT_EXPECT_EQ(test, iomem_dma_policy_revoke_denied(), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&fc->revokes), 0);
	/* The memory is still the driver's to free. */
	KUNIT_EXPECT_EQ(test, fp->prov->nr_chunks, 1UL);
	iomem_dma_unmap_sgtable(fc->client, sgt, DMA_TO_DEVICE, 0);
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sgt(fc->client, sgt), 0);
	KUNIT_EXPECT_EQ(test, iomem_dma_provider_unregister(fp->prov), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&fc->revokes), 0);
}

/*
 * A provider whose bus_addr() callback, on its first call, denies the pair
 * and runs the revoke pass: the window between a map's verdict and the
 * counting of its mapping, opened through the provider API alone.
 */
static atomic_t deny_in_bus_addr;

static int deny_bus_addr(struct iomem_dma_provider *prov,
			 struct device *client, phys_addr_t phys, size_t len,
			 dma_addr_t *bus)
{
	struct kunit *test = kunit_get_current_test();
	const char *rule = "deny provider=racep";

	if (atomic_xchg(&deny_in_bus_addr, 0)) {
		KUNIT_EXPECT_EQ(test, iomem_dma_policy_add(rule, strlen(rule),
							   NULL), 0);
		KUNIT_EXPECT_EQ(test, iomem_dma_policy_revoke_denied(), 0);
	}
	return fake_bus_addr(prov, client, phys, len, bus);
}

static const struct iomem_dma_provider_ops deny_bus_addr_ops = {
	.bus_addr = deny_bus_addr,
};

/*
 * A rule added while a map is between its verdict and its mapping: the
 * revoke pass cannot see the mapping (not counted yet), so the map must
 * see the generation move, map again under the new policy and be refused,
 * instead of keeping a mapping of a denied pair no pass will find.
 */
static void policy_change_during_map(struct kunit *test)
{
	struct sg_table *sgt = kunit_kzalloc(test, sizeof(*sgt), GFP_KERNEL);
	struct fake_prov *fp = fake_prov_create_flags(test, "racep", POOL,
						      NULL, false);
	struct iomem_dma_provider_desc desc = {
		.dev = fp->dev, .name = "racep", .ranges = &fp->range,
		.nr_ranges = 1, .ops = &deny_bus_addr_ops, .priv = fp,
	};
	struct iomem_dma_verdict v;
	struct iomem_dma_node *sw;
	struct fake_client *fc;
	struct scatterlist *sg;
	unsigned int i;
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, sgt);
	rules_clean(test);
	fake_fabric_init(test);
	sw = fake_node(test, NULL, "racesw", RP);
	desc.fabric = sw;
	fake_prov_register(test, fp, &desc);
	fc = fake_client_create(test, "racec", sw);
	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sgt(fc->client, fp->prov, sgt,
						  2 * PAGE_SIZE, GFP_KERNEL), 0);

	atomic_set(&deny_in_bus_addr, 1);
	ret = iomem_dma_map_sgtable(fc->client, sgt, DMA_BIDIRECTIONAL, 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&deny_in_bus_addr), 0);
	KUNIT_EXPECT_EQ(test, ret, -EREMOTEIO);
	if (!ret)
		iomem_dma_unmap_sgtable(fc->client, sgt, DMA_BIDIRECTIONAL, 0);
	for_each_sgtable_sg(sgt, sg, i)
		KUNIT_EXPECT_EQ(test, sg_dma_len(sg), 0U);
	/* Nothing stays counted as mapped for the pair. */
	KUNIT_ASSERT_FALSE(test, list_empty(&fp->prov->holders));
	KUNIT_EXPECT_EQ(test,
			atomic_long_read(&list_first_entry(&fp->prov->holders,
							   struct iomem_dma_hold,
							   prov_node)->mapped),
			0L);
	KUNIT_ASSERT_EQ(test, iomem_dma_last_refusal(fc->client, &v), 0);
	KUNIT_EXPECT_EQ(test, v.reason, IOMEM_DMA_REASON_RULE_DENY);
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sgt(fc->client, sgt), 0);
}

struct slow_revoke {
	struct completion entered;
	struct completion release;
	struct completion unregistered;
	struct device *dev;
	struct iomem_dma_client *client;
	atomic_t calls;
};

static void slow_revoke_cb(struct iomem_dma_client *client,
			   struct iomem_dma_provider *prov, void *priv)
{
	struct slow_revoke *sr = priv;

	atomic_inc(&sr->calls);
	complete(&sr->entered);
	wait_for_completion(&sr->release);
}

static const struct iomem_dma_client_ops slow_revoke_ops = {
	.revoke = slow_revoke_cb,
};

static int slow_revoker_fn(void *data)
{
	iomem_dma_policy_revoke_denied();
	return 0;
}

static int slow_unregister_fn(void *data)
{
	struct slow_revoke *sr = data;

	iomem_dma_client_unregister(sr->client);
	complete(&sr->unregistered);
	return 0;
}

/*
 * Ending a registration waits for a revoke callback in progress, so a
 * driver's callback never runs on a device that has gone.
 */
static void policy_unregister_waits_for_revoke(struct kunit *test)
{
	struct sg_table *sgt = kunit_kzalloc(test, sizeof(*sgt), GFP_KERNEL);
	struct slow_revoke *sr = kunit_kzalloc(test, sizeof(*sr), GFP_KERNEL);
	struct task_struct *t;
	struct fake_prov *fp;
	unsigned int rule;
	char id[16];

	KUNIT_ASSERT_NOT_NULL(test, sgt);
	KUNIT_ASSERT_NOT_NULL(test, sr);
	init_completion(&sr->entered);
	init_completion(&sr->release);
	init_completion(&sr->unregistered);
	rules_clean(test);
	fp = fake_prov_create(test, "slowp", POOL, NULL);
	rule = add_rule(test, "allow provider=slowp");
	sr->dev = iomem_dma_test_device(test, "slowc");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, sr->dev);
	sr->client = iomem_dma_client_register(sr->dev, &slow_revoke_ops, sr);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, sr->client);
	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sgt(sr->client, fp->prov, sgt,
						  PAGE_SIZE, GFP_KERNEL), 0);
	KUNIT_ASSERT_EQ(test, iomem_dma_map_sgtable(sr->client, sgt,
						    DMA_TO_DEVICE, 0), 0);
	snprintf(id, sizeof(id), "%u", rule);
	KUNIT_ASSERT_EQ(test, iomem_dma_policy_remove(id, strlen(id)), 0);

	t = kthread_run(slow_revoker_fn, NULL, "iomem_dma_revoker");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	KUNIT_ASSERT_GT(test, wait_for_completion_timeout(&sr->entered, 10 * HZ),
			0UL);
	t = kthread_run(slow_unregister_fn, sr, "iomem_dma_unreg");
	if (IS_ERR(t))
		complete(&sr->release);
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	/* Still in the callback: the unregister must not have returned. */
	KUNIT_EXPECT_EQ(test, wait_for_completion_timeout(&sr->unregistered,
							  HZ / 5), 0UL);
	complete(&sr->release);
	KUNIT_EXPECT_GT(test, wait_for_completion_timeout(&sr->unregistered,
							  10 * HZ), 0UL);
	KUNIT_EXPECT_EQ(test, atomic_read(&sr->calls), 1);
	/* Gone: the provider going away does not call it again. */
	iomem_dma_unmap_sgtable(sr->client, sgt, DMA_TO_DEVICE, 0);
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sgt(sr->client, sgt), 0);
	KUNIT_EXPECT_EQ(test, iomem_dma_provider_unregister(fp->prov), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&sr->calls), 1);
}

static void policy_verdict_line(struct kunit *test)
{
	struct iomem_dma_verdict v = {
		.path = IOMEM_DMA_PATH_DENIED,
		.reason = IOMEM_DMA_REASON_ACS_REDIRECT,
		.distance = 4, .rule = 0, .node = "0000:01:00.0",
		.generation = 7,
	};
	char line[256];

	iomem_dma_verdict_format("0000:02:00.0", &v, line, sizeof(line));
	KUNIT_EXPECT_STREQ(test, line,
			   "0000:02:00.0 denied distance=4 node=0000:01:00.0 rule=0 reason=acs_redirect generation=7 iommu=none\n");
	v.node[0] = '\0';
	v.path = IOMEM_DMA_PATH_BUS;
	v.reason = IOMEM_DMA_REASON_SAME_DEVICE;
	iomem_dma_verdict_format("x", &v, line, sizeof(line));
	KUNIT_EXPECT_STREQ(test, line,
			   "x bus distance=4 node=- rule=0 reason=same_device generation=7 iommu=none\n");
}

/* ---- concurrent writers ---- */

struct writer {
	struct completion done;
	unsigned int base;
	int errors;
};

static int writer_fn(void *data)
{
	struct writer *w = data;
	char rule[64], id_text[16];
	unsigned int i, id;

	for (i = 0; i < 500; i++) {
		int l = snprintf(rule, sizeof(rule), "allow provider=w%u-%u",
				 w->base, i);

		if (iomem_dma_policy_add(rule, l, &id)) {
			w->errors++;
			continue;
		}
		l = snprintf(id_text, sizeof(id_text), "%u", id);
		if (i % 2 && iomem_dma_policy_remove(id_text, l))
			w->errors++;
	}
	complete(&w->done);
	return 0;
}

static void policy_concurrent_writers(struct kunit *test)
{
	struct writer *w = kunit_kcalloc(test, 2, sizeof(*w), GFP_KERNEL);
	struct task_struct *t;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, w);
	rules_clean(test);
	for (i = 0; i < 2; i++) {
		init_completion(&w[i].done);
		w[i].base = i;
		t = kthread_run(writer_fn, &w[i], "iomem_dma_w%u", i);
		KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	}
	for (i = 0; i < 2; i++) {
		wait_for_completion(&w[i].done);
		KUNIT_EXPECT_EQ(test, w[i].errors, 0);
	}
	/* Each writer kept every even-numbered rule. */
	KUNIT_EXPECT_EQ(test, iomem_dma_policy_count(), 500U);
}

/*
 * 10^5 writes to the writable files (add, remove, a provider's
 * preference) through their sysfs handlers, checked after every write
 * against a model of the rule set kept here: the model predicts each
 * outcome it can (duplicates, unknown ids, preference values), a
 * rejected write leaves the rules exactly as the model has them, and an
 * accepted one adds the rule as written under the id the kernel gave.
 */
#define MODEL_MAX	24

struct rule_model {
	unsigned int id[MODEL_MAX];
	char text[MODEL_MAX][IOMEM_DMA_RULE_MAX_LEN + 1];
	unsigned int n;
};

static bool model_has(const struct rule_model *m, const char *text)
{
	unsigned int i;

	for (i = 0; i < m->n; i++)
		if (!strcmp(m->text[i], text))
			return true;
	return false;
}

static size_t model_render(const struct rule_model *m, char *buf,
			   size_t size)
{
	size_t len = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < m->n; i++)
		len += scnprintf(buf + len, size - len, "%u %s\n", m->id[i],
				 m->text[i]);
	return len;
}

/* A preference write whose outcome is known: true and *v if valid. */
static bool pref_input(struct rnd_state *rnd, char *buf, size_t *len, int *v)
{
	static const char *const bad[] = {
		"", "abc", "1 2", "101", "-101", "12345678", "0x10", "--1",
		"5\n\n", " 5",
	};

	if (prandom_u32_state(rnd) % 2) {
		const char *b = bad[prandom_u32_state(rnd) % ARRAY_SIZE(bad)];

		*len = strlen(b);
		memcpy(buf, b, *len);
		return false;
	}
	*v = (int)(prandom_u32_state(rnd) % 201) - 100;
	*len = scnprintf(buf, 8, prandom_u32_state(rnd) % 2 ? "%d\n" : "%d",
			 *v);
	return true;
}

/* ---- module parameters (/sys/module/iomem_dma/parameters/) ---- */

/**
 * struct param_model - what a writable parameter of ours must accept
 * @name: the parameter, as the kernel names it ("iomem_dma.<name>").
 * @min: smallest accepted value.
 * @max: largest accepted value.
 * @align: accepted values are multiples of this, a power of two.
 * @kp: the kernel's parameter, found by name.
 * @value: the value the model expects the parameter to have.
 * @saved: the value before the test, put back at its end.
 */
struct param_model {
	const char *name;
	unsigned long long min, max, align;
	const struct kernel_param *kp;
	unsigned long long value;
	char saved[32];
};

static struct param_model param_models[] = {
	{ "iomem_dma.stall_report_ms", 1, 3600000, 1 },
	{ "iomem_dma.pci_bars", 0, 63, 1 },
	{ "iomem_dma.pci_max_size", 0, ULONG_MAX, PAGE_SIZE },
};

/*
 * The model's own reading of a number, as the ABI describes it: an
 * optional '+', decimal, octal with a leading 0 or hex with 0x, one
 * optional newline at the end, nothing else, no overflow.
 */
static bool model_number(const char *s, unsigned long long *out)
{
	unsigned long long v = 0;
	unsigned int base = 10, d;
	bool digits = false;

	if (*s == '+')
		s++;
	if (s[0] == '0' && tolower(s[1]) == 'x' && isxdigit(s[2])) {
		base = 16;
		s += 2;
	} else if (s[0] == '0') {
		base = 8;
	}
	for (; *s; s++) {
		if (isdigit(*s))
			d = *s - '0';
		else if (isxdigit(*s))
			d = tolower(*s) - 'a' + 10;
		else
			break;
		if (d >= base)
			break;
		if (check_mul_overflow(v, (unsigned long long)base, &v) ||
		    check_add_overflow(v, (unsigned long long)d, &v))
			return false;
		digits = true;
	}
	if (*s == '\n')
		s++;
	if (!digits || *s)
		return false;
	*out = v;
	return true;
}

static bool model_param_accepts(const struct param_model *pm, const char *s,
				unsigned long long *v)
{
	/* The alignments are powers of two. */
	return model_number(s, v) && *v >= pm->min && *v <= pm->max &&
	       !(*v & (pm->align - 1));
}

static const char *const param_tokens[] = {
	"0", "1", "7", "8", "9", "10", "63", "64", "077", "08", "0x", "0X3f",
	"0x40", "4095", "4096", "0x1000", "8192", "3600000", "3600001",
	"4294967295", "4294967296", "18446744073709551615",
	"18446744073709551616", "0xfffffffffffff000", "+", "-", "\n", " ",
	"x", "k",
};

/* One to three tokens, then up to two random byte edits. */
static size_t param_input(struct rnd_state *rnd, char *buf, size_t size)
{
	unsigned int t = 1 + prandom_u32_state(rnd) % 3, edits, pos;
	size_t n = 0;

	while (t--) {
		const char *tok = param_tokens[prandom_u32_state(rnd) %
					       ARRAY_SIZE(param_tokens)];

		ssize_t ret = strscpy(buf + n, tok, size - n);

		if (ret > 0)
			n += ret;
	}
	for (edits = prandom_u32_state(rnd) % 3; edits; edits--) {
		pos = prandom_u32_state(rnd) % (n + 1);
		if (pos < n)
			buf[pos] = prandom_u32_state(rnd) % 2 ?
				   fuzz_bytes[prandom_u32_state(rnd) %
					      (sizeof(fuzz_bytes) - 1)] :
				   '0' + prandom_u32_state(rnd) % 10;
	}
	buf[n] = '\0';
	/* A write stops at a NUL, as it does through sysfs. */
	return strlen(buf);
}

static void param_restore(void *data)
{
	struct param_model *pm = data;

	kernel_param_lock(NULL);
	pm->kp->ops->set(pm->saved, pm->kp);
	kernel_param_unlock(NULL);
}

/*
 * Find our parameters; every writable parameter of iomem_dma must be one
 * the model knows, so that a new one cannot escape the fuzz.
 */
static unsigned int params_find(struct kunit *test)
{
	const struct kernel_param *kp;
	unsigned int i, n = 0;

	for (kp = __start___param; kp < __stop___param; kp++) {
		if (!str_has_prefix(kp->name, "iomem_dma."))
			continue;
		for (i = 0; i < ARRAY_SIZE(param_models); i++)
			if (!strcmp(kp->name, param_models[i].name))
				break;
		if (!(kp->perm & 0222))
			continue;
		KUNIT_ASSERT_LT_MSG(test, i, ARRAY_SIZE(param_models),
				    "writable %s has no model", kp->name);
		param_models[i].kp = kp;
		n++;
	}
	for (i = 0; i < ARRAY_SIZE(param_models); i++) {
		struct param_model *pm = &param_models[i];

		if (!pm->kp)
			continue;
		KUNIT_ASSERT_GT(test, pm->kp->ops->get(pm->saved, pm->kp), 0);
		KUNIT_ASSERT_EQ(test, kstrtoull(pm->saved, 10, &pm->value), 0);
		KUNIT_ASSERT_EQ(test, 0,
				kunit_add_action_or_reset(test, param_restore,
							  pm));
	}
	return n;
}

/* A write to a random parameter; its value must follow the model. */
static void param_write(struct kunit *test, struct rnd_state *rnd,
			char *input, u64 seed, unsigned int op,
			unsigned int *accepted)
{
	struct param_model *pm;
	unsigned long long v;
	char have[32], want[32];
	bool valid;
	int ret;

	do {
		pm = &param_models[prandom_u32_state(rnd) %
				   ARRAY_SIZE(param_models)];
	} while (!pm->kp);
	param_input(rnd, input, 64);
	valid = model_param_accepts(pm, input, &v);
	kernel_param_lock(NULL);
	ret = pm->kp->ops->set(input, pm->kp);
	kernel_param_unlock(NULL);
	KUNIT_ASSERT_EQ_MSG(test, ret, valid ? 0 : -EINVAL,
			    "seed %llu op %u: %s <- \"%s\"", seed, op, pm->name,
			    input);
	if (valid) {
		pm->value = v;
		(*accepted)++;
	}
	KUNIT_ASSERT_GT(test, pm->kp->ops->get(have, pm->kp), 0);
	snprintf(want, sizeof(want), "%llu\n", pm->value);
	KUNIT_ASSERT_STREQ_MSG(test, have, want, "seed %llu op %u: %s <- \"%s\"",
			       seed, op, pm->name, input);
}

/* The id on the last line of a rules listing. */
static unsigned int last_rule_id(char *listing)
{
	char *line = strrchr(strim(listing), '\n');
	unsigned int id = 0;

	if (sscanf(line ? line + 1 : listing, "%u", &id) != 1)
		return 0;
	return id;
}

static void policy_sysfs_fuzz_model(struct kunit *test)
{
	struct rule_model *m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);
	char *have = kunit_kzalloc(test, 2 * PAGE_SIZE, GFP_KERNEL);
	char *want = kunit_kzalloc(test, 2 * PAGE_SIZE, GFP_KERNEL);
	char *input = kunit_kzalloc(test, IOMEM_DMA_RULE_MAX_LEN + 1,
				    GFP_KERNEL);
	struct file *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	unsigned int i, adds = 0, added = 0, removes = 0, prefs = 0;
	unsigned int next_id = 0, params = 0, params_ok = 0, nparams;
	u64 seed = get_random_u64();
	struct fake_prov *fp;
	struct rnd_state rnd;
	int pref = 0, v;

	KUNIT_ASSERT_NOT_NULL(test, m);
	KUNIT_ASSERT_NOT_NULL(test, have);
	KUNIT_ASSERT_NOT_NULL(test, want);
	KUNIT_ASSERT_NOT_NULL(test, input);
	KUNIT_ASSERT_NOT_NULL(test, f);
	f->f_cred = current_cred();
	f->f_mode = FMODE_WRITE;
	kunit_info(test, "seed %llu\n", seed);
	prandom_seed_state(&rnd, seed);
	rules_clean(test);
	fp = fake_prov_create(test, "fuzzp", POOL, NULL);
	nparams = params_find(test);
	KUNIT_ASSERT_EQ(test, nparams,
			IS_ENABLED(CONFIG_IOMEM_DMA_PCI) ? 3U : 1U);

	for (i = 0; i < 100000; i++) {
		unsigned int op = prandom_u32_state(&rnd) % 10, k;
		size_t n;
		ssize_t ret;

		if (op < 4 && m->n < MODEL_MAX) {
			adds++;
			n = fuzz_input(&rnd, input);
			ret = iomem_dma_admin_add(f, input, n, NULL);
			KUNIT_ASSERT_TRUE_MSG(test, !ret || ret == -EINVAL,
					      "seed %llu op %u: %zd", seed, i,
					      ret);
			if (n && input[n - 1] == '\n')
				n--;
			input[n] = '\0';
			if (model_has(m, input)) {
				/* The model knows it: a duplicate. */
				KUNIT_ASSERT_EQ_MSG(test, ret, (ssize_t)-EINVAL,
						    "seed %llu op %u", seed, i);
			} else if (!ret) {
				iomem_dma_policy_show(have, 2 * PAGE_SIZE);
				/* Ids are never reused: one more each time. */
				if (next_id)
					KUNIT_ASSERT_EQ_MSG(test,
							    last_rule_id(have),
							    next_id,
							    "seed %llu op %u",
							    seed, i);
				else
					next_id = last_rule_id(have);
				m->id[m->n] = next_id++;
				strscpy(m->text[m->n], input,
					sizeof(m->text[m->n]));
				m->n++;
				added++;
			}
		} else if (op < 7) {
			removes++;
			if (m->n && prandom_u32_state(&rnd) % 2) {
				k = prandom_u32_state(&rnd) % m->n;
				n = scnprintf(input, 16, "%u", m->id[k]);
			} else {
				/* Mutated rule text: never an id. */
				k = MODEL_MAX;
				n = fuzz_input(&rnd, input);
			}
			/* The text of an id, as the boot policy and tests use. */
			ret = iomem_dma_policy_remove(input, n);
			if (k < MODEL_MAX) {
				KUNIT_ASSERT_EQ_MSG(test, ret, 0,
						    "seed %llu op %u", seed, i);
				m->n--;
				memmove(&m->id[k], &m->id[k + 1],
					(m->n - k) * sizeof(m->id[0]));
				memmove(m->text[k], m->text[k + 1],
					(m->n - k) * sizeof(m->text[0]));
			} else {
				KUNIT_ASSERT_EQ_MSG(test, ret, (ssize_t)-EINVAL,
						    "seed %llu op %u", seed, i);
			}
		} else if (op >= 8) {
			params++;
			param_write(test, &rnd, input, seed, i, &params_ok);
		} else {
			bool valid = pref_input(&rnd, input, &n, &v);

			prefs++;
			ret = iomem_dma_set_preference(fp->prov, input, n);
			KUNIT_ASSERT_EQ_MSG(test, ret, valid ? 0 : -EINVAL,
					    "seed %llu op %u", seed, i);
			if (valid)
				pref = v;
		}
		iomem_dma_policy_show(have, 2 * PAGE_SIZE);
		model_render(m, want, 2 * PAGE_SIZE);
		KUNIT_ASSERT_STREQ_MSG(test, have, want, "seed %llu op %u",
				       seed, i);
		KUNIT_ASSERT_EQ_MSG(test, READ_ONCE(fp->prov->preference), pref,
				    "seed %llu op %u", seed, i);
	}
	kunit_info(test, "%u adds (%u accepted), %u removes, %u preference writes, %u writes to %u parameters (%u accepted)\n",
		   adds, added, removes, prefs, params, nparams, params_ok);
	KUNIT_EXPECT_GT(test, added, 0U);
	KUNIT_EXPECT_LT(test, added, adds);
	KUNIT_EXPECT_GT(test, params_ok, 0U);
	KUNIT_EXPECT_LT(test, params_ok, params);
}

/* ---- administrator preference ---- */

static void policy_preference_breaks_ties(struct kunit *test)
{
	struct iomem_dma_provider *found;
	struct fake_prov *alpha, *beta;
	struct fake_client *fc;
	struct iomem_dma_node *sw;

	rules_clean(test);
	fake_fabric_init(test);
	sw = fake_node(test, NULL, "psw", RP);
	alpha = fake_prov_create(test, "alpha", POOL, sw);
	beta = fake_prov_create(test, "beta", POOL, sw);
	fc = fake_client_create(test, "prefc", sw);
	iomem_dma_provider_publish(alpha->prov, true);
	iomem_dma_provider_publish(beta->prov, true);

	found = iomem_dma_find(&fc->dev, 1);
	KUNIT_EXPECT_PTR_EQ(test, found, alpha->prov);
	iomem_dma_provider_put(found);

	KUNIT_ASSERT_EQ(test, iomem_dma_set_preference(beta->prov, "10\n", 3),
			0);
	found = iomem_dma_find(&fc->dev, 1);
	KUNIT_EXPECT_PTR_EQ(test, found, beta->prov);
	iomem_dma_provider_put(found);

	/* Bad values change nothing. */
	KUNIT_EXPECT_EQ(test, iomem_dma_set_preference(beta->prov, "101", 3),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, iomem_dma_set_preference(beta->prov, "x", 1),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, iomem_dma_set_preference(beta->prov, "", 0),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, iomem_dma_set_preference(beta->prov, "5 ", 2),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, beta->prov->preference, 10);
}

/* ---- whole rule sets and queries: what /dev/iomem_dma does ---- */

static struct file *admin_file(struct kunit *test)
{
	struct file *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, f);
	f->f_cred = current_cred();
	f->f_mode = FMODE_WRITE;
	return f;
}

/* A bad line, a duplicate or too many rules: nothing changes. */
static void policy_replace_all_or_nothing(struct kunit *test)
{
	char *before = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	char *after = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	static const char *const bad[] = {
		"deny provider=a\nallow provider=b\nallow provdr=c\n",
		"deny provider=a\ndeny provider=a\n",
		"deny provider=a force\n",
		"deny provider=a\r\n",
	};
	static const char nul[] = "deny provider=a\ndeny provider=b\0c\n";
	static const char two[] = "\ndeny provider=new1\n\n\nallow client=new2 iommu";
	struct file *f = admin_file(test);
	unsigned int i, count = 99, id;
	char text[IOMEM_DMA_RULE_MAX_LEN + 1];
	size_t big_len = 0;
	char *big;
	int gen;

	KUNIT_ASSERT_NOT_NULL(test, before);
	KUNIT_ASSERT_NOT_NULL(test, after);
	rules_clean(test);
	add_rule(test, "deny provider=old1");
	add_rule(test, "allow node=old2 force");
	iomem_dma_policy_show(before, PAGE_SIZE);
	gen = iomem_dma_generation();

	for (i = 0; i <= ARRAY_SIZE(bad); i++) {
		/* The last: a NUL inside a line. */
		const char *set = i < ARRAY_SIZE(bad) ? bad[i] : nul;
		size_t len = i < ARRAY_SIZE(bad) ? strlen(bad[i]) : sizeof(nul) - 1;

		KUNIT_EXPECT_EQ_MSG(test, iomem_dma_admin_replace(f, set, len,
								  &count),
				    -EINVAL, "set %u", i);
		iomem_dma_policy_show(after, PAGE_SIZE);
		KUNIT_EXPECT_STREQ_MSG(test, after, before, "set %u", i);
	}
	KUNIT_EXPECT_EQ(test, count, 99U);
	KUNIT_EXPECT_EQ(test, iomem_dma_generation(), gen);

	/* One rule more than the table holds. */
	big = kunit_kzalloc(test, (IOMEM_DMA_MAX_RULES + 1) * 32, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, big);
	for (i = 0; i <= IOMEM_DMA_MAX_RULES; i++)
		big_len += sprintf(big + big_len, "deny provider=p%u\n", i);
	KUNIT_EXPECT_EQ(test, iomem_dma_admin_replace(f, big, big_len, &count),
			-ENOSPC);
	iomem_dma_policy_show(after, PAGE_SIZE);
	KUNIT_EXPECT_STREQ(test, after, before);
	/* Exactly a full table is fine. */
	big_len -= strlen("deny provider=p1024\n");
	KUNIT_EXPECT_EQ(test, iomem_dma_admin_replace(f, big, big_len, &count),
			0);
	KUNIT_EXPECT_EQ(test, count, (unsigned int)IOMEM_DMA_MAX_RULES);
	KUNIT_EXPECT_EQ(test, iomem_dma_policy_count(), count);

	/* Empty lines are skipped; the new rules get new ids, in order. */
	KUNIT_EXPECT_EQ(test, iomem_dma_admin_replace(f, two, strlen(two),
						      &count), 0);
	KUNIT_EXPECT_EQ(test, count, 2U);
	KUNIT_ASSERT_EQ(test, iomem_dma_policy_get(0, &id, text, sizeof(text)),
			0);
	KUNIT_EXPECT_STREQ(test, text, "deny provider=new1");
	KUNIT_ASSERT_EQ(test, iomem_dma_policy_get(id + 1, &i, text,
						   sizeof(text)), 0);
	KUNIT_EXPECT_EQ(test, i, id + 1);
	KUNIT_EXPECT_STREQ(test, text, "allow client=new2 iommu");
	KUNIT_EXPECT_EQ(test, iomem_dma_policy_get(i + 1, &id, text,
						   sizeof(text)), -ENOENT);
	/* An empty set removes every rule. */
	KUNIT_EXPECT_EQ(test, iomem_dma_admin_replace(f, "", 0, &count), 0);
	KUNIT_EXPECT_EQ(test, count, 0U);
	KUNIT_EXPECT_EQ(test, iomem_dma_policy_get(0, &id, text, sizeof(text)),
			-ENOENT);
}

/*
 * Replacing a set by one that still allows a mapped pair keeps the mapping;
 * a set without the allow revokes it. (Removing every rule and adding them
 * again, which is what a restore without REPLACE_RULES had to do, revokes
 * it on the way.)
 */
static void policy_replace_keeps_what_stays_allowed(struct kunit *test)
{
	struct sg_table *sgt = kunit_kzalloc(test, sizeof(*sgt), GFP_KERNEL);
	static const char moved[] = "deny provider=other\nallow provider=repp\n";
	struct file *f = admin_file(test);
	char set[IOMEM_DMA_NAME_MAX + 64];
	struct fake_client *fc;
	struct fake_prov *fp;
	unsigned int count;

	KUNIT_ASSERT_NOT_NULL(test, sgt);
	rules_clean(test);
	fp = fake_prov_create(test, "repp", POOL, NULL);
	fc = fake_client_create(test, "repc", NULL);
	snprintf(set, sizeof(set),
		 "allow provider=repp client=%s\ndeny provider=other\n",
		 fc->client->name);
	KUNIT_ASSERT_EQ(test, iomem_dma_admin_replace(f, set, strlen(set),
						      &count), 0);
	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sgt(fc->client, fp->prov, sgt,
						  PAGE_SIZE, GFP_KERNEL), 0);
	KUNIT_ASSERT_EQ(test, iomem_dma_map_sgtable(fc->client, sgt,
						    DMA_BIDIRECTIONAL, 0), 0);
	fc->free_on_revoke = sgt;

	KUNIT_EXPECT_EQ(test, iomem_dma_admin_replace(f, set, strlen(set),
						      &count), 0);
	KUNIT_EXPECT_EQ(test, iomem_dma_admin_replace(f, moved, strlen(moved),
						      &count), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&fc->revokes), 0);
	KUNIT_EXPECT_EQ(test, fp->prov->nr_chunks, 1UL);

	KUNIT_EXPECT_EQ(test, iomem_dma_admin_replace(f, moved, 20, &count),
			0);
	KUNIT_EXPECT_EQ(test, atomic_read(&fc->revokes), 1);
	KUNIT_EXPECT_EQ(test, fp->prov->nr_chunks, 0UL);
}

struct replace_race {
	struct fake_prov *fp;
	struct fake_client *fc;
	atomic_t denied, computed;
	bool stop;
};

static int replace_reader_fn(void *data)
{
	struct replace_race *r = data;
	struct iomem_dma_verdict v;

	while (!READ_ONCE(r->stop)) {
		if (iomem_dma_client_verdict_now(r->fp->prov, r->fc->client,
						 &v) &&
		    v.path == IOMEM_DMA_PATH_DENIED)
			atomic_inc(&r->denied);
		atomic_inc(&r->computed);
		cond_resched();
	}
	return 0;
}

/*
 * A reader computing the verdict of a pair that every set allows, while a
 * writer replaces the rules over and over: it never sees a deny.
 */
static void policy_replace_race_never_denies(struct kunit *test)
{
	struct replace_race *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	struct file *f = admin_file(test);
	char sets[3][IOMEM_DMA_NAME_MAX + 64];
	struct task_struct *t;
	unsigned int i, count;

	KUNIT_ASSERT_NOT_NULL(test, r);
	rules_clean(test);
	r->fp = fake_prov_create(test, "racep", POOL, NULL);
	r->fc = fake_client_create(test, "racec", NULL);
	strscpy(sets[0], "allow provider=racep\ndeny provider=x1\n");
	snprintf(sets[1], sizeof(sets[1]), "deny provider=x2\nallow client=%s\n",
		 r->fc->client->name);
	snprintf(sets[2], sizeof(sets[2]), "allow provider=racep client=%s\n",
		 r->fc->client->name);
	KUNIT_ASSERT_EQ(test, iomem_dma_admin_replace(f, sets[0],
						      strlen(sets[0]), &count),
			0);
	t = kthread_run(replace_reader_fn, r, "iomem_dma_repl");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	get_task_struct(t);
	for (i = 0; i < 3000; i++) {
		const char *s = sets[i % ARRAY_SIZE(sets)];

		KUNIT_EXPECT_EQ(test, iomem_dma_admin_replace(f, s, strlen(s),
							      &count), 0);
		if (!(i % 16))
			cond_resched();
	}
	WRITE_ONCE(r->stop, true);
	kthread_stop(t);
	put_task_struct(t);
	kunit_info(test, "%d verdicts computed during 3000 replacements\n",
		   atomic_read(&r->computed));
	KUNIT_EXPECT_GT(test, atomic_read(&r->computed), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&r->denied), 0);
}

/* A query answers what iomem_dma_check() would, and changes nothing. */
static void policy_query_no_side_effects(struct kunit *test)
{
	struct iomem_dma_query *q = kunit_kzalloc(test, sizeof(*q), GFP_KERNEL);
	struct iomem_dma_node *sw;
	struct iomem_dma_verdict v;
	struct fake_client *fc;
	struct fake_prov *fp;
	u64 gen;

	KUNIT_ASSERT_NOT_NULL(test, q);
	rules_clean(test);
	fake_fabric_init(test);
	sw = fake_node(test, NULL, "qsw", RP);
	fp = fake_prov_create(test, "qp", POOL, sw);
	fc = fake_client_create(test, "qc", NULL);
	strscpy(q->provider, "qp");
	strscpy(q->client, fc->client->name);
	gen = iomem_dma_generation();
	KUNIT_ASSERT_EQ(test, iomem_dma_admin_query(q), 0);
	KUNIT_EXPECT_STREQ(test, q->path, "denied");
	KUNIT_EXPECT_STREQ(test, q->reason, "client_not_on_fabric");
	KUNIT_EXPECT_STREQ(test, q->iommu, "none");
	KUNIT_EXPECT_STREQ(test, q->iommu_path, "");
	KUNIT_EXPECT_EQ(test, q->distance, -1);
	/* Every field of a verdict is set, whatever the memory held before. */
	memset(&v, 0x5a, sizeof(v));
	KUNIT_ASSERT_TRUE(test, iomem_dma_client_verdict_now(fp->prov, fc->client,
							     &v));
	KUNIT_EXPECT_EQ(test, v.iommu, IOMEM_DMA_IOMMU_NONE);
	KUNIT_EXPECT_EQ(test, v.iommu_path, IOMEM_DMA_IOMMU_PATH_UNCHANGED);
	KUNIT_EXPECT_EQ(test, q->rule, 0U);
	KUNIT_EXPECT_EQ(test, q->generation, gen);
	/* Nothing cached, nothing bumped. */
	KUNIT_EXPECT_NULL(test, xa_load(&fc->client->verdicts, fp->prov->id));
	KUNIT_EXPECT_EQ(test, iomem_dma_generation(), gen);

	snprintf(q->detail, sizeof(q->detail),
		 "allow provider=qp client=%s iommu", fc->client->name);
	add_rule(test, q->detail);
	KUNIT_ASSERT_EQ(test, iomem_dma_admin_query(q), 0);
	KUNIT_EXPECT_EQ(test, iomem_dma_check(fp->prov, fc->dev, &v), 0);
	KUNIT_EXPECT_STREQ(test, q->path, iomem_dma_path_str(v.path));
	KUNIT_EXPECT_STREQ(test, q->reason, "rule_allow");
	KUNIT_EXPECT_EQ(test, q->generation, v.generation);
	KUNIT_EXPECT_EQ(test, q->rule, v.rule);

	/* A client on the provider's switch: the explanation comes along. */
	fc = fake_client_create(test, "qc2", sw);
	strscpy(q->client, fc->client->name);
	KUNIT_ASSERT_EQ(test, iomem_dma_admin_query(q), 0);
	KUNIT_EXPECT_STREQ(test, q->path, "bus");
	KUNIT_EXPECT_STREQ(test, q->node, "qsw");
	{
		char *want = kunit_kzalloc(test, sizeof(q->detail), GFP_KERNEL);

		KUNIT_ASSERT_NOT_NULL(test, want);
		KUNIT_ASSERT_GT(test, iomem_dma_verdict_explain(fp->prov,
								fc->client, &v, want,
								sizeof(q->detail)), 0);
		KUNIT_EXPECT_STREQ(test, q->detail, want);
		KUNIT_EXPECT_NOT_NULL(test, strstr(q->detail, "route: "));
	}

	/* Unknown names, unterminated names, flags: refused. */
	strscpy(q->client, "nosuchclient");
	KUNIT_EXPECT_EQ(test, iomem_dma_admin_query(q), -ENXIO);
	strscpy(q->provider, "nosuchprov");
	KUNIT_EXPECT_EQ(test, iomem_dma_admin_query(q), -ENOENT);
	memset(q->provider, 'q', sizeof(q->provider));
	KUNIT_EXPECT_EQ(test, iomem_dma_admin_query(q), -EINVAL);
	strscpy(q->provider, "qp");
	q->client[0] = '\0';
	KUNIT_EXPECT_EQ(test, iomem_dma_admin_query(q), -EINVAL);
	strscpy(q->client, fc->client->name);
	q->flags = 1;
	KUNIT_EXPECT_EQ(test, iomem_dma_admin_query(q), -EINVAL);
}

/*
 * Listing clients: ids ascend and are never reused, and a name too long
 * for the ioctl's field is refused with its id instead of handed out cut
 * short (a cut name would name no client, or another one).
 */
static void policy_client_list_long_name(struct kunit *test)
{
	struct iomem_dma_client_info *ci = kunit_kzalloc(test, sizeof(*ci),
							 GFP_KERNEL);
	char *longname = kunit_kzalloc(test, 300, GFP_KERNEL);
	struct fake_client *a, *l, *b;

	KUNIT_ASSERT_NOT_NULL(test, ci);
	KUNIT_ASSERT_NOT_NULL(test, longname);
	memset(longname, 'n', 299);
	a = fake_client_create(test, "la", NULL);
	l = fake_client_create(test, longname, NULL);
	b = fake_client_create(test, "lb", NULL);
	KUNIT_ASSERT_GE(test, strlen(l->client->name), sizeof(ci->name));
	KUNIT_EXPECT_LT(test, a->client->seq, l->client->seq);
	KUNIT_EXPECT_LT(test, l->client->seq, b->client->seq);

	ci->id = a->client->seq;
	KUNIT_ASSERT_EQ(test, iomem_dma_admin_client(ci), 0);
	KUNIT_EXPECT_EQ(test, ci->id, a->client->seq);
	KUNIT_EXPECT_STREQ(test, ci->name, a->client->name);

	ci->id++;
	memset(ci->name, 'x', sizeof(ci->name));
	KUNIT_EXPECT_EQ(test, iomem_dma_admin_client(ci), -ENAMETOOLONG);
	KUNIT_EXPECT_EQ(test, ci->id, l->client->seq);
	KUNIT_EXPECT_EQ(test, ci->name[0], '\0');

	ci->id++;
	KUNIT_ASSERT_EQ(test, iomem_dma_admin_client(ci), 0);
	KUNIT_EXPECT_EQ(test, ci->id, b->client->seq);
	KUNIT_EXPECT_STREQ(test, ci->name, b->client->name);

	ci->flags = 1;
	KUNIT_EXPECT_EQ(test, iomem_dma_admin_client(ci), -EINVAL);
	ci->flags = 0;
	ci->id = U32_MAX;
	KUNIT_EXPECT_EQ(test, iomem_dma_admin_client(ci), -ENOENT);
}

static struct kunit_case iomem_dma_policy_cases[] = {
	KUNIT_CASE_PARAM(policy_precedence, policy_gen_params),
	KUNIT_CASE(policy_force_taints_once),
	KUNIT_CASE(policy_rule_for_absent_device),
	KUNIT_CASE(policy_parse_valid),
	KUNIT_CASE(policy_rejects_hostile_text),
	KUNIT_CASE(policy_remove_by_id),
	KUNIT_CASE(policy_sysfs_checks_opener),
	KUNIT_CASE(policy_fuzz_leaves_rules_intact),
	KUNIT_CASE_SLOW(policy_sysfs_fuzz_model),
	KUNIT_CASE(policy_cache_invalidated_by_change),
	KUNIT_CASE(policy_cache_refresh_in_place),
	KUNIT_CASE_SLOW(policy_cache_refresh_races_change),
	KUNIT_CASE(policy_verdict_slots_shared),
	KUNIT_CASE(policy_deny_revokes_mapped_pair),
	KUNIT_CASE(policy_unallow_revokes_every_holder),
	KUNIT_CASE(policy_no_revoke_after_unregister),
	KUNIT_CASE(policy_unregister_waits_for_revoke),
	KUNIT_CASE(policy_change_during_map),
	KUNIT_CASE(policy_verdict_line),
	KUNIT_CASE(policy_concurrent_writers),
	KUNIT_CASE(policy_preference_breaks_ties),
	KUNIT_CASE(policy_replace_all_or_nothing),
	KUNIT_CASE(policy_replace_keeps_what_stays_allowed),
	KUNIT_CASE(policy_replace_race_never_denies),
	KUNIT_CASE(policy_query_no_side_effects),
	KUNIT_CASE(policy_client_list_long_name),
	{}
};

static struct kunit_suite iomem_dma_policy_suite = {
	.name = "iomem_dma_policy",
	.test_cases = iomem_dma_policy_cases,
};

kunit_test_suite(iomem_dma_policy_suite);

MODULE_DESCRIPTION("KUnit tests for the iomem_dma policy");
MODULE_LICENSE("GPL");
