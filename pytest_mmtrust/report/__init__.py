"""Everything a run shows people, one module per medium, all read from one
:class:`~pytest_mmtrust.summary.RunSummary` (the controller builds it at the session's end).

* :mod:`.terminal` — the summary table printed at the end of a run;
* :mod:`.json_report` (``--mmtrust-json``), :mod:`.markdown` (``--mmtrust-md``, for a
  pull-request comment) and :mod:`.html` (``--mmtrust-html``, self-contained, with the inline SVG
  charts of :mod:`.charts`) — the files; :mod:`.plots` (``--mmtrust-plots DIR``) the same charts
  as PNG files (matplotlib, optional); :mod:`.figures` what each chart shows, computed once;
* :mod:`.junit` — the gate decisions as test reports, one testcase per task in ``--junitxml``;
* shared by several of these: :mod:`.cases` (which failing cases are shown, and their excerpts),
  :mod:`.multitrust_view` (the MultiTrust aggregate), :mod:`.usage` (tokens and cost),
  :mod:`.format` (number and text formatting);
* during the run: :mod:`.progress` (the response phase's progress line) and
  :mod:`.case_errors` (a failed case's error, printed once).

Text from models and servers reaches every medium through :mod:`pytest_mmtrust.safe_text`.
"""
