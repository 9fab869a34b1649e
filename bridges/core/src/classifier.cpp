#include "classifier.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>

#include "errors.h"

namespace edge_sdk {

namespace {

// corrector.h's limit and check_text_length, repeated here: the classifier does not depend on the
// corrector's headers (the whole decode pipeline) for one number and one message.
constexpr size_t MAX_CLASSIFY_CHARS = 100000;

// Python's f"{n:,}".
std::string with_commas(size_t n) {
    std::string digits = std::to_string(n), out;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

// source.py's check_text (the Text is valid Unicode already: decode_utf8 made it).
void check_length(const Text &text) {
    if (text.size() > MAX_CLASSIFY_CHARS)
        throw InputError("text is " + with_commas(text.size()) + " characters; one call takes at most " +
                         with_commas(MAX_CLASSIFY_CHARS) + ": split it (by paragraph) and correct the parts");
}

// Bundle::open has already held projection.json against the manifest (assets.py's load_projection);
// here it only becomes settings.
ProjectionSettings read_projection(const Bundle &bundle, const ProjectionSpec &spec) {
    std::ifstream in(bundle.path(spec), std::ios::binary);
    if (!in) throw BundleError(spec.file + ": cannot be read");
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return ProjectionSettings::from_json(text, spec.file);
}

// NumPy's pairwise summation (what probs.sum() does), so the normalised probabilities round like
// Python's for any number of labels, not only for the few where a plain loop gives the same sum.
double pairwise_sum(const double *a, size_t n) {
    if (n < 8) {
        double res = 0.0;
        for (size_t i = 0; i < n; ++i) res += a[i];
        return res;
    }
    if (n <= 128) {
        double r[8];
        for (size_t j = 0; j < 8; ++j) r[j] = a[j];
        size_t i = 8;
        for (; i < n - n % 8; i += 8)
            for (size_t j = 0; j < 8; ++j) r[j] += a[i + j];
        double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for (; i < n; ++i) res += a[i];
        return res;
    }
    size_t half = n / 2;
    half -= half % 8;
    return pairwise_sum(a, half) + pairwise_sum(a + half, n - half);
}

}  // namespace

const std::vector<std::string> &Classifier::classifier_labels(const Manifest &manifest) {
    if (!manifest.projection || !manifest.labels)
        throw WrongModelError("bundle " + manifest.name + " is a " + manifest.family +
                              " model, not a projection classifier");
    return *manifest.labels;
}

Classifier::Classifier(std::shared_ptr<const Bundle> bundle, std::unique_ptr<Runner> runner)
    : bundle_(std::move(bundle)), runner_(std::move(runner)) {
    const Manifest &manifest = bundle_->manifest();
    labels_ = classifier_labels(manifest);
    settings_ = read_projection(*bundle_, *manifest.projection);
}

Prediction Classifier::classify(const Text &text) {
    check_length(text);

    // classify_inputs (verify/golden.py): the projection zero-padded to max_words, and the real count.
    size_t words = 0;
    const std::vector<float> projected = project(text, settings_, &words);
    const size_t max_words = static_cast<size_t>(settings_.max_words);
    const size_t per_word = static_cast<size_t>(settings_.features);
    std::vector<float> features(max_words * per_word, 0.0f);
    std::copy(projected.begin(), projected.end(), features.begin());

    runner_->classify(features, max_words, per_word, static_cast<int64_t>(words), logits_);
    if (logits_.empty() || logits_.size() != labels_.size())
        throw RuntimeError("the model gave " + std::to_string(logits_.size()) + " logits for " +
                           std::to_string(labels_.size()) + " labels");

    // Softmax in float64 like classifier.py: exp(l - max), then normalised.
    std::vector<double> probs(logits_.begin(), logits_.end());
    const double top = *std::max_element(probs.begin(), probs.end());
    for (double &p : probs) p = std::exp(p - top);
    const double sum = pairwise_sum(probs.data(), probs.size());
    for (double &p : probs) p /= sum;

    Prediction prediction;
    prediction.labels = labels_;
    for (size_t i = 0; i < probs.size(); ++i) {
        // np.argmax: the first of equal maxima.
        if (probs[i] > probs[prediction.best]) prediction.best = i;
        prediction.probabilities.push_back(static_cast<float>(probs[i]));
    }
    return prediction;
}

}  // namespace edge_sdk
