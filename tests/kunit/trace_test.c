// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite iomem_dma_trace: the trace events fire where they say, once,
 * with the fields they claim, and never carry an address of I/O memory.
 * Probes are attached with register_trace_*() (no tracefs needed) and
 * record into a log under a spinlock; the test asserts afterwards, never
 * inside a probe (some run under locks).
 */

#include <kunit/test.h>
#include <linux/dma-mapping.h>
#include <linux/iomem_dma.h>
#include <linux/scatterlist.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include <trace/events/iomem_dma.h>

#define FAKE_WINDOW	15
#include "iomem_dma_test.h"

#define POOL	(64 * 1024)
#define LOG_MAX	64

enum trc_kind {
	TRC_ALLOC, TRC_ALLOC_FAIL, TRC_FREE, TRC_VERDICT, TRC_MAP, TRC_UNMAP,
	TRC_REFUSE, TRC_REVOKE, TRC_RULE_ADD, TRC_RULE_REMOVE, TRC_PROV_REG,
	TRC_PROV_UNREG, TRC_CLIENT_REG, TRC_CLIENT_UNREG,
};

struct trc_rec {
	enum trc_kind kind;
	char prov[IOMEM_DMA_NODE_NAME_LEN];
	char client[96];
	char text[96];		/* reason, path or rule text */
	u64 a, b;		/* size and granule, entries and bytes, ... */
	int c;			/* errno, cause, bus entries, rule id */
	int d;
};

/* What the probes saw; only events of this suite's names count. */
static struct trc_log {
	spinlock_t lock;	/* @n and @rec */
	unsigned int n;
	unsigned int dropped;
	const char *prefix;	/* names of this case's devices start with it */
	struct trc_rec rec[LOG_MAX];
} trc;

static bool trc_ours(const char *a, const char *b)
{
	const char *p = trc.prefix;

	return p && ((a && strstr(a, p)) || (b && strstr(b, p)));
}

static void trc_add(enum trc_kind kind, const char *prov, const char *client,
		    const char *text, u64 a, u64 b, int c, int d)
{
	struct trc_rec *r;
	unsigned long flags;

	if (!trc_ours(prov, client) && !(kind == TRC_RULE_ADD &&
					 trc_ours(text, NULL)) &&
	    kind != TRC_RULE_REMOVE)
		return;
	spin_lock_irqsave(&trc.lock, flags);
	if (trc.n == LOG_MAX) {
		trc.dropped++;
	} else {
		r = &trc.rec[trc.n++];
		r->kind = kind;
		strscpy(r->prov, prov ?: "", sizeof(r->prov));
		strscpy(r->client, client ?: "", sizeof(r->client));
		strscpy(r->text, text ?: "", sizeof(r->text));
		r->a = a;
		r->b = b;
		r->c = c;
		r->d = d;
	}
	spin_unlock_irqrestore(&trc.lock, flags);
}

static void p_alloc(void *d, const char *prov, const char *client, u64 size,
		    unsigned int order, int err)
{
	trc_add(TRC_ALLOC, prov, client, NULL, size, 1ULL << order, err, 0);
}

static void p_alloc_fail(void *d, const char *prov, const char *client,
			 u64 size, unsigned int order, int err)
{
	trc_add(TRC_ALLOC_FAIL, prov, client, NULL, size, 1ULL << order, err, 0);
}

static void p_free(void *d, const char *prov, const char *client, u64 size,
		   unsigned int order, int err)
{
	trc_add(TRC_FREE, prov, client, NULL, size, 1ULL << order, err, 0);
}

static void p_verdict(void *d, const char *prov, const char *client,
		      const char *path, const char *reason, int distance,
		      unsigned int rule, const char *node)
{
	trc_add(TRC_VERDICT, prov, client, path, distance, rule, 0, 0);
}

static void p_map(void *d, const char *client, unsigned int entries,
		  u64 bytes, unsigned int bus, unsigned int host, int err)
{
	trc_add(TRC_MAP, NULL, client, NULL, entries, bytes, bus, err);
}

static void p_unmap(void *d, const char *client, unsigned int entries,
		    u64 bytes, unsigned int bus, unsigned int host, int err)
{
	trc_add(TRC_UNMAP, NULL, client, NULL, entries, bytes, bus, err);
}

static void p_refuse(void *d, const char *prov, const char *client,
		     const char *reason, unsigned int rule, const char *node)
{
	trc_add(TRC_REFUSE, prov, client, reason, rule, 0, 0, 0);
}

static void p_revoke(void *d, const char *prov, const char *client, int cause,
		     u64 waited_us)
{
	trc_add(TRC_REVOKE, prov, client, NULL, waited_us, 0, cause, 0);
}

static void p_rule_add(void *d, unsigned int id, const char *text)
{
	trc_add(TRC_RULE_ADD, NULL, NULL, text, id, 0, 0, 0);
}

static void p_rule_remove(void *d, unsigned int id)
{
	trc_add(TRC_RULE_REMOVE, NULL, NULL, NULL, id, 0, 0, 0);
}

static void p_prov_reg(void *d, const char *name, const char *dev, u64 size,
		       unsigned int order)
{
	trc_add(TRC_PROV_REG, name, NULL, dev, size, 1ULL << order, 0, 0);
}

static void p_prov_unreg(void *d, const char *name, u64 waited_us)
{
	trc_add(TRC_PROV_UNREG, name, NULL, NULL, waited_us, 0, 0, 0);
}

static void p_client_reg(void *d, const char *name)
{
	trc_add(TRC_CLIENT_REG, NULL, name, NULL, 0, 0, 0, 0);
}

static void p_client_unreg(void *d, const char *name)
{
	trc_add(TRC_CLIENT_UNREG, NULL, name, NULL, 0, 0, 0, 0);
}

static void trc_detach(void *unused)
{
	unregister_trace_iomem_dma_alloc(p_alloc, NULL);
	unregister_trace_iomem_dma_alloc_fail(p_alloc_fail, NULL);
	unregister_trace_iomem_dma_free(p_free, NULL);
	unregister_trace_iomem_dma_verdict(p_verdict, NULL);
	unregister_trace_iomem_dma_map(p_map, NULL);
	unregister_trace_iomem_dma_unmap(p_unmap, NULL);
	unregister_trace_iomem_dma_refuse(p_refuse, NULL);
	unregister_trace_iomem_dma_revoke(p_revoke, NULL);
	unregister_trace_iomem_dma_rule_add(p_rule_add, NULL);
	unregister_trace_iomem_dma_rule_remove(p_rule_remove, NULL);
	unregister_trace_iomem_dma_provider_register(p_prov_reg, NULL);
	unregister_trace_iomem_dma_provider_unregister(p_prov_unreg, NULL);
	unregister_trace_iomem_dma_client_register(p_client_reg, NULL);
	unregister_trace_iomem_dma_client_unregister(p_client_unreg, NULL);
	tracepoint_synchronize_unregister();
	trc.prefix = NULL;
}

/* Attach every probe, recording events that name @prefix. */
static void trc_attach(struct kunit *test, const char *prefix)
{
	spin_lock_init(&trc.lock);
	trc.n = 0;
	trc.dropped = 0;
	trc.prefix = prefix;
	KUNIT_ASSERT_EQ(test, register_trace_iomem_dma_alloc(p_alloc, NULL), 0);
	KUNIT_ASSERT_EQ(test, register_trace_iomem_dma_alloc_fail(p_alloc_fail, NULL), 0);
	KUNIT_ASSERT_EQ(test, register_trace_iomem_dma_free(p_free, NULL), 0);
	KUNIT_ASSERT_EQ(test, register_trace_iomem_dma_verdict(p_verdict, NULL), 0);
	KUNIT_ASSERT_EQ(test, register_trace_iomem_dma_map(p_map, NULL), 0);
	KUNIT_ASSERT_EQ(test, register_trace_iomem_dma_unmap(p_unmap, NULL), 0);
	KUNIT_ASSERT_EQ(test, register_trace_iomem_dma_refuse(p_refuse, NULL), 0);
	KUNIT_ASSERT_EQ(test, register_trace_iomem_dma_revoke(p_revoke, NULL), 0);
	KUNIT_ASSERT_EQ(test, register_trace_iomem_dma_rule_add(p_rule_add, NULL), 0);
	KUNIT_ASSERT_EQ(test, register_trace_iomem_dma_rule_remove(p_rule_remove, NULL), 0);
	KUNIT_ASSERT_EQ(test, register_trace_iomem_dma_provider_register(p_prov_reg, NULL), 0);
	KUNIT_ASSERT_EQ(test, register_trace_iomem_dma_provider_unregister(p_prov_unreg, NULL),
			0);
	KUNIT_ASSERT_EQ(test, register_trace_iomem_dma_client_register(p_client_reg, NULL), 0);
	KUNIT_ASSERT_EQ(test, register_trace_iomem_dma_client_unregister(p_client_unreg, NULL),
			0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, trc_detach, NULL), 0);
}

/* A copy of the log (the probes may still add to it meanwhile). */
static unsigned int trc_snapshot(struct trc_rec *out)
{
	unsigned long flags;
	unsigned int n;

	spin_lock_irqsave(&trc.lock, flags);
	n = trc.n;
	memcpy(out, trc.rec, n * sizeof(*out));
	spin_unlock_irqrestore(&trc.lock, flags);
	return n;
}

static unsigned int trc_count(struct trc_rec *log, unsigned int n,
			      enum trc_kind kind)
{
	unsigned int i, c = 0;

	for (i = 0; i < n; i++)
		c += log[i].kind == kind;
	return c;
}

static struct trc_rec *trc_find(struct trc_rec *log, unsigned int n,
				enum trc_kind kind, unsigned int nth)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (log[i].kind == kind && !nth--)
			return &log[i];
	return NULL;
}

static struct trc_rec *trc_log_alloc(struct kunit *test)
{
	struct trc_rec *log = kunit_kcalloc(test, LOG_MAX, sizeof(*log),
					    GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, log);
	return log;
}

/* Provider @pname and client @cname behind one switch that routes. */
static void trc_pair(struct kunit *test, const char *pname, const char *cname,
		     struct fake_prov **fp, struct fake_client **fc)
{
	struct iomem_dma_node *sw;

	fake_fabric_init(test);
	sw = fake_node(test, NULL, "trsw", IOMEM_DMA_NODE_ROUTES_PEER);
	*fp = fake_prov_create(test, pname, POOL, sw);
	*fc = fake_client_create(test, cname, sw);
}

/*
 * Registration, allocation, a failed request with its errno, and free:
 * one event each, with the provider, the client, the size and granule.
 */
static void trace_alloc_events(struct kunit *test)
{
	struct trc_rec *log = trc_log_alloc(test), *r;
	struct fake_prov *fp;
	struct fake_client *fc;
	struct sg_table sgt;
	unsigned int n;

	trc_attach(test, "tralloc");
	trc_pair(test, "trallocp", "trallocc", &fp, &fc);
	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sgt(fc->client, fp->prov, &sgt,
						  3 * PAGE_SIZE, GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, iomem_dma_alloc_sgt(fc->client, fp->prov, &sgt,
						  POOL, GFP_KERNEL), -ENOMEM);
	KUNIT_EXPECT_EQ(test, iomem_dma_free_sgt(fc->client, &sgt), 0);

	n = trc_snapshot(log);
	r = trc_find(log, n, TRC_PROV_REG, 0);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_STREQ(test, r->prov, "trallocp");
	KUNIT_EXPECT_EQ(test, r->a, (u64)POOL);
	KUNIT_EXPECT_EQ(test, trc_count(log, n, TRC_CLIENT_REG), 1);
	KUNIT_EXPECT_EQ(test, trc_count(log, n, TRC_ALLOC), 1);
	r = trc_find(log, n, TRC_ALLOC, 0);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_STREQ(test, r->prov, "trallocp");
	KUNIT_EXPECT_STREQ(test, r->client, fc->client->name);
	KUNIT_EXPECT_EQ(test, r->a, (u64)(3 * PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, r->b, (u64)PAGE_SIZE);
	/* The split attempts of the failed request are not events. */
	KUNIT_EXPECT_EQ(test, trc_count(log, n, TRC_ALLOC_FAIL), 1);
	r = trc_find(log, n, TRC_ALLOC_FAIL, 0);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_EQ(test, r->c, -ENOMEM);
	KUNIT_EXPECT_EQ(test, r->a, (u64)POOL);
	KUNIT_EXPECT_EQ(test, trc_count(log, n, TRC_FREE), 1);
	r = trc_find(log, n, TRC_FREE, 0);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_EQ(test, r->a, (u64)(3 * PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, trc.dropped, 0);
}

/*
 * A verdict is an event when computed, not when read from the cache: two
 * maps, one verdict; a policy change, one more.
 */
static void trace_verdict_cold_only(struct kunit *test)
{
	struct trc_rec *log = trc_log_alloc(test), *r;
	struct fake_prov *fp;
	struct fake_client *fc;
	struct sg_table sgt;
	unsigned int n, i, id;
	char rule[] = "deny provider=nobody-trverd";

	rules_clean(test);
	trc_pair(test, "trverdp", "trverdc", &fp, &fc);
	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sgt(fc->client, fp->prov, &sgt,
						  PAGE_SIZE, GFP_KERNEL), 0);
	trc_attach(test, "trverd");
	for (i = 0; i < 2; i++) {
		KUNIT_ASSERT_EQ(test, iomem_dma_map_sgtable(fc->client, &sgt,
							    DMA_BIDIRECTIONAL, 0), 0);
		iomem_dma_unmap_sgtable(fc->client, &sgt, DMA_BIDIRECTIONAL, 0);
	}
	n = trc_snapshot(log);
	KUNIT_EXPECT_EQ(test, trc_count(log, n, TRC_VERDICT), 1);
	r = trc_find(log, n, TRC_VERDICT, 0);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_STREQ(test, r->prov, "trverdp");
	KUNIT_EXPECT_STREQ(test, r->text, "bus");
	KUNIT_EXPECT_EQ(test, r->a, (u64)2);	/* device, switch, device */

	KUNIT_ASSERT_EQ(test, iomem_dma_policy_add(rule, strlen(rule), &id), 0);
	KUNIT_ASSERT_EQ(test, iomem_dma_map_sgtable(fc->client, &sgt,
						    DMA_BIDIRECTIONAL, 0), 0);
	iomem_dma_unmap_sgtable(fc->client, &sgt, DMA_BIDIRECTIONAL, 0);
	n = trc_snapshot(log);
	KUNIT_EXPECT_EQ(test, trc_count(log, n, TRC_VERDICT), 2);
	KUNIT_EXPECT_EQ(test, trc_count(log, n, TRC_MAP), 3);
	KUNIT_EXPECT_EQ(test, trc_count(log, n, TRC_UNMAP), 3);
	iomem_dma_free_sgt(fc->client, &sgt);
}

/*
 * Map and unmap: entries, bytes, how many by bus address and through
 * the host; no recorded value is an address of the provider's memory.
 */
static void trace_map_fields_no_address(struct kunit *test)
{
	struct trc_rec *log = trc_log_alloc(test), *r;
	struct scatterlist *sg;
	struct fake_prov *fp;
	struct fake_client *fc;
	struct sg_table sgt;
	unsigned int n, i;
	u64 lo, hi;

	trc_pair(test, "trmapp", "trmapc", &fp, &fc);
	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sgt(fc->client, fp->prov, &sgt,
						  4 * PAGE_SIZE, GFP_KERNEL), 0);
	trc_attach(test, "trmap");
	KUNIT_ASSERT_EQ(test, iomem_dma_map_sgtable(fc->client, &sgt,
						    DMA_BIDIRECTIONAL, 0), 0);
	iomem_dma_unmap_sgtable(fc->client, &sgt, DMA_BIDIRECTIONAL, 0);
	n = trc_snapshot(log);
	KUNIT_ASSERT_EQ(test, trc_count(log, n, TRC_MAP), 1);
	r = trc_find(log, n, TRC_MAP, 0);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_EQ(test, r->a, (u64)sgt.orig_nents);
	KUNIT_EXPECT_EQ(test, r->b, (u64)(4 * PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, r->c, (int)sgt.orig_nents);	/* all by bus */
	KUNIT_EXPECT_EQ(test, r->d, 0);
	r = trc_find(log, n, TRC_UNMAP, 0);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_EQ(test, r->b, (u64)(4 * PAGE_SIZE));

	lo = fp->range.phys;
	hi = lo + fp->range.size;
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_FALSE(test, log[i].a >= lo && log[i].a < hi);
		KUNIT_EXPECT_FALSE(test, log[i].b >= lo && log[i].b < hi);
	}
	for_each_sgtable_sg(&sgt, sg, i)
		KUNIT_EXPECT_TRUE(test, iomem_dma_sg_is_iomem(sg));
	iomem_dma_free_sgt(fc->client, &sgt);
}

/*
 * A deny rule: added (id and text), the mapped pair revoked with cause
 * "policy", the next map refused with the reason and rule; then removed.
 */
static void trace_rule_revoke_refuse(struct kunit *test)
{
	struct trc_rec *log = trc_log_alloc(test), *r;
	struct fake_prov *fp;
	struct fake_client *fc;
	struct sg_table sgt, sgt2;
	char rule[96], num[16];
	unsigned int n, id;

	rules_clean(test);
	trc_pair(test, "trrulep", "trrulec", &fp, &fc);
	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sgt(fc->client, fp->prov, &sgt,
						  PAGE_SIZE, GFP_KERNEL), 0);
	KUNIT_ASSERT_EQ(test, iomem_dma_map_sgtable(fc->client, &sgt,
						    DMA_BIDIRECTIONAL, 0), 0);
	fc->free_on_revoke = &sgt;
	trc_attach(test, "trrule");
	snprintf(rule, sizeof(rule), "deny provider=trrulep client=%s\n",
		 fc->client->name);
	KUNIT_ASSERT_EQ(test, iomem_dma_policy_add(rule, strlen(rule), &id), 0);
	iomem_dma_policy_revoke_denied();
	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sgt(fc->client, fp->prov, &sgt2,
						  PAGE_SIZE, GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, iomem_dma_map_sgtable(fc->client, &sgt2,
						    DMA_BIDIRECTIONAL, 0), -EREMOTEIO);
	snprintf(num, sizeof(num), "%u", id);
	KUNIT_ASSERT_EQ(test, iomem_dma_policy_remove(num, strlen(num)), 0);
	iomem_dma_free_sgt(fc->client, &sgt2);

	n = trc_snapshot(log);
	r = trc_find(log, n, TRC_RULE_ADD, 0);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_EQ(test, r->a, (u64)id);
	rule[strlen(rule) - 1] = '\0';
	KUNIT_EXPECT_STREQ(test, r->text, rule);
	KUNIT_EXPECT_EQ(test, trc_count(log, n, TRC_REVOKE), 1);
	r = trc_find(log, n, TRC_REVOKE, 0);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_STREQ(test, r->prov, "trrulep");
	KUNIT_EXPECT_STREQ(test, r->client, fc->client->name);
	KUNIT_EXPECT_EQ(test, r->c, IOMEM_DMA_TRACE_CAUSE_RULE);
	KUNIT_EXPECT_EQ(test, trc_count(log, n, TRC_REFUSE), 1);
	r = trc_find(log, n, TRC_REFUSE, 0);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_STREQ(test, r->text,
			   iomem_dma_reason_str(IOMEM_DMA_REASON_RULE_DENY));
	KUNIT_EXPECT_EQ(test, r->a, (u64)id);
	r = trc_find(log, n, TRC_MAP, 0);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_EQ(test, r->d, -EREMOTEIO);
	r = trc_find(log, n, TRC_RULE_REMOVE, 0);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_EQ(test, r->a, (u64)id);
}

/*
 * The provider goes while the client holds memory: the revoke says
 * "provider_gone", then the unregister event says how long it waited.
 */
static void trace_unregister_provider_gone(struct kunit *test)
{
	struct trc_rec *log = trc_log_alloc(test), *r;
	struct fake_prov *fp;
	struct fake_client *fc;
	struct sg_table sgt;
	unsigned int n;

	trc_pair(test, "trgonep", "trgonec", &fp, &fc);
	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sgt(fc->client, fp->prov, &sgt,
						  PAGE_SIZE, GFP_KERNEL), 0);
	fc->free_on_revoke = &sgt;
	trc_attach(test, "trgone");
	KUNIT_ASSERT_EQ(test, iomem_dma_provider_unregister(fp->prov), 0);
	KUNIT_ASSERT_EQ(test, iomem_dma_client_unregister(fc->client), 0);
	n = trc_snapshot(log);
	r = trc_find(log, n, TRC_REVOKE, 0);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_EQ(test, r->c, IOMEM_DMA_TRACE_CAUSE_GONE);
	KUNIT_EXPECT_EQ(test, trc_count(log, n, TRC_FREE), 1);
	KUNIT_EXPECT_EQ(test, trc_count(log, n, TRC_PROV_UNREG), 1);
	/* The free happened inside the revoke, before the unregister ended. */
	r = trc_find(log, n, TRC_FREE, 0);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_ASSERT_NOT_NULL(test, trc_find(log, n, TRC_PROV_UNREG, 0));
	KUNIT_EXPECT_TRUE(test, r < trc_find(log, n, TRC_PROV_UNREG, 0));
	KUNIT_EXPECT_EQ(test, trc_count(log, n, TRC_CLIENT_UNREG), 1);
}

/*
 * The fabric changes under a mapped pair (the common switch stops routing
 * peer traffic, as a rescan that read new ACS bits reports it): the revoke
 * says "fabric", not "policy".
 */
static void trace_fabric_change_revoke(struct kunit *test)
{
	struct trc_rec *log = trc_log_alloc(test), *r;
	struct iomem_dma_node *sw;
	struct fake_client *fc;
	struct fake_prov *fp;
	struct sg_table sgt;
	unsigned int n;

	rules_clean(test);
	fake_fabric_init(test);
	sw = fake_node(test, NULL, "trfsw", IOMEM_DMA_NODE_ROUTES_PEER);
	fp = fake_prov_create(test, "trfabp", POOL, sw);
	fc = fake_client_create(test, "trfabc", sw);
	KUNIT_ASSERT_EQ(test, iomem_dma_alloc_sgt(fc->client, fp->prov, &sgt,
						  PAGE_SIZE, GFP_KERNEL), 0);
	KUNIT_ASSERT_EQ(test, iomem_dma_map_sgtable(fc->client, &sgt,
						    DMA_BIDIRECTIONAL, 0), 0);
	fc->free_on_revoke = &sgt;
	trc_attach(test, "trfab");
	KUNIT_ASSERT_EQ(test, iomem_dma_node_update(sw, 0,
						    IOMEM_DMA_NODE_ROUTES_PEER),
			0);
	iomem_dma_policy_revoke_flush();
	n = trc_snapshot(log);
	KUNIT_EXPECT_EQ(test, atomic_read(&fc->revokes), 1);
	KUNIT_EXPECT_EQ(test, trc_count(log, n, TRC_REVOKE), 1);
	r = trc_find(log, n, TRC_REVOKE, 0);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_STREQ(test, r->prov, "trfabp");
	KUNIT_EXPECT_STREQ(test, r->client, fc->client->name);
	KUNIT_EXPECT_EQ(test, r->c, IOMEM_DMA_TRACE_CAUSE_FABRIC);
}

static struct kunit_case iomem_dma_trace_cases[] = {
	KUNIT_CASE(trace_alloc_events),
	KUNIT_CASE(trace_verdict_cold_only),
	KUNIT_CASE(trace_map_fields_no_address),
	KUNIT_CASE(trace_rule_revoke_refuse),
	KUNIT_CASE(trace_unregister_provider_gone),
	KUNIT_CASE(trace_fabric_change_revoke),
	{}
};

static struct kunit_suite iomem_dma_trace_suite = {
	.name = "iomem_dma_trace",
	.test_cases = iomem_dma_trace_cases,
};

kunit_test_suite(iomem_dma_trace_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests of the iomem_dma trace events");
