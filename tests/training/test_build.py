"""UD corpus building: PUD's Penn-style XPOS never reaches the tagger, the rest of its annotation does."""

from __future__ import annotations

from newsgraph.training.build import clear_marked_tags, conllu_text_to_docs, without_xpos

GSD = """# text = Er ging zum Markt.
1	Er	er	PRON	PPER	Case=Nom	2	nsubj	_	_
2	ging	gehen	VERB	VVFIN	Mood=Ind	0	root	_	_
3-4	zum	_	_	_	_	_	_	_	_
3	zu	zu	ADP	APPR	_	5	case	_	_
4	dem	der	DET	ART	Case=Dat	5	det	_	_
5	Markt	Markt	NOUN	NN	Case=Dat	2	obl	_	SpaceAfter=No
6	.	.	PUNCT	$.	_	2	punct	_	_
"""

PUD = """# text = Sie kam zum Haus.
1	Sie	sie	PRON	PRP	Case=Nom	2	nsubj	_	_
2	kam	kommen	VERB	VBC	Mood=Ind	0	root	_	_
3-4	zum	_	_	_	_	_	_	_	_
3	zu	zu	ADP	IN	_	5	case	_	_
4	dem	der	DET	DT	Case=Dat	5	det	_	_
5	Haus	Haus	NOUN	NN	Case=Dat	2	obl	_	SpaceAfter=No
6	.	.	PUNCT	.	_	2	punct	_	_
"""


def test_pud_tags_missing_other_annotation_kept() -> None:
    docs = clear_marked_tags(conllu_text_to_docs(GSD + "\n" + without_xpos(PUD), n_sents=2))
    assert len(docs) == 1
    gsd, pud = list(docs[0].sents)
    assert [t.tag_ for t in gsd] == ["PPER", "VVFIN", "APPR_ART", "NN", "$."]
    assert [t.tag_ for t in pud] == ["", "", "", "", ""]
    assert [t.pos_ for t in pud] == ["PRON", "VERB", "ADP", "NOUN", "PUNCT"]
    assert [t.dep_ for t in pud] == ["nsubj", "ROOT", "case", "obl", "punct"]
    assert str(pud[0].morph) == "Case=Nom"


def test_without_xpos_leaves_comments_and_ranges_alone() -> None:
    lines = without_xpos(PUD).splitlines()
    assert lines[0] == "# text = Sie kam zum Haus."
    assert lines[3].split("\t")[4] == "_"  # the multi-word range line keeps its empty columns
    assert all(line.split("\t")[4] != "PRP" for line in lines[1:])
