// Errors inside the core are exceptions carrying the C ABI's status; abi.cpp turns them into
// edge_sdk_status + edge_sdk_last_error() so nothing is ever thrown across the boundary.
#pragma once

#include <stdexcept>
#include <string>

#include "edge_sdk.h"

namespace edge_sdk {

class Error : public std::runtime_error {
public:
    Error(edge_sdk_status status, const std::string &message) : std::runtime_error(message), status_(status) {}
    edge_sdk_status status() const noexcept { return status_; }

private:
    edge_sdk_status status_;
};

// Same wording as edge_sdk/bundle/io.py's BundleError: the message tells the user what is wrong.
struct BundleError : Error {
    explicit BundleError(const std::string &m) : Error(EDGE_SDK_ERR_BUNDLE, m) {}
};
struct InputError : Error {
    explicit InputError(const std::string &m) : Error(EDGE_SDK_ERR_INVALID_INPUT, m) {}
};
struct NotFoundError : Error {
    explicit NotFoundError(const std::string &m) : Error(EDGE_SDK_ERR_NOT_FOUND, m) {}
};
struct RuntimeError : Error {
    explicit RuntimeError(const std::string &m) : Error(EDGE_SDK_ERR_RUNTIME, m) {}
};
struct WrongModelError : Error {
    explicit WrongModelError(const std::string &m) : Error(EDGE_SDK_ERR_WRONG_MODEL, m) {}
};

}  // namespace edge_sdk
