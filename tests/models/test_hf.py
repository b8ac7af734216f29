"""HFModel on real ``save_pretrained`` folders: the tiny LLaVA model and a tiny text-only Llama."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
from pathlib import Path
from typing import Iterator

import pytest
from PIL import Image

from pytest_mmtrust.errors import ModelCallError, ModelError
from pytest_mmtrust.models.base import Model
from pytest_mmtrust.models.hf import HFModel, weights_fingerprint
from pytest_mmtrust.models.tiny import build_tiny_model
from pytest_mmtrust.values import GenerationParams, Request

IMAGE_TOKENS = 16  # (32 px / 8 px patches)², CLS dropped


@pytest.fixture(scope="module")
def tiny_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_model(tmp_path_factory.mktemp("tiny-cache"))


@pytest.fixture(scope="module")
def model(tiny_folder: Path) -> Iterator[HFModel]:
    loaded = HFModel(tiny_folder, batch_size=8, max_new_tokens_cap=12, cpu_threads=1)
    yield loaded
    loaded.close()


@pytest.fixture(scope="module")
def images(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    folder = tmp_path_factory.mktemp("images")
    red = folder / "red.png"
    Image.new("RGB", (40, 30), (220, 20, 20)).save(red)
    return {
        "red_path": red,
        "blue": Image.new("RGB", (64, 64), (20, 20, 220)),
        "grey_l": Image.new("L", (20, 50), 128),  # not RGB: must be converted
        "rgba": Image.new("RGBA", (32, 32), (0, 200, 0, 100)),
    }


def _mixed_requests(images: dict[str, object]) -> list[Request]:
    return [
        Request("Is there a dog in the picture? Answer yes or no."),
        Request("What colour is the object?", (images["red_path"],), system="Answer in one word."),
        Request("Which image is brighter, the first or the second?", (images["blue"], images["grey_l"])),
        Request("请用一句话描述这张图片。", (images["rgba"],)),
        Request("Name three colours.", system="You are a careful assistant."),
    ]


def test_speaks_the_model_protocol(model: HFModel, tiny_folder: Path) -> None:
    assert isinstance(model, Model)
    assert model.name == f"hf:{tiny_folder}"
    assert model.batch_size == 8
    assert model.max_concurrency == 1
    assert model.device == "cpu"
    assert model.tokenizer.padding_side == "left"


def test_a_mixed_batch_answers_every_request_in_order(model: HFModel, images: dict[str, object]) -> None:
    requests = _mixed_requests(images)
    responses = model.generate(requests)
    assert len(responses) == len(requests)
    assert all(r.ok and isinstance(r.text, str) for r in responses)
    for response in responses:
        assert set(response.usage) == {"prompt_tokens", "completion_tokens"}
        assert 1 <= response.usage["completion_tokens"] <= 12
        assert response.latency_s is not None and response.latency_s >= 0
    prompt = [r.usage["prompt_tokens"] for r in responses]
    # The images really are in the prompts, in the right rows: 16 placeholder tokens each.
    assert prompt[2] - IMAGE_TOKENS * 2 > 0
    assert prompt[1] >= IMAGE_TOKENS + 5 and prompt[3] >= IMAGE_TOKENS + 5
    assert prompt[0] < IMAGE_TOKENS + 20 and prompt[4] < IMAGE_TOKENS + 20
    assert prompt == [model.generate([r])[0].usage["prompt_tokens"] for r in requests]


def test_greedy_answers_repeat(model: HFModel, images: dict[str, object]) -> None:
    requests = _mixed_requests(images)
    first = [r.text for r in model.generate(requests)]
    second = [r.text for r in model.generate(requests)]
    assert first == second


def test_batched_answers_equal_one_by_one_answers(model: HFModel, images: dict[str, object]) -> None:
    # Left padding with its attention mask must not change a greedy answer. Float32 on CPU is
    # exact enough for this; a bfloat16 GPU run may differ in rare near-ties.
    requests = _mixed_requests(images)
    batched = [r.text for r in model.generate(requests)]
    alone = [model.generate([r])[0].text for r in requests]
    assert batched == alone


def test_max_tokens_and_the_cap_bound_the_answer(model: HFModel) -> None:
    short = Request("Describe the image in one sentence.", params=GenerationParams(max_tokens=3))
    long = Request("Describe the image in one sentence.", params=GenerationParams(max_tokens=500))
    r_short, r_long = model.generate([short, long])
    assert r_short.usage["completion_tokens"] <= 3
    assert r_long.usage["completion_tokens"] <= 12
    # Same prompt, greedy: the short answer is the start of the long one.
    assert r_long.text.startswith(r_short.text)


def test_sampling_repeats_with_its_seed(model: HFModel) -> None:
    def ask(seed: int) -> list[str | None]:
        params = GenerationParams(temperature=1.0, seed=seed, max_tokens=12)
        return [r.text for r in model.generate([Request("Name three colours.", params=params)] * 2)]

    assert ask(7) == ask(7)
    assert ask(7) != ask(8)


def test_an_unreadable_image_fails_only_its_request(
    model: HFModel, images: dict[str, object], tmp_path: Path
) -> None:
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not a png")
    responses = model.generate(
        [Request("ok", (images["blue"],)), Request("bad", (broken,)), Request("missing", (tmp_path / "none.png",))]
    )
    assert responses[0].ok
    assert not responses[1].ok and str(broken) in responses[1].error
    assert not responses[2].ok and "none.png" in responses[2].error


def test_a_batch_prepared_ahead_answers_as_one_prepared_in_generate(
    model: HFModel, images: dict[str, object], tmp_path: Path
) -> None:
    """``prepare`` (run by the runner beside the previous batch) changes nothing in the answers;
    a preparation made from other request objects is not used."""
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not a png")
    requests = [*_mixed_requests(images), Request("look", images=(broken,))]
    plain = model.generate(requests)
    prepared = model.prepare(requests)
    assert list(prepared.errors) == [len(requests) - 1]
    ahead = model.generate(requests, prepared=prepared)
    assert [(r.text, r.error) for r in ahead] == [(r.text, r.error) for r in plain]
    assert ahead[-1].error and not ahead[-1].ok
    others = [dataclasses.replace(r) for r in requests]  # equal requests, other objects
    assert not prepared.made_from(others)
    assert [r.text for r in model.generate(others, prepared=prepared)] == [r.text for r in plain]


def test_processor_that_cannot_mix_image_counts_gets_split_batches(
    model: HFModel, images: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(model, "_split_by_image_count", False)
    requests = _mixed_requests(images)
    expected = [model.generate([r])[0].text for r in requests]
    real = model.processor
    calls: list[int] = []

    class OneImageCountProcessor:
        """Like Idefics3-style processors: every row of a batch must carry the same image count."""

        image_processor = real.image_processor
        tokenizer = real.tokenizer

        def apply_chat_template(self, *args, **kwargs):
            return real.apply_chat_template(*args, **kwargs)

        def __call__(self, text, images=None, **kwargs):
            counts = {t.count("<image>") for t in text}
            if len(counts) > 1:
                raise ValueError("all rows need the same number of images")
            calls.append(len(text))
            return real(text=text, images=images, **kwargs)

    monkeypatch.setattr(model, "processor", OneImageCountProcessor())
    assert [r.text for r in model.generate(requests)] == expected
    # One batch per image count: two text-only rows, two one-image rows, one two-image row.
    assert sorted(calls) == [1, 2, 2]
    calls.clear()
    model.generate(requests)  # remembered: split at once, no failing attempt first
    assert sorted(calls) == [1, 2, 2]


def test_a_system_prompt_the_template_refuses_is_folded_into_the_user_turn(
    model: HFModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    template = model.processor.chat_template
    strict = "{%- if messages[0]['role'] == 'system' -%}{{ raise_exception('System role not supported') }}{%- endif -%}"
    monkeypatch.setattr(model.processor, "chat_template", strict + template)
    prompt = model._render("What is shown?", 1, "Answer in one word.")
    assert "SYSTEM" not in prompt
    assert "USER: <image> Answer in one word.\n\nWhat is shown?" in prompt


def test_a_template_that_writes_bos_does_not_get_a_second_one(
    model: HFModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    bos = model.tokenizer.bos_token_id
    monkeypatch.setattr(model.processor, "chat_template", "<s>" + model.processor.chat_template)
    [prepared] = [model._prepare(0, Request("Hello"))]
    ids = model._encode([prepared])["input_ids"][0].tolist()
    assert ids[0] == bos and ids[1] != bos


def test_an_exception_inside_generate_is_a_final_model_call_error(
    tiny_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = HFModel(tiny_folder, cpu_threads=1)

    def out_of_memory(**kwargs):
        raise RuntimeError("CUDA out of memory. Tried to allocate 20.00 GiB")

    monkeypatch.setattr(model.model, "generate", out_of_memory)
    with pytest.raises(ModelCallError, match="CUDA out of memory") as caught:
        model.generate([Request("hello")])
    assert caught.value.retryable is False
    model.close()
    assert model.model is None
    with pytest.raises(ModelCallError, match="close"):
        model.generate([Request("hello")])


def test_a_missing_folder_is_a_model_error_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-model"
    with pytest.raises(ModelError, match="does not exist") as caught:
        HFModel(missing)
    assert str(missing) in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_folder_without_config_is_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="no config.json") as caught:
        HFModel(tmp_path)
    assert str(tmp_path) in str(caught.value)


def test_corrupt_weights_are_a_model_error_naming_the_folder(tiny_folder: Path, tmp_path: Path) -> None:
    copy = Path(shutil.copytree(tiny_folder, tmp_path / "copy"))
    (copy / "model.safetensors").write_bytes(b"\x00" * 64)
    with pytest.raises(ModelError, match="cannot load the weights") as caught:
        HFModel(copy)
    assert str(copy) in str(caught.value)
    assert "\n" not in str(caught.value)


def test_identity_changes_when_a_weight_file_changes(tiny_folder: Path, tmp_path: Path) -> None:
    copy = Path(shutil.copytree(tiny_folder, tmp_path / "copy"))
    same = HFModel(copy, name="m", cpu_threads=1)
    assert weights_fingerprint(copy) == weights_fingerprint(tiny_folder)
    weights = bytearray((copy / "model.safetensors").read_bytes())
    weights[-1] ^= 0xFF  # one bit pattern in the last float: same size, same file name
    (copy / "model.safetensors").write_bytes(bytes(weights))
    changed = HFModel(copy, name="m", cpu_threads=1)
    assert changed.identity() != same.identity()
    assert changed.identity().startswith("m#") and "float32" in changed.identity()
    same.close()
    changed.close()


def test_fingerprint_of_big_files_uses_cache_blob_names_or_size_and_mtime(tmp_path: Path) -> None:
    blobs = tmp_path / "blobs"
    blobs.mkdir()
    sha = "ab" * 32
    (blobs / sha).write_bytes(b"weights")
    snapshot = tmp_path / "snapshot"
    snapshot.mkdir()
    (snapshot / "config.json").write_text("{}", encoding="utf-8")
    (snapshot / "model.safetensors").symlink_to(blobs / sha)
    (snapshot / "README.md").write_text("ignored", encoding="utf-8")

    def fingerprint() -> str:
        return weights_fingerprint(snapshot, full_hash_limit=0, small_file_limit=2)

    linked = fingerprint()
    (snapshot / "README.md").write_text("still ignored", encoding="utf-8")
    assert fingerprint() == linked
    # The blob's name is its content hash: a link to another blob is another model.
    other = blobs / ("cd" * 32)
    other.write_bytes(b"weights")
    (snapshot / "model.safetensors").unlink()
    (snapshot / "model.safetensors").symlink_to(other)
    assert fingerprint() != linked
    # A plain big file is known by size and mtime.
    (snapshot / "model.safetensors").unlink()
    plain = snapshot / "model.safetensors"
    plain.write_bytes(b"weights")
    os.utime(plain, ns=(1_000_000_000, 1_000_000_000))
    first = fingerprint()
    os.utime(plain, ns=(2_000_000_000, 2_000_000_000))
    assert fingerprint() != first


@pytest.fixture(scope="module")
def text_only_folder(tiny_folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny Llama with the tiny model's tokenizer: the AutoModelForCausalLM path."""
    import torch
    from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

    folder = tmp_path_factory.mktemp("text-only")
    tokenizer = AutoTokenizer.from_pretrained(tiny_folder, local_files_only=True)
    config = LlamaConfig(
        vocab_size=len(tokenizer), hidden_size=16, intermediate_size=32, num_hidden_layers=1,
        num_attention_heads=2, num_key_value_heads=1, bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id,
    )
    torch.manual_seed(0)
    LlamaForCausalLM(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    # A real text-only folder names no multimodal processor.
    settings = json.loads((folder / "tokenizer_config.json").read_text(encoding="utf-8"))
    settings.pop("processor_class", None)
    (folder / "tokenizer_config.json").write_text(json.dumps(settings), encoding="utf-8")
    return folder


def test_a_text_only_model_answers_text_and_refuses_images(text_only_folder: Path, images: dict[str, object]) -> None:
    model = HFModel(text_only_folder, max_new_tokens_cap=6, cpu_threads=1)
    assert not model.takes_images
    responses = model.generate(
        [Request("Name three colours.", system="Be brief."), Request("What is this?", (images["blue"],)), Request("Hi")]
    )
    assert responses[0].ok and responses[2].ok
    assert not responses[1].ok and "text-only" in responses[1].error
    assert [r.text for r in responses[::2]] == [model.generate([r])[0].text for r in (
        Request("Name three colours.", system="Be brief."), Request("Hi"))]
    model.close()
