#!/usr/bin/env bash
# Refresh the message catalogs after changing interface text:
#   tools/i18n.sh update   extract messages and merge them into nl and en (then translate nl)
#   tools/i18n.sh compile  compile the .po files to the .mo files the app loads
set -euo pipefail
cd "$(dirname "$0")/.."
PYBABEL=${PYBABEL:-.venv/bin/pybabel}
case "${1:-}" in
  update)
    "$PYBABEL" extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output -o workshop/translations/messages.pot .
    "$PYBABEL" update -i workshop/translations/messages.pot -d workshop/translations --no-fuzzy-matching --width 0
    "$(dirname "$PYBABEL")/python" tools/fill_en.py   # English is the source; lists Dutch still to do
    ;;
  compile)
    "$PYBABEL" compile -d workshop/translations --statistics
    ;;
  *) echo "usage: $0 update|compile" >&2; exit 2 ;;
esac
