"""EdgeFormer structure: sharing, sizes, and that incremental decoding equals the full pass."""

from __future__ import annotations

import pytest
import torch

from edge_sdk.models.edgeformer import ConfigError, EdgeFormer, EdgeFormerConfig

TINY = dict(vocab_size=300, d_model=64, n_heads=4, encoder_ffn_dim=128, decoder_ffn_dim=32, encoder_layers=12,
            lora_rank=4, max_source_len=16, max_target_len=16, dropout=0.0)


def _random_model(**overrides) -> EdgeFormer:
    torch.manual_seed(0)
    model = EdgeFormer(EdgeFormerConfig(**{**TINY, **overrides})).eval()
    with torch.no_grad():
        for p in model.parameters():  # LoRA starts at zero; give every weight a visible effect
            p.normal_(0, 0.2)
    return model


def test_default_parameter_count_matches_the_architecture():
    model = EdgeFormer(EdgeFormerConfig(vocab_size=2000))
    d, v = 512, 2000
    attn = 4 * (d * d + d)
    enc_ffn = 2 * d * 2048 + 2048 + d
    dec_ffn = 2 * d * 128 + 128 + d
    layer_norm = 2 * d
    # 4 distinct encoder attentions, 2 distinct encoder FFNs, 12x2 encoder LayerNorms, 2 decoder layers
    # with their own small FFN and 3 LayerNorms; one tied embedding.
    expected = v * d + 4 * attn + 2 * enc_ffn + 24 * layer_norm + 2 * (dec_ffn + 3 * layer_norm)
    assert model.num_parameters(include_lora=False) == expected
    assert 9.6e6 < expected < 9.8e6  # the paper's ~9.7 M for a 2 k vocabulary
    lora = 12 * 2 * ((d * 32 + 32) + (32 * d + d))
    assert model.num_parameters() == expected + lora


def test_sharing_scheme():
    model = EdgeFormer(EdgeFormerConfig(**TINY))
    for i in range(12):
        assert model.attention_of_encoder_layer(i) is model.encoder_attn[i % 4]
        assert model.ffn_of_encoder_layer(i) is model.encoder_ffn[i % 2]
    assert len(model.encoder_attn) == 4 and len(model.encoder_ffn) == 2
    assert model.decoder_self_attention(0) is model.encoder_attn[0]
    assert model.decoder_cross_attention(0) is model.encoder_attn[1]
    assert model.decoder_self_attention(1) is model.encoder_attn[2]
    assert model.decoder_cross_attention(1) is model.encoder_attn[3]
    # Every tensor is stored once: no two state-dict entries share memory.
    pointers = [t.data_ptr() for t in model.state_dict().values()]
    assert len(pointers) == len(set(pointers))


@pytest.mark.parametrize(("shape", "expected"), [
    ("flat", [8] * 12),
    ("decreasing", [16, 12, 8, 4] + [4] * 8),
    ("increasing", [4, 8, 12, 16] + [16] * 8),
])
def test_lora_rank_shapes(shape, expected):
    config = EdgeFormerConfig(**{**TINY, "lora_rank": 8, "lora_shape": shape})
    assert config.lora_ranks() == expected
    model = EdgeFormer(config)
    assert [layer.q_lora.linear_u.out_features for layer in model.encoder_layers] == expected


def test_lora_changes_queries_and_values_only_in_the_encoder():
    model = _random_model()
    src = torch.randint(4, 300, (1, 7))
    with torch.no_grad():
        hidden, _ = model.encoder_forward(src)
        for layer in model.encoder_layers:
            layer.q_lora.linear_v.weight.zero_()
            layer.q_lora.linear_v.bias.zero_()
        hidden_without_q_lora, _ = model.encoder_forward(src)
    assert not torch.allclose(hidden, hidden_without_q_lora)


def test_incremental_decoding_equals_the_teacher_forced_pass():
    model = _random_model()
    src = torch.randint(4, 300, (1, 9))
    tgt = torch.randint(4, 300, (1, 10))
    tgt[0, 0] = 2
    with torch.no_grad():
        full = model(src, tgt)[0]
        memory_kv, memory_bias = model.encode(src)
        steps = torch.stack([model.decode_step(tgt[:, t], torch.tensor([t]), memory_kv, memory_bias)[0]
                             for t in range(10)])
    assert torch.allclose(full, steps, atol=1e-4)


def test_right_padding_does_not_change_the_result():
    model = _random_model()
    src = torch.randint(4, 300, (1, 6))
    padded = torch.cat([src, torch.full((1, 4), model.config.pad_id)], dim=1)
    with torch.no_grad():
        kv, bias = model.encode(src)
        kv_pad, bias_pad = model.encode(padded)
        a = model.decode_step(torch.tensor([2]), torch.tensor([0]), kv, bias)
        b = model.decode_step(torch.tensor([2]), torch.tensor([0]), kv_pad, bias_pad)
    assert torch.allclose(a, b, atol=1e-4)


def test_stale_cache_entries_are_masked():
    model = _random_model()
    src = torch.randint(4, 300, (1, 5))
    with torch.no_grad():
        kv, bias = model.encode(src)
        first = model.decode_step(torch.tensor([2]), torch.tensor([0]), kv, bias)
        for j in range(model.config.decoder_layers):  # garbage where later steps would write
            getattr(model, f"k_cache_{j}")[:, :, 1:].normal_(0, 10)
            getattr(model, f"v_cache_{j}")[:, :, 1:].normal_(0, 10)
        again = model.decode_step(torch.tensor([2]), torch.tensor([0]), kv, bias)
    assert torch.equal(first, again)


@pytest.mark.parametrize(("field", "value", "message"), [
    ("d_model", 66, "divisible by n_heads"),
    ("decoder_layers", 3, "distinct encoder attentions"),
    ("lora_shape", "wavy", "lora_shape"),
    ("lora_rank", -1, "lora_rank"),
    ("vocab_size", 3, "special ids"),
])
def test_invalid_configs_are_rejected_with_the_reason(field, value, message):
    with pytest.raises(ConfigError, match=message):
        EdgeFormerConfig(**{**TINY, field: value})


def test_unknown_config_field_is_named():
    with pytest.raises(ConfigError, match="d_modle"):
        EdgeFormerConfig.from_dict({"d_modle": 64})
