"""A small form with every kind of logic, in nb, en and ar, that tests break one rule at a time."""

from __future__ import annotations

LOGIC_FORM = """\
id: lg
kind: instrument
version: "1.0.0"
prefix: lg
source: "Synthetic test instrument"
licence: "Test only"
languages:
  nb: {status: draft}
  en: {status: draft}
  ar: {status: draft}
title:
  nb: "Bakgrunn"
  en: "Background"
  ar: "الخلفية"
items:
  - id: lg_country
    type: single_choice
    allow_decline: true
    text:
      nb: "Hvilket land kommer du fra?"
      en: "Which country do you come from?"
      ar: "من أي بلد أنت؟"
    options:
      nb: {1: "Syria", 2: "Eritrea", 3: "Annet land"}
      en: {1: "Syria", 2: "Eritrea", 3: "Other country"}
      ar: {1: "سوريا", 2: "إريتريا", 3: "بلد آخر"}
  - id: lg_country_other
    type: text
    max_length: 100
    allow_decline: true
    relevant: "${lg_country} = 3"
    text:
      nb: "Hvilket annet land?"
      en: "Which other country?"
      ar: "ما هو البلد الآخر؟"
  - id: lg_age
    type: integer
    allow_decline: true
    constraint: ". >= 18 and . <= 67"
    constraint_message:
      nb: "Alderen må være mellom 18 og 67."
      en: "The age must be between 18 and 67."
      ar: "يجب أن يكون العمر بين ١٨ و٦٧."
    text:
      nb: "Hvor gammel er du?"
      en: "How old are you?"
      ar: "كم عمرك؟"
  - id: lg_langs
    type: multiple_choice
    allow_decline: true
    text:
      nb: "Hvilke språk snakker du?"
      en: "Which languages do you speak?"
      ar: "ما اللغات التي تتحدثها؟"
    options:
      nb: {1: "Arabisk", 2: "Norsk", 3: "Annet språk"}
      en: {1: "Arabic", 2: "Norwegian", 3: "Other language"}
      ar: {1: "العربية", 2: "النرويجية", 3: "لغة أخرى"}
  - id: lg_langs_other
    type: text
    max_length: 100
    allow_decline: true
    relevant: "selected(${lg_langs}, '3')"
    text:
      nb: "Hvilket annet språk?"
      en: "Which other language?"
      ar: "ما هي اللغة الأخرى؟"
  - id: lg_lang_count
    type: calculate
    calculate: "count-selected(${lg_langs})"
  - section: lg_work
    relevant: "${lg_age} >= 18"
    title:
      nb: "Arbeid"
      en: "Work"
      ar: "العمل"
    items:
      - id: lg_job
        type: single_choice
        allow_decline: true
        text:
          nb: "Har du jobb?"
          en: "Do you have a job?"
          ar: "هل لديك عمل؟"
        options:
          nb: {1: "Ja", 0: "Nei"}
          en: {1: "Yes", 0: "No"}
          ar: {1: "نعم", 0: "لا"}
      - id: lg_hours
        type: integer
        min: 1
        max: 80
        allow_decline: true
        relevant: "${lg_job} = 1"
        text:
          nb: "Hvor mange timer i uka jobber du?"
          en: "How many hours a week do you work?"
          ar: "كم ساعة تعمل في الأسبوع؟"
      - id: lg_km
        type: decimal
        min: 0
        max: 500
        decimals: 1
        allow_decline: true
        relevant: "${lg_job} = 1"
        text:
          nb: "Hvor mange kilometer er det til jobben?"
          en: "How many kilometres is it to your work?"
          ar: "كم كيلومترًا تبعد عن عملك؟"
"""

# A city question whose options depend on the country chosen before (XLSForm choice_filter).
FILTER_FORM = """\
id: cf
kind: instrument
version: "1.0.0"
prefix: cf
source: "Synthetic test instrument"
licence: "Test only"
languages:
  nb: {status: draft}
  en: {status: draft}
  ar: {status: draft}
title:
  nb: "Bosted"
  en: "Home town"
  ar: "مكان السكن"
items:
  - id: cf_country
    type: single_choice
    allow_decline: true
    text:
      nb: "Hvilket land kommer du fra?"
      en: "Which country do you come from?"
      ar: "من أي بلد أنت؟"
    options:
      nb: {1: "Syria", 2: "Eritrea", 3: "Annet land"}
      en: {1: "Syria", 2: "Eritrea", 3: "Other country"}
      ar: {1: "سوريا", 2: "إريتريا", 3: "بلد آخر"}
  - id: cf_city
    type: single_choice
    allow_decline: true
    choice_filter:
      1: "${cf_country} = 1"
      2: "${cf_country} = 1"
      3: "${cf_country} = 2"
    text:
      nb: "Hvilken by kommer du fra?"
      en: "Which city do you come from?"
      ar: "من أي مدينة أنت؟"
    options:
      nb: {1: "Damaskus", 2: "Aleppo", 3: "Asmara", 4: "En annen by"}
      en: {1: "Damascus", 2: "Aleppo", 3: "Asmara", 4: "Another city"}
      ar: {1: "دمشق", 2: "حلب", 3: "أسمرة", 4: "مدينة أخرى"}
"""

# A part where nothing ever applies: every item waits for a flag no answer sets.
NEVER_FORM = """\
id: nv
kind: instrument
version: "1.0.0"
prefix: nv
source: "Synthetic test instrument"
licence: "Test only"
languages:
  nb: {status: draft}
  en: {status: draft}
  ar: {status: draft}
title:
  nb: "Oppfølging"
  en: "Follow-up"
  ar: "المتابعة"
items:
  - id: nv_flag
    type: calculate
    calculate: "0"
  - id: nv_moved
    type: single_choice
    allow_decline: true
    relevant: "${nv_flag} = 1"
    text:
      nb: "Har du flyttet siden sist?"
      en: "Have you moved since last time?"
      ar: "هل انتقلت منذ المرة الماضية؟"
    options:
      nb: {1: "Ja", 0: "Nei"}
      en: {1: "Yes", 0: "No"}
      ar: {1: "نعم", 0: "لا"}
"""

# The same cities as a multiple choice: a filter takes out only the cities no longer offered.
MULTI_FILTER_FORM = FILTER_FORM.replace(
    "  - id: cf_city\n    type: single_choice\n", "  - id: cf_city\n    type: multiple_choice\n"
)
