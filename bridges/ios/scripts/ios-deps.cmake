# The core's dependencies for one Apple slice (iphoneos, iphonesimulator or macosx; one architecture),
# built from pinned sources with the toolchain the slice is configured with. Included by CMakeLists.txt
# next to it before add_subdirectory(bridges/core). Defines what bridges/core/CMakeLists.txt links with
# EDGE_SDK_PROVIDED_DEPENDENCIES=ON (set here):
#   edge_sdk::sentencepiece  edge_sdk::utf8proc  edge_sdk::mbedcrypto  edge_sdk::nlohmann_json  edge_sdk::hunspell
# and EDGE_SDK_DEPENDENCY_ARCHIVES, the static library targets merged into libedge_sdk.a.
#
# The same sources as Android (bridges/android/src/main/cpp/android-deps.cmake, not shared because that
# file also builds ExecuTorch): SentencePiece 0.1.97, utf8proc 2.8.0, nlohmann-json 3.11.2 and Hunspell
# 1.7.1 as Debian bookworm gives the host build the golden replay proves, mbedTLS 2.28.10 (only SHA-256 is used). The
# pins are checked against android-deps.cmake below, so the two platforms cannot drift apart silently.
# No ExecuTorch: on Apple platforms the Swift package's runners execute the model (ExecuTorch's Swift
# package, Core ML) through the core's callback runner, so the core is built with EDGE_SDK_WITH_EXECUTORCH=OFF.
# Not buildable on the repository's Linux machines (no Xcode): .github/workflows/ios.yml builds it.
include(FetchContent)
set(FETCHCONTENT_QUIET OFF)
set(BUILD_SHARED_LIBS OFF)
set(BUILD_TESTING OFF CACHE BOOL "" FORCE)
set(CMAKE_POSITION_INDEPENDENT_CODE ON)
# SentencePiece, utf8proc and mbedTLS 2.28 declare cmake_minimum_required(< 3.5).
set(CMAKE_POLICY_VERSION_MINIMUM 3.5)

# One place for the pins; the declarations and the drift check below read them.
set(_edge_sdk_sentencepiece_git https://github.com/google/sentencepiece.git)
set(_edge_sdk_sentencepiece_tag v0.1.97)  # 58f256cf6f01bb86e6fa634a5cc560de5bd1667d
set(_edge_sdk_utf8proc_git https://github.com/JuliaStrings/utf8proc.git)
set(_edge_sdk_utf8proc_tag v2.8.0)
set(_edge_sdk_mbedtls_git https://github.com/Mbed-TLS/mbedtls.git)
set(_edge_sdk_mbedtls_tag v2.28.10)  # 2fc8413bfcb51354c8e679141b17b3f1a5942561, the last 2.28 LTS release
set(_edge_sdk_hunspell_git https://github.com/hunspell/hunspell.git)
set(_edge_sdk_hunspell_tag v1.7.1)  # 1180421f50f211984211e968eb6801ffd3390b8f, Debian bookworm's libhunspell-1.7-0
set(_edge_sdk_json_url https://github.com/nlohmann/json/releases/download/v3.11.2/json.tar.xz)
set(_edge_sdk_json_sha256 8c4b26bf4b422252e13f332bc5e388ec0ab5c3443d24399acb675e68278d341f)

set(_edge_sdk_android_deps "${CMAKE_CURRENT_LIST_DIR}/../../android/src/main/cpp/android-deps.cmake")
if(EXISTS "${_edge_sdk_android_deps}")
  file(READ "${_edge_sdk_android_deps}" _edge_sdk_android)
  foreach(dep sentencepiece utf8proc mbedtls hunspell)
    string(REGEX MATCH "GIT_REPOSITORY ${_edge_sdk_${dep}_git}[ \t\r\n]+GIT_TAG ([^ \t\r\n]+)" _match "${_edge_sdk_android}")
    if(NOT CMAKE_MATCH_1 STREQUAL _edge_sdk_${dep}_tag)
      message(FATAL_ERROR "ios-deps.cmake pins ${dep} ${_edge_sdk_${dep}_tag} but android-deps.cmake has "
        "'${CMAKE_MATCH_1}': both platforms must build the same sources (update both files together)")
    endif()
  endforeach()
  string(REGEX MATCH "URL ${_edge_sdk_json_url}[ \t\r\n]+URL_HASH SHA256=([0-9a-f]+)" _match "${_edge_sdk_android}")
  if(NOT CMAKE_MATCH_1 STREQUAL _edge_sdk_json_sha256)
    message(FATAL_ERROR "ios-deps.cmake pins nlohmann-json ${_edge_sdk_json_url} (SHA-256 ${_edge_sdk_json_sha256}) "
      "but android-deps.cmake has another URL or hash: update both files together")
  endif()
endif()

# SYSTEM: their headers are system headers for the core (its warning flags stay on its own code);
# EXCLUDE_FROM_ALL: only what the core links is built.
FetchContent_Declare(sentencepiece SYSTEM EXCLUDE_FROM_ALL
  GIT_REPOSITORY ${_edge_sdk_sentencepiece_git}
  GIT_TAG ${_edge_sdk_sentencepiece_tag}
  GIT_SHALLOW TRUE)
set(SPM_ENABLE_SHARED OFF CACHE BOOL "" FORCE)
set(SPM_ENABLE_TCMALLOC OFF CACHE BOOL "" FORCE)
set(SPM_BUILD_TEST OFF CACHE BOOL "" FORCE)
set(SPM_USE_BUILTIN_PROTOBUF ON CACHE BOOL "" FORCE)

FetchContent_Declare(utf8proc SYSTEM EXCLUDE_FROM_ALL
  GIT_REPOSITORY ${_edge_sdk_utf8proc_git}
  GIT_TAG ${_edge_sdk_utf8proc_tag}
  GIT_SHALLOW TRUE)
set(UTF8PROC_ENABLE_TESTING OFF CACHE BOOL "" FORCE)
set(UTF8PROC_INSTALL OFF CACHE BOOL "" FORCE)

FetchContent_Declare(mbedtls SYSTEM EXCLUDE_FROM_ALL
  GIT_REPOSITORY ${_edge_sdk_mbedtls_git}
  GIT_TAG ${_edge_sdk_mbedtls_tag}
  GIT_SHALLOW TRUE)
set(ENABLE_PROGRAMS OFF CACHE BOOL "" FORCE)
set(ENABLE_TESTING OFF CACHE BOOL "" FORCE)
set(USE_STATIC_MBEDTLS_LIBRARY ON CACHE BOOL "" FORCE)
set(USE_SHARED_MBEDTLS_LIBRARY OFF CACHE BOOL "" FORCE)
set(MBEDTLS_FATAL_WARNINGS OFF CACHE BOOL "" FORCE) # ON by default: -Werror under a newer Apple clang

# Headers only: the release tarball has no CMakeLists.txt in include/, so MakeAvailable only downloads.
FetchContent_Declare(nlohmann_json
  URL ${_edge_sdk_json_url}
  URL_HASH SHA256=${_edge_sdk_json_sha256}
  DOWNLOAD_EXTRACT_TIMESTAMP TRUE
  SOURCE_SUBDIR include)

# Hunspell builds with autotools only upstream: its library's sources are compiled below.
FetchContent_Declare(hunspell SYSTEM EXCLUDE_FROM_ALL
  GIT_REPOSITORY ${_edge_sdk_hunspell_git}
  GIT_TAG ${_edge_sdk_hunspell_tag}
  GIT_SHALLOW TRUE
  SOURCE_SUBDIR src/hunspell) # no CMakeLists.txt there: FetchContent_MakeAvailable only downloads

# build-core-xcframework.sh fetches the sources once, for its first slice, and points the others at
# them with FETCHCONTENT_SOURCE_DIR_<NAME> (nothing here writes into a source tree).
FetchContent_MakeAvailable(sentencepiece utf8proc mbedtls nlohmann_json hunspell)

add_library(edge_sdk_dep_sentencepiece INTERFACE)
target_link_libraries(edge_sdk_dep_sentencepiece INTERFACE sentencepiece-static)
target_include_directories(edge_sdk_dep_sentencepiece SYSTEM INTERFACE "${sentencepiece_SOURCE_DIR}/src")
add_library(edge_sdk::sentencepiece ALIAS edge_sdk_dep_sentencepiece)
add_library(edge_sdk::utf8proc ALIAS utf8proc) # carries its include folder and UTF8PROC_STATIC
add_library(edge_sdk_dep_mbedcrypto INTERFACE)
target_link_libraries(edge_sdk_dep_mbedcrypto INTERFACE mbedcrypto)
target_include_directories(edge_sdk_dep_mbedcrypto SYSTEM INTERFACE "${mbedtls_SOURCE_DIR}/include")
add_library(edge_sdk::mbedcrypto ALIAS edge_sdk_dep_mbedcrypto)
add_library(edge_sdk_dep_nlohmann_json INTERFACE)
target_include_directories(edge_sdk_dep_nlohmann_json SYSTEM INTERFACE "${nlohmann_json_SOURCE_DIR}/include")
add_library(edge_sdk::nlohmann_json ALIAS edge_sdk_dep_nlohmann_json)
add_library(edge_sdk_dep_hunspell STATIC)
foreach(source affentry.cxx affixmgr.cxx csutil.cxx filemgr.cxx hashmgr.cxx hunspell.cxx hunzip.cxx phonet.cxx replist.cxx suggestmgr.cxx)
  target_sources(edge_sdk_dep_hunspell PRIVATE "${hunspell_SOURCE_DIR}/src/hunspell/${source}")
endforeach()
# hunvisapi.h is committed upstream: HUNSPELL_STATIC empties its export macro (nothing of it is exported).
target_compile_definitions(edge_sdk_dep_hunspell PUBLIC HUNSPELL_STATIC PRIVATE BUILDING_LIBHUNSPELL)
target_include_directories(edge_sdk_dep_hunspell SYSTEM INTERFACE "${hunspell_SOURCE_DIR}/src/hunspell")
add_library(edge_sdk::hunspell ALIAS edge_sdk_dep_hunspell)

# The archives libedge_sdk.a takes besides the core's own (SentencePiece's includes its protobuf-lite).
set(EDGE_SDK_DEPENDENCY_ARCHIVES sentencepiece-static utf8proc mbedcrypto edge_sdk_dep_hunspell)
set(EDGE_SDK_PROVIDED_DEPENDENCIES ON CACHE BOOL "" FORCE)
