"""Generate realistic deliverables documents of any size, for benchmarks and load tests."""

from __future__ import annotations

import random
from datetime import date

from bot.document.plan import Language

_SECTIONS = {
    "es": [("🔴 BLOQUEADORES", "Acción Inmediata - 48h"), ("🟡 INFRAESTRUCTURA", "Antes del Canary"),
           ("🟡 TESTING", "5 días"), ("🟡 DOCUMENTACIÓN", "48-72h"), ("🟢 MEJORAS", "1 semana")],
    "en": [("🚨 Blockers", "48h"), ("🟠 Infrastructure", "Before launch"), ("🟡 Testing", "5 days"),
           ("🟡 Docs", "48-72h"), ("🔵 Improvements", "1 week")],
}  # fmt: skip
_OWNERS = ["Dev Lead", "Dev/CI Engineer", "QA", "SRE / Security", "SRE", "Dev / SRE", "Dev", "Security + QA"]
_VERBS = {
    "es": ["Crear", "Configurar", "Ejecutar", "Provisionar", "Documentar", "Validar", "Revisar"],
    "en": ["Create", "Configure", "Run", "Provision", "Document", "Validate", "Review"],
}
_THINGS = ["pipeline CI/CD", "Redis instance", "`services/openaiService.js`", "dashboard Grafana",
           "alertas Prometheus", "backup manual", "Docker image", "unit tests", "smoke tests",
           "secrets"]  # fmt: skip
_WORDS = {
    "es": ("ENTREGABLES PENDIENTES", "Fecha", "Entregar", "Tarea", "Commits a incluir", "Comandos",
           "COMPLETADOS", "CHECKLIST RÁPIDO POR ROL", "Hoy", "Última actualización"),
    "en": ("PENDING DELIVERABLES", "Date", "Evidence", "Task", "Commits to include", "Commands",
           "Done", "Today by role", "Today", "Last updated"),
}  # fmt: skip


def generate_document(n: int, language: Language = "es", *, seed: int = 7) -> str:
    """Return a markdown deliverables document with `n` numbered deliverables across sections and owners."""
    rng = random.Random(seed)
    title, date_label, evidence, task, commits, commands, done, today, today_suffix, updated = _WORDS[
        language
    ]
    day = date(2025, 12, 7).isoformat()
    out = [f"# 📦 {title}", f"## {date_label}: {day}", "---"]
    sections = _SECTIONS[language]
    per_section = max(1, -(-n // len(sections)))
    number = 0
    for heading, deadline in sections:
        if number >= n:
            break
        out += ["---", f"## {heading} ({deadline})"]
        owner = None
        for _ in range(min(per_section, n - number)):
            number += 1
            if owner is None or rng.random() < 0.35:
                owner = rng.choice(_OWNERS)
                out.append(f"### {owner}")
            ref = f" ({task} #{rng.randint(1, 99)})" if rng.random() < 0.2 else ""
            lines = [f"{number}. **{rng.choice(_VERBS[language])} {rng.choice(_THINGS)}**{ref}"]
            pad = " " * (len(str(number)) + 2)
            for _ in range(rng.randint(2, 6)):
                tick = "x" if rng.random() < 0.3 else " "
                nested = "  " if rng.random() < 0.15 else ""
                lines.append(f"{pad}{nested}- [{tick}] {rng.choice(_VERBS[language])} {rng.choice(_THINGS)}")
            lines.append(f"{pad}- [ ] {evidence}: {rng.choice(_THINGS)} + log")
            out.append("\n".join(lines))
            if rng.random() < 0.1:
                out.append(f"**{commits}**:\n- {rng.choice(_THINGS)}\n- {rng.choice(_THINGS)}")
            if rng.random() < 0.05:
                out.append(f"**{commands}**:\n```bash\nmake test\n- [ ] {rng.choice(_THINGS)}\n```")
    out += ["---", f"## ✅ {done}", "- ✅ **Runbook** (`docs/runbook.md`) - Draft", "---", f"## 📋 {today}"]
    for role in ("Dev Lead", "QA", "SRE", "Security"):
        out.append(f"### {role} ({today_suffix})\n- [ ] {rng.choice(_VERBS[language])} {rng.choice(_THINGS)}")
    out += ["---", f"**{updated}**: {day}"]
    return "\n\n".join(out) + "\n"
