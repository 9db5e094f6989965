"""Every user-facing text, in Spanish and English."""

from __future__ import annotations

from datetime import date

Lang = str  # "es" | "en"
LANGUAGES = ("es", "en")

MESSAGES: dict[str, dict[str, str]] = {
    # priorities
    "priority.blocker": {"es": "Bloqueadores", "en": "Blockers"},
    "priority.high": {"es": "Alta prioridad", "en": "High priority"},
    "priority.normal": {"es": "Prioridad normal", "en": "Normal priority"},
    # dates
    "due.today": {"es": "vence hoy", "en": "due today"},
    "due.tomorrow": {"es": "vence mañana", "en": "due tomorrow"},
    "due.in_days": {"es": "vence en {days} días ({date})", "en": "due in {days} days ({date})"},
    "due.overdue_one": {"es": "1 día de retraso", "en": "1 day overdue"},
    "due.overdue": {"es": "{days} días de retraso", "en": "{days} days overdue"},
    "due.milestone": {"es": "antes de {milestone}", "en": "before {milestone}"},
    "due.none": {"es": "sin fecha", "en": "no due date"},
    # checklist
    "mine.title": {"es": "Tus entregables", "en": "Your deliverables"},
    "mine.intro": {
        "es": "Hola <@{user}>: tienes *{count}* entregables abiertos.",
        "en": "Hi <@{user}>, you have *{count}* open deliverables.",
    },
    "mine.intro.one": {
        "es": "Hola <@{user}>: tienes *1* entregable abierto.",
        "en": "Hi <@{user}>, you have *1* open deliverable.",
    },
    "mine.nothing": {
        "es": "No tienes entregables abiertos. :tada:",
        "en": "You have no open deliverables. :tada:",
    },
    "mine.unassigned": {
        "es": "No tienes ningún rol asignado, así que no hay entregables tuyos. Un admin puede asignarte "
        "con `/deliverables assign ROL @tú` (roles: {roles}).",
        "en": "You have no role assigned, so no deliverables are yours yet. An admin can assign you with "
        "`/deliverables assign ROLE @you` (roles: {roles}).",
    },
    "mine.role_title": {"es": "Entregables de {role}", "en": "Deliverables of {role}"},
    "mine.page": {"es": "Página {page} de {pages}", "en": "Page {page} of {pages}"},
    "mine.more": {"es": "Ver más", "en": "Show more"},
    "today.title": {"es": "Para hoy ({role})", "en": "For today ({role})"},
    "evidence.label": {"es": "Entregar", "en": "Evidence"},
    "evidence.pending": {"es": "pendiente", "en": "pending"},
    "evidence.in": {"es": "entregada ({count})", "en": "handed in ({count})"},
    "evidence.button": {"es": "Añadir evidencia", "en": "Add evidence"},
    "deliverable.done": {"es": "Hecho", "en": "Done"},
    "deliverable.owners": {"es": "Responsables", "en": "Owners"},
    "deliverable.items_done": {"es": "{done}/{total} hechos", "en": "{done}/{total} done"},
    "plan.none": {
        "es": "Todavía no hay ningún documento de entregables cargado. Un admin puede cargarlo con "
        "`/deliverables import`.",
        "en": "No deliverables document has been loaded yet. An admin can load one with `/deliverables import`.",
    },
    # status and blockers
    "status.title": {"es": "Progreso del plan", "en": "Plan progress"},
    "status.by_section": {"es": "Por sección", "en": "By section"},
    "status.by_owner": {"es": "Por responsable", "en": "By owner"},
    "blockers.title": {"es": "Bloqueadores abiertos", "en": "Open blockers"},
    "blockers.none": {
        "es": "No hay bloqueadores abiertos. :white_check_mark:",
        "en": "No open blockers. :white_check_mark:",
    },
    "role.unknown": {
        "es": "No conozco el rol «{role}». Roles del documento: {roles}.",
        "en": "I don't know the role “{role}”. Roles in the document: {roles}.",
    },
    # digest
    "digest.title": {"es": "Resumen de bloqueadores", "en": "Blockers digest"},
    "digest.overdue": {"es": "Atrasados", "en": "Overdue"},
    "digest.progress": {"es": "Progreso por sección", "en": "Progress by section"},
    "digest.changes": {"es": "Cambios desde el último resumen", "en": "Changes since the last digest"},
    "digest.no_changes": {
        "es": "Sin cambios desde el último resumen.",
        "en": "No changes since the last digest.",
    },
    "digest.ticked": {"es": "{count} ítems marcados", "en": "{count} items ticked"},
    "digest.ticked.one": {"es": "1 ítem marcado", "en": "1 item ticked"},
    "digest.evidence": {"es": "{count} evidencias entregadas", "en": "{count} pieces of evidence handed in"},
    "digest.evidence.one": {"es": "1 evidencia entregada", "en": "1 piece of evidence handed in"},
    "digest.new_overdue": {"es": "nuevos atrasados: {titles}", "en": "newly overdue: {titles}"},
    "digest.done": {"es": "completados: {titles}", "en": "completed: {titles}"},
    "digest.details": {"es": "Detalle en el hilo :thread:", "en": "Details in the thread :thread:"},
    "digest.escalated": {
        "es": ":rotating_light: {mentions}: este bloqueador lleva {days} días hábiles de retraso.",
        "en": ":rotating_light: {mentions}: this blocker is {days} working days overdue.",
    },
    "digest.nobody": {"es": "(sin personas asignadas)", "en": "(nobody assigned)"},
    "digest.posted": {"es": "Resumen publicado en {channel}.", "en": "Digest posted to {channel}."},
    "digest.busy": {
        "es": "Ya se está publicando un resumen en {channel} ahora mismo; no lo repito.",
        "en": "A digest is being posted to {channel} right now; I won't post it twice.",
    },
    "digest.no_channel": {
        "es": "No hay canal para el resumen: configura DIGEST_CHANNEL.",
        "en": "There is no digest channel: set DIGEST_CHANNEL.",
    },
    "digest.failed": {
        "es": "No he podido publicar el resumen en {channel} (Slack respondió «{error}»). Prueba de nuevo en un momento.",
        "en": "I could not post the digest to {channel} (Slack answered “{error}”). Please try again in a moment.",
    },
    "digest.open_blockers": {"es": "{count} bloqueadores abiertos", "en": "{count} open blockers"},
    "digest.open_blockers.one": {"es": "1 bloqueador abierto", "en": "1 open blocker"},
    "digest.overdue_count": {"es": "{count} atrasados", "en": "{count} overdue"},
    "digest.overdue_count.one": {"es": "1 atrasado", "en": "1 overdue"},
    "digest.done_of": {"es": "{done}/{total} entregables hechos", "en": "{done}/{total} deliverables done"},
    # reminders
    "reminder.intro": {
        "es": "Buenos días <@{user}> :wave: Esto es lo que tienes pendiente hoy.",
        "en": "Good morning <@{user}> :wave: Here is what is open for you today.",
    },
    "reminder.escalated": {
        "es": ":rotating_light: Tienes bloqueadores con más de {days} días hábiles de retraso; se mencionan en el resumen del canal.",
        "en": ":rotating_light: You have blockers more than {days} working days overdue; the channel digest mentions you.",
    },
    "reminder.skip_today": {"es": "Saltar hoy", "en": "Skip today"},
    "reminder.tomorrow": {"es": "Recuérdame mañana", "en": "Remind me tomorrow"},
    "reminder.pause": {"es": "Pausar hasta…", "en": "Pause until…"},
    "reminder.time": {"es": "Mi hora de aviso", "en": "My reminder time"},
    "reminder.status": {
        "es": ":alarm_clock: Aviso diario a las {time} ({tz}) · próximo: {next}",
        "en": ":alarm_clock: Daily reminder at {time} ({tz}) · next: {next}",
    },
    "reminder.status_paused": {
        "es": ":double_vertical_bar: Avisos en pausa hasta el {date} · próximo: {next}",
        "en": ":double_vertical_bar: Reminders paused until {date} · next: {next}",
    },
    "reminder.when_today": {"es": "hoy a las {time}", "en": "today at {time}"},
    "reminder.when_tomorrow": {"es": "mañana a las {time}", "en": "tomorrow at {time}"},
    "reminder.when_day": {"es": "el {weekday} {date} a las {time}", "en": "{weekday} {date} at {time}"},
    "weekdays": {
        "es": "lunes,martes,miércoles,jueves,viernes,sábado,domingo",
        "en": "Monday,Tuesday,Wednesday,Thursday,Friday,Saturday,Sunday",
    },
    "reminder.skip_done": {
        "es": "Hecho: hoy no te enviaré el aviso. Próximo aviso: {next}.",
        "en": "Done: no reminder today. Next reminder: {next}.",
    },
    "reminder.skip_already_sent": {
        "es": "El aviso de hoy ya te llegó, así que no cambia nada. Próximo aviso: {next}.",
        "en": "Today's reminder was already sent, so nothing changes. Next reminder: {next}.",
    },
    "reminder.tomorrow_done": {
        "es": "Hecho: hoy no te aviso más y a partir de mañana, como siempre. Próximo aviso: {next}.",
        "en": "Done: nothing more today, and from tomorrow as usual. Next reminder: {next}.",
    },
    "reminder.pause_cancelled": {
        "es": "He quitado la pausa que tenías hasta el {date}.",
        "en": "I lifted your pause until {date}.",
    },
    "reminder.paused": {
        "es": "Avisos en pausa hasta el {date}. Próximo aviso: {next}.",
        "en": "Reminders paused until {date}. Next reminder: {next}.",
    },
    "reminder.resumed": {
        "es": "Esa fecha no es futura, así que no hay pausa: los avisos siguen. Próximo aviso: {next}.",
        "en": "That date is not in the future, so there is no pause: reminders go on. Next reminder: {next}.",
    },
    "reminder.time_set": {
        "es": "Tu aviso diario llegará a las {time} ({tz}). Próximo aviso: {next}.",
        "en": "Your daily reminder will come at {time} ({tz}). Next reminder: {next}.",
    },
    "reminder.bad_value": {
        "es": "No he entendido ese valor; no he cambiado nada.",
        "en": "I could not read that value; nothing was changed.",
    },
    # import
    "import.header": {
        "es": "Versión {version}: {added} nuevos, {changed} cambiados, {archived} archivados, {unchanged} sin cambios.",
        "en": "Version {version}: {added} added, {changed} changed, {archived} archived, {unchanged} unchanged.",
    },
    "import.added": {"es": "+ nuevo:", "en": "+ added:"},
    "import.changed": {"es": "~ cambiado:", "en": "~ changed:"},
    "import.archived": {"es": "- archivado:", "en": "- archived:"},
    "import.more": {"es": "… y {count} más", "en": "… and {count} more"},
    # evidence
    "evidence.unknown": {
        "es": "No encuentro ese entregable o esa evidencia.",
        "en": "I can't find that deliverable or piece of evidence.",
    },
    "evidence.not_owner": {
        "es": "Solo los responsables de «{title}» ({owners}) o un admin pueden entregar evidencia. No he guardado nada.",
        "en": "Only the owners of “{title}” ({owners}) or an admin can hand in evidence for it. Nothing was stored.",
    },
    "evidence.empty": {"es": "Añade un enlace, un texto o un archivo.", "en": "Add a link, a text or a file."},
    "evidence.bad_url": {
        "es": "Eso no parece un enlace: debe empezar por https:// (o http://).",
        "en": "That doesn't look like a link: it must start with https:// (or http://).",
    },
    "evidence.not_yours": {
        "es": "Solo quien la entregó o un admin puede retirar esta evidencia.",
        "en": "Only whoever handed it in or an admin can withdraw this evidence.",
    },
    "evidence.stored": {
        "es": "Evidencia guardada para «{title}» ({count}).",
        "en": "Evidence stored for “{title}” ({count}).",
    },
    "evidence.completed": {
        "es": "«{title}» está completo. :white_check_mark:",
        "en": "“{title}” is done. :white_check_mark:",
    },
    "evidence.usage": {
        "es": "Uso: `/deliverables evidence N` (abre el formulario) o `/deliverables evidence N ENLACE-O-TEXTO`.",
        "en": "Usage: `/deliverables evidence N` (opens the form) or `/deliverables evidence N LINK-OR-TEXT`.",
    },
    "evidence.no_number": {"es": "No hay ningún entregable #{number}.", "en": "There is no deliverable #{number}."},
    "evidence.modal_title": {"es": "Entregar evidencia", "en": "Hand in evidence"},
    "evidence.submit": {"es": "Entregar", "en": "Hand in"},
    "evidence.cancel": {"es": "Cancelar", "en": "Cancel"},
    "evidence.link": {"es": "Enlace", "en": "Link"},
    "evidence.text": {"es": "Texto (logs, notas…)", "en": "Text (logs, notes…)"},
    "evidence.file": {"es": "Archivos", "en": "Files"},
    "evidence.hint": {
        "es": "Rellena al menos uno. Los secretos y datos personales se ocultan antes de guardar.",
        "en": "Fill in at least one. Secrets and personal data are masked before anything is stored.",
    },
    "evidence.current": {"es": "Ya entregado", "en": "Already handed in"},
    "evidence.withdraw": {"es": "Retirar", "en": "Withdraw"},
    "evidence.withdrawn": {
        "es": "Evidencia retirada (queda en el historial).",
        "en": "Evidence withdrawn (kept in the history).",
    },
    # import from Slack
    "import.modal_title": {"es": "Nueva versión", "en": "New version"},
    "import.file": {"es": "Documento de entregables (.md)", "en": "Deliverables document (.md)"},
    "import.submit": {"es": "Importar", "en": "Import"},
    "import.hint": {
        "es": "Se conservan las casillas marcadas y la evidencia; lo que desaparezca se archiva.",
        "en": "Ticks and evidence are kept; what disappears is archived.",
    },
    "import.failed": {"es": "No he podido leer el archivo: {error}", "en": "I could not read the file: {error}"},
    "import.done": {"es": "Documento importado: {summary}", "en": "Document imported: {summary}"},
    # documents that cannot be read (`DocumentError`), in the command line and in Slack
    "document.too_large": {
        "es": "documento demasiado grande (el límite es 5 MB)",
        "en": "document too large (the limit is 5 MB)",
    },
    "document.too_large_size": {
        "es": "documento demasiado grande ({size} MB; el límite es 5 MB)",
        "en": "document too large ({size} MB; the limit is 5 MB)",
    },
    "document.unreadable": {"es": "no se puede leer el archivo: {reason}", "en": "cannot read the file: {reason}"},
    "document.bad_utf16": {"es": "texto UTF-16 no válido", "en": "invalid UTF-16 text"},
    "document.binary": {"es": "archivo binario (byte NUL)", "en": "binary file (NUL byte)"},
    "document.binary_text": {"es": "contenido binario (carácter NUL)", "en": "binary content (NUL character)"},
    "document.undecodable": {
        "es": "no es un archivo de texto (bytes que no se pueden decodificar)",
        "en": "not a text file (undecodable bytes)",
    },
    "document.control": {"es": "no es un archivo de texto (bytes de control)", "en": "not a text file (control bytes)"},
    "document.empty": {"es": "documento vacío", "en": "empty document"},
    "document.not_handed": {
        "es": "Slack no ha entregado el archivo ({reason})",
        "en": "Slack did not hand over the file ({reason})",
    },
    "document.no_deliverables": {
        "es": "no hay entregables: se esperan entregables numerados (`1. **Título**`) con casillas (`- [ ] ...`) "
        "bajo secciones `##`",
        "en": "no deliverables found: expected numbered deliverables (`1. **Title**`) with checklist items "
        "(`- [ ] ...`) under `##` sections",
    },
    "preview.user": {"es": "MD a @{user}", "en": "DM @{user}"},
    "preview.role": {"es": "MD al rol {role}", "en": "DM to role {role}"},
    "preview.unassigned": {"es": "MD a {role} (aún sin nadie asignado)", "en": "DM to {role} (nobody assigned yet)"},
    "preview.digest": {"es": "#{channel} — resumen", "en": "#{channel} — digest"},
    "preview.no_channel": {"es": "(DIGEST_CHANNEL sin definir)", "en": "(DIGEST_CHANNEL not set)"},
    "preview.nothing": {"es": "No se enviaría nada.", "en": "Nothing would be sent."},
    "run.imported": {"es": "Importado {path}: {summary}", "en": "Imported {path}: {summary}"},
    "run.no_slack": {
        "es": "No hay tokens de Slack, así que no se ha enviado nada: arriba está lo que recibiría cada responsable y el\n"
        "canal del resumen. Para conectar Slack, crea la app desde manifest.yml (README, «Connect Slack»), pon\n"
        "SLACK_BOT_TOKEN y SLACK_SIGNING_SECRET (o SLACK_APP_TOKEN para Socket Mode) en .env y vuelve a ejecutar\n"
        "`make run`.",
        "en": "No Slack tokens are set, so nothing was sent: above is what each owner and the digest channel would get.\n"
        "To connect Slack, create the app from manifest.yml (README, “Connect Slack”), put SLACK_BOT_TOKEN and\n"
        "SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode) in .env, and run `make run` again.",
    },
    # the command line
    "cli.bad_now": {
        "es": "--now {value} no es una fecha y hora ISO como 2025-12-08T09:00+01:00",
        "en": "--now {value} is not an ISO date-time like 2025-12-08T09:00+01:00",
    },
    "cli.roles_usage": {
        "es": "uso: roles assign ROL ID_DE_USUARIO [ID_DE_USUARIO ...]",
        "en": "usage: roles assign ROLE USER_ID [USER_ID ...]",
    },
    "cli.bad_user_ids": {
        "es": "no es un id de usuario de Slack: {ids} (son como U012ABCDEF)",
        "en": "not a Slack user id: {ids} (ids look like U012ABCDEF)",
    },
    "cli.assigned": {"es": "{role}: {people} ({count} en total)", "en": "{role}: {people} ({count} in all)"},
    "cli.no_new_people": {"es": "nadie nuevo", "en": "no new people"},
    "cli.nobody": {"es": "(nadie asignado)", "en": "(nobody assigned)"},
    "cli.not_in_document": {"es": "[no está en el documento]", "en": "[not in the document]"},
    "cli.nothing_to_export": {
        "es": "nada que exportar: importa antes un documento (python -m bot import RUTA)",
        "en": "nothing to export: import a document first (python -m bot import PATH)",
    },
    "cli.exported": {"es": "escrito {path} ({count} entregables)", "en": "wrote {path} ({count} deliverables)"},
    "cli.exported.one": {"es": "escrito {path} (1 entregable)", "en": "wrote {path} (1 deliverable)"},
    "cli.backup_written": {
        "es": "escrita {path} ({size}, {tables} tablas, {rows} filas)",
        "en": "wrote {path} ({size}, {tables} tables, {rows} rows)",
    },
    "cli.backup_removed": {"es": "eliminada {path}", "en": "removed {path}"},
    "cli.restored": {
        "es": "restaurada {path} en {database} ({tables} tablas, {rows} filas)",
        "en": "restored {path} into {database} ({tables} tables, {rows} rows)",
    },
    "cli.backup_failed": {"es": "copia de seguridad: {reason}", "en": "backup: {reason}"},
    "cli.restore_failed": {"es": "restauración: {reason}", "en": "restore: {reason}"},
    "cli.no_bot_token": {
        "es": "SLACK_BOT_TOKEN no está definido (xoxb-...); mira el README, «Connect Slack»",
        "en": "SLACK_BOT_TOKEN is not set (xoxb-...); see README, 'Connect Slack'",
    },
    "cli.no_signing_secret": {
        "es": "SLACK_SIGNING_SECRET no está definido; sin él no se pueden verificar las peticiones de Slack",
        "en": "SLACK_SIGNING_SECRET is not set; Slack's requests cannot be verified without it",
    },
    "cli.token_refused": {
        "es": "Slack ha rechazado SLACK_BOT_TOKEN: {error}",
        "en": "Slack refused SLACK_BOT_TOKEN: {error}",
    },
    "cli.no_app_token": {
        "es": "SLACK_APP_TOKEN no está definido (xapp-...); Socket Mode necesita un token de nivel de app",
        "en": "SLACK_APP_TOKEN is not set (xapp-...); Socket Mode needs an app-level token",
    },
    "cli.needs_slack": {
        "es": "{what} envía mensajes de Slack, así que necesita SLACK_BOT_TOKEN (xoxb-...), o SLACK_CLIENT_ID y "
        "SLACK_CLIENT_SECRET para varios espacios de trabajo; para ver qué se enviaría sin Slack, ejecuta "
        "`python -m bot preview`",
        "en": "{what} sends Slack messages, so it needs SLACK_BOT_TOKEN (xoxb-...), or SLACK_CLIENT_ID and "
        "SLACK_CLIENT_SECRET for several workspaces; to see what would be sent without Slack, run "
        "`python -m bot preview`",
    },
    "cli.no_digest_slot": {
        "es": "  ninguna hora de DIGEST_SCHEDULE en las {hours} horas anteriores; para publicar uno perdido, "
        "pásala con --now",
        "en": "  no DIGEST_SCHEDULE time in the {hours} hours before then; to post a missed one, give it as --now",
    },
    # ticks and permissions
    "tick.not_owner": {
        "es": "Solo los responsables de «{title}» ({owners}) o un admin pueden marcar sus ítems. No he cambiado nada.",
        "en": "Only the owners of “{title}” ({owners}) or an admin can tick its items. Nothing was changed.",
    },
    "tick.gone": {
        "es": "Ese ítem ya no está en el plan (el documento cambió). Vuelve a abrir tu lista con `/deliverables`.",
        "en": "That item is no longer in the plan (the document changed). Open your list again with `/deliverables`.",
    },
    "admin.only": {
        "es": "Solo los admins pueden usar `{command}`.",
        "en": "Only admins can use `{command}`.",
    },
    "assign.done": {"es": "{users} ahora tienen el rol {role}.", "en": "{users} now have the role {role}."},
    "assign.usage": {
        "es": "Uso: `/deliverables assign ROL @persona…`",
        "en": "Usage: `/deliverables assign ROLE @person…`",
    },
    "error.generic": {
        "es": "Algo salió mal y no he podido terminar. No se ha perdido nada; prueba de nuevo en un momento.",
        "en": "Something went wrong and I could not finish. Nothing was lost; please try again in a moment.",
    },
    "help.title": {"es": "Cómo usar /deliverables", "en": "How to use /deliverables"},
    "help.unknown": {
        "es": "No conozco «{word}». Esto es lo que sé hacer:",
        "en": "I don't know “{word}”. Here is what I can do:",
    },
    "help.body": {
        "es": "• `/deliverables` o `/deliverables mine`: tus entregables abiertos, con casillas y evidencias\n"
        "• `/deliverables status`: progreso por sección y por responsable\n"
        "• `/deliverables blockers`: bloqueadores abiertos, con responsables y retraso\n"
        "• `/deliverables role ROL`: los entregables de un rol\n"
        "• `/deliverables evidence N [ENLACE o TEXTO]`: entregar evidencia del entregable N\n"
        "• `/deliverables assign ROL @persona…` (admins): asignar un rol\n"
        "• `/deliverables import` (admins): cargar una nueva versión del documento\n"
        "• `/deliverables digest` (admins): publicar el resumen de bloqueadores ahora\n"
        "• `/deliverables help`: esta ayuda",
        "en": "• `/deliverables` or `/deliverables mine`: your open deliverables, with checkboxes and evidence\n"
        "• `/deliverables status`: progress per section and per owner\n"
        "• `/deliverables blockers`: open blockers, with owners and how overdue\n"
        "• `/deliverables role ROLE`: one role's deliverables\n"
        "• `/deliverables evidence N [LINK or TEXT]`: hand in evidence for deliverable N\n"
        "• `/deliverables assign ROLE @person…` (admins): assign a role\n"
        "• `/deliverables import` (admins): load a new version of the document\n"
        "• `/deliverables digest` (admins): post the blockers digest now\n"
        "• `/deliverables help`: this help",
    },
}


def t(key: str, lang: Lang, **values: object) -> str:
    """The text for `key` in `lang` (English when a language is missing), filled in.

    A `count` of 1 takes the key's singular, `key.one`, where it has one: "1 entregable abierto", not
    "1 entregables abiertos"."""
    entry = MESSAGES.get(f"{key}.one") if values.get("count") == 1 else None
    entry = entry or MESSAGES[key]
    text = entry.get(lang) or entry["en"]
    return text.format(**values) if values else text


def language_of(locale: str | None) -> str | None:
    """`es-ES` -> `es`; None for a language we do not speak."""
    if not locale:
        return None
    code = locale.replace("_", "-").split("-")[0].lower()
    return code if code in ("es", "en") else None


class LocalizedError(Exception):
    """A problem a person is told about: an i18n key and its values. `str()` is the English text; `text(lang)`
    is what they read."""

    def __init__(self, key: str, **values: object) -> None:
        self.key = key
        self.values = values
        super().__init__(self.text("en"))

    def text(self, lang: Lang) -> str:
        return t(self.key, lang, **self.values)


def default_language(setting: str, plan_language: str | None) -> str:
    """What someone we know nothing about reads (the command line, a preview): LANGUAGE, else the document's."""
    return choose_language(person_language=None, setting=setting, plan_language=plan_language)


def choose_language(*, person_language: str | None, setting: str, plan_language: str | None) -> str:
    """A person's own language, else the configured one, else the document's."""
    if person_language in LANGUAGES:
        return person_language
    if setting in LANGUAGES:
        return setting
    return plan_language if plan_language in LANGUAGES else "en"


def plan_language_matters(*, person_language: str | None, setting: str) -> bool:
    """Whether `choose_language` would look at the document's language: callers can skip reading the plan."""
    return person_language not in LANGUAGES and setting not in LANGUAGES


def due_text(due: date | None, today: date, lang: Lang, milestone: str | None = None) -> str:
    """`vence mañana`, `3 días de retraso`, `antes de Canary`."""
    if due is None:
        return t("due.milestone", lang, milestone=milestone) if milestone else t("due.none", lang)
    days = (due - today).days
    if days == 0:
        return t("due.today", lang)
    if days == 1:
        return t("due.tomorrow", lang)
    if days > 1:
        return t("due.in_days", lang, days=days, date=due.isoformat())
    if days == -1:
        return t("due.overdue_one", lang)
    return t("due.overdue", lang, days=-days)
