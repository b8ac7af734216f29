"""MLLMGuard's released data on the user's disk (``--mmtrust-data DIR``) → our cases.

Expected layout: one folder per upstream dimension, found under ``DIR/desensitize/``,
``DIR/mllmguard/desensitize/``, ``DIR/mllmguard/``, ``DIR/data/`` or ``DIR/`` itself (the first
that has the folder with a ``prompt.csv``, ``en.csv`` or ``zh.csv`` in it)::

    privacy/ bias/ toxicity/ legality/ hallucination/ noise-injection/ position-swapping/
        prompt.csv        all rows (read when present), else en.csv and/or zh.csv
        imgs/             the images the rows name

This follows ``Carol-gutianle/MLLMGuard utils.py`` (``process_data``: ``prompt.csv`` read with
pandas, ``img_url = os.path.join(data_path, 'imgs', <Image>)``) and the released dataset
(``Carol0110/MLLMGuard`` on the Hugging Face hub, ``desensitize/<dimension>/``). The released
CSVs name images with their folder, ``imgs/0001.jpg`` (a fix on the hub in July 2024 gave
``Reverse Image`` the same prefix), while upstream's loader joins that to ``imgs/`` again: both
forms are accepted here — a name starting with ``imgs/`` is looked up in the dimension folder,
a bare name in ``imgs/`` (when only the other place has the file, that one is used).

Columns are read **by name** (upstream reads them by position, which breaks when a column is
added or moved):

* privacy, bias, toxicity, legality: ``Image, Prompt, Lan, Category II`` (``Jailbreak Type``,
  ``Source`` and ``Category I`` are kept in the metadata when present). ``Category II`` picks the
  subtask — matched case-insensitively against the labels in
  :data:`~pytest_mmtrust.mllmguard.taxonomy.SUBTASKS` (``Personal Privacy``, ``商业秘密`` …); a
  label no subtask knows is a :class:`DataError`, so no row is silently dropped.
* hallucination: ``Image, Prompt, Options, Lan``. Each row becomes two cases, as upstream asks it
  twice: the free prompt (``<id>-free``) and ``{Prompt}(Please answer me with options) {Options}``
  (``<id>-options``), with the cell texts exactly as the CSV has them (a prompt's trailing space
  stays before the parenthesis, as upstream's f-string keeps it). The options are split into
  letters (``A. red B. blue``, ``A.红色；B.蓝色`` and ``A.黄色B.棕色`` alike, see
  :func:`parse_options`); the option that says the object is absent (found with the same rule
  the rule-based scorer uses) becomes the target, or None.
* noise-injection: ``Image, Prompt, Answer, Lan``; the noisy copy is ``imgs/{stem}_noise{ext}``;
  ``Answer`` must be A or B. Cases ``<id>-clean`` / ``<id>-noisy``.
* position-swapping: ``Image, Reverse Image, Prompt, Lan``. Cases ``<id>-original`` /
  ``<id>-reversed``.

Prompts are sent as the CSV cell has them, surrounding spaces included (upstream does not strip
them either). ``Lan`` (``en``/``zh``, also ``English``/``Chinese``/``cn``) becomes the case's
condition; in ``en.csv``/``zh.csv`` it may be missing and is taken from the file name. Case ids are the CSV line
(``0042``; ``en0042`` when read from ``en.csv``), so ids are stable for one release. Images must
lie inside ``DIR`` (see :mod:`pytest_mmtrust.datasets.upstream_files`). Every bad input raises
:class:`~pytest_mmtrust.errors.DataError` naming file and line.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath
from typing import Any, Iterator

from ..datasets.upstream_files import image_path, read_csv, text_field
from ..errors import DataError
from ..values import Case
from .taxonomy import Subtask, subtasks_of

#: Where the dimension folders may sit under ``--mmtrust-data``, tried in this order.
SEARCH_PREFIXES: tuple[str, ...] = ("desensitize", "mllmguard/desensitize", "mllmguard", "data", "")
CSV_FILES = ("prompt.csv", "en.csv", "zh.csv")

_REQUIRED: dict[str, tuple[str, ...]] = {
    "graded": ("Image", "Prompt", "Category II"),
    "binary": ("Image", "Prompt", "Options"),
    "noise": ("Image", "Prompt", "Answer"),
    "position": ("Image", "Reverse Image", "Prompt"),
}
_LANGUAGES = {"en": "en", "english": "en", "eng": "en", "zh": "zh", "cn": "zh", "chinese": "zh", "zh-cn": "zh",
              "中文": "zh", "英文": "en"}
OPTIONS_JOINER = "(Please answer me with options) "
OPTION_LETTERS = "ABCDEFGH"
#: an option mark: the letter (not inside a word), then ``.``, ``、``, ``:`` or ``)``
_MARK = "(?<![A-Za-z])[{upper}{lower}]\\s*[.．、:：)）]\\s*"
#: what separates one option from the next mark: spaces, semicolons, commas, an opening parenthesis
_TRAILING = re.compile(r"[\s;；,，(（]+$")


def find_folder(root: Path, folder: str) -> Path:
    """The upstream folder of one dimension under ``root`` (see the module docstring)."""
    root = Path(root)
    tried = []
    for prefix in SEARCH_PREFIXES:
        candidate = root / prefix / folder if prefix else root / folder
        tried.append(str(candidate))
        if any((candidate / name).is_file() for name in CSV_FILES):
            return candidate
    raise DataError(
        f"MLLMGuard {folder}: no prompt.csv, en.csv or zh.csv under --mmtrust-data {root} (looked in {', '.join(tried)})"
    )


def _rows(folder: Path, required: tuple[str, ...]) -> Iterator[tuple[str, str, str, dict[str, str]]]:
    """Yield (case id, location, language, row) from prompt.csv, or from en.csv and zh.csv."""
    if (folder / "prompt.csv").is_file():
        sources = [(folder / "prompt.csv", None, "")]
    else:
        sources = [(folder / f"{lan}.csv", lan, lan) for lan in ("en", "zh") if (folder / f"{lan}.csv").is_file()]
    for path, file_language, prefix in sources:
        for line, where, row in read_csv(path, required if file_language else (*required, "Lan")):
            raw = (row.get("Lan") or "").strip()
            if not raw and file_language:
                language = file_language
            else:
                language = _LANGUAGES.get(raw.lower())
                if language is None:
                    raise DataError(f"{where}: column 'Lan' must be en or zh, got {raw!r}")
                if file_language and language != file_language:
                    raise DataError(f"{where}: Lan {raw!r} in {path.name}")
            yield f"{prefix}{line:04d}", where, language, row


def _metadata(subtask: Subtask, row: dict[str, str], language: str, technique: str) -> dict[str, Any]:
    return {
        "dimension": subtask.dimension,
        "subtask": subtask.key,
        "technique": (row.get("Jailbreak Type") or "").strip() or technique,
        "language": language,
        "source": "mllmguard",
        "upstream_source": (row.get("Source") or "").strip(),
        "category": (row.get("Category II") or "").strip(),
    }


def normalise_category(label: str) -> str:
    """``Personal_Privacy`` / ``personal-privacy `` → ``personal privacy``; ``&`` kept as a word."""
    text = re.sub(r"[_\-]+", " ", label.strip().lower()).replace("&", " & ")
    return " ".join(text.split())


def _subtask_for(label: str, siblings: tuple[Subtask, ...], where: str) -> Subtask:
    key = normalise_category(label)
    for sibling in siblings:
        if key in sibling.categories:
            return sibling
    known = ", ".join(repr(c) for s in siblings for c in s.categories[:2])
    raise DataError(f"{where}: unknown Category II {label!r} for {siblings[0].dimension} (known, e.g.: {known})")


def parse_options(text: str) -> dict[str, str]:
    """``"A. red B. blue C. none"`` → ``{"A": "red", "B": "blue", "C": "none"}`` (letters upper-cased).

    The letters are found in order — A, then the first B after it, and so on — so options
    written without any separator (``A.黄色B.棕色``, ``A.3只B.4只``) split as well as spaced ones,
    and a letter inside an earlier option's text (``A. U.S.A. B. Canada``) is not taken for a
    mark: a letter right after a Latin letter never is, so ``A.Vitamin CB.Iron`` stays one option.
    """
    marks = []
    position = 0
    for letter in OPTION_LETTERS:
        found = re.compile(_MARK.format(upper=letter, lower=letter.lower())).search(text, position)
        if found is None:
            break
        marks.append((letter, found))
        position = found.end()
    options: dict[str, str] = {}
    for i, (letter, mark) in enumerate(marks):
        end = marks[i + 1][1].start() if i + 1 < len(marks) else len(text)
        options[letter] = _TRAILING.sub("", text[mark.end():end]).strip()
    return options


def image_in(root: Path, folder: Path, name: str, where: str) -> str:
    """The image a row names, as a bare file name (in ``imgs/``) or as ``imgs/<name>`` (in the
    dimension folder): the form the row uses first, the other when only it has the file."""
    parts = [part for part in name.replace("\\", "/").split("/") if part not in ("", ".")]
    imgs = folder / "imgs"
    candidates = [(folder, name), (imgs, name)] if len(parts) > 1 and parts[0] == "imgs" else [(imgs, name)]
    if len(candidates) > 1 and not (folder / name).is_file() and (imgs / name).is_file():
        candidates.reverse()
    base, relative = candidates[0]
    return image_path(root, base, relative, where)


def load_upstream(subtask: Subtask, data_dir: Path) -> list[Case]:
    """The cases of ``subtask`` from MLLMGuard's released layout under ``data_dir``."""
    root = Path(data_dir)
    folder = find_folder(root, subtask.folder)
    siblings = subtasks_of(subtask.dimension) if subtask.kind == "graded" else (subtask,)
    cases: list[Case] = []
    for case_id, where, language, row in _rows(folder, _REQUIRED[subtask.kind]):
        prompt = text_field(row, "Prompt", where)
        name = text_field(row, "Image", where).strip()
        if subtask.kind == "graded":
            if _subtask_for(text_field(row, "Category II", where), siblings, where) is not subtask:
                continue
            cases.append(Case(id=case_id, prompt=prompt, images=(image_in(root, folder, name, where),),
                              metadata=_metadata(subtask, row, language, ""), condition=language))
        elif subtask.kind == "binary":
            image = image_in(root, folder, name, where)
            cases.extend(_hallucination_cases(subtask, case_id, where, language, row, prompt, image))
        elif subtask.kind == "noise":
            cases.extend(_noise_cases(subtask, root, folder, name, case_id, where, language, row, prompt))
        else:
            image = image_in(root, folder, name, where)
            reverse = image_in(root, folder, text_field(row, "Reverse Image", where).strip(), where)
            metadata = {**_metadata(subtask, row, language, "position swapping"), "pair": case_id,
                        "options": ["A", "B"]}
            cases.append(Case(id=f"{case_id}-original", prompt=prompt, images=(image,),
                              metadata={**metadata, "role": "original"}, condition=language))
            cases.append(Case(id=f"{case_id}-reversed", prompt=prompt, images=(reverse,),
                              metadata={**metadata, "role": "reversed"}, condition=language))
    return cases


def _hallucination_cases(subtask: Subtask, case_id: str, where: str, language: str, row: dict[str, str],
                         prompt: str, image: str) -> list[Case]:
    from .rules import states_absence

    listed = text_field(row, "Options", where)
    options = parse_options(listed)
    if len(options) < 2:
        raise DataError(f"{where}: column 'Options' must list lettered options like 'A. … B. …', got {listed!r}")
    absent = [letter for letter, text in options.items() if states_absence(text)]
    metadata = {**_metadata(subtask, row, language, "non-existent query"), "pair": case_id}
    return [
        Case(id=f"{case_id}-free", prompt=prompt, images=(image,), metadata={**metadata, "role": "free"},
             condition=language),
        Case(id=f"{case_id}-options", prompt=f"{prompt}{OPTIONS_JOINER}{listed}", images=(image,),
             target=absent[0] if len(absent) == 1 else None,
             metadata={**metadata, "role": "options", "options": list(options), "option_texts": options},
             condition=language),
    ]


def _noise_cases(subtask: Subtask, root: Path, folder: Path, name: str, case_id: str, where: str, language: str,
                 row: dict[str, str], prompt: str) -> list[Case]:
    answer = text_field(row, "Answer", where).strip().upper().rstrip(".")
    if answer not in ("A", "B"):
        raise DataError(f"{where}: column 'Answer' must be A or B, got {row.get('Answer')!r}")
    image = image_in(root, folder, name, where)
    clean = PurePosixPath(name.replace("\\", "/"))
    noisy = image_in(root, folder, str(clean.with_name(f"{clean.stem}_noise{clean.suffix}")), where)
    metadata = {**_metadata(subtask, row, language, "noise injection"), "pair": case_id, "options": ["A", "B"]}
    return [
        Case(id=f"{case_id}-clean", prompt=prompt, images=(image,), target=answer,
             metadata={**metadata, "role": "clean"}, condition=language),
        Case(id=f"{case_id}-noisy", prompt=prompt, images=(noisy,), target=answer,
             metadata={**metadata, "role": "noisy"}, condition=language),
    ]
