#include "tokenizer.h"

#include <algorithm>
#include <filesystem>
#include <string>

#include <sentencepiece_processor.h>

#include "errors.h"

namespace edge_sdk {

namespace {

// Python's sentencepiece 0.2 names status codes in upper case ("NOT_FOUND"); Debian's 0.1.97 says
// "Not found". The messages quote Python's so both cores report a bad file alike.
const char *code_name(sentencepiece::util::StatusCode code) {
    using C = sentencepiece::util::StatusCode;
    switch (code) {
    case C::kCancelled: return "CANCELLED";
    case C::kInvalidArgument: return "INVALID_ARGUMENT";
    case C::kDeadlineExceeded: return "DEADLINE_EXCEEDED";
    case C::kNotFound: return "NOT_FOUND";
    case C::kAlreadyExists: return "ALREADY_EXISTS";
    case C::kPermissionDenied: return "PERMISSION_DENIED";
    case C::kResourceExhausted: return "RESOURCE_EXHAUSTED";
    case C::kFailedPrecondition: return "FAILED_PRECONDITION";
    case C::kAborted: return "ABORTED";
    case C::kOutOfRange: return "OUT_OF_RANGE";
    case C::kUnimplemented: return "UNIMPLEMENTED";
    case C::kInternal: return "INTERNAL";
    case C::kUnavailable: return "UNAVAILABLE";
    case C::kDataLoss: return "DATA_LOSS";
    case C::kUnauthenticated: return "UNAUTHENTICATED";
    default: return "UNKNOWN";
    }
}

std::string load_failure(const sentencepiece::util::Status &status, const std::string &path) {
    std::string message = status.error_message();
    // 0.1.97 reports a protobuf parse failure by source line; 0.2 says this.
    if (message.find("ParseFromArray") != std::string::npos) message = "could not parse ModelProto from " + path;
    // 0.1.97 appends the errno (" Error #2"); 0.2 does not.
    const size_t errno_at = message.rfind(" Error #");
    if (errno_at != std::string::npos) message.erase(errno_at);
    return std::string(code_name(status.code())) + ": " + message;
}

std::string python_tuple(int a, int b, int c, int d) {
    return "(" + std::to_string(a) + ", " + std::to_string(b) + ", " + std::to_string(c) + ", " +
           std::to_string(d) + ")";
}

// Python's repr of the dict assets.py compares: {'bos_id': 0, 'pad_id': 1, 'eos_id': 2, 'unk_id': 3}.
std::string python_ids_dict(long long bos, long long pad, long long eos, long long unk) {
    return "{'bos_id': " + std::to_string(bos) + ", 'pad_id': " + std::to_string(pad) +
           ", 'eos_id': " + std::to_string(eos) + ", 'unk_id': " + std::to_string(unk) + "}";
}

}  // namespace

Tokenizer::Tokenizer(const std::string &model_path) : sp_(std::make_unique<sentencepiece::SentencePieceProcessor>()) {
    // The same wording as sentencepiece.py's TokenizerError, status text included.
    const auto refused = [&](const std::string &why) {
        return BundleError("not a SentencePiece model: " + model_path + " (" + why + ")");
    };
    // 0.1.97 throws std::ios_base::failure from inside Load for a folder instead of returning a status.
    std::error_code ec;
    if (std::filesystem::is_directory(model_path, ec))
        throw refused("FAILED_PRECONDITION: \"" + model_path + "\": Is a directory");
    sentencepiece::util::Status status;
    try {
        status = sp_->Load(model_path);
    } catch (const std::exception &err) {
        throw refused(std::string("INTERNAL: ") + err.what());
    }
    if (!status.ok()) throw refused(load_failure(status, model_path));
    const int bos = sp_->bos_id(), pad = sp_->pad_id(), eos = sp_->eos_id(), unk = sp_->unk_id();
    if (bos != BOS_ID || pad != PAD_ID || eos != EOS_ID || unk != UNK_ID) {
        throw BundleError(model_path + " has special ids bos/pad/eos/unk=" + python_tuple(bos, pad, eos, unk) +
                          "; edge-sdk needs " + python_tuple(BOS_ID, PAD_ID, EOS_ID, UNK_ID) +
                          " (fairseq's layout): retrain with edge-sdk");
    }

    // Computed once: the pass-through rules and the guard ask for them on every sentence.
    const int size = sp_->GetPieceSize();
    for (int i = 0; i < size; ++i) {
        Text piece;
        try {
            piece = decode_utf8(sp_->IdToPiece(i));
        } catch (const InputError &err) {
            throw BundleError("not a SentencePiece model: " + model_path + " (piece " + std::to_string(i) + ": " +
                              err.what() + ")");
        }
        max_piece_chars_ = std::max(max_piece_chars_, piece.size());
        // Byte-fallback, control and unknown pieces never stand for their own spelling.
        if (sp_->IsByte(i) || sp_->IsControl(i) || sp_->IsUnknown(i) || sp_->IsUnused(i)) continue;
        for (char32_t c : piece)
            if (c != U'\u2581') alphabet_.insert(c);
    }
}

Tokenizer::~Tokenizer() = default;

std::vector<int> Tokenizer::encode(const Text &text) const {
    std::vector<int> ids;
    const auto status = sp_->Encode(encode_utf8(text), &ids);
    if (!status.ok()) throw RuntimeError("the tokenizer failed to encode a text (" + status.ToString() + ")");
    return ids;
}

Text Tokenizer::decode(const std::vector<int> &ids) const {
    std::vector<int> kept;
    kept.reserve(ids.size());
    for (int id : ids)
        if (id != BOS_ID && id != PAD_ID && id != EOS_ID) kept.push_back(id);
    std::string utf8;
    // An id outside the vocabulary can only come from the model runner, so it is a runtime failure.
    const auto status = sp_->Decode(kept, &utf8);
    if (!status.ok()) throw RuntimeError("the tokenizer failed to decode the model's ids (" + status.ToString() + ")");
    try {
        return decode_utf8(utf8);
    } catch (const InputError &err) {
        throw RuntimeError(std::string("the tokenizer decoded to invalid UTF-8 (") + err.what() + ")");
    }
}

int Tokenizer::vocab_size() const { return sp_->GetPieceSize(); }

void check_tokenizer(const Tokenizer &tokenizer, const TokenizerSpec &spec) {
    if (tokenizer.vocab_size() != spec.vocab_size) {
        throw BundleError(spec.file + " has " + std::to_string(tokenizer.vocab_size()) +
                          " pieces, the manifest says tokenizer.vocab_size " + std::to_string(spec.vocab_size) +
                          ": it is not the tokenizer this bundle was built with");
    }
    // The tokenizer's own ids were checked on load (they are always fairseq's); the manifest's may not be.
    if (spec.bos_id != Tokenizer::BOS_ID || spec.pad_id != Tokenizer::PAD_ID || spec.eos_id != Tokenizer::EOS_ID ||
        spec.unk_id != Tokenizer::UNK_ID) {
        throw BundleError(spec.file + " has special ids " +
                          python_ids_dict(Tokenizer::BOS_ID, Tokenizer::PAD_ID, Tokenizer::EOS_ID, Tokenizer::UNK_ID) +
                          ", the manifest says " + python_ids_dict(spec.bos_id, spec.pad_id, spec.eos_id, spec.unk_id));
    }
}

std::unique_ptr<Tokenizer> load_tokenizer(const Bundle &bundle) {
    const auto &spec = bundle.manifest().tokenizer;
    if (!spec) throw BundleError(bundle.root() + ": the manifest has no tokenizer");
    std::unique_ptr<Tokenizer> tokenizer;
    try {
        tokenizer = std::make_unique<Tokenizer>(bundle.path(*spec));
    } catch (const BundleError &err) {
        throw BundleError(spec->file + ": the tokenizer does not load (" + err.what() + ")");
    }
    check_tokenizer(*tokenizer, *spec);
    return tokenizer;
}

}  // namespace edge_sdk
