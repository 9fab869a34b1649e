// The bundle's SentencePiece model through the sentencepiece C++ library
// (edge_sdk/tokenizer/sentencepiece.py).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "alphabet.h"
#include "bundle.h"
#include "unicode.h"

namespace sentencepiece {
class SentencePieceProcessor;
}

namespace edge_sdk {

class Tokenizer {
public:
    // Throws BundleError when the file is not a SentencePiece model or its special ids are not
    // fairseq's (bos/pad/eos/unk = 0/1/2/3).
    explicit Tokenizer(const std::string &model_path);
    ~Tokenizer();
    Tokenizer(const Tokenizer &) = delete;
    Tokenizer &operator=(const Tokenizer &) = delete;

    std::vector<int> encode(const Text &text) const;
    // Drops bos/pad/eos before decoding, like the Python twin.
    Text decode(const std::vector<int> &ids) const;
    int vocab_size() const;
    const Alphabet &alphabet() const { return alphabet_; }
    size_t max_piece_chars() const { return max_piece_chars_; }

    static constexpr int BOS_ID = 0, PAD_ID = 1, EOS_ID = 2, UNK_ID = 3;

private:
    std::unique_ptr<sentencepiece::SentencePieceProcessor> sp_;
    Alphabet alphabet_;
    size_t max_piece_chars_ = 1;
};

// assets.py's load_tokenizer checks: vocabulary size and special ids equal to the manifest's. Throws
// BundleError with the Python messages.
void check_tokenizer(const Tokenizer &tokenizer, const TokenizerSpec &spec);
// The bundle's tokenizer, loaded and checked like assets.py's load_tokenizer (a file that does not load
// is "FILE: the tokenizer does not load (...)"). Throws BundleError.
std::unique_ptr<Tokenizer> load_tokenizer(const Bundle &bundle);

}  // namespace edge_sdk
