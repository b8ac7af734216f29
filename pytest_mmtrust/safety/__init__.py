"""MultiTrust safety tasks S.1–S.6: their datasets, upstream readers, evaluators and metrics.

* :mod:`.nsfw` — S.1, unsafe pictures to describe (refusal and toxicity, :mod:`.refusal_toxicity`);
* :mod:`.risk` — S.2, does the model see the hazard in the picture (judge rubric in :mod:`.rubrics`);
* :mod:`.toxic_prompts` — S.3, toxic continuations with no, a related and an unrelated image;
* :mod:`.typographic` — S.4, harmful requests typeset as images;
* :mod:`.optimised` — S.5, FigStep and MM-SafetyBench style attacks (judge rubric in :mod:`.rubrics`);
* :mod:`.cross_modal` — S.6, text jailbreaks with no, a related and an unrelated image;
* :mod:`.pictograms` and :mod:`.conditions` — the related pictures of S.3 and S.6;
* :mod:`.refusal_toxicity` — the evaluator and the two metrics of S.1 and S.3.

Refusal detection and toxicity scoring are shared building blocks in
:mod:`pytest_mmtrust.evaluators`. Importing this package imports none of the modules.
"""
