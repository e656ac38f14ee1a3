#!/usr/bin/env bash
# Does newsgraph install anywhere? (issue 18, "Installs anywhere"; `make check-install`, run by .ci/run)
#
# Builds the wheel from a copy of this checkout (the tree stays clean), installs it WITHOUT extras into a
# fresh venv and, from a temporary folder outside the checkout, checks that:
#   (a) `newsgraph extract <checkout>/seeds` exits 0 and finds the seed's entities, with the pipelines
#       found as installed packages (not in the checkout);
#   (b) an HTML news page is read (lxml_html_clean is a dependency) and gives entities;
#   (c) a folder of bad inputs exits 1 with one error record per bad input, and the good ones are processed;
#   (d) the shipped pipelines load with spaCy (`spacy.load(de_newsgraph.PATH)`, `de_newsgraph.load()`)
#       and accurate mode's de_e5_ner is found; German's default encoder pipeline runs from the installed
#       de_e5_onnx and de_e5_syntax (onnxruntime and tokenizers are core dependencies).
# Prints PASS/FAIL per check and exits 1 if any failed. pip uses the machine's configuration (index, cache).
#
# Environment: PYTHON (default python3; needs the venv module), KEEP=1 keeps the temporary folder.
set -uo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
TMP="$(mktemp -d "${TMPDIR:-/tmp}/newsgraph-check-install.XXXXXX")"
WORK="$TMP/work"
VENV="$TMP/venv"
BIN="$VENV/bin"
LOG="$TMP/log"
FAILED=0
START=$SECONDS

cleanup() {
    if [[ "${KEEP:-0}" == 1 ]]; then echo "kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT

pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; FAILED=1; }
# run NAME CMD...: run a command with its output in $LOG/NAME.log; on failure show the log's tail
run() {
    local name="$1"; shift
    "$@" >"$LOG/$name.log" 2>&1
    local rc=$?
    echo "$rc" >"$LOG/$name.rc"
    return "$rc"
}
show_log() { echo "---- last lines of $LOG/$1.log"; tail -n 25 "$LOG/$1.log"; echo "----"; }

mkdir -p "$WORK" "$LOG"
# what the checks run must come from the install alone
unset PYTHONPATH NEWSGRAPH_MODELS VIRTUAL_ENV
export NEWSGRAPH_CACHE="$TMP/cache" OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"

# --- build -----------------------------------------------------------------------------------------------
# A copy without the developer's leftovers: setuptools writes build/ and *.egg-info into the tree it builds.
mkdir -p "$TMP/src"
tar -C "$ROOT" --exclude=./.git --exclude=./.venv --exclude=./build --exclude=./dist --exclude=./newsgraph-out \
    --exclude=./models/build --exclude=./models/training --exclude='*.egg-info' --exclude=__pycache__ \
    --exclude=.mypy_cache --exclude=.pytest_cache -cf - . | tar -C "$TMP/src" -xf -

if run venv "$PYTHON" -m venv "$VENV"; then pass "fresh venv ($("$BIN/python" -V 2>&1))"
else fail "cannot create a venv with $PYTHON"; show_log venv; exit 1; fi

if run wheel "$BIN/python" -m pip wheel --no-deps -w "$TMP/dist" "$TMP/src"; then
    WHEEL="$(ls "$TMP"/dist/newsgraph-*.whl)"
    pass "wheel built: $(basename "$WHEEL"), $(du -m "$WHEEL" | cut -f1) MB"
else fail "pip wheel"; show_log wheel; exit 1; fi

# The wheel carries the three shipped packages and none of models/'s build material.
if run contents "$BIN/python" - "$WHEEL" <<'EOF'
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
needed = ["de_newsgraph/__init__.py", "de_newsgraph/meta.json", "de_newsgraph/ner/model", "it_newsgraph/meta.json",
          "de_e5_ner/newsgraph_ner_package.json", "de_e5_ner/ner_delta.safetensors", "newsgraph/data/view/",
          "de_e5_onnx/model.onnx", "de_e5_onnx/tokenizer.json", "de_e5_onnx/newsgraph_onnx.json",
          "de_e5_syntax/syntax_heads.npz", "de_e5_syntax/syntax_heads.json"]
missing = [n for n in needed if not any(name.startswith(n) for name in names)]
tops = sorted({name.split("/")[0] for name in names})
unwanted = [n for n in names if n.split("/")[0] in ("models", "configs", "build", "training")
            or "__pycache__" in n or n == "MODEL_CARD.md"]
print("top-level entries:", tops)
if missing or unwanted:
    sys.exit(f"missing: {missing}; unwanted: {unwanted[:10]}")
EOF
then pass "wheel holds newsgraph, de_newsgraph, it_newsgraph, de_e5_ner, de_e5_onnx, de_e5_syntax and no models/ build material"
else fail "wheel contents"; show_log contents; fi

if run install "$BIN/python" -m pip install "$WHEEL"; then pass "wheel installed without extras"
else fail "pip install of the wheel"; show_log install; exit 1; fi

cd "$WORK" || exit 1
if run where "$BIN/python" -c "import newsgraph, sys; sys.exit(not newsgraph.__file__.startswith('$VENV'))"; then
    pass "newsgraph is imported from the venv, not the checkout"
else fail "newsgraph is not imported from the venv"; show_log where; fi

# --- (a) the seed ------------------------------------------------------------------------------------------
run seed "$BIN/newsgraph" extract "$ROOT/seeds" -o "$WORK/out-seed"
rc=$(cat "$LOG/seed.rc")
entities=$(wc -l <"$WORK/out-seed/entities.jsonl" 2>/dev/null || echo 0)
if [[ "$rc" == 0 && "$entities" -ge 30 ]]; then pass "(a) seed: exit 0, $entities entities"
else fail "(a) seed: exit $rc, $entities entities (want exit 0, >= 30)"; show_log seed; fi

if run info "$BIN/python" - "$VENV" <<'EOF'
import json, subprocess, sys
info = json.loads(subprocess.run([sys.argv[1] + "/bin/newsgraph", "info", "--json"], check=True,
                                 capture_output=True, text=True).stdout)
for lang in ("de", "it"):
    line = info["pipelines"][lang]
    print(lang, line)
    if "installed package: " + sys.argv[1] not in line:
        sys.exit(f"the {lang} pipeline is not the installed package: {line}")
EOF
then pass "(a) newsgraph info: de and it pipelines found as installed packages"
else fail "(a) newsgraph info does not show the installed pipelines"; show_log info; fi

# --- (b) an HTML article -----------------------------------------------------------------------------------
mkdir -p "$WORK/html"
cat >"$WORK/html/kerry-lawrow.html" <<'EOF'
<!DOCTYPE html>
<html lang="de"><head><meta charset="utf-8">
<title>Kerry und Lawrow wollen gegen den IS zusammenarbeiten | Beispielzeitung</title>
<meta property="article:published_time" content="2014-10-14T18:00:00+02:00"></head>
<body>
<nav><ul><li><a href="/">Startseite</a></li><li><a href="/politik">Politik</a></li><li><a href="/abo">Jetzt abonnieren</a></li></ul></nav>
<article><h1>Kerry und Lawrow wollen gegen den IS zusammenarbeiten</h1>
<p class="byline">Von unserer Korrespondentin in Paris</p>
<p>Die USA und Russland wollen im Kampf gegen die Terrormiliz Islamischer Staat enger zusammenarbeiten.
US-Aussenminister John Kerry und sein russischer Kollege Sergej Lawrow verständigten sich am Dienstag in Paris
darauf, Geheimdienstinformationen auszutauschen.</p>
<p>Beide Länder seien sich ungeachtet der Differenzen ihrer Verantwortung bewusst, sagte Kerry. Er machte keine
Angaben dazu, ob Russland dem von den USA ausgerufenen Bündnis beitrete.</p>
<p>Die Regierung in Moskau vermutet hinter den Luftangriffen in Syrien das Motiv, Machthaber Baschar al-Assad
stürzen zu wollen. Assad ist ein Verbündeter Russlands.</p>
</article>
<aside><h2>Meistgelesen</h2><ul><li><a href="/a">Wetter: Sturm über Norddeutschland</a></li></ul></aside>
<footer><p>© 2014 Beispielzeitung AG. Alle Rechte vorbehalten. Impressum · Datenschutz</p></footer>
</body></html>
EOF
run html "$BIN/newsgraph" extract "$WORK/html" -o "$WORK/out-html"
if run html-check "$BIN/python" - "$WORK/out-html/articles.jsonl" "$(cat "$LOG/html.rc")" <<'EOF'
import json, sys
records = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
print(json.dumps(records, ensure_ascii=False)[:2000])
(record,) = records
assert sys.argv[2] == "0", f"exit {sys.argv[2]}"
assert record["error"] is None, record["error"]
assert "Geheimdienstinformationen" in record["article"]["text"], "the article text was not extracted"
assert "abonnieren" not in record["article"]["text"], "navigation boilerplate in the text"
names = {entity["name"] for entity in record["entities"]}
print("entities:", sorted(names))
assert len(names) >= 5, f"only {len(names)} entities"
EOF
then pass "(b) HTML article: exit 0, text extracted, entities found"
else fail "(b) HTML article"; show_log html; show_log html-check; fi

# --- (c) a folder of bad inputs beside a good article ------------------------------------------------------
BAD="$WORK/bad"
mkdir -p "$BAD"
: >"$BAD/empty.txt"
head -c 4096 /dev/urandom >"$BAD/binary.txt"
printf '\xef\xbb\xbfGr\xfc\xdfe aus M\xfcnchen: nach der UTF-8-Marke kein UTF-8.\n' >"$BAD/bad_utf8.txt"
printf '{"text": "Angela Merkel besuchte Paris.", ' >"$BAD/malformed.json"
printf '%s\n' '{"text": "Bundeskanzler Olaf Scholz reiste am Montag nach Rom."}' '{"text": ' \
    '{"text": "Emmanuel Macron traf Giorgia Meloni in Paris."}' >"$BAD/mixed.jsonl"
cp "$ROOT"/seeds/*.txt "$BAD/good.txt"
run bad "$BIN/newsgraph" extract "$BAD" -o "$WORK/out-bad"
if run bad-check "$BIN/python" - "$WORK/out-bad/articles.jsonl" "$(cat "$LOG/bad.rc")" <<'EOF'
import collections, json, sys
from pathlib import PurePath
records = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
errors = [(PurePath(r["article"]["path"] or "").name, r["article"]["line"], r["error"]) for r in records if r["error"]]
ok = [(PurePath(r["article"]["path"] or "").name, r["article"]["line"], len(r["entities"])) for r in records
      if not r["error"]]
print("errors:", *errors, sep="\n  ")
print("processed (file, line, entities):", ok)
assert sys.argv[2] == "1", f"exit {sys.argv[2]}, want 1 (some inputs failed)"
count = collections.Counter(name for name, _, _ in errors)
bad = ["empty.txt", "binary.txt", "bad_utf8.txt", "malformed.json", "mixed.jsonl"]
assert all(count[name] == 1 for name in bad) and sum(count.values()) == len(bad), f"error records: {dict(count)}"
assert [line for name, line, _ in errors if name == "mixed.jsonl"] == [2], "mixed.jsonl's error is not line 2"
good = {(name, line): n for name, line, n in ok}
assert good.get(("good.txt", None), 0) >= 20, f"the good article: {good}"
assert good.get(("mixed.jsonl", 1), 0) >= 1 and good.get(("mixed.jsonl", 3), 0) >= 1, f"the good JSONL lines: {good}"
EOF
then pass "(c) bad inputs: exit 1, one error record per bad input, the good article and JSONL lines processed"
else fail "(c) bad inputs"; show_log bad; show_log bad-check; fi

# --- (d) the pipelines load with spaCy ---------------------------------------------------------------------
if run spacy "$BIN/python" - "$VENV" <<'EOF'
import sys
import spacy
import de_newsgraph
import it_newsgraph
from newsgraph.encoder.package import PACKAGE_FILE
from newsgraph.nlp.loading import find_shipped_model, model_path

venv = sys.argv[1]
for path in (de_newsgraph.PATH, it_newsgraph.PATH, model_path("de")):
    assert str(path).startswith(venv), f"{path} is not in the venv"
text = "Bundeskanzlerin Angela Merkel traf am Montag in Paris den französischen Präsidenten Emmanuel Macron."
for nlp in (spacy.load(de_newsgraph.PATH), de_newsgraph.load(exclude=["parser"])):
    ents = {(ent.text, ent.label_) for ent in nlp(text).ents}
    print(nlp.pipe_names, sorted(ents))
    assert ("Angela Merkel", "PER") in ents and ("Paris", "LOC") in ents, ents
ents = {ent.text for ent in it_newsgraph.load()("Il presidente Sergio Mattarella ha incontrato Mario Draghi a Roma.").ents}
print("it:", sorted(ents))
assert "Roma" in ents, ents
shipped = find_shipped_model("de_e5_ner", marker=PACKAGE_FILE)
print("de_e5_ner:", shipped)
assert shipped is not None and str(shipped.path).startswith(venv)
from newsgraph.nlp.loading import ENCODER_PIPELINE, encoder_models, load_pipeline
models = encoder_models()
print("encoder pipeline:", models)
assert str(models.encoder).startswith(venv) and str(models.heads).startswith(venv), models
nlp = load_pipeline("de")
doc = nlp(text)
assert ENCODER_PIPELINE in nlp.pipe_names and "parser" not in nlp.pipe_names, nlp.pipe_names
assert ("Angela Merkel", "PER") in {(ent.text, ent.label_) for ent in doc.ents} and doc.has_annotation("DEP")
EOF
then pass "(d) spacy.load(de_newsgraph.PATH) and de_newsgraph.load() find entities; it_newsgraph loads; de_e5_ner found; the default encoder pipeline runs from the installed de_e5_onnx + de_e5_syntax"
else fail "(d) loading the installed pipelines with spaCy"; show_log spacy; fi

echo "check-install took $((SECONDS - START)) s"
if [[ "$FAILED" == 0 ]]; then echo "PASS: newsgraph installs anywhere"; else echo "FAIL: see above"; fi
exit "$FAILED"
