// Typographic folding for the model and restoring for the user (docs/text-handling.md, "Folding";
// edge_sdk/text/fold.py). The table is edge_sdk/text/typography.json, compiled into the core.
#pragma once

#include "unicode.h"

namespace edge_sdk {

// What the model sees for `c`: itself when no rule applies; empty for zero-width characters.
Text fold_char(char32_t c);
bool has_fold(char32_t c);

struct Style {
    bool curly_apostrophe = false;
    bool curly_quotes = false;

    // The style `text` shows; where it shows none (no apostrophe, no quote), `fallback`'s.
    static Style of(TextView text, const Style &fallback);
    static Style of(TextView text) { return of(text, Style()); }
    // `text` (new model output) in this style; `before` is the character preceding it in the result
    // (0 when there is none).
    Text apply(TextView text, char32_t before) const;
};

}  // namespace edge_sdk
