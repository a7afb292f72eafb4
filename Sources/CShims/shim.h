#ifndef FACEKIT_CSHIMS_H
#define FACEKIT_CSHIMS_H

#include <malloc.h>
#include <limits.h>

// glibc serves large allocations with fresh mmap'd pages and returns them on free, so a process that
// allocates and frees tens of megabytes per network layer pays a page fault (and zeroing) per 4 KiB on
// every pass. Serving them from the heap and never trimming it lets freed blocks be reused.
// Returns 1 when glibc accepted both settings.
static inline int cshims_keep_freed_memory(void) {
    int served_from_heap = mallopt(M_MMAP_MAX, 0);
    int never_trimmed = mallopt(M_TRIM_THRESHOLD, INT_MAX);
    return served_from_heap && never_trimmed;
}

// Hands out work items to threads: returns the counter's value before adding 1, atomically.
static inline long cshims_take_next(long *counter) {
    return __atomic_fetch_add(counter, 1, __ATOMIC_RELAXED);
}

#endif
