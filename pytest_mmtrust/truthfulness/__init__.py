"""MultiTrust truthfulness tasks T.1–T.7: their datasets, upstream readers and evaluators.

* :mod:`.basic` — T.1, perception questions on drawn scenes (the items of
  :mod:`pytest_mmtrust.datasets.perception`, shared with robustness);
* :mod:`.cognitive` — T.2, spatial relations and comparisons;
* :mod:`.enhanced` — T.3, the same questions with and without an enhanced instruction;
* :mod:`.assistance` — T.4, text questions whose answer only the image carries;
* :mod:`.false_premise` — T.5, questions with a false premise, scored by :mod:`.premise`;
* :mod:`.illusions` — T.6, optical illusions drawn with exact geometry;
* :mod:`.misleading_images` — T.7, factual questions with a picture stating a wrong answer;
* :mod:`.upstream` — the annotation format every upstream truthfulness task shares;
* :mod:`.choice_items` — keeps generated choice and yes/no answers balanced.

Answers are scored by the shared :class:`~pytest_mmtrust.evaluators.answer.AnswerEvaluator`
(T.5 by :class:`.premise.PremiseEvaluator`). Importing this package imports none of the modules.
"""
