"""Shared pytest fixtures."""
from __future__ import annotations

import json
import warnings

import pytest
from hypothesis import settings

# Deterministic property tests: the same examples on every run (CI must not flake).
settings.register_profile("deterministic", derandomize=True)
settings.load_profile("deterministic")

_TINY_MARIAN_CORPUS = """\
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


@pytest.fixture(scope="session")
def tiny_marian_dir(tmp_path_factory):
    """A tiny random-weight MarianMT model + tokenizer saved to a local directory, built offline.

    Vocab ids follow Marian's convention: ``</s>`` = 0, ``<unk>`` = 1, ``<pad>`` = last
    (pad is also the decoder start token). ``>>por<<`` is in the vocab as a target token.
    Outputs are gibberish, but deterministic and input-dependent.
    """
    import sentencepiece as spm
    import torch
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    work = tmp_path_factory.mktemp("tiny_marian_build")
    corpus = work / "corpus.txt"
    corpus.write_text(_TINY_MARIAN_CORPUS, encoding="utf-8")
    spm.SentencePieceTrainer.train(
        input=str(corpus),
        model_prefix=str(work / "spm"),
        vocab_size=150,
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
    pieces = [sp.id_to_piece(i) for i in range(sp.get_piece_size()) if not sp.is_unknown(i)]
    tokens = ["</s>", "<unk>", ">>por<<", *pieces, "<pad>"]
    vocab = {tok: i for i, tok in enumerate(tokens)}
    (work / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")

    out = tmp_path_factory.mktemp("tiny_marian")
    with warnings.catch_warnings():  # "Recommended: pip install sacremoses."
        warnings.simplefilter("ignore")
        tokenizer = MarianTokenizer(
            vocab=str(work / "vocab.json"),
            source_spm=str(work / "spm.model"),
            target_spm=str(work / "spm.model"),
            model_max_length=64,
        )
    tokenizer.save_pretrained(str(out))

    pad = vocab["<pad>"]
    config = MarianConfig(
        vocab_size=len(vocab),
        d_model=16,
        encoder_layers=1,
        decoder_layers=1,
        encoder_attention_heads=2,
        decoder_attention_heads=2,
        encoder_ffn_dim=32,
        decoder_ffn_dim=32,
        max_position_embeddings=64,
        init_std=0.3,  # large enough that the random model's outputs differ between inputs
        pad_token_id=pad,
        eos_token_id=vocab["</s>"],
        decoder_start_token_id=pad,
        forced_eos_token_id=vocab["</s>"],
    )
    torch.manual_seed(0)
    model = MarianMTModel(config)
    # Like the published opus-mt generation configs.
    model.generation_config.update(max_length=64, num_beams=4, bad_words_ids=[[pad]])
    model.save_pretrained(str(out), safe_serialization=True)
    return out
