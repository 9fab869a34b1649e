// From the model's output back to the user's text (docs/text-handling.md, "Edits";
// edge_sdk/text/edits.py).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "edge_sdk.h"
#include "fold.h"
#include "model_input.h"
#include "unicode.h"

namespace edge_sdk {

struct Edit {
    size_t start, end;  // code points of the input text, end exclusive; start == end inserts
    Text original, replacement;
    edge_sdk_edit_kind kind;
};

struct Skipped {
    size_t start, end;
    std::string reason;
};

struct Correction {
    Text text;
    std::vector<Edit> edits;
    std::vector<Skipped> skipped;
    size_t sentences = 0;  // what the text was split into, gated or not: apps report latency per sentence
};

// docs/text-handling.md, "Edit kinds".
edge_sdk_edit_kind edit_kind(TextView original, TextView replacement);
const char *edit_kind_name(edge_sdk_edit_kind kind);

Text apply_edits(const Text &text, const std::vector<Edit> &edits);

// `keep(start, end)` is asked about each edit, in order and before it is built, with the code points of
// `output` that wrote it (a deletion: the gap it leaves) and drops it when false: the edit-confidence
// gate. Empty: every edit is kept.
using KeepEdit = std::function<bool(size_t start, size_t end)>;

// Edits turning the sentence into the model's correction; nothing when the kept edits would touch a
// pass-through span. The caller has checked that `output` holds the placeholder exactly as often as `source`.
std::optional<std::vector<Edit>> sentence_edits(const Text &text, const ModelInput &source, const Text &output,
                                                const Style &style, const KeepEdit &keep = {});

}  // namespace edge_sdk
