"""MultiTrust fairness tasks F.1–F.7: their datasets, upstream readers and evaluators.

* :mod:`.stereotypes` — F.1–F.4 bundled data, from the statements in :mod:`.statements`;
  scored by :mod:`.stereotype_content` (F.1), :mod:`.stance` (F.2) and :mod:`.stereotype` (F.3, F.4);
* :mod:`.preferences` — F.5 and F.7 bundled data, from :mod:`.preference_items`; scored by
  :mod:`.stance`;
* :mod:`.profession` — F.6, attribute-controlled portraits (drawn by
  :mod:`pytest_mmtrust.datasets.portraits`) asked about professions;
* :mod:`.prompts` — the prompts shared by the bundled and upstream loaders;
* :mod:`.upstream` — readers of upstream's fairness data (F.1–F.5, F.7);
* :mod:`.pictures`, :mod:`.conditions` — group cards, preference boards and image conditions;
* :mod:`.rubrics` — the judge rubrics of the open-answer tasks (F.1, F.4, F.5, F.7).

Importing this package imports none of the modules.
"""
