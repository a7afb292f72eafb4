// Thin C interface over the faiss C++ classes FaceGallery uses. Debian's static libfaiss does not
// carry faiss's own C API, so this file provides the few calls the gallery needs.

#include "CFaiss.h"

#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>
#include <faiss/IndexIVFFlat.h>
#include <omp.h>

#include <algorithm>
#include <exception>
#include <string>

struct cfaiss_hnsw {
    faiss::IndexHNSWFlat index;
    cfaiss_hnsw(int dimension, int neighbors) : index(dimension, neighbors, faiss::METRIC_L2) {}
};

struct cfaiss_ivf {
    // Declared first: the inverted-file index keeps a pointer to it.
    faiss::IndexFlatL2 quantizer;
    faiss::IndexIVFFlat index;
    cfaiss_ivf(int dimension, int lists) : quantizer(dimension), index(&quantizer, dimension, lists, faiss::METRIC_L2) {}
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

extern "C" cfaiss_ivf *cfaiss_ivf_create(int32_t dimension, int32_t list_count) {
    cfaiss_ivf *created = nullptr;
    guarded([&] { created = new cfaiss_ivf(dimension, list_count); });
    return created;
}

extern "C" void cfaiss_ivf_free(cfaiss_ivf *index) { delete index; }

extern "C" int32_t cfaiss_ivf_train(cfaiss_ivf *index, int64_t count, const float *vectors, int32_t iterations) {
    return guarded([&] {
        auto &clustering = index->index.cp;
        clustering.niter = iterations;
        // The caller chooses the sample: faiss should neither subsample it nor warn that it is small.
        clustering.max_points_per_centroid = (count + index->index.nlist - 1) / index->index.nlist + 1;
        clustering.min_points_per_centroid = 1;
        index->index.train(count, vectors);
    });
}

extern "C" int32_t cfaiss_ivf_add(cfaiss_ivf *index, int64_t count, const float *vectors) {
    return guarded([&] { index->index.add(count, vectors); });
}

extern "C" int64_t cfaiss_ivf_count(const cfaiss_ivf *index) { return index->index.ntotal; }

extern "C" void cfaiss_ivf_copy_vectors(const cfaiss_ivf *index, float *destination) {
    const auto &lists = *index->index.invlists;
    const size_t dimension = index->index.d;
    for (size_t list = 0; list < lists.nlist; list++) {
        faiss::InvertedLists::ScopedIds ids(&lists, list);
        faiss::InvertedLists::ScopedCodes codes(&lists, list);
        const float *vectors = reinterpret_cast<const float *>(codes.get());
        for (size_t entry = 0, size = lists.list_size(list); entry < size; entry++) {
            std::copy_n(vectors + entry * dimension, dimension, destination + ids.get()[entry] * dimension);
        }
    }
}

extern "C" void cfaiss_ivf_set_probe_count(cfaiss_ivf *index, int32_t probe_count) {
    index->index.nprobe = probe_count;
}

extern "C" int32_t cfaiss_ivf_search(const cfaiss_ivf *index, int64_t query_count, const float *queries, int64_t k,
                                     float *squared_distances, int64_t *rows) {
    return guarded([&] { index->index.search(query_count, queries, k, squared_distances, rows); });
}

extern "C" void cfaiss_set_thread_count(int32_t threads) { omp_set_num_threads(threads < 1 ? 1 : threads); }

extern "C" const char *cfaiss_last_error(void) { return lastError.c_str(); }
