#include "edits.h"

#include <algorithm>
#include <array>
#include <stdexcept>

#include "sequence_matcher.h"

namespace edge_sdk {

namespace {

// Python's text[a:b] for 0 <= a, b: clamped, empty when b <= a.
Text slice(const Text &text, size_t a, size_t b) {
    b = std::min(b, text.size());
    return a < b ? text.substr(a, b - a) : Text();
}

// The words of an edit's side: matches of \w+(?:['-]\w+)* (WORD without its punctuation alternative).
std::vector<Text> kind_words(TextView text) {
    std::vector<Text> found;
    size_t i = 0;
    while (i < text.size()) {
        if (!is_word(text[i])) {
            ++i;
            continue;
        }
        size_t end = i;
        while (end < text.size() && is_word(text[end])) ++end;
        while (end + 1 < text.size() && (text[end] == U'\'' || text[end] == U'-') && is_word(text[end + 1])) {
            end += 2;
            while (end < text.size() && is_word(text[end])) ++end;
        }
        found.emplace_back(text.substr(i, end - i));
        i = end;
    }
    return found;
}

Text joined(const std::vector<Text> &words) {
    Text out;
    for (const Text &w : words) out += w;
    return out;
}

// Endings that make a different form of the same word, not a misspelling of it ("go" -> "goes").
bool is_inflection(const Text &a, const Text &b) {
    static const std::array<TextView, 10> endings{U"", U"s", U"es", U"d", U"ed", U"ing", U"er", U"est", U"ly", U"'s"};
    size_t n = 0;
    while (n < std::min(a.size(), b.size()) && a[n] == b[n]) ++n;
    auto ending = [](TextView rest) { return std::find(endings.begin(), endings.end(), rest) != endings.end(); };
    return n >= 3 && ending(TextView(a).substr(n)) && ending(TextView(b).substr(n));
}

// Optimal-string-alignment Damerau-Levenshtein distance: adjacent transpositions count one edit.
size_t osa_distance(const Text &a, const Text &b) {
    const size_t w = b.size() + 1;
    std::vector<size_t> d((a.size() + 1) * w);
    for (size_t i = 0; i <= a.size(); ++i) d[i * w] = i;
    for (size_t j = 0; j <= b.size(); ++j) d[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        for (size_t j = 1; j <= b.size(); ++j) {
            const size_t cost = a[i - 1] != b[j - 1];
            size_t best = std::min({d[(i - 1) * w + j] + 1, d[i * w + j - 1] + 1, d[(i - 1) * w + j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                best = std::min(best, d[(i - 2) * w + j - 2] + 1);
            d[i * w + j] = best;
        }
    }
    return d[a.size() * w + b.size()];
}

struct Span4 {
    size_t i1, i2, j1, j2;
};

// Adjacent non-equal opcodes merged into one (as edits.py's _merged_opcodes).
std::vector<Span4> merged_opcodes(const std::vector<Text> &a, const std::vector<Text> &b) {
    std::vector<Span4> ops;
    for (const Opcode &op : SequenceMatcher(a, b).opcodes()) {
        if (op.tag == Opcode::equal) continue;
        if (!ops.empty() && ops.back().i2 == op.i1 && ops.back().j2 == op.j1) {
            ops.back().i2 = op.i2;
            ops.back().j2 = op.j2;
        } else {
            ops.push_back({op.i1, op.i2, op.j1, op.j2});
        }
    }
    return ops;
}

}  // namespace

edge_sdk_edit_kind edit_kind(TextView original, TextView replacement) {
    const std::vector<Text> wo = kind_words(original), wr = kind_words(replacement);
    if (wo == wr) return EDGE_SDK_EDIT_PUNCTUATION;
    if (wo.empty()) return EDGE_SDK_EDIT_INSERTION;
    if (wr.empty()) return EDGE_SDK_EDIT_DELETION;
    // Joined before lower-casing, as Python does: a final sigma depends on what follows it.
    if (lower(joined(wo)) == lower(joined(wr))) return EDGE_SDK_EDIT_SPELLING;
    if (wo.size() == 1 && wr.size() == 1) {
        const Text a = lower(wo[0]), b = lower(wr[0]);
        const size_t limit = std::max(a.size(), b.size()) <= 4 ? 1 : 2;
        if (std::min(a.size(), b.size()) >= 3 && !is_inflection(a, b) && osa_distance(a, b) <= limit)
            return EDGE_SDK_EDIT_SPELLING;
    }
    return EDGE_SDK_EDIT_WORD;
}

const char *edit_kind_name(edge_sdk_edit_kind kind) {
    switch (kind) {
        case EDGE_SDK_EDIT_SPELLING: return "spelling";
        case EDGE_SDK_EDIT_PUNCTUATION: return "punctuation";
        case EDGE_SDK_EDIT_WORD: return "word";
        case EDGE_SDK_EDIT_INSERTION: return "insertion";
        case EDGE_SDK_EDIT_DELETION: return "deletion";
    }
    return "word";
}

Text apply_edits(const Text &text, const std::vector<Edit> &edits) {
    std::vector<const Edit *> order;
    order.reserve(edits.size());
    for (const Edit &e : edits) order.push_back(&e);
    // Stable, as Python's sorted(): edits at the same place keep their order.
    std::stable_sort(order.begin(), order.end(), [](const Edit *l, const Edit *r) {
        return l->start != r->start ? l->start < r->start : l->end < r->end;
    });
    Text out;
    size_t at = 0;
    for (const Edit *e : order) {
        if (e->start < at) throw std::invalid_argument("edits overlap at " + std::to_string(e->start));
        out += slice(text, at, e->start);
        out += e->replacement;
        at = e->end;
    }
    out += slice(text, at, text.size());
    return out;
}

std::optional<std::vector<Edit>> sentence_edits(const Text &text, const ModelInput &source, const Text &output,
                                                const Style &style, const KeepEdit &keep) {
    const std::vector<Word> &src = source.words;
    const std::vector<Word> out = words(output);
    // Output placeholders take the pass-through spans in order; unmatched ones (the caller rules them
    // out) are left as the model wrote them.
    std::vector<const Protected *> restored(out.size(), nullptr);
    {
        std::vector<const Protected *> holders;
        for (const Word &w : src)
            if (w.protected_span) holders.push_back(&*w.protected_span);
        size_t next = 0;
        for (size_t j = 0; j < out.size() && next < holders.size(); ++j)
            if (out[j].text == source.placeholder) restored[j] = holders[next++];
    }
    auto gap_out = [&](size_t j) { return slice(output, out[j - 1].end, out[j].start); };  // before out[j]

    size_t src_start = 0;
    auto render = [&](size_t j1, size_t j2) {
        std::vector<Text> parts;
        for (size_t j = j1; j < j2; ++j) {
            if (j > j1) parts.push_back(gap_out(j));
            if (restored[j] != nullptr) {
                parts.push_back(slice(text, restored[j]->start, restored[j]->end));
            } else {
                char32_t before = 0;
                if (!parts.empty() && !parts.back().empty())
                    before = parts.back().back();
                else if (src_start > 0 && src_start - 1 < text.size())
                    before = text[src_start - 1];
                parts.push_back(style.apply(out[j].text, before));
            }
        }
        return joined(parts);
    };

    std::vector<Text> a, b;
    for (const Word &w : src) a.push_back(w.text);
    for (const Word &w : out) b.push_back(w.text);
    std::vector<Edit> edits;
    for (const Span4 &op : merged_opcodes(a, b)) {
        const size_t i1 = op.i1, i2 = op.i2, j1 = op.j1, j2 = op.j2;
        if (keep) {  // the output that wrote the edit; a deletion's gap between its neighbours
            const size_t from = j1 < j2 ? out[j1].start : j1 > 0 ? out[j1 - 1].end : 0;
            const size_t to = j1 < j2 ? out[j2 - 1].end : j1 < out.size() ? out[j1].start : output.size();
            if (!keep(from, to)) continue;
        }
        // Python raises on an insertion into a sentence without words; has_content rules that out.
        if (src.empty()) return std::nullopt;
        size_t start, end;
        if (i1 < i2) {
            start = src[i1].origin_start;
            end = src[i2 - 1].origin_end;
        } else {  // an insertion goes after the previous word, or before the first
            start = end = i1 > 0 ? src[i1 - 1].origin_end : src[0].origin_start;
        }
        src_start = start;
        Text replacement;
        if (j1 == j2) {  // a deletion takes the space before it with it (after it, at the sentence start)
            if (i1 > 0) {
                if (all_space(slice(text, src[i1 - 1].origin_end, start))) start = src[i1 - 1].origin_end;
            } else if (i2 < src.size() && all_space(slice(text, end, src[i2].origin_start))) {
                end = src[i2].origin_start;
            }
        } else if (i1 == i2 && i1 > 0) {
            replacement = (j1 > 0 ? gap_out(j1) : Text(U" ")) + render(j1, j2);
        } else if (i1 == i2) {
            replacement = render(j1, j2) + (j2 < out.size() ? gap_out(j2) : Text(U" "));
        } else {
            replacement = render(j1, j2);
            // The model may join or separate what it rewrites ("place;" -> "place of"): follow its
            // spacing at both ends, deleting only plain whitespace of the user's.
            if (i1 > 0 && j1 > 0) {
                const Text gap = slice(text, src[i1 - 1].origin_end, start), model_gap = gap_out(j1);
                if (gap.empty() && !model_gap.empty())
                    replacement = model_gap + replacement;
                else if (all_space(gap) && model_gap.empty())
                    start = src[i1 - 1].origin_end;
            }
            if (i2 < src.size() && j2 < out.size()) {
                const Text gap = slice(text, end, src[i2].origin_start), model_gap = gap_out(j2);
                if (gap.empty() && !model_gap.empty())
                    replacement += model_gap;
                else if (all_space(gap) && model_gap.empty())
                    end = src[i2].origin_start;
            }
        }
        Text original = slice(text, start, end);
        const edge_sdk_edit_kind kind = edit_kind(original, replacement);
        edits.push_back({start, end, std::move(original), std::move(replacement), kind});
    }
    for (const Protected &p : source.protected_spans) {  // the invariant that makes pass-through spans safe
        const Text kept = slice(text, p.start, p.end);
        for (const Edit &e : edits)
            if (e.start < p.end && p.start < e.end && e.replacement.find(kept) == Text::npos) return std::nullopt;
    }
    return edits;
}

}  // namespace edge_sdk
