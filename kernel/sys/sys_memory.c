/*
 * Virtual-memory calls with Windows semantics (DmAllocateVirtualMemory and
 * friends) on top of the region layer. Each call copies in and checks every
 * argument, acts, then copies the results out; the pointers are in/out as on
 * Windows (base and size are rounded and written back).
 */
#include <abi/types.h>
#include <arch/uaccess.h>
#include <lib/errno.h>
#include <proc/process.h>
#include <sys/syscall.h>

#define ALLOC_GRANULARITY 0x10000ull

#define PROT_UNSUPPORTED 0xffu

/* PAGE_* to VM_* (PAGE_NOACCESS: 0; PAGE_GUARD with an access: | VM_PROT_GUARD), or
 * PROT_UNSUPPORTED. */
static unsigned prot_from_page(uint32_t page)
{
    if (page & PAGE_GUARD) {
        unsigned prot = prot_from_page(page & ~(uint32_t)PAGE_GUARD);
        return prot == PROT_UNSUPPORTED || prot == 0 ? PROT_UNSUPPORTED : prot | VM_PROT_GUARD;
    }
    switch (page) {
    case PAGE_NOACCESS:
        return 0;
    case PAGE_READONLY:
        return VM_READ;
    case PAGE_READWRITE:
        return VM_READ | VM_WRITE;
    case PAGE_EXECUTE:
    case PAGE_EXECUTE_READ:
        return VM_READ | VM_EXEC;
    case PAGE_EXECUTE_READWRITE:
        return VM_READ | VM_WRITE | VM_EXEC;
    default:
        return PROT_UNSUPPORTED;
    }
}

static uint32_t page_from_prot(unsigned prot)
{
    if (prot & VM_PROT_GUARD)
        return page_from_prot(prot & ~VM_PROT_GUARD) | PAGE_GUARD;
    if (prot & VM_EXEC)
        return (prot & VM_WRITE) ? PAGE_EXECUTE_READWRITE : PAGE_EXECUTE_READ;
    if (prot & VM_WRITE)
        return PAGE_READWRITE;
    return prot ? PAGE_READONLY : PAGE_NOACCESS;
}

/* Read the in/out base and size, rejecting values that cannot describe user memory.
 * Both are written back unchanged at once: an output the kernel could not write
 * later must fail the call before anything changes. */
static int read_range(const uint64_t *args, uint64_t *base, uint64_t *size)
{
    if (copy_from_user(base, uptr(args[0]), sizeof *base) != 0 ||
        copy_from_user(size, uptr(args[1]), sizeof *size) != 0 ||
        copy_to_user(uptr(args[0]), base, sizeof *base) != 0 ||
        copy_to_user(uptr(args[1]), size, sizeof *size) != 0)
        return K_EFAULT;
    if (*base + *size < *base || *base + *size > USER_END)
        return K_EINVAL;
    return 0;
}

static int write_range(const uint64_t *args, uint64_t base, uint64_t size)
{
    if (copy_to_user(uptr(args[0]), &base, sizeof base) != 0 ||
        copy_to_user(uptr(args[1]), &size, sizeof size) != 0)
        return K_EFAULT;
    return 0;
}

dormer_status_t sys_DmAllocateVirtualMemory(const uint64_t *args)
{
    vmm_space_t *s = process_current()->space;
    uint32_t type = (uint32_t)args[2];
    unsigned prot = prot_from_page((uint32_t)args[3]);
    uint64_t base, size;
    int rc = read_range(args, &base, &size);

    if (rc)
        return status_from_errno(rc);
    if (prot == PROT_UNSUPPORTED || size == 0 || !(type & (MEM_RESERVE | MEM_COMMIT)) ||
        (type & ~(uint32_t)(MEM_RESERVE | MEM_COMMIT)))
        return STATUS_INVALID_PARAMETER;
    uint64_t end = (base + size + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
    if (type & MEM_RESERVE) {
        base &= ~(ALLOC_GRANULARITY - 1);
        size = end - base;
        rc = vmm_reserve(s, &base, size, prot, (type & MEM_COMMIT) ? VM_COMMIT : 0);
    } else {
        base &= ~(uint64_t)(PAGE_SIZE - 1);
        size = end - base;
        rc = base ? vmm_commit(s, base, size, prot) : K_EINVAL;
    }
    if (rc == K_EINVAL && !(type & MEM_RESERVE))
        return STATUS_MEMORY_NOT_ALLOCATED;
    if (!rc)
        rc = write_range(args, base, size);
    return status_from_errno(rc);
}

dormer_status_t sys_DmFreeVirtualMemory(const uint64_t *args)
{
    vmm_space_t *s = process_current()->space;
    uint32_t type = (uint32_t)args[2];
    uint64_t base, size;
    int rc = read_range(args, &base, &size);

    if (rc)
        return status_from_errno(rc);
    if (type == MEM_RELEASE) {
        if (size != 0)
            return STATUS_INVALID_PARAMETER;
        /* The size Windows reports is the whole reservation's, measured before it goes:
         * its pieces (committed, reserved) all carry base as their allocation base. */
        struct vm_region r;
        vaddr_t end = base;
        while (vmm_query(s, end, &r) == 0 && r.state != VM_FREE && r.alloc_base == base &&
               r.end > end)
            end = r.end;
        size = end - base;
        rc = vmm_release(s, base);
    } else if (type == MEM_DECOMMIT) {
        uint64_t end = (base + size + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
        base &= ~(uint64_t)(PAGE_SIZE - 1);
        size = end - base;
        rc = size ? vmm_decommit(s, base, size) : K_EINVAL;
    } else {
        return STATUS_INVALID_PARAMETER;
    }
    if (rc == K_EINVAL)
        return STATUS_MEMORY_NOT_ALLOCATED;
    if (!rc)
        rc = write_range(args, base, size);
    return status_from_errno(rc);
}

dormer_status_t sys_DmProtectVirtualMemory(const uint64_t *args)
{
    vmm_space_t *s = process_current()->space;
    unsigned prot = prot_from_page((uint32_t)args[2]);
    uint64_t base, size;
    unsigned old = 0;
    int rc = read_range(args, &base, &size);

    if (rc)
        return status_from_errno(rc);
    uint32_t old_page = 0;
    if (prot == PROT_UNSUPPORTED || size == 0)
        return STATUS_INVALID_PARAMETER;
    if (copy_to_user(uptr(args[3]), &old_page, sizeof old_page) != 0)
        return STATUS_ACCESS_VIOLATION;
    uint64_t end = (base + size + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
    base &= ~(uint64_t)(PAGE_SIZE - 1);
    size = end - base;
    rc = vmm_protect(s, base, size, prot, &old);
    if (rc == K_EINVAL)
        return STATUS_MEMORY_NOT_ALLOCATED;
    old_page = page_from_prot(old);
    if (!rc)
        rc = copy_to_user(uptr(args[3]), &old_page, sizeof old_page);
    if (!rc)
        rc = write_range(args, base, size);
    return status_from_errno(rc);
}

dormer_status_t sys_DmQueryVirtualMemory(const uint64_t *args)
{
    vmm_space_t *s = process_current()->space;
    struct dormer_memory_info info = { 0 };
    struct vm_region r;
    uint64_t addr = args[0] & ~(uint64_t)(PAGE_SIZE - 1);

    if (args[2] < sizeof info)
        return STATUS_INFO_LENGTH_MISMATCH;
    if (vmm_query(s, addr, &r) != 0)
        return STATUS_INVALID_PARAMETER;
    info.base_address = addr;
    info.region_size = r.end - addr;
    if (r.state == VM_FREE) {
        info.state = MEM_FREE;
        info.protect = PAGE_NOACCESS;
    } else {
        info.allocation_base = r.alloc_base;
        info.allocation_protect = PAGE_READWRITE;
        info.state = r.state == VM_RESERVED ? MEM_RESERVE : MEM_COMMIT;
        info.protect = r.state == VM_RESERVED ? 0 : page_from_prot(r.prot);
        if (r.state == VM_GUARD)
            info.protect |= PAGE_GUARD;
        info.type = process_image_at(process_current(), addr, NULL) ? MEM_IMAGE : MEM_PRIVATE;
    }
    return status_from_errno(copy_to_user(uptr(args[1]), &info, sizeof info));
}
