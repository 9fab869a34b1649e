"""The Android layer on this machine's JVM: the Kotlin library compiled with the real Kotlin 2.4 compiler,
its JUnit 5 tests run against the JNI glue built for Linux, the real native core and real bundles.

`make android-jni kotlin-tools` builds the glue and installs the toolchain (`make test` has done both);
these fixtures call them again, which is a no-op then.
"""

from __future__ import annotations

import os
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = ROOT / "bridges" / "android" / "src" / "main" / "kotlin"
LIBRARY_TESTS = ROOT / "bridges" / "android" / "src" / "test" / "kotlin"
JNI_LIBRARY = ROOT / "build" / "android-jni" / "libedge_sdk_jni.so"
KOTLIN_HOME = ROOT / "build" / "tools" / "kotlin-2.4.20" / "node_modules" / "kotlin-compiler"
KOTLINC = KOTLIN_HOME / "bin" / "kotlinc"
JAVA_LIBS = Path("/usr/share/java")
IN_CI = os.environ.get("CI") == "true"


def _make(*targets: str) -> None:
    result = subprocess.run(["make", "-s", *targets], cwd=ROOT, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        pytest.fail(f"`make {' '.join(targets)}` failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}")


def platform_free_sources(folder: Path) -> list[Path]:
    """Kotlin files outside `android/` folders: those need android.jar, which only the Gradle build has."""
    return sorted(p for p in folder.rglob("*.kt") if "android" not in p.relative_to(folder).parts)


@dataclass(frozen=True)
class Kotlin:
    def classpath(self, *extra: Path) -> str:
        jars = [KOTLIN_HOME / "lib" / "kotlinx-coroutines-core-jvm.jar",
                KOTLIN_HOME / "lib" / "kotlin-test.jar", JAVA_LIBS / "junit-jupiter-api.jar",
                JAVA_LIBS / "junit-platform-commons.jar",
                JAVA_LIBS / "opentest4j.jar", JAVA_LIBS / "apiguardian-api.jar", JAVA_LIBS / "gson.jar"]
        return os.pathsep.join(str(p) for p in [*extra, *jars] if p.exists())

    def compile(self, sources: list[Path], out: Path, *classpath: Path, explicit_api: bool = False) -> None:
        """kotlinc with warnings as errors; explicit API mode for library and generated code."""
        flags = ["-Werror", "-jvm-target", "17", *(["-Xexplicit-api=strict"] if explicit_api else [])]
        result = subprocess.run([str(KOTLINC), *flags, "-cp", self.classpath(*classpath), "-d", str(out),
                                 *map(str, sources)], capture_output=True, text=True, timeout=900, check=False)
        assert result.returncode == 0, f"kotlinc failed:\n{result.stdout[-6000:]}\n{result.stderr[-6000:]}"
        assert "warning:" not in result.stderr, result.stderr[-4000:]

    def run_junit(self, classes: list[Path], reports: Path, properties: dict[str, str], package: str) -> dict:
        """The JUnit 5 console launcher over `package`; returns the summed XML report counts."""
        props = [f"-D{k}={v}" for k, v in {"dev.edgesdk.library": str(JNI_LIBRARY), **properties}.items()]
        cmd = ["java", "-Xcheck:jni", *props, "-jar", str(JAVA_LIBS / "junit-platform-console-standalone.jar"),
               "--class-path", self.classpath(*classes, KOTLIN_HOME / "lib" / "kotlin-stdlib.jar"),
               "--select-package", package, "--reports-dir", str(reports), "--disable-banner",
               "--details=tree"]
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=3000, check=False)
        print(result.stdout[-8000:])
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        for report in reports.glob("*.xml"):
            suite = ET.parse(report).getroot()
            for s in ([suite] if suite.tag == "testsuite" else suite.iter("testsuite")):
                for key in counts:
                    counts[key] += int(s.get(key, 0))
        assert result.returncode == 0, f"JUnit failed:\n{result.stdout[-10000:]}\n{result.stderr[-4000:]}"
        return counts


@pytest.fixture(scope="session")
def kotlin() -> Kotlin:
    _make("android-jni", "kotlin-tools")
    return Kotlin()


@pytest.fixture(scope="session")
def library_classes(kotlin: Kotlin, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("kotlin") / "library"
    kotlin.compile(platform_free_sources(LIBRARY), out, explicit_api=True)
    return out
