// The sample app and the edge-sdk library module it uses, built together. One version catalog for both:
// the library's (bridges/android/gradle/libs.versions.toml).
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}
dependencyResolutionManagement {
    repositoriesMode.set(RepositoriesMode.FAIL_ON_PROJECT_REPOS)
    repositories {
        google()
        mavenCentral()
    }
    versionCatalogs {
        create("libs") {
            from(files("../../bridges/android/gradle/libs.versions.toml"))
        }
    }
}
rootProject.name = "edge-sdk-sample"
include(":app")
include(":edge-sdk")
project(":edge-sdk").projectDir = file("../../bridges/android")
