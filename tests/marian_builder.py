"""MarianMT models with random weights and a SentencePiece vocabulary trained on the fly, built offline.

Used by the test fixture (a tiny model) and by `python -m bench` (the real opus-mt-en-de shape).
"""
from __future__ import annotations

import json
import warnings
from pathlib import Path

TINY_CORPUS = """\
The newsletter is published every week.
This issue covers new releases and community news.
Thank you for reading and sharing our work.
Please send feedback to the editors.
The meeting starts at nine in the morning.
Our team released a new version of the tool.
You can download the files from the website.
The translation is checked before it is published.
Read the full article on our blog.
Subscribe to receive the next issue by email.
We welcome new contributors from every country.
The project is free and open to everyone.
A newsletter with links, code and pictures.
Small changes make the documentation easier to read.
The library supports many languages and formats.
A boletim é publicado todas as semanas.
Esta edição traz novas versões e notícias da comunidade.
Obrigado por ler e partilhar o nosso trabalho.
Por favor envie comentários aos editores.
A reunião começa às nove da manhã.
A nossa equipa lançou uma nova versão da ferramenta.
Pode descarregar os ficheiros do site.
A tradução é verificada antes de ser publicada.
Leia o artigo completo no nosso blogue.
Subscreva para receber a próxima edição por email.
Damos as boas-vindas a novos colaboradores de todos os países.
O projeto é livre e aberto a todos.
Um boletim com ligações, código e imagens.
Pequenas mudanças tornam a documentação mais fácil de ler.
A biblioteca suporta muitas línguas e formatos.
"""

# A tiny model: outputs are gibberish, but deterministic and input-dependent.
TINY = dict(
    d_model=16,
    encoder_layers=1,
    decoder_layers=1,
    encoder_attention_heads=2,
    decoder_attention_heads=2,
    encoder_ffn_dim=32,
    decoder_ffn_dim=32,
    max_position_embeddings=64,
    init_std=0.3,  # large enough that the random model's outputs differ between inputs
)

# Helsinki-NLP/opus-mt-en-de's config.json, written out (the hub is not reachable offline).
OPUS_MT_EN_DE = dict(
    vocab_size=58101,
    decoder_vocab_size=58101,
    d_model=512,
    encoder_layers=6,
    decoder_layers=6,
    encoder_attention_heads=8,
    decoder_attention_heads=8,
    encoder_ffn_dim=2048,
    decoder_ffn_dim=2048,
    max_position_embeddings=512,
    activation_function="swish",
    scale_embedding=True,
    static_position_embeddings=True,
    share_encoder_decoder_embeddings=True,
    normalize_before=False,
    normalize_embedding=False,
    add_final_layer_norm=False,
    add_bias_logits=False,
    dropout=0.1,
    attention_dropout=0.0,
    activation_dropout=0.0,
    init_std=0.02,
)


def build_marian(out: Path, text: str, *, pieces: int, vocab_size: int | None = None, seed: int = 0, **config) -> Path:
    """Save a MarianMT model and tokenizer in ``out``/model; SentencePiece (unigram, ``pieces``) trained on ``text``.

    Vocab ids follow Marian's convention: ``</s>`` = 0, ``<unk>`` = 1, ``>>por<<`` (a target token),
    the pieces, unused filler tokens up to ``vocab_size`` when given, ``<pad>`` last (also the
    decoder start token). ``config`` is passed to ``MarianConfig``.
    """
    import sentencepiece as spm
    import torch
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # no "Writing model shards" bar

    work = out / "build"
    work.mkdir(parents=True)
    (work / "corpus.txt").write_text(text, encoding="utf-8")
    spm.SentencePieceTrainer.train(
        input=str(work / "corpus.txt"),
        model_prefix=str(work / "spm"),
        vocab_size=pieces,
        model_type="unigram",
        hard_vocab_limit=False,
        character_coverage=1.0,
        unk_id=0,
        bos_id=-1,
        eos_id=-1,
        pad_id=-1,
        minloglevel=2,
    )
    sp = spm.SentencePieceProcessor(model_file=str(work / "spm.model"))
    tokens = ["</s>", "<unk>", ">>por<<", *(sp.id_to_piece(i) for i in range(sp.get_piece_size()) if not sp.is_unknown(i))]
    tokens += [f"<unused{i}>" for i in range(len(tokens), (vocab_size or 0) - 1)]
    vocab = {tok: i for i, tok in enumerate([*tokens, "<pad>"])}
    (work / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")

    model_dir = out / "model"
    max_length = config["max_position_embeddings"]
    with warnings.catch_warnings():  # "Recommended: pip install sacremoses."
        warnings.simplefilter("ignore")
        tokenizer = MarianTokenizer(
            vocab=str(work / "vocab.json"),
            source_spm=str(work / "spm.model"),
            target_spm=str(work / "spm.model"),
            model_max_length=max_length,
        )
    tokenizer.save_pretrained(str(model_dir))

    pad, eos = vocab["<pad>"], vocab["</s>"]
    marian = MarianConfig(
        vocab_size=len(vocab), pad_token_id=pad, eos_token_id=eos, decoder_start_token_id=pad, forced_eos_token_id=eos, **config
    )
    torch.manual_seed(seed)
    model = MarianMTModel(marian)
    # Like the published opus-mt generation configs.
    model.generation_config.update(max_length=max_length, num_beams=4, bad_words_ids=[[pad]])
    model.save_pretrained(str(model_dir), safe_serialization=True)
    return model_dir
