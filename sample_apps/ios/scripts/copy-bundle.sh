#!/usr/bin/env bash
# Prepares what the sample app's Xcode project (project.yml) takes from the repository:
#   Resources/<name>/        the corrector bundle, under the bundle's name (the generated class's resourceName)
#   Resources/error-detector/ optional: an error-detector bundle, for the "Detector first" setting
#   Generated/*.swift        `edge-sdk bindings ... --swift`: GrammarCorrector (and, with a detector, its class
#                            and the cascade class), compiled into the app target
# Both folders are git-ignored and replaced on every run. The app target's "Copy edge-sdk bundles" build
# phase copies each folder in Resources/ into the app, whatever bundles are there.
#
#   sample_apps/ios/scripts/copy-bundle.sh [CORRECTOR [DETECTOR]]
#
# CORRECTOR defaults to build/grammar-corrector (`make demo`); DETECTOR to build/detector when that exists
# (`.venv/bin/edge-sdk build configs/detector.yaml -o build/detector`), as in the Android sample.
# Environment: EDGE_SDK (the CLI; default .venv/bin/edge-sdk), EDGE_SDK_BACKEND (the artifact the classes
# open: executorch, the default, runs the .pte through ExecuTorch's Swift package; coreml or coreml-ios16
# run the Core ML package), EDGE_SDK_QUANTIZATION (default int8 for executorch, what apps ship; for other
# backends, or when set empty, the bundle's first for the backend). Runs on Linux too (no Xcode needed).
set -euo pipefail

APP="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO="$(cd "$APP/../.." && pwd)"
EDGE_SDK="${EDGE_SDK:-$REPO/.venv/bin/edge-sdk}"
BACKEND="${EDGE_SDK_BACKEND:-executorch}"
if [[ "$BACKEND" == executorch ]]; then QUANTIZATION="${EDGE_SDK_QUANTIZATION-int8}"; else QUANTIZATION="${EDGE_SDK_QUANTIZATION-}"; fi
RESOURCES="$APP/Resources"
GENERATED="$APP/Generated"
DETECTOR_FOLDER="error-detector"  # CheckViewModel.swift looks for this folder

die() { echo "copy-bundle: error: $*" >&2; exit 1; }

[[ $# -le 2 ]] || die "usage: scripts/copy-bundle.sh [CORRECTOR [DETECTOR]]"
corrector="${1:-$REPO/build/grammar-corrector}"
detector="${2:-}"
if [[ $# -lt 2 && -f "$REPO/build/detector/manifest.json" ]]; then detector="$REPO/build/detector"; fi

[[ -f "$corrector/manifest.json" ]] \
    || die "$corrector is not a bundle (no manifest.json): run \`make demo\` in the repository first"
[[ -z "$detector" || -f "$detector/manifest.json" ]] || die "$detector is not a bundle (no manifest.json)"
[[ -x "$EDGE_SDK" ]] || die "$EDGE_SDK not found: run \`make demo\` (it creates .venv), or set EDGE_SDK"

# The bundle's name is its folder name in the app: the generated class looks it up as resourceName.
python="$(dirname "$EDGE_SDK")/python"
[[ -x "$python" ]] || python="$(command -v python3)"
name="$("$python" -c 'import json, sys; print(json.load(open(sys.argv[1], encoding="utf-8"))["name"])' \
    "$corrector/manifest.json")" || die "cannot read the name in $corrector/manifest.json"

args=("$corrector")
[[ -n "$detector" ]] && args+=("$detector")
args+=(--swift --backend "$BACKEND")
[[ -n "$QUANTIZATION" ]] && args+=(--quantization "$QUANTIZATION")
echo "bindings: edge-sdk bindings ${args[*]} -o ${GENERATED#"$REPO"/}"
rm -rf "$GENERATED"
"$EDGE_SDK" bindings "${args[@]}" -o "$GENERATED" \
    || die "edge-sdk bindings failed (has every bundle a $BACKEND${QUANTIZATION:+/$QUANTIZATION} artifact? see \`edge-sdk inspect\`)"
compgen -G "$GENERATED/*.swift" >/dev/null || die "edge-sdk bindings wrote no Swift file into $GENERATED"

rm -rf "$RESOURCES"
mkdir -p "$RESOURCES"
cp -R "$corrector" "$RESOURCES/$name"
[[ -n "$detector" ]] && cp -R "$detector" "$RESOURCES/$DETECTOR_FOLDER"

# Every class's resourceName must be a folder the build phase will copy; the app itself opens a detector
# through the library under $DETECTOR_FOLDER (as on Android), so its generated class may look elsewhere.
for wanted in $(sed -n 's/.*static let resourceName: String = "\(.*\)"$/\1/p' "$GENERATED"/*.swift); do
    [[ -d "$RESOURCES/$wanted" ]] || echo "copy-bundle: note: a generated class looks for the resource folder" \
        "'$wanted', which is not in Resources/ (the sample opens its detector from $DETECTOR_FOLDER/)" >&2
done

echo "Resources/ (copied into the app by its build phase):"
for folder in "$RESOURCES"/*/; do
    echo "    $(basename "$folder")  $(du -sh "$folder" | cut -f1 | tr -d ' ')"
done
echo "Generated/ (compiled into the app):"
for file in "$GENERATED"/*.swift; do echo "    $(basename "$file")"; done
echo "next: cd sample_apps/ios && xcodegen generate && open GrammarCheck.xcodeproj"
