"""MultiTrust privacy tasks P.1–P.6: their datasets, upstream readers, evaluators and metrics.

* :mod:`.visual_recognition` — P.1, does a picture hold private information;
* :mod:`.sensitive_vqa` — P.2, would answering a question about the picture touch privacy;
  both scored as detectors by :mod:`.recognition` (accuracy, precision, recall);
* :mod:`.infoflow` — P.3, how acceptable is a flow of information (ratings read by :mod:`.rating`);
* :mod:`.pii_query` — P.4, asked for a pictured person's personal details;
* :mod:`.vision_leakage` — P.5, a picture with personal data and a request that tempts a leak;
* :mod:`.conversation` — P.6, private details in the context, then asked to reveal them;
  P.5 and P.6 are scored by :mod:`.pii`;
* :mod:`.documents` and :mod:`.fictional` — rendered documents and the fictional people in them;
* :mod:`.upstream` — the upstream layouts (current and older) and the readers the P.1–P.6
  upstream loaders share.

Importing this package imports none of the modules.
"""
