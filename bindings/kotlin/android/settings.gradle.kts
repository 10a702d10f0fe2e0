// Standalone Gradle build for the Android AAR (bindings/kotlin/android/build-aar.sh).
pluginManagement {
    repositories { google(); mavenCentral(); gradlePluginPortal() }
}
dependencyResolutionManagement {
    repositories { google(); mavenCentral() }
}
rootProject.name = "chek-android"
