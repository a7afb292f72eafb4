// Thin C interface over the faiss C++ classes FaceGallery uses. Debian's static libfaiss does not
// carry faiss's own C API, so this file provides the few calls the gallery needs.

#include "CFaiss.h"

#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>
#include <omp.h>

#include <exception>
#include <string>

struct cfaiss_hnsw {
    faiss::IndexHNSWFlat index;
    cfaiss_hnsw(int dimension, int neighbors) : index(dimension, neighbors, faiss::METRIC_L2) {}
};

namespace {

thread_local std::string lastError;

// faiss reports failures by exceptions, which must not cross into Swift.
template <typename Body>
int32_t guarded(Body body) {
    try {
        body();
        lastError.clear();
        return 0;
    } catch (const std::exception &error) {
        lastError = error.what();
    } catch (...) {
        lastError = "unknown faiss failure";
    }
    return -1;
}

}  // namespace

extern "C" cfaiss_hnsw *cfaiss_hnsw_create(int32_t dimension, int32_t neighbors_per_node, int32_t ef_construction) {
    cfaiss_hnsw *created = nullptr;
    guarded([&] {
        created = new cfaiss_hnsw(dimension, neighbors_per_node);
        created->index.hnsw.efConstruction = ef_construction;
    });
    return created;
}

extern "C" void cfaiss_hnsw_free(cfaiss_hnsw *index) { delete index; }

extern "C" int32_t cfaiss_hnsw_add(cfaiss_hnsw *index, int64_t count, const float *vectors) {
    return guarded([&] { index->index.add(count, vectors); });
}

extern "C" int64_t cfaiss_hnsw_count(const cfaiss_hnsw *index) { return index->index.ntotal; }

extern "C" const float *cfaiss_hnsw_vectors(const cfaiss_hnsw *index) {
    // IndexHNSWFlat always stores its vectors in an IndexFlat.
    auto storage = dynamic_cast<const faiss::IndexFlat *>(index->index.storage);
    return storage ? storage->get_xb() : nullptr;
}

extern "C" void cfaiss_hnsw_set_search_breadth(cfaiss_hnsw *index, int32_t ef_search) {
    // faiss 1.7.3's IndexHNSW::search ignores SearchParametersHNSW, so the breadth lives on the index.
    index->index.hnsw.efSearch = ef_search;
}

extern "C" int32_t cfaiss_hnsw_search(const cfaiss_hnsw *index, int64_t query_count, const float *queries, int64_t k,
                                      float *squared_distances, int64_t *rows) {
    return guarded([&] { index->index.search(query_count, queries, k, squared_distances, rows); });
}

extern "C" void cfaiss_set_thread_count(int32_t threads) { omp_set_num_threads(threads < 1 ? 1 : threads); }

extern "C" const char *cfaiss_last_error(void) { return lastError.c_str(); }
