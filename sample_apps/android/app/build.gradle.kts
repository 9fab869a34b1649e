import org.gradle.process.ExecOperations
import javax.inject.Inject

plugins {
    alias(libs.plugins.android.application)
    alias(libs.plugins.kotlin.android)
    alias(libs.plugins.kotlin.compose)
}

// `make demo` builds and verifies ../../build/grammar-corrector; an error-detector bundle (optional, for the
// cascade setting) is built with `edge-sdk build configs/detector.yaml -o build/detector`.
val repo: File = rootDir.resolve("../..").canonicalFile
val correctorBundle: File = repo.resolve("build/grammar-corrector")
val detectorBundle: File = repo.resolve("build/detector")

/** Copies the bundles into generated assets (assets/<bundle name>/), failing clearly when `make demo` has not run. */
abstract class CopyEdgeSdkBundles : DefaultTask() {
    @get:InputFiles
    abstract val bundles: ConfigurableFileCollection

    @get:Input
    abstract val assetNames: ListProperty<String>

    @get:OutputDirectory
    abstract val outputDir: DirectoryProperty

    @TaskAction
    fun copy() {
        val out = outputDir.get().asFile
        out.deleteRecursively()
        bundles.files.zip(assetNames.get()).forEach { (bundle, name) ->
            if (!bundle.resolve("manifest.json").isFile) {
                throw GradleException("${bundle.path} is not a bundle: run `make demo` in the repository first")
            }
            bundle.copyRecursively(out.resolve(name))
        }
    }
}

/** Runs `edge-sdk bindings` for the corrector bundle: the typed GrammarCorrector class the app calls. */
abstract class GenerateEdgeSdkBindings : DefaultTask() {
    @get:InputDirectory
    abstract val bundle: DirectoryProperty

    @get:Input
    abstract val edgeSdk: Property<String>

    @get:Input
    abstract val packageName: Property<String>

    @get:OutputDirectory
    abstract val outputDir: DirectoryProperty

    @get:Inject
    abstract val exec: ExecOperations

    @TaskAction
    fun generate() {
        val out = outputDir.get().asFile
        out.deleteRecursively()
        exec.exec {
            commandLine(edgeSdk.get(), "bindings", bundle.get().asFile.path, "--kotlin", "--package", packageName.get(),
                        "-o", out.path)
        }
    }
}

val copyGrammarBundle = tasks.register<CopyEdgeSdkBundles>("copyGrammarBundle") {
    bundles.from(correctorBundle)
    assetNames.add("grammar-corrector")
    if (detectorBundle.resolve("manifest.json").isFile) {
        bundles.from(detectorBundle)
        assetNames.add("error-detector")
    }
    outputDir.set(layout.buildDirectory.dir("generated/edgesdk/assets"))
}

val generateEdgeSdkBindings = tasks.register<GenerateEdgeSdkBindings>("generateEdgeSdkBindings") {
    bundle.set(correctorBundle)
    edgeSdk.set(repo.resolve(".venv/bin/edge-sdk").path)
    packageName.set("dev.edgesdk.sample.grammar")
    outputDir.set(layout.buildDirectory.dir("generated/edgesdk/kotlin"))
}

android {
    namespace = "dev.edgesdk.sample"
    compileSdk = 35
    ndkVersion = libs.versions.ndk.get()

    defaultConfig {
        applicationId = "dev.edgesdk.sample"
        minSdk = 26
        targetSdk = 35
        versionCode = 1
        versionName = "0.1.0"
        ndk {
            abiFilters += listOf("arm64-v8a", "x86_64")
        }
    }

    buildFeatures {
        compose = true
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }

    buildTypes {
        release {
            isMinifyEnabled = true
            proguardFiles(getDefaultProguardFile("proguard-android-optimize.txt"))
            signingConfig = signingConfigs.getByName("debug") // a sample: installable from CI artifacts
        }
    }
}

androidComponents {
    onVariants { variant ->
        variant.sources.assets?.addGeneratedSourceDirectory(copyGrammarBundle, CopyEdgeSdkBundles::outputDir)
        variant.sources.kotlin?.addGeneratedSourceDirectory(generateEdgeSdkBindings, GenerateEdgeSdkBindings::outputDir)
    }
}

kotlin {
    jvmToolchain(17)
}

dependencies {
    implementation(project(":edge-sdk"))
    implementation(libs.kotlinx.coroutines.android)
    implementation(platform(libs.androidx.compose.bom))
    implementation(libs.androidx.compose.material3)
    implementation(libs.androidx.compose.ui)
    implementation(libs.androidx.compose.ui.tooling.preview)
    implementation(libs.androidx.activity.compose)
    implementation(libs.androidx.lifecycle.viewmodel.compose)
    implementation(libs.androidx.lifecycle.runtime.compose)
    debugImplementation(libs.androidx.compose.ui.tooling)
}
