#!/usr/bin/env bash
# Fails when a tracked C/C++ file differs from what the repository's .clang-format makes of it.
# Run from anywhere: bash tests/style/check_format.sh   (fix with: ... --fix)
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
format="${CLANG_FORMAT:-clang-format-14}"
if ! command -v "$format" >/dev/null; then
    echo "check_format: $format not found (apt-get install -y clang-format-14)"
    exit 1
fi
mapfile -t files < <(git ls-files 'src/*.[ch]pp' 'include/*.[ch]pp' 'tests/*.[ch]pp' 'tests/*.h' 'tests/*.c')
if [[ "${1:-}" == --fix ]]; then
    "$format" -i "${files[@]}"
    exit 0
fi
bad=()
for f in "${files[@]}"; do
    if ! "$format" --dry-run --Werror "$f" >/dev/null 2>&1; then
        bad+=("$f")
    fi
done
if [[ ${#bad[@]} -gt 0 ]]; then
    echo "check_format: ${#bad[@]} of ${#files[@]} files differ from .clang-format:"
    printf '  %s\n' "${bad[@]}"
    echo "fix with: bash tests/style/check_format.sh --fix"
    exit 1
fi
echo "check_format: all ${#files[@]} files follow .clang-format"
