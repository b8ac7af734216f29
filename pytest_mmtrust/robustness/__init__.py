"""MultiTrust robustness tasks R.1–R.6: their datasets, styles, attacks, evaluators and metrics.

* :mod:`.artistic` — R.1, perception questions on pictures restyled by :mod:`.styles`;
* :mod:`.ood_text` — R.3, sentiment of reviews written in out-of-distribution styles;
* :mod:`.adversarial` — R.4 / R.5, captions of pictures attacked by :mod:`.attack` (PGD on a
  surrogate image encoder; also ``python -m pytest_mmtrust.robustness.attack``), untargeted
  and targeted;
* :mod:`.adversarial_text` — R.6, sentiment and entailment under the word-level perturbations
  of :mod:`.perturb`;
* :mod:`.pictures` — the related and unrelated pictures of the text tasks, and their three
  image conditions (upstream's shared folder of unrelated pictures is read by
  :func:`pytest_mmtrust.datasets.conditions.upstream_unrelated_images`, as for every family);
* :mod:`.metrics` — the headline metrics of R.1, R.4 and R.5 (accuracy under the shift, with
  the paired change against the unshifted pictures).

* :mod:`.sensor` — R.2, perception questions on pictures that look like other sensors;
* :mod:`.caption` — the caption scorer of R.1, R.4 and R.5; :mod:`.label` — the one-word label
  scorer (sentiment, yes/maybe/no) of R.3 and R.6.

Nothing here imports torch until an attack runs.
"""
