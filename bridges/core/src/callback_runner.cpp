// A platform's own runner (Core ML from Swift, LiteRT from Kotlin) behind the same interface as the
// ExecuTorch one: the core keeps tokenizer, loop, guard and edits whoever runs the model.
#include <string>

#include "errors.h"
#include "runner.h"

namespace edge_sdk {
namespace {

class CallbackRunner final : public Runner {
public:
    CallbackRunner(const edge_sdk_runner_callbacks &callbacks, size_t vocab_size, size_t labels)
        : callbacks_(callbacks), vocab_size_(vocab_size), labels_(labels) {}

    ~CallbackRunner() override {
        if (callbacks_.release != nullptr) {
            callbacks_.release(callbacks_.user_data);
        }
    }

    CallbackRunner(const CallbackRunner &) = delete;
    CallbackRunner &operator=(const CallbackRunner &) = delete;

    void encode(const std::vector<int64_t> &ids) override {
        if (callbacks_.encode == nullptr) {
            throw RuntimeError("the runner callbacks have no encode: a corrector needs encode and decode_step");
        }
        check("encode", callbacks_.encode(callbacks_.user_data, ids.data(), ids.size()));
    }

    void decode_step(int64_t token, int64_t position, std::vector<float> &logits) override {
        if (callbacks_.decode_step == nullptr) {
            throw RuntimeError("the runner callbacks have no decode_step: a corrector needs encode and decode_step");
        }
        logits.assign(vocab_size_, 0.0f);
        check("decode_step", callbacks_.decode_step(callbacks_.user_data, token, position, logits.data(), vocab_size_));
    }

    void classify(const std::vector<float> &features, size_t max_words, size_t features_per_word, int64_t words,
                  std::vector<float> &logits) override {
        if (callbacks_.classify == nullptr) {
            throw RuntimeError("the runner callbacks have no classify: a classifier needs it");
        }
        logits.assign(labels_, 0.0f);
        check("classify", callbacks_.classify(callbacks_.user_data, features.data(), max_words, features_per_word,
                                              words, logits.data(), labels_));
    }

private:
    static void check(const char *method, int code) {
        if (code != 0) {
            throw RuntimeError(std::string("the platform runner's ") + method + " callback failed (returned " +
                               std::to_string(code) + ")");
        }
    }

    edge_sdk_runner_callbacks callbacks_;
    size_t vocab_size_, labels_;
};

}  // namespace

std::unique_ptr<Runner> make_callback_runner(const edge_sdk_runner_callbacks &callbacks, size_t vocab_size,
                                             size_t labels) {
    return std::make_unique<CallbackRunner>(callbacks, vocab_size, labels);
}

}  // namespace edge_sdk
