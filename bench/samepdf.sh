#!/bin/sh
# The PDF of the samples and of each export given, from two installs, compared page for page:
# page count and pdftotext text, plain and -layout (zero-width spaces and word joiners removed), and the
# first pages at 50 dpi (pdftoppm -png -r 50) left side by side in OUT for a look.
#   bench/samepdf.sh OLD_REPORTGEN NEW_REPORTGEN OUT [EXPORT...]
# e.g. bench/samepdf.sh /tmp/main/.venv/bin/reportgen .venv/bin/reportgen /tmp/same ../shared/real-exports/*.xlsx
set -eu
old=$1 new=$2 out=$3
shift 3
here=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
status=0
i=0
for export in "$here/samples/rvtools/acme-vc01.xlsx $here/samples/hyperv/hyperv-3node.zip" "$@"; do
    i=$((i + 1))
    for side in old new; do
        eval tool=\$$side
        # shellcheck disable=SC2086  # the samples are two exports
        $tool audit $export -o "$out/$i-$side.pdf" --quiet || true
        pdftotext "$out/$i-$side.pdf" - | sed 's/\xe2\x80\x8b//g; s/\xe2\x81\xa0//g' > "$out/$i-$side.txt"
        pdftotext -layout "$out/$i-$side.pdf" - | sed 's/\xe2\x80\x8b//g; s/\xe2\x81\xa0//g' >> "$out/$i-$side.txt"
        pdfinfo "$out/$i-$side.pdf" | grep '^Pages' > "$out/$i-$side.pages"
        pdftoppm -png -r 50 -l 6 "$out/$i-$side.pdf" "$out/$i-$side"
    done
    if cmp -s "$out/$i-old.txt" "$out/$i-new.txt" && cmp -s "$out/$i-old.pages" "$out/$i-new.pages"; then
        echo "same: $export ($(cat "$out/$i-new.pages"))"
    else
        echo "DIFFERENT: $export"; diff "$out/$i-old.txt" "$out/$i-new.txt" | head -20
        status=1
    fi
done
exit $status
