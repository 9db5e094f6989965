"""Charset repair: mojibake and lost bytes undone, correct text left alone."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.document.charset import decode, repair
from bot.document.plan import DocumentError

SEED = Path(__file__).parent.parent / "seeds" / "ENTREGABLES_PENDIENTES.md"
MOJIBAKE = ("Ã", "Â", "ðŸ", "â€")


def mis_decode(text: str) -> str:
    """Encode as UTF-8 and decode as cp1252, dropping the bytes cp1252 cannot show (as the seed did)."""
    return "".join(
        bytes([byte]).decode("cp1252", errors="ignore").replace("\xad", "") for byte in text.encode()
    )


def test_seed_is_repaired_completely() -> None:
    repaired = repair(SEED.read_text(encoding="utf-8"))
    assert not [bad for bad in MOJIBAKE if bad in repaired]
    for expected in (
        "# 📦 ENTREGABLES PENDIENTES",
        "## 🔴 BLOQUEADORES (Acción Inmediata - 48h)",
        "Correcciones críticas de auditoría",
        "pegar logs aquí)",
        "Definir política de backup",
        "Entregar: Política + log",
        "## 🟡 TESTING (5 días)",
        "## 🟡 DOCUMENTACIÓN (48-72h)",
        "## 📋 CHECKLIST RÁPIDO POR ROL",
        "greeting → name",
        "- ✅ **Runbook**",
        "**Última actualización**: 2025-12-07",
    ):
        assert expected in repaired


@pytest.mark.parametrize(
    ("broken", "fixed"),
    [
        ("crÃticas", "críticas"),
        ("auditorÃa", "auditoría"),
        ("aquÃ", "aquí"),
        ("PolÃtica", "Política"),
        ("5 dÃas", "5 días"),
        ("CHECKLIST RÃPIDO", "CHECKLIST RÁPIDO"),
        ("LA AUDITORÃA crÃtica", "LA AUDITORÍA crítica"),  # hiatus: Í before a vowel
        ("dijo â€œholaâ€ ya", "dijo “hola” ya"),  # lost 0x9D of the closing quote
        ("## ðŸ” Buscar", "## 🔍 Buscar"),  # lost last byte of an emoji
    ],
)
def test_lost_bytes_are_guessed_from_context(broken: str, fixed: str) -> None:
    assert repair(broken) == fixed


def test_uppercase_lone_a_tilde_is_left_alone_without_other_mojibake() -> None:
    assert repair("NÃO SÃO PAULO") == "NÃO SÃO PAULO"  # Portuguese, correct as is


CORRECT = [
    "## 🔴 BLOQUEADORES (Acción Inmediata - 48h)\n1. **PR Final Aprobado**\n   - [ ] Crear PR",
    "¿Qué pasó? ¡Sí! Ñandú, pingüino, corazón, ÁREA, ÍNDICE, Última actualización",
    "Ship it — “quoted” ‘single’ … naïve café ﬁ ＡＢ &amp; <b>html</b>",
    "Emoji 👩‍💻 🇪🇸 1️⃣ ✅ ⚪ 🟡 🟠 🎯 📋 📦 → ←",
    "Tabs\tand  double  spaces, trailing * and _under_ and `code`",
    "São Paulo, Â propos, Âmbito",
]


@pytest.mark.parametrize("text", CORRECT)
def test_correct_text_passes_through_unchanged(text: str) -> None:
    assert repair(text) == text


MIS_DECODED = [
    CORRECT[0],
    "¿Qué pasó? ¡Sí! Ñandú, pingüino, corazón, ÁREA, RÁPIDO, DÍAS, Última actualización",
    "Ship it — “quoted” ‘single’ … naïve café &amp; <b>html</b>",
    "Emoji 👩‍💻 🇪🇸 1️⃣ ✅ ⚪ 🟡 🟠 🎯 📋 📦 📝 🔍 → ←",
]


@pytest.mark.parametrize("text", MIS_DECODED)
def test_mis_decoded_text_is_restored(text: str) -> None:
    assert repair(mis_decode(text)) == text


def test_bom_and_line_endings_are_normalised() -> None:
    assert repair("\ufeff# Título\r\nuno\rdos\n") == "# Título\nuno\ndos\n"


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",))))
def test_repair_never_raises(text: str) -> None:
    assert isinstance(repair(text), str)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="abcdeñáéíóúÁÉÍÓÚ¿¡ .,—“”'\n🔴🟡✅📋"))
def test_spanish_text_passes_through(text: str) -> None:
    assert repair(text) == text.replace("\r", "\n")


def test_decode_accepts_utf8_bom_utf16_and_cp1252() -> None:
    assert decode("\ufeff# Título".encode()) == "# Título"
    assert decode("# Título".encode("utf-16")) == "# Título"
    assert decode("# Título".encode("cp1252")) == "# Título"


@pytest.mark.parametrize(
    ("data", "line"),
    [(b"# t\n\x00\x01\x02", 2), (b"ok\nok\n\x81\x8d\x8f bad", 3)],
)
def test_decode_refuses_binary_naming_the_line(data: bytes, line: int) -> None:
    with pytest.raises(DocumentError) as error:
        decode(data, path="doc.md")
    assert error.value.line == line
    assert str(error.value).startswith(f"doc.md:{line}:")
