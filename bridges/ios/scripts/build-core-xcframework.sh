#!/usr/bin/env bash
# Builds bridges/ios/Artifacts/EdgeSDKCore.xcframework (git-ignored), the native core the Swift package
# links on Apple platforms (Package.swift uses it as soon as it exists). macOS with Xcode only.
#
#   bridges/ios/scripts/build-core-xcframework.sh [--clean] [PLATFORM...]
#
# PLATFORM: iphoneos (arm64), iphonesimulator (arm64, x86_64), macosx (arm64, x86_64); default all three.
# `... macosx` is enough for `swift test`; the sample app needs iphonesimulator (and iphoneos for devices).
#
# Each slice (platform x architecture) is its own CMake build of CMakeLists.txt next to this script:
# bridges/core with EDGE_SDK_WITH_EXECUTORCH=OFF (the Swift runners execute the model), no tests or
# fuzzers, its dependencies from ios-deps.cmake (the pinned sources Android builds), all of it merged into
# one libedge_sdk.a with `libtool -static`. Architectures of one platform are joined with lipo, and the
# platforms packed with `xcodebuild -create-xcframework` (libraries only: the package's CEdgeSDK target
# includes bridges/core/include/edge_sdk.h).
#
# Environment (all optional):
#   EDGE_SDK_IOS_BUILD           build folder (default: build/ios-core in the repository; incremental)
#   EDGE_SDK_IOS_DEPLOYMENT      iOS deployment target (default 17.0, Package.swift's platforms)
#   EDGE_SDK_MACOS_DEPLOYMENT    macOS deployment target (default 14.0)
#   EDGE_SDK_SIMULATOR_ARCHS     default "arm64 x86_64"
#   EDGE_SDK_MACOS_ARCHS         default "arm64 x86_64"
#   EDGE_SDK_BUILD_TYPE          default Release
#   CMAKE                        default: the repository's .venv/bin/cmake (pip's, >= 3.28), else cmake on PATH
#   EDGE_SDK_VERBOSE=1           stream CMake's output instead of writing it to each slice's *.log
set -euo pipefail

SCRIPTS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PACKAGE="$(cd "$SCRIPTS/.." && pwd)"
REPO="$(cd "$PACKAGE/../.." && pwd)"
OUTPUT="$PACKAGE/Artifacts/EdgeSDKCore.xcframework"
BUILD="${EDGE_SDK_IOS_BUILD:-$REPO/build/ios-core}"
IOS_DEPLOYMENT="${EDGE_SDK_IOS_DEPLOYMENT:-17.0}"
MACOS_DEPLOYMENT="${EDGE_SDK_MACOS_DEPLOYMENT:-14.0}"
SIMULATOR_ARCHS="${EDGE_SDK_SIMULATOR_ARCHS:-arm64 x86_64}"
MACOS_ARCHS="${EDGE_SDK_MACOS_ARCHS:-arm64 x86_64}"
BUILD_TYPE="${EDGE_SDK_BUILD_TYPE:-Release}"
DEPENDENCIES=(sentencepiece utf8proc mbedtls nlohmann_json hunspell)  # FetchContent names in ios-deps.cmake

die() { echo "build-core-xcframework: error: $*" >&2; exit 1; }
step() { printf '\n==> %s\n' "$*"; }

usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p;}' "${BASH_SOURCE[0]}"; }

CLEAN=0
PLATFORMS=()
for arg in "$@"; do
    case "$arg" in
        --clean) CLEAN=1 ;;
        -h|--help) usage; exit 0 ;;
        iphoneos|iphonesimulator|macosx) PLATFORMS+=("$arg") ;;
        *) die "unknown argument '$arg' (platforms: iphoneos iphonesimulator macosx; see --help)" ;;
    esac
done
[[ ${#PLATFORMS[@]} -gt 0 ]] || PLATFORMS=(iphoneos iphonesimulator macosx)

# --- tools -------------------------------------------------------------------------------------------
[[ "$(uname -s)" == Darwin ]] || die "this builds Apple binaries and needs macOS with Xcode (this is $(uname -s)); \
.github/workflows/ios.yml runs it on a macOS runner"
if ! command -v xcrun >/dev/null || ! command -v xcodebuild >/dev/null; then
    die "xcrun/xcodebuild not found: install Xcode and run \`sudo xcode-select -s /Applications/Xcode.app\`"
fi
xcodebuild -version >/dev/null 2>&1 \
    || die "xcodebuild does not work (only the Command Line Tools selected?): \`sudo xcode-select -s /Applications/Xcode.app\`"

if [[ -z "${CMAKE:-}" ]]; then
    if [[ -x "$REPO/.venv/bin/cmake" ]]; then CMAKE="$REPO/.venv/bin/cmake"; else CMAKE="$(command -v cmake || true)"; fi
fi
[[ -n "$CMAKE" && -x "$CMAKE" ]] || die "no cmake: \`brew install cmake\`, or \`.venv/bin/pip install 'cmake>=3.28'\`"
cmake_version="$("$CMAKE" --version | sed -n 's/^cmake version \([0-9][0-9.]*\).*/\1/p')"
IFS=. read -r cmake_major cmake_minor _ <<<"$cmake_version.0.0"
(( cmake_major > 3 || (cmake_major == 3 && cmake_minor >= 28) )) \
    || die "$CMAKE is CMake $cmake_version; bridges/core needs 3.28 or newer"
if command -v ninja >/dev/null; then GENERATOR=Ninja; else GENERATOR="Unix Makefiles"; fi
JOBS="$(sysctl -n hw.ncpu 2>/dev/null || echo 4)"
CC_PATH="$(xcrun --find clang)"
CXX_PATH="$(xcrun --find clang++)"

echo "Xcode:     $(xcodebuild -version | tr '\n' ' ')"
echo "CMake:     $CMAKE ($cmake_version, $GENERATOR, $JOBS jobs)"
echo "Platforms: ${PLATFORMS[*]} (iOS $IOS_DEPLOYMENT, macOS $MACOS_DEPLOYMENT, $BUILD_TYPE)"
echo "Build:     $BUILD"

# A change to the pinned dependencies (or to the slice project) starts the slices afresh: the sources
# fetched for an earlier pin are reused by path below and would otherwise be built again silently.
stamp="$(cat "$SCRIPTS/ios-deps.cmake" "$SCRIPTS/CMakeLists.txt" | shasum -a 256 | cut -d' ' -f1)"
if [[ $CLEAN -eq 1 || ( -d "$BUILD" && "$(cat "$BUILD/.inputs" 2>/dev/null || true)" != "$stamp" ) ]]; then
    echo "Removing $BUILD (--clean, or ios-deps.cmake/CMakeLists.txt changed)"
    rm -rf "$BUILD"
fi
mkdir -p "$BUILD"
echo "$stamp" >"$BUILD/.inputs"

# Runs a command into LOG (or streams it with EDGE_SDK_VERBOSE=1); on failure shows the end of the log.
logged() {
    local log="$1"; shift
    if [[ "${EDGE_SDK_VERBOSE:-0}" == 1 ]]; then
        "$@" 2>&1 | tee "$log" || die "failed: $* (log: $log)"
    elif ! "$@" >"$log" 2>&1; then
        echo "---- last lines of $log" >&2
        tail -n 40 "$log" >&2
        die "failed: $*"
    fi
}

# A slice folder whose _deps holds every dependency's source tree (fetched once, by the first slice).
sources_slice() {
    local dir name
    for dir in "$BUILD"/*/_deps; do
        [[ -d "$dir" ]] || continue
        for name in "${DEPENDENCIES[@]}"; do [[ -d "$dir/$name-src" ]] || continue 2; done
        dirname "$dir"
        return 0
    done
    return 1
}

# --- slices ------------------------------------------------------------------------------------------
SLICES=()
for platform in "${PLATFORMS[@]}"; do
    case "$platform" in
        iphoneos) archs="arm64" ;;
        iphonesimulator) archs="$SIMULATOR_ARCHS" ;;
        macosx) archs="$MACOS_ARCHS" ;;
    esac
    for arch in $archs; do SLICES+=("$platform:$arch"); done
done

started=$SECONDS
index=0
for slice in "${SLICES[@]}"; do
    index=$((index + 1))
    platform="${slice%%:*}"
    arch="${slice##*:}"
    dir="$BUILD/$platform-$arch"
    mkdir -p "$dir"
    sdk="$(xcrun --sdk "$platform" --show-sdk-path 2>/dev/null)" \
        || die "the $platform SDK is not installed in the selected Xcode ($(xcode-select -p))"
    args=(-S "$SCRIPTS" -B "$dir" -G "$GENERATOR" -Wno-dev
          -DCMAKE_BUILD_TYPE="$BUILD_TYPE"
          -DCMAKE_C_COMPILER="$CC_PATH" -DCMAKE_CXX_COMPILER="$CXX_PATH"
          -DCMAKE_OSX_SYSROOT="$sdk" -DCMAKE_OSX_ARCHITECTURES="$arch")
    case "$platform" in
        iphoneos|iphonesimulator) args+=(-DCMAKE_SYSTEM_NAME=iOS -DCMAKE_OSX_DEPLOYMENT_TARGET="$IOS_DEPLOYMENT") ;;
        macosx) args+=(-DCMAKE_OSX_DEPLOYMENT_TARGET="$MACOS_DEPLOYMENT") ;;
    esac
    if ! from="$(sources_slice)"; then
        fetched="fetching the pinned sources"
    elif [[ "$from" == "$dir" ]]; then
        fetched="its own sources"
    else
        for name in "${DEPENDENCIES[@]}"; do
            upper="$(echo "$name" | tr '[:lower:]' '[:upper:]')"
            args+=("-DFETCHCONTENT_SOURCE_DIR_$upper=$from/_deps/$name-src")
        done
        fetched="sources from $(basename "$from")"
    fi

    step "[$index/${#SLICES[@]}] $platform $arch: configure ($fetched)"
    logged "$dir/configure.log" "$CMAKE" "${args[@]}"
    step "[$index/${#SLICES[@]}] $platform $arch: build"
    logged "$dir/build.log" "$CMAKE" --build "$dir" --target edge_sdk_merged --parallel "$JOBS"

    library="$dir/libedge_sdk.a"
    [[ -f "$library" ]] || die "$library was not produced (see $dir/build.log)"
    [[ "$(xcrun lipo -archs "$library")" == "$arch" ]] \
        || die "$library is for '$(xcrun lipo -archs "$library")', not $arch"
    xcrun nm -gU "$library" 2>/dev/null | grep -q ' _edge_sdk_abi_version$' \
        || die "$library does not define the C ABI (edge_sdk_abi_version missing)"
    echo "    $library ($(du -h "$library" | cut -f1 | tr -d ' '))"
done

# --- platforms and the xcframework -------------------------------------------------------------------
step "packing $OUTPUT"
LIBRARIES=()
for platform in "${PLATFORMS[@]}"; do
    inputs=()
    for slice in "${SLICES[@]}"; do
        [[ "${slice%%:*}" == "$platform" ]] && inputs+=("$BUILD/$platform-${slice##*:}/libedge_sdk.a")
    done
    mkdir -p "$BUILD/$platform"
    if [[ ${#inputs[@]} -eq 1 ]]; then
        cp "${inputs[0]}" "$BUILD/$platform/libedge_sdk.a"
    else
        xcrun lipo -create "${inputs[@]}" -output "$BUILD/$platform/libedge_sdk.a"
    fi
    echo "    $platform: $(xcrun lipo -archs "$BUILD/$platform/libedge_sdk.a")"
    LIBRARIES+=(-library "$BUILD/$platform/libedge_sdk.a")
done

rm -rf "$OUTPUT"
mkdir -p "$(dirname "$OUTPUT")"
# A build output: ignored by git wherever the package is checked out (the folder ignores itself).
[[ -f "$(dirname "$OUTPUT")/.gitignore" ]] || echo '*' >"$(dirname "$OUTPUT")/.gitignore"
logged "$BUILD/xcframework.log" xcodebuild -create-xcframework "${LIBRARIES[@]}" -output "$OUTPUT"
[[ -f "$OUTPUT/Info.plist" ]] || die "xcodebuild did not write $OUTPUT/Info.plist (see $BUILD/xcframework.log)"

echo
echo "Built $OUTPUT in $((SECONDS - started)) s:"
for library in "$OUTPUT"/*/libedge_sdk.a; do
    printf '    %-36s %-14s %s\n' "$(basename "$(dirname "$library")")" "$(xcrun lipo -archs "$library")" \
        "$(du -h "$library" | cut -f1 | tr -d ' ')"
done
echo "The Swift package links it from now on (bridges/ios/Package.swift); \`swift test\` in bridges/ios uses the macOS slice."
