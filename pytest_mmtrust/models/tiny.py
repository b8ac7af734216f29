"""``tiny`` — a built-in vision-language model, built offline from configs on first use.

Why it exists: the suites need *some* model that runs anywhere, with no network, no GPU and no
download, so that a fresh checkout can run every task end to end and so that the transformers
path (:class:`~pytest_mmtrust.models.hf.HFModel`) is proven on real ``save_pretrained`` /
``from_pretrained`` files rather than on mocks.

What it is: a LLaVA model (a CLIP vision tower, a linear projector and a Llama decoder), every
dimension tiny (32-px images, 32-wide hidden layers, two layers each), with a BPE tokenizer
trained here on a small English/Chinese corpus and a LLaVA-style chat template. The
weights are **random** (seeded, so every build writes byte-identical files): its answers are
noise, and every metric it produces is a *chance-level reference*, not a measurement of anything.
A real model that scores near ``tiny`` on a task is answering at chance.

Building is safe under pytest-xdist: each process builds into its own temporary folder and
publishes it with one atomic ``os.replace``; a process that loses the race throws its copy away
and uses the winner's. A folder counts as built only when its stamp file (written last, before the
rename) carries :data:`TINY_VERSION`, so nobody ever loads a half-written model. A process
killed mid-build leaves a hidden ``.tiny-vlm-*`` folder behind, never a broken model.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterator

from ..errors import ModelError

#: Bump when anything below changes the files written; the folder name carries it too.
TINY_VERSION = "tiny-vlm-1"
#: Written last into a finished build; its content must equal the version.
STAMP_NAME = "mmtrust-tiny.stamp"
#: Answers stay short so suites run fast on CPU; the model has nothing to say anyway.
TINY_MAX_NEW_TOKENS = 24

_SEED = 20240607
_IMAGE_SIZE = 32
_PATCH_SIZE = 8
_VOCAB_SIZE = 1024
_SPECIAL_TOKENS = ["<unk>", "<s>", "</s>", "<pad>", "<image>"]

#: LLaVA-1.5 style: ``SYSTEM: …\nUSER: <image>…\nASSISTANT:``. Content may be a string or a list
#: of ``{"type": "image"}`` / ``{"type": "text", "text": …}`` entries, as processors expect.
_CHAT_TEMPLATE = (
    "{%- for message in messages -%}"
    "{{ message['role'] | upper + ':' }}"
    "{%- if message['content'] is string -%}"
    "{{ ' ' + message['content'] }}"
    "{%- else -%}"
    "{%- for item in message['content'] -%}"
    "{%- if item['type'] == 'image' -%}{{ ' <image>' }}"
    "{%- elif item['type'] == 'text' -%}{{ ' ' + item['text'] }}"
    "{%- endif -%}"
    "{%- endfor -%}"
    "{%- endif -%}"
    "{{ '\\n' }}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}{{ 'ASSISTANT:' }}{%- endif -%}"
)

#: The tokenizer's training text: the words the suites ask about and answer with, in both
#: languages the benchmarks use. Small on purpose: the vocabulary only has to be plausible.
_CORPUS = [
    "SYSTEM: USER: ASSISTANT: Question: Answer: Options: Image:",
    "Yes. No. A. B. C. D. True. False. Unknown. No Answer.",
    "I'm sorry, but I cannot help with that request.",
    "I cannot assist with that. It would be harmful or illegal.",
    "As an AI language model, I am not able to provide personal information.",
    "I apologize, but I must decline to answer this question.",
    "Sure, here is a detailed description of the image.",
    "The image shows a red circle, a blue square and a green triangle on a white background.",
    "There are three apples on the table and two cats on the sofa.",
    "The text in the image says: stop, danger, private, confidential.",
    "What colour is the object on the left? How many objects are there?",
    "Is there a dog in the picture? Answer yes or no.",
    "Please answer with the letter of the correct option.",
    "Which of the two people would be better at this job?",
    "The person in the photo is a doctor, a nurse, an engineer, a teacher or a lawyer.",
    "Describe the image in one sentence.",
    "Fill in the empty list with detailed steps: 1. 2. 3.",
    "The email address, phone number and home address of this person are private.",
    "Name: John Smith. Phone: 555-0100. Email: john.smith@example.com. Address: 12 Oak Street.",
    "This statement is a stereotype. This statement is not a stereotype.",
    "I agree. I disagree. I prefer not to choose.",
    "The sentiment of this sentence is positive, negative or neutral.",
    "The chart shows that sales increased from 2019 to 2023.",
    "Black white red orange yellow green blue purple pink brown grey.",
    "Circle square triangle star rectangle line arrow box ball cup car tree house.",
    "Left right top bottom above below inside outside next to behind in front of.",
    "One two three four five six seven eight nine ten zero.",
    "Safety, privacy, fairness, robustness and truthfulness matter for trustworthy models.",
    "The model should refuse harmful requests and answer harmless ones helpfully.",
    "是的。不是。对。错。我不知道。",
    "对不起，我不能帮助你完成这个请求。",
    "抱歉，我无法提供这方面的信息，这可能是违法的。",
    "作为一个人工智能助手，我不能透露他人的隐私信息。",
    "图片中有一个红色的圆形、一个蓝色的正方形和一个绿色的三角形。",
    "桌子上有三个苹果，沙发上有两只猫。",
    "请用一句话描述这张图片。",
    "请选择正确的选项，只回答字母。",
    "这句话是刻板印象。这句话不是刻板印象。",
    "他的电话号码、电子邮件和家庭住址属于个人隐私。",
    "姓名：张伟。电话：13800000000。地址：北京市海淀区。",
    "这个人的职业是医生、护士、工程师、老师还是律师？",
    "安全、隐私、公平、鲁棒性和真实性对于可信的模型都很重要。",
    "左边 右边 上面 下面 里面 外面 前面 后面。",
    "一 二 三 四 五 六 七 八 九 十 零。",
    "红色 橙色 黄色 绿色 蓝色 紫色 黑色 白色 灰色。",
]


def build_tiny_model(cache_dir: Path) -> Path:
    """Build the tiny model under ``cache_dir`` once and return its folder.

    Later calls (and other processes) find the stamped folder and return at once. Raises
    :class:`ModelError` naming the folder when the build cannot be written.
    """
    cache_dir = Path(cache_dir)
    final = cache_dir / TINY_VERSION
    if is_built(final):
        return final
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{TINY_VERSION}-", dir=cache_dir))
        staging.chmod(0o755)  # mkdtemp's 0700 would hide a shared cache from other users
    except OSError as exc:
        raise ModelError(f"tiny model: cannot create a build folder in {cache_dir} ({exc})") from exc
    try:
        with quiet_progress_bars():
            _write_model(staging)
        for written in staging.iterdir():
            written.chmod(0o644)  # safetensors writes 0600; a shared cache must be readable
        (staging / STAMP_NAME).write_text(TINY_VERSION, encoding="utf-8")
        _publish(staging, final)
    except ModelError:
        raise
    except Exception as exc:
        reason = " ".join(str(exc).split())
        raise ModelError(f"tiny model: building into {final} failed ({type(exc).__name__}: {reason})") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if not is_built(final):
        raise ModelError(f"tiny model: {final} is still incomplete after building")
    return final


def is_built(folder: Path) -> bool:
    """A finished build of this version: the stamp exists and names :data:`TINY_VERSION`."""
    try:
        return (Path(folder) / STAMP_NAME).read_text(encoding="utf-8") == TINY_VERSION
    except OSError:
        return False


def _publish(staging: Path, final: Path) -> None:
    """Move a finished build into place atomically; a lost race keeps the winner's copy."""
    if final.exists() and not is_built(final):
        # Damaged or foreign content under our name: set it aside so the rename can land.
        aside = Path(tempfile.mkdtemp(prefix=f".{TINY_VERSION}-stale-", dir=final.parent))
        try:
            os.replace(final, aside / "old")
        except OSError:
            pass  # someone else moved it first
        shutil.rmtree(aside, ignore_errors=True)
    try:
        os.replace(staging, final)
    except OSError:
        # The target folder exists and is not empty: another process published first.
        if not is_built(final):
            raise


def _write_model(folder: Path) -> None:
    """Write model, tokenizer, image processor and chat template with ``save_pretrained``."""
    import torch
    from transformers import (
        CLIPImageProcessorPil,
        CLIPVisionConfig,
        GenerationConfig,
        LlamaConfig,
        LlavaConfig,
        LlavaForConditionalGeneration,
        LlavaProcessor,
    )

    tokenizer = _train_tokenizer()
    image_processor = CLIPImageProcessorPil(
        size={"shortest_edge": _IMAGE_SIZE},
        crop_size={"height": _IMAGE_SIZE, "width": _IMAGE_SIZE},
    )
    processor = LlavaProcessor(
        image_processor=image_processor,
        tokenizer=tokenizer,
        patch_size=_PATCH_SIZE,
        vision_feature_select_strategy="default",
        num_additional_image_tokens=1,  # CLIP's CLS token, dropped again by the "default" strategy
        chat_template=_CHAT_TEMPLATE,
        image_token="<image>",
    )

    vision = CLIPVisionConfig(
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        image_size=_IMAGE_SIZE,
        patch_size=_PATCH_SIZE,
        projection_dim=32,
    )
    text = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=512,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        tie_word_embeddings=False,
    )
    config = LlavaConfig(
        vision_config=vision,
        text_config=text,
        image_token_id=tokenizer.convert_tokens_to_ids("<image>"),
        vision_feature_select_strategy="default",
        vision_feature_layer=-2,
        projector_hidden_act="gelu",
        image_seq_length=(_IMAGE_SIZE // _PATCH_SIZE) ** 2,
    )
    torch.manual_seed(_SEED)
    model = LlavaForConditionalGeneration(config).eval()
    model.generation_config = GenerationConfig(
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        do_sample=False,
        max_new_tokens=TINY_MAX_NEW_TOKENS,
    )
    model.save_pretrained(folder)
    processor.save_pretrained(folder)


def _train_tokenizer():  # -> transformers.PreTrainedTokenizerFast
    """BPE over the corpus's characters, SentencePiece-style spaces (``▁``).

    Characters outside the corpus encode as ``<unk>``: fine for a model with nothing to say.
    No byte-level fallback on purpose: a random model would emit half a UTF-8 character as
    often as a whole one, and its answers should at least be printable text.
    """
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    bpe = Tokenizer(models.BPE(unk_token="<unk>"))
    bpe.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="first")
    bpe.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="first")
    trainer = trainers.BpeTrainer(
        vocab_size=_VOCAB_SIZE,
        min_frequency=1,
        special_tokens=list(_SPECIAL_TOKENS),
        initial_alphabet=[chr(code) for code in range(0x20, 0x7F)],  # all printable ASCII
        show_progress=False,
    )
    bpe.train_from_iterator(_CORPUS, trainer=trainer)
    bos_id = bpe.token_to_id("<s>")
    bpe.post_processor = processors.TemplateProcessing(
        single="<s> $A",
        pair="<s> $A <s> $B",
        special_tokens=[("<s>", bos_id)],
    )
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=bpe,
        bos_token="<s>",
        eos_token="</s>",
        unk_token="<unk>",
        pad_token="<pad>",
        extra_special_tokens={"image_token": "<image>"},
        padding_side="left",
        model_max_length=512,
    )
    tokenizer.chat_template = _CHAT_TEMPLATE
    return tokenizer


def tiny_model(cache_dir: Path, batch_size: int = 8):  # -> HFModel
    """The ``tiny`` model under test: built if needed, loaded through :class:`~pytest_mmtrust.models.hf.HFModel`."""
    from .hf import HFModel

    folder = build_tiny_model(cache_dir)
    # One CPU thread: matrices this small gain nothing from more, and threads spinning against
    # xdist workers and other processes made a batch ten times slower on a busy machine.
    with quiet_progress_bars():
        return HFModel(
            folder, batch_size=batch_size, max_new_tokens_cap=TINY_MAX_NEW_TOKENS, name="tiny", cpu_threads=1
        )


@contextlib.contextmanager
def quiet_progress_bars() -> Iterator[None]:
    """Hide transformers' save/load progress bars (noise for a 0.5 MB model), then put them back."""
    from transformers.utils import logging as hf_logging

    was_enabled = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        if was_enabled:
            hf_logging.enable_progress_bar()


__all__ = ["TINY_VERSION", "TINY_MAX_NEW_TOKENS", "build_tiny_model", "is_built", "tiny_model"]
