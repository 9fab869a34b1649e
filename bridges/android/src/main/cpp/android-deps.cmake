# The core's dependencies for one Android ABI, built from pinned sources with the NDK toolchain Gradle
# passes in (included by CMakeLists.txt when ANDROID). Provides what bridges/core/CMakeLists.txt uses
# with EDGE_SDK_PROVIDED_DEPENDENCIES=ON:
#   edge_sdk::sentencepiece  edge_sdk::utf8proc  edge_sdk::mbedcrypto  nlohmann_json::nlohmann_json
#   executorch::runtime  executorch::kernels_optimized  executorch::backend_xnnpack  EXECUTORCH_INCLUDE_DIRS
# Versions: Debian bookworm's for the libraries the host build links (the golden replay proves those),
# and ExecuTorch 1.5.1, the version the bundles are exported and verified with.
# Not buildable on the repository's Linux machines (no NDK): .github/workflows/android.yml builds it.
include(FetchContent)
set(FETCHCONTENT_QUIET OFF)
set(BUILD_SHARED_LIBS OFF)
set(CMAKE_POSITION_INDEPENDENT_CODE ON)

FetchContent_Declare(sentencepiece GIT_REPOSITORY https://github.com/google/sentencepiece.git GIT_TAG v0.1.97
  GIT_SHALLOW TRUE)
set(SPM_ENABLE_SHARED OFF CACHE BOOL "" FORCE)
set(SPM_ENABLE_TCMALLOC OFF CACHE BOOL "" FORCE)
set(SPM_BUILD_TEST OFF CACHE BOOL "" FORCE)

FetchContent_Declare(utf8proc GIT_REPOSITORY https://github.com/JuliaStrings/utf8proc.git GIT_TAG v2.8.0
  GIT_SHALLOW TRUE)
set(UTF8PROC_ENABLE_TESTING OFF CACHE BOOL "" FORCE)

FetchContent_Declare(mbedtls GIT_REPOSITORY https://github.com/Mbed-TLS/mbedtls.git GIT_TAG v2.28.8
  GIT_SHALLOW TRUE)
set(ENABLE_PROGRAMS OFF CACHE BOOL "" FORCE)
set(ENABLE_TESTING OFF CACHE BOOL "" FORCE)
set(USE_SHARED_MBEDTLS_LIBRARY OFF CACHE BOOL "" FORCE)

FetchContent_Declare(nlohmann_json URL https://github.com/nlohmann/json/releases/download/v3.11.2/json.tar.xz)
set(JSON_BuildTests OFF CACHE BOOL "" FORCE)

# Checked out into a folder named "executorch": its headers are included as <executorch/...>.
FetchContent_Declare(executorch GIT_REPOSITORY https://github.com/pytorch/executorch.git GIT_TAG v1.5.1
  GIT_SHALLOW TRUE GIT_SUBMODULES_RECURSE TRUE SOURCE_DIR "${CMAKE_BINARY_DIR}/third-party/executorch")
set(EXECUTORCH_BUILD_XNNPACK ON CACHE BOOL "" FORCE)
set(EXECUTORCH_BUILD_KERNELS_OPTIMIZED ON CACHE BOOL "" FORCE)
set(EXECUTORCH_BUILD_EXTENSION_MODULE ON CACHE BOOL "" FORCE)
set(EXECUTORCH_BUILD_EXTENSION_DATA_LOADER ON CACHE BOOL "" FORCE)
set(EXECUTORCH_BUILD_EXTENSION_FLAT_TENSOR ON CACHE BOOL "" FORCE)
set(EXECUTORCH_BUILD_EXTENSION_TENSOR ON CACHE BOOL "" FORCE)
set(EXECUTORCH_BUILD_EXTENSION_NAMED_DATA_MAP ON CACHE BOOL "" FORCE)
set(EXECUTORCH_BUILD_PTHREADPOOL ON CACHE BOOL "" FORCE)
set(EXECUTORCH_BUILD_CPUINFO ON CACHE BOOL "" FORCE)
set(EXECUTORCH_BUILD_EXECUTOR_RUNNER OFF CACHE BOOL "" FORCE)
set(EXECUTORCH_BUILD_TESTS OFF CACHE BOOL "" FORCE)
set(EXECUTORCH_BUILD_ANDROID_JNI OFF CACHE BOOL "" FORCE) # our JNI glue, not ExecuTorch's Java API

FetchContent_MakeAvailable(sentencepiece utf8proc mbedtls nlohmann_json executorch)

add_library(edge_sdk_dep_sentencepiece INTERFACE)
target_link_libraries(edge_sdk_dep_sentencepiece INTERFACE sentencepiece-static)
target_include_directories(edge_sdk_dep_sentencepiece INTERFACE "${sentencepiece_SOURCE_DIR}/src")
add_library(edge_sdk::sentencepiece ALIAS edge_sdk_dep_sentencepiece)
add_library(edge_sdk::utf8proc ALIAS utf8proc)
add_library(edge_sdk_dep_mbedcrypto INTERFACE)
target_link_libraries(edge_sdk_dep_mbedcrypto INTERFACE mbedcrypto)
target_include_directories(edge_sdk_dep_mbedcrypto INTERFACE "${mbedtls_SOURCE_DIR}/include")
add_library(edge_sdk::mbedcrypto ALIAS edge_sdk_dep_mbedcrypto)

# Backends and kernels register themselves from static initialisers: link them whole or XNNPACK and the
# optimized kernels are silently missing.
add_library(edge_sdk_dep_executorch_runtime INTERFACE)
target_link_libraries(edge_sdk_dep_executorch_runtime INTERFACE executorch extension_module_static
  extension_data_loader extension_tensor extension_threadpool)
add_library(executorch::runtime ALIAS edge_sdk_dep_executorch_runtime)
add_library(edge_sdk_dep_executorch_kernels INTERFACE)
target_link_libraries(edge_sdk_dep_executorch_kernels INTERFACE "$<LINK_LIBRARY:WHOLE_ARCHIVE,optimized_native_cpu_ops_lib>")
add_library(executorch::kernels_optimized ALIAS edge_sdk_dep_executorch_kernels)
add_library(edge_sdk_dep_executorch_xnnpack INTERFACE)
target_link_libraries(edge_sdk_dep_executorch_xnnpack INTERFACE "$<LINK_LIBRARY:WHOLE_ARCHIVE,xnnpack_backend>")
add_library(executorch::backend_xnnpack ALIAS edge_sdk_dep_executorch_xnnpack)
set(EXECUTORCH_INCLUDE_DIRS "${CMAKE_BINARY_DIR}/third-party" "${executorch_SOURCE_DIR}/runtime/core/portable_type/c10")
set(EXECUTORCH_COMPILE_DEFINITIONS C10_USING_CUSTOM_GENERATED_MACROS)
set(EDGE_SDK_PROVIDED_DEPENDENCIES ON CACHE BOOL "" FORCE)
