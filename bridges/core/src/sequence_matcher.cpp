// A line-by-line port of CPython 3.11's Lib/difflib.py SequenceMatcher with isjunk=None and
// autojunk=False: with no junk, b2j holds every element of b and the junk-extension loops never move.
// Every tie-break (earliest in a, then earliest in b; the LIFO order of the recursion; the sort and
// merge of the blocks) is kept, because the Python reference's edits depend on which of several equally
// long alignments is chosen.
#include "sequence_matcher.h"

#include <algorithm>
#include <tuple>
#include <unordered_map>

namespace edge_sdk {

namespace {

struct Range {
    size_t alo, ahi, blo, bhi;
};

class Matcher {
public:
    Matcher(const std::vector<Text> &a, const std::vector<Text> &b)
        : a_(a), b_(b), j2len_(b.size() + 1, 0), newj2len_(b.size() + 1, 0) {
        // Elements of a mapped to ids once so the inner loop compares integers, not strings.
        std::unordered_map<Text, size_t> ids;
        b2j_.reserve(b.size());
        for (size_t j = 0; j < b.size(); ++j) {
            auto [it, added] = ids.emplace(b[j], b2j_.size());
            if (added) b2j_.emplace_back();
            b2j_[it->second].push_back(j);
        }
        a_ids_.reserve(a.size());
        for (const Text &elt : a) {
            auto it = ids.find(elt);
            a_ids_.push_back(it == ids.end() ? NONE : it->second);
        }
    }

    MatchingBlock find_longest_match(size_t alo, size_t ahi, size_t blo, size_t bhi) {
        size_t besti = alo, bestj = blo, bestsize = 0;
        // j2len / newj2len are Python's dicts as arrays shifted by one (index j + 1 holds j), so that
        // j - 1 for j == 0 needs no special case; `touched` lists the keys to forget between rows.
        for (size_t j : touched_) j2len_[j + 1] = 0;
        touched_.clear();
        for (size_t i = alo; i < ahi; ++i) {
            new_touched_.clear();
            if (a_ids_[i] != NONE) {
                for (size_t j : b2j_[a_ids_[i]]) {
                    if (j < blo) continue;
                    if (j >= bhi) break;
                    size_t k = j2len_[j] + 1;
                    newj2len_[j + 1] = k;
                    new_touched_.push_back(j);
                    if (k > bestsize) {
                        besti = i - k + 1;
                        bestj = j - k + 1;
                        bestsize = k;
                    }
                }
            }
            for (size_t j : touched_) j2len_[j + 1] = 0;
            for (size_t j : new_touched_) j2len_[j + 1] = newj2len_[j + 1];
            for (size_t j : new_touched_) newj2len_[j + 1] = 0;
            std::swap(touched_, new_touched_);
        }
        while (besti > alo && bestj > blo && a_[besti - 1] == b_[bestj - 1]) {
            --besti;
            --bestj;
            ++bestsize;
        }
        while (besti + bestsize < ahi && bestj + bestsize < bhi && a_[besti + bestsize] == b_[bestj + bestsize])
            ++bestsize;
        return {besti, bestj, bestsize};
    }

private:
    static constexpr size_t NONE = static_cast<size_t>(-1);
    const std::vector<Text> &a_, &b_;
    std::vector<std::vector<size_t>> b2j_;
    std::vector<size_t> a_ids_;
    std::vector<size_t> j2len_, newj2len_;
    std::vector<size_t> touched_, new_touched_;
};

}  // namespace

SequenceMatcher::SequenceMatcher(const std::vector<Text> &a, const std::vector<Text> &b) : a_(a), b_(b) {
    const size_t la = a.size(), lb = b.size();
    Matcher matcher(a, b);
    std::vector<Range> queue{{0, la, 0, lb}};
    std::vector<MatchingBlock> found;
    while (!queue.empty()) {
        Range r = queue.back();
        queue.pop_back();
        MatchingBlock x = matcher.find_longest_match(r.alo, r.ahi, r.blo, r.bhi);
        if (x.size) {
            found.push_back(x);
            if (r.alo < x.a && r.blo < x.b) queue.push_back({r.alo, x.a, r.blo, x.b});
            if (x.a + x.size < r.ahi && x.b + x.size < r.bhi)
                queue.push_back({x.a + x.size, r.ahi, x.b + x.size, r.bhi});
        }
    }
    std::sort(found.begin(), found.end(), [](const MatchingBlock &l, const MatchingBlock &r) {
        return std::tie(l.a, l.b, l.size) < std::tie(r.a, r.b, r.size);
    });
    size_t i1 = 0, j1 = 0, k1 = 0;
    for (const MatchingBlock &m : found) {
        if (i1 + k1 == m.a && j1 + k1 == m.b) {
            k1 += m.size;
        } else {
            if (k1) blocks_.push_back({i1, j1, k1});
            i1 = m.a;
            j1 = m.b;
            k1 = m.size;
        }
    }
    if (k1) blocks_.push_back({i1, j1, k1});
    blocks_.push_back({la, lb, 0});
}

std::vector<MatchingBlock> SequenceMatcher::matching_blocks() const { return blocks_; }

std::vector<Opcode> SequenceMatcher::opcodes() const {
    std::vector<Opcode> answer;
    size_t i = 0, j = 0;
    for (const MatchingBlock &m : blocks_) {
        if (i < m.a && j < m.b)
            answer.push_back({Opcode::replace, i, m.a, j, m.b});
        else if (i < m.a)
            answer.push_back({Opcode::del, i, m.a, j, m.b});
        else if (j < m.b)
            answer.push_back({Opcode::insert, i, m.a, j, m.b});
        i = m.a + m.size;
        j = m.b + m.size;
        if (m.size) answer.push_back({Opcode::equal, m.a, i, m.b, j});
    }
    return answer;
}

double SequenceMatcher::ratio() const {
    size_t matches = 0;
    for (const MatchingBlock &m : blocks_) matches += m.size;
    const size_t length = a_.size() + b_.size();
    return length ? 2.0 * static_cast<double>(matches) / static_cast<double>(length) : 1.0;
}

}  // namespace edge_sdk
