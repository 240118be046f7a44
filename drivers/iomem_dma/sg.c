// SPDX-License-Identifier: GPL-2.0-only
/*
 * iomem_dma flagged scatterlists.
 *
 * An iomem entry has no struct page: its page_link holds only the chain and
 * end marks, so sg_page() returns NULL. Its offset field holds the id of
 * its allocation in iomem_dma_chunks and its dma_flags carry
 * IOMEM_DMA_SG_IOMEM. The CPU reaches the memory only through the __iomem
 * helpers below; asking for a page or a kernel virtual address through
 * them is reported loudly and answered with NULL.
 */

#define pr_fmt(fmt) "iomem_dma: " fmt

#include <linux/bug.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/scatterlist.h>
#include <linux/vmalloc.h>

#include "internal.h"

atomic_t iomem_dma_misuse_reports = ATOMIC_INIT(0);

enum iomem_dma_guard_state iomem_dma_guard_state;
unsigned long iomem_dma_guard_start, iomem_dma_guard_end;

/*
 * The guard. An iomem entry has no page, so code that does not know about
 * I/O memory and computes sg_virt(), page_address(sg_page()) + offset or
 * kmap_local_page(sg_page()) + offset gets page_address(NULL) plus the
 * entry's index. Make sure nothing is ever mapped there: on arm and arm64
 * that address lies in the vmalloc area, so reserve the range as a vmalloc
 * area of ours that is never mapped (it costs address space only); on UML
 * it lies in the host kernel's half, which the UML process cannot reach.
 */
void __init iomem_dma_sg_guard_init(void)
{
#if !defined(CONFIG_HIGHMEM) && \
	(defined(CONFIG_FLATMEM) || defined(CONFIG_SPARSEMEM_VMEMMAP))
	unsigned long base = (unsigned long)page_address((struct page *)NULL);
	struct vm_struct *area;

	iomem_dma_guard_start = base;
	iomem_dma_guard_end = base + IOMEM_DMA_GUARD_SPAN;
	if (iomem_dma_guard_end < base) {
		pr_warn("page_address(NULL) at 0x%lx: no room for a guard\n", base);
		return;
	}
#ifdef CONFIG_UML
	/*
	 * x86-64 user space, where UML runs, ends below 2^56 even with
	 * 5-level paging: above it every address is non-canonical or the
	 * host kernel's, and an access faults.
	 */
	if (IS_ENABLED(CONFIG_64BIT) && base >= 1UL << 56) {
		iomem_dma_guard_state = IOMEM_DMA_GUARD_UNREACHABLE;
		return;
	}
#else
	/*
	 * The gap some architectures leave between the linear map and the
	 * vmalloc area (arm: VMALLOC_OFFSET, to catch stray pointers) is never
	 * mapped.
	 */
	if (base >= (unsigned long)high_memory &&
	    iomem_dma_guard_end <= VMALLOC_START) {
		iomem_dma_guard_state = IOMEM_DMA_GUARD_UNREACHABLE;
		return;
	}
	if (base >= VMALLOC_START && iomem_dma_guard_end <= VMALLOC_END) {
		area = __get_vm_area_caller(IOMEM_DMA_GUARD_SPAN, VM_NO_GUARD,
					    base, iomem_dma_guard_end,
					    __builtin_return_address(0));
		if (area && (unsigned long)area->addr == base) {
			iomem_dma_guard_state = IOMEM_DMA_GUARD_RESERVED;
			return;
		}
		pr_warn("guard: vmalloc gave 0x%lx for [0x%lx, 0x%lx)\n",
			area ? (unsigned long)area->addr : 0, base,
			iomem_dma_guard_end);
		if (area)
			free_vm_area(area);
	}
#endif
	pr_warn("page_address(NULL) + index, [0x%lx, 0x%lx), could not be reserved: sg_virt() of an iomem entry is not guaranteed to fault\n",
		iomem_dma_guard_start, iomem_dma_guard_end);
#else
	/* page_address() reads the NULL page itself: it oopses there. */
	iomem_dma_guard_state = IOMEM_DMA_GUARD_NULL_PAGE;
#endif
}

/*
 * Misuse of an iomem entry as RAM is a bug in the calling driver, which
 * gets NULL: say so with the caller's name, every time (rate-limited) and
 * counted, but never WARN, which is for the core's own bugs.
 */
void iomem_dma_report_misuse(const char *what, const struct scatterlist *sg,
			     unsigned long caller)
{
	atomic_inc(&iomem_dma_misuse_reports);
	pr_err_ratelimited("%s of an I/O memory scatterlist entry (id %u) by %pS refused: it has no page and no kernel address\n",
			   what, sg->offset, (void *)caller);
}

/**
 * iomem_dma_sg_is_iomem() - is this scatterlist entry I/O memory?
 * @sg: the entry.
 *
 * The one predicate for iomem entries: no struct page and the iomem flag.
 *
 * Return: true for an entry made by iomem_dma_alloc_sg() or
 * iomem_dma_alloc_sgt() and not freed, false otherwise.
 */
bool iomem_dma_sg_is_iomem(const struct scatterlist *sg)
{
	return iomem_dma_entry_is_iomem(sg);
}
EXPORT_SYMBOL_GPL(iomem_dma_sg_is_iomem);

/**
 * iomem_dma_sg_page() - sg_page() that refuses I/O memory
 * @sg: the entry.
 *
 * Return: sg_page(@sg) for a RAM entry. For an iomem entry: %NULL, after
 * an error in the kernel log that names the caller.
 */
struct page *iomem_dma_sg_page(struct scatterlist *sg)
{
	if (iomem_dma_sg_is_iomem(sg)) {
		iomem_dma_report_misuse("sg_page()", sg, _RET_IP_);
		return NULL;
	}
	return sg_page(sg);
}
EXPORT_SYMBOL_GPL(iomem_dma_sg_page);

/**
 * iomem_dma_sg_virt() - sg_virt() that refuses I/O memory
 * @sg: the entry.
 *
 * Return: sg_virt(@sg) for a RAM entry with a page; %NULL for an entry
 * without a page. For an iomem entry: %NULL, after an error in the kernel
 * log that names the caller.
 */
void *iomem_dma_sg_virt(struct scatterlist *sg)
{
	if (iomem_dma_sg_is_iomem(sg)) {
		iomem_dma_report_misuse("sg_virt()", sg, _RET_IP_);
		return NULL;
	}
	if (!sg_page(sg))
		return NULL;
	return sg_virt(sg);
}
EXPORT_SYMBOL_GPL(iomem_dma_sg_virt);

/**
 * iomem_dma_sg_iomem() - CPU mapping of an iomem entry
 * @sg: the entry.
 *
 * Access the result only with __iomem accessors (readl(), memcpy_fromio(),
 * ...). It stays valid until the entry is freed.
 *
 * Return: the __iomem address of the entry's first byte, or %NULL if @sg is
 * not an iomem entry, its allocation is gone (a stale copy), or its length
 * exceeds the allocation (a forged copy).
 */
void __iomem *iomem_dma_sg_iomem(struct scatterlist *sg)
{
	struct iomem_dma_chunk *chunk;
	void __iomem *vaddr = NULL;

	iomem_dma_chunk_lock(sg);
	chunk = iomem_dma_chunk_lookup(sg);
	if (chunk && iomem_dma_chunk_covers(chunk, sg))
		vaddr = iomem_dma_chunk_vaddr(chunk);
	iomem_dma_chunk_unlock(sg);
	return vaddr;
}
EXPORT_SYMBOL_GPL(iomem_dma_sg_iomem);

/**
 * iomem_dma_sg_provider() - the provider behind an iomem entry
 * @sg: the entry.
 *
 * Return: the provider, without a new reference (the allocation holds one
 * until it is freed), or %NULL if @sg is not an iomem entry.
 */
struct iomem_dma_provider *iomem_dma_sg_provider(struct scatterlist *sg)
{
	struct iomem_dma_chunk *chunk;
	struct iomem_dma_provider *prov = NULL;

	iomem_dma_chunk_lock(sg);
	chunk = iomem_dma_chunk_lookup(sg);
	if (chunk)
		prov = iomem_dma_chunk_prov(chunk);
	iomem_dma_chunk_unlock(sg);
	return prov;
}
EXPORT_SYMBOL_GPL(iomem_dma_sg_provider);

static void __iomem *sg_iomem_range(struct scatterlist *sg, size_t skip,
				    size_t len, int *err)
{
	void __iomem *base;

	struct iomem_dma_chunk *chunk;

	*err = -EINVAL;
	if (!sg || !iomem_dma_sg_is_iomem(sg))
		return NULL;
	if (skip > sg->length || len > sg->length - skip)
		return NULL;
	iomem_dma_chunk_lock(sg);
	chunk = iomem_dma_chunk_lookup(sg);
	if (!chunk) {
		iomem_dma_chunk_unlock(sg);
		*err = -ENOENT;
		return NULL;
	}
	/* The entry's length is a claim: the allocation's size is the bound. */
	if (!iomem_dma_chunk_covers(chunk, sg)) {
		iomem_dma_chunk_unlock(sg);
		return NULL;
	}
	base = iomem_dma_chunk_vaddr(chunk);
	iomem_dma_chunk_unlock(sg);
	*err = 0;
	return base + skip;
}

/**
 * iomem_dma_sg_copy_to() - copy from RAM into an iomem entry
 * @sg: the iomem entry.
 * @skip: offset into the entry.
 * @buf: source in RAM.
 * @len: bytes to copy.
 *
 * Uses memcpy_toio().
 *
 * Return: 0; -EINVAL if @sg is not an iomem entry or the range does not fit
 * in it or in its allocation; -ENOENT if its allocation is gone (also for
 * a stale copy of a freed entry).
 */
int iomem_dma_sg_copy_to(struct scatterlist *sg, size_t skip,
			 const void *buf, size_t len)
{
	void __iomem *dst;
	int err;

	dst = sg_iomem_range(sg, skip, len, &err);
	if (err)
		return err;
	if (!buf && len)
		return -EINVAL;
	memcpy_toio(dst, buf, len);
	return 0;
}
EXPORT_SYMBOL_GPL(iomem_dma_sg_copy_to);

/**
 * iomem_dma_sg_copy_from() - copy from an iomem entry into RAM
 * @sg: the iomem entry.
 * @skip: offset into the entry.
 * @buf: destination in RAM.
 * @len: bytes to copy.
 *
 * Uses memcpy_fromio().
 *
 * Return: 0; -EINVAL if @sg is not an iomem entry or the range does not fit
 * in it or in its allocation; -ENOENT if its allocation is gone (also for
 * a stale copy of a freed entry).
 */
int iomem_dma_sg_copy_from(struct scatterlist *sg, size_t skip,
			   void *buf, size_t len)
{
	void __iomem *src;
	int err;

	src = sg_iomem_range(sg, skip, len, &err);
	if (err)
		return err;
	if (!buf && len)
		return -EINVAL;
	memcpy_fromio(buf, src, len);
	return 0;
}
EXPORT_SYMBOL_GPL(iomem_dma_sg_copy_from);
