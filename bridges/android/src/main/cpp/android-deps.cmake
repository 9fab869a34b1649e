# The core's dependencies for one Android ABI, built from pinned sources with the NDK toolchain Gradle
# passes in. Included by CMakeLists.txt when ANDROID, before add_subdirectory(bridges/core). Defines what
# bridges/core/CMakeLists.txt links with EDGE_SDK_PROVIDED_DEPENDENCIES=ON (set here):
#   edge_sdk::sentencepiece  edge_sdk::utf8proc  edge_sdk::mbedcrypto  edge_sdk::nlohmann_json  edge_sdk::hunspell
#   executorch::runtime  executorch::kernels_optimized  executorch::backend_xnnpack
#   EXECUTORCH_INCLUDE_DIRS  EXECUTORCH_COMPILE_DEFINITIONS
# Versions: the ones Debian bookworm gives the host build (which the golden replay proves) for
# SentencePiece 0.1.97, utf8proc 2.8.0, nlohmann-json 3.11.2 and Hunspell 1.7.1; mbedTLS from the same 2.28 LTS line
# (Debian has 2.28.3 with backported fixes; only SHA-256 is used); ExecuTorch 1.5.1, the version the
# bundles are exported and verified with (the `executorch` wheel).
# Not buildable on the repository's Linux machines (no NDK): .github/workflows/android.yml builds it.
include(FetchContent)
set(FETCHCONTENT_QUIET OFF)
set(BUILD_SHARED_LIBS OFF)
set(BUILD_TESTING OFF CACHE BOOL "" FORCE)
set(CMAKE_POSITION_INDEPENDENT_CODE ON)
# SentencePiece, utf8proc and mbedTLS 2.28 declare cmake_minimum_required(< 3.5).
set(CMAKE_POLICY_VERSION_MINIMUM 3.5)
set(_edge_sdk_repo "${CMAKE_CURRENT_LIST_DIR}/../../../../..")

# SYSTEM: their headers are system headers for the core (its warning flags stay on its own code);
# EXCLUDE_FROM_ALL: only what the core links is built.
# Tags are immutable releases; the commits they point at are noted for review.
FetchContent_Declare(sentencepiece SYSTEM EXCLUDE_FROM_ALL
  GIT_REPOSITORY https://github.com/google/sentencepiece.git
  GIT_TAG v0.1.97 # 58f256cf6f01bb86e6fa634a5cc560de5bd1667d
  GIT_SHALLOW TRUE)
set(SPM_ENABLE_SHARED OFF CACHE BOOL "" FORCE)
set(SPM_ENABLE_TCMALLOC OFF CACHE BOOL "" FORCE)
set(SPM_BUILD_TEST OFF CACHE BOOL "" FORCE)
set(SPM_USE_BUILTIN_PROTOBUF ON CACHE BOOL "" FORCE)

FetchContent_Declare(utf8proc SYSTEM EXCLUDE_FROM_ALL
  GIT_REPOSITORY https://github.com/JuliaStrings/utf8proc.git
  GIT_TAG v2.8.0
  GIT_SHALLOW TRUE)
set(UTF8PROC_ENABLE_TESTING OFF CACHE BOOL "" FORCE)
set(UTF8PROC_INSTALL OFF CACHE BOOL "" FORCE)

FetchContent_Declare(mbedtls SYSTEM EXCLUDE_FROM_ALL
  GIT_REPOSITORY https://github.com/Mbed-TLS/mbedtls.git
  GIT_TAG v2.28.10 # 2fc8413bfcb51354c8e679141b17b3f1a5942561, the last 2.28 LTS release
  GIT_SHALLOW TRUE)
set(ENABLE_PROGRAMS OFF CACHE BOOL "" FORCE)
set(ENABLE_TESTING OFF CACHE BOOL "" FORCE)
set(USE_STATIC_MBEDTLS_LIBRARY ON CACHE BOOL "" FORCE)
set(USE_SHARED_MBEDTLS_LIBRARY OFF CACHE BOOL "" FORCE)
set(MBEDTLS_FATAL_WARNINGS OFF CACHE BOOL "" FORCE) # ON by default: -Werror under a newer NDK clang

# Headers only, and not added as a subdirectory: ExecuTorch adds its own vendored nlohmann-json
# (third-party/json) as the target nlohmann_json, so the core links this copy under its own name.
FetchContent_Declare(nlohmann_json
  URL https://github.com/nlohmann/json/releases/download/v3.11.2/json.tar.xz
  URL_HASH SHA256=8c4b26bf4b422252e13f332bc5e388ec0ab5c3443d24399acb675e68278d341f
  DOWNLOAD_EXTRACT_TIMESTAMP TRUE
  SOURCE_SUBDIR include) # no CMakeLists.txt there: FetchContent_MakeAvailable only downloads

# Hunspell for the spelling stage: the release of Debian bookworm's libhunspell-1.7-0, which the host
# core and the Python reference (ctypes) load, so the golden replay proves these suggestions (1.7.2
# rewrote much of the suggestion code: another release may propose other words). Upstream builds with
# autotools only; the library's sources (src/hunspell/Makefile.am's list) are compiled below.
FetchContent_Declare(hunspell SYSTEM EXCLUDE_FROM_ALL
  GIT_REPOSITORY https://github.com/hunspell/hunspell.git
  GIT_TAG v1.7.1 # 1180421f50f211984211e968eb6801ffd3390b8f
  GIT_SHALLOW TRUE
  SOURCE_SUBDIR src/hunspell) # no CMakeLists.txt there: FetchContent_MakeAvailable only downloads

# ExecuTorch. Each ABI needs its own source tree (its flatcc build writes libraries into the source
# tree), checked out into a folder named "executorch" because its headers are included as
# <executorch/...>. EDGE_SDK_EXECUTORCH_SOURCE (Gradle property edgeSdk.executorchSource) names a
# prepared checkout of v1.5.1 with the submodules below, which is copied instead of cloned: the
# workflow prepares it once and caches it.
set(_edge_sdk_executorch_dir "${CMAKE_BINARY_DIR}/third-party/executorch")
set(EDGE_SDK_EXECUTORCH_SOURCE "" CACHE PATH "A checkout of ExecuTorch v1.5.1 with its submodules to copy")
if(EDGE_SDK_EXECUTORCH_SOURCE AND NOT FETCHCONTENT_SOURCE_DIR_EXECUTORCH)
  if(NOT EXISTS "${EDGE_SDK_EXECUTORCH_SOURCE}/backends/xnnpack/third-party/XNNPACK/CMakeLists.txt")
    message(FATAL_ERROR "EDGE_SDK_EXECUTORCH_SOURCE=${EDGE_SDK_EXECUTORCH_SOURCE} is not an ExecuTorch checkout with submodules")
  endif()
  if(NOT EXISTS "${_edge_sdk_executorch_dir}/CMakeLists.txt")
    file(REMOVE_RECURSE "${_edge_sdk_executorch_dir}.partial")
    file(COPY "${EDGE_SDK_EXECUTORCH_SOURCE}/" DESTINATION "${_edge_sdk_executorch_dir}.partial"
      PATTERN ".git" EXCLUDE)
    file(RENAME "${_edge_sdk_executorch_dir}.partial" "${_edge_sdk_executorch_dir}")
  endif()
  set(FETCHCONTENT_SOURCE_DIR_EXECUTORCH "${_edge_sdk_executorch_dir}")
endif()
# The submodules the build below configures (keep in step with the workflow's checkout step).
FetchContent_Declare(executorch SYSTEM EXCLUDE_FROM_ALL
  GIT_REPOSITORY https://github.com/pytorch/executorch.git
  GIT_TAG v1.5.1
  GIT_SHALLOW TRUE
  GIT_SUBMODULES
    backends/xnnpack/third-party/XNNPACK backends/xnnpack/third-party/FP16
    backends/xnnpack/third-party/FXdiv backends/xnnpack/third-party/cpuinfo
    backends/xnnpack/third-party/pthreadpool kernels/optimized/third-party/eigen
    third-party/flatbuffers third-party/flatcc third-party/gflags third-party/json third-party/pocketfft
  GIT_SUBMODULES_RECURSE FALSE
  SOURCE_DIR "${_edge_sdk_executorch_dir}")
# Options as in ExecuTorch's tools/cmake/preset/android.cmake, limited to what the core's runner uses
# (extension/module, extension/tensor, data loader, XNNPACK, optimized kernels); a value set here
# before ExecuTorch's define_overridable_option() wins over its default.
set(EXECUTORCH_PAL_DEFAULT android CACHE STRING "" FORCE) # ET_LOG to logcat (__android_log_print)
set(EXECUTORCH_ENABLE_LOGGING ON CACHE BOOL "" FORCE)
set(EXECUTORCH_LOG_LEVEL Info CACHE STRING "" FORCE)
set(EXECUTORCH_BUILD_XNNPACK ON CACHE BOOL "" FORCE)
set(EXECUTORCH_BUILD_KERNELS_OPTIMIZED ON CACHE BOOL "" FORCE)
set(EXECUTORCH_BUILD_EXTENSION_MODULE ON CACHE BOOL "" FORCE)
set(EXECUTORCH_BUILD_EXTENSION_DATA_LOADER ON CACHE BOOL "" FORCE)
set(EXECUTORCH_BUILD_EXTENSION_FLAT_TENSOR ON CACHE BOOL "" FORCE)
set(EXECUTORCH_BUILD_EXTENSION_NAMED_DATA_MAP ON CACHE BOOL "" FORCE)
set(EXECUTORCH_BUILD_EXTENSION_TENSOR ON CACHE BOOL "" FORCE)
set(EXECUTORCH_BUILD_PTHREADPOOL ON CACHE BOOL "" FORCE)
set(EXECUTORCH_BUILD_CPUINFO ON CACHE BOOL "" FORCE)
set(EXECUTORCH_BUILD_EXECUTOR_RUNNER OFF CACHE BOOL "" FORCE)
set(EXECUTORCH_BUILD_EXTENSION_EVALUE_UTIL OFF CACHE BOOL "" FORCE)
set(EXECUTORCH_BUILD_EXTENSION_RUNNER_UTIL OFF CACHE BOOL "" FORCE)
set(EXECUTORCH_BUILD_DEVTOOLS OFF CACHE BOOL "" FORCE)
set(EXECUTORCH_BUILD_TESTS OFF CACHE BOOL "" FORCE)
set(EXECUTORCH_BUILD_ANDROID_JNI OFF CACHE BOOL "" FORCE) # our JNI glue, not ExecuTorch's Java API
# The kernel registration code is generated at build time by Python with torchgen (from torch) and
# PyYAML: the repository's .venv (`make demo`) has both. -DPYTHON_EXECUTABLE (Gradle property
# edgeSdk.python) overrides it.
if(NOT PYTHON_EXECUTABLE AND EXISTS "${_edge_sdk_repo}/.venv/bin/python")
  set(PYTHON_EXECUTABLE "${_edge_sdk_repo}/.venv/bin/python" CACHE FILEPATH "Python with torch and PyYAML" FORCE)
endif()

FetchContent_MakeAvailable(sentencepiece utf8proc mbedtls nlohmann_json hunspell executorch)
message(STATUS "edge-sdk: ExecuTorch from ${executorch_SOURCE_DIR}, Python ${PYTHON_EXECUTABLE}")

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

# The runtime, the kernels and the backend register themselves from static initialisers and must be
# linked whole, or XNNPACK and the optimized kernels are silently missing. ExecuTorch's own CMake
# attaches --whole-archive to these archives as an interface link option
# (executorch_target_link_options_shared_lib, tools/cmake/Utils.cmake); adding a second
# --whole-archive on top would load every object twice (duplicate symbols), so WHOLE_ARCHIVE is used
# only where that option is absent.
function(edge_sdk_whole_archive out target)
  get_target_property(_options ${target} INTERFACE_LINK_OPTIONS)
  if(_options MATCHES "whole-archive")
    set(${out} ${target} PARENT_SCOPE)
  else()
    set(${out} "$<LINK_LIBRARY:WHOLE_ARCHIVE,${target}>" PARENT_SCOPE)
  endif()
endfunction()
edge_sdk_whole_archive(_edge_sdk_et_runtime executorch)
edge_sdk_whole_archive(_edge_sdk_et_kernels optimized_native_cpu_ops_lib)
edge_sdk_whole_archive(_edge_sdk_et_xnnpack xnnpack_backend)

add_library(edge_sdk_dep_executorch_runtime INTERFACE)
target_link_libraries(edge_sdk_dep_executorch_runtime INTERFACE ${_edge_sdk_et_runtime}
  extension_module_static extension_data_loader extension_tensor extension_threadpool log)
add_library(executorch::runtime ALIAS edge_sdk_dep_executorch_runtime)
add_library(edge_sdk_dep_executorch_kernels INTERFACE)
target_link_libraries(edge_sdk_dep_executorch_kernels INTERFACE ${_edge_sdk_et_kernels})
add_library(executorch::kernels_optimized ALIAS edge_sdk_dep_executorch_kernels)
add_library(edge_sdk_dep_executorch_xnnpack INTERFACE)
target_link_libraries(edge_sdk_dep_executorch_xnnpack INTERFACE ${_edge_sdk_et_xnnpack})
add_library(executorch::backend_xnnpack ALIAS edge_sdk_dep_executorch_xnnpack)

# What the wheel's package config gives a consumer, for a source tree: <executorch/...> resolves
# from the folder above it, the vendored c10 headers need C10_USING_CUSTOM_GENERATED_MACROS.
cmake_path(GET executorch_SOURCE_DIR PARENT_PATH _edge_sdk_executorch_parent)
set(EXECUTORCH_INCLUDE_DIRS "${_edge_sdk_executorch_parent}" "${executorch_SOURCE_DIR}/runtime/core/portable_type/c10")
set(EXECUTORCH_COMPILE_DEFINITIONS C10_USING_CUSTOM_GENERATED_MACROS)
set(EDGE_SDK_PROVIDED_DEPENDENCIES ON CACHE BOOL "" FORCE)
