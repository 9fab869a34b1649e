// The bundle's .pte through ExecuTorch's Module API, the runner the core brings on every platform.
#include <executorch/extension/module/module.h>
#include <executorch/extension/tensor/tensor.h>

#include <cstring>
#include <string>
#include <vector>

#include "errors.h"
#include "runner.h"

namespace edge_sdk {
namespace {

using executorch::aten::ScalarType;
using executorch::extension::Module;
using executorch::extension::TensorPtr;
using executorch::extension::make_tensor_ptr;
using executorch::runtime::Error;
using executorch::runtime::EValue;
using executorch::runtime::Result;

// An encoder output kept across decode steps: ExecuTorch's outputs alias planned memory that the
// next execute() overwrites, so the core owns a copy.
struct HeldTensor {
    std::vector<executorch::aten::SizesType> sizes;
    std::vector<float> data;
};

HeldTensor hold(const EValue &value, const char *what) {
    if (!value.isTensor()) {
        throw RuntimeError(std::string("ExecuTorch encode returned a non-tensor ") + what);
    }
    const auto &tensor = value.toTensor();
    if (tensor.scalar_type() != ScalarType::Float) {
        throw RuntimeError(std::string("ExecuTorch encode returned ") + what + " that is not float32");
    }
    HeldTensor held;
    held.sizes.assign(tensor.sizes().begin(), tensor.sizes().end());
    const auto *begin = tensor.const_data_ptr<float>();
    held.data.assign(begin, begin + tensor.numel());
    return held;
}

class ExecuTorchRunner final : public Runner {
public:
    ExecuTorchRunner(const std::string &path, size_t vocab_size, size_t labels)
        // share_memory_arenas: our programs are exported with share_mutable_buffers (the KV cache is
        // one buffer that encode and decode_step both see); the Module must plan them as one arena.
        : module_(path, Module::LoadMode::Mmap, nullptr, nullptr, nullptr, true), vocab_size_(vocab_size),
          labels_(labels) {
        const Error loaded = module_.load();
        if (loaded != Error::Ok) {
            throw RuntimeError("ExecuTorch could not load " + path + " (error " +
                               std::to_string(static_cast<int>(loaded)) + ")");
        }
        auto names = module_.method_names();
        if (!names.ok()) {
            throw RuntimeError("ExecuTorch could not read the methods of " + path);
        }
        methods_ = names.get();
        for (const auto &name : methods_) {
            const Error method = module_.load_method(name);
            if (method != Error::Ok) {
                throw RuntimeError("ExecuTorch could not load method " + name + " of " + path + " (error " +
                                   std::to_string(static_cast<int>(method)) + ")");
            }
        }
        path_ = path;
    }

    void encode(const std::vector<int64_t> &ids) override {
        require("encode");
        std::vector<int64_t> data(ids);
        TensorPtr src = make_tensor_ptr({1, static_cast<executorch::aten::SizesType>(ids.size())}, std::move(data));
        auto outputs = run("encode", {EValue(*src)});
        if (outputs.size() != 2) {
            throw RuntimeError("ExecuTorch encode of " + path_ + " returned " + std::to_string(outputs.size()) +
                               " outputs; the corrector needs memory_kv and memory_bias");
        }
        memory_kv_ = hold(outputs[0], "memory_kv");
        memory_bias_ = hold(outputs[1], "memory_bias");
        encoded_ = true;
    }

    void decode_step(int64_t token, int64_t position, std::vector<float> &logits) override {
        require("decode_step");
        if (!encoded_) {
            throw RuntimeError("decode_step before encode");
        }
        TensorPtr token_t = make_tensor_ptr({1}, std::vector<int64_t>{token});
        TensorPtr position_t = make_tensor_ptr({1}, std::vector<int64_t>{position});
        // Inputs that the runtime only reads: wrap the held copies without copying them again.
        TensorPtr kv = executorch::extension::from_blob(memory_kv_.data.data(), memory_kv_.sizes, ScalarType::Float);
        TensorPtr bias =
            executorch::extension::from_blob(memory_bias_.data.data(), memory_bias_.sizes, ScalarType::Float);
        auto outputs = run("decode_step", {EValue(*token_t), EValue(*position_t), EValue(*kv), EValue(*bias)});
        copy_logits(outputs, "decode_step", vocab_size_, logits);
    }

    void classify(const std::vector<float> &features, size_t max_words, size_t features_per_word, int64_t words,
                  std::vector<float> &logits) override {
        require("classify");
        std::vector<float> data(features);
        TensorPtr features_t = make_tensor_ptr(
            {1, static_cast<executorch::aten::SizesType>(max_words),
             static_cast<executorch::aten::SizesType>(features_per_word)},
            std::move(data));
        TensorPtr length_t = make_tensor_ptr({1}, std::vector<int64_t>{words});
        auto outputs = run("classify", {EValue(*features_t), EValue(*length_t)});
        copy_logits(outputs, "classify", labels_, logits);
    }

private:
    void require(const std::string &method) const {
        if (methods_.count(method) == 0) {
            throw WrongModelError(path_ + " has no method " + method);
        }
    }

    std::vector<EValue> run(const std::string &method, const std::vector<EValue> &inputs) {
        Result<std::vector<EValue>> result = module_.execute(method, inputs);
        if (!result.ok()) {
            throw RuntimeError("ExecuTorch " + method + " failed (error " +
                               std::to_string(static_cast<int>(result.error())) + ")");
        }
        return std::move(result.get());
    }

    static void copy_logits(const std::vector<EValue> &outputs, const char *method, size_t expected,
                            std::vector<float> &logits) {
        if (outputs.empty() || !outputs[0].isTensor() || outputs[0].toTensor().scalar_type() != ScalarType::Float) {
            throw RuntimeError(std::string("ExecuTorch ") + method + " did not return float32 logits");
        }
        const auto &tensor = outputs[0].toTensor();
        const auto count = static_cast<size_t>(tensor.numel());
        if (count != expected) {
            throw RuntimeError(std::string("ExecuTorch ") + method + " returned " + std::to_string(count) +
                               " logits; the manifest says " + std::to_string(expected));
        }
        logits.resize(count);
        std::memcpy(logits.data(), tensor.const_data_ptr<float>(), count * sizeof(float));
    }

    Module module_;
    std::unordered_set<std::string> methods_;
    std::string path_;
    size_t vocab_size_, labels_;
    HeldTensor memory_kv_, memory_bias_;
    bool encoded_ = false;
};

}  // namespace

std::unique_ptr<Runner> make_executorch_runner(const std::string &pte_path, size_t vocab_size, size_t labels) {
    return std::make_unique<ExecuTorchRunner>(pte_path, vocab_size, labels);
}

}  // namespace edge_sdk
