// dlib-reference: prints what dlib itself computes with the pretrained face models, so that
// FaceKit's parity tests and benchmarks can compare against it. Test and benchmark tool only;
// it is not part of FaceKit. Built by Scripts/build-reference.sh against Debian's libdlib-dev.
//
// Commands (JSON objects on stdout, one per line; errors on stderr with a nonzero exit):
//   descriptors       --models DIR [--batch N] [--threads T] CHIP...
//   faces             --models DIR [--upsample N] [--chips-out DIR] [--threads T] IMAGE...
//   bench-descriptors --models DIR --batch N --threads T --seconds S CHIP...
//   bench-detect      --models DIR [--upsample N] [--threads T] --seconds S IMAGE...
//   layers            --models DIR [CHIP]
// See Reference/README.md for the output formats.

#include <dlib/dnn.h>
#include <dlib/image_io.h>
#include <dlib/image_processing.h>
#include <dlib/image_transforms.h>

#include <dlfcn.h>
#include <malloc.h>
#include <sys/stat.h>

#include <chrono>
#include <climits>
#include <cmath>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

// ------------------------------------------------------------------------------------------------
// Descriptor network (dlib_face_recognition_resnet_model_v1.dat).
//
// Input: 150x150 RGB chip. Stem: 7x7/2 convolution with 32 filters, affine, ReLU, 3x3/2 max-pool.
// Then residual units. A unit is two 3x3 convolutions, each followed by an affine layer, with a ReLU
// between them; the unit's input is added back and a ReLU follows the sum. The first unit of a
// down-sampling stage uses stride 2 in its first convolution and a 2x2/2 average-pooled shortcut.
// Stages, from the input side: 3 units of 32, 4 units of 64 (first down-sampling), 3 units of 128
// (first down-sampling), 3 units of 256 (first down-sampling), 1 more down-sampling unit of 256.
// Head: global average pool, 128-unit fully connected layer without bias, metric loss.
//
// Tags do not appear in the serialized form, so their numbers only need to be consistent here.

template <long Filters, long Stride, typename Below>
using conv_pair = dlib::affine<dlib::con<Filters, 3, 3, 1, 1,
                  dlib::relu<dlib::affine<dlib::con<Filters, 3, 3, Stride, Stride, Below>>>>>;

// Identity shortcut: output = relu(conv_pair(x) + x).
template <long Filters, typename Below>
using res_unit = dlib::relu<dlib::add_prev1<conv_pair<Filters, 1, dlib::tag1<Below>>>>;

// Down-sampling shortcut: output = relu(conv_pair_stride2(x) + avg_pool_2x2_stride2(x)).
// add_prev takes the larger of the two shapes in every dimension and treats missing elements as
// zero, which pads the shortcut's channels (and, at the 256 level, the conv branch's rows/columns).
template <long Filters, typename Below>
using res_unit_down = dlib::relu<dlib::add_prev2<dlib::avg_pool<2, 2, 2, 2,
                      dlib::skip1<dlib::tag2<conv_pair<Filters, 2, dlib::tag1<Below>>>>>>>;

template <typename Below> using stage32  = res_unit<32, res_unit<32, res_unit<32, Below>>>;
template <typename Below> using stage64  = res_unit<64, res_unit<64, res_unit<64, res_unit_down<64, Below>>>>;
template <typename Below> using stage128 = res_unit<128, res_unit<128, res_unit_down<128, Below>>>;
template <typename Below> using stage256 = res_unit<256, res_unit<256, res_unit_down<256, Below>>>;
template <typename Below> using stage256_last = res_unit_down<256, Below>;

using descriptor_net = dlib::loss_metric<dlib::fc_no_bias<128, dlib::avg_pool_everything<
    stage256_last<stage256<stage128<stage64<stage32<
    dlib::max_pool<3, 3, 2, 2, dlib::relu<dlib::affine<dlib::con<32, 7, 7, 2, 2,
    dlib::input_rgb_image_sized<150>>>>>>>>>>>>>;

// ------------------------------------------------------------------------------------------------
// Face detector network (mmod_human_face_detector.dat).
//
// Input: RGB image pyramid, each level 5/6 the size of the previous one, tiled into one image.
// Three 5x5 stride-2 convolutions (16, 32, 32 filters) and three 5x5 stride-1 convolutions
// (45 filters), each followed by affine and ReLU, then one 9x9 convolution to a single score map.

template <long Filters, typename Below>
using down_block = dlib::relu<dlib::affine<dlib::con<Filters, 5, 5, 2, 2, Below>>>;
template <long Filters, typename Below>
using flat_block = dlib::relu<dlib::affine<dlib::con<Filters, 5, 5, 1, 1, Below>>>;

using detector_net = dlib::loss_mmod<dlib::con<1, 9, 9, 1, 1,
    flat_block<45, flat_block<45, flat_block<45,
    down_block<32, down_block<32, down_block<16,
    dlib::input_rgb_image_pyramid<dlib::pyramid_down<6>>>>>>>>>>;

using rgb_image = dlib::matrix<dlib::rgb_pixel>;
using clock_type = std::chrono::steady_clock;

// ------------------------------------------------------------------------------------------------
// Small helpers.

struct usage_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

double seconds_since(clock_type::time_point start) {
    return std::chrono::duration<double>(clock_type::now() - start).count();
}

std::string json_string(const std::string& text) {
    std::string out = "\"";
    for (unsigned char ch : text) {
        switch (ch) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (ch < 0x20) {
                    char buffer[8];
                    std::snprintf(buffer, sizeof buffer, "\\u%04x", ch);
                    out += buffer;
                } else {
                    out += static_cast<char>(ch);
                }
        }
    }
    return out + "\"";
}

std::string json_number(double value) {
    if (!std::isfinite(value)) return "null";
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%.9g", value);
    return buffer;
}

std::string json_descriptor(const dlib::matrix<float, 0, 1>& descriptor) {
    std::string out = "[";
    for (long i = 0; i < descriptor.size(); ++i) {
        if (i) out += ", ";
        out += json_number(descriptor(i));
    }
    return out + "]";
}

void emit(const std::string& line) {
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

std::string file_stem(const std::string& path) {
    std::string name = path.substr(path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/') + 1);
    const auto dot = name.find_last_of('.');
    return dot == std::string::npos || dot == 0 ? name : name.substr(0, dot);
}

bool is_readable_file(const std::string& path) {
    struct stat info;
    return ::stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode);
}

// Loads any image dlib can decode (JPEG, PNG) as 8-bit RGB. Images with an alpha channel have it
// dropped (not blended), as PIL's convert("RGB") does in face_recognition. EXIF orientation is
// not applied: dlib ignores it.
rgb_image load_rgb(const std::string& path) {
    if (!is_readable_file(path)) throw std::runtime_error("cannot read image " + path);
    dlib::matrix<dlib::rgb_alpha_pixel> rgba;
    try {
        dlib::load_image(rgba, path);
    } catch (const std::exception& e) {
        throw std::runtime_error("cannot decode image " + path + ": " + e.what());
    }
    rgb_image rgb(rgba.nr(), rgba.nc());
    for (long r = 0; r < rgba.nr(); ++r)
        for (long c = 0; c < rgba.nc(); ++c) {
            const auto& p = rgba(r, c);
            rgb(r, c) = dlib::rgb_pixel(p.red, p.green, p.blue);
        }
    return rgb;
}

rgb_image load_chip(const std::string& path) {
    rgb_image chip = load_rgb(path);
    if (chip.nr() != 150 || chip.nc() != 150)
        throw std::runtime_error("chip " + path + " is " + std::to_string(chip.nc()) + "x" +
                                 std::to_string(chip.nr()) +
                                 "; descriptors needs aligned 150x150 chips (use the faces command for photos)");
    return chip;
}

// ------------------------------------------------------------------------------------------------
// BLAS threading. dlib's CPU convolutions and fully connected layers are matrix products handed to
// the BLAS that libdlib.so links (libblas.so.3, which Debian's alternatives point at OpenBLAS when
// it is installed). dlib adds no threads of its own on the CPU path, so the BLAS thread count is
// the whole story. The OpenBLAS entry points are looked up at run time so the program still works
// with the reference BLAS (single-threaded, where --threads can only be 1).

using set_threads_fn = void (*)(int);
using get_threads_fn = int (*)();
using get_config_fn = char* (*)();

std::string blas_name() {
    if (auto config = reinterpret_cast<get_config_fn>(dlsym(RTLD_DEFAULT, "openblas_get_config")))
        return config();
    return "reference BLAS (single-threaded)";
}

int blas_threads() {
    if (auto get = reinterpret_cast<get_threads_fn>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads")))
        return get();
    return 1;
}

void set_blas_threads(int threads) {
    if (threads <= 0) return;
    if (auto set = reinterpret_cast<set_threads_fn>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) {
        set(threads);
    } else if (threads != 1) {
        std::cerr << "dlib-reference: warning: the linked BLAS is not OpenBLAS; --threads "
                  << threads << " has no effect\n";
    }
}

// ------------------------------------------------------------------------------------------------
// Memory. dlib allocates and frees large temporary buffers on every forward pass (the detector's
// tiled pyramid and convolution scratch run to hundreds of MB). With glibc's defaults those come
// from mmap or are trimmed back to the system after each call, so every pass faults the pages in
// again: on a 910x1137 photo that is about 2.4 million page faults and nearly half the detector's
// time. Keeping freed memory in the heap removes that cost without changing any result;
// --system-malloc keeps glibc's defaults instead.

void keep_freed_memory() {
    mallopt(M_MMAP_MAX, 0);
    mallopt(M_TRIM_THRESHOLD, INT_MAX);
}

// ------------------------------------------------------------------------------------------------
// Command line.

struct options {
    std::string command;
    std::string models;
    std::string chips_out;
    long upsample = 0;
    long batch = 0;
    long threads = 0;
    double seconds = 0;
    bool system_malloc = false;
    std::vector<std::string> files;
};

long parse_count(const std::string& flag, const std::string& text, long minimum) {
    char* end = nullptr;
    const long value = std::strtol(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || value < minimum)
        throw usage_error(flag + " needs an integer >= " + std::to_string(minimum) + ", got '" + text + "'");
    return value;
}

double parse_seconds(const std::string& text) {
    char* end = nullptr;
    const double value = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || !(value >= 0))
        throw usage_error("--seconds needs a non-negative number, got '" + text + "'");
    return value;
}

std::string default_models_dir() {
    if (const char* dir = std::getenv("FACEKIT_MODELS"); dir && *dir) return dir;
    if (const char* data = std::getenv("XDG_DATA_HOME"); data && *data)
        return std::string(data) + "/facekit/models";
    if (const char* home = std::getenv("HOME"); home && *home)
        return std::string(home) + "/.local/share/facekit/models";
    return "models";
}

options parse_options(int argc, char** argv) {
    if (argc < 2) throw usage_error("no command given");
    options opts;
    opts.command = argv[1];
    for (int i = 2; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) throw usage_error(arg + " needs a value");
            return argv[++i];
        };
        if (arg == "--models") opts.models = value();
        else if (arg == "--chips-out") opts.chips_out = value();
        else if (arg == "--upsample") opts.upsample = parse_count(arg, value(), 0);
        else if (arg == "--batch") opts.batch = parse_count(arg, value(), 1);
        else if (arg == "--threads") opts.threads = parse_count(arg, value(), 1);
        else if (arg == "--seconds") opts.seconds = parse_seconds(value());
        else if (arg == "--system-malloc") opts.system_malloc = true;
        else if (arg == "--") { for (++i; i < argc; ++i) opts.files.push_back(argv[i]); }
        else if (arg.size() > 1 && arg[0] == '-') throw usage_error("unknown option " + arg);
        else opts.files.push_back(arg);
    }
    if (opts.models.empty()) opts.models = default_models_dir();
    return opts;
}

std::string model_path(const options& opts, const std::string& name) {
    const std::string path = opts.models + "/" + name;
    if (!is_readable_file(path))
        throw std::runtime_error("model file " + path + " not found (pass --models DIR or set FACEKIT_MODELS)");
    return path;
}

template <typename T>
void load_model(T& model, const std::string& path) {
    try {
        dlib::deserialize(path) >> model;
    } catch (const std::exception& e) {
        throw std::runtime_error("cannot load " + path + ": " + e.what());
    }
}

void require_files(const options& opts, const char* what) {
    if (opts.files.empty()) throw usage_error(std::string(opts.command) + " needs at least one " + what);
}

// ------------------------------------------------------------------------------------------------
// descriptors

int run_descriptors(const options& opts) {
    require_files(opts, "chip");
    set_blas_threads(opts.threads);
    descriptor_net net;
    load_model(net, model_path(opts, "dlib_face_recognition_resnet_model_v1.dat"));
    const size_t batch = opts.batch > 0 ? static_cast<size_t>(opts.batch) : 32;
    for (size_t start = 0; start < opts.files.size(); start += batch) {
        const size_t end = std::min(opts.files.size(), start + batch);
        std::vector<rgb_image> chips;
        for (size_t i = start; i < end; ++i) chips.push_back(load_chip(opts.files[i]));
        const std::vector<dlib::matrix<float, 0, 1>> descriptors = net(chips, chips.size());
        for (size_t i = start; i < end; ++i)
            emit("{\"file\": " + json_string(opts.files[i]) +
                 ", \"descriptor\": " + json_descriptor(descriptors[i - start]) + "}");
    }
    return 0;
}

// ------------------------------------------------------------------------------------------------
// faces

// Runs the detector on the image, upsampled `upsample` times by pyramid_up (each time x2), and
// returns the detections in the original image's coordinates.
std::vector<dlib::mmod_rect> detect(detector_net& net, const rgb_image& image, long upsample) {
    if (upsample == 0) return net(image);
    rgb_image scaled = image;
    dlib::pyramid_down<2> pyramid;
    for (long i = 0; i < upsample; ++i) dlib::pyramid_up(scaled, pyramid);
    std::vector<dlib::mmod_rect> detections = net(scaled);
    for (auto& d : detections)
        d.rect = dlib::rectangle(pyramid.rect_down(dlib::drectangle(d.rect), static_cast<unsigned int>(upsample)));
    return detections;
}

int run_faces(const options& opts) {
    require_files(opts, "image");
    set_blas_threads(opts.threads);
    detector_net detector;
    load_model(detector, model_path(opts, "mmod_human_face_detector.dat"));
    dlib::shape_predictor landmarker;
    load_model(landmarker, model_path(opts, "shape_predictor_5_face_landmarks.dat"));
    descriptor_net describer;
    load_model(describer, model_path(opts, "dlib_face_recognition_resnet_model_v1.dat"));
    if (!opts.chips_out.empty() && ::mkdir(opts.chips_out.c_str(), 0755) != 0 && errno != EEXIST)
        throw std::runtime_error("cannot create directory " + opts.chips_out);

    for (const std::string& file : opts.files) {
        const rgb_image image = load_rgb(file);
        const std::vector<dlib::mmod_rect> detections = detect(detector, image, opts.upsample);

        std::vector<dlib::full_object_detection> shapes;
        std::vector<dlib::chip_details> details;
        for (const auto& d : detections) {
            shapes.push_back(landmarker(image, d.rect));
            details.push_back(dlib::get_face_chip_details(shapes.back(), 150, 0.25));
        }
        dlib::array<rgb_image> chip_array;
        dlib::extract_image_chips(image, details, chip_array);
        std::vector<rgb_image> chips(chip_array.begin(), chip_array.end());
        std::vector<dlib::matrix<float, 0, 1>> descriptors;
        if (!chips.empty()) descriptors = describer(chips, chips.size());

        std::string line = "{\"file\": " + json_string(file) + ", \"width\": " + std::to_string(image.nc()) +
                           ", \"height\": " + std::to_string(image.nr()) + ", \"faces\": [";
        for (size_t i = 0; i < detections.size(); ++i) {
            const dlib::rectangle& box = detections[i].rect;
            const dlib::full_object_detection& shape = shapes[i];
            const dlib::chip_details& chip = details[i];
            const dlib::point_transform_affine to_chip = dlib::get_mapping_to_chip(chip);
            if (i) line += ", ";
            line += "{\"left\": " + std::to_string(box.left()) + ", \"top\": " + std::to_string(box.top()) +
                    ", \"right\": " + std::to_string(box.right()) + ", \"bottom\": " + std::to_string(box.bottom()) +
                    ", \"confidence\": " + json_number(detections[i].detection_confidence) + ", \"landmarks\": [";
            for (unsigned long p = 0; p < shape.num_parts(); ++p) {
                if (p) line += ", ";
                line += "[" + std::to_string(shape.part(p).x()) + ", " + std::to_string(shape.part(p).y()) + "]";
            }
            line += "], \"chip_transform\": {\"rect\": [" + json_number(chip.rect.left()) + ", " +
                    json_number(chip.rect.top()) + ", " + json_number(chip.rect.right()) + ", " +
                    json_number(chip.rect.bottom()) + "], \"angle\": " + json_number(chip.angle) +
                    ", \"rows\": " + std::to_string(chip.rows) + ", \"cols\": " + std::to_string(chip.cols) +
                    ", \"to_chip\": [" + json_number(to_chip.get_m()(0, 0)) + ", " +
                    json_number(to_chip.get_m()(0, 1)) + ", " + json_number(to_chip.get_b()(0)) + ", " +
                    json_number(to_chip.get_m()(1, 0)) + ", " + json_number(to_chip.get_m()(1, 1)) + ", " +
                    json_number(to_chip.get_b()(1)) + "]}";
            line += ", \"descriptor\": " + json_descriptor(descriptors[i]);
            if (!opts.chips_out.empty()) {
                const std::string chip_path = opts.chips_out + "/" + file_stem(file) + "_" + std::to_string(i) + ".png";
                dlib::save_png(chips[i], chip_path);
                line += ", \"chip\": " + json_string(chip_path);
            }
            line += "}";
        }
        emit(line + "]}");
    }
    return 0;
}

// ------------------------------------------------------------------------------------------------
// bench-descriptors

int run_bench_descriptors(const options& opts) {
    require_files(opts, "chip");
    if (opts.batch <= 0) throw usage_error("bench-descriptors needs --batch N");
    if (opts.threads <= 0) throw usage_error("bench-descriptors needs --threads T");
    set_blas_threads(opts.threads);

    std::vector<rgb_image> distinct;
    for (const auto& file : opts.files) distinct.push_back(load_chip(file));
    std::vector<rgb_image> batch;
    for (long i = 0; i < opts.batch; ++i) batch.push_back(distinct[i % distinct.size()]);

    const auto load_start = clock_type::now();
    descriptor_net net;
    load_model(net, model_path(opts, "dlib_face_recognition_resnet_model_v1.dat"));
    const double load_seconds = seconds_since(load_start);

    const size_t batch_size = batch.size();
    net(batch, batch_size);  // warm-up: allocates every layer's buffers
    long runs = 0;
    const auto start = clock_type::now();
    double elapsed = 0;
    while (runs < 3 || elapsed < opts.seconds) {
        const auto out = net(batch, batch_size);
        if (out.size() != batch_size) throw std::runtime_error("descriptor count mismatch");
        ++runs;
        elapsed = seconds_since(start);
    }
    const double per_batch = elapsed / runs;
    emit("{\"batch\": " + std::to_string(opts.batch) + ", \"threads\": " + std::to_string(opts.threads) +
         ", \"descriptors_per_second\": " + json_number(opts.batch / per_batch) +
         ", \"seconds_per_batch\": " + json_number(per_batch) + ", \"load_seconds\": " + json_number(load_seconds) +
         ", \"runs\": " + std::to_string(runs) + ", \"blas_threads\": " + std::to_string(blas_threads()) +
         ", \"blas\": " + json_string(blas_name()) + "}");
    return 0;
}

// ------------------------------------------------------------------------------------------------
// bench-detect

int run_bench_detect(const options& opts) {
    require_files(opts, "image");
    set_blas_threads(opts.threads);
    detector_net net;
    load_model(net, model_path(opts, "mmod_human_face_detector.dat"));
    for (const auto& file : opts.files) {
        const rgb_image image = load_rgb(file);
        const size_t faces = detect(net, image, opts.upsample).size();  // warm-up
        long runs = 0;
        const auto start = clock_type::now();
        double elapsed = 0;
        while (runs < 3 || elapsed < opts.seconds) {
            detect(net, image, opts.upsample);
            ++runs;
            elapsed = seconds_since(start);
        }
        emit("{\"file\": " + json_string(file) + ", \"width\": " + std::to_string(image.nc()) +
             ", \"height\": " + std::to_string(image.nr()) + ", \"upsample\": " + std::to_string(opts.upsample) +
             ", \"seconds_per_image\": " + json_number(elapsed / runs) + ", \"faces\": " + std::to_string(faces) +
             ", \"runs\": " + std::to_string(runs) + ", \"blas_threads\": " + std::to_string(blas_threads()) + "}");
    }
    return 0;
}

// ------------------------------------------------------------------------------------------------
// layers: runs one chip through the descriptor network and prints every layer's output shape,
// from the input side to the output side (dlib numbers layers from the loss end, index 0).

template <typename T> std::string layer_name(const T&) { return "?"; }
template <typename L, typename S, typename E>
std::string layer_name(const dlib::add_layer<L, S, E>& l) {
    std::ostringstream text;
    text << l.layer_details();
    return text.str();
}
template <unsigned long ID, typename S, typename E>
std::string layer_name(const dlib::add_tag_layer<ID, S, E>&) { return "tag" + std::to_string(ID); }
template <template <typename> class TAG, typename S>
std::string layer_name(const dlib::add_skip_layer<TAG, S>&) {
    return "skip" + std::to_string(dlib::tag_id<TAG>::id);
}

// A layer whose output an in-place layer (ReLU, affine) overwrote refuses get_output(); its output
// had the in-place layer's shape, which is the shape visited just before it.
struct shape_collector {
    std::vector<std::string>* lines;
    std::string* previous_shape;
    template <typename T>
    auto operator()(size_t index, T& l) -> decltype(l.get_output(), void()) {
        std::string shape;
        try {
            const dlib::tensor& t = l.get_output();
            shape = "[" + std::to_string(t.num_samples()) + ", " + std::to_string(t.k()) + ", " +
                    std::to_string(t.nr()) + ", " + std::to_string(t.nc()) + "]";
        } catch (const dlib::error&) {
            shape = *previous_shape;
        }
        *previous_shape = shape;
        lines->push_back("{\"index\": " + std::to_string(index) + ", \"layer\": " + json_string(layer_name(l)) +
                         ", \"shape\": " + shape + "}");
    }
};

int run_layers(const options& opts) {
    descriptor_net net;
    load_model(net, model_path(opts, "dlib_face_recognition_resnet_model_v1.dat"));
    rgb_image chip = opts.files.empty() ? rgb_image(150, 150) : load_chip(opts.files[0]);
    if (opts.files.empty()) chip = dlib::rgb_pixel(128, 128, 128);
    net(chip);
    std::vector<std::string> lines;
    std::string previous_shape = "null";
    dlib::visit_layers(net, shape_collector{&lines, &previous_shape});
    for (auto it = lines.rbegin(); it != lines.rend(); ++it) emit(*it);
    return 0;
}

const char* usage_text =
    "usage: dlib-reference COMMAND [options] FILE...\n"
    "  descriptors       --models DIR [--batch N] [--threads T] CHIP...\n"
    "  faces             --models DIR [--upsample N] [--chips-out DIR] [--threads T] IMAGE...\n"
    "  bench-descriptors --models DIR --batch N --threads T --seconds S CHIP...\n"
    "  bench-detect      --models DIR [--upsample N] [--threads T] --seconds S IMAGE...\n"
    "  layers            --models DIR [CHIP]\n"
    "--system-malloc keeps glibc's allocator defaults (slower; see Reference/README.md).\n"
    "--models defaults to $FACEKIT_MODELS, else ~/.local/share/facekit/models.\n"
    "Output: one JSON object per line on stdout. See Reference/README.md.\n";

}  // namespace

int main(int argc, char** argv) {
    try {
        if (argc >= 2 && (std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h" ||
                          std::string(argv[1]) == "help")) {
            std::cout << usage_text;
            return 0;
        }
        const options opts = parse_options(argc, argv);
        if (!opts.system_malloc) keep_freed_memory();
        if (opts.command == "descriptors") return run_descriptors(opts);
        if (opts.command == "faces") return run_faces(opts);
        if (opts.command == "bench-descriptors") return run_bench_descriptors(opts);
        if (opts.command == "bench-detect") return run_bench_detect(opts);
        if (opts.command == "layers") return run_layers(opts);
        throw usage_error("unknown command '" + opts.command + "'");
    } catch (const usage_error& e) {
        std::cerr << "dlib-reference: " << e.what() << "\n" << usage_text;
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "dlib-reference: error: " << e.what() << "\n";
        return 1;
    }
}
