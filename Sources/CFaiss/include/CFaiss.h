#ifndef CFAISS_H
#define CFAISS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// An HNSW graph over float32 vectors stored uncompressed (faiss::IndexHNSWFlat, squared L2).
typedef struct cfaiss_hnsw cfaiss_hnsw;

/// Creates an empty index; returns NULL and sets the error text on failure.
cfaiss_hnsw *cfaiss_hnsw_create(int32_t dimension, int32_t neighbors_per_node, int32_t ef_construction);

/// Frees an index (NULL is allowed).
void cfaiss_hnsw_free(cfaiss_hnsw *index);

/// Appends `count` vectors (row-major float32); their row numbers continue from the current total.
/// Returns 0 on success, -1 on failure (see cfaiss_last_error).
int32_t cfaiss_hnsw_add(cfaiss_hnsw *index, int64_t count, const float *vectors);

/// Number of vectors held.
int64_t cfaiss_hnsw_count(const cfaiss_hnsw *index);

/// The stored vectors, `count × dimension` float32 row-major, in the order they were added. Valid
/// until the next add or free.
const float *cfaiss_hnsw_vectors(const cfaiss_hnsw *index);

/// Sets how many candidates a search keeps (efSearch; faiss raises it to k when smaller). Must not run
/// concurrently with a search on the same index.
void cfaiss_hnsw_set_search_breadth(cfaiss_hnsw *index, int32_t ef_search);

/// Searches `query_count` queries for their `k` nearest rows. Writes `query_count * k` squared
/// distances and row numbers (-1 where fewer than k were found). Safe to call concurrently on one
/// index. Returns 0 on success, -1 on failure.
int32_t cfaiss_hnsw_search(const cfaiss_hnsw *index, int64_t query_count, const float *queries, int64_t k,
                           float *squared_distances, int64_t *rows);

/// Sets how many OpenMP threads the calling thread's faiss calls may use (at least 1).
void cfaiss_set_thread_count(int32_t threads);

/// Text of the last failure on the calling thread ("" if none).
const char *cfaiss_last_error(void);

#ifdef __cplusplus
}
#endif

#endif
