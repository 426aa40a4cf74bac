"""Every Russian word the product shows for a stored code, in one place.

A code (``high``, ``not_met``, ``import``…) is what the database and the measures keep; what a
person reads is here, so one word can't drift between the page, the deck, the Excel export and
the change log.  Parsing the other way (a word typed in a template back to its code) reads the
same dictionaries.
"""

from __future__ import annotations


def period_label(period: int) -> str:
    """2024 -> '2024/25': a period is a school year stored as its first calendar year."""
    return f"{period}/{(period + 1) % 100:02d}"


def plural(n: int, one: str, few: str, many: str) -> str:
    """The form of a noun that agrees with the number ``n``: ``plural(n, "школа", "школы",
    "школ")`` gives школа for 1, 21, 101; школы for 2–4, 22–24; школ for 0, 5–20, 25–30, 111…
    After «из» pass the genitive forms: ``plural(n, "школы", "школ", "школ")`` («из 21 школы»)."""
    n = abs(int(n))
    if 11 <= n % 100 <= 14:
        return many
    if n % 10 == 1:
        return one
    return few if 2 <= n % 10 <= 4 else many


def counted(n: int, one: str, few: str, many: str) -> str:
    """«1 школа», «3 школы», «5 школ»: the number and its agreed noun."""
    return f"{n} {plural(n, one, few, many)}"


# -- levels and statuses of the measures ------------------------------------------------------

LEVELS = ("high", "medium", "low", "insufficient", "no_data")
LEVEL_LABELS = {
    "high": "Высокий",
    "medium": "Средний",
    "low": "Низкий",
    "insufficient": "Недостаточно данных",
    "no_data": "Нет данных",
    "not_applicable": "Не применяется",   # every indicator of the unit marked not applicable
}
# The status of a value, or of a set of values (an indicator across its years, a criterion).
STATUS_LABELS = {
    "met": "Выполнено",
    "partial": "Частично",
    "not_met": "Не выполнено",
    "not_applicable": "Не применяется",
    "no_data": "Нет данных",
}
# The same classification read as a stage of the management cycle.
STAGE_STATUS_LABELS = {
    "present": "есть",
    "partial": "частично",
    "missing": "нет",
    "no_data": "нет данных",
    "not_applicable": "не применяется",
}
STAGE_LABELS = {
    "goal": "Цель",
    "monitoring": "Мониторинг",
    "analysis": "Анализ",
    "recommendations": "Рекомендации",
    "measures": "Меры",
    "decisions": "Решения",
    "effectiveness": "Анализ эффективности",
}
UNIT_LEVELS = {"municipality": "Муниципалитет", "school": "ОО"}  # who an indicator applies to

# The status × change grid (California School Dashboard's 5×5).
STATUS_BAND_LABELS = {
    "very_high": "Очень высокое",
    "high": "Высокое",
    "medium": "Среднее",
    "low": "Низкое",
    "very_low": "Очень низкое",
}
CHANGE_BAND_LABELS = {
    "declined_significantly": "Значительно снизилось",
    "declined": "Снизилось",
    "maintained": "Сохранилось",
    "increased": "Выросло",
    "increased_significantly": "Значительно выросло",
}
RATING_LABELS = {
    5: "Синий — образцово",
    4: "Голубой — хорошо",
    3: "Жёлтый — стабильно",
    2: "Оранжевый — внимание",
    1: "Красный — нужна помощь",
}
RATING_COLOR_NAMES = {5: "Синий", 4: "Голубой", 3: "Жёлтый", 2: "Оранжевый", 1: "Красный"}

# -- roadmaps, submissions, recommendations ---------------------------------------------------

EVENT_STATUS_LABELS = {
    "done": "выполнено",
    "in_progress": "в работе",
    "not_done": "не выполнено",
    "not_due": "срок не наступил",
}
SUBMISSION_LABELS = {"received": "Получено", "accepted": "Принято (заблокировано)"}
RECOMMENDATION_STATUS_LABELS = {"new": "черновик (не сохранён)", "draft": "черновик",
                                "approved": "утверждено"}

# -- who wrote what: the change log -----------------------------------------------------------

# Every source a write may name (the write door refuses any other).
SOURCE_LABELS = {
    "import": "загрузка файла",
    "edit": "правка на странице",
    "undo": "отмена загрузки",
    "accept": "приёмка",
    "unlock": "снятие блокировки",
    "receive": "получение",
    "catalog": "каталог",
    "catalog-file": "загрузка каталога",
    "demo": "демо-данные",
    "generate": "синтетические данные",
    "recommendation": "адресные рекомендации",
    "council": "снимок для педсовета",
    "init": "создание базы",
    "users": "учётные записи",
    "adoption": "принятие дорожной карты",
    "vpr-import": "загрузка результатов ВПР",
}
ENTITY_LABELS = {
    "assessment": "оценка",
    "vpr_participant": "участник ВПР",
    "vpr_school_report": "отчёт ВПР по школе",
    "vpr_scale": "шкала перевода баллов ВПР",
    "event_status": "мероприятие",
    "event_due": "срок мероприятия",
    "roadmap_adoption": "принятие дорожной карты",
    "submission": "сдача данных",
    "recommendation": "рекомендации",
    "council_snapshot": "снимок педсовета",
    "org_unit": "организация",
    "indicator": "показатель",
    "criterion": "группа критериев",
    "direction": "направление",
    "roadmap_event": "мероприятие дорожной карты",
    "event_indicator": "связь мероприятия и показателя",
    "recommendation_rule": "правило рекомендаций",
    "setting": "настройка",
    "catalog": "каталог",
    "database": "база данных",
    "app_user": "пользователь",
}
FIELD_LABELS = {
    "score": "Балл", "not_applicable": "Не применяется", "evidence_url": "Ссылка на документ",
    "comment": "Комментарий", "status": "Статус", "done_on": "Дата выполнения",
    "received_at": "Получено", "accepted_by": "Кем принято", "accepted_at": "Принято",
    "due_on": "Срок", "text": "Текст", "basis": "Основание", "approved_by": "Кем утверждено",
    "approved_at": "Утверждено", "taken_at": "Снимок сделан", "rows": "Строк",
    "first_period": "Действует с", "sha256": "Контрольная сумма", "seed": "Начальное число",
    "display_name": "Имя", "role": "Роль", "unit_id": "Организация", "password_hash": "Пароль",
    "oidc_subject": "Вход через организацию", "email": "Эл. почта", "disabled": "Отключён",
    "*": "Запись",
}

# -- who may do what --------------------------------------------------------------------------

ROLE_LABELS = {
    "viewer": "Просмотр",
    "department_editor": "Специалист управления",
    "school_editor": "Оператор школы",
    "region_viewer": "Просмотр региона",
    "admin": "Администратор",
}


# -- ВПР objectivity ---------------------------------------------------------------------------
VPR_SUBJECTS = {  # subject code → its name as ФИС ОКО writes it
    "rus": "Русский язык",
    "math": "Математика",
    "hist": "История",
    "bio": "Биология",
    "geo": "География",
    "soc": "Обществознание",
    "phys": "Физика",
    "chem": "Химия",
    "lit": "Литература",
    "eng": "Английский язык",
    "okr": "Окружающий мир",
}
VPR_SIGN_LABELS = {  # Rosobrnadzor's signs of unobjective results (never a verdict)
    "high": "Результаты выше эталона",
    "contradiction": "Отметки противоречат результатам ВПР",
    "cohort": "Резкое изменение результатов параллели",
    "peak": "Пики баллов на границе отметки",
}
VPR_REFERENCE_LABELS = {"region": "регион", "municipality": "муниципалитет"}
VPR_JOURNAL_LABELS = {"lowered": "Понизили", "confirmed": "Подтвердили", "raised": "Повысили"}
