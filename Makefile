# Set-up is part of every target: a fresh clone needs only `make demo` or `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
SDK := $(VENV)/bin/edge-sdk
# CI (CI=true) runs the representative subset on small configs; full-size exports are marked slow.
ifeq ($(CI),true)
PYTEST_ARGS ?= -m "not slow and not macos"
endif

CMAKE := $(VENV)/bin/cmake
CORE_BUILD := build/core
# Debian packages the native core builds with (bridges/core/CMakeLists.txt); clang for the fuzzers.
NATIVE_DEPS := libsentencepiece-dev nlohmann-json3-dev libutf8proc-dev libmbedtls-dev libhunspell-dev libgtest-dev clang \
	libclang-rt-14-dev pkg-config

.PHONY: install native-deps core core-fuzz jvm-deps kotlin-tools android-jni android-test swift-tools ios-test demo test \
	lint clean

# The Android layer's host tests (tests/android): Kotlin from npm, JUnit 5 and Gson from Debian, the JNI glue
# built against build/core for this machine. Cached in build/tools between runs.
KOTLIN_VERSION := 2.4.20
KOTLIN_HOME := build/tools/kotlin-$(KOTLIN_VERSION)
KOTLINC := $(KOTLIN_HOME)/node_modules/kotlin-compiler/bin/kotlinc
JVM_DEPS := openjdk-17-jdk-headless junit5 libgoogle-gson-java
ANDROID_JNI_BUILD := build/android-jni

install: $(VENV)/.installed

# Installed once per machine (CI: a fresh one per run); a no-op when every package is there.
native-deps:
	@dpkg -s $(NATIVE_DEPS) >/dev/null 2>&1 || { \
		echo "installing the native core's Debian packages: $(NATIVE_DEPS)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			$(NATIVE_DEPS) >/dev/null; }

# The native core against the ExecuTorch libraries of the installed executorch wheel, warnings as errors.
core: install native-deps
	$(CMAKE) -S bridges/core -B $(CORE_BUILD) -DCMAKE_BUILD_TYPE=Release -DEDGE_SDK_WERROR=ON \
		-DEXECUTORCH_ROOT="$$($(PY) -c 'import executorch; print(list(executorch.__path__)[0])')" >/dev/null
	$(CMAKE) --build $(CORE_BUILD) -j$$(nproc)

# libFuzzer builds (clang, ASan + UBSan) of the manifest parser and of correct().
core-fuzz: install native-deps
	$(CMAKE) -S bridges/core -B build/core-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEDGE_SDK_BUILD_FUZZERS=ON \
		-DEDGE_SDK_BUILD_TESTS=OFF -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
		-DEXECUTORCH_ROOT="$$($(PY) -c 'import executorch; print(list(executorch.__path__)[0])')" >/dev/null
	$(CMAKE) --build build/core-fuzz -j$$(nproc) --target fuzz_manifest fuzz_correct

jvm-deps:
	@dpkg -s $(JVM_DEPS) >/dev/null 2>&1 || { \
		echo "installing the JVM test dependencies: $(JVM_DEPS)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			$(JVM_DEPS) >/dev/null; }
	@command -v npm >/dev/null || { echo "installing npm (for kotlin-compiler)"; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends npm >/dev/null; }

$(KOTLINC):
	npm install --prefix $(KOTLIN_HOME) --no-audit --no-fund --loglevel=error kotlin-compiler@$(KOTLIN_VERSION)

kotlin-tools: jvm-deps $(KOTLINC)

# libedge_sdk_jni.so for this machine's JVM, linked to build/core/libedge_sdk.so.
android-jni: core jvm-deps
	$(CMAKE) -S bridges/android/src/main/cpp -B $(ANDROID_JNI_BUILD) -DCMAKE_BUILD_TYPE=Release \
		-DEDGE_SDK_PREBUILT_CORE="$(CURDIR)/$(CORE_BUILD)" -DEDGE_SDK_JNI_WERROR=ON >/dev/null
	$(CMAKE) --build $(ANDROID_JNI_BUILD) -j$$(nproc)

# The Kotlin library's tests on the host JVM against the real core and default bundle.
android-test: install android-jni kotlin-tools
	$(PY) -m pytest -ra tests/android $(PYTEST_ARGS)

# The iOS layer's tests (tests/ios): Swift 6 in a Debian trixie chroot (Debian bookworm has no Swift 6),
# set up once (about 1-2 minutes, 3 GB) and cached outside the clone (~/.cache/edge-sdk/swift-trixie).
SWIFT_CHROOT := bridges/ios/tools/swift-chroot

swift-tools:
	@$(SWIFT_CHROOT) setup

# The Swift package's tests against the real core and default bundle.
ios-test: install core swift-tools
	$(PY) -m pytest -ra tests/ios $(PYTEST_ARGS)

# torch==2.13.0 is named in the same pip run so pip takes the CPU wheel instead of a CUDA build.
$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet "torch==2.13.0" -e ".[dev]"
	touch $@

demo: install native-deps
	$(SDK) build
	$(SDK) verify build/grammar-corrector
	$(SDK) run --bundle build/grammar-corrector --quantization int8 \
		"I has a apple and two banana." "We was going to the park yesterday." \
		"He don't like the the movie." "The informations are very usefull." "This sentence is already correct."

# tests/core drives the core's ctest suites, the golden replay and the fuzzers against builds from
# `core` and `core-fuzz`.
test: install core core-fuzz android-jni kotlin-tools swift-tools
	$(VENV)/bin/ruff check edge_sdk tests benchmarks
	$(PY) -m pytest -ra $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check edge_sdk tests benchmarks

clean:
	@$(SWIFT_CHROOT) unmount
	rm -rf build $(VENV) bridges/ios/.build bridges/ios/Artifacts
