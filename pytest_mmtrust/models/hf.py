"""``hf:PATH`` — a local Hugging Face transformers vision-language model, run in batches.

The folder is loaded once with ``AutoProcessor`` and ``AutoModelForImageTextToText`` (or
``AutoModelForCausalLM`` for a text-only model), never from the hub (``local_files_only``). Each
:meth:`HFModel.generate` call renders every request through the processor's own chat template
and runs **one** batched ``model.generate`` for it, left-padded so a decoder-only model's new
tokens line up at the right edge. Only two things split a call into more than one ``generate``:
requests asking for different sampling (temperature/seed), and processors that cannot mix
requests with different numbers of images in one batch (found out on the first such batch,
remembered after).

Greedy decoding (temperature 0) repeats exactly; sampling is seeded with ``params.seed`` before
each ``generate``, so it repeats for the same batch on the same machine, but a request's sampled
answer depends on which batch it was in. Sampling is plain temperature sampling (``top_k`` and
``top_p`` off), as an API's ``temperature`` means, whatever the model's own generation config says.

Written for real checkpoints (``llava-hf/llava-1.5-7b-hf``, ``HuggingFaceTB/SmolVLM-*``,
``Qwen/Qwen2-VL-*`` …) downloaded beforehand; the test suite proves it on the built-in tiny
model (:mod:`pytest_mmtrust.models.tiny`).
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import importlib.util
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Sequence

from PIL import Image

from ..errors import DataError, ModelCallError, ModelError, one_line
from ..images import load_rgb
from ..values import GenerationParams, ImageInput, Request, Response

#: Weight files larger than this in total are fingerprinted by name, size and mtime instead of
#: by content (unless a Hugging Face cache already names the blob by its sha256): hashing 15 GB
#: in every xdist worker would cost more than the run it protects.
FULL_HASH_LIMIT = 2 * 1024**3
#: Files up to this size (configs, tokenizers, small shards) are always hashed by content.
SMALL_FILE_LIMIT = 64 * 1024**2

#: Files that cannot change an answer and so stay out of the fingerprint.
_IGNORED_SUFFIXES = (".md", ".lock", ".gitattributes")
_SHA256_NAME = re.compile(r"^[0-9a-f]{64}$")
_HASH_MEMO: dict[tuple[str, int, int], str] = {}


class HFModel:
    """A local transformers vision-language model speaking the :class:`~pytest_mmtrust.models.base.Model` protocol.

    Loading happens in the constructor (it is slow: build the model lazily). A folder that does
    not exist or does not load raises :class:`ModelError`; a failing ``generate`` (CUDA out of
    memory, a processor that rejects the inputs …) raises ``ModelCallError(retryable=False)``,
    since trying the same batch again on the same weights fails the same way.

    ``device`` defaults to ``cuda`` when there is one (weights in bfloat16), else ``cpu``
    (float32). ``max_new_tokens_cap`` bounds every answer whatever ``params.max_tokens`` asks.
    ``cpu_threads``, on CPU only, sets torch's thread count around each ``generate`` (and puts
    the process's setting back after): small models run faster on one thread than on several
    competing with xdist workers.
    """

    max_concurrency = 1

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        batch_size: int = 8,
        max_new_tokens_cap: int | None = None,
        device: str | None = None,
        name: str | None = None,
        cpu_threads: int | None = None,
    ):
        self.path = Path(path).expanduser()
        self.name = name if name is not None else f"hf:{path}"
        self.batch_size = max(1, int(batch_size))
        self.max_new_tokens_cap = max_new_tokens_cap
        self._split_by_image_count = False
        self.cpu_threads = cpu_threads

        if not self.path.is_dir():
            raise ModelError(f"{self.name}: model folder {self.path} does not exist")
        if not (self.path / "config.json").is_file():
            raise ModelError(f"{self.name}: {self.path} has no config.json, so it is not a transformers model folder")

        # Taken before the weights load, so the identity describes the files that were loaded.
        self.fingerprint = weights_fingerprint(self.path)

        import torch

        self.device = device or ("cuda" if torch.cuda.is_available() else "cpu")
        self.dtype = torch.bfloat16 if self.device.startswith("cuda") else torch.float32
        self.processor, self.model = _load(self.path, self.name, self.device, self.dtype)
        self.tokenizer = getattr(self.processor, "tokenizer", self.processor)
        self.takes_images = hasattr(self.processor, "image_processor")
        self.is_encoder_decoder = bool(getattr(self.model.config, "is_encoder_decoder", False))
        if not self.is_encoder_decoder:
            # Decoder-only: the prompt must end where generation starts, for every row.
            self.tokenizer.padding_side = "left"
        if self.tokenizer.pad_token_id is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        self._eos_ids = _eos_ids(self.model, self.tokenizer)

    # -- the Model protocol ---------------------------------------------------------------

    def identity(self) -> str:
        """Name, dtype, answer cap and a fingerprint of the folder's files (see ``weights_fingerprint``)."""
        dtype = str(self.dtype).replace("torch.", "")
        return f"{self.name}#{self.fingerprint[:16]}|{dtype}|cap={self.max_new_tokens_cap}"

    def prepare(self, requests: Sequence[Request]) -> "PreparedBatch":
        """The CPU side of a batch: images opened and decoded, chat prompts rendered.

        Safe to run in another thread while :meth:`generate` works on the previous batch (it
        touches no tensors and no tokenizer state); the runner does exactly that, so decoding
        the next batch's images hides behind the current batch's generation. A request whose
        images cannot be used is kept as its error, for ``generate`` to answer with.
        """
        if self.model is None:
            raise ModelCallError(f"{self.name}: prepare() after close()", retryable=False)
        prepared: list[_Prepared] = []
        errors: dict[int, str] = {}
        for index, request in enumerate(requests):
            try:
                prepared.append(self._prepare(index, request))
            except _RequestError as exc:
                errors[index] = str(exc)
        return PreparedBatch(tuple(requests), prepared, errors)

    def generate(self, requests: Sequence[Request], prepared: "PreparedBatch | None" = None) -> list[Response]:
        """Answer a batch, in order; per-request image problems become that response's error.

        ``prepared`` is what :meth:`prepare` returned for these same requests (made ahead of
        time); without it the batch is prepared here.
        """
        if self.model is None:
            raise ModelCallError(f"{self.name}: generate() after close()", retryable=False)
        start = time.perf_counter()
        if prepared is None or not prepared.made_from(requests):
            prepared = self.prepare(requests)
        results: list[Response | None] = [None] * len(requests)
        for index, error in prepared.errors.items():
            results[index] = Response(text=None, error=error)
        ready = prepared.items

        outputs: dict[int, tuple[str, dict[str, float]]] = {}
        try:
            for group in _sampling_groups(ready):
                for sub_batch in self._sub_batches(group):
                    outputs.update(self._generate_batch(sub_batch))
        except ModelCallError:
            raise
        except Exception as exc:
            self._after_failure()
            raise ModelCallError(f"{self.name}: generation failed ({one_line(exc, limit=300)})", retryable=False) from exc

        latency = (time.perf_counter() - start) / max(1, len(requests))
        for index, (text, usage) in outputs.items():
            results[index] = Response(text=text, usage=usage, latency_s=latency)
        return [r if r is not None else Response(text=None, error="no output for this request") for r in results]

    def close(self) -> None:
        """Drop the weights and give accelerator memory back."""
        if self.model is None:
            return
        self.model = None
        gc.collect()
        if self.device.startswith("cuda"):
            import torch

            torch.cuda.empty_cache()

    # -- one batch --------------------------------------------------------------------------

    def _prepare(self, index: int, request: Request) -> _Prepared:
        """Open the images and render the chat prompt of one request."""
        if request.images and not self.takes_images:
            raise _RequestError(f"{self.name} is a text-only model and cannot take the {len(request.images)} image(s)")
        images = [_open_image(image) for image in request.images]
        prompt = self._render(request.text, len(images), request.system)
        return _Prepared(index, prompt, images, request.params)

    def _render(self, text: str, n_images: int, system: str | None) -> str:
        """The processor's chat template; a template that refuses system turns gets it inline."""
        if self.takes_images:
            user: Any = [{"type": "image"} for _ in range(n_images)] + [{"type": "text", "text": text}]
            system_content: Any = [{"type": "text", "text": system}]
        else:
            user, system_content = text, system
        messages = [{"role": "user", "content": user}]
        if system:
            try:
                return self._apply_template([{"role": "system", "content": system_content}, *messages])
            except Exception:
                # e.g. "System role not supported": fold the instruction into the user turn.
                folded = f"{system}\n\n{text}"
                if self.takes_images:
                    messages = [{"role": "user", "content": user[:-1] + [{"type": "text", "text": folded}]}]
                else:
                    messages = [{"role": "user", "content": folded}]
        try:
            return self._apply_template(messages)
        except Exception as exc:
            raise ModelCallError(f"{self.name}: the chat template failed ({one_line(exc, limit=300)})", retryable=False) from exc

    def _apply_template(self, messages: list[dict[str, Any]]) -> str:
        return self.processor.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)

    def _sub_batches(self, group: list[_Prepared]) -> list[list[_Prepared]]:
        counts = {len(p.images) for p in group}
        if len(counts) <= 1 or not self._split_by_image_count:
            return [group]
        return _by_image_count(group)

    def _generate_batch(self, batch: list[_Prepared]) -> dict[int, tuple[str, dict[str, float]]]:
        try:
            inputs = self._encode(batch)
        except Exception:
            if len({len(p.images) for p in batch}) <= 1:
                raise
            # Some processors (Idefics3/SmolVLM …) cannot mix image counts in one batch.
            self._split_by_image_count = True
            outputs: dict[int, tuple[str, dict[str, float]]] = {}
            for part in _by_image_count(batch):
                outputs.update(self._generate_batch(part))
            return outputs
        return self._run(batch, inputs)

    def _encode(self, batch: list[_Prepared]) -> Any:
        texts = [p.prompt for p in batch]
        images = [image for p in batch for image in p.images]
        kwargs: dict[str, Any] = {"padding": True, "return_tensors": "pt"}
        bos = getattr(self.tokenizer, "bos_token", None)
        if bos and all(text.startswith(bos) for text in texts):
            kwargs["add_special_tokens"] = False  # the template already wrote BOS: do not double it
        if self.takes_images:
            inputs = self.processor(text=texts, images=images or None, **kwargs)
        else:
            inputs = self.processor(texts, **kwargs)
        return {key: self._to_device(value) for key, value in inputs.items()}

    def _to_device(self, value: Any) -> Any:
        """Tensors onto the model's device; floating ones (pixels) also into its dtype."""
        import torch

        if not isinstance(value, torch.Tensor):
            return value
        if torch.is_floating_point(value):
            return value.to(self.device, dtype=self.dtype)
        return value.to(self.device)

    def _run(self, batch: list[_Prepared], inputs: Any) -> dict[int, tuple[str, dict[str, float]]]:
        import torch

        params = batch[0].params
        wanted = [self._max_new_tokens(p.params) for p in batch]
        kwargs: dict[str, Any] = {
            "max_new_tokens": max(wanted),
            "pad_token_id": self.tokenizer.pad_token_id,
        }
        if params.temperature > 0:
            kwargs.update(do_sample=True, temperature=float(params.temperature), top_k=0, top_p=1.0)
            torch.manual_seed(params.seed)
        else:
            kwargs.update(do_sample=False, num_beams=1)
        with torch.inference_mode(), _torch_threads(self.cpu_threads if self.device == "cpu" else None):
            output = self.model.generate(**inputs, **kwargs)
        output = output.sequences if hasattr(output, "sequences") else output
        # Decoder-only output repeats the (left-padded) prompt; encoder-decoder output starts
        # with the decoder start token instead.
        prompt_width = 1 if self.is_encoder_decoder else inputs["input_ids"].shape[1]
        new_tokens = output[:, prompt_width:].tolist()
        mask = inputs.get("attention_mask")
        prompt_lengths = mask.sum(dim=1).tolist() if mask is not None else [inputs["input_ids"].shape[1]] * len(batch)

        results: dict[int, tuple[str, dict[str, float]]] = {}
        for row, item in enumerate(batch):
            tokens = self._completion(new_tokens[row], wanted[row])
            text = self.tokenizer.decode(tokens, skip_special_tokens=True)
            usage = {"prompt_tokens": float(prompt_lengths[row]), "completion_tokens": float(len(tokens))}
            results[item.index] = (text.strip(), usage)
        return results

    def _completion(self, tokens: list[int], limit: int) -> list[int]:
        """The row's generated tokens up to and including the first end-of-sequence token."""
        tokens = tokens[:limit]
        for position, token in enumerate(tokens):
            if token in self._eos_ids:
                return tokens[: position + 1]
        pad = self.tokenizer.pad_token_id
        while tokens and tokens[-1] == pad:
            tokens.pop()  # encoder-decoder rows finished early are padded on the right
        return tokens

    def _max_new_tokens(self, params: GenerationParams) -> int:
        wanted = max(1, int(params.max_tokens))
        if self.max_new_tokens_cap is not None:
            wanted = min(wanted, max(1, int(self.max_new_tokens_cap)))
        return wanted

    def _after_failure(self) -> None:
        if self.device.startswith("cuda"):
            import torch

            torch.cuda.empty_cache()


# -- loading ------------------------------------------------------------------------------


def _load(path: Path, name: str, device: str, dtype: Any) -> tuple[Any, Any]:
    """Processor and model from a local folder, or a one-line ModelError saying why not."""
    import transformers

    try:
        config = transformers.AutoConfig.from_pretrained(path, local_files_only=True)
    except Exception as exc:
        raise ModelError(f"{name}: cannot read the config in {path} ({one_line(exc, limit=300)})") from exc
    try:
        processor = transformers.AutoProcessor.from_pretrained(path, local_files_only=True)
    except Exception as exc:
        raise ModelError(f"{name}: cannot load the processor/tokenizer in {path} ({one_line(exc, limit=300)})") from exc
    if getattr(processor, "chat_template", None) is None:
        raise ModelError(f"{name}: {path} has no chat template (chat_template.jinja or tokenizer_config.json)")

    loaders = [
        getattr(transformers, loader_name, None)
        for loader_name in ("AutoModelForImageTextToText", "AutoModelForVision2Seq", "AutoModelForCausalLM")
    ]
    loader = next((lo for lo in loaders if lo is not None and type(config) in lo._model_mapping), None)
    if loader is None:
        raise ModelError(
            f"{name}: {path} holds a {type(config).__name__} ({getattr(config, 'model_type', '?')}), "
            "which is neither an image-text-to-text nor a causal language model"
        )
    # With accelerate installed the weights go straight onto the accelerator; without it they
    # pass through host memory first (transformers needs accelerate for ``device_map``).
    direct = device != "cpu" and importlib.util.find_spec("accelerate") is not None
    placement = {"device_map": device} if direct else {}
    try:
        model = loader.from_pretrained(path, local_files_only=True, dtype=dtype, **placement)
        if not direct:
            model = model.to(device)
    except Exception as exc:
        raise ModelError(f"{name}: cannot load the weights in {path} onto {device} ({one_line(exc, limit=300)})") from exc
    model.eval()
    return processor, model


def _eos_ids(model: Any, tokenizer: Any) -> set[int]:
    configured = getattr(model.generation_config, "eos_token_id", None)
    if configured is None:
        configured = tokenizer.eos_token_id
    if configured is None:
        return set()
    return {int(t) for t in (configured if isinstance(configured, (list, tuple)) else [configured])}


# -- fingerprint --------------------------------------------------------------------------


def weights_fingerprint(
    folder: str | os.PathLike[str],
    *,
    full_hash_limit: int = FULL_HASH_LIMIT,
    small_file_limit: int = SMALL_FILE_LIMIT,
) -> str:
    """sha256 over every file that can change an answer: relative path, size and content hash.

    Small folders (files over ``small_file_limit`` adding up to at most ``full_hash_limit``
    bytes) are hashed by content, so any change to any byte shows. Bigger folders hash their
    small files (configs, tokenizer, chat template) by content and their big files by the
    sha256 a Hugging Face cache names the blob after when the file links into one (exact),
    else by size and modification time (a replaced file shows; an edit in place that keeps
    size and mtime does not). Hashes are memoised per process by (path, size, mtime).
    """
    root = Path(folder)
    files = sorted(
        p for p in root.rglob("*")
        if p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(root).parts)
        and not p.name.endswith(_IGNORED_SUFFIXES)
    )
    total_big = sum(p.stat().st_size for p in files if p.stat().st_size > small_file_limit)
    digest = hashlib.sha256()
    for path in files:
        stat = path.stat()
        if stat.st_size <= small_file_limit or total_big <= full_hash_limit:
            content = _content_hash(path, stat)
        else:
            blob = Path(os.path.realpath(path)).name
            content = blob if _SHA256_NAME.match(blob) else f"size={stat.st_size},mtime={stat.st_mtime_ns}"
        digest.update(f"{path.relative_to(root).as_posix()}\0{stat.st_size}\0{content}\n".encode("utf-8"))
    return digest.hexdigest()


def _content_hash(path: Path, stat: os.stat_result) -> str:
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    cached = _HASH_MEMO.get(key)
    if cached is None:
        h = hashlib.sha256()
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                h.update(chunk)
        cached = _HASH_MEMO[key] = h.hexdigest()
    return cached


# -- small pieces ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Prepared:
    index: int
    prompt: str
    images: list[Image.Image]
    params: GenerationParams


@dataclass(frozen=True)
class PreparedBatch:
    """A batch after :meth:`HFModel.prepare`: the requests it was made from, the requests
    ready to encode, and the error of each request that cannot be asked (by position)."""

    requests: tuple[Request, ...]
    items: list[_Prepared]
    errors: dict[int, str]

    def made_from(self, requests: Sequence[Request]) -> bool:
        """Whether this is the preparation of exactly these request objects, in this order."""
        return len(requests) == len(self.requests) and all(a is b for a, b in zip(requests, self.requests))


class _RequestError(Exception):
    """This one request cannot be asked (unreadable image …); the rest of the batch goes on."""


def _open_image(image: ImageInput) -> Image.Image:
    """RGB pixels through :mod:`pytest_mmtrust.images` (checks, mode conversion, one-line errors)."""
    try:
        return load_rgb(image)
    except DataError as exc:
        raise _RequestError(str(exc)) from None


@contextlib.contextmanager
def _torch_threads(count: int | None) -> Iterator[None]:
    """Run with ``count`` torch CPU threads, restoring the process's setting after."""
    import torch

    if count is None or count == torch.get_num_threads():
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _sampling_groups(prepared: list[_Prepared]) -> list[list[_Prepared]]:
    """Requests that can share one ``generate``: all greedy, or the same temperature and seed."""
    groups: dict[tuple[float, int], list[_Prepared]] = {}
    for item in prepared:
        params = item.params
        key = (0.0, 0) if params.temperature <= 0 else (float(params.temperature), int(params.seed))
        groups.setdefault(key, []).append(item)
    return list(groups.values())


def _by_image_count(batch: list[_Prepared]) -> list[list[_Prepared]]:
    parts: dict[int, list[_Prepared]] = {}
    for item in batch:
        parts.setdefault(len(item.images), []).append(item)
    return list(parts.values())


__all__ = ["HFModel", "weights_fingerprint", "FULL_HASH_LIMIT"]
