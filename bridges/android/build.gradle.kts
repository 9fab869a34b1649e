// dev.edgesdk: the Kotlin layer over the edge-sdk native core (src/main/kotlin), its JNI glue and the core
// itself built for each ABI (src/main/cpp, externalNativeBuild). Kotlin under src/main/kotlin/dev/edgesdk/android
// needs android.jar; everything else is also compiled and tested on a host JVM (`make android-test`).
plugins {
    alias(libs.plugins.android.library)
    alias(libs.plugins.kotlin.android)
}

// Optional, for CI and repeated builds (-P on the command line or gradle.properties):
//   edgeSdk.executorchSource  a checkout of ExecuTorch v1.5.1 with its submodules, copied per ABI instead of
//                             cloned (src/main/cpp/android-deps.cmake; the workflow prepares and caches one)
//   edgeSdk.python            a Python with torch and PyYAML for ExecuTorch's kernel code generation
//                             (default: the repository's .venv/bin/python, made by `make demo`)
val nativeBuildArguments: List<String> = listOfNotNull(
    providers.gradleProperty("edgeSdk.executorchSource").orNull?.let { "-DEDGE_SDK_EXECUTORCH_SOURCE=$it" },
    providers.gradleProperty("edgeSdk.python").orNull?.let { "-DPYTHON_EXECUTABLE=$it" },
)

android {
    namespace = "dev.edgesdk"
    compileSdk = 35
    ndkVersion = libs.versions.ndk.get()

    defaultConfig {
        minSdk = 26 // ExecuTorch's native code is built for API 26
        consumerProguardFiles("consumer-rules.pro")
        ndk {
            abiFilters += listOf("arm64-v8a", "x86_64")
        }
        externalNativeBuild {
            cmake {
                // c++_shared: two C++ libraries (libedge_sdk.so, libedge_sdk_jni.so) in one process
                arguments += listOf("-DANDROID_STL=c++_shared", "-DEDGE_SDK_BUILD_TESTS=OFF", "-DEDGE_SDK_JNI_WERROR=ON") +
                    nativeBuildArguments
                // Only these are built and packaged (ExecuTorch's and the dependencies' other targets are not).
                targets += listOf("edge_sdk_jni", "edge_sdk")
            }
        }
    }

    externalNativeBuild {
        cmake {
            path = file("src/main/cpp/CMakeLists.txt")
            version = libs.versions.cmake.get() // the core needs CMake >= 3.28
        }
    }

    buildTypes {
        release {
            isMinifyEnabled = false // a library: apps shrink, with consumer-rules.pro
        }
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }

    testOptions {
        unitTests.all { test ->
            test.useJUnitPlatform()
            // The host tests need the JNI glue built for the host and real bundles: `make android-test` runs
            // them with these set; pass the same dev.edgesdk.* properties with -P to run them from Gradle.
            project.properties.filterKeys { it.startsWith("dev.edgesdk.") }
                .forEach { (key, value) -> test.systemProperty(key, value.toString()) }
        }
    }

    publishing {
        singleVariant("release") { withSourcesJar() }
    }
}

kotlin {
    explicitApi()
    jvmToolchain(17)
    compilerOptions {
        allWarningsAsErrors.set(true)
    }
}

dependencies {
    implementation(libs.kotlinx.coroutines.core)
    testImplementation(libs.junit.jupiter)
    testImplementation(libs.kotlin.test.junit5)
    testImplementation(libs.gson)
    testRuntimeOnly(libs.junit.platform.launcher)
}
