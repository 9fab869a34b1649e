// ProFormer classifier over a Runner (edge_sdk/generation/classifier.py is the Python twin).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "bundle.h"
#include "projection.h"
#include "runner.h"

namespace edge_sdk {

struct Prediction {
    size_t best = 0;
    std::vector<std::string> labels;
    std::vector<float> probabilities;  // softmax of the logits, in float64 then rounded, like Python
};

class Classifier {
public:
    // Throws WrongModelError for a bundle that is not a projection classifier.
    Classifier(std::shared_ptr<const Bundle> bundle, std::unique_ptr<Runner> runner);
    // The labels of a classifier manifest, or WrongModelError: callers that must size a runner before
    // constructing ask this first.
    static const std::vector<std::string> &classifier_labels(const Manifest &manifest);
    Prediction classify(const Text &text);
    const std::vector<std::string> &labels() const { return labels_; }

private:
    std::shared_ptr<const Bundle> bundle_;
    std::unique_ptr<Runner> runner_;
    ProjectionSettings settings_;
    std::vector<std::string> labels_;
    std::vector<float> logits_;
};

}  // namespace edge_sdk
