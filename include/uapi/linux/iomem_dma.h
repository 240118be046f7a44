/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * iomem_dma administration: the ioctls of /dev/iomem_dma.
 *
 * Anyone who may open the device (mode 0644) can ask for verdicts, and list
 * clients and rules. Changing the policy needs the device opened for
 * writing, CAP_SYS_ADMIN in the credentials it was opened with, and a
 * kernel that is not locked down. Documentation/ABI/testing/dev-iomem_dma.
 */
#ifndef _UAPI_LINUX_IOMEM_DMA_H
#define _UAPI_LINUX_IOMEM_DMA_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* Provider, client and node names, NUL included. */
#define IOMEM_DMA_UAPI_NAME_LEN		256
/* A rule's text (at most 256 bytes) and its NUL, rounded up. */
#define IOMEM_DMA_UAPI_RULE_LEN		264
/* The explanation lines of a verdict, NUL included. */
#define IOMEM_DMA_UAPI_DETAIL_LEN	1024

/**
 * struct iomem_dma_query - the verdict of a provider and a client
 * @provider: in: the provider's name, NUL-terminated.
 * @client: in: the client's stable name (devicetree full path, otherwise
 *	the device name), NUL-terminated.
 * @flags: in: 0.
 * @distance: out: links between the two devices, -1 if they share no node.
 * @rule: out: the id of the rule that decided, 0 if none did.
 * @reserved: 0.
 * @generation: out: the policy generation the verdict belongs to.
 * @path: out: "bus", "host" or "denied".
 * @reason: out: the reason code, e.g. "acs_redirect".
 * @iommu: out: "none", "identity" or "translating".
 * @iommu_path: out: "", "kept" or "bypassed".
 * @node: out: the fabric node that decided, "" if none.
 * @detail: out: lines "KEY: TEXT\n" explaining the verdict (route,
 *	redirecting ports, host bridge, remedies); may be empty.
 */
struct iomem_dma_query {
	char provider[IOMEM_DMA_UAPI_NAME_LEN];
	char client[IOMEM_DMA_UAPI_NAME_LEN];
	__u32 flags;
	__s32 distance;
	__u32 rule;
	__u32 reserved;
	__u64 generation;
	char path[16];
	char reason[32];
	char iommu[16];
	char iommu_path[16];
	char node[64];
	char detail[IOMEM_DMA_UAPI_DETAIL_LEN];
};

/**
 * struct iomem_dma_client_info - one registered client
 * @id: in: the smallest client id wanted; out: this client's id.
 * @flags: in: 0.
 * @name: out: the client's stable name.
 */
struct iomem_dma_client_info {
	__u32 id;
	__u32 flags;
	char name[IOMEM_DMA_UAPI_NAME_LEN];
};

/**
 * struct iomem_dma_rule_info - one administrator rule
 * @id: RULE: in, the smallest rule id wanted; out, this rule's id.
 *	ADD_RULE: out, the new rule's id.
 * @flags: in: 0.
 * @text: RULE: out, the rule without its id. ADD_RULE: in, one rule,
 *	NUL-terminated.
 */
struct iomem_dma_rule_info {
	__u32 id;
	__u32 flags;
	char text[IOMEM_DMA_UAPI_RULE_LEN];
};

/**
 * struct iomem_dma_rules - a whole rule set
 * @text: in: user pointer to rules separated by newlines (empty lines
 *	allowed), not necessarily NUL-terminated.
 * @len: in: bytes at @text, at most 1 MiB.
 * @flags: in: 0.
 * @count: out: rules in force afterwards.
 * @reserved: 0.
 */
struct iomem_dma_rules {
	__u64 text;
	__u32 len;
	__u32 flags;
	__u32 count;
	__u32 reserved;
};

#define IOMEM_DMA_IOC_MAGIC	0xB9

/* The verdict of a pair, computed now: nothing is cached or changed. */
#define IOMEM_DMA_IOC_QUERY	_IOWR(IOMEM_DMA_IOC_MAGIC, 0x00, struct iomem_dma_query)
/* The registered client with the smallest id >= @id; ENOENT past the end. */
#define IOMEM_DMA_IOC_CLIENT	_IOWR(IOMEM_DMA_IOC_MAGIC, 0x01, struct iomem_dma_client_info)
/* The rule with the smallest id >= @id; ENOENT past the end. */
#define IOMEM_DMA_IOC_RULE	_IOWR(IOMEM_DMA_IOC_MAGIC, 0x02, struct iomem_dma_rule_info)
/* Add one rule; returns once mappings of pairs it denies are revoked. */
#define IOMEM_DMA_IOC_ADD_RULE	_IOWR(IOMEM_DMA_IOC_MAGIC, 0x03, struct iomem_dma_rule_info)
/* Remove the rule with this id; revokes like ADD_RULE. */
#define IOMEM_DMA_IOC_REMOVE_RULE	_IOW(IOMEM_DMA_IOC_MAGIC, 0x04, __u32)
/* Replace every rule by a new set, all or nothing; revokes like ADD_RULE. */
#define IOMEM_DMA_IOC_REPLACE_RULES	_IOWR(IOMEM_DMA_IOC_MAGIC, 0x05, struct iomem_dma_rules)
/* Read the fabric's hardware state again; revokes like ADD_RULE. */
#define IOMEM_DMA_IOC_RESCAN	_IO(IOMEM_DMA_IOC_MAGIC, 0x06)

#endif /* _UAPI_LINUX_IOMEM_DMA_H */
