"""The PGD attack of R.4/R.5 on a small random CLIP vision encoder: the budget holds after PNG
quantisation, the attack moves the surrogate's embedding more than noise of the same budget
does, it repeats bit for bit, and the command line writes a set the upstream loaders read."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from PIL import Image

from pytest_mmtrust.datasets.draw import save_png
from pytest_mmtrust.errors import ConfigError
from pytest_mmtrust.robustness.adversarial import load_r4_upstream, load_r5_upstream, shape_items
from pytest_mmtrust.robustness.attack import (
    PGDConfig,
    attack_batch,
    budget_levels,
    load_surrogate,
    main,
    quantise,
    random_noise,
    similarities,
)

EPSILON = 16 / 255


@pytest.fixture(scope="module")
def clip_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A randomly initialised CLIP vision model (seeded) saved with its image processor."""
    import torch
    from transformers import CLIPImageProcessorPil, CLIPVisionConfig, CLIPVisionModel

    folder = tmp_path_factory.mktemp("random-clip")
    config = CLIPVisionConfig(hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=4,
                              image_size=32, patch_size=8, projection_dim=32)
    torch.manual_seed(7)
    CLIPVisionModel(config).eval().save_pretrained(folder)
    CLIPImageProcessorPil(size={"shortest_edge": 32}, crop_size={"height": 32, "width": 32}).save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def encoder(clip_folder: Path):
    return load_surrogate(str(clip_folder))


@pytest.fixture(scope="module")
def pictures() -> dict[str, list[np.ndarray]]:
    items = shape_items(11, count=10, targeted=True)
    return {"clean": [i.picture() for i in items], "target": [i.target_picture() for i in items]}


def test_the_surrogate_reads_its_processor(encoder) -> None:
    import torch

    assert (encoder.shortest_edge, encoder.crop) == (32, (32, 32))
    assert encoder.mean == pytest.approx((0.48145466, 0.4578275, 0.40821073))
    assert encoder(torch.rand(2, 3, 128, 96)).shape == (2, 32)  # pooled output of a vision-only model


def test_a_dual_encoder_is_attacked_through_its_projected_image_embedding(tmp_path: Path) -> None:
    import torch
    from transformers import CLIPConfig, CLIPImageProcessorPil, CLIPModel

    config = CLIPConfig(
        text_config={"hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 1, "num_attention_heads": 2,
                     "vocab_size": 99},
        vision_config={"hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 1, "num_attention_heads": 2,
                       "image_size": 32, "patch_size": 16},
        projection_dim=12,
    )
    torch.manual_seed(0)
    CLIPModel(config).save_pretrained(tmp_path)
    CLIPImageProcessorPil(size={"shortest_edge": 32}, crop_size={"height": 32, "width": 32}).save_pretrained(tmp_path)
    dual = load_surrogate(str(tmp_path))
    assert dual(torch.rand(3, 3, 64, 64)).shape == (3, 12)


def reload(picture: np.ndarray, path: Path) -> np.ndarray:
    save_png(Image.fromarray(picture, "RGB"), path)
    with Image.open(path) as image:
        return np.asarray(image.convert("RGB"), dtype=np.int16)


@pytest.mark.parametrize("targeted", [False, True])
def test_the_budget_holds_in_the_written_png(encoder, pictures, tmp_path: Path, targeted: bool) -> None:
    config = PGDConfig(steps=5, seed=3)
    attacked = attack_batch(encoder, pictures["clean"], config, pictures["target"] if targeted else None)
    for n, (clean, adversarial) in enumerate(zip(pictures["clean"], attacked)):
        delta = (reload(adversarial, tmp_path / f"{n}.png") - clean.astype(np.int16)) / 255.0
        assert np.abs(delta).max() <= EPSILON + 1e-6
        assert np.abs(delta).max() > 0  # it did perturb


def test_untargeted_pgd_moves_the_embedding_further_than_noise(encoder, pictures) -> None:
    clean = pictures["clean"]
    attacked = attack_batch(encoder, clean, PGDConfig(seed=1))
    noise = [random_noise(p, EPSILON, np.random.default_rng(n)) for n, p in enumerate(clean)]
    attacked_similarity = similarities(encoder, attacked, clean)
    noise_similarity = similarities(encoder, noise, clean)
    assert np.all(attacked_similarity < noise_similarity), (attacked_similarity, noise_similarity)
    assert attacked_similarity.mean() < noise_similarity.mean() - 0.05


def test_targeted_pgd_pulls_the_embedding_towards_the_target(encoder, pictures) -> None:
    clean, targets = pictures["clean"], pictures["target"]
    attacked = attack_batch(encoder, clean, PGDConfig(seed=1), targets)
    noise = [random_noise(p, EPSILON, np.random.default_rng(n)) for n, p in enumerate(clean)]
    towards = similarities(encoder, attacked, targets)
    assert np.all(towards > similarities(encoder, noise, targets))
    assert np.all(towards > similarities(encoder, clean, targets))


def test_the_attack_repeats_bit_for_bit(encoder, pictures) -> None:
    first = attack_batch(encoder, pictures["clean"][:3], PGDConfig(steps=4, seed=9))
    again = attack_batch(encoder, pictures["clean"][:3], PGDConfig(steps=4, seed=9))
    other_seed = attack_batch(encoder, pictures["clean"][:3], PGDConfig(steps=4, seed=10))
    assert all(np.array_equal(a, b) for a, b in zip(first, again))
    assert not all(np.array_equal(a, b) for a, b in zip(first, other_seed))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    hnp.arrays(np.uint8, (4, 5, 3)),
    hnp.arrays(np.float64, (4, 5, 3), elements=st.floats(0.0, 1.0)),
    st.integers(1, 32),
)
def test_quantise_never_leaves_the_budget(clean: np.ndarray, adversarial: np.ndarray, levels: int) -> None:
    epsilon = levels / 255
    out = quantise(clean, adversarial, epsilon)
    assert out.dtype == np.uint8
    assert np.abs(out.astype(int) - clean.astype(int)).max() <= budget_levels(epsilon) == levels
    inside = np.abs(np.rint(adversarial * 255) - clean) <= levels
    assert np.array_equal(out[inside], np.rint(adversarial * 255)[inside].astype(np.uint8))


def test_noise_sits_on_the_budget_corners() -> None:
    clean = np.full((6, 6, 3), 128, dtype=np.uint8)
    clean[0, 0] = (0, 255, 10)
    noise = random_noise(clean, EPSILON, np.random.default_rng(0)).astype(int)
    moved = np.abs(noise - clean.astype(int))
    assert np.all(moved[1:] == 16) and moved[0, 0, 2] == 16
    assert set(np.unique(noise[1:])) == {112, 144}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"epsilon": 0}, "epsilon must be in"), ({"steps": 0}, "steps must be at least 1"), ({"alpha": -1.0}, "step size")],
)
def test_bad_attack_settings_are_config_errors(kwargs: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        PGDConfig(**kwargs)


def test_default_step_size_and_budget() -> None:
    assert PGDConfig().step_size == pytest.approx(2.5 * EPSILON / 10)
    assert PGDConfig().levels == 16 and budget_levels(8 / 255) == 8 and budget_levels(0.05) == 12


def test_a_surrogate_that_is_not_a_model_folder_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not a folder"):
        load_surrogate(str(tmp_path / "missing"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(ConfigError, match="cannot load a transformers model"):
        load_surrogate(str(tmp_path / "empty"))


def test_the_command_writes_the_upstream_layout(clip_folder: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "data"
    assert main(["--out", str(out), "--surrogate", str(clip_folder), "--count", "5", "--size", "64", "--steps", "3"]) == 0
    assert "wrote 5 clean, noise, untargeted and targeted pictures" in capsys.readouterr().out
    r4, r5 = load_r4_upstream(out), load_r5_upstream(out)
    assert [c.condition for c in r4[:3]] == ["clean", "noise", "untargeted"]
    assert [c.condition for c in r5[:3]] == ["clean", "noise", "targeted"]
    assert len(r4) == len(r5) == 15
    for case in r5:
        with Image.open(case.images[0]) as image:
            assert image.size == (64, 64)
        assert case.metadata["target_object"] != case.target
    by_condition = {c.condition: np.asarray(Image.open(c.images[0]), dtype=int) for c in r4[:3]}
    assert np.abs(by_condition["untargeted"] - by_condition["clean"]).max() <= 16
    assert main(["--out", str(out), "--surrogate", str(tmp_path / "nowhere")]) == 2
    assert "not a folder" in capsys.readouterr().err
