// Android library module for chek (AAR): the uniffi-generated Kotlin sources and libchek_ffi.so
// for arm64-v8a, armeabi-v7a, x86_64 and x86, both laid out by build-aar.sh (cargo-ndk).
// Not built on the development machine (no Android SDK there). Same coordinates family as the
// JVM jar: dev.chek:chek-android:<version>.
plugins {
    id("com.android.library") version "8.7.3"
    id("org.jetbrains.kotlin.android") version "2.3.21"
    `maven-publish`
}

group = "dev.chek"
version = "0.1.0"

android {
    namespace = "dev.chek"
    compileSdk = 35
    defaultConfig {
        minSdk = 24
        consumerProguardFiles("consumer-rules.pro")
    }
    sourceSets["main"].apply {
        kotlin.srcDir("src/main/kotlin")
        jniLibs.srcDir("src/main/jniLibs")
    }
    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
        // The API speaks java.time (LocalDateTime, LocalDate, Instant), native from API 26; on
        // API 24-25 it comes from core library desugaring, which the app must enable as well.
        isCoreLibraryDesugaringEnabled = true
    }
    kotlinOptions { jvmTarget = "17" }
    publishing { singleVariant("release") { withSourcesJar() } }
}

dependencies {
    // JNA as an AAR: it carries libjnidispatch.so for every Android ABI.
    implementation("net.java.dev.jna:jna:5.18.1@aar")
    // The suspend functions (scanAsync, verifyDrawAsync...) of the generated code.
    api("org.jetbrains.kotlinx:kotlinx-coroutines-core:1.11.0")
    coreLibraryDesugaring("com.android.tools:desugar_jdk_libs:2.0.4")
}

publishing {
    publications {
        register<MavenPublication>("release") {
            artifactId = "chek-android"
            afterEvaluate { from(components["release"]) }
        }
    }
}
