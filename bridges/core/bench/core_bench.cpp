// What the core costs on top of the runtime, and how much memory it holds.
//
//   edge_sdk_bench latency BUNDLE QUANTIZATION SENTENCES [REPEATS]
//     For each sentence (one per line): correct() through the C ABI, then the same model calls alone
//     (the encode and every decode step correct() made, recorded through a callback runner), interleaved
//     REPEATS times. Prints JSON: medians per sentence and the median core/raw ratio.
//   edge_sdk_bench rss BUNDLE QUANTIZATION SENTENCES COUNT
//     Peak RSS (VmHWM) after COUNT corrections, next to the RSS of this process before the bundle opened.
// benchmarks/native_core.py runs both beside the Python paths.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "edge_sdk.h"
#include "runner.h"

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    const size_t n = values.size();
    return n == 0 ? 0.0 : (n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2.0);
}

long status_kb(const char *field) {
    std::ifstream in("/proc/self/status");
    std::string line;
    const std::string prefix = std::string(field) + ":";
    while (std::getline(in, line)) {
        if (line.rfind(prefix, 0) == 0) {
            return std::stol(line.substr(prefix.size()));
        }
    }
    return -1;
}

std::vector<std::string> read_lines(const std::string &path) {
    std::ifstream in(path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) {
        if (!line.empty()) {
            lines.push_back(line);
        }
    }
    return lines;
}

[[noreturn]] void fail(const std::string &what) {
    std::cerr << "edge_sdk_bench: " << what << "\n";
    std::exit(1);
}

void check(edge_sdk_status status, const char *what) {
    if (status != EDGE_SDK_OK) {
        fail(std::string(what) + ": " + edge_sdk_last_error());
    }
}

// The model calls of one correct(), recorded so they can be replayed without the core around them.
struct Call {
    std::vector<int64_t> ids;  // an encode
    std::vector<std::pair<int64_t, int64_t>> steps;  // then (token, position) decode steps
};

struct Recorder {
    edge_sdk::Runner *runner;
    std::vector<float> logits;
    std::vector<Call> calls;
};

int record_encode(void *user, const int64_t *ids, size_t count) {
    auto *r = static_cast<Recorder *>(user);
    r->calls.push_back(Call{std::vector<int64_t>(ids, ids + count), {}});
    r->runner->encode(r->calls.back().ids);
    return 0;
}

int record_decode(void *user, int64_t token, int64_t position, float *logits, size_t vocab) {
    auto *r = static_cast<Recorder *>(user);
    r->calls.back().steps.emplace_back(token, position);
    r->runner->decode_step(token, position, r->logits);
    std::copy(r->logits.begin(), r->logits.begin() + static_cast<long>(vocab), logits);
    return 0;
}

struct Session {
    edge_sdk_bundle *bundle = nullptr;
    edge_sdk_corrector *corrector = nullptr;
    std::string pte;
    size_t vocab = 0;

    Session(const std::string &path, const std::string &quantization) {
        check(edge_sdk_bundle_open(path.c_str(), nullptr, &bundle), "open bundle");
        edge_sdk_model_options o = edge_sdk_model_default_options();
        o.quantization = quantization.c_str();
        check(edge_sdk_corrector_open(bundle, &o, &corrector), "open corrector");
        edge_sdk_artifact_info info{};
        check(edge_sdk_bundle_artifact(bundle, "executorch", quantization.c_str(), &info), "artifact");
        pte = info.path;
        const std::string manifest = edge_sdk_bundle_manifest_json(bundle);
        const auto at = manifest.find("\"vocab_size\":");
        vocab = std::stoul(manifest.substr(at + 13));
    }
    ~Session() {
        edge_sdk_corrector_free(corrector);
        edge_sdk_bundle_free(bundle);
    }
};

void correct_once(edge_sdk_corrector *corrector, const std::string &text) {
    edge_sdk_correction *c = nullptr;
    check(edge_sdk_corrector_correct(corrector, text.data(), text.size(), &c), "correct");
    edge_sdk_correction_free(c);
}

int latency(const std::string &bundle, const std::string &quantization, const std::string &file, int repeats) {
    Session session(bundle, quantization);
    const auto sentences = read_lines(file);
    auto raw = edge_sdk::make_executorch_runner(session.pte, session.vocab, 0);
    // The recording pass: which calls each sentence's correction makes.
    Recorder recorder{raw.get(), {}, {}};
    edge_sdk_runner_callbacks callbacks{&recorder, record_encode, record_decode, nullptr, nullptr};
    edge_sdk_model_options o = edge_sdk_model_default_options();
    o.quantization = quantization.c_str();
    o.runner = &callbacks;
    edge_sdk_corrector *recording = nullptr;
    check(edge_sdk_corrector_open(session.bundle, &o, &recording), "open recording corrector");
    std::vector<std::vector<Call>> calls;
    for (const auto &s : sentences) {
        recorder.calls.clear();
        correct_once(recording, s);
        calls.push_back(recorder.calls);
    }
    edge_sdk_corrector_free(recording);

    std::vector<double> core_ms, raw_ms, ratios;
    std::vector<float> logits;
    size_t steps = 0;
    for (size_t i = 0; i < sentences.size(); ++i) {
        correct_once(session.corrector, sentences[i]);  // warm-up
        std::vector<double> core_one, raw_one;
        for (int r = 0; r < repeats; ++r) {
            auto start = Clock::now();
            correct_once(session.corrector, sentences[i]);
            core_one.push_back(ms_since(start));
            start = Clock::now();
            for (const Call &call : calls[i]) {
                raw->encode(call.ids);
                for (const auto &[token, position] : call.steps) {
                    raw->decode_step(token, position, logits);
                }
            }
            raw_one.push_back(ms_since(start));
        }
        for (const Call &call : calls[i]) {
            steps += call.steps.size();
        }
        core_ms.push_back(median(core_one));
        raw_ms.push_back(median(raw_one));
        ratios.push_back(core_ms.back() / raw_ms.back());
    }
    std::printf("{\"sentences\": %zu, \"repeats\": %d, \"decode_steps\": %zu, \"core_ms_median\": %.4f, "
                "\"raw_ms_median\": %.4f, \"core_over_raw_median\": %.5f}\n",
                sentences.size(), repeats, steps, median(core_ms), median(raw_ms), median(ratios));
    return 0;
}

int rss(const std::string &bundle, const std::string &quantization, const std::string &file, long count) {
    const long empty_kb = status_kb("VmRSS");
    const auto sentences = read_lines(file);
    if (sentences.empty()) {
        fail(file + " holds no sentences");
    }
    Session session(bundle, quantization);
    const long loaded_kb = status_kb("VmRSS");
    for (long i = 0; i < count; ++i) {
        correct_once(session.corrector, sentences[static_cast<size_t>(i) % sentences.size()]);
    }
    const long peak_kb = status_kb("VmHWM");
    std::printf("{\"corrections\": %ld, \"rss_empty_kb\": %ld, \"rss_loaded_kb\": %ld, \"rss_peak_kb\": %ld, "
                "\"peak_above_empty_mb\": %.2f}\n",
                count, empty_kb, loaded_kb, peak_kb, static_cast<double>(peak_kb - empty_kb) / 1024.0);
    return 0;
}

}  // namespace

int main(int argc, char **argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    if (args.size() >= 4 && args[0] == "latency") {
        return latency(args[1], args[2], args[3], args.size() > 4 ? std::stoi(args[4]) : 5);
    }
    if (args.size() == 5 && args[0] == "rss") {
        return rss(args[1], args[2], args[3], std::stol(args[4]));
    }
    std::cerr << "usage: edge_sdk_bench latency BUNDLE QUANTIZATION SENTENCES [REPEATS]\n"
                 "       edge_sdk_bench rss BUNDLE QUANTIZATION SENTENCES COUNT\n";
    return 2;
}
